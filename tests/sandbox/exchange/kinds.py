"""Property value types: how a typed value is annotated and rendered on the wire, coerced from a
cmdlet parameter (``coerce(param, raw, current, org)``), and normalised for OPATH comparisons."""
from . import errors
from .values import (UNLIMITED, parse_bool, parse_size, parse_smtp_address, parse_timespan, render_datetime,
                     render_size, render_timespan)

GENERIC_HASH_TABLE = "#Exchange.GenericHashTable"


class Kind:
    """A plain string. Subclasses override what differs."""
    annotations = {}                    # suffix -> value, e.g. {"@data.type": "System.Guid"}
    nullable = False                    # may a parameter set it to null?
    is_list = False

    def render(self, value):
        return value

    def coerce(self, param, raw, current, org):
        if raw is None:
            if self.nullable:
                return None
            raise errors.null_argument(param)
        if isinstance(raw, (dict, list, bool)):
            raise errors.cannot_convert(param, raw, "System.String", "The value is not a string.")
        return str(raw)

    def filter_value(self, value):
        return None if value is None else str(self.render(value)).lower()

    def filter_literal(self, text):
        return text.lower()


class Text(Kind):
    def __init__(self, nullable=False):
        self.nullable = nullable


class Bool(Kind):
    def __init__(self, nullable=False):
        self.nullable = nullable        # tri-state: null means "follow the organisation setting"

    def coerce(self, param, raw, current, org):
        if raw is None and self.nullable:
            return None
        value = parse_bool(raw)
        if value is None:
            raise errors.cannot_convert(param, raw, "System.Boolean",
                                        "Boolean parameters accept only Boolean values and numbers.")
        return value


class Enum(Kind):
    def __init__(self, type_name, names, nullable=False):
        self.type_name = type_name
        self.names = tuple(names)
        self._by_lower = {n.lower(): n for n in names}
        self.nullable = nullable

    def coerce(self, param, raw, current, org):
        if raw is None and self.nullable:
            return None
        name = self._by_lower.get(str(raw).lower()) if isinstance(raw, str) else None
        if name is None:
            raise errors.bad_enum(param, raw, self.type_name, self.names)
        return name


class Guid(Kind):
    annotations = {"@data.type": "System.Guid", "@odata.type": "#Guid"}


class Int32(Kind):
    annotations = {"@data.type": "System.Int32"}

    def __init__(self, nullable=False, low=None, high=None):
        self.nullable = nullable
        self.low, self.high = low, high

    def coerce(self, param, raw, current, org):
        if raw is None and self.nullable:
            return None
        text = str(raw).strip() if isinstance(raw, (int, str)) and not isinstance(raw, bool) else ""
        if not text.lstrip("-").isdigit():
            raise errors.cannot_convert(param, raw, "System.Int32", "Input string was not in a correct format.")
        value = int(text)
        if (self.low is not None and value < self.low) or (self.high is not None and value > self.high):
            raise errors.validation(f"The value of property '{param}' must be between {self.low} and {self.high}.")
        return value


class DateTime(Kind):
    annotations = {"@data.type": "System.DateTime"}

    def __init__(self, utc_suffix):
        self.utc_suffix = utc_suffix

    def render(self, value):
        return render_datetime(value, self.utc_suffix)


class Size(Kind):
    """``Unlimited<ByteQuantifiedSize>``: bytes as int, or UNLIMITED."""
    TYPE = "Microsoft.Exchange.Data.Unlimited`1[Microsoft.Exchange.Data.ByteQuantifiedSize]"

    def render(self, value):
        return render_size(value)

    def coerce(self, param, raw, current, org):
        if raw is None:
            raise errors.null_argument(param)
        value = parse_size(raw)
        if value is None:
            raise errors.cannot_convert(param, raw, self.TYPE, f"The string '{raw}' isn't a valid ByteQuantifiedSize "
                                                               "value. Valid units are B, KB, MB, GB and TB.")
        return value

    def filter_value(self, value):
        return "unlimited" if value is UNLIMITED else value

    def filter_literal(self, text):
        value = parse_size(text)
        return "unlimited" if value is UNLIMITED else (text.lower() if value is None else value)


class TimeSpan(Kind):
    """Seconds, rendered ``d.hh:mm:ss``; ``max_days`` is the range the cmdlet validates."""

    def __init__(self, max_days=None):
        self.max_days = max_days

    def render(self, value):
        return render_timespan(value)

    def coerce(self, param, raw, current, org):
        if raw is None:
            raise errors.null_argument(param)
        seconds = parse_timespan(raw)
        if seconds is None:
            raise errors.cannot_convert(param, raw, "Microsoft.Exchange.Data.EnhancedTimeSpan",
                                        f"String '{raw}' was not recognized as a valid TimeSpan.")
        if self.max_days is not None and seconds > self.max_days * 86400:
            raise errors.validation(f"The value of property '{param}' must be between 00:00:00 and "
                                    f"{render_timespan(self.max_days * 86400)}.")
        return seconds


class HoldDuration(Kind):
    """LitigationHoldDuration: days (int) or UNLIMITED; input is integer days or ``unlimited``."""

    def render(self, value):
        return "Unlimited" if value is UNLIMITED else render_timespan(value * 86400)

    def coerce(self, param, raw, current, org):
        if isinstance(raw, str) and raw.strip().lower() == "unlimited":
            return UNLIMITED
        days = raw if isinstance(raw, int) and not isinstance(raw, bool) else None
        if isinstance(raw, str) and raw.strip().isdigit():
            days = int(raw)
        if days is None or days < 1:
            raise errors.cannot_convert(param, raw, "Microsoft.Exchange.Data.Unlimited`1[Microsoft.Exchange.Data."
                                                    "EnhancedTimeSpan]", "Specify a number of days or 'unlimited'.")
        return days


class Limit(Kind):
    """RecipientLimits: an int rendered as a **string** (``"500"``), or UNLIMITED."""

    def render(self, value):
        return "Unlimited" if value is UNLIMITED else str(value)

    def coerce(self, param, raw, current, org):
        if isinstance(raw, str) and raw.strip().lower() == "unlimited":
            return UNLIMITED
        text = str(raw).strip() if isinstance(raw, (int, str)) and not isinstance(raw, bool) else ""
        if not text.isdigit() or not 1 <= int(text) <= 1000:
            raise errors.cannot_convert(param, raw, "Microsoft.Exchange.Data.Unlimited`1[System.Int32]",
                                        "The value must be between 1 and 1000, or 'Unlimited'.")
        return int(text)


class SmtpAddress(Kind):
    """The bare address in state, prefixed on the wire: ForwardingSmtpAddress ``smtp:x@y`` (null
    clears), a contact's ExternalEmailAddress ``SMTP:x@y``."""

    def __init__(self, prefix="smtp", nullable=True):
        self.prefix = prefix
        self.nullable = nullable

    def render(self, value):
        return f"{self.prefix}:{value}"

    def coerce(self, param, raw, current, org):
        if raw is None:
            return Kind.coerce(self, param, raw, current, org)
        address = parse_smtp_address(raw)
        if address is None:
            raise errors.cannot_convert(param, raw, "Microsoft.Exchange.Data.ProxyAddress",
                                        f"The address '{raw}' is invalid.")
        return address

    def filter_value(self, value):
        return None if value is None else value.lower()

    def filter_literal(self, text):
        return text[5:].lower() if text[:5].lower() == "smtp:" else text.lower()


class RecipientRef(Kind):
    """A reference to another recipient (ForwardingAddress): any identity in, the recipient's name stored."""
    nullable = True

    def coerce(self, param, raw, current, org):
        if raw is None:
            return None
        return org.resolve_recipient(str(raw)).name


class StringList(Kind):
    """A multi-valued property stored as a tuple. Input: a full list, a single value, or a
    GenericHashTable with Add/Remove; null empties it. ``empty_as_null`` renders () as null
    (e.g. inbox rule ForwardTo) where Exchange does that instead of ``[]``."""
    annotations = {"@odata.type": "#Collection(String)"}
    is_list = True

    def __init__(self, item=None, empty_as_null=False):
        self.item = item                # Kind coercing each element, or None for plain strings
        self.empty_as_null = empty_as_null

    def render(self, value):
        return None if self.empty_as_null and not value else list(value)

    def filter_value(self, value):
        return [self.filter_literal(v) for v in value]

    def coerce(self, param, raw, current, org):
        if raw is None:
            return ()
        if isinstance(raw, dict):
            return self._apply_hash_table(param, raw, current, org)
        return self._dedupe(self._items(param, raw, org))

    def _items(self, param, raw, org):
        values = raw if isinstance(raw, list) else [raw]
        if self.item is None:
            return [Kind.coerce(self, param, v, None, org) for v in values]
        return [self.item.coerce(param, v, None, org) for v in values]

    def _apply_hash_table(self, param, table, current, org):
        keys = {k.lower(): v for k, v in table.items()}
        if keys.pop("@odata.type", None) != GENERIC_HASH_TABLE or set(keys) - {"add", "remove"}:
            raise errors.cannot_convert(param, "System.Collections.Hashtable", "System.Object[]",
                                        "Send a #Exchange.GenericHashTable with Add and/or Remove.")
        result = list(current)
        for value in self._items(param, keys.get("remove", []), org):
            result = [v for v in result if not self.same(v, value)]
        for value in self._items(param, keys.get("add", []), org):
            result = self.add(result, value)
        return tuple(result)

    def same(self, a, b):
        return a.lower() == b.lower()

    def add(self, items, value):
        return items if any(self.same(v, value) for v in items) else items + [value]

    def _dedupe(self, values):
        result = []
        for value in values:
            result = self.add(result, value)
        return tuple(result)


class ProxyAddresses(StringList):
    """EmailAddresses: ``SMTP:`` (upper-case) marks the one primary address; adding a new ``SMTP:``
    demotes the old primary. Addresses compare case-insensitively, ignoring the prefix case."""

    def _items(self, param, raw, org):
        values = raw if isinstance(raw, list) else [raw]
        return [self._proxy(param, v) for v in values]

    def _proxy(self, param, raw):
        if not isinstance(raw, str):
            raise errors.cannot_convert(param, raw, "Microsoft.Exchange.Data.ProxyAddress", "Not a string.")
        prefix, sep, address = raw.partition(":")
        if not sep:
            prefix, address = "smtp", raw
        if prefix.lower() == "smtp":
            if parse_smtp_address(address) is None:
                raise errors.cannot_convert(param, raw, "Microsoft.Exchange.Data.ProxyAddress",
                                            f"The address '{raw}' is invalid.")
            prefix = "SMTP" if prefix == "SMTP" else "smtp"
        return f"{prefix}:{address}"

    def same(self, a, b):
        return a.lower() == b.lower()

    def add(self, items, value):
        if not value.startswith("SMTP:"):
            return items if any(self.same(v, value) for v in items) else items + [value]
        demoted = ["smtp:" + v[5:] if v.startswith("SMTP:") else v for v in items]
        return [value] + [v for v in demoted if not self.same(v, value)]

    def filter_literal(self, text):
        return text[5:].lower() if text[:5].lower() == "smtp:" else text.lower()
