"""Planning and converging one object over a scripted fake Exchange client: what goes to New- and Set-, rule state
and default switches, lost answers, a dehydrated organisation and licence-dependent parameters."""
import pytest

from ansible_collections.csp.exchange.plugins.module_utils.errors import (InvalidInputError, NotFoundError,
                                                                          OutcomeUnknownError, ServiceError)
from ansible_collections.csp.exchange.plugins.module_utils.exchange.client import ExchangeResult
from ansible_collections.csp.exchange.plugins.module_utils.exchange.objects import ObjectRun

DEHYDRATED = ("Exchange Online failed Set-AntiPhishPolicy in tenant t (InvalidOperationInDehydratedContextException): "
              "This operation is not available in current Microsoft 365 plan. To enable this operation, run "
              "Enable-OrganizationCustomization first.")
DENIED = ("Exchange Online failed Set-AntiPhishPolicy in tenant t (CmdletAccessDeniedException): The \"%s\" parameter "
          "can't be used on the \"Set-AntiPhishPolicy\" cmdlet because it isn't present in the role definition.")


class Scripted:
    """Answers Get- from ``rows`` (None: not found); writes are recorded and answered from ``script`` (a list of
    exceptions or None per write, in order)."""

    def __init__(self, rows=None, script=()):
        self.rows = list(rows or [])
        self.script = list(script)
        self.writes = []

    def invoke(self, cmdlet, parameters=None, **kwargs):
        if cmdlet.startswith("Get-"):
            row = self.rows.pop(0) if len(self.rows) > 1 else (self.rows[0] if self.rows else None)
            if row is None:
                raise NotFoundError("not found")
            return ExchangeResult([row], [])
        self.writes.append((cmdlet, dict(parameters or {})))
        outcome = self.script.pop(0) if self.script else None
        if outcome is not None:
            raise outcome
        return ExchangeResult([], [])


def test_create_sends_what_new_takes_and_sets_the_rest():
    client = Scripted([None])
    run = ObjectRun(client, "RemoteDomain", "Fabrikam", {"AutoForwardEnabled": False, "TNEFEnabled": None},
                    {"DomainName": "fabrikam.com"})
    assert run.converge("present") == ("created", None, {"AutoForwardEnabled": False, "TNEFEnabled": None})
    assert client.writes == [("New-RemoteDomain", {"Name": "Fabrikam", "DomainName": "fabrikam.com"}),
                             ("Set-RemoteDomain", {"Identity": "Fabrikam", "AutoForwardEnabled": False,
                                                   "TNEFEnabled": None})]


def test_create_translates_state_switches_and_the_naming_parameter():
    client = Scripted([None])
    ObjectRun(client, "TransportRule", "Tag", {"State": "Disabled", "PrependSubject": "[EXT]",
                                               "MessageExpiration": "PT4H"}).converge("present")
    assert client.writes == [("New-TransportRule", {"Name": "Tag", "Enabled": False, "PrependSubject": "[EXT]",
                                                    "MessageExpiration": "0.04:00:00"})]
    client = Scripted([None])
    ObjectRun(client, "AntiPhishPolicy", "Strict", {"IsDefault": True}).converge("present")
    assert client.writes == [("New-AntiPhishPolicy", {"Name": "Strict", "MakeDefault": True})]
    client = Scripted([None])
    ObjectRun(client, "DkimSigningConfig", "contoso.com", {"Enabled": True}, {"KeySize": 2048}).converge("present")
    assert client.writes == [("New-DkimSigningConfig", {"DomainName": "contoso.com", "KeySize": 2048,
                                                        "Enabled": True})]


def test_update_writes_only_the_differing_properties_and_state_through_its_own_cmdlet():
    row = {"Identity": "Tag", "Name": "Tag", "State": "Enabled", "Mode": "Enforce", "PrependSubject": "[EXT]",
           "Priority": 0}
    client = Scripted([row])
    run = ObjectRun(client, "TransportRule", "Tag", {"State": "disabled", "Mode": "enforce", "PrependSubject": "[ext]"})
    action, before, after = run.converge("present")
    assert action == "updated" and after == {"State": "disabled", "Mode": "Enforce", "PrependSubject": "[ext]"}
    assert client.writes == [("Set-TransportRule", {"PrependSubject": "[ext]", "Identity": "Tag"}),
                             ("Disable-TransportRule", {"Identity": "Tag"})]
    client = Scripted([row])
    assert ObjectRun(client, "TransportRule", "Tag", {"State": "Enabled"}).converge("present")[0] == "none"
    assert client.writes == []


def test_is_default_cannot_be_switched_off_directly():
    client = Scripted([{"Identity": "Default", "IsDefault": True}])
    with pytest.raises(InvalidInputError, match="make another"):
        ObjectRun(client, "HostedOutboundSpamFilterPolicy", "Default", {"IsDefault": False}).converge("present")
    assert client.writes == []


def test_absent_needs_allow_destructive_and_check_mode_writes_nothing():
    row = {"Identity": "Tag", "Name": "Tag"}
    client = Scripted([row])
    with pytest.raises(InvalidInputError, match="allow_destructive"):
        ObjectRun(client, "TransportRule", "Tag", {}).converge("absent")
    assert ObjectRun(client, "TransportRule", "Tag", {}).converge("absent", True, check_mode=True) == \
        ("removed", {}, None)
    assert client.writes == []
    assert ObjectRun(Scripted([None]), "TransportRule", "Tag", {}).converge("absent") == ("none", None, None)
    with pytest.raises(InvalidInputError, match="singleton"):
        ObjectRun(Scripted([{"Identity": "x"}]), "TransportConfig", None, {}).converge("absent", True)


def test_a_lost_create_is_read_again_and_not_resent():
    created = {"Identity": "Fabrikam", "Name": "Fabrikam", "AutoForwardEnabled": True}
    client = Scripted([None, created], script=[OutcomeUnknownError("lost")])
    run = ObjectRun(client, "RemoteDomain", "Fabrikam", {"AutoForwardEnabled": False}, {"DomainName": "fabrikam.com"})
    assert run.converge("present")[0] == "created"
    assert [w[0] for w in client.writes] == ["New-RemoteDomain", "Set-RemoteDomain"]


def test_dehydrated_organisation_is_customized_once_and_refused_parameters_are_dropped():
    row = {"Identity": "Office365 AntiPhish Default", "PhishThresholdLevel": 1,
           "EnableOrganizationDomainsProtection": False}
    client = Scripted([row], script=[ServiceError(DEHYDRATED), ServiceError("This operation is not required."),
                                     ServiceError(DENIED % "EnableOrganizationDomainsProtection")])
    run = ObjectRun(client, "AntiPhishPolicy", "Office365 AntiPhish Default",
                    {"PhishThresholdLevel": 2, "EnableOrganizationDomainsProtection": True})
    assert run.converge("present")[0] == "updated"
    assert [w[0] for w in client.writes] == ["Set-AntiPhishPolicy", "Enable-OrganizationCustomization",
                                             "Set-AntiPhishPolicy", "Set-AntiPhishPolicy"]
    assert client.writes[-1][1] == {"Identity": "Office365 AntiPhish Default", "PhishThresholdLevel": 2}
    assert [r["parameter"] for r in run.refused] == ["EnableOrganizationDomainsProtection"]


def test_other_errors_are_not_swallowed():
    client = Scripted([None], script=[ServiceError("A TransportRule with the name \"Tag\" already exists.")])
    with pytest.raises(ServiceError, match="already exists"):
        ObjectRun(client, "TransportRule", "Tag", {"Mode": "Enforce"}).converge("present")
    with pytest.raises(InvalidInputError, match="identity is required"):
        ObjectRun(client, "TransportRule", None, {})


def test_objects_read_as_desired_state_input():
    from ansible_collections.csp.exchange.plugins.module_utils.exchange.export import as_desired, properties_for
    row = {"Identity": "Partner", "Name": "Partner", "DomainName": "partner.example", "AutoForwardEnabled": True,
           "MaxSendSize": "49.5 MB (51,904,512 bytes)", "MessageExpiration": "P1D", "ForwardingSmtpAddress": "smtp:A@b.c"}
    got = as_desired("RemoteDomain", row, ["DomainName", "AutoForwardEnabled", "MaxSendSize", "MessageExpiration",
                                           "ForwardingSmtpAddress"])
    assert got == {"identity": "Partner", "create_parameters": {"DomainName": "partner.example"},
                   "settings": {"AutoForwardEnabled": True, "MaxSendSize": "50688KB", "MessageExpiration": "1.00:00:00",
                                "ForwardingSmtpAddress": "A@b.c"}}
    assert as_desired("TransportConfig", {"Identity": "Transport Settings"}, [])["identity"] is None
    assert "State" in properties_for("TransportRule", None)
    with pytest.raises(InvalidInputError, match="properties is required"):
        properties_for("Mailbox", None)
