# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: journal_undo
short_description: The reverse of a run, per tenant, from a csp.exchange journal
version_added: 0.3.0
description:
  - Reads a journal written by M(csp.exchange.exo_settings) and M(csp.exchange.exo_object) (option C(journal)) on
    the controller and returns, for one run, what C(playbooks/undo.yml) applies in each tenant.
  - Values the run changed become an exo_settings C(plan) from after back to before, newest first, so a value
    changed since the run is reported stale and never overwritten. Objects the run created are listed for removal,
    objects it removed for re-creation from the object as read where Exchange Online has a C(New-) cmdlet for them.
    What cannot be reversed (a write whose outcome is unknown, a property C(Set-) does not take) is listed with the
    reason. Failed writes changed nothing and are skipped.
options:
  _terms:
    description: The journal file (one path).
    required: true
  run_id:
    description:
      - The run to reverse. Default - the newest run in the journal whose id does not start with C(undo-) (the ids
        undo.yml gives its own runs), so that running undo.yml again never reverses the undo.
    type: str
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
- name: What undoing run 2026-12-01-baseline would do in each tenant
  ansible.builtin.debug:
    msg: "{{ lookup('csp.exchange.journal_undo', 'journal.jsonl', run_id='2026-12-01-baseline') }}"
"""

RETURN = r"""
_raw:
  description:
    - One mapping C({run_id, tenants}); C(tenants) maps each tenant GUID (lower case) to C({rules, plan, remove,
      recreate, listed}) - C(rules) and C(plan) as exo_settings takes them, C(remove) and C(recreate) lists of
      exo_object arguments, C(listed) the writes that are not reversed, each with its C(reason).
  type: list
  elements: dict
"""

from ansible.errors import AnsibleLookupError
from ansible.plugins.lookup import LookupBase

from ansible_collections.csp.exchange.plugins.module_utils.errors import CspError
from ansible_collections.csp.exchange.plugins.module_utils.exchange.undo import parse_lines, reverse


class LookupModule(LookupBase):

    def run(self, terms, variables=None, **kwargs):
        self.set_options(var_options=variables, direct=kwargs)
        if len(terms) != 1:
            raise AnsibleLookupError("journal_undo takes one journal file, got %d." % len(terms))
        path = str(terms[0])
        try:
            with open(path, encoding="utf-8") as handle:
                entries = parse_lines(handle, "journal %s" % path)
            return [reverse(entries, self.get_option("run_id"))]
        except OSError as exc:
            raise AnsibleLookupError("journal %s cannot be read: %s" % (path, exc.strerror or exc))
        except CspError as exc:
            raise AnsibleLookupError(exc.message)
