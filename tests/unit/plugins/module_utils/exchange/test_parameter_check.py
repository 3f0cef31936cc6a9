"""Refusing a parameter an Exchange Online cmdlet does not take, before any request: one sentence naming the cmdlet
and the nearest valid names; a cmdlet Microsoft's reference does not know passes, with a warning in check mode."""
import pytest

from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.exchange.parameter_check import (
    check_object, check_parameters, check_settings, takes)


def test_a_misspelt_property_names_the_cmdlet_and_the_nearest_valid_names():
    with pytest.raises(InvalidInputError) as caught:
        check_settings("Mailbox", {"ProhibitSendQuta": "49GB", "SingleItemRecoveryEnabled": True})
    message = caught.value.message
    assert message.startswith("Set-Mailbox takes no property ProhibitSendQuta (nearest valid: ProhibitSendQuota, ")
    assert message.count(". ") == 0 and message.endswith("nothing was sent.")           # one sentence


def test_names_are_matched_case_insensitively_and_the_filter_is_checked():
    check_settings("mailbox", {"prohibitsendquota": "49GB"}, "RecipientTypeDetails -eq 'UserMailbox'")
    with pytest.raises(InvalidInputError, match="Get-RemoteDomain takes no parameter Filter"):
        check_settings("RemoteDomain", {"AutoForwardEnabled": False}, "DomainName -ne 'x'")


def test_an_unknown_cmdlet_passes_with_a_warning_in_check_mode_only():
    warnings = []
    assert check_parameters("Get-FutureThing", ["Anything"], warnings.append, check_mode=False) is False
    assert warnings == []
    assert check_parameters("Get-FutureThing", ["Anything"], warnings.append, check_mode=True) is False
    assert len(warnings) == 1 and "Get-FutureThing" in warnings[0] and "not checked" in warnings[0]


def test_object_settings_map_state_and_switches_and_create_parameters_go_to_new():
    check_object("TransportRule", {"State": "Enabled", "PrependSubject": "[EXT]"}, {})
    check_object("AntiPhishPolicy", {"IsDefault": True}, {})
    check_object("RemoteDomain", {"AutoForwardEnabled": False}, {"DomainName": "partner.example"})
    with pytest.raises(InvalidInputError, match="New-RemoteDomain takes no parameter DomainNam "):
        check_object("RemoteDomain", {}, {"DomainNam": "partner.example"})
    with pytest.raises(InvalidInputError, match="Set-HostedOutboundSpamFilterPolicy takes no property MakeDefault"):
        check_object("HostedOutboundSpamFilterPolicy", {"IsDefault": True}, {})


def test_several_unknown_names_in_one_sentence():
    with pytest.raises(InvalidInputError) as caught:
        check_parameters("Get-Mailbox", ["Identity", "Filtre", "Zzzz"])
    assert "takes no parameters Filtre (nearest valid: Filter); Zzzz (no similar name) in Exchange Online" in \
        caught.value.message


def test_takes():
    assert takes("Get-Mailbox", "identity") and not takes("Get-ArcConfig", "Identity")
    assert takes("Get-FutureThing", "Identity")
