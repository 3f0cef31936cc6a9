# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Compare Exchange values the way Exchange means them, not as raw strings.

Get- returns display forms (``"49.5 GB (53,150,220,288 bytes)"``, ``"14.00:00:00"``, ``"smtp:x@y"``, ``null``)
while Set- takes input forms (``49.5GB``, ``14``, ``x@y``, ``[]``). Each side is turned into one canonical value
per kind; the kind comes from the property (a few are known) or from the shape of either value.
"""

import math
import re


UNLIMITED = "unlimited"
_UNITS = {"b": 1, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40}
_DISPLAY_SIZE = re.compile(r"^\s*[\d.,]+\s*[KMGT]?B\s*\(([\d,]+) bytes\)\s*$", re.I)
_INPUT_SIZE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB)\s*$", re.I)
_TIMESPAN = re.compile(r"^\s*(-)?(?:(\d+)\.)?(\d{1,2}):(\d{2}):(\d{2})(?:\.(\d{1,7}))?\s*$")
# ISO-8601 durations, the form some cmdlets show over REST (CIPP: EndUserSpamNotificationFrequency "PT4H", "P1D");
# weeks, days and a time part only, as a TimeSpan holds no months or years.
_ISO_DURATION = re.compile(r"^\s*(-)?P(?!$)(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?\s*$",
                           re.I)

# Properties whose kind cannot be read from a value (or whose empty forms differ from the default rules).
KNOWN_KINDS = dict((name.lower(), "size") for name in (
    "ProhibitSendQuota", "ProhibitSendReceiveQuota", "IssueWarningQuota", "RecoverableItemsQuota",
    "RecoverableItemsWarningQuota", "ArchiveQuota", "ArchiveWarningQuota", "RulesQuota", "MaxSendSize",
    "MaxReceiveSize", "CalendarLoggingQuota"))
KNOWN_KINDS.update({
    "forwardingsmtpaddress": "address",
    "emailaddresses": "proxy_addresses",
    "recipientlimits": "count",
    "litigationholdduration": "timespan_days",
    "retaindeleteditemsfor": "timespan_days",
    "auditlogagelimit": "timespan_days",
    "activitybasedauthenticationtimeoutinterval": "timespan",
})
# Enums and references to other objects: Exchange resolves them ignoring case (free text keeps its case).
KNOWN_KINDS.update((name.lower(), "name") for name in (
    "Identity", "Name", "Alias", "UserPrincipalName", "PrimarySmtpAddress", "WindowsEmailAddress",
    "DistinguishedName", "ExternalDirectoryObjectId", "RecipientType", "RecipientTypeDetails", "Type",
    "ArchiveStatus", "PublicFoldersEnabled", "RetentionPolicy", "OwaMailboxPolicy", "RoleAssignmentPolicy",
    "SharingPolicy", "AddressBookPolicy", "ThrottlingPolicy", "ForwardingAddress", "LitigationHoldOwner",
    "MailboxPlan", "State", "Mode", "FromScope", "SentToScope", "SenderAddressLocation", "AutoForwardingMode",
    "AllowedOOFType", "ActionWhenThresholdReached", "AuthenticationFailAction", "TargetedUserProtectionAction",
    "BodyCanonicalization", "HeaderCanonicalization", "ApplyHtmlDisclaimerLocation", "AntiPhishPolicy",
    "DomainName", "EwsApplicationAccessPolicy"))
_GUID = re.compile(r"^\s*\{?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\}?\s*$", re.I)
_ADDRESS = re.compile(r"^\s*(smtp:)?[^@\s]+@[^@\s]+\.[^@\s]+\s*$", re.I)
# Tri-state settings: null means "follow the organisation default" and is not the same as false.
TRISTATE = frozenset(["smtpclientauthenticationdisabled", "ewsenabled", "focusedinboxon", "messagerecallenabled",
                      "ewsallowoutlook"])


class NormalizeError(ValueError):
    """A desired value that is not valid for the property's kind."""


def _bytes_from_display(text):
    match = _DISPLAY_SIZE.match(text)
    return int(match.group(1).replace(",", "")) if match else None


def parse_size(value):
    """Bytes from ``"49.5 GB (53,150,220,288 bytes)"``, ``"49.5GB"``, ``500MB``, an int; or ``unlimited``."""
    if isinstance(value, bool):
        raise NormalizeError("a size cannot be a boolean")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if text.lower() == UNLIMITED:
        return UNLIMITED
    from_display = _bytes_from_display(text)
    if from_display is not None:
        return from_display   # the parenthesised count is exact; the leading number is rounded
    match = _INPUT_SIZE.match(text)
    if not match:
        raise NormalizeError("%r is not a size such as 49.5GB, 500MB or unlimited" % value)
    return int(round(float(match.group(1)) * _UNITS[match.group(2).lower()]))


def parse_timespan(value, int_unit=86400):
    """Seconds from ``"14.00:00:00"``, ``"06:00:00"``, or a number of days (``int_unit``); or ``unlimited``."""
    if isinstance(value, bool):
        raise NormalizeError("a time span cannot be a boolean")
    if isinstance(value, (int, float)):
        if math.isnan(value) or math.isinf(value):
            raise NormalizeError("%r is not a time span such as 30.00:00:00 or a number of days" % value)
        return int(value * int_unit)
    text = str(value).strip()
    if text.lower() == UNLIMITED:
        return UNLIMITED
    if text.isdigit():
        return int(text) * int_unit
    iso = _ISO_DURATION.match(text)
    if iso:
        sign, weeks, days, hours, minutes, seconds = iso.groups()
        total = ((int(weeks or 0) * 7 + int(days or 0)) * 24 + int(hours or 0)) * 3600 + int(minutes or 0) * 60
        total += float(seconds or 0)
        total = -total if sign else total
        return int(total) if total == int(total) else total
    match = _TIMESPAN.match(text)
    if not match:
        raise NormalizeError("%r is not a time span such as 30.00:00:00, PT4H or a number of days" % value)
    sign, days, hours, minutes, seconds, fraction = match.groups()
    total = int(days or 0) * 86400 + int(hours) * 3600 + int(minutes) * 60 + int(seconds)
    total += float("0." + fraction) if fraction else 0
    total = -total if sign else total
    return int(total) if total == int(total) else total


def format_timespan(seconds):
    """``d.hh:mm:ss`` for a whole number of seconds, the form Set- cmdlets take for TimeSpan parameters."""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    return "%d.%02d:%02d:%02d" % (days, hours, minutes, secs)


def to_set_value(name, value, current=None):
    """The desired value as the Set- cmdlet accepts it: TimeSpan parameters reject bare numbers (only
    LitigationHoldDuration takes integer days) and ISO-8601 durations (PowerShell binds TimeSpan.Parse forms), so
    both become ``d.hh:mm:ss``. The kind is decided as for the comparison (``current`` is the value Get- showed), so
    a number means the same on both sides."""
    kind = kind_of(name, current, value)
    if isinstance(value, str) and _ISO_DURATION.match(value) and kind in ("timespan", "timespan_days"):
        return format_timespan(parse_timespan(value))
    if isinstance(value, bool) or not isinstance(value, (int, float)) or name.lower() == "litigationholdduration":
        return value
    if kind == "timespan_days":
        return format_timespan(value * 86400)
    if kind == "timespan":
        return format_timespan(value)
    return value


def to_input_value(name, value):
    """A value as Get- shows it, in the form Set- takes and the comparison reads back as the same setting: exact
    sizes (``"49.5 GB (53,150,220,288 bytes)"`` -> ``50688MB``), ISO-8601 durations as ``d.hh:mm:ss``, an
    ``smtp:`` address without its prefix. Everything else is already a Set- form."""
    kind = kind_of(name, value, None)
    if isinstance(value, bool) or value is None:
        return value
    if kind == "size" and isinstance(value, str) and _bytes_from_display(value) is not None:
        count = _bytes_from_display(value)
        unit = next((u for u in ("tb", "gb", "mb", "kb") if count and count % _UNITS[u] == 0), "b")
        return "%d%s" % (count // _UNITS[unit], unit.upper())
    if kind in ("timespan", "timespan_days") and isinstance(value, str) and _ISO_DURATION.match(value):
        return format_timespan(parse_timespan(value))
    if kind == "address" and isinstance(value, str):
        return value.strip()[5:] if value.strip().lower().startswith("smtp:") else value
    return value


def _address(value):
    text = str(value).strip()
    if text.lower().startswith("smtp:"):
        text = text[5:]
    return text.lower() or None


def _proxy_address(value):
    """``SMTP:Primary@x`` and ``smtp:alias@x``: the prefix's case marks the primary, the address is case-free."""
    text = str(value).strip()
    if ":" in text:
        prefix, address = text.split(":", 1)
        return "%s:%s" % (prefix, address.lower())
    return "smtp:%s" % text.lower()


def _looks_like_size(value):
    return isinstance(value, str) and bool(_DISPLAY_SIZE.match(value) or _INPUT_SIZE.match(value))


def _looks_like_timespan(value):
    return isinstance(value, str) and bool(_TIMESPAN.match(value) or _ISO_DURATION.match(value))


def kind_of(name, current, desired):
    """The comparison kind of a property, from its name or the shape of either value."""
    known = KNOWN_KINDS.get(name.lower())
    if known:
        return known
    if name.lower() in TRISTATE:
        return "tristate"
    for value in (current, desired):
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, (list, tuple, set)):
            return "set"
        if _looks_like_size(value):
            return "size"
        if _looks_like_timespan(value):
            return "timespan_days"      # a number given for an unknown time span means days, as for the known ones
    if isinstance(current, str) and current.lower().startswith("smtp:"):
        return "address"
    if isinstance(current, (int, float)) or isinstance(desired, (int, float)):
        return "number"
    if any(isinstance(v, str) and (_GUID.match(v) or _ADDRESS.match(v)) for v in (current, desired)):
        return "name"               # a GUID or an address names an object: case is not significant
    return "text"


def _bool(value):
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower().lstrip("$")
    if text in ("true", "1", "yes"):
        return True
    if text in ("false", "0", "no"):
        return False
    raise NormalizeError("%r is not a boolean" % value)


def normalize(kind, value):
    """Canonical form of one value of ``kind``: equal canonical forms mean Exchange holds the same setting."""
    if kind in ("set", "proxy_addresses"):
        if value is None or value == "":
            return frozenset()
        items = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        convert = _proxy_address if kind == "proxy_addresses" else (lambda v: str(v).strip().lower())
        return frozenset(convert(v) for v in items if str(v).strip())
    if value is None or (isinstance(value, str) and not value.strip()):
        return None                                   # null and "" are the same absence
    if kind == "size":
        return parse_size(value)
    if kind == "timespan":
        return parse_timespan(value, int_unit=1)
    if kind == "timespan_days":
        return parse_timespan(value)
    if kind in ("bool", "tristate"):
        return _bool(value)
    if kind == "address":
        return _address(value)
    if kind in ("count", "number"):
        text = str(value).strip().lower()
        if text == UNLIMITED:
            return UNLIMITED
        try:
            number = float(text)
        except ValueError:
            raise NormalizeError("%r is not a number" % value)
        if math.isnan(number) or math.isinf(number):
            raise NormalizeError("%r is not a finite number" % value)
        return int(number) if number == int(number) else number
    if kind == "name":
        return str(value).strip().lower()           # Exchange resolves names and enums case-insensitively
    return str(value)                               # free text keeps its case: "CONTOSO ADMIN" is a change


def same(name, current, desired):
    """True when ``current`` (as Get- shows it) already holds ``desired`` (as Set- takes it)."""
    kind = kind_of(name, current, desired)
    try:
        current_norm = normalize(kind, current)
    except NormalizeError:
        current_norm = current          # an odd display value never equals a valid desired value by accident
    return current_norm == normalize(kind, desired)
