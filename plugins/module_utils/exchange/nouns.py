# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Where Exchange's Get- output and its New-/Set- input disagree, as data (one place for every noun).

Sources: Microsoft365DSC's Exchange resources, CIPP standards and Microsoft Learn's cmdlet reference, cited per
entry. ``exo_object`` and ``exo_settings_info`` read these tables; nothing else special-cases a noun.
"""

import re


# Rules show ``State`` (Enabled/Disabled); New- takes ``-Enabled``, Set- has no such parameter, Enable-X/Disable-X
# change it (CIPP Invoke-AddEditTransportRule.ps1; M365DSC MSFT_EXOAntiPhishRule.psm1 l.315-320).
STATE_NOUNS = frozenset(name.lower() for name in (
    "TransportRule", "AntiPhishRule", "HostedContentFilterRule", "HostedOutboundSpamFilterRule", "MalwareFilterRule",
    "SafeLinksRule", "SafeAttachmentRule", "EOPProtectionPolicyRule", "ATPProtectionPolicyRule"))
STATE_PROPERTY = "State"

# Get- shows a bool; New-/Set- take a switch that can only turn it on (M365DSC MSFT_EXOHostedContentFilterPolicy.psm1
# l.374/738/758): Get property -> switch parameter.
SWITCHES = {"isdefault": "MakeDefault"}

# The parameter that names a new object, where it is not ``Name`` (New-DkimSigningConfig -DomainName: M365DSC
# MSFT_EXODkimSigningConfig.psm1 l.239-255).
CREATE_NAME = {"dkimsigningconfig": "DomainName"}

# Nouns whose New- takes only some of the properties Set- takes: these are sent to New-, the rest to Set- right
# after (New-RemoteDomain takes Name and DomainName only: M365DSC MSFT_EXORemoteDomain.psm1 l.411-438).
NEW_TAKES = {
    "remotedomain": (),
    "dkimsigningconfig": ("Enabled", "BodyCanonicalization", "HeaderCanonicalization", "AdminDisplayName"),
    "sharingpolicy": ("Domains", "Enabled"),
}

# Properties Get- shows that only New- takes: written once at creation, never compared afterwards (Set-RemoteDomain
# refuses DomainName; Set-DkimSigningConfig refuses KeySize). Exported into ``create_parameters``.
CREATE_ONLY = {"remotedomain": ("DomainName",)}

# A dehydrated organisation refuses many writes until Enable-OrganizationCustomization has run once; a second run
# fails with "not required" (MicrosoftDocs/microsoft-365-docs#7403, MicrosoftDocs/office-docs-powershell#6497).
CUSTOMIZATION_CMDLET = "Enable-OrganizationCustomization"
NEEDS_CUSTOMIZATION = re.compile(r"Enable-OrganizationCustomization|InvalidOperationInDehydratedContext", re.I)
ALREADY_CUSTOMIZED = re.compile(r"not required|already (?:enabled|customized)", re.I)

# Licence-dependent parameters are refused one by one (CIPP issue 2986): '"EnableOrganizationDomainsProtection"
# parameter can't be used on the "New-AntiPhishPolicy" cmdlet because it isn't present in the role definition'.
ACCESS_DENIED_PARAMETER = re.compile(r"\"(\w+)\" parameter can't be used on the \"([\w-]+)\" cmdlet", re.I)

# Settable properties ``exo_settings_info`` reads when ``properties`` is not given.
DEFAULT_PROPERTIES = {
    "organizationconfig": ("AuditDisabled", "CustomerLockboxEnabled", "OAuth2ClientProfileEnabled",
                           "SendFromAliasEnabled", "BookingsEnabled", "MailTipsAllTipsEnabled",
                           "MailTipsExternalRecipientsTipsEnabled", "PublicFoldersEnabled",
                           "ActivityBasedAuthenticationTimeoutEnabled", "ActivityBasedAuthenticationTimeoutInterval",
                           "EwsEnabled", "EwsApplicationAccessPolicy", "EwsAllowList", "RejectDirectSend"),
    # Set-TransportConfig takes MaxSendSize/MaxReceiveSize only on-premises (Microsoft Learn): not exported.
    "transportconfig": ("SmtpClientAuthenticationDisabled", "ExternalPostmasterAddress", "ReplyAllStormProtectionEnabled",
                        "MessageExpiration"),
    "remotedomain": ("DomainName", "AutoForwardEnabled", "AutoReplyEnabled", "DeliveryReportEnabled", "NDREnabled",
                     "MeetingForwardNotificationEnabled", "TNEFEnabled", "AllowedOOFType", "IsInternal"),
    "sharingpolicy": ("Domains", "Enabled"),
    "transportrule": ("State", "Priority", "Mode", "Comments", "FromScope", "SentToScope", "SenderAddressLocation",
                      "PrependSubject", "SenderDomainIs", "ExceptIfSenderDomainIs", "RedirectMessageTo", "SetSCL",
                      "ApplyHtmlDisclaimerText", "ApplyHtmlDisclaimerLocation", "StopRuleProcessing"),
    "dkimsigningconfig": ("Enabled", "BodyCanonicalization", "HeaderCanonicalization"),
    "hostedoutboundspamfilterpolicy": ("AutoForwardingMode", "BccSuspiciousOutboundMail",
                                       "BccSuspiciousOutboundAdditionalRecipients", "NotifyOutboundSpam",
                                       "NotifyOutboundSpamRecipients", "RecipientLimitExternalPerHour",
                                       "RecipientLimitInternalPerHour", "RecipientLimitPerDay",
                                       "ActionWhenThresholdReached"),
    "externalinoutlook": ("Enabled", "AllowList"),
    "antiphishpolicy": ("Enabled", "PhishThresholdLevel", "EnableSpoofIntelligence", "EnableFirstContactSafetyTips",
                        "EnableUnauthenticatedSender", "EnableViaTag", "EnableMailboxIntelligence",
                        "AuthenticationFailAction", "EnableMailboxIntelligenceProtection",
                        "EnableOrganizationDomainsProtection", "EnableTargetedUserProtection",
                        "EnableTargetedDomainsProtection", "TargetedUserProtectionAction"),
    "antiphishrule": ("State", "Priority", "AntiPhishPolicy", "RecipientDomainIs", "Comments"),
    # Set-AdminAuditLogConfig takes only UnifiedAuditLogIngestionEnabled in Exchange Online (Microsoft Learn).
    "adminauditlogconfig": ("UnifiedAuditLogIngestionEnabled",),
}


def create_name(noun):
    return CREATE_NAME.get(noun.lower(), "Name")


def new_takes(noun, name):
    """Whether ``New-<noun>`` takes the settable property ``name`` (else it is set right after creation)."""
    takes = NEW_TAKES.get(noun.lower())
    return takes is None or name.lower() in set(t.lower() for t in takes)


def create_only(noun):
    return CREATE_ONLY.get(noun.lower(), ())


def has_state(noun):
    return noun.lower() in STATE_NOUNS
