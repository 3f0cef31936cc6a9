import xml.etree.ElementTree as ET

import pytest

from ansible_collections.csp.exchange.plugins.module_utils.reports.drift import build, junit, merge, summary

TENANTS = [
    {"host": "contoso", "tenant": "c-id", "error": None, "results": [
        {"rule": "organization", "object": "OrganizationConfig", "matched": 1, "changes": [], "failed_identities": []},
        {"rule": "users", "object": "Mailbox", "matched": 3, "failed_identities": [], "changes": [
            {"identity": "jdoe", "before": {"ProhibitSendQuota": "99 GB (106,300,440,576 bytes)", "AuditEnabled": False},
             "after": {"ProhibitSendQuota": "49GB", "AuditEnabled": True}}]}]},
    {"host": "fabrikam", "tenant": "f-id", "error": "Could not get an Exchange Online token for tenant f-id: AADSTS700082",
     "results": []},
    None,
]


def test_report_cases_per_tenant_and_object():
    report = build(TENANTS, ["contoso", "fabrikam", "tailspin"])
    assert [(c["tenant"], c["object"], c["status"]) for c in report["cases"]] == [
        ("c-id", "OrganizationConfig", "ok"), ("c-id", "Mailbox", "drift"), ("f-id", "(tenant)", "error"),
        ("tailspin", "(tenant)", "error")]
    drift = report["cases"][1]["drift"]
    assert drift == [
        {"identity": "jdoe", "property": "AuditEnabled", "current": False, "desired": True},
        {"identity": "jdoe", "property": "ProhibitSendQuota", "current": "99 GB (106,300,440,576 bytes)", "desired": "49GB"}]
    assert report["drifted"] == 1 and report["errors"] == 2
    assert "AADSTS700082" in summary(report) and "unreachable" in report["cases"][3]["message"]


def test_junit_parses_and_lists_each_property():
    suite = ET.fromstring(junit(build(TENANTS, ["contoso", "fabrikam", "tailspin"])))
    assert suite.get("tests") == "4" and suite.get("failures") == "1" and suite.get("errors") == "2"
    failure = suite.find("testcase[@classname='c-id'][@name='Mailbox users']/failure")
    assert "jdoe: ProhibitSendQuota is \"99 GB (106,300,440,576 bytes)\", baseline wants \"49GB\"" in failure.text
    assert suite.find("testcase[@classname='f-id']/error") is not None


def test_clean_run():
    report = build([TENANTS[0]["results"] and {"host": "x", "tenant": "x", "results": [TENANTS[0]["results"][0]]}])
    assert report["drifted"] == report["errors"] == 0 and summary(report).startswith("No drift")


def test_junit_always_parses_and_every_tenant_has_a_case():
    import xml.parsers.expat
    tenants = [
        {"host": "a\x01b", "tenant": "t\x1b1", "results": [{"rule": "r", "object": "Mailbox", "matched": 1,
                                                           "changes": [{"identity": "j\x00doe\ufffe",
                                                                        "before": {"DisplayName": "x\x08"},
                                                                        "after": {"DisplayName": "y"}}]}]},
        {"host": "empty", "tenant": "t2", "error": None, "results": []},
        "not a mapping",
        {"host": "odd", "tenant": "t3", "results": [42, {"object": "Mailbox", "failed_identities": ["gone\x02"]}]},
    ]
    report = build(tenants, ["a", "empty", "broken", "odd"])
    text = junit(report)
    parser = xml.parsers.expat.ParserCreate()
    parser.Parse(text.encode("utf-8"), True)             # strict: raises on any character XML forbids
    suite = ET.fromstring(text.encode("utf-8"))
    assert {c.get("classname") for c in suite.findall("testcase")} == {"t\\x1b1", "t2", "broken", "t3"}
    assert suite.find("testcase[@classname='t2']/error") is not None        # no results is an error, not a pass
    assert "\\x00" in suite.find("testcase[@classname='t\\x1b1']/failure").text
    assert report["errors"] == 4 and report["drifted"] == 1


def test_slices_merge_into_the_whole_report_in_inventory_order():
    hosts = ["contoso", "fabrikam", "tailspin"]
    whole = build(TENANTS, hosts, run_id="r1")
    slices = [("s1", build([TENANTS[0], TENANTS[2]], ["contoso", "tailspin"], run_id="r1")),
              ("s2", build([TENANTS[1]], ["fabrikam"], run_id="r1"))]
    merged = merge(slices, hosts)
    assert merged == whole and junit(merged) == junit(whole)
    assert [c["host"] for c in merge(slices)["cases"]] == ["contoso", "contoso", "tailspin", "fabrikam"]


def test_a_report_given_twice_counts_once_and_a_missing_host_is_an_error():
    part = build([TENANTS[0]], ["contoso"], run_id="r1")
    assert merge([("s1", part), ("s1 again", part)]) == merge([("s1", part)])
    with pytest.raises(ValueError, match="not a drift report"):
        merge([("s1", {"cases": "x"})])
    merged = merge([("s1", part)], ["contoso", "fabrikam"])
    assert merged["tenants"] == 2 and merged["errors"] == 1 and "no slice" in merged["cases"][-1]["message"]


def test_a_host_in_two_slices_is_an_error_case_naming_them():
    one = build([TENANTS[0]], ["contoso"], run_id="r1")
    other = build([dict(TENANTS[0], results=[])], ["contoso"], run_id="r1")
    merged = merge([("s1", one), ("s2", other), ("s3", build([TENANTS[1]], ["fabrikam"], run_id="r1"))])
    contoso = [c for c in merged["cases"] if c["host"] == "contoso"]
    assert len(contoso) == 1 and contoso[0]["status"] == "error" and "2 slices (s1, s2)" in contoso[0]["message"]
    assert merged["errors"] >= 1 and any(c["host"] == "fabrikam" for c in merged["cases"])


@pytest.mark.parametrize("run_ids, words", [(["r1", "r2"], "different runs"), (["r1", None], "carries no run_id")])
def test_reports_of_different_runs_or_of_no_run_are_refused(run_ids, words):
    slices = [("s%d" % n, build([tenant], [tenant["host"]], run_id=run_id))
              for n, (tenant, run_id) in enumerate(zip(TENANTS, run_ids))]
    with pytest.raises(ValueError, match=words):
        merge(slices)
