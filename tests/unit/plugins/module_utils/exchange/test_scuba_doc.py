"""The SCuBA controls page is generated from the control table and must not go stale; the table's own rules."""
import os
import subprocess
import sys

import pytest

from ansible_collections.csp.exchange.plugins.module_utils.exchange import scuba
from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))))


def test_docs_page_matches_the_control_table():
    check = subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "scuba-controls-doc"), "--check"],
                           capture_output=True, text=True, check=False)
    assert check.returncode == 0, check.stderr


def test_every_control_of_the_current_baseline_and_dns_ones_are_manual():
    ids = [c.id for c in scuba.CONTROLS]
    assert len(ids) == 12 and len(set(ids)) == 12
    manual = set(c["id"] for c in (control.describe() for control in scuba.CONTROLS) if c["manual"])
    assert manual == {"MS.EXO.2.2v3", "MS.EXO.4.1v1", "MS.EXO.4.2v1", "MS.EXO.4.3v1", "MS.EXO.4.4v1"}
    assert [c.id for c in scuba.select(["ms.exo.5.1v1"])] == ["MS.EXO.5.1v1"]
    with pytest.raises(InvalidInputError, match="Unknown control"):
        scuba.select(["MS.EXO.99.1v1"])


class RemoteDomains:
    """Get-RemoteDomain's pages: the Default domain and a partner domain, both forwarding."""
    token_tenant = "t"

    def __init__(self):
        self.reads = []

    def pages(self, cmdlet, parameters=None, **kwargs):
        self.reads.append((cmdlet, parameters))
        yield [{"Identity": "Default", "Name": "Default", "DomainName": "*", "AutoForwardEnabled": True},
               {"Identity": "Partner", "Name": "Partner", "DomainName": "Partner.Example", "AutoForwardEnabled": True}], []


def test_star_is_dropped_with_a_warning_and_the_default_domain_still_judged():
    """EXOConfig.rego: ConfiguredAllowedForwardingDomains is the configured set minus "*"; the tenant is judged."""
    client, warnings = RemoteDomains(), []
    context = scuba.Context(client=client, remediate=False, check_mode=True,
                            allowed_forwarding_domains=["*", "partner.example"], warn=warnings.append)
    [result] = scuba.assess(context, scuba.select(["MS.EXO.1.1v2"]))
    assert result["status"] == "fail" and result["details"] == [
        "remote domain Default forwards automatically (AutoForwardEnabled true)"]
    assert len(warnings) == 1 and "'*'" in warnings[0]
    assert client.reads == [("Get-RemoteDomain", {})]                  # every remote domain, no -Filter


@pytest.mark.parametrize("entry, offends, fixed", [
    ("*:CalendarSharingFreeBusySimple,ContactsSharing", True, "*:CalendarSharingFreeBusySimple"),
    ("*.contoso.com:ContactsSharing", True, None),
    ("*: ContactsSharing, CalendarSharingFreeBusyDetail", True, "*:CalendarSharingFreeBusyDetail"),
    ("partner.example:ContactsSharing", False, "partner.example:ContactsSharing"),
    ("*:contactssharing", False, "*:contactssharing"),            # Rego's contains() is case-sensitive
])
def test_sharing_entries_as_scubagears_rego_flags_them(entry, offends, fixed):
    assert scuba.offends(entry, "Contacts") is offends
    assert (scuba.without_action(entry, "Contacts") if offends else entry) == fixed


@pytest.mark.parametrize("prefix, compliant", [("[EXTERNAL] ", True), (" ", True), ("", False), (None, False)])
def test_warning_rule_needs_a_prefix_of_at_least_one_character(prefix, compliant):
    row = {"State": "Enabled", "Mode": "Enforce", "FromScope": "NotInOrganization", "PrependSubject": prefix}
    assert scuba._warning_rule_compliant(row) is compliant


def test_a_blank_prefix_is_refused():
    with pytest.raises(InvalidInputError, match="prefix"):
        scuba.Context(client=None, remediate=True, check_mode=False, warning_rule={"prefix": ""})
