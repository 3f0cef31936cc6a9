# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Desired state for Exchange objects with a Get-X/Set-X pair: read in bulk, compare normalised, write the difference.

Reads stream page by page and keep only the objects that differ, so a tenant of 10,000 mailboxes is never held
twice. Writes go ten to a ``$batch`` request, a few requests in flight at once, and each object's failure is
reported without stopping the others.
"""

import json
import re

from ..errors import CspError, InvalidInputError
from .journal import as_settings, outcome_of
from .values import NormalizeError, kind_of, normalize, same, to_set_value


LIST_OPERATIONS = ("set", "add", "remove")
PROPERTY_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]*\Z")
# Identity lists up to this size are read object by object in $batch requests; longer ones by one bulk read.
IDENTITY_BATCH_LIMIT = 50
IDENTITY_FIELDS = ("Identity", "Guid", "ExchangeGuid", "Alias", "PrimarySmtpAddress", "UserPrincipalName", "Name",
                   "DistinguishedName")
WRITE_KEYS = ("Guid", "ExchangeGuid", "Identity")
SINGLETON_NOUNS = frozenset(["organizationconfig", "transportconfig", "adminauditlogconfig",
                             "externalinoutlook", "perimeterconfig"])


def is_singleton(noun):
    return noun.lower() in SINGLETON_NOUNS


# Properties that hold references to other recipients. Get- shows each as the recipient's name, whatever form Set-
# was given (Microsoft Learn: GrantSendOnBehalfTo is a MultiValuedProperty<ADObjectId>; tools resolve each shown
# entry with Get-Recipient to find its address), so desired members are resolved to names before comparing.
RECIPIENT_PROPERTIES = frozenset(name.lower() for name in (
    "GrantSendOnBehalfTo", "ForwardingAddress", "AcceptMessagesOnlyFrom", "AcceptMessagesOnlyFromDLMembers",
    "AcceptMessagesOnlyFromSendersOrMembers", "RejectMessagesFrom", "RejectMessagesFromDLMembers",
    "RejectMessagesFromSendersOrMembers", "BypassModerationFromSendersOrMembers", "ModeratedBy", "ManagedBy"))


class Desired:
    """One desired setting. ``operation`` is ``value`` (absolute) or, for lists, ``set`` / ``add`` / ``remove``.
    ``shown`` maps a desired member to the form Get- shows it in (recipient names); Set- still gets the value given."""

    def __init__(self, name, raw):
        self.name = name
        if isinstance(raw, dict) and raw and set(k.lower() for k in raw) <= set(LIST_OPERATIONS):
            if len(raw) != 1:
                raise InvalidInputError("Setting %s must use one of set, add or remove, not %s."
                                        % (name, ", ".join(sorted(raw))))
            key = list(raw)[0]
            self.operation = key.lower()
            value = raw[key]
            self.value = list(value) if isinstance(value, (list, tuple)) else [value]
        else:
            self.operation = "value"
            self.value = raw
        self._verdicts = {}
        self.shown = {}
        self._validate()

    @property
    def members(self):
        """The desired values that name other objects (for resolving), or []."""
        if self.name.lower() not in RECIPIENT_PROPERTIES or self.value in (None, ""):
            return []
        return [v for v in (self.value if isinstance(self.value, list) else [self.value]) if isinstance(v, str)]

    def show(self, shown):
        """Compare through ``shown`` (desired member -> how Get- shows it) from now on."""
        self.shown = dict(shown)
        self._verdicts = {}

    def _as_shown(self, value):
        if isinstance(value, list):
            return [self.shown.get(v, v) for v in value]
        return self.shown.get(value, value)

    def _holds(self, current):
        """Whether ``current`` already holds the desired value, remembered per distinct value: thousands of objects
        share a handful of values."""
        key = (type(current), current)
        try:
            return self._verdicts[key]
        except KeyError:
            verdict = self._verdicts[key] = same(self.name, current, self._as_shown(self.value))
            return verdict
        except TypeError:      # a list value is not hashable
            return same(self.name, current, self._as_shown(self.value))

    def _validate(self):
        kind = "set" if self.operation != "value" else kind_of(self.name, None, self.value)
        try:
            normalize(kind, self.value)
        except NormalizeError as exc:
            raise InvalidInputError("Setting %s has an invalid value: %s." % (self.name, exc))

    def difference(self, current):
        """(Set- parameter value, value after) when ``current`` differs from the desired state, else None."""
        if self.operation == "value":
            if self._holds(current):
                return None
            return to_set_value(self.name, self.value, current), self.value
        kind = kind_of(self.name, current or [], [])
        kind = kind if kind in ("set", "proxy_addresses") else "set"
        have = list(current or [])
        have_norm = normalize(kind, have)
        if self.operation == "set":
            if have_norm == normalize(kind, self._as_shown(self.value)):
                return None
            return self.value, self.value
        if self.operation == "add":
            missing = [v for v in self.value if normalize(kind, [self._as_shown(v)]) - have_norm]
            if not missing:
                return None
            return {"@odata.type": "#Exchange.GenericHashTable", "Add": missing}, have + missing
        present = [v for v in self.value if normalize(kind, [self._as_shown(v)]) <= have_norm]
        if not present:
            return None
        gone = normalize(kind, [self._as_shown(v) for v in present])
        return ({"@odata.type": "#Exchange.GenericHashTable", "Remove": present},
                [v for v in have if not normalize(kind, [v]) <= gone])


def parse_settings(settings):
    if not settings:
        raise InvalidInputError("settings must hold at least one property and its desired value.")
    for name in settings:
        if not PROPERTY_NAME.match(name):
            raise InvalidInputError("settings key %r is not a property name such as ProhibitSendQuota (letters and "
                                    "digits only)." % name)
    return [Desired(name, value) for name, value in settings.items()]


def resolve_members(client, desired, strict=True):
    """Resolve the members of recipient-valued settings to the names Get- shows (one Get-Recipient each, batched);
    a member Exchange does not know fails the run before any write. Not ``strict`` (a plan, an undo): it keeps the
    form given, so only the items naming it end up stale or failed, not every item of the tenant."""
    wanted = sorted(set(m for setting in desired for m in setting.members))
    if not wanted:
        return
    outcomes = client.batch([("Get-Recipient", {"Identity": m}) for m in wanted], select=["Identity", "Name"])
    shown, unknown = {}, []
    for member, outcome in zip(wanted, outcomes):
        rows = [] if isinstance(outcome, CspError) else outcome.rows
        if len(rows) == 1 and lookup(rows[0], "Name"):
            shown[member] = str(lookup(rows[0], "Name"))
        else:
            unknown.append("%s (%s)" % (member, outcome.message if isinstance(outcome, CspError) else
                                        "%d recipients" % len(rows)))
    if unknown and strict:
        raise InvalidInputError("Recipients named in %s could not be resolved in tenant %s, so nothing was written: %s."
                                % (", ".join(s.name for s in desired if s.members), client.token_tenant,
                                   "; ".join(unknown)))
    for setting in desired:
        if setting.members:
            setting.show(shown)


def lookup(row, name):
    lowered = name.lower()
    for key, value in row.items():
        if key.lower() == lowered:
            return value
    return None


class Change:
    def __init__(self, identity, write_identity, before, after, parameters):
        self.identity = identity
        self.write_identity = write_identity
        self.before = before
        self.after = after
        self.parameters = parameters

    def as_dict(self):
        return dict(identity=self.identity, before=self.before, after=self.after)


def compare(row, desired, singleton):
    """A Change for one object read from Exchange, or None when it already matches. A desired value that cannot be
    compared with what Exchange shows raises InvalidInputError naming the property and the object."""
    before, after, parameters = {}, {}, {}
    for setting in desired:
        current = lookup(row, setting.name)
        try:
            difference = setting.difference(current)
        except NormalizeError as exc:
            raise InvalidInputError("setting %s cannot be compared with what Exchange shows (%s): %s" % (
                setting.name, json.dumps(current, default=str), exc),
                object=str(lookup(row, "Identity") or lookup(row, "Name") or ""))
        if difference is not None:
            parameters[setting.name], after[setting.name] = difference
            before[setting.name] = current
    if not parameters:
        return None
    identity = str(lookup(row, "Identity") or lookup(row, "Name") or "")
    write_identity = None if singleton else next(
        (str(lookup(row, k)) for k in WRITE_KEYS if lookup(row, k)), identity)
    return Change(identity, write_identity, before, after, parameters)


def _identity_forms(row):
    """The identity forms of a row read in bulk, lower-cased: every field -Identity accepts that the row shows,
    each proxy address without its prefix."""
    forms = set(str(lookup(row, field)).lower() for field in IDENTITY_FIELDS if lookup(row, field))
    forms.update(str(a).split(":", 1)[-1].lower() for a in lookup(row, "EmailAddresses") or [])
    return forms


def object_key(row):
    """What makes two rows the same object, whatever identity form found them."""
    return next((str(lookup(row, k)).lower() for k in ("Guid", "ExchangeGuid", "DistinguishedName", "Identity")
                 if lookup(row, k)), None)


class SettingsRun:
    """Plans and applies the settings of one object type in one tenant."""

    def __init__(self, client, noun, desired, identities=None, opath_filter=None, concurrency=4, rule=None):
        self.client = client
        self.noun = noun
        self.rule = rule        # the rule's name with exo_settings' rules, for the journal
        self.desired = desired
        self.identities = identities
        self.filter = opath_filter
        self.concurrency = max(1, concurrency)
        self.singleton = is_singleton(noun) and not identities
        self.matched = 0
        self.changes = []
        self.failed = []      # [{identity, stage: read|write, reason}]
        self._seen = set()

    def select(self, bulk=False):
        names = ["Identity", "Name"] + ([] if self.singleton else ["Guid"])
        if bulk and self.identities:
            names = list(IDENTITY_FIELDS) + ["EmailAddresses"]   # matched against every form the row shows
        return names + [d.name for d in self.desired if d.name.lower() not in set(n.lower() for n in names)]

    def rows(self):
        """Yield the objects to compare, streaming pages. Listed identities are resolved the way Exchange resolves
        -Identity, whatever the list's length: a long list is matched against one bulk read first, and what that
        does not recognise (a DOMAIN\\user form, an address the read does not show) is asked of Exchange itself."""
        unresolved = list(self.identities or [])
        if not self.identities or len(self.identities) > IDENTITY_BATCH_LIMIT:
            unresolved = yield from self._bulk_rows()
        if unresolved:
            yield from self._rows_by_identity(unresolved)

    def _bulk_rows(self):
        """Yield every object (of the filter, or that a listed identity names); return the identities not seen."""
        parameters = {"Filter": self.filter} if self.filter else {}
        wanted = dict((i.strip().lower(), i) for i in self.identities or [])
        found = set()
        for rows, warnings in self.client.pages("Get-%s" % self.noun, parameters, select=self.select(bulk=True)):
            for row in rows:
                if wanted:
                    hits = _identity_forms(row) & set(wanted)
                    if not hits:
                        continue
                    found |= hits
                yield row
        return [original for lowered, original in wanted.items() if lowered not in found]

    def _rows_by_identity(self, identities):
        calls = [("Get-%s" % self.noun, {"Identity": identity}) for identity in identities]
        for identity, outcome in zip(identities, self.client.batch(calls, select=self.select())):
            if isinstance(outcome, CspError):
                self.failed.append(dict(identity=identity, stage="read", reason=outcome.message))
            else:
                yield from outcome.rows

    def plan(self):
        resolve_members(self.client, self.desired)
        for row in self.rows():
            self.consider(row)
        return self.changes

    def objects(self):
        """Keys of the objects compared so far (a singleton has one)."""
        return set(self._seen) if not self.singleton else set(["(%s)" % self.noun] if self.matched else [])

    def consider(self, row):
        """Compare one object read from Exchange; a differing one joins ``changes``."""
        key = None if self.singleton else object_key(row)
        if key is not None:
            if key in self._seen:         # two listed forms of one object: compared and written once
                return
            self._seen.add(key)
        self.matched += 1
        try:
            change = compare(row, self.desired, self.singleton)
        except InvalidInputError as exc:
            raise InvalidInputError("%s '%s' in tenant %s: %s; nothing was written." % (
                self.noun, exc.details.get("object"), self.client.token_tenant, exc.message))
        if change is not None:
            self.changes.append(change)

    def apply(self, changes, journal=None):
        """Write the differing properties; returns the changes Exchange applied (failures go to ``failed``)."""
        return [pair[1] for pair in write(self.client, [(self, change) for change in changes], self.concurrency,
                                          journal)]


def write(client, planned, concurrency, journal=None):
    """Write ``[(run, change)]`` (of one or several runs, any nouns) through the client's ``$batch``, ``concurrency``
    requests in flight; returns the (run, change) pairs Exchange applied, and each failure goes to its run's
    ``failed``. Each write attempted is recorded in ``journal`` with its outcome."""
    calls = []
    for run, change in planned:
        parameters = dict(change.parameters)
        if change.write_identity is not None:
            parameters["Identity"] = change.write_identity
        calls.append(("Set-%s" % run.noun, parameters))
    applied = []
    for (run, change), outcome in zip(planned, client.batch(calls, concurrency=concurrency)):
        error = outcome if isinstance(outcome, CspError) else None
        if journal is not None:
            journal.record("updated", run.noun, change.identity, as_settings(change.before), change.after,
                           outcome_of(error), rule=run.rule, reason=error.message if error else None)
        if error:
            run.failed.append(dict(identity=change.identity, stage="write", reason=error.message))
        elif not outcome.no_change:
            applied.append((run, change))
    return applied
