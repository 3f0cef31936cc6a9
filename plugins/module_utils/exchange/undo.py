# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The reverse of a run, from its journal (``journal.py``): per tenant, what ``playbooks/undo.yml`` applies.

- Values the run changed (``updated``, ``applied``) become an ``exo_settings`` plan from after back to before, newest
  first: a property changed twice in the run goes back to the value before its first change, and is expected to
  hold the value of its last. Applied as a plan, a value someone changed since is reported stale, never
  overwritten.
- Objects the run created are to be removed (``exo_object`` with ``allow_destructive``).
- Objects the run removed are re-created from the whole object as read where Exchange Online has a ``New-`` cmdlet
  for them (its parameters from the cmdlet reference; what only ``Set-`` takes is set after creation), and listed
  otherwise.
- What cannot be reversed this way is listed with the reason: a write whose outcome is unknown, a property
  ``Set-`` does not take (a rule's ``State`` is switched by ``Enable-``/``Disable-``).
Writes that failed changed nothing and are skipped.
"""

import json

from . import nouns
from . import parameter_check
from ..errors import InvalidInputError


UNDO_PREFIX = "undo-"      # the run ids undo.yml gives its own runs: never the default run to undo
# What Get- shows about every object but no cmdlet sets: never sent when re-creating.
NOT_SETTABLE = frozenset(["identity", "guid", "distinguishedname", "exchangeversion", "objectstate", "isvalid",
                          "whencreated", "whenchanged", "whencreatedutc", "whenchangedutc", "organizationid",
                          "originatingserver", "id", "objectcategory", "objectclass", "exchangeobjectid"])


# Objects whose removal New- cannot reverse from the object as read: they are listed with the way back instead.
# Microsoft Learn: Remove-Mailbox soft-deletes a mailbox, recoverable with Undo-SoftDeletedMailbox for 30 days
# (learn.microsoft.com/powershell/module/exchange/undo-softdeletedmailbox); a group's members are not properties of
# Get-DistributionGroup/Get-UnifiedGroup/Get-RoleGroup but of Get-DistributionGroupMember, Get-UnifiedGroupLinks and
# Get-RoleGroupMember, so the journal does not hold them.
_MEMBERS = ("its members are not part of the object as read (%s), so a re-created group would be empty; restore it "
            "by hand")
NOT_RECREATED = {
    "mailbox": "New-Mailbox would create a new, empty mailbox: the removed one is soft-deleted, restore it with "
               "Undo-SoftDeletedMailbox within 30 days of the removal",
    "mailuser": "New-MailUser would create a new user account, not bring back the removed one: restore it by hand",
    "distributiongroup": _MEMBERS % "Get-DistributionGroupMember",
    "unifiedgroup": "its members and content are not part of the object as read (Get-UnifiedGroupLinks): restore the "
                    "removed Microsoft 365 group from the deleted groups in Microsoft Entra ID within 30 days",
    "rolegroup": _MEMBERS % "Get-RoleGroupMember",
}


def parse_lines(text_lines, source="the journal"):
    """Journal lines as dicts; a line that is not a JSON object fails naming its number (blank lines are skipped)."""
    entries = []
    for number, line in enumerate(text_lines, 1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except ValueError as exc:
            raise InvalidInputError("%s line %d is not JSON (%s); nothing was undone." % (source, number, exc))
        if not isinstance(entry, dict):
            raise InvalidInputError("%s line %d is not a JSON object; nothing was undone." % (source, number))
        entries.append(entry)
    return entries


def default_run(entries):
    """The newest run in the journal that is not itself an undo."""
    for entry in reversed(entries):
        run_id = entry.get("run_id")
        if run_id and not str(run_id).startswith(UNDO_PREFIX):
            return str(run_id)
    raise InvalidInputError("the journal holds no run to undo (every line is of an undo run or has no run_id); "
                            "name the run with run_id.")


def reverse(entries, run_id=None):
    """``{run_id, tenants: {tenant: {rules, plan, remove, recreate, listed}}}`` for the run ``run_id`` (default: the
    newest that is not an undo)."""
    run_id = str(run_id) if run_id else default_run(entries)
    mine = [e for e in entries if str(e.get("run_id")) == run_id]
    if not mine:
        raise InvalidInputError("the journal holds no line of run %s; nothing was undone." % run_id)
    tenants = {}
    for entry in reversed(mine):            # newest first
        tenant = str(entry.get("tenant") or "").lower()
        tenants.setdefault(tenant, _Tenant()).take(entry)
    return dict(run_id=run_id, tenants=dict((tenant, undo.result()) for tenant, undo in tenants.items()))


class _Tenant:
    def __init__(self):
        self.values = {}        # (noun, identity) -> {property: [undo before, undo after]}
        self.order = []
        self.created = {}       # (noun, identity) -> {object, identity}
        self.removed = {}       # (noun, identity) -> the oldest removal: the object as it was before the run
        self.lifecycle = {}     # (noun, identity) -> [action of each creation/removal, newest first]
        self.listed = []

    def take(self, entry):
        outcome, action = entry.get("outcome"), entry.get("action")
        noun, identity = str(entry.get("object") or ""), entry.get("identity")
        key = (noun.lower(), str(identity or "").lower())
        if outcome == "failed":
            return
        if outcome != "applied":
            self.listed.append(_listed(entry, "the write's outcome is %s (its answer was lost): check the object and "
                                              "reverse it by hand if it was applied" % (outcome or "not recorded")))
            return
        if action == "updated":
            self._updated(entry, noun, identity, key)
        elif action == "created":
            self.created.setdefault(key, dict(object=noun, identity=identity))
            self.lifecycle.setdefault(key, []).append(action)
        elif action == "removed":
            self.removed[key] = entry       # lines come newest first: the last kept is the run's first removal
            self.lifecycle.setdefault(key, []).append(action)
        else:
            self.listed.append(_listed(entry, "unknown action %r" % action))

    def _updated(self, entry, noun, identity, key):
        before, after = entry.get("before") or {}, entry.get("after") or {}
        for name in after:
            if not parameter_check.takes("Set-%s" % noun, name):
                self.listed.append(_listed(entry, "%s is not a Set-%s parameter (for a rule's State: Enable-/Disable-%s); "
                                                  "set it back to %s by hand or with exo_object" % (
                                                      name, noun, noun, json.dumps(before.get(name)))))
                continue
            if key not in self.values:
                self.values[key] = {}
                self.order.append((key, noun, identity))
            pair = self.values[key].setdefault(name, [after[name], before.get(name)])
            pair[1] = before.get(name)          # older lines come later: the value before the first change wins

    def result(self):
        plan, rules = [], {}
        gone = set(self.created) | set(self.removed)
        for key, noun, identity in self.order:
            if key in gone:          # created or removed in the run: removal or re-creation covers it
                continue
            values = self.values[key]
            # One rule per noun whatever case each line spelt it in (exo_object takes object: mailbox as well).
            rule = rules.setdefault(noun.lower(), dict(name=noun, object=noun))["name"]
            plan.append(dict(rule=rule, identity=identity, before=dict((k, v[0]) for k, v in values.items()),
                             after=dict((k, v[1]) for k, v in values.items())))
        # What the run did to an object's existence: it existed before the run when the run's first lifecycle
        # write removed it, and exists after it when the last one created it. A replaced object (removed, then
        # created again) is removed and the original re-created; one created and then removed needs nothing.
        remove = [c for key, c in self.created.items() if self.lifecycle[key][0] == "created"]
        recreate, listed = [], list(self.listed)
        for key, entry in self.removed.items():
            if self.lifecycle[key][-1] != "removed":
                continue        # did not exist before the run
            item = recreation(entry)
            if isinstance(item, str):
                listed.append(_listed(entry, item))
            else:
                recreate.append(item)
        return dict(rules=sorted(rules.values(), key=lambda r: r["name"]), plan=plan, remove=remove,
                    recreate=recreate, listed=listed)


def recreation(entry):
    """``{object, identity, create_parameters, settings}`` for exo_object to re-create a removed object, or the
    reason it cannot be."""
    noun = str(entry.get("object") or "")
    before = entry.get("before") or {}
    if noun.lower() in NOT_RECREATED:
        return NOT_RECREATED[noun.lower()]
    if not parameter_check.CATALOG.knows("New-%s" % noun):
        return "Exchange Online has no New-%s, so a removed %s cannot be re-created" % (noun, noun)
    name_parameter = nouns.create_name(noun)
    identity = next((v for k, v in before.items() if k.lower() == name_parameter.lower() and v), None) or \
        entry.get("identity")
    settings, create = {}, {}
    for name, value in before.items():
        lowered = name.lower()
        if lowered in NOT_SETTABLE or lowered == name_parameter.lower() or value in (None, "", [], {}):
            continue
        if nouns.has_state(noun) and lowered == nouns.STATE_PROPERTY.lower():
            settings[name] = value
        elif parameter_check.takes("Set-%s" % noun, name) and parameter_check.CATALOG.knows("Set-%s" % noun):
            settings[name] = value
        elif parameter_check.takes("New-%s" % noun, name):
            create[name] = value
    return dict(object=noun, identity=identity, create_parameters=create, settings=settings)


def _listed(entry, reason):
    return dict(object=entry.get("object"), identity=entry.get("identity"), action=entry.get("action"),
                time=entry.get("time"), reason=reason)
