"""Value formats of contract §6: sizes, TimeSpans, DateTimes, GUIDs, bools."""
import random
import re

import pytest

from tests.sandbox.exchange.values import (GB, KB, MB, UNLIMITED, at_most, new_guid, parse_bool, parse_size,
                                           parse_smtp_address, parse_timespan, render_datetime, render_size,
                                           render_timespan)


@pytest.mark.parametrize("size, shown", [
    (int(49.5 * GB), "49.5 GB (53,150,220,288 bytes)"),
    (99 * GB, "99 GB (106,300,440,576 bytes)"),
    (100 * GB, "100 GB (107,374,182,400 bytes)"),
    (98 * GB, "98 GB (105,226,698,752 bytes)"),
    (30 * GB, "30 GB (32,212,254,720 bytes)"),
    (256 * KB, "256 KB (262,144 bytes)"),
    (35 * MB, "35 MB (36,700,160 bytes)"),
    (3402, "3.322 KB (3,402 bytes)"),
    (512, "512 B (512 bytes)"),
    (UNLIMITED, "Unlimited"),
])
def test_sizes_render_as_exchange_shows_them(size, shown):
    assert render_size(size) == shown


@pytest.mark.parametrize("text, size", [
    ("49GB", 49 * GB), ("49.5GB", int(49.5 * GB)), ("500MB", 500 * MB), ("500 mb", 500 * MB), ("2TB", 2 * 1024 * GB),
    ("1024", 1024), (1024, 1024), ("unlimited", UNLIMITED), ("Unlimited", UNLIMITED),
    ("49.5 GB (53,150,220,288 bytes)", 53150220288),
])
def test_size_input_forms(text, size):
    assert parse_size(text) == size


@pytest.mark.parametrize("text", ["49XB", "GB", "", "-1", True, None, [1], -5])
def test_bad_size_input_is_refused(text):
    assert parse_size(text) is None


def test_unlimited_is_above_every_size():
    assert at_most(5, UNLIMITED) and at_most(UNLIMITED, UNLIMITED)
    assert not at_most(UNLIMITED, 5 * GB) and at_most(4, 5) and not at_most(6, 5)


@pytest.mark.parametrize("seconds, shown", [(14 * 86400, "14.00:00:00"), (6 * 3600, "06:00:00"), (0, "00:00:00"),
                                            (90 * 86400 + 3661, "90.01:01:01")])
def test_timespans_use_the_dotnet_constant_format(seconds, shown):
    assert render_timespan(seconds) == shown
    assert parse_timespan(shown) == seconds


@pytest.mark.parametrize("text, seconds", [("30.00:00:00", 30 * 86400), ("30", 30 * 86400), ("1:30", 5400)])
def test_timespan_input_forms(text, seconds):
    assert parse_timespan(text) == seconds


@pytest.mark.parametrize("text", ["14 days", "25:00:00", "1.2.3", "", 14, None])
def test_bad_timespans_are_refused(text):
    assert parse_timespan(text) is None


def test_datetimes_have_seven_fraction_digits_and_an_offset_or_z():
    assert render_datetime(1712739382.0, utc_suffix=False) == "2024-04-10T08:56:22.0000000+00:00"
    assert render_datetime(1712739382.0, utc_suffix=True) == "2024-04-10T08:56:22.0000000Z"
    assert render_datetime(1712739382.5, utc_suffix=True) == "2024-04-10T08:56:22.5000000Z"


def test_guids_are_reproducible_version_4_strings():
    first, again = new_guid(random.Random(3)), new_guid(random.Random(3))
    assert first == again
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", first)


def test_smtp_addresses_and_bools():
    assert parse_smtp_address("smtp:x@fabrikam.com") == "x@fabrikam.com"
    assert parse_smtp_address("x@fabrikam.com") == "x@fabrikam.com"
    assert parse_smtp_address("not an address") is None
    assert [parse_bool(v) for v in (True, "True", "$false", "false", "yes", 1)] == [True, True, False, False, None, None]
