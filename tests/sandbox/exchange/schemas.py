"""What each Get-* cmdlet shows (property names, order, value kinds) and which properties its Set-*
counterpart accepts as parameters (``settable``)."""
from . import kinds
from .model import Prop, Schema

TEXT, NULLABLE_TEXT = kinds.Text(), kinds.Text(nullable=True)
BOOL, TRI_BOOL = kinds.Bool(), kinds.Bool(nullable=True)
GUID, INT32, SIZE, LIST = kinds.Guid(), kinds.Int32(), kinds.Size(), kinds.StringList()
NULL_WHEN_EMPTY = kinds.StringList(empty_as_null=True)
WHEN, WHEN_UTC = kinds.DateTime(utc_suffix=False), kinds.DateTime(utc_suffix=True)

MAILBOX_AUDIT_ACTIONS = ("AddFolderPermissions", "ApplyRecord", "Copy", "Create", "FolderBind", "HardDelete",
                         "MailboxLogin", "MailItemsAccessed", "ModifyFolderPermissions", "Move",
                         "MoveToDeletedItems", "RecordDelete", "RemoveFolderPermissions", "Send", "SendAs",
                         "SendOnBehalf", "SoftDelete", "Update", "UpdateCalendarDelegation",
                         "UpdateComplianceTag", "UpdateFolderPermissions", "UpdateInboxRules")
AUDIT_ACTIONS = kinds.StringList(item=kinds.Enum("Microsoft.Exchange.Data.Directory.MailboxAuditOperations",
                                                 MAILBOX_AUDIT_ACTIONS))
RECIPIENT_TYPE_DETAILS = kinds.Enum("Microsoft.Exchange.Data.Directory.Recipient.RecipientTypeDetails",
                                    ("UserMailbox", "SharedMailbox", "RoomMailbox", "EquipmentMailbox",
                                     "MailContact", "MailUser", "GroupMailbox"))
MAILBOX_TYPE = kinds.Enum("Microsoft.Exchange.Management.RecipientTasks.ConvertibleMailboxSubType",
                          ("Regular", "Room", "Equipment", "Shared"))
ACCESS_RIGHTS = kinds.StringList(item=kinds.Enum("Microsoft.Exchange.Management.RecipientTasks.MailboxRights",
                                                 ("ChangeOwner", "ChangePermission", "DeleteItem", "ExternalAccount",
                                                  "FullAccess", "ReadPermission")))
EWS_APPLICATION_ACCESS_POLICY = kinds.Enum("Microsoft.Exchange.Data.Directory.EwsApplicationAccessPolicy",
                                           ("EnforceAllowList", "EnforceBlockList"), nullable=True)
CUSTOM_ATTRIBUTES = [Prop(f"CustomAttribute{i}", TEXT, settable=True) for i in range(1, 16)]


def _when(created=False):
    props = [Prop("WhenChanged", WHEN), Prop("WhenChangedUTC", WHEN_UTC, attr="when_changed")]
    if created:
        props += [Prop("WhenCreated", WHEN), Prop("WhenCreatedUTC", WHEN_UTC, attr="when_created")]
    return props


MAILBOX = Schema("Mailbox", [
    Prop("Identity", TEXT), Prop("Name", TEXT), Prop("Alias", TEXT), Prop("DisplayName", TEXT, settable=True),
    Prop("DistinguishedName", TEXT), Prop("Guid", GUID), Prop("ExchangeGuid", GUID),
    Prop("ExternalDirectoryObjectId", TEXT), Prop("UserPrincipalName", TEXT), Prop("PrimarySmtpAddress", TEXT),
    Prop("WindowsEmailAddress", TEXT), Prop("EmailAddresses", kinds.ProxyAddresses(), settable=True),
    Prop("RecipientType", TEXT), Prop("RecipientTypeDetails", RECIPIENT_TYPE_DETAILS),
    *(Prop(name, SIZE, settable=True) for name in (
        "ProhibitSendQuota", "ProhibitSendReceiveQuota", "IssueWarningQuota", "RulesQuota", "MaxSendSize",
        "MaxReceiveSize")),
    # Shown, but Set-Mailbox takes them only on-premises (Microsoft Learn, Set-Mailbox: "This parameter is available
    # only in on-premises Exchange"); Exchange Online manages these quotas itself.
    *(Prop(name, SIZE) for name in ("RecoverableItemsQuota", "RecoverableItemsWarningQuota", "ArchiveQuota",
                                    "ArchiveWarningQuota")),
    Prop("UseDatabaseQuotaDefaults", BOOL, settable=True),
    Prop("RetainDeletedItemsFor", kinds.TimeSpan(max_days=30), settable=True),
    Prop("SingleItemRecoveryEnabled", BOOL, settable=True), Prop("RetentionHoldEnabled", BOOL, settable=True),
    Prop("RetentionPolicy", TEXT, settable=True), Prop("LitigationHoldEnabled", BOOL, settable=True),
    Prop("LitigationHoldDuration", kinds.HoldDuration(), settable=True),
    Prop("LitigationHoldOwner", NULLABLE_TEXT, settable=True), Prop("LitigationHoldDate", WHEN),
    Prop("InPlaceHolds", LIST),
    Prop("ForwardingAddress", kinds.RecipientRef(), settable=True),
    Prop("ForwardingSmtpAddress", kinds.SmtpAddress(), settable=True),
    Prop("DeliverToMailboxAndForward", BOOL, settable=True),
    Prop("GrantSendOnBehalfTo", kinds.StringList(item=kinds.RecipientRef()), settable=True),
    Prop("HiddenFromAddressListsEnabled", BOOL, settable=True),
    Prop("RecipientLimits", kinds.Limit(), settable=True),
    Prop("ArchiveStatus", TEXT), Prop("ArchiveGuid", GUID), Prop("ArchiveName", LIST),
    Prop("AutoExpandingArchiveEnabled", BOOL),
    Prop("AuditEnabled", BOOL, settable=True), Prop("AuditLogAgeLimit", kinds.TimeSpan(), settable=True),
    Prop("AuditOwner", AUDIT_ACTIONS, settable=True), Prop("AuditAdmin", AUDIT_ACTIONS, settable=True),
    Prop("AuditDelegate", AUDIT_ACTIONS, settable=True),
    Prop("MessageCopyForSentAsEnabled", BOOL, settable=True),
    Prop("MessageCopyForSendOnBehalfEnabled", BOOL, settable=True),
    *CUSTOM_ATTRIBUTES, *_when(created=True),
])

CAS_MAILBOX = Schema("CASMailbox", [
    Prop("Identity", TEXT), Prop("Name", TEXT), Prop("DisplayName", TEXT), Prop("PrimarySmtpAddress", TEXT),
    Prop("Guid", GUID), Prop("ExchangeGuid", GUID), Prop("ActiveSyncEnabled", BOOL, settable=True),
    Prop("OWAEnabled", BOOL, settable=True), Prop("OwaMailboxPolicy", TEXT, settable=True),
    # The output says PopEnabled/ImapEnabled where Set-CASMailbox documents POPEnabled/IMAPEnabled;
    # parameter names are case-insensitive, so one property serves both.
    Prop("PopEnabled", BOOL, settable=True), Prop("ImapEnabled", BOOL, settable=True),
    Prop("MAPIEnabled", BOOL, settable=True), Prop("EwsEnabled", BOOL, settable=True),
    Prop("ECPEnabled", BOOL),      # Set-CASMailbox -ECPEnabled is on-premises only (Microsoft Learn)
    Prop("SmtpClientAuthenticationDisabled", TRI_BOOL, settable=True),
    *_when(),
])

AUDIT_BYPASS = Schema("MailboxAuditBypassAssociation", [
    Prop("Identity", TEXT), Prop("Name", TEXT), Prop("Guid", GUID), Prop("DistinguishedName", TEXT),
    Prop("AuditBypassEnabled", BOOL, settable=True), *_when(),
])

RECIPIENT = Schema("Recipient", [
    Prop("Identity", TEXT), Prop("Name", TEXT), Prop("Alias", TEXT), Prop("DisplayName", TEXT),
    Prop("DistinguishedName", TEXT), Prop("Guid", GUID), Prop("ExternalDirectoryObjectId", TEXT),
    Prop("PrimarySmtpAddress", TEXT), Prop("EmailAddresses", kinds.ProxyAddresses()), Prop("RecipientType", TEXT),
    Prop("RecipientTypeDetails", TEXT), *_when(),
])

MAIL_CONTACT = Schema("MailContact", [
    Prop("Identity", TEXT), Prop("Name", TEXT), Prop("Alias", TEXT), Prop("DisplayName", TEXT, settable=True),
    Prop("DistinguishedName", TEXT), Prop("Guid", GUID), Prop("ExternalDirectoryObjectId", TEXT),
    Prop("ExternalEmailAddress", kinds.SmtpAddress(prefix="SMTP", nullable=False), settable=True),
    Prop("PrimarySmtpAddress", TEXT), Prop("EmailAddresses", kinds.ProxyAddresses()),
    Prop("RecipientType", TEXT), Prop("RecipientTypeDetails", TEXT),
    Prop("HiddenFromAddressListsEnabled", BOOL, settable=True), *CUSTOM_ATTRIBUTES, *_when(created=True),
])

ORGANIZATION_CONFIG = Schema("OrganizationConfig", [
    Prop("Identity", TEXT), Prop("Name", TEXT), Prop("DisplayName", TEXT), Prop("Guid", GUID),
    Prop("DistinguishedName", TEXT), Prop("IsDehydrated", BOOL),
    *(Prop(name, BOOL, settable=True) for name in (
        "AuditDisabled", "CustomerLockboxEnabled", "OAuth2ClientProfileEnabled",
        "SendFromAliasEnabled", "BookingsEnabled", "MailTipsAllTipsEnabled", "MailTipsExternalRecipientsTipsEnabled")),
    # Shown as a bool; Set-OrganizationConfig takes the switch -AutoExpandingArchive instead (not emulated).
    Prop("AutoExpandingArchiveEnabled", BOOL),
    *(Prop(name, TRI_BOOL, settable=True) for name in (
        "EwsEnabled", "EwsAllowOutlook", "FocusedInboxOn", "MessageRecallEnabled")),
    # EWS by client user agent (Set-OrganizationConfig, Microsoft Learn): no policy ($null) until one is chosen; the
    # lists are multi-valued, user agent strings with wildcards. EwsEnabled above is the tenant-wide switch whose
    # $null ("not configured") Microsoft turns into $false from 2026-10-01 (message center MC1227454).
    Prop("EwsApplicationAccessPolicy", EWS_APPLICATION_ACCESS_POLICY, settable=True),
    Prop("EwsAllowList", LIST, settable=True), Prop("EwsBlockList", LIST, settable=True),
    # Reject Direct Send (Set-OrganizationConfig -RejectDirectSend): off until the organisation turns it on.
    Prop("RejectDirectSend", BOOL, settable=True),
    Prop("PublicFoldersEnabled", kinds.Enum("Microsoft.Exchange.Data.Directory.SystemConfiguration."
                                            "PublicFoldersDeployment", ("None", "Local", "Remote")), settable=True),
    Prop("ActivityBasedAuthenticationTimeoutEnabled", BOOL, settable=True),
    Prop("ActivityBasedAuthenticationTimeoutInterval", kinds.TimeSpan(max_days=1), settable=True),
    Prop("IPListBlocked", LIST, settable=True),
    Prop("DefaultPublicFolderDeletedItemRetention", kinds.TimeSpan(max_days=24855), settable=True), *_when(),
])

ADMIN_AUDIT_LOG_CONFIG = Schema("AdminAuditLogConfig", [
    Prop("Identity", TEXT), Prop("Name", TEXT), Prop("Guid", GUID), Prop("DistinguishedName", TEXT),
    # Set-AdminAuditLogConfig takes only UnifiedAuditLogIngestionEnabled in Exchange Online (Microsoft Learn).
    Prop("AdminAuditLogEnabled", BOOL), Prop("UnifiedAuditLogIngestionEnabled", BOOL, settable=True),
    Prop("AdminAuditLogAgeLimit", kinds.TimeSpan()), *_when(),
])

ACCEPTED_DOMAIN = Schema("AcceptedDomain", [
    Prop("Identity", TEXT), Prop("Name", TEXT), Prop("DomainName", TEXT), Prop("DomainType", TEXT),
    Prop("Default", BOOL), Prop("InitialDomain", BOOL), Prop("MatchSubDomains", BOOL), Prop("Guid", GUID),
    Prop("DistinguishedName", TEXT), *_when(),
])

INBOX_RULE = Schema("InboxRule", [
    Prop("Identity", TEXT), Prop("Name", TEXT), Prop("RuleIdentity", TEXT), Prop("MailboxOwnerId", TEXT),
    Prop("Enabled", BOOL), Prop("Priority", INT32), Prop("Description", TEXT),
    Prop("From", NULL_WHEN_EMPTY, attr="from_"), Prop("SubjectContainsWords", NULL_WHEN_EMPTY),
    Prop("ForwardTo", NULL_WHEN_EMPTY), Prop("RedirectTo", NULL_WHEN_EMPTY),
    Prop("ForwardAsAttachmentTo", NULL_WHEN_EMPTY), Prop("MoveToFolder", NULLABLE_TEXT),
    Prop("DeleteMessage", BOOL), Prop("MarkAsRead", BOOL), Prop("StopProcessingRules", BOOL),
])

MAILBOX_PERMISSION = Schema("MailboxPermission", [
    Prop("Identity", TEXT), Prop("User", TEXT), Prop("AccessRights", ACCESS_RIGHTS), Prop("IsInherited", BOOL),
    Prop("Deny", BOOL), Prop("InheritanceType", TEXT),
])
