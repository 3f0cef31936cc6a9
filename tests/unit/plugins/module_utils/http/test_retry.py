import email.utils
import random

import pytest

from ansible_collections.csp.exchange.plugins.module_utils.exchange.cmdlets import is_idempotent, is_read_only
from ansible_collections.csp.exchange.plugins.module_utils.http.retry import RetryPolicy, parse_retry_after


@pytest.mark.parametrize("value,expected", [
    ("2", 2.0), ("2.128", 2.128), (" 0.5 ", 0.5), ("0", 0.0), ("-3", 0.0),
    (None, None), ("", None), ("soon", None), ("nan", None), ("inf", None),
])
def test_parse_retry_after_seconds(value, expected):
    assert parse_retry_after(value) == expected


def test_parse_retry_after_http_date_is_relative_to_now():
    now = 1_800_000_000.0
    header = email.utils.formatdate(now + 30, usegmt=True)
    assert parse_retry_after(header, now=now) == pytest.approx(30.0)
    past = email.utils.formatdate(now - 30, usegmt=True)
    assert parse_retry_after(past, now=now) == 0.0


@pytest.mark.parametrize("cmdlet,params,expected", [
    ("Get-Mailbox", {}, True),
    ("Test-OAuthConnectivity", {}, True),
    ("Set-Mailbox", {"Identity": "a", "ProhibitSendQuota": "49GB"}, True),
    ("Set-Mailbox", {"Identity": "a", "EmailAddresses": {"@odata.type": "#Exchange.GenericHashTable", "Add": "smtp:x@y"}}, False),
    ("Set-Mailbox", {"Identity": "a", "GrantSendOnBehalfTo": {"remove": "b"}}, False),
    ("New-MailContact", {"Name": "x"}, False),
    ("Add-MailboxPermission", {}, False),
    ("Remove-MailContact", {}, False),
    ("Enable-OrganizationCustomization", {}, False),
    ("Disable-Mailbox", {}, False),
    ("Frobnicate-Thing", {}, False),
])
def test_idempotency_rules(cmdlet, params, expected):
    assert is_idempotent(cmdlet, params) is expected


def test_read_only_verbs():
    assert is_read_only("Get-Mailbox") and is_read_only("search-UnifiedAuditLog")
    assert not is_read_only("Set-Mailbox") and not is_read_only("New-MailContact")


def test_backoff_grows_with_jitter_and_is_capped():
    policy = RetryPolicy(max_retries=20, base_delay=0.5, max_delay=8.0, max_total_wait=1e9, rng=random.Random(1))
    delays = [policy.delay(n) for n in range(1, 10)]
    for n, d in enumerate(delays, start=1):
        ceiling = min(8.0, 0.5 * 2 ** (n - 1))
        assert ceiling / 2 <= d <= ceiling
    assert max(delays) <= 8.0
    # jitter: two policies with different seeds disagree
    other = RetryPolicy(rng=random.Random(2))
    assert [other.delay(3) for dummy in range(3)] != [policy.delay(3) for dummy in range(3)]


def test_retry_after_is_honoured_not_shortened():
    policy = RetryPolicy(rng=random.Random(0))
    for dummy in range(50):
        wait = policy.delay(1, retry_after=2.5)
        assert 2.5 <= wait <= 2.5 + 0.3


def test_attempt_and_total_wait_caps():
    policy = RetryPolicy(max_retries=3, base_delay=1, max_delay=1, max_total_wait=10, rng=random.Random(0))
    assert policy.next_wait(3, 0) is not None
    assert policy.next_wait(4, 0) is None          # attempts spent
    assert policy.next_wait(1, 9.9, retry_after=5) is None   # would exceed the total wait budget
