# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """Descriptions of the standard module attributes; each module states its own C(support) and details."""

    # Use as csp.exchange.attributes; the module documents support for each attribute.
    DOCUMENTATION = r"""
attributes:
  check_mode:
    description: Can run in check_mode and return changed status prediction without modifying target.
  diff_mode:
    description: Will return details on what has changed (or possibly needs changing in check_mode), when in diff mode.
  platform:
    description: Target OS/families that can be operated against.
    support: N/A
"""

    # Use as csp.exchange.attributes.actiongroup_auth for modules listed in the auth action group.
    ACTIONGROUP_AUTH = r"""
attributes:
  action_group:
    description: Use C(group/csp.exchange.auth) in C(module_defaults) to set defaults for this module.
    support: full
    membership:
      - csp.exchange.auth
"""

    # Use as csp.exchange.attributes.in_process for modules with an action plugin of plugin_utils/in_process.py.
    IN_PROCESS = r"""
attributes:
  action:
    description:
      - >-
        Has an action plugin. With C(connection: local) (every host of the C(csp.exchange.partner_customers)
        inventory) the module runs inside the worker process Ansible forked for the task, not in a new Python
        process, which saves most of each task's CPU when a play covers hundreds of tenants.
      - >-
        The module then runs with the controller's Python and its libraries, and returns exactly what a module
        process returns (the same JSON boundary). It runs as a module process with another connection, C(become),
        C(async), a task C(environment), an C(ansible_python_interpreter) that names another interpreter than the
        controller's, when the controller's Python lacks requests, msal or cryptography or has older ones than the
        collection's C(requirements.txt) allows, or when the variable C(csp_exchange_in_process) (or the
        environment variable C(CSP_IN_PROCESS)) is false. Set to true, it keeps the module in the worker even where
        C(ansible_python_interpreter) names another interpreter (for example a wrapper around the same Python).
    support: full
"""
