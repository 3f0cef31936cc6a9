# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from ansible_collections.csp.exchange.plugins.plugin_utils import journal
from ansible_collections.csp.exchange.plugins.plugin_utils.in_process import InProcessAction, preload


preload("exo_settings")


class ActionModule(InProcessAction):
    """Runs csp.exchange.exo_settings in the worker process when the task targets the controller (plugin_utils/in_process.py),
    then appends the writes it attempted to the journal on the controller (plugin_utils/journal.py)."""

    def run(self, tmp=None, task_vars=None):
        return journal.record(super(ActionModule, self).run(tmp, task_vars), task_vars or {})
