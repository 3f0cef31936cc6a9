#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: partner_customer_info
short_description: List the CSP partner's customer tenants
version_added: 0.1.0
description:
  - Lists the partner's customers from Partner Center (C(GET /v1/customers)) or from GDAP (Microsoft Graph
    C(tenantRelationships/delegatedAdminCustomers), the customers with at least one active delegated admin
    relationship), following every page.
  - Tokens are redeemed at O(partner_tenant); O(tenant) is not used.
  - For the same list as inventory, use the P(csp.exchange.partner_customers#inventory) inventory plugin.
options:
  source:
    description:
      - V(partner_center) lists every customer of the partner's Partner Center account. Needs a delegated
        token (O(refresh_token)) and the Partner Center C(user_impersonation) permission.
      - V(gdap) lists customers with an active GDAP relationship. Needs the Graph permission
        C(DelegatedAdminRelationship.Read.All) in the partner tenant. GDAP does not give the customer's
        domain, so RV(customers[].default_domain) is null.
    type: str
    choices: [partner_center, gdap]
    default: partner_center
  page_size:
    description:
      - Customers requested per page (Partner Center C(size), Graph C($top)). Every page is read whatever
        the size; a smaller size only means more requests.
    type: int
    default: 100
extends_documentation_fragment:
  - csp.exchange.auth
  - csp.exchange.attributes
  - csp.exchange.attributes.in_process
  - csp.exchange.attributes.actiongroup_auth
attributes:
  check_mode:
    support: full
    details: The module only reads, so it runs unchanged in check mode.
  diff_mode:
    support: none
  platform:
    platforms: all
notes:
  - The module never changes anything.
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
- name: Every customer in Partner Center (credentials from CSP_* variables)
  csp.exchange.partner_customer_info:
    partner_tenant: northwindpartners.onmicrosoft.com
  register: pc

- name: Customers with an active GDAP relationship
  csp.exchange.partner_customer_info:
    partner_tenant: 11111111-1111-1111-1111-111111111111
    source: gdap
  register: gdap

- name: Tenant ids of the Partner Center customers
  ansible.builtin.debug:
    msg: "{{ pc.customers | map(attribute='tenant_id') | list }}"
"""

RETURN = r"""
customers:
  description: The partner's customers, in the order the service lists them, each tenant once.
  returned: success
  type: list
  elements: dict
  contains:
    tenant_id:
      description: The customer tenant GUID, lower-case.
      type: str
      sample: 22222222-2222-2222-2222-222222222222
    name:
      description: The customer's company name (Partner Center) or Entra display name (GDAP).
      type: str
      sample: Contoso
    default_domain:
      description:
        - The customer's default domain as Partner Center reports it (lower-case); not necessarily its initial
          C(*.onmicrosoft.com) domain (use M(csp.exchange.tenant_initial_domain) for that).
        - Null with O(source=gdap).
      type: str
      sample: contoso.com
    relationship:
      description: Partner Center's C(relationshipToPartner) (for example V(reseller)), or V(gdap).
      type: str
      sample: reseller
"""

from ansible_collections.csp.exchange.plugins.module_utils.partner.customers import list_customers, validate_page_size
from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.module import CspModule
from ansible_collections.csp.exchange.plugins.module_utils.identity.tenant import validate_tenant


def main_logic(module):
    p = module.params
    page_size = validate_page_size(p["page_size"])
    if p["source"] == "partner_center":
        return dict(customers=list_customers("partner_center", partner_center=module.partner_center(),
                                             page_size=page_size))
    if not p["partner_tenant"]:
        raise InvalidInputError("partner_tenant is required to list GDAP customers (or set CSP_PARTNER_TENANT).")
    graph = module.graph(validate_tenant(p["partner_tenant"], "partner_tenant"))
    return dict(customers=list_customers("gdap", graph=graph, page_size=page_size))


def main():
    module = CspModule(argument_spec=dict(
        source=dict(type="str", default="partner_center", choices=["partner_center", "gdap"]),
        page_size=dict(type="int", default=100),
    ), require_tenant=False)
    module.run(main_logic)


if __name__ == "__main__":
    main()
