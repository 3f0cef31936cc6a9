"""playbooks/retirements.yml (role exchange_retirements) over the default seed's three tenants, which start in
different states: Contoso with EWS unset, SMTP AUTH on and Direct Send allowed; Fabrikam keeping EWS on for a
line-of-business client (EnforceAllowList) and SMTP AUTH off; Tailspin with EWS off and Direct Send rejected.
Fabrikam's host_vars keep EWS on. Check mode reports without writing; a real run writes only what differs; a
rerun writes nothing."""
import json
import os

from tests import harness
from tests.integration.conftest import CONTOSO, FABRIKAM, TAILSPIN, dump

PLAYBOOKS = os.path.join(harness.ROOT, "playbooks")
HOSTS = {"contoso.com": CONTOSO, "fabrikam.com": FABRIKAM, "tailspintoys.com": TAILSPIN}
KEEP_EWS = {"EwsEnabled": True, "EwsApplicationAccessPolicy": "EnforceAllowList", "EwsAllowList": ["LOBSync/*"]}


def inventory(tmp_path, overrides=None):
    path = harness.write_inventory(str(tmp_path / "hosts"), HOSTS)
    os.makedirs(str(tmp_path / "host_vars"), exist_ok=True)
    for host, variables in (overrides or {"fabrikam.com": {"exchange_retirements_overrides": {"ews": KEEP_EWS}}}).items():
        with open(str(tmp_path / "host_vars" / ("%s.yml" % host)), "w") as handle:
            json.dump(variables, handle)
    return path


def retirements(sb, hosts, report_dir, check=False, limit=None):
    run = harness.run_playbook(os.path.join(PLAYBOOKS, "retirements.yml"), sb.env, inventory=hosts, check=check,
                               extra_vars={"retirements_report_dir": report_dir}, limit=limit)
    with open(os.path.join(report_dir, "retirements.json")) as handle:
        report = json.load(handle)
    items = dict(((t["tenant"], i["item"]), i) for t in report["tenants"] for i in t["items"])
    return run, report, items


def statuses(items):
    return dict((key, item["status"]) for key, item in items.items())


def organization(sb, tenant):
    [row] = sb.exchange(tenant, "OrganizationConfig")
    return dict((k, row[k]) for k in ("EwsEnabled", "EwsApplicationAccessPolicy", "EwsAllowList", "RejectDirectSend"))


def smtp_auth_disabled(sb, tenant):
    return sb.exchange(tenant, "TransportConfig")[0]["SmtpClientAuthenticationDisabled"]


def set_cmdlets(sb):
    """The writes Exchange ran, one per cmdlet (a $batch is logged once whole and once per item: items counted)."""
    return sorted((e["tenant"], c) for e in sb.log(service="exchange")
                  if e["write"] and e["path"].endswith("/InvokeCommand") for c in e["cmdlets"])


def test_check_then_converge_then_nothing_to_write(sb, tmp_path):
    hosts = inventory(tmp_path)
    consent = harness.run_playbook(os.path.join(PLAYBOOKS, "consent.yml"), sb.env, inventory=hosts)
    assert consent.rc == 0, dump(consent)                # Tailspin's Exchange consent
    before = dict((t, organization(sb, t)) for t in HOSTS.values())

    sb.sandbox.log.clear()
    checked, report, items = retirements(sb, hosts, str(tmp_path / "check"), check=True)
    assert checked.rc == 0, dump(checked)
    assert not any(e["write"] for e in sb.log())                        # check mode writes nothing
    assert dict((t, organization(sb, t)) for t in HOSTS.values()) == before
    assert report["check_mode"] is True and len(report["tenants"]) == 3
    assert all(t["error"] is None for t in report["tenants"])
    assert statuses(items) == {
        (CONTOSO, "ews"): "action-needed", (CONTOSO, "smtp_auth"): "action-needed",
        (CONTOSO, "direct_send"): "action-needed",
        (FABRIKAM, "ews"): "accepted-by-override", (FABRIKAM, "smtp_auth"): "ready",
        (FABRIKAM, "direct_send"): "action-needed",
        (TAILSPIN, "ews"): "ready", (TAILSPIN, "smtp_auth"): "action-needed", (TAILSPIN, "direct_send"): "ready"}
    ews = items[(CONTOSO, "ews")]
    assert ews["current"] == {"EwsEnabled": None} and ews["desired"] == {"EwsEnabled": False}
    assert ews["date"] == "2027-04-01" and ews["changed"] is False and ews["previous"] == {}
    assert [m["date"] for m in ews["milestones"]] == ["2026-10-01", "2027-04-01"]
    assert any("MC1227454" in s for s in ews["sources"])
    kept = items[(FABRIKAM, "ews")]
    assert kept["current"] == kept["desired"] == KEEP_EWS
    assert kept["overridden"] == ["EwsEnabled", "EwsApplicationAccessPolicy", "EwsAllowList"]
    smtp = items[(TAILSPIN, "smtp_auth")]
    assert smtp["object"] == "TransportConfig" and smtp["current"] == {"SmtpClientAuthenticationDisabled": False}
    assert smtp["date"] == "2026-12" and items[(CONTOSO, "direct_send")]["date"] == "2025-09"

    sb.sandbox.log.clear()
    applied, report, items = retirements(sb, hosts, str(tmp_path / "apply"))
    assert applied.rc == 0, dump(applied)
    assert set_cmdlets(sb) == sorted([
        (CONTOSO, "Set-OrganizationConfig"), (CONTOSO, "Set-OrganizationConfig"), (CONTOSO, "Set-TransportConfig"),
        (FABRIKAM, "Set-OrganizationConfig"), (TAILSPIN, "Set-TransportConfig")])
    assert organization(sb, CONTOSO) == {"EwsEnabled": False, "EwsApplicationAccessPolicy": None, "EwsAllowList": [],
                                         "RejectDirectSend": True}
    assert organization(sb, FABRIKAM) == dict(KEEP_EWS, RejectDirectSend=True)      # EWS stays on
    assert organization(sb, TAILSPIN) == before[TAILSPIN]
    assert all(smtp_auth_disabled(sb, t) is True for t in HOSTS.values())
    assert report["check_mode"] is False
    assert set(statuses(items).values()) == {"ready", "accepted-by-override"}
    assert items[(FABRIKAM, "ews")]["status"] == "accepted-by-override"
    ews = items[(CONTOSO, "ews")]
    assert ews["changed"] is True and ews["previous"] == {"EwsEnabled": None}
    assert ews["current"] == {"EwsEnabled": False}
    assert items[(TAILSPIN, "ews")]["changed"] is False

    sb.sandbox.log.clear()
    again, report, items = retirements(sb, hosts, str(tmp_path / "again"))
    assert again.rc == 0, dump(again)
    assert set_cmdlets(sb) == [] and not any(e["write"] for e in sb.log())      # a rerun writes nothing
    assert not any(item["changed"] for item in items.values())
    assert set(statuses(items).values()) == {"ready", "accepted-by-override"}


def test_an_override_naming_no_item_fails_that_tenant_only(sb, tmp_path):
    hosts = inventory(tmp_path, {"contoso.com": {"exchange_retirements_overrides": {"ewss": {"EwsEnabled": True}}}})
    sb.sandbox.log.clear()
    run, report, items = retirements(sb, hosts, str(tmp_path / "report"), check=True,
                                     limit="contoso.com,fabrikam.com")
    assert run.rc != 0
    errors = dict((t["tenant"], t["error"]) for t in report["tenants"])
    assert set(errors) == {CONTOSO, FABRIKAM} and errors[FABRIKAM] is None
    assert "exchange_retirements_overrides names ewss" in errors[CONTOSO]
    assert not any(e["tenant"] == CONTOSO and e["service"] == "exchange" for e in sb.log())   # refused before a read
    assert statuses(items)[(FABRIKAM, "ews")] == "action-needed"            # no override here: EWS should go off


def test_a_dated_exception_keeps_ews_on_until_it_expires(sb, tmp_path):
    """Fabrikam keeps EWS on through an exception with an owner and an expiry instead of an override: the setting is
    read and reported as accepted, never written; once the exception has expired the tenant fails naming it, and
    EWS is still not switched off behind the owner's back."""
    # The live run judges the expiry by the controller's real clock: a near date (it was 2027-03-15) would make this
    # test fail from the day after it, so the expiry lies far ahead and the clock is moved past it explicitly.
    exception = {"ref": "ews.EwsEnabled", "owner": "alice@partner.example", "reason": "LOBSync moves to Graph",
                 "expires": "2099-12-31"}
    hosts = inventory(tmp_path, {"fabrikam.com": {"exceptions": [exception]}})
    consent = harness.run_playbook(os.path.join(PLAYBOOKS, "consent.yml"), sb.env, inventory=hosts)
    assert consent.rc == 0, dump(consent)
    assert organization(sb, FABRIKAM)["EwsEnabled"] is True
    sb.sandbox.log.clear()

    run, report, items = retirements(sb, hosts, str(tmp_path / "live"), limit="fabrikam.com")
    assert run.rc == 0, dump(run)
    ews = items[(FABRIKAM, "ews")]
    assert ews["status"] == "accepted" and ews["current"]["EwsEnabled"] is True
    assert [(e["ref"], e["owner"], e["expires"]) for e in ews["exceptions"]] == [
        ("ews.EwsEnabled", "alice@partner.example", "2099-12-31")]
    assert organization(sb, FABRIKAM)["EwsEnabled"] is True                   # kept on
    assert (FABRIKAM, "Set-OrganizationConfig") in set_cmdlets(sb)              # Direct Send still converged

    sb.sandbox.log.clear()
    expired = harness.run_playbook(os.path.join(PLAYBOOKS, "retirements.yml"), sb.env, inventory=hosts,
                                   limit="fabrikam.com", extra_vars={"retirements_report_dir": str(tmp_path / "late"),
                                                                     "csp_exceptions_as_of": "2100-01-01"})
    assert expired.rc != 0, dump(expired)
    assert "ews.EwsEnabled" in expired.stdout and "alice@partner.example" in expired.stdout
    assert organization(sb, FABRIKAM)["EwsEnabled"] is True                   # still not written
    assert set_cmdlets(sb) == []
    with open(str(tmp_path / "late" / "retirements.json")) as handle:
        late = json.load(handle)
    [tenant] = late["tenants"]
    assert "ews.EwsEnabled" in tenant["error"]
    assert dict((i["item"], i["status"]) for i in tenant["items"])["ews"] == "expired-exception"
