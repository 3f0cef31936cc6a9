#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: exo_settings
short_description: Desired state for Exchange Online objects that have a Get-X/Set-X pair
version_added: 0.1.0
description:
  - Reads every object of a type (or those matching O(identity) or O(filter)) in bulk, compares the desired
    O(settings) after normalising Exchange's value formats, and writes only the differing properties of the
    differing objects, ten to a C($batch) request with bounded concurrency.
  - Normalisation makes C("49.5 GB (53,150,220,288 bytes)") equal C(49.5GB), C(Unlimited) equal C(unlimited),
    C("14.00:00:00") equal C(14) days (a number given for any time span means days), C(smtp:) prefixes and case
    irrelevant where Exchange ignores them (enums, names, addresses), and V(null) equal an empty list or string.
    Free text such as C(DisplayName) or C(CustomAttribute1) is compared exactly, case included. Tri-state
    settings such as C(SmtpClientAuthenticationDisabled) keep V(null) distinct from V(false).
  - Members of recipient-valued properties (C(GrantSendOnBehalfTo), C(ForwardingAddress), ...) may be given in
    any identity form; they are resolved with C(Get-Recipient) to the names Exchange shows before comparing.
  - Listed identities are resolved as Exchange resolves C(-Identity), and two forms of one object (an alias and
    an address) read and write it once.
  - A failed object is reported in RV(failed_identities) while the others are applied; the task then fails.
  - Every property of O(settings) (and C(-Filter) when O(filter) is given) is checked against Microsoft's cmdlet
    reference for Exchange Online, shipped with the collection, before any request, in check mode too. A property
    C(Set-X) does not take fails the task with the nearest valid names. A noun whose cmdlets the reference does
    not know is sent unchecked (with a warning in check mode).
  - With O(rules), a whole baseline for the tenant runs in one task, with one token. The rules' reads run
    concurrently; rules of one noun share one read when each reads every object or filters with C(-eq)/C(-ne)
    comparisons of C(RecipientTypeDetails) or C(RecipientType) (the service gets the filters joined by C(-or),
    each row goes to the rules it meets). The writes of all rules go through the same C($batch) requests. Two
    rules setting one property of one object to different values fail the task before any write.
options:
  object:
    description:
      - The noun of the Get-/Set- pair, for example C(Mailbox), C(CASMailbox), C(OrganizationConfig),
        C(MailboxAuditBypassAssociation).
      - Required unless O(rules) is given.
    type: str
  identity:
    description:
      - One identity or a list of identities to manage. Omitted for singletons such as C(OrganizationConfig).
    type: list
    elements: str
  filter:
    description:
      - An OPATH filter selecting the objects (for example C(RecipientTypeDetails -eq 'SharedMailbox')).
      - With neither O(identity) nor O(filter), every object of the type is covered.
    type: str
  settings:
    description:
      - Desired values by property name, in the form the Set- cmdlet takes (C(49GB), C(unlimited), C(30) days,
        V(true), V(null) to clear).
      - >-
        A list-valued property takes a list (the full set), or C({add: [...]}) / C({remove: [...]}) to manage
        only some members.
      - Required with O(object), unless O(plan) is given.
    type: dict
  plan:
    description:
      - Apply a reviewed plan exactly - the RV(changes) a check-mode run of this task returned, a list of
        C({identity, before, after}) (plus C(rule) with O(rules)). It takes the place of O(settings); with O(rules),
        each item names its rule (which gives the noun) and the rules' O(rules[].settings) are not used for writing.
      - Per item only the listed properties of that identity are read and written, and only where the object's
        current value still equals C(before) (compared as O(settings) are). A property already holding C(after) is
        done and not written, so a plan applied twice writes nothing the second time. One holding neither is
        stale - not written, returned in RV(stale) - and the task fails after applying the rest.
      - Drift the plan does not list is left alone. O(max_changes) counts the objects that would be written.
      - C(playbooks/plan.yml) and C(playbooks/apply_plan.yml) make and apply plans for the baseline.
    type: list
    elements: dict
  rules:
    description:
      - Several rules for the tenant, planned together and written together; mutually exclusive with O(object),
        O(identity), O(filter) and O(settings).
      - Results come back per rule in RV(rules), in the given order.
    type: list
    elements: dict
    suboptions:
      name:
        description: The rule's name, unique in the list; it keys RV(rules) and marks each item of RV(changes).
        type: str
        required: true
      object:
        description: The noun, as O(object).
        type: str
        required: true
      identity:
        description: Identities, as O(identity).
        type: list
        elements: str
      filter:
        description: An OPATH filter, as O(filter).
        type: str
      settings:
        description:
          - Desired values, as O(settings). Required unless O(plan) is given.
        type: dict
  max_changes:
    description:
      - Fail before writing anything when more objects than this would change (a guard against a wrong filter).
      - With O(rules), the distinct objects changed over all rules are counted.
    type: int
  concurrency:
    description:
      - C($batch) requests in flight at once. Exchange limits concurrent requests per tenant.
    type: int
    default: 4
extends_documentation_fragment:
  - csp.exchange.auth
  - csp.exchange.journal
  - csp.exchange.attributes
  - csp.exchange.attributes.in_process
  - csp.exchange.attributes.actiongroup_auth
attributes:
  check_mode:
    support: full
    details: Reads only and reports what would change.
  diff_mode:
    support: full
    details: Shows the differing properties before and after, per object.
  platform:
    platforms: all
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
- name: Quotas and single item recovery for every user mailbox
  csp.exchange.exo_settings:
    tenant: "{{ tenant_id }}"
    object: Mailbox
    filter: "RecipientTypeDetails -eq 'UserMailbox'"
    settings:
      ProhibitSendQuota: 49GB
      ProhibitSendReceiveQuota: 50GB
      SingleItemRecoveryEnabled: true
    max_changes: 500

- name: Organisation settings
  csp.exchange.exo_settings:
    tenant: "{{ tenant_id }}"
    object: OrganizationConfig
    settings:
      AuditDisabled: false
      OAuth2ClientProfileEnabled: true

- name: Block legacy protocols on one mailbox, add an audit action
  csp.exchange.exo_settings:
    tenant: "{{ tenant_id }}"
    object: CASMailbox
    identity: jdoe@contoso.com
    settings:
      IMAPEnabled: false
      POPEnabled: false

- name: A whole baseline in one task
  csp.exchange.exo_settings:
    tenant: "{{ tenant_id }}"
    rules:
      - name: organization
        object: OrganizationConfig
        settings:
          AuditDisabled: false
      - name: user_mailboxes
        object: Mailbox
        filter: "RecipientTypeDetails -eq 'UserMailbox'"
        settings:
          SingleItemRecoveryEnabled: true
      - name: shared_mailboxes
        object: Mailbox
        filter: "RecipientTypeDetails -eq 'SharedMailbox'"
        settings:
          MessageCopyForSentAsEnabled: true
    max_changes: 500
"""

RETURN = r"""
matched:
  description: Number of objects read and compared.
  returned: success
  type: int
changes:
  description:
    - The objects that differed, with only the differing properties before and after.
    - With O(rules), over all rules, each item also carrying C(rule), the rule's name.
  returned: success
  type: list
  elements: dict
  sample: [{identity: jdoe, before: {ProhibitSendQuota: "99 GB (106,300,440,576 bytes)"}, after: {ProhibitSendQuota: 49GB}}]
failed_identities:
  description:
    - Objects that could not be read or written, as C({identity, stage, reason}) with stage C(read) or C(write).
    - With O(rules), each item also carries C(rule).
  returned: always
  type: list
  elements: dict
stale:
  description:
    - With O(plan), the planned properties that hold neither the planned C(before) nor C(after) value any more,
      as C({identity, property, planned, expected, current}) (plus C(rule)), C(planned) being the plan's
      C(after) and C(expected) its C(before). They were not written; the task fails when there is any.
  returned: when O(plan) is given
  type: list
  elements: dict
  sample: [{identity: jdoe, property: ProhibitSendQuota, planned: 49GB, expected: "99 GB (106,300,440,576 bytes)",
            current: "20 GB (21,474,836,480 bytes)"}]
done:
  description: With O(plan), how many planned properties already held their C(after) value and were not written.
  returned: when O(plan) is given
  type: int
rules:
  description:
    - With O(rules), one entry per rule in the given order, C({name, object, matched, changes, failed_identities})
      with C(changes) and C(failed_identities) as above for that rule alone.
  returned: when O(rules) is given
  type: list
  elements: dict
  sample: [{name: user_mailboxes, object: Mailbox, matched: 20, changes: [], failed_identities: []}]
"""

from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.module import JOURNAL_ARGSPEC, CspModule
from ansible_collections.csp.exchange.plugins.module_utils.exchange.parameter_check import check_settings
from ansible_collections.csp.exchange.plugins.module_utils.exchange.settings import SettingsRun, parse_settings
from ansible_collections.csp.exchange.plugins.module_utils.exchange.rules import RulesRun
from ansible_collections.csp.exchange.plugins.module_utils.exchange.plan import PlanRun

MODULE_NAME = "csp.exchange.exo_settings"

SINGLE_RULE_OPTIONS = ("object", "identity", "filter", "settings")
NOUN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def check_noun(noun):
    if not noun or not set(noun) <= NOUN_CHARS or not noun[0].isalpha():
        raise InvalidInputError("object %r must be the noun of a Get-/Set- cmdlet pair, such as Mailbox." % noun)


def diff(items):
    return dict(before=dict((key, c.before) for key, c in items), after=dict((key, c.after) for key, c in items))


def too_many(count, what, module):
    return InvalidInputError("%d %s would change in tenant %s, more than max_changes (%d), so nothing was written; "
                             "check the filter and settings, or raise max_changes."
                             % (count, what, module.tenant, module.params["max_changes"]))


def fail_if_any(module, failed, total, what, result):
    if failed:
        module.fail("%d of %d %s in tenant %s could not be read or changed (the others were %s); first: %s"
                    % (len(failed), total, what, module.tenant, "checked" if module.check_mode else "applied",
                       failed[0]["reason"]), **result)


def one_rule(module):
    p = module.params
    noun = p["object"]
    check_noun(noun)
    desired = parse_settings(p["settings"])
    check_settings(noun, p["settings"], p["filter"], module.warn, module.check_mode)
    client = module.exchange()
    run = SettingsRun(client, noun, desired, identities=p["identity"], opath_filter=p["filter"],
                      concurrency=p["concurrency"])
    changes = run.plan()
    if p["max_changes"] is not None and len(changes) > p["max_changes"]:
        raise too_many(len(changes), "%s objects" % noun, module)
    applied = changes if module.check_mode else run.apply(changes, module.open_journal(MODULE_NAME, client))
    result = dict(changed=bool(applied), matched=run.matched, changes=[c.as_dict() for c in applied],
                  failed_identities=run.failed)
    if module._diff:
        result["diff"] = diff([(c.identity, c) for c in applied])
    unread = sum(1 for f in run.failed if f["stage"] == "read")
    fail_if_any(module, run.failed, run.matched + unread, "%s objects" % noun, result)
    return result


def many_rules(module):
    p = module.params
    for rule in p["rules"]:
        check_noun(rule["object"])
        if not rule.get("settings"):
            raise InvalidInputError("rule %s needs settings (only with plan may rules go without)." % rule["name"])
        try:
            check_settings(rule["object"], rule["settings"], rule.get("filter"), module.warn, module.check_mode)
        except InvalidInputError as exc:
            raise InvalidInputError("rule %s: %s" % (rule["name"], exc.message))
    client = module.exchange()
    run = RulesRun(client, p["rules"], concurrency=p["concurrency"])
    planned = run.plan()
    count = run.objects(planned)
    if p["max_changes"] is not None and count > p["max_changes"]:
        raise too_many(count, "objects (over all rules)", module)
    applied = planned if module.check_mode else run.apply(planned, module.open_journal(MODULE_NAME, client))
    per_rule = []
    for rule in run.rules:
        per_rule.append(dict(name=rule.name, object=rule.run.noun, matched=rule.run.matched,
                             changes=[c.as_dict() for r, c in applied if r is rule],
                             failed_identities=rule.run.failed))
    failed = [dict(f, rule=r["name"]) for r in per_rule for f in r["failed_identities"]]
    result = dict(changed=bool(applied), matched=sum(r["matched"] for r in per_rule),
                  changes=[dict(c.as_dict(), rule=r.name) for r, c in applied], failed_identities=failed,
                  rules=per_rule)
    if module._diff:
        result["diff"] = diff([("%s: %s" % (r.name, c.identity), c) for r, c in applied])
    unread = sum(1 for f in failed if f["stage"] == "read")
    fail_if_any(module, failed, result["matched"] + unread, "objects (over %d rules)" % len(per_rule), result)
    return result


def plan_nouns(module):
    """``noun_of(where, rule)`` for the plan's items: the rule's noun with rules, else object."""
    p = module.params
    if p["rules"] is None:
        check_noun(p["object"])

        def single(where, rule):
            if rule is not None:
                raise InvalidInputError("%s names rule %r, but this task has no rules; give the task the rules the "
                                        "plan was made with, or drop rule from the items." % (where, rule))
            return p["object"]
        return single
    nouns = {}
    for rule in p["rules"]:
        check_noun(rule["object"])
        nouns[rule["name"]] = rule["object"]

    def by_rule(where, rule):
        if rule not in nouns:
            raise InvalidInputError("%s names rule %r, which is not among this task's rules (%s)."
                                    % (where, rule, ", ".join(sorted(nouns))))
        return nouns[rule]
    return by_rule


def planned(module):
    """Apply the plan exactly (``plan.py``): what still holds ``before`` is written, stale items are reported."""
    p = module.params
    client = module.exchange()
    run = PlanRun(client, p["plan"], plan_nouns(module), concurrency=p["concurrency"])
    for item in run.items:
        try:
            check_settings(item.noun, dict((name, after.value) for name, dummy, after in item.properties), None,
                           module.warn, module.check_mode)
        except InvalidInputError as exc:
            raise InvalidInputError("%s (%s): %s" % (item.where, item.label(), exc.message))
    changes = run.plan()
    if p["max_changes"] is not None and run.objects() > p["max_changes"]:
        raise too_many(run.objects(), "planned objects", module)
    applied = changes if module.check_mode else run.apply(changes, module.open_journal(MODULE_NAME, client))
    items = [dict(change.as_dict(), **({"rule": item.rule} if item.rule else {})) for item, change in applied]
    result = dict(changed=bool(applied), matched=run.matched, changes=items, failed_identities=run.failed,
                  stale=run.stale, done=run.done)
    if p["rules"] is not None:
        result["rules"] = [dict(name=rule["name"], object=rule["object"],
                                matched=sum(1 for i in run.items if i.rule == rule["name"]),
                                changes=[c for c in items if c.get("rule") == rule["name"]],
                                failed_identities=[f for f in run.failed if f.get("rule") == rule["name"]])
                           for rule in p["rules"]]
    if module._diff:
        result["diff"] = diff([(("%s: " % item.rule if item.rule else "") + str(change.identity), change)
                               for item, change in applied])
    fail_if_any(module, run.failed, len(run.items), "planned objects", result)
    if run.stale:
        first = run.stale[0]
        module.fail("%d planned propert%s in tenant %s changed since the plan was made and %s not written (the rest "
                    "of the plan was %s); first: %s of %s is %s, the plan expected %s. Make a new plan."
                    % (len(run.stale), "y" if len(run.stale) == 1 else "ies", module.tenant,
                       "was" if len(run.stale) == 1 else "were", "checked" if module.check_mode else "applied",
                       first["property"], first["identity"], _shown(first["current"]), _shown(first["expected"])),
                    **result)
    return result


def _shown(value):
    return "null" if value is None else repr(value)


def main_logic(module):
    if module.params["max_changes"] is not None and module.params["max_changes"] < 0:
        raise InvalidInputError("max_changes must be 0 or more, got %s." % module.params["max_changes"])
    if module.params["plan"] is not None:
        return planned(module)
    if module.params["rules"] is None and not module.params["settings"]:
        raise InvalidInputError("object needs settings (or plan).")
    return many_rules(module) if module.params["rules"] is not None else one_rule(module)


def main():
    module = CspModule(argument_spec=dict(
        object=dict(type="str"),
        identity=dict(type="list", elements="str"),
        filter=dict(type="str"),
        settings=dict(type="dict"),
        rules=dict(type="list", elements="dict", options=dict(
            name=dict(type="str", required=True),
            object=dict(type="str", required=True),
            identity=dict(type="list", elements="str"),
            filter=dict(type="str"),
            settings=dict(type="dict"),
        ), mutually_exclusive=[["identity", "filter"]]),
        plan=dict(type="list", elements="dict"),
        max_changes=dict(type="int"),
        concurrency=dict(type="int", default=4),
        **JOURNAL_ARGSPEC
    ), mutually_exclusive=[["identity", "filter"], ["plan", "settings"], ["plan", "identity"], ["plan", "filter"]]
        + [["rules", single] for single in SINGLE_RULE_OPTIONS],
        required_one_of=[["object", "rules"]])
    module.run(main_logic)


if __name__ == "__main__":
    main()
