# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Partner-tenant clients for controller-side plugins, built from the ``csp.exchange.plugin_auth`` options
with the same checks the module base makes."""
from __future__ import absolute_import, division, print_function

import json

from ansible_collections.csp.exchange.plugins.module_utils.auth import TokenProvider
from ansible_collections.csp.exchange.plugins.module_utils.options import INSECURE_WARNING, check_connection_options
from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.graph import GraphClient
from ansible_collections.csp.exchange.plugins.module_utils.partner_center import PartnerCenterClient
from ansible_collections.csp.exchange.plugins.module_utils.retry import RetryPolicy
from ansible_collections.csp.exchange.plugins.module_utils.tenant import validate_tenant
from ansible_collections.csp.exchange.plugins.module_utils.transport import Transport

__metaclass__ = type

# What PartnerConnection reads: the plugin_auth fragment's options.
OPTIONS = ("partner_tenant", "client_id", "client_secret", "client_certificate_path", "client_certificate_passphrase",
           "refresh_token", "auth_mode",
           "cloud", "endpoints", "ca_path", "validate_certs", "timeout", "max_retries")


def parse_endpoints(value):
    """``endpoints`` as a dict; the environment variable holds it as JSON text."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise InvalidInputError("endpoints (or CSP_ENDPOINTS) must be a JSON object of base URLs, and is not valid JSON.")
    if not isinstance(value, dict):
        raise InvalidInputError("endpoints (or CSP_ENDPOINTS) must be a mapping of service name to base URL.")
    return value


class PartnerConnection:
    """Endpoints, transport and tokens for the partner tenant. Raises CspError subclasses, like the modules' layer;
    ``redactor`` learns every token acquired, so the caller can scrub messages."""

    def __init__(self, options, redactor, warn=None):
        p = options
        self.partner_tenant = validate_tenant(p["partner_tenant"], "partner_tenant")
        self.endpoints = check_connection_options(p, parse_endpoints(p["endpoints"]))
        if not p["validate_certs"] and warn:
            warn(INSECURE_WARNING)
        self.transport = Transport(ca_path=p["ca_path"], validate_certs=p["validate_certs"], timeout=p["timeout"],
                                   retry_policy=RetryPolicy(max_retries=p["max_retries"]))
        self.tokens = TokenProvider(self.endpoints, self.transport, client_id=p["client_id"],
                                    client_secret=p["client_secret"], certificate_path=p["client_certificate_path"],
                                    certificate_passphrase=p.get("client_certificate_passphrase"),
                                    refresh_token=p["refresh_token"], auth_mode=p["auth_mode"], redactor=redactor)
        self.tokens.check()

    def partner_center(self):
        return PartnerCenterClient(self.transport, self.tokens, self.endpoints, self.partner_tenant)

    def graph(self):
        return GraphClient(self.transport, self.tokens, self.endpoints, self.partner_tenant)
