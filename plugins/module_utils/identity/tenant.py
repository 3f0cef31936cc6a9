# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant identifiers: validation, and a domain's tenant GUID from the identity platform's discovery document.

Exchange's admin API accepts the tenant GUID or the initial ``*.onmicrosoft.com`` domain in its path and rejects
vanity domains, so a tenant named by a domain is addressed by its GUID (``partner/domains.py`` finds the initial
domain).
"""

import re

from ..errors import InvalidInputError


GUID_RE = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
DOMAIN_RE = re.compile(r"^(?=.{1,253}$)(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$")


def is_guid(value):
    return bool(GUID_RE.match(value or ""))


def validate_tenant(value, option="tenant"):
    """The tenant as given, lower-cased, if it is a GUID or a DNS domain; InvalidInputError otherwise."""
    if not value:
        raise InvalidInputError("%s is required: the customer tenant GUID or one of its domains (or set CSP_TENANT)."
                                % option)
    value = str(value).strip()
    if not (is_guid(value) or DOMAIN_RE.match(value)):
        raise InvalidInputError("%s %r is neither a tenant GUID nor a domain name." % (option, value))
    return value.lower()


def tenant_guid_from_discovery(transport, endpoints, domain):
    """A tenant's GUID from its OpenID configuration (no token needed): the first path segment of token_endpoint."""
    url = "%s/%s/v2.0/.well-known/openid-configuration" % (endpoints.base["login"], domain)
    response = transport.request("GET", url, what="tenant discovery for %s" % domain)
    doc = response.json()
    if response.status != 200 or not isinstance(doc, dict) or "token_endpoint" not in doc:
        raise InvalidInputError("The identity platform does not know tenant %s (HTTP %s); check the domain."
                                % (domain, response.status))
    return doc["token_endpoint"].split("/")[3].lower()
