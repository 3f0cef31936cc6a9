# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One named Exchange object with a lifecycle: created with New-, converged with Set- (only the differing
properties), removed with Remove-. Get/Set disagreements come from ``object_rules`` (data); comparison and value
forms from ``settings`` and ``normalize``, as for ``exo_settings``.

A plan is a list of steps (cmdlet, parameters). Writes that may or may not have happened (a lost answer) are not
resent blindly: the object is read again and the remaining steps planned from what Exchange now shows.
"""

import time

from . import nouns as rules
from ..errors import InvalidInputError, NotFoundError, OutcomeUnknownError, ServiceError
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
        self.refused = []           # [{parameter, cmdlet, reason}]: licence-dependent parameters access denied
        self.differing = set()      # names of the desired properties that differed from what Get- showed
        self._customized = False

    # -- reading ---------------------------------------------------------------------------------------------------

    def read(self):
        """The object as Get- shows it, or None when it does not exist."""
        parameters = {} if self.singleton and not self.identity else {"Identity": self.identity}
        try:
            rows = self.client.invoke("Get-%s" % self.noun, parameters).rows
        except NotFoundError:
            return None
        return rows[0] if rows else None

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

    def converge(self, state, allow_destructive=False, check_mode=False):
        """Read, plan and (unless ``check_mode``) write. Returns (action, before, after)."""
        row = self.read()
        before = self.compared(row)
        action, steps = self.plan(state, row, allow_destructive)
        for attempt in range(0 if check_mode else ATTEMPTS):
            try:
                self.run_steps(steps)
                break
            except OutcomeUnknownError:
                if attempt + 1 == ATTEMPTS:
                    raise
                steps = self.plan(state, self.read(), allow_destructive)[1]
        if state == "absent":
            return action, before, None
        wanted = dict((d.name, d.value) for d in self.desired if action == "created" or d.name in self.differing)
        return action, before, dict(before or {}, **wanted)

    def plan_create(self):
        name_parameter = rules.create_name(self.noun)
        new = {name_parameter: self.identity}
        new.update(self.create_parameters)
        later = {}
        for setting in self.desired:
            if setting.operation == "remove":       # nothing to remove from an object that does not exist yet
                continue
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
            steps.append(Step("Set-%s" % self.noun, dict(later, Identity=self.identity), after_create=True))
        return steps

    def plan_update(self, row):
        change = compare(row, self.desired, self.singleton)
        if change is None:
            return []
        self.differing = set(change.parameters)
        identity = {} if self.singleton and not self.identity else {"Identity": self.identity}
        steps, parameters = [], {}
        for name, value in change.parameters.items():
            if rules.has_state(self.noun) and name.lower() == rules.STATE_PROPERTY.lower():
                verb = "Enable" if str(value).strip().lower() == "enabled" else "Disable"
                steps.append(Step("%s-%s" % (verb, self.noun), dict(identity)))
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
            self._write(step)

    def _write(self, step):
        parameters = dict(step.parameters)
        waits = list(REPLICATION_WAITS) if step.after_create else []
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
        return [Step("Remove-%s" % self.noun, {"Identity": self.identity})]


def _truthy(value):
    return value is True or str(value).strip().lower() in ("true", "1", "yes", "$true")
