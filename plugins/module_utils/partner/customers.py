# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The partner's customer list, from Partner Center or from GDAP, in one shape.

Shared by ``partner_customer_info`` and the ``partner_customers`` inventory plugin. Each customer is
``{tenant_id, name, default_domain, relationship}``.
"""

from ..errors import InvalidInputError


SOURCES = ("partner_center", "gdap")
# Partner Center accepts up to 500 per page and Graph up to 300; one limit keeps the option simple.
MAX_PAGE_SIZE = 300
GDAP_CUSTOMERS = "tenantRelationships/delegatedAdminCustomers"


def validate_page_size(page_size):
    if not 1 <= page_size <= MAX_PAGE_SIZE:
        raise InvalidInputError("page_size must be between 1 and %d, got %s." % (MAX_PAGE_SIZE, page_size))
    return page_size


def from_partner_center(item):
    profile = item.get("companyProfile") or {}
    tenant_id = profile.get("tenantId") or item.get("id")
    return customer(tenant_id, profile.get("companyName"), profile.get("domain"), item.get("relationshipToPartner"))


def from_gdap(item):
    # delegatedAdminCustomers carries no domain; finding one would cost a token per customer.
    return customer(item.get("tenantId") or item.get("id"), item.get("displayName"), None, "gdap")


def customer(tenant_id, name, default_domain, relationship):
    return {"tenant_id": (tenant_id or "").lower() or None, "name": name,
            "default_domain": default_domain.lower() if default_domain else None, "relationship": relationship}


def list_customers(source, partner_center=None, graph=None, page_size=100):
    """Every customer of the partner. ``partner_center`` is a PartnerCenterClient, ``graph`` a GraphClient
    at the partner tenant; only the one for ``source`` is used.

    Customers without a tenant id are dropped (nothing can address them), and a customer seen twice is kept
    once: a listing that changes while it is paged can repeat an item across pages.
    """
    if source == "partner_center":
        items = (from_partner_center(i) for i in partner_center.customers(page_size=page_size))
    elif source == "gdap":
        items = (from_gdap(i) for i in graph.list(GDAP_CUSTOMERS, params={"$top": page_size}))
    else:
        raise InvalidInputError("source must be one of %s, got %r." % (", ".join(SOURCES), source))
    seen = set()
    result = []
    for item in items:
        if item["tenant_id"] and item["tenant_id"] not in seen:
            seen.add(item["tenant_id"])
            result.append(item)
    return result
