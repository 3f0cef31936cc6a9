"""What Get- shows for the organisation's configuration objects (remote domains, transport settings, sharing
policies, transport rules, DKIM signing configs, outbound spam and anti-phish policies and rules, external sender
tagging) and which properties their Set- cmdlets take. Names and value sets: Microsoft Learn cmdlet pages and
the Microsoft365DSC resource schemas quoted in ``shared/exo-baselines.md`` §4."""
from . import kinds
from .model import Prop, Schema
from .schemas import BOOL, GUID, INT32, LIST, NULL_WHEN_EMPTY, NULLABLE_TEXT, SIZE, TEXT, TRI_BOOL, _when

RULE_STATE = kinds.Enum("Microsoft.Exchange.MessagingPolicies.Rules.RuleState", ("Enabled", "Disabled"))
NULLABLE_INT = kinds.Int32(nullable=True)


def _enum(type_name, names, nullable=False):
    return kinds.Enum(type_name, names, nullable=nullable)


def _settable(kind, *names):
    return [Prop(name, kind, settable=True) for name in names]


def _head(*extra):
    return [Prop("Identity", TEXT), Prop("Name", TEXT, settable=True), Prop("Guid", GUID), *extra]


REMOTE_DOMAIN = Schema("RemoteDomain", [
    *_head(), Prop("DomainName", TEXT), Prop("IsInternal", BOOL, settable=True),
    *_settable(BOOL, "AutoForwardEnabled", "AutoReplyEnabled", "DeliveryReportEnabled", "NDREnabled",
               "MeetingForwardNotificationEnabled"),
    Prop("TNEFEnabled", TRI_BOOL, settable=True),
    Prop("AllowedOOFType", _enum("Microsoft.Exchange.Data.Directory.SystemConfiguration.AllowedOOFType",
                                 ("External", "ExternalLegacy", "InternalLegacy", "None")), settable=True),
    *_when(),
])

TRANSPORT_CONFIG = Schema("TransportConfig", [
    Prop("Identity", TEXT), Prop("Name", TEXT), Prop("Guid", GUID),
    Prop("SmtpClientAuthenticationDisabled", BOOL, settable=True),
    # Shown; Set-TransportConfig takes them only on-premises (Microsoft Learn): the limits live on each mailbox.
    Prop("MaxSendSize", SIZE), Prop("MaxReceiveSize", SIZE),
    Prop("ExternalPostmasterAddress", NULLABLE_TEXT, settable=True),
    Prop("ReplyAllStormProtectionEnabled", BOOL, settable=True),
    Prop("MessageExpiration", kinds.TimeSpan(max_days=10), settable=True), *_when(),
])

SHARING_POLICY = Schema("SharingPolicy", [
    *_head(), Prop("Domains", LIST, settable=True), Prop("Enabled", BOOL, settable=True), Prop("Default", BOOL),
    *_when(),
])

TRANSPORT_RULE = Schema("TransportRule", [
    *_head(), Prop("State", RULE_STATE), Prop("Priority", INT32, settable=True),
    Prop("Mode", _enum("Microsoft.Exchange.MessagingPolicies.Rules.RuleMode", ("Audit", "AuditAndNotify", "Enforce")),
         settable=True),
    Prop("Comments", NULLABLE_TEXT, settable=True),
    Prop("FromScope", _enum("Microsoft.Exchange.MessagingPolicies.Rules.FromUserScope",
                            ("InOrganization", "NotInOrganization"), nullable=True), settable=True),
    Prop("SentToScope", _enum("Microsoft.Exchange.MessagingPolicies.Rules.ToUserScope",
                              ("InOrganization", "NotInOrganization", "ExternalPartner", "ExternalNonPartner"),
                              nullable=True), settable=True),
    Prop("SenderAddressLocation", _enum("Microsoft.Exchange.MessagingPolicies.Rules.SenderAddressLocation",
                                        ("Header", "Envelope", "HeaderOrEnvelope")), settable=True),
    Prop("PrependSubject", NULLABLE_TEXT, settable=True),
    *_settable(NULL_WHEN_EMPTY, "SenderDomainIs", "ExceptIfSenderDomainIs", "RedirectMessageTo"),
    Prop("SetSCL", NULLABLE_INT, settable=True),
    Prop("ApplyHtmlDisclaimerText", NULLABLE_TEXT, settable=True),
    Prop("ApplyHtmlDisclaimerLocation", _enum("Microsoft.Exchange.MessagingPolicies.Rules.DisclaimerLocation",
                                              ("Append", "Prepend"), nullable=True), settable=True),
    Prop("StopRuleProcessing", BOOL, settable=True), *_when(),
])

CANONICALIZATION = _enum("Microsoft.Exchange.Data.CanonicalizationType", ("Simple", "Relaxed"))
DKIM_SIGNING_CONFIG = Schema("DkimSigningConfig", [
    Prop("Identity", TEXT), Prop("Name", TEXT), Prop("Guid", GUID), Prop("Domain", TEXT),
    Prop("Enabled", BOOL, settable=True), Prop("Status", TEXT),
    Prop("Selector1CNAME", TEXT), Prop("Selector2CNAME", TEXT), Prop("Selector1KeySize", INT32),
    Prop("Selector2KeySize", INT32), Prop("BodyCanonicalization", CANONICALIZATION, settable=True),
    Prop("HeaderCanonicalization", CANONICALIZATION, settable=True),
    Prop("AdminDisplayName", TEXT, settable=True), *_when(),
])

HOSTED_OUTBOUND_SPAM_FILTER_POLICY = Schema("HostedOutboundSpamFilterPolicy", [
    *_head(), Prop("IsDefault", BOOL),
    Prop("AutoForwardingMode", _enum("Microsoft.Exchange.Data.Directory.SystemConfiguration.AutoForwardingMode",
                                     ("Automatic", "On", "Off")), settable=True),
    *_settable(BOOL, "BccSuspiciousOutboundMail", "NotifyOutboundSpam"),
    *_settable(LIST, "BccSuspiciousOutboundAdditionalRecipients", "NotifyOutboundSpamRecipients"),
    *_settable(kinds.Int32(low=0, high=10000), "RecipientLimitExternalPerHour", "RecipientLimitInternalPerHour",
               "RecipientLimitPerDay"),
    Prop("ActionWhenThresholdReached", _enum("Microsoft.Exchange.Data.Directory.SystemConfiguration."
                                             "OutboundRecipientLimitsExceededAction",
                                             ("Alert", "BlockUserForToday", "BlockUser")), settable=True),
    *_when(),
])

EXTERNAL_IN_OUTLOOK = Schema("ExternalInOutlook", [
    Prop("Identity", TEXT), Prop("Enabled", BOOL, settable=True), Prop("AllowList", LIST, settable=True),
])

# Parameters of New-/Set-AntiPhishPolicy outside the role definition of tenants without Defender for Office 365
# (CIPP issue 2986: CmdletAccessDeniedException "... parameter can't be used on the New-AntiPhishPolicy cmdlet").
DEFENDER_ONLY = ("EnableMailboxIntelligenceProtection", "EnableOrganizationDomainsProtection",
                 "EnableTargetedUserProtection", "EnableTargetedDomainsProtection", "TargetedUserProtectionAction",
                 "EnableSimilarUsersSafetyTips", "EnableSimilarDomainsSafetyTips", "EnableUnusualCharactersSafetyTips")
ANTI_PHISH_POLICY = Schema("AntiPhishPolicy", [
    *_head(), Prop("IsDefault", BOOL), Prop("Enabled", BOOL, settable=True),
    Prop("PhishThresholdLevel", kinds.Int32(low=1, high=4), settable=True),
    *_settable(BOOL, "EnableSpoofIntelligence", "EnableFirstContactSafetyTips", "EnableUnauthenticatedSender",
               "EnableViaTag", "EnableMailboxIntelligence"),
    Prop("AuthenticationFailAction", _enum("Microsoft.Exchange.Data.Directory.SystemConfiguration.SpoofAuthFailAction",
                                           ("MoveToJmf", "Quarantine")), settable=True),
    *_settable(BOOL, *(n for n in DEFENDER_ONLY if n != "TargetedUserProtectionAction")),
    Prop("TargetedUserProtectionAction", _enum("Microsoft.Exchange.Data.Directory.SystemConfiguration."
                                               "ImpersonationAction", ("NoAction", "BccMessage", "Delete", "MoveToJmf",
                                                                       "Quarantine", "Redirect")), settable=True),
    *_when(),
])

ANTI_PHISH_RULE = Schema("AntiPhishRule", [
    *_head(), Prop("State", RULE_STATE), Prop("Priority", INT32, settable=True),
    Prop("AntiPhishPolicy", TEXT, settable=True), Prop("RecipientDomainIs", NULL_WHEN_EMPTY, settable=True),
    Prop("Comments", NULLABLE_TEXT, settable=True), *_when(),
])
