"""Accepted deviations in the reports: a status of their own (``accepted``), a pass in JUnit whose test case names
the exception, counted apart; an expired exception's difference is drift naming it."""
import xml.etree.ElementTree as ET

from ansible_collections.csp.exchange.plugins.module_utils.reports import controls, drift
from ansible_collections.csp.exchange.plugins.module_utils.reports.html import render

DEVIATION = {"ref": "legacy_protocols.IMAPEnabled", "owner": "alice@partner.example", "reason": "scanner archive",
             "expires": "2027-03-31", "identity": "anna", "property": "IMAPEnabled", "current": True,
             "desired": False}


def rule(**kwargs):
    return dict({"rule": "legacy_protocols", "object": "CASMailbox", "matched": 2, "changes": [],
                 "failed_identities": []}, **kwargs)


def junit_cases(xml_text):
    return ET.fromstring(xml_text.split("\n", 1)[1]).findall("testcase")


def test_a_rule_whose_only_differences_are_accepted_is_accepted_and_a_pass_in_junit():
    report = drift.build([{"host": "contoso.com", "tenant": "t", "results": [rule(accepted=[DEVIATION])]}])
    [case] = report["cases"]
    assert case["status"] == "accepted" and case["accepted"] == [DEVIATION]
    assert (report["accepted"], report["drifted"], report["errors"]) == (1, 0, 0)
    assert "1 of them through accepted exceptions" in drift.summary(report)
    [element] = junit_cases(drift.junit(report))
    assert element.find("failure") is None and element.find("error") is None
    assert [(p.get("name"), p.get("value")) for p in element.findall("properties/property")] == [
        ("exception", DEVIATION["ref"]), ("exception.state", "accepted"), ("exception.owner", DEVIATION["owner"]),
        ("exception.expires", "2027-03-31"), ("exception.reason", "scanner archive")]
    assert "anna: IMAPEnabled is true, baseline wants false (exception legacy_protocols.IMAPEnabled, owner " \
           "alice@partner.example, expires 2027-03-31: scanner archive)" in element.find("system-out").text


def test_other_drift_beside_an_accepted_difference_is_still_drift():
    change = {"identity": "anna", "before": {"POPEnabled": True}, "after": {"POPEnabled": False}}
    report = drift.build([{"tenant": "t", "results": [rule(changes=[change], accepted=[DEVIATION])]}])
    assert report["cases"][0]["status"] == "drift" and report["accepted"] == 0


def test_an_expired_exception_is_drift_naming_it():
    report = drift.build([{"host": "h", "tenant": "t", "results": [rule(expired=[DEVIATION])]}])
    [case] = report["cases"]
    assert case["status"] == "drift" and report["drifted"] == 1
    assert "expired exception legacy_protocols.IMAPEnabled (owner alice@partner.example, expired 2027-03-31)" \
        in drift.summary(report)
    [element] = junit_cases(drift.junit(report))
    failure = element.find("failure")
    assert failure.get("message") == "1 drifted setting(s), 1 under an expired exception"
    assert failure.text.startswith("EXPIRED exception legacy_protocols.IMAPEnabled (owner alice@partner.example, "
                                   "expired 2027-03-31): anna: IMAPEnabled is true, baseline wants false")
    assert ("exception.state", "expired") in [(p.get("name"), p.get("value"))
                                              for p in element.findall("properties/property")]


def test_an_exception_no_longer_needed_leaves_the_case_ok_and_says_so():
    needless = {"ref": DEVIATION["ref"], "owner": "alice", "reason": "r", "expires": "2027-03-31", "expired": True}
    report = drift.build([{"tenant": "t", "results": [rule(not_needed=[needless])]}])
    [case] = report["cases"]
    assert case["status"] == "ok" and case["not_needed"] == [needless]
    assert drift.KIND.lines(case) == ["exception legacy_protocols.IMAPEnabled (owner alice, expired 2027-03-31) is "
                                      "no longer needed: the setting matches the baseline"]


def test_merged_slices_count_accepted_cases():
    first = drift.build([{"host": "a", "tenant": "a", "results": [rule(accepted=[DEVIATION])]}], run_id="r")
    second = drift.build([{"host": "b", "tenant": "b", "results": [rule()]}], run_id="r")
    assert drift.merge([("1", first), ("2", second)])["accepted"] == 1


def test_an_accepted_control_is_counted_apart_and_passes_in_junit():
    exception = {"ref": "MS.EXO.5.1v1", "owner": "bob", "reason": "printers", "expires": "2027-03-31",
                 "expired": False}
    report = controls.build([{"host": "h", "tenant": "t", "controls": [
        {"id": "MS.EXO.5.1v1", "status": "accepted", "details": ["accepted deviation MS.EXO.5.1v1 (owner bob)"],
         "exception": exception},
        {"id": "MS.EXO.13.1v1", "status": "fail", "details": ["audit off"],
         "exception": dict(exception, ref="MS.EXO.13.1v1", expired=True)}]}])
    accepted, expired = report["cases"]
    assert accepted["status"] == "accepted" and accepted["exception"] == exception
    assert report["counts"]["accepted"] == 1 and report["counts"]["fail"] == 1
    assert report["controls"]["MS.EXO.5.1v1"]["accepted"] == 1
    suite = ET.fromstring(controls.junit(report).split("\n", 1)[1])
    assert suite.get("failures") == "1"
    first, second = suite.findall("testcase")
    assert first.find("failure") is None and "owner bob" in first.find("system-out").text
    assert ("exception.owner", "bob") in [(p.get("name"), p.get("value")) for p in first.findall("properties/property")]
    assert ("exception.state", "expired") in [(p.get("name"), p.get("value"))
                                              for p in second.findall("properties/property")]


def test_the_page_shows_accepted_as_passing_with_its_detail():
    page = render("Report", "1 tenant", [dict(tenant="t", column="c", status="accepted", lines=["owner bob"])])
    assert "accepted: 1" in page and "owner bob" in page
    assert '<tr class="total"><th class="row">tenants not passing</th><td>0</td></tr>' in page
