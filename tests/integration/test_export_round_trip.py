"""A golden tenant exported as code (playbooks/export.yml), applied to another tenant with playbooks/baseline.yml,
then checked: no drift, and the second tenant exports to the same baseline."""
import os

import yaml

from tests import harness
from tests.integration.conftest import CONTOSO, FABRIKAM, dump

PLAYBOOKS = os.path.join(harness.ROOT, "playbooks")
GOLDEN_CHANGES = [
    ("Set-OrganizationConfig", {"AuditDisabled": True, "MailTipsExternalRecipientsTipsEnabled": True}),
    ("Set-TransportConfig", {"SmtpClientAuthenticationDisabled": True, "MessageExpiration": "2.12:00:00"}),
    ("Set-ExternalInOutlook", {"Enabled": True, "AllowList": ["partner.example"]}),
    ("Set-RemoteDomain", {"Identity": "Default", "AutoForwardEnabled": False}),
    ("New-RemoteDomain", {"Name": "Partner", "DomainName": "partner.example"}),
    ("Set-HostedOutboundSpamFilterPolicy", {"Identity": "Default", "AutoForwardingMode": "Off"}),
    ("New-AntiPhishPolicy", {"Name": "Strict", "PhishThresholdLevel": 3, "EnableTargetedUserProtection": True}),
    ("New-AntiPhishRule", {"Name": "Strict rule", "AntiPhishPolicy": "Strict", "RecipientDomainIs": ["contoso.com"],
                           "Enabled": False}),
    ("New-TransportRule", {"Name": "External sender warning", "FromScope": "NotInOrganization",
                           "PrependSubject": "[EXTERNAL] ", "Mode": "Enforce"}),
    ("New-TransportRule", {"Name": "Block lists", "SenderDomainIs": ["spam.example"], "SetSCL": 9, "Enabled": False}),
]


def export(sb, tenant, path):
    run = harness.run_playbook(os.path.join(PLAYBOOKS, "export.yml"), sb.env,
                               extra_vars={"golden": tenant, "export_path": path})
    assert run.rc == 0, dump(run)
    with open(path) as handle:
        return yaml.safe_load(handle)


def test_export_apply_check_round_trip(sb, tmp_path):
    with sb.sandbox.store.lock:
        org = sb.sandbox.store.tenants[CONTOSO].exchange
        for cmdlet, parameters in GOLDEN_CHANGES:
            org.invoke(cmdlet, parameters, now=sb.sandbox.now())
    golden = export(sb, "contoso.com", str(tmp_path / "golden.yml"))
    entries = {(e["object"], e.get("identity")): e for e in golden["exchange_objects_list"]}
    assert golden["exchange_baseline_organization"]["AuditDisabled"] is True
    assert entries[("TransportConfig", None)]["settings"]["MessageExpiration"] == "2.12:00:00"   # in Set- form
    assert entries[("RemoteDomain", "Partner")]["create_parameters"] == {"DomainName": "partner.example"}
    assert entries[("TransportRule", "Block lists")]["settings"]["State"] == "Disabled"
    assert [e["object"] for e in golden["exchange_objects_list"]].index("AntiPhishPolicy") < \
        [e["object"] for e in golden["exchange_objects_list"]].index("AntiPhishRule")

    inventory = harness.write_inventory(str(tmp_path / "hosts"), {"fabrikam.com": FABRIKAM})
    applied = harness.run_playbook(os.path.join(PLAYBOOKS, "baseline.yml"), sb.env, inventory=inventory,
                                   extra_vars=golden)
    assert applied.rc == 0, dump(applied)
    assert sb.exchange(FABRIKAM, "TransportRule") and sb.exchange(FABRIKAM, "OrganizationConfig")[0]["AuditDisabled"]

    sb.sandbox.log.clear()
    checked = harness.run_playbook(os.path.join(PLAYBOOKS, "baseline.yml"), sb.env, inventory=inventory, check=True,
                                   extra_vars=golden)
    assert checked.rc == 0, dump(checked)
    assert "changed=0" in checked.stdout and not any(e["write"] for e in sb.log())

    copy = export(sb, "fabrikam.com", str(tmp_path / "copy.yml"))
    assert copy == golden
