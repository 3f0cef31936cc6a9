"""The ``exchange:`` section of a tenant's YAML seed turned into organisation state.

```yaml
exchange:
  organization: {IsDehydrated: true, FocusedInboxOn: false}      # OrganizationConfig properties
  mailboxes:
    - {alias: jdoe, DisplayName: John Doe, ProhibitSendQuota: 49.5GB, ImapEnabled: false,
       type: Shared, archive: true, inbox_rules: [{Name: fwd, ForwardTo: [x@fabrikam.com]}],
       permissions: [{User: asmith, AccessRights: [FullAccess]}]}
    - {generate: {count: 5000, seed: 7, shared_ratio: 0.1}}     # see generate.OPTIONS
  contacts:
    - {Name: Vendor, ExternalEmailAddress: vendor@fabrikam.com}
  config:                               # configuration objects, through their own cmdlets
    TransportConfig: {SmtpClientAuthenticationDisabled: false}     # a singleton: Set- values
    RemoteDomain: [{Name: Default, AutoForwardEnabled: true}, {Name: partner, DomainName: partner.example}]
    TransportRule: [{Name: Tag external, FromScope: NotInOrganization, PrependSubject: "[EXT] ", Enabled: false}]
  defender_for_office: false            # no Defender for Office 365 licence (default true)
  dkim_cnames_missing: [contoso.com]    # DKIM CNAMEs not published in DNS
```
Property values take the forms Set-* accepts (``49.5GB``, ``unlimited``, ``30.00:00:00``, days), so a
seed reads like the cmdlets a partner would run. Errors raise ValueError naming the entry.
"""
from . import errors, schemas
from .cmdlets import REGISTRY, Call
from .config_objects import BY_NAME, NOUNS
from .directory import identity_keys
from .generate import GENERATION_EPOCH, generate_mailboxes
from .model import InboxRule, Mailbox, OrganizationConfig
from .recipients import MAILBOX_SUBTYPES
from .values import new_guid

MAILBOX_SCHEMAS = (schemas.MAILBOX, schemas.CAS_MAILBOX, schemas.AUDIT_BYPASS)
EXPLICIT_KEYS = {"alias", "name", "type", "archive", "inbox_rules", "permissions"}


def populate(org, seed, rng):
    seed = seed or {}
    unknown = set(seed) - {"organization", "mailboxes", "contacts", "config", "defender_for_office",
                           "dkim_cnames_missing"}
    if unknown:
        raise ValueError(f"exchange seed: unknown keys {sorted(unknown)}")
    call = Call(org, GENERATION_EPOCH, 0.0)
    org.dkim_cnames_missing = {d.lower() for d in seed.get("dkim_cnames_missing") or []}
    _configure(call, seed.get("config") or {})
    org.defender_for_office = bool(seed.get("defender_for_office", True))
    _assign(call, org.organization, seed.get("organization") or {}, (schemas.ORGANIZATION_CONFIG,),
            OrganizationConfig, "organization")
    permissions = []
    for entry in seed.get("mailboxes") or []:
        if "generate" in entry:
            for mailbox in generate_mailboxes(org, entry["generate"] or {}, rng):
                org.add_mailbox(mailbox)
        else:
            mailbox = _explicit_mailbox(call, org, entry, rng)
            permissions += [(mailbox, p) for p in entry.get("permissions") or []]
    for mailbox, permission in permissions:
        _run(call, "Add-MailboxPermission", {"Identity": mailbox.name, **permission}, f"mailbox {mailbox.alias}")
    for contact in seed.get("contacts") or []:
        _run(call, "New-MailContact", contact, f"contact {contact}")


def _configure(call, config):
    """Configuration objects: an existing one (or a singleton) gets Set-, a new one New- with what New- takes and
    Set- for the rest."""
    for noun_name, entries in config.items():
        noun = BY_NAME.get(noun_name.lower())
        if noun is None:
            raise ValueError(f"exchange seed: config noun {noun_name} is not one of {sorted(n.name for n in NOUNS)}")
        if noun.singleton:
            _run(call, f"Set-{noun.name}", dict(entries), f"config {noun.name}")
            continue
        for entry in entries:
            name = entry.get(noun.create_name) or entry.get("Name")
            existing = {o.name.lower() for o in call.org.config[noun.name.lower()]}
            where = f"config {noun.name} {name}"
            rest = dict(entry)
            if str(name).lower() not in existing:
                takes = {p.lower() for p in noun.new_parameters()}
                created = {k: v for k, v in entry.items() if k.lower() in takes}
                rest = {k: v for k, v in entry.items() if k.lower() not in takes}
                _run(call, f"New-{noun.name}", created, where)
            if rest:
                _run(call, f"Set-{noun.name}", dict(rest, Identity=name), where)


def _run(call, cmdlet, parameters, where):
    try:
        command = REGISTRY[cmdlet.lower()]
        command.run(call, command.bind(parameters))
    except errors.CmdletError as error:
        raise ValueError(f"exchange seed, {where}: {error.text}") from error


def _explicit_mailbox(call, org, entry, rng):
    alias = entry.get("alias")
    if not alias:
        raise ValueError(f"exchange seed: mailbox without alias: {entry}")
    primary = f"{alias}@{org.default_domain}"
    addresses = (f"SMTP:{primary}",) + (() if org.default_domain == org.initial_domain
                                        else (f"smtp:{alias}@{org.initial_domain}",))
    mailbox = Mailbox(name=entry.get("name", alias), alias=alias, display_name=entry.get("name", alias),
                      guid=new_guid(rng), exchange_guid=new_guid(rng), external_directory_object_id=new_guid(rng),
                      user_principal_name=primary, email_addresses=addresses, dn_suffix=org.dn_suffix,
                      when_created=GENERATION_EPOCH - 400 * 86400, when_changed=GENERATION_EPOCH - 30 * 86400)
    if entry.get("archive"):
        mailbox.archive_guid = new_guid(rng)
    if "type" in entry:
        mailbox.recipient_type_details = MAILBOX_SUBTYPES[_coerce(call, schemas.MAILBOX_TYPE, "Type", entry["type"],
                                                                  None, alias)]
    org.add_mailbox(mailbox)            # before its properties, which may name it (GrantSendOnBehalfTo)
    properties = {k: v for k, v in entry.items() if k.lower() not in EXPLICIT_KEYS}
    old_keys = identity_keys(mailbox)
    _assign(call, mailbox, properties, MAILBOX_SCHEMAS, Mailbox, f"mailbox {alias}")
    org.directory.reindex(mailbox, old_keys)
    mailbox.inbox_rules = tuple(_inbox_rule(call, mailbox, rule, index, rng)
                                for index, rule in enumerate(entry.get("inbox_rules") or []))
    return mailbox


def _inbox_rule(call, mailbox, values, index, rng):
    rule = InboxRule(mailbox_owner_id=mailbox.name, rule_identity=str(rng.getrandbits(63)), priority=index + 1)
    _assign(call, rule, values, (schemas.INBOX_RULE,), InboxRule, f"inbox rule of {mailbox.alias}")
    return rule


def _assign(call, obj, values, schema_list, record_type, where):
    """Set stored properties (any the schemas show, settable or not) from Set-* style input."""
    for key, raw in values.items():
        prop = next((s.by_lower[key.lower()] for s in schema_list if key.lower() in s.by_lower), None)
        if prop is None or prop.attr not in record_type.DEFAULTS:
            raise ValueError(f"exchange seed, {where}: '{key}' is not a stored property")
        setattr(obj, prop.attr, _coerce(call, prop.kind, prop.name, raw, getattr(obj, prop.attr), where))


def _coerce(call, kind, name, raw, current, where):
    try:
        return kind.coerce(name, raw, current, call)
    except errors.CmdletError as error:
        raise ValueError(f"exchange seed, {where}: {error.text}") from error
