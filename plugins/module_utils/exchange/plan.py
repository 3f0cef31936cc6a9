# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Apply a reviewed plan exactly: the ``changes`` a check-mode ``exo_settings`` run returned (``{identity, before,
after}``, plus ``rule``), written only where the tenant still holds what was reviewed.

Per planned property of each object, as read now and compared as ``exo_settings`` compares:
- it holds ``after``: done, nothing is written (so a plan applied twice writes nothing the second time);
- it holds ``before``: ``after`` is written;
- anything else: stale. Someone changed it since the review; it is not written and is returned in ``stale``.
Nothing outside the plan is read for writing, so drift the plan does not name is left alone. The model is
Terraform's saved plan (``terraform plan -out`` / ``terraform apply PLAN``), which refuses a plan whose state moved.
"""

from ..errors import CspError, InvalidInputError
from .settings import PROPERTY_NAME, WRITE_KEYS, Change, Desired, is_singleton, lookup, resolve_members, write


class PlanItem:
    """One object of the plan: its noun, identity, rule and the planned properties ``(name, before, after)``."""

    def __init__(self, index, item, noun_of):
        where = "plan[%d]" % index
        if not isinstance(item, dict):
            raise InvalidInputError("%s must be a mapping {identity, before, after} as a check-mode run returns in "
                                    "changes, got %s." % (where, type(item).__name__))
        unknown = sorted(set(item) - set(["identity", "before", "after", "rule"]))
        if unknown:
            raise InvalidInputError("%s has unknown keys %s (a plan item holds identity, before, after and, with "
                                    "rules, rule)." % (where, ", ".join(unknown)))
        self.rule = item.get("rule")
        self.noun = noun_of(where, self.rule)
        self.singleton = is_singleton(self.noun)
        self.identity = item.get("identity")
        if not self.singleton and not (isinstance(self.identity, str) and self.identity.strip()):
            raise InvalidInputError("%s needs the identity of the %s object it changes." % (where, self.noun))
        before, after = item.get("before"), item.get("after")
        if not isinstance(after, dict) or not after or not isinstance(before, dict):
            raise InvalidInputError("%s needs before and after, mappings of property to value (after not empty)."
                                    % where)
        if set(before) != set(after):
            raise InvalidInputError("%s: before and after must name the same properties (before: %s; after: %s)."
                                    % (where, ", ".join(sorted(before)), ", ".join(sorted(after))))
        for name in after:
            if not PROPERTY_NAME.match(name):
                raise InvalidInputError("%s: %r is not a property name (letters and digits only)." % (where, name))
        try:
            self.properties = [(name, Desired(name, before[name]), Desired(name, after[name])) for name in after]
        except InvalidInputError as exc:
            raise InvalidInputError("%s (%s '%s'): %s" % (where, self.noun, self.identity, exc.message))
        self.where = where

    @property
    def key(self):
        return (self.noun.lower(), None if self.singleton else self.identity.strip().lower())

    def label(self):
        return ("rule %s, " % self.rule if self.rule else "") + ("%s %s" % (self.noun, self.identity or "")).strip()


class PlanRun:
    """Reads every planned object (one ``$batch`` pass), judges each planned property, writes what is due."""

    def __init__(self, client, items, noun_of, concurrency=4):
        if not items:
            raise InvalidInputError("plan holds no item; a plan is the changes list of a check-mode run.")
        self.client = client
        self.concurrency = max(1, concurrency)
        self.items = [PlanItem(index, item, noun_of) for index, item in enumerate(items)]
        _check_duplicates(self.items)
        self.matched = 0
        self.done = 0
        self.stale = []         # [{identity, property, planned, expected, current, rule}]
        self.failed = []        # [{identity, stage, reason, rule}]
        self.changes = []       # [(item, Change)] due to be written
        self._runs = {}

    def plan(self):
        # A recipient deleted since the review (or since the run undo reverses) concerns only the items naming it:
        # compared in the form given, such an item is stale or fails alone, and the rest of the plan still applies.
        resolve_members(self.client, [d for item in self.items for dummy, before, after in item.properties
                                      for d in (before, after)], strict=False)
        calls = []
        for item in self.items:
            select = ["Identity", "Name"] + ([] if item.singleton else list(WRITE_KEYS)) + \
                [name for name, dummy, dummy2 in item.properties]
            calls.append(("Get-%s" % item.noun, {} if item.singleton else {"Identity": item.identity}))
            item.select = select
        outcomes = self._read(calls)
        for item, outcome in zip(self.items, outcomes):
            if isinstance(outcome, CspError):
                self.failed.append(_failure(item, "read", outcome.message))
            elif len(outcome.rows) != 1:
                self.failed.append(_failure(item, "read", "Get-%s found %d objects for this identity, not one"
                                            % (item.noun, len(outcome.rows))))
            else:
                self.matched += 1
                self._judge(item, outcome.rows[0])
        return self.changes

    def _read(self, calls):
        # One select for every call (the $batch request carries one): the union of what the items need.
        select = []
        for item in self.items:
            select.extend(n for n in item.select if n.lower() not in set(s.lower() for s in select))
        return self.client.batch(calls, select=select, concurrency=self.concurrency)

    def _judge(self, item, row):
        before, after, parameters = {}, {}, {}
        for name, was, wanted in item.properties:
            current = lookup(row, name)
            try:
                difference = wanted.difference(current)
                if difference is None:
                    self.done += 1
                    continue
                if was.difference(current) is not None:
                    self.stale.append(dict(identity=item.identity, property=name, planned=wanted.value,
                                           expected=was.value, current=current, **_rule(item)))
                    continue
            except (InvalidInputError, ValueError) as exc:
                self.stale.append(dict(identity=item.identity, property=name, planned=wanted.value, expected=was.value,
                                       current=current, reason=str(getattr(exc, "message", exc)), **_rule(item)))
                continue
            parameters[name], after[name] = difference
            before[name] = current
        if parameters:
            identity = str(lookup(row, "Identity") or item.identity or "")
            write_identity = None if item.singleton else next(
                (str(lookup(row, k)) for k in WRITE_KEYS if lookup(row, k)), item.identity)
            self.changes.append((item, Change(item.identity if not item.singleton else identity, write_identity,
                                              before, after, parameters)))

    def objects(self):
        return len(self.changes)

    def apply(self, changes, journal=None):
        """Write the due changes; returns the (item, Change) pairs Exchange applied."""
        planned = [(self._run(item), change) for item, change in changes]
        applied = write(self.client, planned, self.concurrency, journal)
        by_change = dict((id(change), item) for item, change in changes)
        for run in self._runs.values():
            self.failed.extend(dict(f, **({"rule": run.rule} if run.rule else {})) for f in run.failed)
            run.failed = []
        return [(by_change[id(change)], change) for dummy, change in applied]

    def _run(self, item):
        """The (noun, rule) target ``write`` expects: a noun to write and a place for failures."""
        key = (item.noun, item.rule)
        if key not in self._runs:
            self._runs[key] = _Target(item.noun, item.rule)
        return self._runs[key]


class _Target:
    def __init__(self, noun, rule):
        self.noun = noun
        self.rule = rule
        self.failed = []


def _rule(item):
    return {"rule": item.rule} if item.rule else {}


def _failure(item, stage, reason):
    return dict(identity=item.identity, stage=stage, reason=reason, **_rule(item))


def _check_duplicates(items):
    """One property of one object planned twice would be written by whichever item comes last."""
    seen = {}
    for item in items:
        for name, dummy, wanted in item.properties:
            key = item.key + (name.lower(),)
            if key in seen and seen[key][1] != repr(wanted.value):
                raise InvalidInputError("%s and %s both plan %s of %s to different values; nothing was written."
                                        % (seen[key][0], item.where, name, item.label()))
            seen[key] = (item.where, repr(wanted.value))
