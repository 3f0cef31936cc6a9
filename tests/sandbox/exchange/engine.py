"""``ExchangeTenant``: one customer's Exchange organisation and the single entry point the HTTP glue
and the admin API use (``invoke``, ``snapshot``). Callers hold the store lock around every call."""
import random
import uuid

from . import config_objects, errors, organization, permissions, recipients, schemas  # noqa: F401 (register the cmdlets)  pylint: disable=unused-import
from .cmdlets import REGISTRY, Call, CmdletResult
from .directory import Directory
from .generate import GENERATION_EPOCH
from .model import AcceptedDomain, AdminAuditLogConfig, OrganizationConfig, Schema
from .paging import Cursors
from .seeding import populate
from .values import new_guid

SITES = ("EURPR", "NAMPR", "APCPR", "GBRPR", "AUSPR", "CANPR")

# noun -> (schema, objects of the organisation) for admin snapshots
SNAPSHOTS = {
    "mailbox": (schemas.MAILBOX, lambda org: org.mailboxes),
    "casmailbox": (schemas.CAS_MAILBOX, lambda org: org.mailboxes),
    "mailboxauditbypassassociation": (schemas.AUDIT_BYPASS, lambda org: org.mailboxes),
    "mailcontact": (schemas.MAIL_CONTACT, lambda org: org.contacts),
    "organizationconfig": (schemas.ORGANIZATION_CONFIG, lambda org: [org.organization]),
    "adminauditlogconfig": (schemas.ADMIN_AUDIT_LOG_CONFIG, lambda org: [org.admin_audit_log_config]),
    "accepteddomain": (schemas.ACCEPTED_DOMAIN, lambda org: org.accepted_domains),
    "inboxrule": (schemas.INBOX_RULE, lambda org: [r for m in org.mailboxes for r in m.inbox_rules]),
    "mailboxpermission": (schemas.MAILBOX_PERMISSION, lambda org: [p for m in org.mailboxes for p in m.permissions]),
    **config_objects.SNAPSHOTS,
}


class ExchangeTenant:
    def __init__(self, tenant, rng):
        self.tenant_id = tenant.id
        self.initial_domain = tenant.initial_domain
        self.default_domain = tenant.default_domain
        self.rng = random.Random(rng.getrandbits(64))      # GUIDs of objects created by cmdlets
        site = f"{rng.choice(SITES)}{rng.randrange(1, 10):02d}A{rng.randrange(1, 1000):03d}"
        self.dc = f"{site}DC{rng.randrange(1, 20):03d}.{site}.PROD.OUTLOOK.COM"
        self.dn_suffix = (f"OU={self.initial_domain},OU=Microsoft Exchange Hosted Organizations,"
                          f"DC={site},DC=PROD,DC=OUTLOOK,DC=COM")
        self.organization = OrganizationConfig(
            name=self.initial_domain, display_name=tenant.display_name, guid=new_guid(rng),
            dn_suffix=self.dn_suffix, when_changed=GENERATION_EPOCH - 200 * 86400)
        # Not drawn from ``rng``: adding this object must not move the seeded GUIDs of everything after it.
        self.admin_audit_log_config = AdminAuditLogConfig(
            guid=str(uuid.uuid5(uuid.NAMESPACE_URL, f"admin-audit-log/{tenant.id}")), dn_suffix=self.dn_suffix,
            when_changed=GENERATION_EPOCH - 200 * 86400)
        self.accepted_domains = [
            AcceptedDomain(name=d.name, default=d.is_default, initial_domain=d.is_initial, guid=new_guid(rng),
                           dn_suffix=self.dn_suffix, when_changed=GENERATION_EPOCH - 500 * 86400)
            for d in tenant.domains]
        self.accepted_domain_names = {d.name.lower() for d in tenant.domains}
        self.mailboxes = []
        self.contacts = []
        self.defender_for_office = True       # licence: Defender for Office 365 (Plan 1) parameters allowed
        self.dkim_cnames_missing = set()       # domains whose DKIM CNAME records are not published in DNS
        self.config = config_objects.initial_config(self, GENERATION_EPOCH - 500 * 86400)
        self.directory = Directory()
        self.cursors = Cursors()

    @classmethod
    def from_seed(cls, tenant, seed, rng):
        """The organisation of ``tenant`` from its seed's ``exchange:`` section (see seeding.py)."""
        org = cls(tenant, rng)
        populate(org, seed, rng)
        return org

    @staticmethod
    def is_write(cmdlet: str) -> bool:
        command = REGISTRY.get(str(cmdlet).lower())
        return command.write if command else not str(cmdlet).lower().startswith("get-")

    def invoke(self, cmdlet, parameters, select=None, now=0.0, replication_lag_s=0.0) -> CmdletResult:
        """Run a cmdlet; raises ``errors.CmdletError``. ``now`` is epoch seconds (stored whole, as AD does)."""
        command = REGISTRY.get(str(cmdlet).lower())
        if command is None:
            raise errors.unknown_cmdlet(cmdlet)
        bound = command.bind(parameters)
        return command.run(Call(self, float(int(now)), replication_lag_s), bound).select(select)

    def snapshot(self, noun) -> list:
        """Every object of ``noun`` (e.g. ``Mailbox``) as plain rows without annotations."""
        schema, objects = SNAPSHOTS[noun.lower()]
        return [Schema.plain(obj, schema.props) for obj in objects(self)]

    def add_mailbox(self, mailbox):
        self.mailboxes.append(mailbox)
        self.directory.add(mailbox)

    def add_contact(self, contact):
        self.contacts.append(contact)
        self.directory.add(contact)

    def remove_contact(self, contact):
        self.contacts.remove(contact)
        self.directory.remove(contact)
