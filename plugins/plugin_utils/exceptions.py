# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Accepted deviations: the partner's ``exceptions`` variable, on the controller.

An exception is ``{ref, owner, reason, expires}``. ``ref`` names what deviates: a SCuBA policy ID (``MS.EXO.5.1v1``)
or ``rule.Property`` of a desired-state role's rules (``organization.SmtpClientAuthenticationDisabled``). Until
``expires`` a difference it covers is reported as ``accepted`` and never written; after it, the difference is a
failure naming the exception, and it is still not written: the customer relied on the value, so only a person
(renewing or removing the exception) decides that it changes. ScubaGear's ``OmitPolicy`` works the same way
(a ``Rationale`` and an ``Expiration`` date after which the policy is no longer omitted:
https://github.com/cisagov/ScubaGear/blob/main/docs/configuration/configuration.md#omit-policies), except that an
expiry is required here, so that no exception outlives its review.

Everything is refused before any request when malformed: a missing or blank field, an unknown key, a ref of neither
form, a policy ID that names no control, a property the named rule does not set, a date that is not ISO 8601, two
exceptions for one ref. A ``rule.Property`` whose rule is not one of the run's rules is left alone with a warning:
one ``exceptions`` list serves every role, and another role may own that rule.

An exception protects a setting, not a role's view of it: the organisation setting one SCuBA control checks
(``MS.EXO.5.1v1`` is TransportConfig ``SmtpClientAuthenticationDisabled``) and the singleton rules of the
collection's roles (``smtp_auth.SmtpClientAuthenticationDisabled`` of exchange_retirements, ``organization.X`` of
exchange_baseline) name the same (object, property). So an exception written for one role holds in every role that
would write that setting: the baseline, the retirements role and SCuBA remediation.

A date alone (``2027-03-31``) holds through that whole day in UTC; a date and time holds until that instant (UTC
when it names no offset). "Now" is ``as_of`` when given (``csp_exceptions_as_of``: reviews ask "what will have
lapsed by the first of next month"), else the controller's clock in UTC.
"""

import datetime
import difflib
import re

from ansible_collections.csp.exchange.plugins.module_utils.exchange.scuba import BY_ID as CONTROLS


FIELDS = ("ref", "owner", "reason", "expires")
_POLICY_ID = re.compile(r"^ms\.exo\.\d+\.\d+v\d+$", re.I)
_RULE_REF = re.compile(r"^(?P<rule>\S(?:.*\S)?)\.(?P<property>[A-Za-z][A-Za-z0-9]*)$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_ONE_DAY = datetime.timedelta(days=1)
# The collection's rules on organisation singletons, by name: exchange_baseline's organization and
# exchange_retirements' items. An exception naming one protects that setting wherever a role writes it.
SINGLETON_RULES = {"organization": "OrganizationConfig", "ews": "OrganizationConfig",
                   "smtp_auth": "TransportConfig", "direct_send": "OrganizationConfig"}


class InvalidExceptionsError(ValueError):
    """The exceptions (or the clock) cannot be used; the message names every problem."""


def _utc(moment):
    try:
        return moment.replace(tzinfo=datetime.timezone.utc) if moment.tzinfo is None else moment.astimezone(
            datetime.timezone.utc)
    except OverflowError:       # 0001-01-01T00:00:00+01:00 lies before the first instant Python can hold
        raise ValueError("out of range")


def parse_moment(value):
    """(start, whole_day, text) for an ISO 8601 date or date and time (a string, or the date YAML reads from an
    unquoted ``2027-03-31``): ``start`` is the UTC instant it begins, ``whole_day`` whether it is a date alone.
    Raises ValueError."""
    if isinstance(value, datetime.datetime):
        return _utc(value), False, _utc(value).isoformat().replace("+00:00", "Z")
    if isinstance(value, datetime.date):
        return datetime.datetime(value.year, value.month, value.day, tzinfo=datetime.timezone.utc), True, \
            value.isoformat()
    if not isinstance(value, str) or not value.strip():
        raise ValueError("not a date")
    text = value.strip()
    if _DATE.match(text):
        return parse_moment(datetime.date.fromisoformat(text))
    if "T" not in text.upper() and " " not in text:
        raise ValueError("not a date")
    return parse_moment(datetime.datetime.fromisoformat(text))


def _end_of_day(start):
    """The instant a whole-day expiry ends; 9999-12-31 (a partner's "until further notice") has no next day in
    Python, so it holds until the last instant Python can hold."""
    try:
        return start + _ONE_DAY
    except OverflowError:
        return datetime.datetime.max.replace(tzinfo=datetime.timezone.utc)


def as_of_instant(as_of=None):
    """The instant exceptions are judged at: ``as_of`` (an ISO date, meaning its first moment in UTC, or date and
    time), else now in UTC."""
    if as_of is None or (isinstance(as_of, str) and not as_of.strip()):
        return datetime.datetime.now(datetime.timezone.utc)
    try:
        return parse_moment(as_of)[0]
    except ValueError:
        raise InvalidExceptionsError("csp_exceptions_as_of must be an ISO 8601 date (2027-04-01) or date and time "
                                     "(2027-04-01T09:00:00Z), got %r." % (as_of,))


def judged_at(as_of=None, now=None):
    """The instant the roles judge exceptions at: ``as_of``, but never before ``now`` (default the controller's clock,
    UTC). The clock may be moved forward to see what will lapse; moved back it would read every expired exception as
    live again (a forgotten ``-e csp_exceptions_as_of`` in a CI job would silence each expiry for good), so it is
    not."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    return max(as_of_instant(as_of), now)


def _name(index, item):
    ref = item.get("ref") if isinstance(item, dict) else None
    return "exception %s" % ref if isinstance(ref, str) and ref.strip() else "exceptions[%d]" % index


def _ref(ref):
    """(kind, canonical ref, rule, property) or raises ValueError saying what a ref may be."""
    text = ref.strip()
    if _POLICY_ID.match(text):
        control = CONTROLS.get(text.lower())
        if control is None:
            raise ValueError("no SCuBA Exchange control has the ID %s (known: %s)" % (
                text, ", ".join(c.id for c in CONTROLS.values())))
        return "control", control.id, None, None
    match = _RULE_REF.match(text)
    if not match:
        raise ValueError("ref must be a SCuBA policy ID such as MS.EXO.5.1v1 or rule.Property of the baseline such as "
                         "organization.SmtpClientAuthenticationDisabled")
    return "rule", text, match.group("rule"), match.group("property")


def check(exceptions, as_of=None):
    """The ``exceptions`` list, validated: each ``{ref, owner, reason, expires, expired, kind, rule, property}``
    (``expires`` as ISO text, ``kind`` ``control`` or ``rule``). Raises InvalidExceptionsError naming every
    malformed exception and its field."""
    now = as_of_instant(as_of)
    if exceptions is None:
        return []
    if not isinstance(exceptions, list):
        raise InvalidExceptionsError("exceptions must be a list of {ref, owner, reason, expires}, got %s."
                                     % type(exceptions).__name__)
    problems, checked, seen = [], [], {}
    for index, item in enumerate(exceptions):
        name = _name(index, item)
        if not isinstance(item, dict):
            problems.append("%s is not a mapping {ref, owner, reason, expires}" % name)
            continue
        wrong = []
        unknown = sorted(str(k) for k in item if k not in FIELDS)
        if unknown:
            wrong.append("unknown key(s) %s (an exception has only %s)" % (", ".join(unknown), ", ".join(FIELDS)))
        missing = [f for f in FIELDS if item.get(f) is None or (isinstance(item.get(f), str) and not item[f].strip())]
        if missing:
            wrong.append("%s %s missing (every exception needs an owner who reviews it, the reason it is accepted "
                         "and the date it expires)" % (" and ".join(missing), "is" if len(missing) == 1 else "are"))
        for field in ("ref", "owner", "reason"):
            if field not in missing and not isinstance(item.get(field), str):
                wrong.append("%s must be text" % field)
        kind = rule = prop = ref = None
        if "ref" not in missing and isinstance(item.get("ref"), str):
            try:
                kind, ref, rule, prop = _ref(item["ref"])
            except ValueError as exc:
                wrong.append(str(exc))
        end = text = None
        if "expires" not in missing:
            try:
                start, whole_day, text = parse_moment(item["expires"])
                end = _end_of_day(start) if whole_day else start
            except ValueError:
                wrong.append("expires must be an ISO 8601 date (2027-03-31) or date and time (2027-03-31T18:00:00Z), "
                             "got %r" % (item["expires"],))
        if ref is not None:
            key = ref.lower() if kind == "control" else (rule.lower(), prop.lower())
            if key in seen:
                wrong.append("given twice (also %s): keep one owner and one expiry per ref" % seen[key])
            seen.setdefault(key, "exceptions[%d]" % index)
        if wrong:
            problems.append("%s: %s" % (name, "; ".join(wrong)))
            continue
        checked.append(dict(ref=ref, owner=item["owner"].strip(), reason=item["reason"].strip(), expires=text,
                            expired=now >= end, kind=kind, rule=rule, property=prop))
    if problems:
        raise InvalidExceptionsError("Refused before any change: %s." % "; ".join(problems))
    return checked


def setting_of(exception):
    """The (object, property) an exception protects, lower-cased, or None when it names no single setting."""
    if exception["kind"] == "control":
        setting = CONTROLS[exception["ref"].lower()].setting
        return (setting[0].lower(), setting[1].lower()) if setting else None
    noun = SINGLETON_RULES.get(str(exception["rule"]).lower())
    return (noun.lower(), exception["property"].lower()) if noun else None


def _singleton_rule(rule):
    """Whether a rule addresses its object as the organisation's one (no identity, no filter)."""
    return not rule.get("identity") and not rule.get("filter") and \
        str(rule.get("object") or "").lower() in set(n.lower() for n in SINGLETON_RULES.values())


def _public(exception):
    return dict((k, exception[k]) for k in ("ref", "owner", "reason", "expires", "expired"))


def split_rules(rules, exceptions, warn=None, others=()):
    """``{rules, exceptions, write, held}`` for exo_settings ``rules`` and ``exceptions`` as check() returns them
    (``others``: rule names of the collection's other roles, which one list of exceptions also serves):
    ``write`` are the rules without the properties an exception covers (a rule left with none is dropped), ``held``
    the rules with only those properties, to read in check mode so that their difference is still seen. Raises
    InvalidExceptionsError when an exception names a rule of ``rules`` but a property it does not set."""
    warn = warn or (lambda message: None)
    names = [r.get("name") for r in rules]
    # Rule names match without regard to case, as property names do: "EWS.EwsEnabled" protects the ews rule's
    # EwsEnabled; compared exactly, it named no rule and the value it protects was written.
    by_name = dict((str(n).lower(), n) for n in reversed(names))
    known_elsewhere = set(str(n).lower() for n in others) | set(SINGLETON_RULES)
    covered, matched = {}, []
    # Exceptions written for another role (a SCuBA control, another role's singleton rule) that protect a setting one
    # of these rules writes on the organisation's singleton: held here too.
    by_setting = dict((setting_of(e), e) for e in exceptions if setting_of(e) is not None)
    for rule in rules:
        for prop in (rule.get("settings") or {}) if _singleton_rule(rule) else {}:
            exception = by_setting.get((str(rule["object"]).lower(), str(prop).lower()))
            if exception is not None and not (exception["kind"] == "rule"
                                              and exception["rule"].lower() == str(rule.get("name")).lower()):
                covered.setdefault(rule.get("name"), {})[str(prop).lower()] = dict(exception, rule=rule.get("name"),
                                                                                   property=prop)
    for exception in exceptions:
        if exception["kind"] != "rule":
            matched.append(exception)
            continue
        name = by_name.get(exception["rule"].lower())
        if name is not None:
            exception = dict(exception, rule=name)
        matched.append(exception)
        if name is None:
            if exception["rule"].lower() in known_elsewhere:
                continue
            near = difflib.get_close_matches(exception["rule"], [str(n) for n in names], 1)
            warn("exception %s names no rule of this baseline (%s), so it is left to the role whose rule it is%s."
                 % (exception["ref"], ", ".join(str(n) for n in names) or "no rules",
                    "; did you mean %s.%s?" % (near[0], exception["property"]) if near else ""))
            continue
        covered.setdefault(exception["rule"], {})[exception["property"].lower()] = exception
    problems, write, held = [], [], []
    for rule in rules:
        mine = covered.get(rule.get("name"), {})
        settings = rule.get("settings") or {}
        present = set(str(k).lower() for k in settings)
        problems.extend("exception %s: rule %s does not set %s (it sets %s)" % (
            e["ref"], rule["name"], e["property"], ", ".join(sorted(settings)) or "nothing")
            for p, e in sorted(mine.items()) if p not in present)
        kept = dict((k, v) for k, v in settings.items() if str(k).lower() not in mine)
        excepted = dict((k, v) for k, v in settings.items() if str(k).lower() in mine)
        if kept or not excepted:
            write.append(dict(rule, settings=kept))
        if excepted:
            held.append(dict(rule, settings=excepted))
    if problems:
        raise InvalidExceptionsError("Refused before any change: %s." % "; ".join(problems))
    return dict(rules=rules, exceptions=matched, write=write, held=held,
                covered=[e for mine in covered.values() for e in mine.values()])


def plan_without_held(changes, rules, exceptions):
    """A reviewed plan (exo_settings ``changes`` with ``rule``, and the plan's ``rules`` ``{name, object}``) without the
    properties an exception covers now: an exception added after the review still holds. ``{changes, held}``, held
    listing ``{rule, identity, property, planned, ref, owner, reason, expires, expired}``."""
    objects = dict((str(r.get("name")).lower(), str(r.get("object") or "").lower()) for r in rules or [])
    singletons = set(n.lower() for n in SINGLETON_RULES.values())
    by_rule = dict(((e["rule"].lower(), e["property"].lower()), e) for e in exceptions if e["kind"] == "rule")
    by_setting = dict((setting_of(e), e) for e in exceptions if setting_of(e) is not None)
    kept, held = [], []
    for change in changes or []:
        rule = str(change.get("rule") or "").lower()
        after, before = dict(change.get("after") or {}), dict(change.get("before") or {})
        for prop in list(after):
            noun = objects.get(rule, "")
            exception = by_rule.get((rule, prop.lower())) or \
                (by_setting.get((noun, prop.lower())) if noun in singletons else None)
            if exception is not None:
                held.append(dict(_public(exception), rule=change.get("rule"), identity=change.get("identity"),
                                 property=prop, planned=after.pop(prop)))
                before.pop(prop, None)
        if after:
            kept.append(dict(change, before=before, after=after))
    return dict(changes=kept, held=held)


def _rule_results(result, what):
    """The per-rule results of a registered exo_settings task; [] when it was skipped. A task that produced none
    (unreachable, failed) raises, so that no tenant reads as clean for lack of a result."""
    if result is None or (isinstance(result, dict) and result.get("skipped")):
        return []
    if not isinstance(result, dict) or result.get("unreachable") or result.get("failed") \
            or not isinstance(result.get("rules"), list):
        message = result.get("msg") if isinstance(result, dict) else None
        raise InvalidExceptionsError("the %s produced no result%s" % (what, ": %s" % message if message else ""))
    return result["rules"]


def judge_rules(split, written=None, held=None):
    """The role's report from split_rules()'s output and the registered results of the write (``written``) and of
    the check-mode read of the excepted properties (``held``): ``{report, expired, problem}``.

    ``report`` has one entry per rule, in order: ``{rule, object, matched, changes, failed_identities, accepted,
    expired, not_needed}``; ``accepted`` and ``expired`` list each excepted difference as ``{ref, owner, reason,
    expires, identity, property, current, desired}``; ``not_needed`` the rule's exceptions whose property already
    matches (``{ref, owner, reason, expires, expired}``). ``expired`` sums the expired exceptions that still differ
    (``{ref, owner, reason, expires, objects}``) and ``problem`` says so in one sentence (None when there are none)."""
    written_by = dict((r.get("name"), r) for r in _rule_results(written, "write of the baseline"))
    held_by = dict((r.get("name"), r) for r in _rule_results(held, "read of the settings under an exception"))
    # Each rule's exceptions: its own (rule.Property) and those of another role protecting the same setting.
    covering = [e for e in split["exceptions"] if e["kind"] == "rule"] + list(split.get("covered") or [])
    by_property = dict(((e["rule"], e["property"].lower()), e) for e in covering)
    report, lapsed = [], {}
    for rule in split["rules"]:
        name = rule.get("name")
        done, read = written_by.get(name) or {}, held_by.get(name) or {}
        accepted, expired, differing = [], [], set()
        for change in read.get("changes") or []:
            before, after = change.get("before") or {}, change.get("after") or {}
            for prop, desired in sorted(after.items()):
                exception = by_property.get((name, prop.lower()))
                if exception is None:       # not excepted (cannot happen with split_rules' held rules)
                    continue
                differing.add(exception["ref"])
                entry = dict(_public(exception), identity=change.get("identity"), property=prop,
                             current=before.get(prop), desired=desired)
                del entry["expired"]
                (expired if exception["expired"] else accepted).append(entry)
                if exception["expired"]:
                    summary = lapsed.setdefault(exception["ref"], dict(entry, objects=0))
                    summary["objects"] += 1
        mine = list(dict((e["ref"], e) for e in covering if e["rule"] == name).values())
        report.append(dict(rule=name, object=rule.get("object"), matched=done.get("matched", read.get("matched", 0)),
                           changes=done.get("changes") or [],
                           failed_identities=(done.get("failed_identities") or [])
                           + (read.get("failed_identities") or []),
                           accepted=accepted, expired=expired,
                           not_needed=[_public(e) for e in mine if e["ref"] not in differing]))
    expired = [dict((k, s[k]) for k in ("ref", "owner", "reason", "expires", "objects")) for s in lapsed.values()]
    problem = None
    if expired:
        problem = ("%d exception(s) expired while their settings still differ from the baseline, so those settings "
                   "were not written: %s. After review, renew the exception (a later expires) or remove it so that "
                   "the baseline applies." % (len(expired), "; ".join(
                       "%s (owner %s, expired %s, %d object(s))" % (e["ref"], e["owner"], e["expires"], e["objects"])
                       for e in expired)))
    return dict(report=report, expired=expired, problem=problem)


def held_controls(exceptions):
    """The SCuBA controls the exceptions hold back from remediation, by lower-cased ID: the control's own exception,
    or a role's rule exception protecting the setting the control fixes (``smtp_auth.SmtpClientAuthenticationDisabled``
    holds ``MS.EXO.5.1v1``)."""
    held = dict((e["ref"].lower(), e) for e in exceptions if e["kind"] == "control")
    for exception in exceptions:
        setting = setting_of(exception) if exception["kind"] == "rule" else None
        for control_id, control in CONTROLS.items():
            if setting and control.setting and (control.setting[0].lower(), control.setting[1].lower()) == setting:
                held.setdefault(control_id, exception)
    return held


def judge_controls(result, exceptions):
    """scuba_exchange's registered result with the exceptions applied to its ``controls``: a failing control under a
    live exception is ``accepted``, under an expired one ``fail`` naming the exception; a control that passes
    notes that its exception is no longer needed. Each excepted control carries ``exception`` ({ref, owner,
    reason, expires, expired}). The controls under an exception must have been assessed only (``assess_only``)."""
    if not isinstance(result, dict) or result.get("unreachable") or result.get("failed") \
            or not isinstance(result.get("controls"), list):
        message = result.get("msg") if isinstance(result, dict) else None
        raise InvalidExceptionsError("the SCuBA check produced no result%s" % (": %s" % message if message else ""))
    by_id = held_controls(exceptions)
    judged = []
    for control in result["controls"]:
        exception = by_id.get(str(control.get("id")).lower()) if isinstance(control, dict) else None
        if exception is None:
            judged.append(control)
            continue
        status, details = control.get("status"), list(control.get("details") or [])
        who = "owner %s, %s %s" % (exception["owner"], "expired" if exception["expired"] else "expires",
                                   exception["expires"])
        if status == "fail" and exception["expired"]:
            note = ("exception %s (%s) has expired: the control fails and was not remediated; renew the exception "
                    "after review or remove it (reason given: %s)" % (exception["ref"], who, exception["reason"]))
        elif status == "fail":
            status = "accepted"
            note = "accepted deviation %s (%s): %s" % (exception["ref"], who, exception["reason"])
        elif status == "pass":
            note = "exception %s (%s) is no longer needed: the control passes" % (exception["ref"], who)
        else:
            note = "exception %s (%s): %s" % (exception["ref"], who, exception["reason"])
        judged.append(dict(control, status=status, details=[note] + details, exception=_public(exception)))
    return judged
