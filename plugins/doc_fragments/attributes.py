# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type


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
