"""Deterministic mailbox generation for ``{generate: {count: N, ...}}`` seed entries: realistic, varied
values (plans with different quotas, some Unlimited, archives, forwarding, litigation holds, tri-state
SMTP AUTH, forwarding inbox rules) at well under a second for 10,000 mailboxes."""
import random

from .model import InboxRule, Mailbox
from .values import GB, UNLIMITED, new_guid

GENERATION_EPOCH = 1735689600.0     # 2025-01-01T00:00:00Z: generated timestamps lie before it
OPTIONS = {"count": None, "seed": None, "shared_ratio": 0.1, "archive_ratio": 0.2, "forwarding_ratio": 0.05,
           "litigation_hold_ratio": 0.05, "unlimited_quota_ratio": 0.03, "inbox_rule_ratio": 0.03}
FIRST_NAMES = ("adele", "alex", "amara", "ben", "carla", "chen", "dana", "diego", "elena", "emma", "farah", "felix",
               "grace", "hana", "ivan", "jonas", "julia", "kai", "lena", "liam", "maya", "marco", "nadia", "noah",
               "olga", "omar", "paula", "priya", "quinn", "rafael", "sara", "sven", "tara", "tomas", "uma", "victor",
               "wen", "xavier", "yara", "zoe")
LAST_NAMES = ("adams", "berg", "costa", "dubois", "eriksen", "fischer", "garcia", "hansen", "ito", "jansen", "kim",
              "larsen", "meyer", "novak", "okafor", "patel", "quist", "rossi", "schmidt", "tanaka", "ueda", "vargas",
              "weber", "xu", "yilmaz", "zimmer", "brown", "clark", "evans", "moreau")
SHARED_NAMES = ("info", "sales", "support", "billing", "hr", "reception", "marketing", "accounts", "helpdesk", "office")
EXTERNAL_DOMAINS = ("gmail.com", "outlook.com", "fabrikam.com", "example.net")
# (ProhibitSendQuota, ProhibitSendReceiveQuota, IssueWarningQuota) of the 100 GB, 50 GB and 2 GB plans.
PLANS = ((99 * GB, 100 * GB, 98 * GB), (int(49.5 * GB), 50 * GB, 49 * GB), (int(1.97 * GB), 2 * GB, int(1.9 * GB)))
PLAN_WEIGHTS = (70, 25, 5)
UNLIMITED_PLAN = (UNLIMITED, UNLIMITED, UNLIMITED)


def generate_mailboxes(org, options, rng):
    """Yield ``count`` mailboxes for ``org``; ``options`` as in OPTIONS (unknown keys are a seed error)."""
    unknown = set(options) - set(OPTIONS)
    if unknown or not isinstance(options.get("count"), int):
        raise ValueError(f"exchange generate: needs an int 'count'; unknown options {sorted(unknown)}")
    settings = {**OPTIONS, **options}
    if settings["seed"] is not None:
        rng = random.Random(f"{settings['seed']}:{org.tenant_id}")
    taken = {m.alias.lower() for m in org.mailboxes}
    previous = None
    for index in range(settings["count"]):
        shared = rng.random() < settings["shared_ratio"]
        mailbox = _mailbox(org, rng, settings, shared, _alias(rng, shared, taken, index))
        if previous is not None and rng.random() < settings["forwarding_ratio"] / 2:
            mailbox.forwarding_address = previous.name
        previous = mailbox
        yield mailbox


def _alias(rng, shared, taken, index):
    base = rng.choice(SHARED_NAMES) if shared else f"{rng.choice(FIRST_NAMES)}.{rng.choice(LAST_NAMES)}"
    alias = base if base not in taken else f"{base}{index}"
    taken.add(alias)
    return alias


def _mailbox(org, rng, settings, shared, alias):
    created = GENERATION_EPOCH - rng.randrange(86400, 5 * 365 * 86400)
    display = " ".join(part.capitalize() for part in alias.rstrip("0123456789").split("."))
    primary = f"{alias}@{org.default_domain}"
    addresses = (f"SMTP:{primary}",) if org.default_domain == org.initial_domain else (
        f"SMTP:{primary}", f"smtp:{alias}@{org.initial_domain}")
    roll = rng.random
    if roll() < settings["unlimited_quota_ratio"]:
        plan = UNLIMITED_PLAN
    else:
        plan = PLANS[1] if shared else rng.choices(PLANS, PLAN_WEIGHTS)[0]
    mailbox = Mailbox(
        name=alias, alias=alias, display_name=display, guid=new_guid(rng), exchange_guid=new_guid(rng),
        external_directory_object_id=new_guid(rng), user_principal_name=primary, email_addresses=addresses,
        recipient_type_details="SharedMailbox" if shared else "UserMailbox", dn_suffix=org.dn_suffix,
        prohibit_send_quota=plan[0], prohibit_send_receive_quota=plan[1], issue_warning_quota=plan[2],
        retain_deleted_items_for=(30 if roll() < 0.2 else 14) * 86400,
        hidden_from_address_lists_enabled=shared and roll() < 0.3,
        when_created=created, when_changed=created + rng.randrange(0, int(GENERATION_EPOCH - created)),
        smtp_client_authentication_disabled=_smtp_auth(roll()),
        imap_enabled=roll() >= 0.1, pop_enabled=roll() >= 0.15, audit_bypass_enabled=roll() < 0.01)
    if roll() < settings["archive_ratio"]:
        mailbox.archive_guid = new_guid(rng)
        mailbox.auto_expanding_archive_enabled = roll() < 0.3
    if roll() < settings["litigation_hold_ratio"]:
        mailbox.litigation_hold_enabled = True
        mailbox.litigation_hold_duration = rng.choice((UNLIMITED, 365, 2555))
        mailbox.litigation_hold_date = mailbox.when_changed
        mailbox.litigation_hold_owner = f"admin@{org.initial_domain}"
        mailbox.recoverable_items_quota, mailbox.recoverable_items_warning_quota = 100 * GB, 90 * GB
    if roll() < settings["forwarding_ratio"] / 2:
        mailbox.forwarding_smtp_address = f"{alias.replace('.', '')}@{rng.choice(EXTERNAL_DOMAINS)}"
        mailbox.deliver_to_mailbox_and_forward = roll() < 0.5
    if roll() < settings["inbox_rule_ratio"]:
        mailbox.inbox_rules = (_forwarding_rule(rng, mailbox),)
    return mailbox


def _smtp_auth(draw):
    """Tri-state SMTP AUTH: mostly null (follow the organisation), some disabled, a few enabled."""
    return None if draw < 0.8 else (True if draw < 0.95 else False)


def _forwarding_rule(rng, mailbox):
    target = f"{mailbox.alias.replace('.', '')}@{rng.choice(EXTERNAL_DOMAINS)}"
    return InboxRule(mailbox_owner_id=mailbox.name, rule_identity=str(rng.getrandbits(63)),
                     name="Forward to personal", forward_to=(f'"{target}" [SMTP:{target}]',),
                     description=f"If the message:\r\n\tthe message was received from anyone\r\nTake the following "
                                 f"actions:\r\n\tforward the message to '{target}'\r\n")
