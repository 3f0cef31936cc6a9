# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tenant identifiers: validation, and how to address a tenant so that Exchange writes work.

Exchange's admin API accepts the tenant GUID or the initial ``*.onmicrosoft.com`` domain in its path
and rejects vanity domains. The only reliable source of the initial domain is Graph ``/domains``
``isInitial`` (never a suffix match: a tenant can hold several ``*.onmicrosoft.com`` domains).
"""
from __future__ import absolute_import, division, print_function

import re

from .errors import InvalidInputError, ServiceError

__metaclass__ = type

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
