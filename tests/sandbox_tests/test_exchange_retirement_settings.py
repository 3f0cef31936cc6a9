"""The settings behind Exchange Online's retirements of 2025-2027, in the forms Microsoft's cmdlet reference documents:
EWS (Set-OrganizationConfig -EwsEnabled, tri-state; -EwsApplicationAccessPolicy with -EwsAllowList/-EwsBlockList),
SMTP AUTH (Set-TransportConfig -SmtpClientAuthenticationDisabled) and Reject Direct Send
(Set-OrganizationConfig -RejectDirectSend), and the tenants of the default seed that start in unusual states."""
import time

import pytest

from tests.sandbox.exchange.model import Schema
from tests.sandbox.exchange.schemas import ORGANIZATION_CONFIG
from tests.sandbox.seed import build_store, load_seed

from .exchange_org import build, exception_of, fails, one, run

CONTOSO, FABRIKAM, TAILSPIN = ("22222222-2222-2222-2222-22222222222%d" % n for n in (2, 3, 4))


@pytest.fixture
def org():
    return build(seed={})          # hydrated: Set-OrganizationConfig is allowed


def test_a_new_organization_leaves_ews_unset_and_direct_send_allowed(org):
    row = one(org, "Get-OrganizationConfig")
    assert row["EwsEnabled"] is None and row["EwsApplicationAccessPolicy"] is None
    assert row["EwsAllowList"] == [] and row["EwsBlockList"] == []
    assert row["RejectDirectSend"] is False
    assert one(org, "Get-TransportConfig")["SmtpClientAuthenticationDisabled"] is False


def test_ews_enabled_keeps_null_apart_from_false(org):
    run(org, "Set-OrganizationConfig", EwsEnabled=False)
    assert one(org, "Get-OrganizationConfig")["EwsEnabled"] is False
    run(org, "Set-OrganizationConfig", EwsEnabled="$true")
    assert one(org, "Get-OrganizationConfig")["EwsEnabled"] is True
    run(org, "Set-OrganizationConfig", EwsEnabled=None)
    assert one(org, "Get-OrganizationConfig")["EwsEnabled"] is None
    error = fails(org, "Set-OrganizationConfig", EwsEnabled="yes")
    assert error.status == 400 and "System.Boolean" in error.text


def test_the_application_access_policy_is_an_enum_that_null_clears(org):
    run(org, "Set-OrganizationConfig", EwsApplicationAccessPolicy="enforceallowlist")
    assert one(org, "Get-OrganizationConfig")["EwsApplicationAccessPolicy"] == "EnforceAllowList"
    error = fails(org, "Set-OrganizationConfig", EwsApplicationAccessPolicy="AllowList")
    assert error.status == 400 and "EnforceAllowList, EnforceBlockList" in error.text
    assert "Microsoft.Exchange.Data.Directory.EwsApplicationAccessPolicy" in error.text
    run(org, "Set-OrganizationConfig", EwsApplicationAccessPolicy=None)
    assert one(org, "Get-OrganizationConfig")["EwsApplicationAccessPolicy"] is None


def test_allow_and_block_lists_are_multi_valued(org):
    run(org, "Set-OrganizationConfig", EwsAllowList=["LOBSync/*", "lobsync/*", "Backup/2.0"])
    assert one(org, "Get-OrganizationConfig")["EwsAllowList"] == ["LOBSync/*", "Backup/2.0"]
    run(org, "Set-OrganizationConfig", EwsAllowList={"@odata.type": "#Exchange.GenericHashTable",
                                                     "Add": ["Migrator/*"], "Remove": ["backup/2.0"]})
    row = run(org, "Get-OrganizationConfig").rows()[0]
    assert row["EwsAllowList"] == ["LOBSync/*", "Migrator/*"]
    assert row["EwsAllowList@odata.type"] == "#Collection(String)"
    run(org, "Set-OrganizationConfig", EwsBlockList="OldClient/*")
    run(org, "Set-OrganizationConfig", EwsAllowList=None)
    row = one(org, "Get-OrganizationConfig")
    assert row["EwsBlockList"] == ["OldClient/*"] and row["EwsAllowList"] == []


def test_reject_direct_send_is_set_alone_on_the_organization_config(org):
    """Microsoft's own announcement runs `Set-OrganizationConfig -RejectDirectSend $true` by itself, although the
    cmdlet page puts the parameter in a parameter set whose -ShortenEventScopeDefault is mandatory
    (scripts/cmdlet-catalog records the correction)."""
    assert run(org, "Set-OrganizationConfig", RejectDirectSend=True).warnings == []
    assert one(org, "Get-OrganizationConfig")["RejectDirectSend"] is True
    assert run(org, "Set-OrganizationConfig", RejectDirectSend=True).warnings       # the no-op warning
    run(org, "Set-OrganizationConfig", RejectDirectSend=False, EwsEnabled=False, EwsAllowList=["LOBSync/*"])
    assert one(org, "Get-OrganizationConfig")["RejectDirectSend"] is False
    assert fails(org, "Set-OrganizationConfig", RejectDirectSend=None).status == 400     # a Boolean, not tri-state


def test_each_setting_lives_on_its_own_cmdlet(org):
    """SMTP AUTH is a transport setting, Direct Send an organisation one: the other cmdlet refuses each."""
    assert "SmtpClientAuthenticationDisabled" in fails(org, "Set-OrganizationConfig",
                                                       SmtpClientAuthenticationDisabled=True).text
    assert "RejectDirectSend" in fails(org, "Set-TransportConfig", RejectDirectSend=True).text
    run(org, "Set-TransportConfig", SmtpClientAuthenticationDisabled=True)
    assert one(org, "Get-TransportConfig")["SmtpClientAuthenticationDisabled"] is True
    assert fails(org, "Set-TransportConfig", SmtpClientAuthenticationDisabled=None).status == 400


def test_the_app_id_allow_list_is_refused_not_ignored(org):
    """-EwsAllowedAppIDs exists in Exchange Online, but its value is read back only through a Get-OrganizationConfig
    switch the reference does not document; the sandbox does not model it and says so."""
    error = fails(org, "Set-OrganizationConfig", EwsAllowedAppIDs="00000000-0000-0000-0000-000000000001")
    assert exception_of(error) == "Sandbox.ParameterNotEmulatedException" and "EwsAllowedAppIDs" in error.text


def test_dehydrated_organizations_refuse_these_writes_too():
    dehydrated = build(seed={"organization": {"IsDehydrated": True}})
    assert "Enable-OrganizationCustomization" in fails(dehydrated, "Set-OrganizationConfig",
                                                       RejectDirectSend=True).text


def test_the_default_seed_starts_tenants_in_three_states():
    store = build_store(load_seed(None), random_seed=7, now=time.time())

    def org_row(tenant):
        return Schema.plain(store.tenants[tenant].exchange.organization, ORGANIZATION_CONFIG.props)

    def smtp_auth_disabled(tenant):
        return store.tenants[tenant].exchange.snapshot("TransportConfig")[0]["SmtpClientAuthenticationDisabled"]

    contoso, fabrikam, tailspin = org_row(CONTOSO), org_row(FABRIKAM), org_row(TAILSPIN)
    assert (contoso["EwsEnabled"], contoso["RejectDirectSend"], smtp_auth_disabled(CONTOSO)) == (None, False, False)
    assert (fabrikam["EwsEnabled"], fabrikam["EwsApplicationAccessPolicy"], fabrikam["EwsAllowList"]) == \
        (True, "EnforceAllowList", ["LOBSync/*"])
    assert smtp_auth_disabled(FABRIKAM) is True
    assert (tailspin["EwsEnabled"], tailspin["RejectDirectSend"], smtp_auth_disabled(TAILSPIN)) == (False, True, False)
