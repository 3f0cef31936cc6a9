"""The other cmdlets on the engine: CAS, organisation config, accepted domains, audit bypass, inbox rules,
mail contacts (with replication lag) and mailbox permissions."""
from .exchange_org import NOW, exception_of, fails, one, org, rows, run  # noqa: F401 (org is a fixture)  pylint: disable=unused-import

NO_OP = "The command completed successfully but no settings of '{}' have been modified."


def test_cas_mailbox_names_and_tri_state_smtp_auth(org):
    row = one(org, "Get-CASMailbox", Identity="asmith")
    assert {"ImapEnabled", "PopEnabled", "OWAEnabled", "MAPIEnabled", "EwsEnabled", "ActiveSyncEnabled"} <= set(row)
    assert "IMAPEnabled" not in row and row["SmtpClientAuthenticationDisabled"] is True
    assert one(org, "Get-CASMailbox", Identity="jdoe")["SmtpClientAuthenticationDisabled"] is None
    run(org, "Set-CASMailbox", Identity="asmith", IMAPEnabled=False, POPEnabled="False",
        SmtpClientAuthenticationDisabled=None)
    row = one(org, "Get-CASMailbox", Identity="asmith")
    assert row["ImapEnabled"] is False and row["PopEnabled"] is False
    assert row["SmtpClientAuthenticationDisabled"] is None
    assert run(org, "Set-CASMailbox", Identity="asmith", ImapEnabled=False).warnings == [NO_OP.format("asmith")]
    run(org, "Set-CASMailbox", Identity="asmith", SmtpClientAuthenticationDisabled=False)
    assert one(org, "Get-CASMailbox", Identity="asmith")["SmtpClientAuthenticationDisabled"] is False
    assert fails(org, "Set-CASMailbox", Identity="asmith", OwaEnabled=None).status == 400


def test_organization_config_values(org):
    row = one(org, "Get-OrganizationConfig")
    assert row["Name"] == row["Identity"] == "contoso.onmicrosoft.com" and row["DisplayName"] == "Contoso"
    assert row["IsDehydrated"] is True and row["FocusedInboxOn"] is None and row["EwsEnabled"] is None
    assert row["PublicFoldersEnabled"] == "Local" and row["IPListBlocked"] == []
    assert row["ActivityBasedAuthenticationTimeoutInterval"] == "06:00:00" and row["AuditDisabled"] is False


def test_dehydrated_tenant_needs_customization_before_set(org):
    error = fails(org, "Set-OrganizationConfig", FocusedInboxOn=False)
    assert error.status == 400 and "Enable-OrganizationCustomization" in error.text
    assert exception_of(error).endswith("InvalidOperationInDehydratedContextException")
    assert run(org, "Enable-OrganizationCustomization", now=NOW + 5).rows() == []
    again = fails(org, "Enable-OrganizationCustomization")
    assert again.status == 400 and "already enabled" in again.text
    assert run(org, "Set-OrganizationConfig", FocusedInboxOn=False, PublicFoldersEnabled="remote").warnings == []
    row = one(org, "Get-OrganizationConfig")
    assert row["IsDehydrated"] is False and row["FocusedInboxOn"] is False and row["PublicFoldersEnabled"] == "Remote"
    assert run(org, "Set-OrganizationConfig", FocusedInboxOn=False).warnings == [NO_OP.format("contoso.onmicrosoft.com")]
    run(org, "Set-OrganizationConfig", FocusedInboxOn=None)
    assert one(org, "Get-OrganizationConfig")["FocusedInboxOn"] is None
    assert exception_of(fails(org, "Set-OrganizationConfig", PublicFoldersEnabled="Cloud")).endswith(
        "ParameterTransformationException")


def test_accepted_domains(org):
    domains = {r["DomainName"]: r for r in rows(org, "Get-AcceptedDomain")}
    assert set(domains) == {"contoso.onmicrosoft.com", "contoso.com"}
    assert domains["contoso.onmicrosoft.com"]["InitialDomain"] is True
    assert domains["contoso.com"]["Default"] is True and domains["contoso.com"]["DomainType"] == "Authoritative"
    assert one(org, "Get-AcceptedDomain", Identity="CONTOSO.COM")["Default"] is True
    assert fails(org, "Get-AcceptedDomain", Identity="fabrikam.com").status == 404


def test_audit_bypass_association(org):
    assert one(org, "Get-MailboxAuditBypassAssociation", Identity="jdoe")["AuditBypassEnabled"] is False
    run(org, "Set-MailboxAuditBypassAssociation", Identity="jdoe", AuditBypassEnabled=True)
    assert one(org, "Get-MailboxAuditBypassAssociation", Identity="jdoe")["AuditBypassEnabled"] is True
    assert run(org, "Set-MailboxAuditBypassAssociation", Identity="jdoe", AuditBypassEnabled=True).warnings == [
        NO_OP.format("John Doe")]
    assert fails(org, "Set-MailboxAuditBypassAssociation", Identity="jdoe").status == 400


def test_inbox_rules(org):
    rule = one(org, "Get-InboxRule", Mailbox="jdoe@contoso.com")
    assert rule["Name"] == "Forward all" and rule["ForwardTo"] == ['"x" [SMTP:x@fabrikam.com]']
    assert rule["From"] is None and "From@odata.type" not in rule and rule["Priority@data.type"] == "System.Int32"
    assert rule["Identity"] == f"John Doe\\{rule['RuleIdentity']}" and rule["RuleIdentity"].isdigit()
    assert one(org, "Get-InboxRule", Mailbox="jdoe", Identity="forward ALL")["RuleIdentity"] == rule["RuleIdentity"]
    assert rows(org, "Get-InboxRule", Mailbox="asmith") == []
    assert fails(org, "Get-InboxRule", Mailbox="jdoe", Identity="nope").status == 404
    assert "missing mandatory parameters: Mailbox" in fails(org, "Get-InboxRule").text


def test_mail_contact_lifecycle(org):
    created = run(org, "New-MailContact", Name="Partner Desk", ExternalEmailAddress="desk@fabrikam.com", Confirm=False)
    row = created.rows()[0]
    assert row["ExternalEmailAddress"] == "SMTP:desk@fabrikam.com" and row["Alias"] == "PartnerDesk"
    assert row["EmailAddresses"] == ["SMTP:desk@fabrikam.com"] and row["RecipientTypeDetails"] == "MailContact"
    assert one(org, "Get-MailContact", Identity="desk@fabrikam.com")["Name"] == "Partner Desk"
    duplicate = fails(org, "New-MailContact", Name="Partner Desk", ExternalEmailAddress="other@fabrikam.com")
    assert duplicate.status == 400 and exception_of(duplicate).endswith("ADObjectAlreadyExistsException")
    run(org, "Set-MailContact", Identity="Partner Desk", ExternalEmailAddress="desk2@fabrikam.com")
    row = one(org, "Get-MailContact", Identity="desk2@fabrikam.com")
    assert row["EmailAddresses"] == ["SMTP:desk2@fabrikam.com"] and row["PrimarySmtpAddress"] == "desk2@fabrikam.com"
    assert run(org, "Set-MailContact", Identity="PartnerDesk", ExternalEmailAddress="desk2@fabrikam.com").warnings == [
        NO_OP.format("Partner Desk")]
    assert fails(org, "Get-MailContact", Identity="desk@fabrikam.com").status == 404
    assert fails(org, "Get-Mailbox", Identity="Partner Desk").status == 404
    assert run(org, "Remove-MailContact", Identity="Partner Desk", Confirm=False).rows() == []
    assert fails(org, "Get-MailContact", Identity="Partner Desk").status == 404
    assert fails(org, "Remove-MailContact", Identity="Partner Desk").status == 404
    assert [r["Name"] for r in rows(org, "Get-MailContact")] == ["Vendor"]


def test_new_objects_are_invisible_during_replication_lag(org):
    run(org, "New-MailContact", lag=30, Name="Lagging", ExternalEmailAddress="lag@fabrikam.com")
    for cmdlet, parameters in (("Get-MailContact", {"Identity": "Lagging"}),
                               ("Set-MailContact", {"Identity": "Lagging", "DisplayName": "x"})):
        assert fails(org, cmdlet, now=NOW + 10, **parameters).status == 404
    assert "Lagging" not in [r["Name"] for r in rows(org, "Get-MailContact")]
    assert one(org, "Get-MailContact", now=NOW + 31, Identity="Lagging")["Name"] == "Lagging"


def test_mailbox_permissions_are_not_idempotent_writes(org):
    default = rows(org, "Get-MailboxPermission", Identity="sales")
    assert [(r["User"], r["AccessRights"]) for r in default] == [("NT AUTHORITY\\SELF", ["FullAccess", "ReadPermission"])]
    added = run(org, "Add-MailboxPermission", Identity="sales", User="JDOE", AccessRights="FullAccess",
                InheritanceType="All", AutoMapping=False, Confirm=False)
    assert added.rows() == [{"Identity": "sales", "User": "jdoe@contoso.com", "AccessRights@odata.type": "#Collection(String)",
                             "AccessRights": ["FullAccess"], "IsInherited": False, "Deny": False, "InheritanceType": "All"}]
    again = run(org, "Add-MailboxPermission", Identity="sales", User="jdoe", AccessRights=["FullAccess"])
    assert again.rows() == [] and "already present" in again.warnings[0]
    assert one(org, "Get-MailboxPermission", Identity="sales", User="jdoe@contoso.com")["AccessRights"] == ["FullAccess"]
    assert run(org, "Remove-MailboxPermission", Identity="sales", User="jdoe", AccessRights="FullAccess").warnings == []
    assert len(rows(org, "Get-MailboxPermission", Identity="sales")) == 1
    gone = run(org, "Remove-MailboxPermission", Identity="sales", User="jdoe", AccessRights="FullAccess")
    assert "ACE doesn't exist" in gone.warnings[0]
    assert fails(org, "Add-MailboxPermission", Identity="sales", User="ghost", AccessRights="FullAccess").status == 404
    assert exception_of(fails(org, "Add-MailboxPermission", Identity="sales", User="jdoe",
                              AccessRights="SendAs")).endswith("ParameterTransformationException")
    assert fails(org, "Get-MailboxPermission").status == 400
