#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: scuba_exchange
short_description: Assess (and remediate) the CISA SCuBA Exchange Online baseline in one customer tenant
version_added: 0.1.0
description:
  - Checks every MS.EXO control of CISA's SCuBA Exchange Online baseline (ScubaGear C(baselines/exo.md)) and reports
    each by its policy ID with V(pass), V(fail), V(fixed), V(manual) or V(error).
  - With O(remediate), fixes the controls Exchange cmdlets can fix (forwarding to remote domains, SMTP AUTH,
    sharing policies, the external sender warning rule, mailbox auditing, DKIM signing) through the same
    desired-state comparison as M(csp.exchange.exo_settings) and M(csp.exchange.exo_object).
  - Controls outside Exchange (SPF and DMARC records in DNS, the DKIM CNAMEs) are reported as V(manual) with what to
    check per domain, never as passed.
  - Where baselines disagree, SCuBA is followed; see C(docs/scuba-exchange.md).
options:
  remediate:
    description:
      - Fix what Exchange can fix. Without it (or in check mode) nothing is written.
    type: bool
    default: false
  controls:
    description:
      - Policy IDs to check (for example C(MS.EXO.5.1v1)); default all.
    type: list
    elements: str
  assess_only:
    description:
      - Policy IDs checked but never fixed, even with O(remediate), for deviations the partner accepted for this
        tenant (the C(csp.exchange.scuba_exchange) role fills it from the C(exceptions) variable, see
        C(docs/exceptions.md)).
      - A control listed here that fails is reported as V(fail); the role reports it as V(accepted) while its
        exception lasts.
    type: list
    elements: str
    default: []
  allowed_forwarding_domains:
    description:
      - Remote domains to which automatic forwarding is allowed in this tenant (ScubaGear's
        C(AllowedForwardingDomains) exclusion for MS.EXO.1.1v2), matched against each remote domain's C(DomainName).
      - V(*) is ignored with a warning, as ScubaGear ignores it, and the Default remote domain is still judged.
    type: list
    elements: str
    default: []
  warning_rule:
    description:
      - The transport rule created for MS.EXO.7.1v1 when no compliant rule exists, as C({name, prefix}).
      - A blank C(prefix) is refused.
    type: dict
    default: {}
extends_documentation_fragment:
  - csp.exchange.auth
  - csp.exchange.attributes
  - csp.exchange.attributes.in_process
  - csp.exchange.attributes.actiongroup_auth
attributes:
  check_mode:
    support: full
    details: Assesses only, as without O(remediate).
  diff_mode:
    support: none
  platform:
    platforms: all
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
- name: Assess the SCuBA Exchange controls
  csp.exchange.scuba_exchange:
    tenant: "{{ tenant_id }}"
  register: scuba

- name: Fix what Exchange can fix, allowing forwarding to one partner domain
  csp.exchange.scuba_exchange:
    tenant: "{{ tenant_id }}"
    remediate: true
    allowed_forwarding_domains: [partner.example]
"""

RETURN = r"""
controls:
  description: One entry per control.
  returned: success
  type: list
  elements: dict
  contains:
    id:
      description: The policy ID, for example C(MS.EXO.1.1v2).
      type: str
    status:
      description: V(pass), V(fail), V(fixed), V(manual) or V(error).
      type: str
    details:
      description: What was found (or done), one line per object or domain.
      type: list
      elements: str
    statement:
      description: The policy statement.
      type: str
    criticality:
      description: V(SHALL) or V(SHOULD).
      type: str
counts:
  description: Number of controls per status.
  returned: success
  type: dict
"""

from ansible_collections.csp.exchange.plugins.module_utils.module import CspModule
from ansible_collections.csp.exchange.plugins.module_utils.exchange.scuba import Context, assess, select


def main_logic(module):
    p = module.params
    controls = select(p["controls"])
    context = Context(module.exchange(), p["remediate"], module.check_mode, p["allowed_forwarding_domains"],
                      p["warning_rule"], warn=module.warn)
    results = assess(context, controls, p["assess_only"])
    counts = dict((status, sum(1 for r in results if r["status"] == status))
                  for status in ("pass", "fail", "fixed", "manual", "error"))
    return dict(changed=counts["fixed"] > 0, controls=results, counts=counts)


def main():
    module = CspModule(argument_spec=dict(
        remediate=dict(type="bool", default=False),
        controls=dict(type="list", elements="str"),
        assess_only=dict(type="list", elements="str", default=[]),
        allowed_forwarding_domains=dict(type="list", elements="str", default=[]),
        warning_rule=dict(type="dict", default={}),
    ))
    module.run(main_logic)


if __name__ == "__main__":
    main()
