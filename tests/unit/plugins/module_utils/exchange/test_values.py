"""Every value format of the contract (§6) against the input forms users write: no false drift, real drift found."""
import pytest

from ansible_collections.csp.exchange.plugins.module_utils.exchange.values import (
    NormalizeError, kind_of, normalize, parse_size, parse_timespan, same)

SAME = [
    # sizes: the parenthesised byte count is the truth
    ("ProhibitSendQuota", "49.5 GB (53,150,220,288 bytes)", "49.5GB"),
    ("ProhibitSendQuota", "99 GB (106,300,440,576 bytes)", "99GB"),
    ("IssueWarningQuota", "98 GB (105,226,698,752 bytes)", "100352MB"),
    ("MaxSendSize", "35 MB (36,700,160 bytes)", "35MB"),
    ("RulesQuota", "256 KB (262,144 bytes)", "256kb"),
    ("ArchiveQuota", "100 GB (107,374,182,400 bytes)", 107374182400),
    ("ProhibitSendReceiveQuota", "Unlimited", "unlimited"),
    ("ProhibitSendReceiveQuota", "Unlimited", "Unlimited"),
    # time spans
    ("RetainDeletedItemsFor", "14.00:00:00", 14),
    ("RetainDeletedItemsFor", "30.00:00:00", "30.00:00:00"),
    ("AuditLogAgeLimit", "90.00:00:00", "90"),
    ("LitigationHoldDuration", "Unlimited", "unlimited"),
    ("LitigationHoldDuration", "365.00:00:00", 365),
    ("ActivityBasedAuthenticationTimeoutInterval", "06:00:00", "06:00:00"),
    ("ActivityBasedAuthenticationTimeoutInterval", "06:00:00", 21600),
    ("AgeLimitForRetention", "30.00:00:00", 30),                # an unknown time span: a number is days
    # booleans
    ("LitigationHoldEnabled", True, True),
    ("AuditEnabled", False, "false"),
    ("ImapEnabled", True, "$true"),
    # tri-state: null stays null
    ("SmtpClientAuthenticationDisabled", None, None),
    ("SmtpClientAuthenticationDisabled", True, True),
    # addresses
    ("ForwardingSmtpAddress", "smtp:Boss@Fabrikam.com", "boss@fabrikam.com"),
    ("ForwardingSmtpAddress", None, None),
    ("ForwardingSmtpAddress", None, ""),
    ("EmailAddresses", ["SMTP:JDoe@contoso.com", "smtp:jdoe@contoso.onmicrosoft.com"],
     ["smtp:jdoe@Contoso.onmicrosoft.com", "SMTP:jdoe@contoso.com"]),
    # null vs empty, strings, lists, numbers
    ("ForwardingAddress", None, ""),
    ("ForwardingAddress", "", None),
    ("AuditOwner", None, []),
    ("GrantSendOnBehalfTo", [], None),
    ("AuditAdmin", ["Update", "MoveToDeletedItems"], ["movetodeleteditems", "update"]),
    ("RetentionPolicy", "Default MRM Policy", "default mrm policy"),
    ("RecipientTypeDetails", "UserMailbox", "usermailbox"),
    ("RecipientLimits", "500", 500),
    ("RecipientLimits", "Unlimited", "unlimited"),
    ("PublicFoldersEnabled", "Local", "local"),
    ("IPListBlocked", [], None),
    ("ExchangeGuid", "66666666-6666-6666-6666-66666666ABCD", "66666666-6666-6666-6666-66666666abcd"),
]

DIFFERENT = [
    ("ProhibitSendQuota", "49.5 GB (53,150,220,288 bytes)", "49GB"),
    ("ProhibitSendQuota", "Unlimited", "50GB"),
    ("ProhibitSendQuota", "50 GB (53,687,091,200 bytes)", "unlimited"),
    ("RetainDeletedItemsFor", "14.00:00:00", 30),
    ("LitigationHoldDuration", "Unlimited", 365),
    ("LitigationHoldEnabled", False, True),
    ("SmtpClientAuthenticationDisabled", None, False),     # tri-state: null is not false
    ("SmtpClientAuthenticationDisabled", False, None),
    ("ForwardingSmtpAddress", "smtp:a@x.com", "b@x.com"),
    ("ForwardingSmtpAddress", "smtp:a@x.com", None),
    ("EmailAddresses", ["SMTP:a@x.com", "smtp:b@x.com"], ["smtp:a@x.com", "SMTP:b@x.com"]),  # primary moved
    ("AuditOwner", ["Update"], ["Update", "Create"]),
    ("RetentionPolicy", "Default MRM Policy", "Other"),
    ("RecipientLimits", "500", 1000),
    ("ForwardingAddress", None, "boss"),
    ("DisplayName", "Contoso Admin", "CONTOSO ADMIN"),        # free text keeps its case
    ("CustomAttribute1", "abc", "ABC"),
    ("MailTip", "Out of office", "out of office"),
]


@pytest.mark.parametrize("name,current,desired", SAME)
def test_no_false_drift(name, current, desired):
    assert same(name, current, desired)


@pytest.mark.parametrize("name,current,desired", DIFFERENT)
def test_real_drift_is_found(name, current, desired):
    assert not same(name, current, desired)


@pytest.mark.parametrize("value,expected", [
    ("49.5 GB (53,150,220,288 bytes)", 53150220288), ("3.322 KB (3,402 bytes)", 3402), ("49.5GB", 53150220288),
    ("500MB", 524288000), ("1TB", 1 << 40), ("10B", 10), ("UNLIMITED", "unlimited"), (1024, 1024),
])
def test_parse_size(value, expected):
    assert parse_size(value) == expected


@pytest.mark.parametrize("value", ["49.5 GiB", "lots", True, "5 PB"])
def test_bad_sizes_are_refused(value):
    with pytest.raises(NormalizeError):
        parse_size(value)


@pytest.mark.parametrize("value,expected", [
    ("14.00:00:00", 14 * 86400), ("00:00:00", 0), ("06:00:00", 21600), ("1.02:03:04", 93784), ("30", 30 * 86400),
    (7, 7 * 86400), ("-00:00:05", -5), ("00:00:01.5", 1.5), ("Unlimited", "unlimited"),
    ("PT4H", 4 * 3600), ("P1D", 86400), ("P7D", 7 * 86400), ("P1W", 7 * 86400), ("P1DT2H3M4S", 93784),
    ("pt0.5s", 0.5), ("-PT5S", -5),
])
def test_parse_timespan(value, expected):
    assert parse_timespan(value) == expected


@pytest.mark.parametrize("value", ["two weeks", "1:2", True, "P", "PT", "P1M", "P1Y", "PT4"])
def test_bad_timespans_are_refused(value):
    with pytest.raises(NormalizeError):
        parse_timespan(value)


def test_kinds_come_from_names_or_shapes():
    assert kind_of("EmailAddresses", None, None) == "proxy_addresses"
    assert kind_of("IMAPEnabled", True, None) == "bool"
    assert kind_of("Anything", "1.00:00:00", None) == "timespan_days"
    assert kind_of("SomeQuota", "Unlimited", "5GB") == "size"
    assert kind_of("Office", "Building 1", "building 1") == "text"
    assert kind_of("Manager", "66666666-6666-6666-6666-66666666abcd", None) == "name"


def test_odd_current_value_never_matches_a_valid_desired_value():
    assert not same("ProhibitSendQuota", "garbage", "5GB")
    with pytest.raises(NormalizeError):
        normalize("bool", "maybe")


@pytest.mark.parametrize("name,value,expected", [
    ("RetainDeletedItemsFor", 14, "14.00:00:00"),
    ("AuditLogAgeLimit", 90, "90.00:00:00"),
    ("ActivityBasedAuthenticationTimeoutInterval", 21600, "0.06:00:00"),
    ("LitigationHoldDuration", 365, 365),
    ("RetainDeletedItemsFor", "30.00:00:00", "30.00:00:00"),
    ("ProhibitSendQuota", "49GB", "49GB"),
    ("LitigationHoldEnabled", True, True),
    ("EndUserSpamNotificationFrequency", "PT4H", "0.04:00:00"),
])
def test_set_values_use_the_forms_cmdlets_accept(name, value, expected):
    from ansible_collections.csp.exchange.plugins.module_utils.exchange.values import to_set_value
    assert to_set_value(name, value) == expected


def test_an_unknown_time_span_is_sent_as_the_days_it_was_compared_as():
    from ansible_collections.csp.exchange.plugins.module_utils.exchange.values import to_set_value
    assert to_set_value("AgeLimitForRetention", 30, "10.00:00:00") == "30.00:00:00"


def test_iso_durations_and_dotnet_time_spans_are_the_same_setting():
    assert same("EndUserSpamNotificationFrequency", "PT4H", "04:00:00")
    assert same("EndUserSpamNotificationFrequency", "P1D", 1)
    assert same("MessageExpiration", "1.00:00:00", "P1D")
    assert not same("EndUserSpamNotificationFrequency", "PT4H", "P1D")


def test_rule_state_and_enums_ignore_case_but_text_does_not():
    assert same("State", "Enabled", "enabled") and same("AutoForwardingMode", "Off", "off")
    assert not same("PrependSubject", "[EXT]", "[ext]")
