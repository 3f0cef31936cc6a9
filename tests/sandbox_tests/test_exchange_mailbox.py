"""Get-/Set-Mailbox on the engine: identity forms, value formats, listing, validation and write semantics."""
import pytest

from .exchange_org import NOW, build, exception_of, fails, one, org, rows, run  # noqa: F401 (org is a fixture)  pylint: disable=unused-import
from tests.sandbox.exchange.cmdlets import MORE_RESULTS
from tests.sandbox.exchange.engine import ExchangeTenant
from tests.sandbox.exchange.values import ZERO_GUID

NO_OP = "The command completed successfully but no settings of '{}' have been modified."


def test_identity_accepts_every_form_case_insensitively(org):
    jdoe = next(m for m in org.mailboxes if m.alias == "jdoe")
    for identity in ("jdoe", "JDOE", "John Doe", "jdoe@contoso.com", "JDoe@Contoso.com", "jdoe@contoso.onmicrosoft.com",
                     jdoe.guid, jdoe.exchange_guid.upper(), jdoe.distinguished_name, jdoe.external_directory_object_id):
        assert one(org, "Get-Mailbox", Identity=identity)["Alias"] == "jdoe", identity


def test_missing_mailbox_is_a_404_in_format_1(org):
    error = fails(org, "Get-Mailbox", Identity="nobody@contoso.com")
    body = error.body()["error"]
    assert error.status == 404 and body["code"] == "NotFound" and body["message"] == "Error executing cmdlet"
    detail = body["details"][0]["message"]
    assert detail.startswith("Ex6F9304|Microsoft.Exchange.Configuration.Tasks.ManagementObjectNotFoundException|"
                             "The operation couldn't be performed because object 'nobody@contoso.com' couldn't be "
                             f"found on '{org.dc}'.")
    assert org.dc.endswith(".PROD.OUTLOOK.COM")
    assert body["innererror"]["internalexception"] == {"message": detail.split("|", 2)[2],
                                                       "type": exception_of(error)}
    assert body["innererror"]["type"] == "Microsoft.Exchange.Admin.OData.Core.ODataServiceException"


def test_mailbox_row_carries_realistic_values_and_annotations(org):
    row = one(org, "Get-Mailbox", Identity="jdoe")
    assert row["Identity"] == row["Name"] == "John Doe"
    assert row["ProhibitSendQuota"] == "49.5 GB (53,150,220,288 bytes)"
    assert row["ProhibitSendReceiveQuota"] == "50 GB (53,687,091,200 bytes)"
    assert row["RulesQuota"] == "256 KB (262,144 bytes)" and row["MaxSendSize"] == "35 MB (36,700,160 bytes)"
    assert row["EmailAddresses"] == ["SMTP:jdoe@contoso.com", "smtp:jdoe@contoso.onmicrosoft.com"]
    assert row["PrimarySmtpAddress"] == row["WindowsEmailAddress"] == row["UserPrincipalName"] == "jdoe@contoso.com"
    assert row["RecipientLimits"] == "500" and row["RetainDeletedItemsFor"] == "14.00:00:00"
    assert row["AuditLogAgeLimit"] == "90.00:00:00" and row["LitigationHoldDuration"] == "Unlimited"
    assert row["ForwardingSmtpAddress"] is None and row["ForwardingAddress"] is None
    assert row["GrantSendOnBehalfTo"] == [] and row["InPlaceHolds"] == []
    assert row["ArchiveStatus"] == "Active" and row["ArchiveGuid"] != ZERO_GUID
    assert row["ArchiveName"] == ["In-Place Archive -John Doe"]
    assert row["Guid@data.type"] == "System.Guid" and row["Guid@odata.type"] == "#Guid"
    assert row["EmailAddresses@odata.type"] == "#Collection(String)" and "EmailAddresses@data.type" not in row
    assert row["WhenChanged@data.type"] == "System.DateTime" and "WhenChanged@odata.type" not in row
    assert row["WhenChanged"].endswith("+00:00") and row["WhenChangedUTC"].endswith("Z")
    assert not any(k.startswith(("Alias@", "ForwardingSmtpAddress@", "LitigationHoldEnabled@")) for k in row)
    no_archive = one(org, "Get-Mailbox", Identity="asmith")
    assert no_archive["ArchiveStatus"] == "None" and no_archive["ArchiveGuid"] == ZERO_GUID
    assert no_archive["ArchiveName"] == []


def test_recipient_type_details_parameter_and_bad_enum(org):
    shared = rows(org, "Get-Mailbox", RecipientTypeDetails="SharedMailbox")
    assert shared and {r["RecipientTypeDetails"] for r in shared} == {"SharedMailbox"}
    both = rows(org, "Get-Mailbox", RecipientTypeDetails=["usermailbox", "SharedMailbox"])
    assert len(both) == len(org.mailboxes)
    error = fails(org, "Get-Mailbox", RecipientTypeDetails="SharedMailboxes")
    assert error.status == 400 and exception_of(error).endswith("ParameterTransformationException")
    assert "UserMailbox, SharedMailbox, RoomMailbox" in error.text


def test_result_size_truncates_with_the_warning(org):
    result = run(org, "Get-Mailbox", ResultSize=2)
    assert len(result.objects) == 2 and result.warnings == [MORE_RESULTS]
    assert len(run(org, "Get-Mailbox", ResultSize="Unlimited").objects) == len(org.mailboxes)
    exact = run(org, "Get-Mailbox", ResultSize=str(len(org.mailboxes)))
    assert len(exact.objects) == len(org.mailboxes) and exact.warnings == []
    assert exception_of(fails(org, "Get-Mailbox", ResultSize="lots")).endswith("ParameterTransformationException")


def test_select_projects_case_insensitively_in_schema_order(org):
    row = run(org, "Get-Mailbox", select=["primarysmtpaddress", "IDENTITY", "Guid", "NoSuchProperty"],
              Identity="jdoe").rows()[0]
    assert list(row) == ["Identity", "Guid@data.type", "Guid@odata.type", "Guid", "PrimarySmtpAddress"]


def test_filter_selects_rows(org):
    hidden = rows(org, "Get-Mailbox", Filter="HiddenFromAddressListsEnabled -eq 'True' -and Alias -like 'sal*'")
    assert [r["Alias"] for r in hidden] == ["sales"]


def test_set_mailbox_writes_typed_values_and_moves_when_changed(org):
    before = one(org, "Get-Mailbox", Identity="asmith")
    result = run(org, "Set-Mailbox", now=NOW + 60, identity="ASMITH", prohibitsendquota="48GB",
                 ProhibitSendReceiveQuota="49.5GB", IssueWarningQuota="500MB", RetainDeletedItemsFor="30.00:00:00",
                 LitigationHoldEnabled=True, LitigationHoldDuration=365, RecipientLimits=250, Confirm=False)
    assert result.rows() == [] and result.warnings == []
    after = one(org, "Get-Mailbox", Identity="asmith")
    assert after["ProhibitSendQuota"] == "48 GB (51,539,607,552 bytes)"
    assert after["ProhibitSendReceiveQuota"] == "49.5 GB (53,150,220,288 bytes)"
    assert after["IssueWarningQuota"] == "500 MB (524,288,000 bytes)"
    assert after["RetainDeletedItemsFor"] == "30.00:00:00" and after["RecipientLimits"] == "250"
    assert after["LitigationHoldDuration"] == "365.00:00:00" and after["LitigationHoldEnabled"] is True
    assert after["LitigationHoldDate"] == after["WhenChanged"]
    assert after["WhenChangedUTC"] != before["WhenChangedUTC"]
    assert after["WhenChangedUTC"].startswith("2027-01-15T08:01:00")


def test_set_that_changes_nothing_warns_and_keeps_when_changed(org):
    before = one(org, "Get-Mailbox", Identity="jdoe")
    result = run(org, "Set-Mailbox", now=NOW + 60, Identity="jdoe", ProhibitSendQuota="49.5 GB",
                 ProhibitSendReceiveQuota="53687091200", ForwardingSmtpAddress=None)
    assert result.rows() == [] and result.warnings == [NO_OP.format("John Doe")]
    assert one(org, "Get-Mailbox", Identity="jdoe")["WhenChanged"] == before["WhenChanged"]


def test_unlimited_quotas(org):
    run(org, "Set-Mailbox", Identity="asmith", ProhibitSendQuota="unlimited", ProhibitSendReceiveQuota="Unlimited")
    row = one(org, "Get-Mailbox", Identity="asmith")
    assert row["ProhibitSendQuota"] == row["ProhibitSendReceiveQuota"] == "Unlimited"
    assert rows(org, "Get-Mailbox", Filter="ProhibitSendQuota -eq 'Unlimited' -and Alias -eq 'asmith'")


@pytest.mark.parametrize("parameters, exception, text", [
    ({"ProhibitSendQuota": "60GB"}, "Microsoft.Exchange.Data.DataValidationException",
     "must be less than or equal to that of property 'ProhibitSendReceiveQuota'"),
    ({"ProhibitSendQuota": "Unlimited"}, "Microsoft.Exchange.Data.DataValidationException", "ProhibitSendQuota: Unlimited"),
    ({"ProhibitSendQuota": "49.5XB"}, "ParameterTransformationException", "isn't a valid ByteQuantifiedSize"),
    ({"RetainDeletedItemsFor": "31.00:00:00"}, "Microsoft.Exchange.Data.DataValidationException",
     "must be between 00:00:00 and 30.00:00:00"),
    ({"RetainDeletedItemsFor": "14 days"}, "ParameterTransformationException", "not recognized as a valid TimeSpan"),
    ({"LitigationHoldDuration": "forever"}, "ParameterTransformationException", "number of days or 'unlimited'"),
    ({"RecipientLimits": "lots"}, "ParameterTransformationException", "between 1 and 1000"),
    ({"ForwardingSmtpAddress": "not-an-address"}, "ParameterTransformationException", "is invalid"),
    ({"HiddenFromAddressListsEnabled": "yes"}, "ParameterTransformationException", "Boolean parameters"),
    ({"ProhibitSendQuota": None}, "ParameterBindingValidationException", "The argument is null"),
    ({"AuditOwner": ["Update", "Teleport"]}, "ParameterTransformationException", "MailboxLogin"),
    ({"Type": "Kiosk"}, "ParameterTransformationException", "Regular, Room, Equipment, Shared"),
])
def test_set_mailbox_validation_is_400_and_writes_nothing(org, parameters, exception, text):
    before = one(org, "Get-Mailbox", Identity="jdoe")
    error = fails(org, "Set-Mailbox", Identity="jdoe", DisplayName="Changed", **parameters)
    assert error.status == 400 and error.code == "BadRequest"
    assert exception_of(error).endswith(exception) and text in error.text
    assert one(org, "Get-Mailbox", Identity="jdoe") == before


def test_forwarding_set_and_cleared_with_null(org):
    run(org, "Set-Mailbox", Identity="jdoe", ForwardingSmtpAddress="X@Fabrikam.com", DeliverToMailboxAndForward=True)
    assert one(org, "Get-Mailbox", Identity="jdoe")["ForwardingSmtpAddress"] == "smtp:X@Fabrikam.com"
    run(org, "Set-Mailbox", Identity="jdoe", ForwardingAddress="asmith@contoso.com")
    assert one(org, "Get-Mailbox", Identity="jdoe")["ForwardingAddress"] == "asmith"
    run(org, "Set-Mailbox", Identity="jdoe", ForwardingSmtpAddress=None, ForwardingAddress=None,
        DeliverToMailboxAndForward=False)
    row = one(org, "Get-Mailbox", Identity="jdoe")
    assert row["ForwardingSmtpAddress"] is None and row["ForwardingAddress"] is None
    error = fails(org, "Set-Mailbox", Identity="jdoe", ForwardingAddress="ghost")
    assert error.status == 404 and "Couldn't find object \"ghost\"" in error.text


def test_email_addresses_hash_table_add_remove_and_primary(org):
    table = {"@odata.type": "#Exchange.GenericHashTable", "Add": "smtp:john@contoso.com"}
    run(org, "Set-Mailbox", Identity="jdoe", EmailAddresses=table)
    assert one(org, "Get-Mailbox", Identity="john@contoso.com")["EmailAddresses"][-1] == "smtp:john@contoso.com"
    promote = {"@odata.type": "#Exchange.GenericHashTable", "Add": ["SMTP:john.doe@contoso.com"],
               "Remove": "smtp:JOHN@contoso.com"}
    run(org, "Set-Mailbox", Identity="jdoe", EmailAddresses=promote)
    row = one(org, "Get-Mailbox", Identity="john.doe@contoso.com")
    assert row["PrimarySmtpAddress"] == "john.doe@contoso.com"
    assert row["EmailAddresses"] == ["SMTP:john.doe@contoso.com", "smtp:jdoe@contoso.com",
                                     "smtp:jdoe@contoso.onmicrosoft.com"]
    assert fails(org, "Get-Mailbox", Identity="john@contoso.com").status == 404
    run(org, "Set-Mailbox", Identity="jdoe", EmailAddresses={"@odata.type": "#Exchange.GenericHashTable",
                                                             "add": "smtp:jdoe@contoso.com"})
    assert len(one(org, "Get-Mailbox", Identity="jdoe")["EmailAddresses"]) == 3


@pytest.mark.parametrize("value, exception", [
    ({"@odata.type": "#Exchange.GenericHashTable", "Remove": "SMTP:jdoe@contoso.com"}, "DataValidationException"),
    ({"@odata.type": "#Exchange.GenericHashTable", "Add": "smtp:asmith@contoso.com"}, "ProxyAddressExistsException"),
    ({"@odata.type": "#Exchange.GenericHashTable", "Add": "smtp:j@fabrikam.com"}, "EmailAddressDomainNotAcceptedException"),
    ({"Add": "smtp:j2@contoso.com"}, "ParameterTransformationException"),
    (["smtp:only-secondary@contoso.com"], "DataValidationException"),
])
def test_email_address_changes_are_validated(org, value, exception):
    error = fails(org, "Set-Mailbox", Identity="jdoe", EmailAddresses=value)
    assert error.status == 400 and exception_of(error).endswith(exception)


def test_grant_send_on_behalf_resolves_recipients_and_null_clears(org):
    assert one(org, "Get-Mailbox", Identity="sales")["GrantSendOnBehalfTo"] == ["asmith"]
    run(org, "Set-Mailbox", Identity="sales", GrantSendOnBehalfTo={"@odata.type": "#Exchange.GenericHashTable",
                                                                   "Add": "jdoe@contoso.com"})
    assert one(org, "Get-Mailbox", Identity="sales")["GrantSendOnBehalfTo"] == ["asmith", "John Doe"]
    run(org, "Set-Mailbox", Identity="sales", GrantSendOnBehalfTo=None)
    assert one(org, "Get-Mailbox", Identity="sales")["GrantSendOnBehalfTo"] == []


def test_get_recipient_turns_any_identity_form_into_the_name_recipient_lists_show(org):
    assert one(org, "Get-Recipient", Identity="JDOE@contoso.com")["Name"] == "John Doe"
    assert one(org, "Get-Recipient", Identity="vendor@fabrikam.com")["RecipientTypeDetails"] == "MailContact"
    assert fails(org, "Get-Recipient", Identity="nobody@contoso.com").status == 404


def test_type_converts_a_mailbox(org):
    run(org, "Set-Mailbox", Identity="asmith", Type="shared")
    assert one(org, "Get-Mailbox", Identity="asmith")["RecipientTypeDetails"] == "SharedMailbox"


def test_parameter_binding_errors_use_format_2(org):
    unknown = fails(org, "Get-Mailbox", Identity="jdoe", BogusParameter=1)
    assert unknown.status == 400 and unknown.code == "BadRequest"
    assert unknown.detail.startswith("|Microsoft.Exchange.AdminApi.CommandInvocation.AmbiguousParameterSetException|")
    assert unknown.detail.endswith("BogusParameter")
    assert exception_of(fails(org, "Get-Mailbox", Confirm=False)).endswith("AmbiguousParameterSetException")
    missing = fails(org, "Set-Mailbox", DisplayName="x")
    assert missing.status == 400 and missing.detail.startswith("|System.Management.Automation.ParameterBindingException|")
    assert "missing mandatory parameters: Identity" in missing.text


def test_unknown_cmdlet_is_a_nul_body_403(org):
    error = fails(org, "Get-Teleporter")
    assert error.status == 403 and error.nul_body


def test_writes_are_told_apart_from_reads():
    assert not ExchangeTenant.is_write("get-mailbox")
    assert all(ExchangeTenant.is_write(c) for c in ("Set-Mailbox", "New-MailContact", "Remove-MailContact",
                                                    "Add-MailboxPermission", "Enable-OrganizationCustomization"))


def test_snapshot_rows_have_no_annotations():
    org = build()
    rows_ = org.snapshot("Mailbox")
    assert len(rows_) == len(org.mailboxes) and not any("@" in key for key in rows_[0])
    assert org.snapshot("mailboxpermission")[0]["User"] == "asmith@contoso.com"
