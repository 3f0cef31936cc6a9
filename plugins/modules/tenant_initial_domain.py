#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: tenant_initial_domain
short_description: Find a customer tenant's initial *.onmicrosoft.com domain
version_added: 0.1.0
description:
  - Reads the domain marked C(isInitial) from Microsoft Graph C(/v1.0/domains) in the customer tenant. It never
    guesses by suffix, since a tenant can hold several C(*.onmicrosoft.com) domains (for example a
    C(*.mail.onmicrosoft.com) routing domain).
  - With O(source=exchange) it reads C(Get-OrganizationConfig)'s C(Name) and the accepted domains instead, which
    needs only the Exchange permission.
options:
  source:
    description:
      - V(graph) uses Graph C(/domains); V(exchange) uses C(Get-OrganizationConfig) and C(Get-AcceptedDomain);
        V(auto) tries Graph and falls back to Exchange when Graph is not permitted.
    type: str
    choices: [auto, graph, exchange]
    default: auto
extends_documentation_fragment:
  - csp.exchange.auth
  - csp.exchange.attributes
  - csp.exchange.attributes.in_process
  - csp.exchange.attributes.actiongroup_auth
attributes:
  check_mode:
    support: full
    details: The module only reads.
  diff_mode:
    support: none
  platform:
    platforms: all
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
- name: Initial domain of a customer known by its vanity domain
  csp.exchange.tenant_initial_domain:
    tenant: contoso.com
  register: domains

- ansible.builtin.debug:
    msg: "{{ domains.initial_domain }} ({{ domains.tenant_id }})"
"""

RETURN = r"""
initial_domain:
  description: The tenant's initial domain.
  returned: success
  type: str
  sample: contoso.onmicrosoft.com
default_domain:
  description: The tenant's default domain.
  returned: success
  type: str
  sample: contoso.com
tenant_id:
  description: The tenant GUID.
  returned: success
  type: str
domains:
  description: Names of all the tenant's domains.
  returned: success
  type: list
  elements: str
source:
  description: Where the answer came from (C(graph) or C(exchange)).
  returned: success
  type: str
"""

from ansible_collections.csp.exchange.plugins.module_utils.errors import AuthError, ServiceError
from ansible_collections.csp.exchange.plugins.module_utils.module import CspModule
from ansible_collections.csp.exchange.plugins.module_utils.partner.domains import graph_domains


def from_graph(module):
    graph = module.graph()
    domains = graph_domains(graph)
    return dict(initial_domain=domains.initial, default_domain=domains.default, domains=domains.names,
                tenant_id=module.tokens.get("graph", module.tenant).tenant_id, source="graph")


def from_exchange(module):
    client = module.exchange()
    org = client.invoke("Get-OrganizationConfig", select=["Name"]).rows
    accepted = client.invoke("Get-AcceptedDomain", select=["DomainName", "Default"]).rows
    return dict(initial_domain=(org[0].get("Name") if org else None),
                default_domain=next((d["DomainName"] for d in accepted if d.get("Default")), None),
                domains=[d["DomainName"] for d in accepted], tenant_id=client.segment, source="exchange")


def main_logic(module):
    source = module.params["source"]
    if source == "exchange":
        return from_exchange(module)
    try:
        return from_graph(module)
    except (AuthError, ServiceError) as exc:
        # Graph not consented or not permitted (401/403): Exchange knows the initial domain as the org's Name.
        if source == "graph" or (isinstance(exc, ServiceError) and exc.status not in (401, 403)):
            raise
        result = from_exchange(module)
        module.warn(module.redactor.text("Graph could not list domains (%s); used Exchange instead." % exc.message))
        return result


def main():
    module = CspModule(argument_spec=dict(
        source=dict(type="str", default="auto", choices=["auto", "graph", "exchange"]),
    ))
    module.run(main_logic)


if __name__ == "__main__":
    main()
