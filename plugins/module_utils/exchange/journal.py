# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The journal of a run's writes: one entry per write a task attempted, with the state before (as read, in the form
``exo_settings``/``exo_object`` take), the state after (as written) and the outcome.

The module only collects the entries and returns them under ``RESULT_KEY``; the action plugin on the controller
appends them to the journal file (``plugin_utils/journal.py``), where it also knows who ran the job (the AWX/AAP
job's user and id are play variables a module never sees). Reads and check mode attempt no write, so they add no
entry.
"""

import datetime

from ..errors import OutcomeUnknownError
from ..redact import MASK
from .parameter_check import CATALOG
from .values import to_input_value


RESULT_KEY = "_csp_journal"
# Parameters Microsoft's cmdlet reference types SecureString (New-Mailbox -Password, Set-Mailbox
# -RoomMailboxPassword, ...) are secrets: the journal keeps that they were written, never their value.
SECRET_TYPES = frozenset(["securestring"])


def outcome_of(error):
    """The journal outcome of a write that ended with ``error`` (None: it succeeded)."""
    if error is None:
        return "applied"
    # Retries spent after an unanswered attempt (the transport's maybe_applied): that attempt may have been applied.
    if isinstance(error, OutcomeUnknownError) or getattr(error, "maybe_applied", False):
        return "unknown"
    return "failed"


def as_settings(properties):
    """Properties as Get- showed them, in the form Set- takes and the comparison reads back as the same value."""
    if properties is None:
        return None
    return dict((name, to_input_value(name, value)) for name, value in properties.items())


class Journal:
    """Collects the entries of one module run. ``path`` None: journaling is off and nothing is kept."""

    def __init__(self, path, run_id, module, tenant):
        self.path = path
        self.run_id = run_id
        self.module = module
        self.tenant = tenant
        self.entries = []

    def record(self, action, noun, identity, before, after, outcome, rule=None, reason=None):
        if not self.path:
            return
        entry = dict(run_id=self.run_id, time=_now(), tenant=self.tenant, module=self.module, object=noun,
                     identity=identity, action=action, before=_masked(noun, before), after=_masked(noun, after),
                     outcome=outcome)
        if rule is not None:
            entry["rule"] = rule
        if reason:
            entry["reason"] = reason
        self.entries.append(entry)

    def result(self):
        """What the module returns for the action plugin to append; None when there is nothing to write."""
        if not self.path or not self.entries:
            return None
        return dict(path=self.path, entries=self.entries)


def _masked(noun, properties):
    if not properties:
        return properties
    return dict((name, MASK if value is not None and _secret(noun, name) else value)
                for name, value in properties.items())


def _secret(noun, name):
    for verb in ("New", "Set"):
        parameter = CATALOG.parameter("%s-%s" % (verb, noun), name)
        if parameter is not None and str(parameter.type).lower() in SECRET_TYPES:
            return True
    return False


def _now():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
