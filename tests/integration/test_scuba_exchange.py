"""The SCuBA role over a world of non-compliant tenants: the expected failing controls per tenant, then remediation,
then every Exchange-remediable control passes and the DNS ones stay manual. Reports per control ID (JSON, JUnit)."""
import json
import os
import shutil

import pytest

from tests import harness, report_screenshot
from tests.integration.conftest import CONTOSO, FABRIKAM, TAILSPIN, dump, parse_junit

PLAYBOOK = os.path.join(harness.ROOT, "playbooks", "scuba.yml")
DNS = {"MS.EXO.2.2v3", "MS.EXO.4.1v1", "MS.EXO.4.2v1", "MS.EXO.4.3v1", "MS.EXO.4.4v1"}
EXCHANGE = {"MS.EXO.1.1v2", "MS.EXO.3.1v1", "MS.EXO.5.1v1", "MS.EXO.6.1v1", "MS.EXO.6.2v1", "MS.EXO.7.1v1",
            "MS.EXO.13.1v1"}


def make_world(sb):
    """Contoso: dehydrated, everything wrong, a partner domain it may forward to, DKIM CNAMEs of contoso.com not
    published. Fabrikam: compliant except DKIM for fabrikam.com (its own compliant warning rule, a different name)."""
    now = sb.sandbox.now()
    with sb.sandbox.store.lock:
        contoso = sb.sandbox.store.tenants[CONTOSO].exchange
        for cmdlet, parameters in [
                ("New-RemoteDomain", {"Name": "Partner", "DomainName": "partner.example"}),
                ("Set-OrganizationConfig", {"AuditDisabled": True}),
                ("Set-SharingPolicy", {"Identity": "Default Sharing Policy", "Domains": [
                    "Anonymous:CalendarSharingFreeBusyReviewer", "*:CalendarSharingFreeBusySimple",
                    "*:ContactsSharing", "partner.example:CalendarSharingFreeBusyDetail"]})]:
            contoso.invoke(cmdlet, parameters, now=now)
        contoso.organization.is_dehydrated = True
        contoso.dkim_cnames_missing = {"contoso.com"}
        fabrikam = sb.sandbox.store.tenants[FABRIKAM].exchange
        fabrikam.organization.is_dehydrated = False
        for cmdlet, parameters in [
                ("Set-RemoteDomain", {"Identity": "Default", "AutoForwardEnabled": False}),
                ("Set-TransportConfig", {"SmtpClientAuthenticationDisabled": True}),
                ("Set-SharingPolicy", {"Identity": "Default Sharing Policy",
                                       "Domains": ["Anonymous:CalendarSharingFreeBusyReviewer"]}),
                ("New-TransportRule", {"Name": "Tag external", "FromScope": "NotInOrganization",
                                       "PrependSubject": "[EXT] "})]:
            fabrikam.invoke(cmdlet, parameters, now=now)


def scuba(sb, tmp_path, name, remediate=False):
    inventory = harness.write_inventory(str(tmp_path / "hosts"), {"contoso.com": CONTOSO, "fabrikam.com": FABRIKAM})
    report_dir = str(tmp_path / name)
    extra = {"scuba_report_dir": report_dir, "scuba_exchange_remediate": remediate}
    os.makedirs(str(tmp_path / "host_vars"), exist_ok=True)
    with open(str(tmp_path / "host_vars" / "contoso.com.yml"), "w") as handle:
        handle.write("scuba_exchange_allowed_forwarding_domains: [partner.example]\n")
    run = harness.run_playbook(PLAYBOOK, sb.env, inventory=inventory, extra_vars=extra)
    with open(os.path.join(report_dir, "scuba.json")) as handle:
        report = json.load(handle)
    statuses = {}
    for case in report["cases"]:
        statuses.setdefault(case["tenant"], {})[case["id"]] = case["status"]
    return run, report, statuses, report_dir


def test_scuba_assess_remediate_assess(sb, tmp_path):
    make_world(sb)
    sb.sandbox.log.clear()
    assessed, report, statuses, report_dir = scuba(sb, tmp_path, "before")
    assert assessed.rc != 0, dump(assessed)                     # failing controls fail the run
    assert not any(e["write"] for e in sb.log())                 # assessing writes nothing
    failing = {tenant: sorted(c for c, s in per.items() if s == "fail") for tenant, per in statuses.items()}
    assert failing == {CONTOSO: sorted(EXCHANGE), FABRIKAM: ["MS.EXO.3.1v1"]}, statuses
    assert all(statuses[t][c] == "manual" for t in statuses for c in DNS)
    assert report["controls"]["MS.EXO.7.1v1"]["fail"] == 1 and report["controls"]["MS.EXO.7.1v1"]["pass"] == 1
    junit = parse_junit(os.path.join(report_dir, "scuba.xml"))
    assert junit.get("tests") == str(2 * 12) and junit.get("failures") == "8" and junit.get("skipped") == "10"
    with open(os.path.join(report_dir, "scuba.html")) as handle:
        page = handle.read()
    assert "MS.EXO.13.1v1" in page and "<script" not in page and "http" not in page.replace("http-equiv", "")

    fixed, report, statuses, fix_dir = scuba(sb, tmp_path, "fix", remediate=True)
    assert fixed.rc == 0 and os.path.exists(os.path.join(fix_dir, "scuba.xml")), dump(fixed)
    assert sorted(c for c, s in statuses[CONTOSO].items() if s == "fixed") == sorted(EXCHANGE - {"MS.EXO.3.1v1"})
    assert statuses[CONTOSO]["MS.EXO.3.1v1"] == "manual"           # contoso.com waits for its CNAMEs
    assert statuses[FABRIKAM]["MS.EXO.3.1v1"] == "fixed"
    rules = {r["Name"]: r for r in sb.exchange(CONTOSO, "TransportRule")}
    assert rules["External sender warning"]["State"] == "Enabled"
    assert sb.exchange(FABRIKAM, "TransportRule")[0]["Name"] == "Tag external" and \
        len(sb.exchange(FABRIKAM, "TransportRule")) == 1            # a compliant rule of another name is kept
    forwarding = {r["Name"]: r["AutoForwardEnabled"] for r in sb.exchange(CONTOSO, "RemoteDomain")}
    assert forwarding == {"Default": False, "Partner": True}        # the allowed domain keeps forwarding
    assert sb.exchange(CONTOSO, "SharingPolicy")[0]["Domains"] == [
        "Anonymous:CalendarSharingFreeBusyReviewer", "partner.example:CalendarSharingFreeBusyDetail"]

    sb.sandbox.log.clear()
    again, report, statuses, after_dir = scuba(sb, tmp_path, "after")
    assert again.rc == 0 and os.path.exists(os.path.join(after_dir, "scuba.html")), dump(again)
    assert not any(e["write"] for e in sb.log())
    for tenant in (CONTOSO, FABRIKAM):
        assert all(statuses[tenant][c] == "pass" for c in EXCHANGE - {"MS.EXO.3.1v1"}), statuses
        assert all(statuses[tenant][c] == "manual" for c in DNS)
    assert statuses[FABRIKAM]["MS.EXO.3.1v1"] == "pass" and statuses[CONTOSO]["MS.EXO.3.1v1"] == "manual"


def test_html_reports_render_in_a_browser(sb, tmp_path):
    """The SCuBA page and the drift page (playbooks/drift.yml: two tenants drift, one cannot be checked) as headless
    Chromium renders them. With CSP_REPORT_DIR set (``make report-screenshots``) the PNGs
    are kept there (docs/scuba-report.png, docs/drift-report.png)."""
    if report_screenshot.browser() is None:
        pytest.skip(report_screenshot.MISSING)
    make_world(sb)
    run, report, statuses, report_dir = scuba(sb, tmp_path, "page")
    assert statuses and run.rc != 0
    drift_dir = str(tmp_path / "drift")
    inventory = harness.write_inventory(str(tmp_path / "drift-hosts"), {
        "contoso.com": CONTOSO, "fabrikam.com": FABRIKAM, "tailspintoys.com": TAILSPIN})
    drift = harness.run_playbook(os.path.join(harness.ROOT, "playbooks", "drift.yml"), sb.env, inventory=inventory,
                                 extra_vars={"drift_report_dir": drift_dir, "exchange_baseline_organization": {
                                     "AuditDisabled": False, "MailTipsExternalRecipientsTipsEnabled": True}})
    assert drift.rc != 0 and os.path.exists(os.path.join(drift_dir, "drift.html")), dump(drift)
    for name, page in (("scuba-report.png", os.path.join(report_dir, "scuba.html")),
                       ("drift-report.png", os.path.join(drift_dir, "drift.html"))):
        with open(page) as handle:
            text = handle.read()
        assert "<script" not in text and "src=" not in text and "url(" not in text    # nothing to fetch
        png = report_screenshot.screenshot(page, str(tmp_path / name))
        width, height, variety = report_screenshot.png_facts(png)
        assert (width, height) == (1280, 900) and variety > 20        # a rendered page, not a blank one
        if os.environ.get("CSP_REPORT_DIR"):
            shutil.copyfile(png, os.path.join(os.environ["CSP_REPORT_DIR"], name))


def test_scuba_follows_scubagears_rego(sb):
    """ScubaGear's EXOConfig.rego: '*' in AllowedForwardingDomains is dropped with a warning and the Default remote
    domain still judged; a Domains entry containing '*' and 'Contacts' fails 6.1 and the fix drops only that action;
    a blank subject prefix can never satisfy 7.1, so it is refused before any request."""
    now = sb.sandbox.now()
    with sb.sandbox.store.lock:
        contoso = sb.sandbox.store.tenants[CONTOSO].exchange
        contoso.invoke("Set-SharingPolicy", {"Identity": "Default Sharing Policy", "Domains": [
            "*:CalendarSharingFreeBusySimple,ContactsSharing", "partner.example:ContactsSharing"]}, now=now)
    sb.sandbox.log.clear()
    run = sb.play("""
        - name: scuba
          csp.exchange.scuba_exchange:
            tenant: contoso.com
            controls: [MS.EXO.1.1v2, MS.EXO.6.1v1]
            allowed_forwarding_domains: ["*"]
            remediate: true
        - name: blank prefix
          csp.exchange.scuba_exchange:
            tenant: contoso.com
            controls: [MS.EXO.7.1v1]
            remediate: true
            warning_rule: {prefix: "  "}
          ignore_errors: true
    """)
    assert run.rc == 0, dump(run)
    result = run.task("scuba")
    statuses = {c["id"]: c["status"] for c in result["controls"]}
    assert statuses == {"MS.EXO.1.1v2": "fixed", "MS.EXO.6.1v1": "fixed"}, result["controls"]
    assert any("'*'" in w and "ignored" in w for w in result["warnings"]), result.get("warnings")
    assert {r["Name"]: r["AutoForwardEnabled"] for r in sb.exchange(CONTOSO, "RemoteDomain")} == {"Default": False}
    assert sb.exchange(CONTOSO, "SharingPolicy")[0]["Domains"] == [
        "*:CalendarSharingFreeBusySimple", "partner.example:ContactsSharing"]
    reads = [c for e in sb.log(service="exchange") for c in e["cmdlets"] if c == "Get-RemoteDomain"]
    assert reads, "the forwarding control reads every remote domain"
    blank = run.task("blank prefix")
    assert [e["status"] for e in run.results if e["task"] == "blank prefix"] == ["failed"]
    assert "prefix" in blank["msg"] and "MS.EXO.7.1v1" in blank["msg"], blank
    assert not [e for e in sb.log(service="exchange") if "Get-TransportRule" in e["cmdlets"]]
