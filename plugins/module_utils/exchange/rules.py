# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A whole baseline for one tenant in one run: several exo_settings rules planned together, written together.

Each rule is a SettingsRun. Rules of one noun that read every object, or whose filters are simple comparisons of
a property Exchange shows as plain text (``RecipientTypeDetails -eq 'UserMailbox'``), share one read: the service
gets the filters joined by ``-or`` and each row goes to the rules whose own filter it meets. Other rules (listed
identities, filters we cannot judge locally) read on their own. Reads run concurrently; the writes of all rules
go through one set of ``$batch`` requests.
"""

import json
import re
from concurrent.futures import ThreadPoolExecutor

from ..errors import CspError, InvalidInputError
from .settings import SettingsRun, lookup, parse_settings, resolve_members, write


# Properties Get- shows exactly as a filter compares them (an enum name), so a row can be tested locally.
LOCAL_FILTER_PROPERTIES = frozenset(["recipienttypedetails", "recipienttype"])
_COMPARISON = re.compile(r"""^\s*\(?\s*([A-Za-z]+)\s+(-eq|-ne)\s+'((?:[^']|'')*)'\s*\)?\s*$""", re.I)
_AND = re.compile(r"\s+-and\s+", re.I)


def local_filter(text):
    """A predicate ``row -> bool`` equal to the OPATH ``text`` when it is a ``-and`` of ``-eq``/``-ne``
    comparisons of the properties above with quoted values (compared case-insensitively, as Exchange does); else
    None."""
    if text is None:
        return lambda row: True
    terms = []
    for part in _AND.split(text.strip()):
        match = _COMPARISON.match(part)
        if not match or match.group(1).lower() not in LOCAL_FILTER_PROPERTIES or "(" in part.strip()[1:]:
            return None
        terms.append((match.group(1), match.group(2).lower() == "-eq", match.group(3).replace("''", "'").lower()))
    return lambda row: all((str(lookup(row, name) or "").lower() == value) == equal for name, equal, value in terms)


class Rule:
    def __init__(self, name, run):
        self.name = name
        self.run = run
        self.accepts = local_filter(run.filter) if not run.identities else None


def parse_rules(client, rules, concurrency):
    """Rules as SettingsRuns; names must be unique (they key the results and the overrides)."""
    parsed, names = [], set()
    for index, rule in enumerate(rules):
        name = rule.get("name")
        if not name:
            raise InvalidInputError("rules[%d] needs a name." % index)
        if name in names:
            raise InvalidInputError("rule names must be unique; %r is given twice." % name)
        names.add(name)
        try:
            desired = parse_settings(rule.get("settings"))
        except InvalidInputError as exc:
            raise InvalidInputError("rule %s: %s" % (name, exc.message))
        parsed.append(Rule(name, SettingsRun(client, rule["object"], desired, identities=rule.get("identity"),
                                             opath_filter=rule.get("filter"), concurrency=concurrency,
                                             rule=name)))
    return parsed


def read_groups(rules):
    """Lists of rules that share one read: rules of a noun with a locally judged filter (or none); the rest alone."""
    shared, groups = {}, []
    for rule in rules:
        if rule.accepts is None:
            groups.append([rule])
        else:
            key = (rule.run.noun.lower(), rule.run.singleton)
            if key not in shared:
                shared[key] = []
                groups.append(shared[key])
            shared[key].append(rule)
    return groups


def _read(group):
    """Read the objects of one group once and hand each row to the rules it belongs to; a failed read names its
    rules (no write has been sent yet)."""
    try:
        _read_group(group)
    except CspError as exc:
        if not isinstance(exc, InvalidInputError):       # those already name their rule
            exc.message = "rule %s: %s" % (", ".join(rule.name for rule in group), exc.message)
            exc.args = (exc.message,)
        raise


def _read_group(group):
    if len(group) == 1:
        for row in group[0].run.rows():
            _consider(group[0], row)
        return
    first = group[0].run
    filters = []
    for rule in group:
        if rule.run.filter is None:
            filters = []
            break
        if rule.run.filter not in filters:
            filters.append(rule.run.filter)
    parameters = {"Filter": " -or ".join("(%s)" % f for f in filters)} if filters else {}
    select = []
    for rule in group:
        extra = [term[0] for term in _filter_terms(rule.run.filter)]
        select.extend(n for n in rule.run.select() + extra if n.lower() not in set(s.lower() for s in select))
    for rows, dummy_warnings in first.client.pages("Get-%s" % first.noun, parameters, select=select):
        for row in rows:
            for rule in group:
                if rule.accepts(row):
                    _consider(rule, row)


def _filter_terms(text):
    return [m.groups() for m in (_COMPARISON.match(p) for p in _AND.split(text.strip()))] if text else []


def _consider(rule, row):
    try:
        rule.run.consider(row)
    except InvalidInputError as exc:
        raise InvalidInputError("rule %s: %s" % (rule.name, exc.message))


def _object(rule, change):
    return (rule.run.noun.lower(), (change.write_identity or change.identity).lower())


def _desired(rule):
    return dict((d.name.lower(), (d.name, json.dumps([d.operation, d.value], sort_keys=True, default=str)))
                for d in rule.run.desired)


def check_conflicts(rules):
    """Two rules wanting one property of one object different ways would undo each other on every run."""
    for index, rule in enumerate(rules):
        mine = _desired(rule)
        for other in rules[:index]:
            if other.run.noun.lower() != rule.run.noun.lower():
                continue
            both = rule.run.objects() & other.run.objects()
            theirs = _desired(other)
            clash = sorted(mine[p][0] for p in set(mine) & set(theirs) if mine[p][1] != theirs[p][1])
            if both and clash:
                raise InvalidInputError(
                    "rules %s and %s both set %s of %d %s object(s) in tenant %s (first: %s) to different values, "
                    "so nothing was written; make the rules' filters or identities exclusive." % (
                        other.name, rule.name, ", ".join(clash), len(both), rule.run.noun,
                        rule.run.client.token_tenant, sorted(both)[0]))


class RulesRun:
    """Plans every rule (reads concurrent, shared where possible), then writes all their changes together."""

    def __init__(self, client, rules, concurrency=4):
        if not rules:
            raise InvalidInputError("rules must hold at least one rule.")
        self.client = client
        self.concurrency = max(1, concurrency)
        self.rules = parse_rules(client, rules, self.concurrency)

    def plan(self):
        resolve_members(self.client, [d for rule in self.rules for d in rule.run.desired])
        groups = read_groups(self.rules)
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(groups))) as pool:
            list(pool.map(_read, groups))        # re-raises the first failure
        check_conflicts(self.rules)
        return [(rule, change) for rule in self.rules for change in rule.run.changes]

    @staticmethod
    def objects(planned):
        """How many distinct objects ``[(rule, change)]`` touches (what max_changes counts)."""
        return len(set(_object(rule, change) for rule, change in planned))

    def apply(self, planned, journal=None):
        by_run = dict((id(pair[0].run), pair[0]) for pair in planned)
        applied = write(self.client, [(rule.run, change) for rule, change in planned], self.concurrency, journal)
        return [(by_run[id(run)], change) for run, change in applied]
