# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One named Exchange object with a lifecycle: created with New-, converged with Set- (only the differing
properties), removed with Remove-. Get/Set disagreements come from ``object_rules`` (data); comparison and value
forms from ``settings`` and ``normalize``, as for ``exo_settings``.

A plan is a list of steps (cmdlet, parameters). Writes that may or may not have happened (a lost answer) are not
resent blindly: the object is read again (after a lost ``New-``, with the same allowance for replication lag as the
writes that follow a creation) and the remaining steps planned from what Exchange now shows; a second ``New-`` for
the same object is never sent in one run.

The object's name is decided in one place (``_new_name``): ``identity`` is the name it is found by; ``New-`` gives
it that name, or the ``Name`` of ``settings`` where that differs and ``Set-`` can rename (a rename is then a property
change, and a rerun finds the object by its new name); a name that could only lead to an object the next run cannot
find is refused before any request.
"""

import time

from . import nouns as rules
from . import parameter_check
from ..errors import CspError, InvalidInputError, NotFoundError, OutcomeUnknownError, ServiceError
from .journal import as_settings, outcome_of
from .values import to_set_value
from .settings import Desired, compare, is_singleton


REPLICATION_WAITS = (1, 2, 4, 8)      # seconds: a new object may answer 404 for a short while
ATTEMPTS = 2      # a write whose answer was lost is checked by reading the object again, then planned again


class Step:
    def __init__(self, cmdlet, parameters, after_create=False):
        self.cmdlet = cmdlet
        self.parameters = parameters
        self.after_create = after_create    # may meet the replication lag of the object just created


class ObjectRun:
    def __init__(self, client, noun, identity, settings, create_parameters=None):
        self.client = client
        self.noun = noun
        self.singleton = is_singleton(noun)
        if not identity and not self.singleton:
            raise InvalidInputError("identity is required for %s (only organisation singletons go without)." % noun)
        self.identity = identity
        self.desired = [Desired(name, value) for name, value in (settings or {}).items()]
        self.create_parameters = dict(create_parameters or {})
        self.name_parameter = rules.create_name(noun)
        self.new_name = self._new_name()    # the name New- gives the object, and the target of a rename
        self.current = identity             # the name Exchange knows the object by now
        self._new_sent = False
        self._by_new_name = True            # state absent looks the object up by identity only
        self.refused = []           # [{parameter, cmdlet, reason}]: licence-dependent parameters access denied
        self.differing = set()      # names of the desired properties that differed from what Get- showed
        self._steps_done = 0        # writes Exchange answered with success in this run (for the journal)
        self._after = {}            # the differing properties as they are after the update (plan_update)
        self._customized = False

    def _new_name(self):
        """The name ``New-`` gives the object (``identity`` unless ``settings`` renames it); refuses names that would
        create an object the next run cannot find by ``identity``."""
        given = next((k for k in self.create_parameters if k.lower() == self.name_parameter.lower()), None)
        if given is not None:
            value = self.create_parameters.pop(given)
            if self.identity and str(value).lower() != self.identity.lower():
                raise InvalidInputError(
                    "%s '%s': create_parameters %s '%s' differs from identity, so the object would be created under a "
                    "name it is never found by; set identity to '%s' (the name it is created with), or leave %s out of "
                    "create_parameters. Nothing was written." % (self.noun, self.identity, given, value, value, given))
        wanted = next((d for d in self.desired if d.name.lower() == "name"), None)
        if self.singleton or wanted is None or self.name_parameter != "Name" or \
                str(wanted.value).lower() == (self.identity or "").lower():
            return self.identity
        if not parameter_check.takes("Set-%s" % self.noun, "Name"):
            raise InvalidInputError(
                "%s '%s': settings Name '%s' would rename it, and Set-%s cannot rename (it takes no Name in Exchange "
                "Online). Set identity to '%s' to manage the object of that name, or leave Name out of settings. Nothing "
                "was written." % (self.noun, self.identity, wanted.value, self.noun, wanted.value))
        return str(wanted.value)

    # -- reading ---------------------------------------------------------------------------------------------------

    def read(self):
        """The object as Get- shows it (by identity, or by its new name once renamed), or None when it does not
        exist."""
        if self.singleton and not self.identity:
            rows = self.client.invoke("Get-%s" % self.noun, {}).rows
            return rows[0] if rows else None
        renamed = self._by_new_name and self.new_name != self.identity
        for name in [self.identity] + ([self.new_name] if renamed else []):
            try:
                rows = self.client.invoke("Get-%s" % self.noun, {"Identity": name}).rows
            except NotFoundError:
                continue
            if rows:
                self.current = name
                return rows[0]
        return None

    def _read_after_lost_answer(self):
        """The object after a write whose answer was lost. After a lost New-, with the replication lag allowed to the
        writes that follow a creation; an object still not visible then is reported, never created a second time."""
        row = self.read()
        waits = list(REPLICATION_WAITS) if self._new_sent else []
        while row is None and waits:
            time.sleep(waits.pop(0))
            row = self.read()
        if row is None and self._new_sent:
            raise OutcomeUnknownError(
                "New-%s '%s' in tenant %s got no answer and the object is still not visible after %d s; it was not "
                "sent again (a second New- could create a duplicate): check with Get-%s -Identity '%s' before running "
                "again." % (self.noun, self.new_name, self.client.token_tenant, sum(REPLICATION_WAITS), self.noun,
                            self.new_name))
        return row

    def compared(self, row):
        """The desired properties as ``row`` shows them (``before``/``after``); None when absent."""
        if row is None:
            return None
        lowered = dict((k.lower(), v) for k, v in row.items())
        return dict((d.name, lowered.get(d.name.lower())) for d in self.desired)

    # -- planning ---------------------------------------------------------------------------------------------------

    def plan(self, state, row, allow_destructive):
        """(action, steps) for the object as read."""
        if state == "absent":
            if row is None:
                return "none", []
            if self.singleton:
                raise InvalidInputError("%s is an organisation singleton: it cannot be removed (state: absent)."
                                        % self.noun)
            if not allow_destructive:
                raise InvalidInputError("%s '%s' exists and state is absent: removing it needs allow_destructive: "
                                        "true; nothing was written." % (self.noun, self.identity))
            return "removed", self.remove_step()
        if row is None:
            if self.singleton:
                raise InvalidInputError("%s could not be read in this tenant." % self.noun)
            return "created", self.plan_create()
        steps = self.plan_update(row)
        return ("updated" if steps else "none"), steps

    def converge(self, state, allow_destructive=False, check_mode=False, journal=None):
        """Read, plan and (unless ``check_mode``) write, recording the write in ``journal``. Returns (action, before,
        after)."""
        # Removing acts on the object named by identity alone, never on one that only bears the Name of settings.
        self._by_new_name = state != "absent"
        row = self.read()
        before = self.compared(row)
        action, steps = self.plan(state, row, allow_destructive)
        if steps and not check_mode:
            self._write_all(state, steps, allow_destructive, action, row, journal)
        if state == "absent":
            return action, before, None
        wanted = dict((d.name, d.value) for d in self.desired if action == "created" or d.name in self.differing)
        return action, before, dict(before or {}, **wanted)

    def _write_all(self, state, steps, allow_destructive, action, row, journal):
        error = None
        try:
            for attempt in range(ATTEMPTS):
                try:
                    self.run_steps(steps)
                    break
                except OutcomeUnknownError:
                    if attempt + 1 == ATTEMPTS:
                        raise
                    steps = self.plan(state, self._read_after_lost_answer(), allow_destructive)[1]
        except CspError as exc:
            error = exc
            raise
        finally:
            if journal is not None:
                outcome, reason = outcome_of(error), error.message if error is not None else None
                if outcome == "failed" and self._steps_done:
                    # New- created the object (or a Set- went through) before a later step failed: the object did
                    # change, so the line must not read as a write that changed nothing (undo skips those).
                    outcome, reason = "applied", "partly applied; a later step failed: %s" % reason
                journal.record(action, self.noun, *self._journal_entry(action, row), outcome=outcome, reason=reason)

    def _journal_entry(self, action, row):
        """(identity, before, after) of the write for the journal: what undoing it needs. A created object is
        named as it was created; a removed one keeps the whole object as read, to re-create it from."""
        if action == "created":
            after = dict((d.name, d.value) for d in self.desired)
            after.update(self.create_parameters)
            after[self.name_parameter] = self.new_name
            return self.new_name, None, after
        if action == "removed":
            return self.current, as_settings(row), None
        renamed = any(name.lower() == "name" for name in self.differing)
        lowered = dict((k.lower(), v) for k, v in row.items())
        before = as_settings(dict((name, lowered.get(name.lower())) for name in self.differing))
        after = dict((d.name, self._after.get(d.name, d.value)) for d in self.desired if d.name in self.differing)
        return (self.new_name if renamed else self.current), before, after

    def plan_create(self):
        new = {self.name_parameter: self.new_name}
        new.update(self.create_parameters)
        later = {}
        for setting in self.desired:
            if setting.operation == "remove":       # nothing to remove from an object that does not exist yet
                continue
            if setting.name.lower() == self.name_parameter.lower():
                continue                            # New- names it (_new_name)
            value = setting.value
            if rules.has_state(self.noun) and setting.name.lower() == rules.STATE_PROPERTY.lower():
                new["Enabled"] = str(value).strip().lower() == "enabled"
            elif setting.name.lower() in rules.SWITCHES:
                if _truthy(value):
                    new[rules.SWITCHES[setting.name.lower()]] = True
            elif rules.new_takes(self.noun, setting.name):
                new[setting.name] = to_set_value(setting.name, value)
            else:
                later[setting.name] = to_set_value(setting.name, value)
        steps = [Step("New-%s" % self.noun, new)]
        if later:
            steps.append(Step("Set-%s" % self.noun, dict(later, Identity=self.new_name), after_create=True))
        return steps

    def plan_update(self, row):
        change = compare(row, self.desired, self.singleton)
        if change is None:
            return []
        self.differing = set(change.parameters)
        self._after = dict(change.after)    # values as they are after the write (a list add: the whole list)
        identity = {} if self.singleton and not self.identity else {"Identity": self.current}
        # After a rename in the Set-, the steps that follow address the object by its new name.
        renamed = dict(identity, Identity=self.new_name) if any(n.lower() == "name" for n in change.parameters) \
            else identity
        steps, parameters = [], {}
        for name, value in change.parameters.items():
            if rules.has_state(self.noun) and name.lower() == rules.STATE_PROPERTY.lower():
                verb = "Enable" if str(value).strip().lower() == "enabled" else "Disable"
                steps.append(Step("%s-%s" % (verb, self.noun), dict(renamed)))
            elif name.lower() in rules.SWITCHES:
                if not _truthy(value):
                    raise InvalidInputError(
                        "%s '%s': %s cannot be turned off directly; make another %s the default (%s: true) instead."
                        % (self.noun, self.identity, name, self.noun, name))
                parameters[rules.SWITCHES[name.lower()]] = True
            else:
                parameters[name] = value
        if parameters:
            steps.insert(0, Step("Set-%s" % self.noun, dict(parameters, **identity)))
        return steps

    # -- writing ----------------------------------------------------------------------------------------------------

    def run_steps(self, steps):
        for step in steps:
            if self._write(step) is not None:      # None: every parameter was refused, nothing was written
                self._steps_done += 1

    def _write(self, step):
        parameters = dict(step.parameters)
        waits = list(REPLICATION_WAITS) if step.after_create else []
        if step.cmdlet.startswith("New-"):
            self._new_sent = True
        while True:
            try:
                return self.client.invoke(step.cmdlet, parameters)
            except OutcomeUnknownError:
                raise
            except NotFoundError:
                if not waits:
                    raise
                time.sleep(waits.pop(0))
            except ServiceError as exc:
                if rules.NEEDS_CUSTOMIZATION.search(exc.message) and not self._customized:
                    self._customize()
                    continue
                refused = rules.ACCESS_DENIED_PARAMETER.search(exc.message)
                dropped = refused and next((k for k in parameters if k.lower() == refused.group(1).lower()), None)
                if not dropped:
                    raise
                self.refused.append(dict(parameter=dropped, cmdlet=step.cmdlet, reason=exc.message))
                del parameters[dropped]
                if not [k for k in parameters if k != "Identity"] and step.cmdlet.startswith("Set-"):
                    return None

    def _customize(self):
        """Enable-OrganizationCustomization, once: it fails when the organisation is already customised (someone
        else ran it meanwhile), which is the state wanted."""
        self._customized = True
        try:
            self.client.invoke(rules.CUSTOMIZATION_CMDLET, {})
        except ServiceError as exc:
            if not rules.ALREADY_CUSTOMIZED.search(exc.message):
                raise

    def remove_step(self):
        return [Step("Remove-%s" % self.noun, {"Identity": self.current})]


def _truthy(value):
    return value is True or str(value).strip().lower() in ("true", "1", "yes", "$true")
