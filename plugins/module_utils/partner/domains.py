# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A tenant's domains as Graph lists them, and its initial ``*.onmicrosoft.com`` domain.

The only reliable source of the initial domain is Graph ``/domains`` ``isInitial`` (never a suffix match: a tenant
can hold several ``*.onmicrosoft.com`` domains); see https://learn.microsoft.com/graph/api/domain-list.
"""

from ..errors import ServiceError


class Domains:
    """A tenant's domains as Graph lists them."""

    def __init__(self, items):
        self.items = items

    @property
    def initial(self):
        return next((d["id"] for d in self.items if d.get("isInitial")), None)

    @property
    def default(self):
        return next((d["id"] for d in self.items if d.get("isDefault")), None)

    @property
    def names(self):
        return [d["id"] for d in self.items]


def graph_domains(graph):
    """List ``/domains`` (Graph refuses ``$filter`` there, so filter client-side) and check one is initial."""
    domains = Domains(graph.list("domains"))
    if not domains.initial:
        raise ServiceError("Graph listed no initial domain for tenant %s; the tenant data is incomplete."
                           % graph.tenant)
    return domains
