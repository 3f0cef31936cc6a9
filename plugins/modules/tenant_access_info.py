#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: tenant_access_info
short_description: Check whether the partner can manage a customer's Exchange Online, and if not, why
version_added: 0.1.0
description:
  - Probes one customer tenant the way the other modules will use it and reports what stands in the way, each
    problem with its fix. Sends no write.
  - C(consent) reads which delegated scopes the partner app holds there, through Graph or, where Graph cannot be
    read, from each resource's own token (C(scp); AADSTS65001 means none), as M(csp.exchange.exo_consent) does.
  - C(gdap) lists the partner's GDAP relationships with the customer (Graph
    C(tenantRelationships/delegatedAdminRelationships) in O(partner_tenant), which needs
    C(DelegatedAdminRelationship.Read.All) there) with their status, end date and roles, and whether the Exchange Administrator
    role (C(29232cdf-9323-42fd-ade2-1d097af3e4de)) or Global Administrator is included.
  - C(exchange) runs one cheap read, C(Get-OrganizationConfig); C(domain) finds the initial domain (from that read,
    else Graph C(/domains)).
  - RV(ready) means Exchange can be managed now - the app holds Exchange.Manage and the Exchange read succeeded.
    GDAP that cannot be read, or no GDAP relationship at all (a DAP partner), is reported but does not by itself
    make a tenant not ready.
options:
  checks:
    description:
      - What to probe. A tenant is judged only on the checks that ran.
    type: list
    elements: str
    choices: [consent, gdap, exchange, domain, partner_token]
    default: [consent, gdap, exchange, domain, partner_token]
extends_documentation_fragment:
  - csp.exchange.auth
  - csp.exchange.attributes
  - csp.exchange.attributes.in_process
  - csp.exchange.attributes.actiongroup_auth
attributes:
  check_mode:
    support: full
    details: Reads only; runs the same in check mode.
  diff_mode:
    support: none
  platform:
    platforms: all
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
- name: Can Exchange be managed in this customer?
  csp.exchange.tenant_access_info:
    tenant: "{{ tenant_id }}"
  register: access

- name: Show what to fix
  ansible.builtin.debug:
    msg: "{{ access.problems | map(attribute='fix') | list }}"
  when: not access.ready
"""

RETURN = r"""
ready:
  description: Exchange Online can be managed in the tenant now.
  returned: always
  type: bool
tenant_id:
  description: The tenant GUID (from OpenID discovery when a domain was given); null when the tenant is unknown.
  returned: always
  type: str
initial_domain:
  description: The initial C(*.onmicrosoft.com) domain; null when it could not be read.
  returned: always
  type: str
consented:
  description: The partner app has a service principal in the tenant, as far as can be seen; null when unknown.
  returned: always
  type: bool
scopes:
  description:
    - Delegated scopes the app holds in the tenant per resource (C(exchange), C(graph), C(partner_center), else the
      resource app id), read from Graph or from each resource's own token.
  returned: always
  type: dict
  sample: {exchange: [Exchange.Manage]}
gdap:
  description: The partner's GDAP relationships with the customer; null when they could not be read.
  returned: always
  type: list
  elements: dict
  contains:
    name:
      description: The relationship's display name.
      type: str
    status:
      description: Its status (C(active), C(expired), C(terminated), ...).
      type: str
    end_date:
      description: When it ends or ended (ISO 8601).
      type: str
    roles:
      description: The Entra role template ids it grants.
      type: list
      elements: str
    exchange_administrator:
      description: The roles include Exchange Administrator or Global Administrator.
      type: bool
exchange_reachable:
  description: The cheap Exchange read (C(Get-OrganizationConfig)) succeeded.
  returned: always
  type: bool
partner_token:
  description:
    - Whether the partner's delegated token carries multi-factor authentication, which Partner Center requires on
      every app+user call since 2026-04-01 (read from the C(amr) claim of a Partner Center token at
      O(partner_tenant)); with C(message) and C(fix) when it does not. Null when not checked (app-only, no partner
      tenant, or not in O(checks)).
  returned: always
  type: dict
  contains:
    mfa:
      description: The token carries the multi-factor claim.
      type: bool
    message:
      description: What is wrong, when it does not.
      type: str
    fix:
      description: What to do about it.
      type: str
problems:
  description: What stands in the way, each with its fix; empty when RV(ready).
  returned: always
  type: list
  elements: dict
  contains:
    check:
      description: C(tenant), C(auth), C(consent), C(gdap), C(exchange) or C(partner_token).
      type: str
    message:
      description: What is wrong.
      type: str
    fix:
      description: What to do about it.
      type: str
"""

from ansible_collections.csp.exchange.plugins.module_utils.partner.access_check import CHECKS, check_access
from ansible_collections.csp.exchange.plugins.module_utils.module import CspModule


def main():
    module = CspModule(argument_spec=dict(
        checks=dict(type="list", elements="str", choices=list(CHECKS), default=list(CHECKS)),
    ))
    module.run(lambda m: check_access(m.clients, m.tenant, m.params["checks"]))


if __name__ == "__main__":
    main()
