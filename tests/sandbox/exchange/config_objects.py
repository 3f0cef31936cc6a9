"""Configuration objects with a lifecycle (New-/Set-/Remove-, Enable-/Disable- for rules) and two singletons, as
one table of nouns over generic cmdlets. Where Get- and Set-/New- disagree, the sandbox disagrees the same way
(``shared/exo-baselines.md`` §4): rules show ``State`` but only ``New-`` takes ``-Enabled`` (Set- has no such
parameter: Enable-/Disable-*Rule change it); policies show ``IsDefault`` and take the switch ``-MakeDefault``;
``New-RemoteDomain`` takes only Name and DomainName; ``New-DkimSigningConfig`` takes ``DomainName`` (no Name) and
``KeySize``, which Set- refuses; Defender-only anti-phish parameters are access denied on tenants without the
licence; a dehydrated organisation refuses policy and rule writes until Enable-OrganizationCustomization."""
import uuid

from . import config_schemas as cs
from . import errors
from .cmdlets import REGISTRY, Cmdlet, CmdletResult, apply_settings, coerce_settings, listing, takes
from .model import Record
from .organization import DEHYDRATED
from .values import MB, ZERO_GUID, new_guid

ALREADY_EXISTS = "Microsoft.Exchange.Configuration.Tasks.ADObjectAlreadyExistsException"
ACCESS_DENIED = "Microsoft.Exchange.Configuration.Tasks.CmdletAccessDeniedException"
_RECORD_PROPERTIES = ("identity", "distinguished_name", "when_changed_utc")


def record_type(schema, defaults):
    """A Record class holding every property ``schema`` shows (lists default to empty)."""
    slots = {p.attr: (() if p.kind.is_list else None) for p in schema.props if p.attr not in _RECORD_PROPERTIES}
    slots.update(name="", guid=ZERO_GUID, when_changed=0.0, when_created=0.0, visible_from=0.0)
    slots.update(defaults)
    return type(schema.noun, (Record,), {"DEFAULTS": slots, "__slots__": tuple(slots)})


class Noun:
    """One noun: its schema and record type, what New- takes, and which Exchange rules its writes follow."""

    def __init__(self, schema, defaults, singleton=False, new=None, create_name="Name", new_extra=(),
                 licensed=(), customization=False, rule=False, default_switch=False, seeded=()):
        self.schema = schema
        self.name = schema.noun
        self.record = record_type(schema, defaults)
        self.singleton = singleton
        self.new = new                      # settable properties New- takes ("all", a tuple, or None: no New/Remove)
        self.create_name = create_name      # the parameter naming the new object
        self.new_extra = tuple(new_extra)   # parameters only New- takes
        self.licensed = frozenset(p.lower() for p in licensed)
        self.customization = customization  # refused on a dehydrated organisation
        self.rule = rule                    # State, shown; Enabled on New-; Enable-/Disable-
        self.default_switch = default_switch
        self.seeded = seeded                # names of the objects every organisation starts with

    def new_parameters(self):
        settable = [p.name for p in self.schema.settable.values()] if self.new == "all" else list(self.new or ())
        names = [self.create_name, *settable, *self.new_extra]
        return names + (["Enabled"] if self.rule else []) + (["MakeDefault"] if self.default_switch else [])


NOUNS = [
    Noun(cs.REMOTE_DOMAIN, {"domain_name": "*", "is_internal": False, "auto_forward_enabled": True,
                            "auto_reply_enabled": True, "delivery_report_enabled": True, "ndr_enabled": True,
                            "meeting_forward_notification_enabled": False, "allowed_oof_type": "External"},
         new=(), new_extra=("DomainName",), seeded=("Default",)),
    Noun(cs.TRANSPORT_CONFIG, {"name": "Transport Settings", "smtp_client_authentication_disabled": False,
                               "max_send_size": 150 * MB, "max_receive_size": 150 * MB,
                               "reply_all_storm_protection_enabled": True, "message_expiration": 86400},
         singleton=True),
    Noun(cs.SHARING_POLICY, {"domains": ("Anonymous:CalendarSharingFreeBusyReviewer",
                                         "*:CalendarSharingFreeBusySimple"), "enabled": True, "default": False},
         new=("Domains", "Enabled"), new_extra=("Default",), seeded=("Default Sharing Policy",)),
    Noun(cs.TRANSPORT_RULE, {"state": "Enabled", "priority": 0, "mode": "Enforce",
                             "sender_address_location": "Header", "stop_rule_processing": False},
         new="all", rule=True, customization=True),
    Noun(cs.DKIM_SIGNING_CONFIG, {"enabled": False, "status": "Disabled", "selector1_key_size": 2048,
                                  "selector2_key_size": 2048, "body_canonicalization": "Relaxed",
                                  "header_canonicalization": "Relaxed", "admin_display_name": ""},
         new=("Enabled", "BodyCanonicalization", "HeaderCanonicalization", "AdminDisplayName"),
         create_name="DomainName", new_extra=("KeySize",)),
    Noun(cs.HOSTED_OUTBOUND_SPAM_FILTER_POLICY, {
        "is_default": False, "auto_forwarding_mode": "Automatic", "bcc_suspicious_outbound_mail": False,
        "notify_outbound_spam": False, "recipient_limit_external_per_hour": 500,
        "recipient_limit_internal_per_hour": 1000, "recipient_limit_per_day": 1000,
        "action_when_threshold_reached": "BlockUserForToday"},
        new="all", default_switch=True, customization=True, seeded=("Default",)),
    Noun(cs.EXTERNAL_IN_OUTLOOK, {"enabled": False}, singleton=True),
    Noun(cs.ANTI_PHISH_POLICY, {
        "is_default": False, "enabled": True, "phish_threshold_level": 1, "enable_spoof_intelligence": True,
        "enable_first_contact_safety_tips": False, "enable_unauthenticated_sender": True, "enable_via_tag": True,
        "enable_mailbox_intelligence": True, "authentication_fail_action": "MoveToJmf",
        **{name: False for name in ("enable_mailbox_intelligence_protection", "enable_organization_domains_protection",
                                    "enable_targeted_user_protection", "enable_targeted_domains_protection",
                                    "enable_similar_users_safety_tips", "enable_similar_domains_safety_tips",
                                    "enable_unusual_characters_safety_tips")},
        "targeted_user_protection_action": "NoAction"},
        new="all", default_switch=True, customization=True, licensed=cs.DEFENDER_ONLY,
        seeded=("Office365 AntiPhish Default",)),
    Noun(cs.ANTI_PHISH_RULE, {"state": "Enabled", "priority": 0}, new="all", rule=True, customization=True),
]
BY_NAME = {noun.name.lower(): noun for noun in NOUNS}
SNAPSHOTS = {key: (noun.schema, (lambda org, key=key: org.config[key])) for key, noun in BY_NAME.items()}


def seeded_guid(org, noun, name):
    """Not drawn from the seeded rng: adding these objects must not move the GUIDs of everything else."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"{noun.lower()}/{org.tenant_id}/{name.lower()}"))


def initial_config(org, when):
    """The objects every organisation starts with: the Default remote domain, transport settings, the default
    sharing, outbound spam and anti-phish policies, external tagging (off) and DKIM for the initial domain."""
    config = {key: [] for key in BY_NAME}
    for key, noun in BY_NAME.items():
        names = [noun.record.DEFAULTS["name"] or org.initial_domain] if noun.singleton else noun.seeded
        for name in names:
            config[key].append(noun.record(name=name, guid=seeded_guid(org, key, name), when_changed=when,
                                           when_created=when))
    for policy in config["hostedoutboundspamfilterpolicy"] + config["antiphishpolicy"]:
        policy.is_default = True
    config["sharingpolicy"][0].default = True
    config["dkimsigningconfig"].append(_dkim(org, org.initial_domain, 2048, when, guid=seeded_guid(
        org, "dkimsigningconfig", org.initial_domain), enabled=True))
    return config


def _dkim(org, domain, key_size, when, guid, enabled=False):
    label = domain.replace(".", "-")
    config = BY_NAME["dkimsigningconfig"].record(
        name=domain, domain=domain, guid=guid, when_changed=when, when_created=when,
        selector1_cname=f"selector1-{label}._domainkey.{org.initial_domain}",
        selector2_cname=f"selector2-{label}._domainkey.{org.initial_domain}",
        selector1_key_size=key_size, selector2_key_size=key_size)
    _set_dkim_enabled(org, config, enabled)
    return config


def _set_dkim_enabled(org, config, enabled):
    config.enabled = enabled
    published = config.name.lower() not in org.dkim_cnames_missing
    config.status = "Disabled" if not enabled else ("Valid" if published else "CnameMissing")


# -- generic cmdlets ----------------------------------------------------------------------------------------------

def _objects(call, noun):
    return [o for o in call.org.config[noun.name.lower()] if o.visible_from <= call.now]


def _find(call, noun, identity):
    if noun.singleton and identity is None:
        return call.org.config[noun.name.lower()][0]
    wanted = str(identity).strip().lower()
    for obj in _objects(call, noun):
        if wanted in (obj.name.lower(), obj.guid) or noun.singleton:
            return obj
    raise errors.not_found(str(identity), call.org.dc)


def _guard(call, noun, cmdlet, params):
    """The refusals every write of ``noun`` shares: a dehydrated organisation, parameters outside the licence."""
    if noun.customization and call.org.organization.is_dehydrated:
        raise errors.validation("This operation is not available in current Microsoft 365 plan. To enable this "
                                "operation, run Enable-OrganizationCustomization first.", DEHYDRATED)
    if not call.org.defender_for_office:
        for key in params:
            if key in noun.licensed:
                raise errors.CmdletError(403, ACCESS_DENIED, f"The \"{noun.schema.by_lower[key].name}\" parameter "
                                         f"can't be used on the \"{cmdlet}\" cmdlet because it isn't present in the "
                                         "role definition for the current user. Check the management roles assigned "
                                         "to you, and try again.")


def _check_name(call, noun, name, obj=None):
    if noun.rule and len(name) > 64:
        raise errors.validation(f"The length of the property is too long. The maximum length is 64 and the length "
                                f"of the value provided is {len(name)}.")
    if any(o.name.lower() == name.lower() and o is not obj for o in call.org.config[noun.name.lower()]):
        raise errors.validation(f"A {noun.name} with the name \"{name}\" already exists.", ALREADY_EXISTS)


def _reorder(call, noun, obj, priority):
    """Rules keep priorities 0..n-1: placing one at ``priority`` moves the others down."""
    rules = sorted((o for o in call.org.config[noun.name.lower()] if o is not obj), key=lambda o: o.priority)
    if priority is None:
        priority = len(rules)
    if not 0 <= priority <= len(rules):
        raise errors.validation(f"The value of Priority must be between 0 and {len(rules)}.")
    rules.insert(priority, obj)
    for index, rule in enumerate(rules):
        rule.priority = index


def _make_default(call, noun, obj, params):
    if "makedefault" in params and cs.kinds.Bool().coerce("MakeDefault", params["makedefault"], None, call):
        for other in call.org.config[noun.name.lower()]:
            other.is_default = other is obj


def _special(call, noun, obj, params, changes, creating=False):
    """Per-noun checks and side effects of New-/Set- values (before they are applied)."""
    if noun.name == "AntiPhishRule" and "antiphishpolicy" in params:
        policy = _find(call, BY_NAME["antiphishpolicy"], params["antiphishpolicy"])
        changes["anti_phish_policy"] = policy.name
    if noun.name == "SharingPolicy":
        for entry in changes.get("domains", ()):
            domain, sep, actions = entry.partition(":")
            if not sep or not domain or not actions:
                raise errors.cannot_convert("Domains", entry, "Microsoft.Exchange.Data.Directory.SharingPolicyDomain",
                                            "The value must look like 'domain:action[,action]'.")
    if noun.name == "DkimSigningConfig" and not creating and changes.get("enabled") and not obj.enabled \
            and obj.name.lower() in call.org.dkim_cnames_missing:
        raise errors.validation(f"CNAME record does not exist for this config. Please publish the following two "
                                f"CNAME records first. Domain Name : {obj.name} Host Name : selector1._domainkey "
                                f"Points to address or value: {obj.selector1_cname} Domain Name : {obj.name} Host "
                                f"Name : selector2._domainkey Points to address or value: {obj.selector2_cname}.")


def _get(noun):
    def run(call, params):
        if noun.singleton or params.get("identity") is not None:
            return CmdletResult([_find(call, noun, params.get("identity"))], noun.schema)
        return listing(call, _objects(call, noun), params, noun.schema, noun.record)
    return run


def _set(noun, cmdlet):
    def run(call, params):
        _guard(call, noun, cmdlet, params)
        obj = _find(call, noun, params.get("identity"))
        changes = coerce_settings(call, obj, params, noun.schema)
        if "name" in changes:
            _check_name(call, noun, changes["name"], obj)
        _special(call, noun, obj, params, changes)
        if noun.rule and "priority" in changes:
            _reorder(call, noun, obj, changes.pop("priority"))
        if noun.name == "DkimSigningConfig" and "enabled" in changes:
            enabled = changes.pop("enabled")
            if enabled != obj.enabled:
                _set_dkim_enabled(call.org, obj, enabled)
                obj.when_changed = call.now
                return apply_settings(call, obj, changes) if changes else CmdletResult()
        _make_default(call, noun, obj, params)
        if noun.name == "SharingPolicy" and cs.BOOL.coerce("Default", params.get("default", False), None, call):
            for other in call.org.config["sharingpolicy"]:
                other.default = other is obj
        return apply_settings(call, obj, changes)
    return run


def _new(noun, cmdlet):
    def run(call, params):
        _guard(call, noun, cmdlet, params)
        org = call.org
        name = cs.TEXT.coerce(noun.create_name, params[noun.create_name.lower()], None, call).strip()
        if noun.name == "DkimSigningConfig":
            if name.lower() not in org.accepted_domain_names:
                raise errors.validation(f"The domain \"{name}\" isn't an accepted domain for your organization.")
            if any(c.name.lower() == name.lower() for c in org.config["dkimsigningconfig"]):
                raise errors.validation(f"A DKIM signing configuration for the domain \"{name}\" already exists.",
                                        ALREADY_EXISTS)
            key_size = cs.INT32.coerce("KeySize", params.get("keysize", 2048), None, call)
            if key_size not in (1024, 2048):
                raise errors.validation("The value of KeySize must be 1024 or 2048.")
            obj = _dkim(org, name, key_size, call.now, new_guid(org.rng))
        else:
            _check_name(call, noun, name)
            obj = noun.record(name=name, guid=new_guid(org.rng), when_created=call.now, when_changed=call.now)
        changes = coerce_settings(call, obj, params, noun.schema)
        _special(call, noun, obj, params, changes, creating=True)
        if noun.name == "RemoteDomain":
            obj.domain_name = cs.TEXT.coerce("DomainName", params.get("domainname"), None, call)
        if noun.name == "SharingPolicy" and "default" in params:
            obj.default = cs.BOOL.coerce("Default", params["default"], None, call)
        if noun.name == "DkimSigningConfig" and "enabled" in changes:
            # Whether New- with -Enabled succeeds before the CNAMEs exist is unverified (exo-baselines §6); CIPP
            # sends it, so it is accepted here and the status shows the missing records.
            _set_dkim_enabled(org, obj, changes.pop("enabled"))
        if noun.rule:
            obj.state = "Enabled" if cs.BOOL.coerce("Enabled", params.get("enabled", True), None, call) else "Disabled"
        priority = changes.pop("priority", None)
        for attr, value in changes.items():
            setattr(obj, attr, value)
        obj.visible_from = call.now + call.replication_lag_s
        org.config[noun.name.lower()].append(obj)
        if noun.rule:
            _reorder(call, noun, obj, priority)
        _make_default(call, noun, obj, params)
        return CmdletResult([obj], noun.schema)
    return run


def _remove(noun, cmdlet):
    def run(call, params):
        _guard(call, noun, cmdlet, params)
        obj = _find(call, noun, params["identity"])
        if getattr(obj, "is_default", False) or getattr(obj, "default", False) or \
                (noun.name == "RemoteDomain" and obj.name.lower() == "default"):
            # Sandbox assumption (removing a default object is unverified, exo-baselines §6): refused.
            raise errors.validation(f"The default {noun.name} \"{obj.name}\" can't be removed.")
        objects = call.org.config[noun.name.lower()]
        objects.remove(obj)
        if noun.rule:
            for index, rule in enumerate(sorted(objects, key=lambda o: o.priority)):
                rule.priority = index
        return CmdletResult()
    return run


def _switch_state(noun, cmdlet, state):
    def run(call, params):
        _guard(call, noun, cmdlet, params)
        obj = _find(call, noun, params["identity"])
        if obj.state != state:
            obj.state = state
            obj.when_changed = call.now
        return CmdletResult()
    return run


def _register(name, run, parameters, mandatory=()):
    """One generic cmdlet of the noun table, with the parameters Exchange Online's cmdlet of that name takes
    (the table is shared by nouns whose cmdlets differ: Get-SharingPolicy has no -Filter, Set-AntiPhishPolicy no
    -Name)."""
    REGISTRY[name.lower()] = Cmdlet(name, run, [p for p in parameters if takes(name, p)], mandatory)


def register_all():
    for noun in NOUNS:
        settable = [p.name for p in noun.schema.settable.values()]
        _register(f"Get-{noun.name}", _get(noun), ("Identity",) if noun.singleton else
                  ("Identity", "Filter", "ResultSize"))
        set_params = ["Identity", *settable] + (["MakeDefault"] if noun.default_switch else []) + \
            (["Default"] if noun.name == "SharingPolicy" else [])
        _register(f"Set-{noun.name}", _set(noun, f"Set-{noun.name}"), set_params,
                  () if noun.singleton else ("Identity",))
        if noun.new is None:
            continue
        _register(f"New-{noun.name}", _new(noun, f"New-{noun.name}"), noun.new_parameters(),
                  (noun.create_name, "AntiPhishPolicy") if noun.name == "AntiPhishRule" else
                  (noun.create_name, "DomainName") if noun.name == "RemoteDomain" else (noun.create_name,))
        _register(f"Remove-{noun.name}", _remove(noun, f"Remove-{noun.name}"), ("Identity",), ("Identity",))
        if noun.rule:
            for verb, state in (("Enable", "Enabled"), ("Disable", "Disabled")):
                _register(f"{verb}-{noun.name}", _switch_state(noun, f"{verb}-{noun.name}", state), ("Identity",),
                          ("Identity",))


register_all()
