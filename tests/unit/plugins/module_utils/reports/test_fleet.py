"""The fleet view (fleet.py): tenants x columns with normalised statuses, the worst per cell, counts, every host of
the run, and the same fleet from merged job slices as from one run."""
import json

import pytest

from ansible_collections.csp.exchange.plugins.module_utils.reports import controls, drift, fleet

NOW = "2026-12-02T05:30:00Z"
EXCEPTION = {"ref": "MS.EXO.5.1v1", "owner": "ops@partner.example", "reason": "scanner needs SMTP AUTH",
             "expires": "2027-03-31"}


def drift_tenant(host, changed=False, failed=False):
    """One host's baseline results: two rules, the second drifted or with an identity that failed."""
    users = {"rule": "user_mailboxes", "object": "Mailbox", "matched": 2, "changes": [], "failed_identities": []}
    if changed:
        users["changes"] = [{"identity": "jdoe", "before": {"IssueWarningQuota": "2 GB"},
                             "after": {"IssueWarningQuota": "48GB"}}]
    if failed:
        users["failed_identities"] = [{"identity": "ann", "reason": "Set-Mailbox refused"}]
    return {"host": host, "tenant": host + "-id", "error": None, "results": [
        {"rule": "organization", "object": "OrganizationConfig", "matched": 1, "changes": [], "failed_identities": []},
        users]}


def controls_report():
    """By hand: SCuBA's statuses, an accepted case with its exception, a tenant that could not be checked."""
    case = dict(criticality="SHALL", statement="statement", details=[])
    return {"run_id": "run-7", "tenants": 3, "cases": [
        dict(case, tenant="a-id", host="a", id="MS.EXO.5.1v1", status="pass"),
        dict(case, tenant="a-id", host="a", id="MS.EXO.4.1v1", status="manual", details=["TXT _dmarc.a"]),
        dict(case, tenant="b-id", host="b", id="MS.EXO.5.1v1", status="accepted", accepted=[EXCEPTION],
             details=["SMTP AUTH is enabled"]),
        dict(case, tenant="b-id", host="b", id="MS.EXO.4.1v1", status="fail", details=["no DMARC record"]),
        dict(tenant="c", host="c", id="(tenant)", status="error", criticality=None, statement=None,
             details=["AADSTS65001: consent missing"])]}


def test_drift_statuses_become_pass_fail_error_and_columns_are_rules():
    report = drift.build([drift_tenant("a"), drift_tenant("b", changed=True), drift_tenant("c", failed=True), None],
                         ["a", "b", "c", "d"], "run-1")
    doc = fleet.build(drift.KIND, report, NOW)
    assert [c["name"] for c in doc["columns"]] == ["organization", "user_mailboxes"]
    assert [(t["host"], t["cells"], t["status"]) for t in doc["tenants"]] == [
        ("a", {"organization": "pass", "user_mailboxes": "pass"}, "pass"),
        ("b", {"organization": "pass", "user_mailboxes": "fail"}, "fail"),
        ("c", {"organization": "pass", "user_mailboxes": "error"}, "error"),
        ("d", {"organization": "error", "user_mailboxes": "error"}, "error")]      # produced nothing
    assert (doc["run_id"], doc["generated"], doc["kind"]) == ("run-1", NOW, "exchange-baseline-drift")
    [detail] = [d for d in doc["tenants"][1]["details"] if d["status"] == "fail"]
    assert detail == {"column": "user_mailboxes", "status": "fail", "report_status": "drift",
                      "lines": ['jdoe: IssueWarningQuota is "2 GB", baseline wants "48GB"']}
    assert doc["tenants"][3]["details"][0]["lines"] == ["the tenant produced no result (unreachable or skipped)"]


def test_counts_per_column_per_tenant_and_overall_with_accepted_and_scubas_own_statuses():
    doc = fleet.build(controls.KIND, controls_report(), NOW)
    assert doc["statuses"] == ["error", "fail", "accepted", "manual", "pass"]
    assert [c["name"] for c in doc["columns"]] == ["MS.EXO.5.1v1", "MS.EXO.4.1v1"]
    assert doc["columns"][0]["counts"] == {"error": 1, "fail": 0, "accepted": 1, "manual": 0, "pass": 1}
    assert doc["columns"][1]["counts"] == {"error": 1, "fail": 1, "accepted": 0, "manual": 1, "pass": 0}
    a, b, c = doc["tenants"]
    assert (a["status"], b["status"], c["status"]) == ("manual", "fail", "error")
    assert b["counts"] == {"error": 0, "fail": 1, "accepted": 1, "manual": 0, "pass": 0}
    assert c["cells"] == {"MS.EXO.5.1v1": "error", "MS.EXO.4.1v1": "error"} and c["label"] == "c"
    assert a["label"] == "a (a-id)" and [d["status"] for d in a["details"]] == ["manual"]   # a pass is only counted
    assert doc["counts"] == {"cells": {"error": 2, "fail": 1, "accepted": 1, "manual": 1, "pass": 1},
                             "tenants": {"error": 1, "fail": 1, "accepted": 0, "manual": 1, "pass": 0}}
    [accepted] = [d for d in b["details"] if d["status"] == "accepted"]
    assert accepted["accepted"] == [EXCEPTION] and accepted["lines"] == ["statement", "SMTP AUTH is enabled"]
    assert "1 error, 1 fail, 1 manual" in fleet.summary(doc)


@pytest.mark.parametrize("statuses, expected", [
    (["pass", "accepted"], "accepted"), (["accepted", "fail"], "fail"), (["fail", "error", "pass"], "error"),
    (["ok", "drift"], "fail"), (["pass", "fixed"], "fixed"), (["pass", "n/a"], "pass"),
    (["manual", "accepted"], "accepted"), (["pass", "surprising"], "surprising"), (["fail", "surprising"], "fail"),
    ([None, "pass"], "error"), (["warning", "manual"], "warning")])
def test_a_cell_with_several_cases_shows_the_worst(statuses, expected):
    report = {"run_id": "r", "cases": [dict(tenant="t", host="h", id="X.1", status=s, details=[]) for s in statuses]}
    doc = fleet.build(controls.KIND, report, NOW)
    assert doc["tenants"][0]["cells"] == {"X.1": expected}
    assert doc["columns"][0]["counts"][expected] == 1 and sum(doc["columns"][0]["counts"].values()) == 1


def test_a_tenant_without_a_case_in_a_column_has_no_cell_there():
    report = {"run_id": "r", "cases": [dict(tenant="t", host="h", id="X.1", status="pass", details=[]),
                                       dict(tenant="u", host="u", id="X.2", status="fail", details=[])]}
    doc = fleet.build(controls.KIND, report, NOW)
    assert [t["cells"] for t in doc["tenants"]] == [{"X.1": "pass"}, {"X.2": "fail"}]
    assert doc["columns"][0]["counts"]["pass"] == 1 and sum(doc["columns"][0]["counts"].values()) == 1


def test_the_fleet_of_merged_slices_is_the_fleet_of_one_run():
    hosts = ["a", "b", "c", "d", "e"]
    tenants = [drift_tenant("a"), drift_tenant("b", changed=True), None, drift_tenant("d", failed=True),
               drift_tenant("e")]
    whole = drift.build(tenants, hosts, "nightly-1")
    slices = [("slice%d.json" % i, json.loads(json.dumps(drift.build(tenants[i::2], hosts[i::2], "nightly-1"))))
              for i in range(2)]
    merged = drift.merge(slices, hosts, "nightly-1")
    assert fleet.build(drift.KIND, merged, NOW) == fleet.build(drift.KIND, whole, NOW)
    # A slice that never ran: its hosts are rows in error, never missing from the fleet.
    partial = fleet.build(drift.KIND, drift.merge(slices[:1], hosts, "nightly-1"), NOW)
    assert [(t["host"], t["status"]) for t in partial["tenants"]] == [
        ("a", "pass"), ("b", "error"), ("c", "error"), ("d", "error"), ("e", "pass")]


def test_the_json_is_strict_whatever_the_values(tmp_path):
    report = controls_report()
    report["cases"][2]["accepted"] = [dict(EXCEPTION, score=float("nan"), expires=object(), note=u"x\ud800y")]
    report["cases"][0]["host"] = u"h\x00<script>"
    path = tmp_path / "fleet.json"
    doc = fleet.write_files(controls.KIND, report, json_path=str(path), generated=NOW)
    text = path.read_text(encoding="utf-8")

    def refuse(name):
        raise ValueError("not strict JSON: %s" % name)
    assert json.loads(text, parse_constant=refuse) == doc
    [b] = [t for t in doc["tenants"] if t["host"] == "b"]
    accepted = b["details"][0]["accepted"][0]
    assert accepted["score"] == "nan" and accepted["note"] == "x\\ud800y" and accepted["expires"].startswith("<object")
    assert doc["tenants"][0]["host"] == u"h\x00<script>"           # JSON carries it as it is, escaped


def test_a_report_without_cases_is_refused():
    with pytest.raises(ValueError, match="no list of cases"):
        fleet.build(drift.KIND, {"tenants": 1}, NOW)
