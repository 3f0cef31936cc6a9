"""The SCuBA report per control ID and the self-contained HTML page shared with the drift report."""
import xml.etree.ElementTree as ET

from ansible_collections.csp.exchange.plugins.module_utils.reports import controls as control_report, drift
from ansible_collections.csp.exchange.plugins.module_utils.reports.html import render

CONTROLS = [{"id": "MS.EXO.5.1v1", "status": "fail", "statement": "SMTP AUTH SHALL be disabled.",
             "details": ["SMTP AUTH is enabled"]},
            {"id": "MS.EXO.4.1v1", "status": "manual", "statement": "DMARC", "details": ["TXT _dmarc.contoso.com"]},
            {"id": "MS.EXO.13.1v1", "status": "pass", "statement": "Audit", "details": []}]


def test_control_report_counts_per_control_and_never_passes_a_silent_tenant():
    report = control_report.build([{"host": "a", "tenant": "t-a", "controls": CONTROLS}, None], ["a", "b"])
    assert report["counts"] == {"pass": 1, "accepted": 0, "fixed": 0, "fail": 1, "manual": 1, "error": 1}
    assert report["controls"]["MS.EXO.5.1v1"]["fail"] == 1
    assert report["cases"][-1]["tenant"] == "b" and report["cases"][-1]["status"] == "error"
    suite = ET.fromstring(control_report.junit(report).split("\n", 1)[1])
    assert (suite.get("tests"), suite.get("failures"), suite.get("errors"), suite.get("skipped")) == ("4", "1", "1", "1")
    assert suite.find("testcase[@name='MS.EXO.4.1v1']/skipped").text == "TXT _dmarc.contoso.com"


def test_html_page_is_self_contained_escaped_and_shows_the_worst_status_per_cell():
    cases = [dict(tenant="t<1>", column="c&1", status="pass", lines=[]),
             dict(tenant="t<1>", column="c&1", status="fail", lines=["<b>bad</b>"]),
             dict(tenant="t2", column="c2", status="manual", lines=["check DNS"])]
    page = render("Report", "2 tenants", cases)
    assert page.startswith("<!DOCTYPE html>") and "<script" not in page and "src=" not in page
    assert "url(" not in page and "@import" not in page and "http" not in page
    assert "t&lt;1&gt;" in page and "&lt;b&gt;bad&lt;/b&gt;" in page and "<b>bad</b>" not in page
    assert 'title="t&lt;1&gt; / c&amp;1">fail</td>' in page
    assert "fail: 1" in page and "manual: 1" in page and "pass: 1" in page


def test_drift_cases_for_the_page():
    report = drift.build([{"host": "h", "tenant": "t", "results": [
        {"rule": "org", "object": "OrganizationConfig", "matched": 1,
         "changes": [{"identity": "x", "before": {"AuditDisabled": True}, "after": {"AuditDisabled": False}}]}]}])
    [case] = drift.html_cases(report)
    assert case == {"tenant": "h (t)", "column": "OrganizationConfig org", "status": "drift",
                    "lines": ["x: AuditDisabled is true, baseline wants false"]}
