"""The ``exchange:`` seed section: explicit mailboxes in Set-* input forms, generated tenants (deterministic,
varied, fast), organisation overrides, contacts, and loud errors for bad seeds."""
import collections
import random

import pytest

from .exchange_org import SEED, build, contoso_tenant, one
from tests.sandbox.exchange.engine import ExchangeTenant
from tests.sandbox.exchange.values import UNLIMITED, ZERO_GUID


def test_explicit_mailboxes_use_default_domain_primary_and_initial_alias():
    org = build()
    row = one(org, "Get-Mailbox", Identity="asmith")
    assert row["EmailAddresses"] == ["SMTP:asmith@contoso.com", "smtp:asmith@contoso.onmicrosoft.com"]
    assert row["DisplayName"] == "Anna Smith" and row["RecipientTypeDetails"] == "UserMailbox"
    assert one(org, "Get-Mailbox", Identity="sales")["RecipientTypeDetails"] == "SharedMailbox"
    assert one(org, "Get-MailContact", Identity="vendor@fabrikam.com")["Name"] == "Vendor"


def test_generation_is_deterministic_and_tenant_specific():
    first, again = build(rng_seed=1), build(rng_seed=99)
    generated = [(m.alias, m.guid, m.prohibit_send_quota, m.forwarding_smtp_address) for m in first.mailboxes[3:]]
    assert generated == [(m.alias, m.guid, m.prohibit_send_quota, m.forwarding_smtp_address) for m in again.mailboxes[3:]]
    other_tenant = contoso_tenant()
    other_tenant.id = "22222222-2222-2222-2222-999999999999"
    other = ExchangeTenant.from_seed(other_tenant, SEED, random.Random(1))
    assert [m.guid for m in other.mailboxes[3:]] != [m.guid for m in first.mailboxes[3:]]


def test_ten_thousand_mailboxes_are_varied():
    # Generation speed is a benchmark figure (python -m tests.sandbox.bench), not a timed test.
    org = build({"mailboxes": [{"generate": {"count": 10000, "seed": 7}}]})
    boxes = org.mailboxes
    assert len(boxes) == 10000 and len({m.alias for m in boxes}) == 10000 and len({m.guid for m in boxes}) == 10000
    kinds = collections.Counter(m.recipient_type_details for m in boxes)
    assert 700 < kinds["SharedMailbox"] < 1300
    assert collections.Counter(m.smtp_client_authentication_disabled for m in boxes).keys() == {None, True, False}
    assert sum(m.prohibit_send_quota is UNLIMITED for m in boxes) > 100
    assert len({m.prohibit_send_quota for m in boxes}) >= 4
    assert sum(m.forwarding_smtp_address is not None for m in boxes) > 50
    assert sum(m.forwarding_address is not None for m in boxes) > 50
    assert sum(m.archive_guid != ZERO_GUID for m in boxes) > 1000
    assert sum(m.litigation_hold_enabled for m in boxes) > 200
    assert sum(bool(m.inbox_rules) for m in boxes) > 100
    assert len({m.retain_deleted_items_for for m in boxes}) == 2
    assert all(m.email_addresses == (f"SMTP:{m.alias}@contoso.com", f"smtp:{m.alias}@contoso.onmicrosoft.com")
               for m in boxes[:50])
    assert one(org, "Get-Mailbox", Identity=boxes[9999].user_principal_name)["Guid"] == boxes[9999].guid


def test_generated_rows_render_every_kind_of_value():
    org = build({"mailboxes": [{"generate": {"count": 300, "seed": 1}}]})
    shown = {r["ProhibitSendQuota"] for r in org.snapshot("Mailbox")}
    assert {"Unlimited", "99 GB (106,300,440,576 bytes)", "49.5 GB (53,150,220,288 bytes)"} <= shown
    forwarded = [r["ForwardingSmtpAddress"] for r in org.snapshot("Mailbox") if r["ForwardingSmtpAddress"]]
    assert forwarded and all(f.startswith("smtp:") for f in forwarded)


def test_organization_overrides_and_empty_seed():
    org = build({"organization": {"FocusedInboxOn": "false", "CustomerLockboxEnabled": True}})
    row = one(org, "Get-OrganizationConfig")
    assert row["FocusedInboxOn"] is False and row["CustomerLockboxEnabled"] is True and row["IsDehydrated"] is False
    assert build({}).mailboxes == [] and build({"mailboxes": None}).contacts == []


@pytest.mark.parametrize("seed, text", [
    ({"mailbox": []}, "unknown keys"),
    ({"mailboxes": [{"DisplayName": "no alias"}]}, "without alias"),
    ({"mailboxes": [{"alias": "x", "ProhibitSendQuota": "lots"}]}, "isn't a valid ByteQuantifiedSize"),
    ({"mailboxes": [{"alias": "x", "Colour": "red"}]}, "'Colour' is not a stored property"),
    ({"mailboxes": [{"alias": "x", "PrimarySmtpAddress": "x@contoso.com"}]}, "not a stored property"),
    ({"mailboxes": [{"generate": {"count": 5, "colour": 1}}]}, "unknown options"),
    ({"mailboxes": [{"alias": "x", "permissions": [{"User": "ghost", "AccessRights": ["FullAccess"]}]}]}, "ghost"),
    ({"organization": {"FocusedInboxOn": "maybe"}}, "Boolean"),
])
def test_bad_seeds_fail_loudly(seed, text):
    with pytest.raises(ValueError, match=text):
        build(seed)
