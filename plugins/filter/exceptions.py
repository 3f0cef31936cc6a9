# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Filters over the partner's accepted deviations (the ``exceptions`` variable), used by the exchange_baseline and
scuba_exchange roles; the logic and its rules live in plugin_utils/exceptions.py, and docs/exceptions.md says how a
partner writes them. Each filter's documentation is in the YAML file of its name beside this one."""

from ansible.errors import AnsibleFilterError
from ansible.utils.display import Display

from ansible_collections.csp.exchange.plugins.module_utils.exchange.scuba import BY_ID
from ansible_collections.csp.exchange.plugins.plugin_utils import exceptions

CONTROL_IDS = dict((key, control.id) for key, control in BY_ID.items())


def _guarded(function):
    def run(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except exceptions.InvalidExceptionsError as exc:
            raise AnsibleFilterError(str(exc))
    run.__name__ = function.__name__
    run.__doc__ = function.__doc__
    return run


def exceptions_checked(value, as_of=None):
    return exceptions.check(value, exceptions.judged_at(as_of))


def exceptions_split_rules(rules, checked, others=None):
    return exceptions.split_rules(list(rules or []), checked, warn=Display().warning, others=list(others or []))


def exceptions_judge_rules(split, written=None, held=None):
    return exceptions.judge_rules(split, written, held)


def exceptions_filter_plan(changes, rules, checked):
    return exceptions.plan_without_held(list(changes or []), list(rules or []), checked)


def exceptions_held_controls(checked):
    return sorted(CONTROL_IDS[i] for i in exceptions.held_controls(checked))


def exceptions_judge_controls(result, checked):
    return exceptions.judge_controls(result, checked)


class FilterModule(object):
    def filters(self):
        found = (exceptions_checked, exceptions_split_rules, exceptions_judge_rules, exceptions_held_controls,
                 exceptions_judge_controls, exceptions_filter_plan)
        return dict((f.__name__, _guarded(f)) for f in found)
