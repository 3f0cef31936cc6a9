"""One ``exceptions`` list serves every role (docs/exceptions.md: "one review covers a tenant's deviations
everywhere"), yet the same Exchange setting is reached by different refs in different roles: SMTP AUTH is the SCuBA
control MS.EXO.5.1v1 and the retirements rule smtp_auth.SmtpClientAuthenticationDisabled, both of them
Set-TransportConfig -SmtpClientAuthenticationDisabled. A partner who accepts the deviation under one ref must not
see another role of the collection write the value the exception protects."""
import json
import os


from tests import harness
from tests.integration.conftest import CONTOSO, dump

PLAYBOOKS = os.path.join(harness.ROOT, "playbooks")
# docs/exceptions.md's own example: printers that scan to mail over SMTP AUTH.
SCUBA_SMTP_AUTH = {"ref": "MS.EXO.5.1v1", "owner": "bob@partner.example",
                   "reason": "Multifunction printers send scans with SMTP AUTH", "expires": "2099-12-31"}
RETIREMENT_SMTP_AUTH = dict(SCUBA_SMTP_AUTH, ref="smtp_auth.SmtpClientAuthenticationDisabled")


def inventory(tmp_path, exceptions):
    hosts = harness.write_inventory(str(tmp_path / "hosts"), {"contoso.com": CONTOSO})
    os.makedirs(str(tmp_path / "host_vars"), exist_ok=True)
    with open(str(tmp_path / "host_vars" / "contoso.com.yml"), "w") as handle:
        json.dump({"exceptions": exceptions}, handle)
    return hosts


def smtp_auth_disabled(sb):
    return sb.exchange(CONTOSO, "TransportConfig")[0]["SmtpClientAuthenticationDisabled"]


def transport_writes(sb):
    return [c for e in sb.log(service="exchange") if e["write"] for c in e["cmdlets"] if c == "Set-TransportConfig"]


def test_retirements_honour_the_scuba_exception_for_smtp_auth(sb, tmp_path):
    hosts = inventory(tmp_path, [SCUBA_SMTP_AUTH])
    assert smtp_auth_disabled(sb) is False                   # Contoso: SMTP AUTH on, the printers rely on it
    sb.sandbox.log.clear()
    run = harness.run_playbook(os.path.join(PLAYBOOKS, "retirements.yml"), sb.env, inventory=hosts,
                               extra_vars={"retirements_report_dir": str(tmp_path / "report")})
    assert run.rc == 0, dump(run)
    assert transport_writes(sb) == [], "the accepted SMTP AUTH deviation was written over"
    assert smtp_auth_disabled(sb) is False


def test_scuba_remediation_honours_the_retirements_exception_for_smtp_auth(sb, tmp_path):
    hosts = inventory(tmp_path, [RETIREMENT_SMTP_AUTH])
    assert smtp_auth_disabled(sb) is False
    sb.sandbox.log.clear()
    run = harness.run_playbook(os.path.join(PLAYBOOKS, "scuba.yml"), sb.env, inventory=hosts,
                               extra_vars={"scuba_report_dir": str(tmp_path / "report"), "scuba_exchange_remediate": True,
                                           "scuba_exchange_controls": ["MS.EXO.5.1v1"]})
    assert transport_writes(sb) == [], dump(run)
    assert smtp_auth_disabled(sb) is False


def test_an_expired_exception_holds_back_one_setting_of_the_plan_not_the_tenant(sb, tmp_path):
    """docs/exceptions.md: "one lapsed exception holds back one setting, not the tenant's other (security)
    settings". baseline.yml does so; the reviewed path (plan.yml, then apply_plan.yml) must too."""
    directory = tmp_path / "inventory"
    (directory / "group_vars").mkdir(parents=True)
    (directory / "host_vars").mkdir()
    (directory / "group_vars" / "customers.yml").write_text(
        "exchange_baseline_organization: {AuditDisabled: false}\n"
        "exchange_baseline_cas_mailboxes: [{name: legacy_protocols, settings: {IMAPEnabled: false}}]\n")
    (directory / "host_vars" / "contoso.com.yml").write_text(json.dumps({"exceptions": [
        {"ref": "legacy_protocols.IMAPEnabled", "owner": "alice@partner.example", "reason": "scanner archive",
         "expires": "2099-12-31"}]}))
    hosts = harness.write_inventory(str(directory / "hosts"), {"contoso.com": CONTOSO})
    with sb.sandbox.store.lock:
        sb.sandbox.store.tenants[CONTOSO].exchange.invoke("Set-OrganizationConfig", {"AuditDisabled": True},
                                                          now=sb.sandbox.now())
    plan = str(tmp_path / "plan.json")
    run = harness.run_playbook(os.path.join(PLAYBOOKS, "plan.yml"), sb.env, inventory=hosts,
                               extra_vars={"plan": plan, "csp_exceptions_as_of": "2100-01-01"})
    with open(plan) as handle:
        document = json.load(handle)
    assert "legacy_protocols.IMAPEnabled" in run.stdout, dump(run)        # the lapsed exception is named
    planned = document["tenants"].get(CONTOSO.lower(), {}).get("changes", [])
    assert [c["after"] for c in planned] == [{"AuditDisabled": False}], document


def test_an_expired_exception_does_not_hold_back_the_tenants_objects_in_baseline_yml(sb, tmp_path):
    """docs/exceptions.md: "one lapsed exception holds back one setting, not the tenant's other (security)
    settings". baseline.yml applies exchange_baseline and then exchange_objects (named objects such as remote
    domains and transport rules); the expired exception must not keep the objects from being applied."""
    directory = tmp_path / "inventory"
    (directory / "group_vars").mkdir(parents=True)
    (directory / "host_vars").mkdir()
    (directory / "group_vars" / "customers.yml").write_text(json.dumps({
        "exchange_baseline_organization": {"AuditDisabled": False},
        "exchange_baseline_cas_mailboxes": [{"name": "legacy_protocols", "settings": {"IMAPEnabled": False}}],
        "exchange_objects_list": [{"object": "RemoteDomain", "identity": "partner",
                                   "create_parameters": {"DomainName": "partner.example"},
                                   "settings": {"AutoForwardEnabled": False}}]}))
    (directory / "host_vars" / "contoso.com.yml").write_text(json.dumps({"exceptions": [
        {"ref": "legacy_protocols.IMAPEnabled", "owner": "alice@partner.example", "reason": "scanner archive",
         "expires": "2099-12-31"}]}))
    hosts = harness.write_inventory(str(directory / "hosts"), {"contoso.com": CONTOSO})
    run = harness.run_playbook(os.path.join(PLAYBOOKS, "baseline.yml"), sb.env, inventory=hosts,
                               extra_vars={"csp_exceptions_as_of": "2100-01-01"})
    assert run.rc != 0 and "legacy_protocols.IMAPEnabled" in run.stdout, dump(run)   # the tenant fails, naming it
    assert sb.exchange(CONTOSO, "OrganizationConfig")[0]["AuditDisabled"] is False    # the rest of the rules: applied
    assert [r["Name"] for r in sb.exchange(CONTOSO, "RemoteDomain") if r["Name"] == "partner"] == ["partner"], \
        "the tenant's named objects were not applied"


def test_an_exception_added_after_the_review_holds_when_the_plan_is_applied(sb, tmp_path):
    """plan.yml is reviewed today; tomorrow, before apply_plan.yml runs, the partner accepts the deviation
    (MS.EXO.13.1v1: mailbox auditing). The planned AuditDisabled is not written; the rest of the plan is."""
    directory = tmp_path / "inventory"
    (directory / "group_vars").mkdir(parents=True)
    (directory / "host_vars").mkdir()
    (directory / "group_vars" / "customers.yml").write_text(json.dumps({
        "exchange_baseline_organization": {"AuditDisabled": False, "OAuth2ClientProfileEnabled": True}}))
    hosts = harness.write_inventory(str(directory / "hosts"), {"contoso.com": CONTOSO})
    with sb.sandbox.store.lock:
        sb.sandbox.store.tenants[CONTOSO].exchange.invoke(
            "Set-OrganizationConfig", {"AuditDisabled": True, "OAuth2ClientProfileEnabled": False}, now=sb.sandbox.now())
    plan = str(tmp_path / "plan.json")
    made = harness.run_playbook(os.path.join(PLAYBOOKS, "plan.yml"), sb.env, inventory=hosts, extra_vars={"plan": plan})
    assert made.rc == 0, dump(made)
    (directory / "host_vars" / "contoso.com.yml").write_text(json.dumps({"exceptions": [
        dict(SCUBA_SMTP_AUTH, ref="MS.EXO.13.1v1", reason="auditing moves to the customer's SIEM")]}))
    applied = harness.run_playbook(os.path.join(PLAYBOOKS, "apply_plan.yml"), sb.env, inventory=hosts,
                                   extra_vars={"plan": plan})
    assert applied.rc == 0 and "MS.EXO.13.1v1" in applied.stdout, dump(applied)
    [org] = sb.exchange(CONTOSO, "OrganizationConfig")
    assert org["AuditDisabled"] is True and org["OAuth2ClientProfileEnabled"] is True
