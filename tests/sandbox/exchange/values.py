"""Typed Exchange values and their wire forms (contract §6): ByteQuantifiedSize, TimeSpan, DateTime.

State holds plain Python values (bytes as int, seconds as int, epoch floats); the display strings
exist only on output. Parsers return ``None`` for input they do not understand so the caller can raise
the error the real cmdlet raises.
"""
import re
import time
from functools import lru_cache


class _Unlimited:
    """The ``Unlimited`` of Exchange's ``Unlimited<T>`` values."""
    __slots__ = ()

    def __repr__(self):
        return "UNLIMITED"


UNLIMITED = _Unlimited()


def new_guid(rng) -> str:
    """A version-4 GUID string from a seeded ``random.Random`` (reproducible tenants)."""
    h = "%032x" % rng.getrandbits(128)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{'89ab'[int(h[16], 16) & 3]}{h[17:20]}-{h[20:]}"


def at_most(value, limit) -> bool:
    """``value <= limit`` for Unlimited<T> values (Unlimited is above every number)."""
    return limit is UNLIMITED or (value is not UNLIMITED and value <= limit)


ZERO_GUID = "00000000-0000-0000-0000-000000000000"

KB, MB, GB, TB = 1024, 1024 ** 2, 1024 ** 3, 1024 ** 4
_UNITS = (("TB", TB), ("GB", GB), ("MB", MB), ("KB", KB))
_UNIT_BYTES = {"B": 1, "KB": KB, "MB": MB, "GB": GB, "TB": TB}
_SIZE_INPUT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB)?\s*(?:\(\s*([\d,]+)\s*bytes\s*\))?\s*$", re.I)


@lru_cache(maxsize=4096)
def render_size(value) -> str:
    """``53150220288`` -> ``"49.5 GB (53,150,220,288 bytes)"``: largest binary unit with a value >= 1,
    up to 3 decimals without trailing zeros (contract §6 display rule)."""
    if value is UNLIMITED:
        return "Unlimited"
    for unit, factor in _UNITS:
        if value >= factor:
            number = f"{value / factor:.3f}".rstrip("0").rstrip(".")
            return f"{number} {unit} ({value:,} bytes)"
    return f"{value} B ({value:,} bytes)"


def parse_size(text):
    """Set-* input (``49.5GB``, ``500MB``, ``1024``, ``unlimited``, or a rendered size) -> bytes or UNLIMITED."""
    if isinstance(text, bool):
        return None
    if isinstance(text, int):
        return text if text >= 0 else None
    if not isinstance(text, str):
        return None
    if text.strip().lower() == "unlimited":
        return UNLIMITED
    match = _SIZE_INPUT.match(text)
    if not match:
        return None
    number, unit, exact = match.groups()
    if exact:
        return int(exact.replace(",", ""))
    return int(round(float(number) * _UNIT_BYTES[(unit or "B").upper()]))


def render_timespan(seconds: int) -> str:
    """.NET TimeSpan "c" format: ``14.00:00:00``, ``06:00:00``."""
    days, rest = divmod(int(seconds), 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    clock = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{days}.{clock}" if days else clock


_TIMESPAN_INPUT = re.compile(r"^\s*(?:(\d+)\.)?(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?\s*$")


def parse_timespan(text):
    """``dd.hh:mm:ss``, ``hh:mm[:ss]`` or a bare day count (``"30"``, as TimeSpan.Parse reads it) -> seconds."""
    if isinstance(text, str) and text.strip().isdigit():
        return int(text) * 86400
    if not isinstance(text, str):
        return None
    match = _TIMESPAN_INPUT.match(text)
    if not match:
        return None
    days, hours, minutes, secs = (int(g or 0) for g in match.groups())
    if hours > 23 or minutes > 59 or secs > 59:
        return None
    return ((days * 24 + hours) * 60 + minutes) * 60 + secs


def render_datetime(epoch: float, utc_suffix: bool) -> str:
    """``2024-04-10T08:56:22.0000000+00:00`` (WhenChanged) or ``...Z`` (WhenChangedUTC): 7 fraction digits."""
    whole = int(epoch)
    ticks = int(round((epoch - whole) * 10_000_000))
    if ticks == 10_000_000:
        whole, ticks = whole + 1, 0
    stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole))
    return f"{stamp}.{ticks:07d}" + ("Z" if utc_suffix else "+00:00")


_SMTP_ADDRESS = re.compile(r"^[^@\s:]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$")


def parse_smtp_address(text):
    """``x@y.com`` or ``smtp:x@y.com`` -> ``x@y.com``; None when it is not an address."""
    if not isinstance(text, str):
        return None
    address = text[5:] if text[:5].lower() == "smtp:" else text
    return address if _SMTP_ADDRESS.match(address) else None


def parse_bool(value):
    """JSON bools, and the strings PowerShell binds to bools (``True``, ``$false``); None otherwise."""
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower().lstrip("$")
        if word in ("true", "false"):
            return word == "true"
    return None
