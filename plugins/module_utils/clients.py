# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place that wires the clients: endpoints, one transport, tokens, and the Exchange, Graph and Partner
Center clients built on them, for modules (``module.py``), the inventory plugin and the action plugins alike.

Everything is checked before any request and built on first use: most tasks only talk to Exchange, and each
module_utils file a module process imports is compiled from source.
"""

import json
import uuid

from .endpoints import Endpoints
from .errors import InvalidInputError
from .exchange.client import ExchangeClient
from .http.retry import RetryPolicy
from .http.transport import Transport
from .identity.tenant import is_guid, validate_tenant
from .identity.token_cache import TokenCache
from .identity.tokens import TokenProvider


INSECURE_WARNING = ("validate_certs is false: TLS certificates are NOT verified, so anyone on the network path can "
                    "read the partner's tokens. Use ca_path instead outside throw-away tests.")

# The connection options every consumer shares (the auth doc fragments); modules add tenant, access_token and
# token_cache.
CONNECTION_OPTIONS = ("partner_tenant", "client_id", "client_secret", "client_certificate_path",
                      "client_certificate_passphrase", "refresh_token", "auth_mode",
                      "cloud", "endpoints", "ca_path", "validate_certs", "timeout", "max_retries")


def parse_endpoints(value):
    """``endpoints`` as a dict; an environment variable holds it as JSON text."""
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


def check_connection_options(options):
    """Validate timeout, retries and credentials; return the Endpoints for ``cloud`` and the overrides."""
    if options["timeout"] <= 0:
        raise InvalidInputError("timeout must be a positive number of seconds, got %s." % options["timeout"])
    if options["max_retries"] < 0:
        raise InvalidInputError("max_retries must be 0 or more, got %s." % options["max_retries"])
    if options["client_secret"] and options["client_certificate_path"]:
        raise InvalidInputError("Set client_secret or client_certificate_path, not both.")
    try:
        return Endpoints(options["cloud"], parse_endpoints(options["endpoints"]))
    except ValueError as exc:
        raise InvalidInputError(str(exc) + ".")


class Clients:
    """The clients of one run. ``tenant`` is the tenant a call addresses when it names none (the module's customer,
    or the partner tenant for controller plugins). Raises CspError subclasses; ``redactor`` learns every token
    acquired, so the caller can scrub messages."""

    def __init__(self, options, redactor, tenant=None, warn=None):
        self._options = options
        self.redactor = redactor
        self.tenant = tenant
        self.endpoints = check_connection_options(options)
        if not options["validate_certs"] and warn:
            warn(INSECURE_WARNING)
        self._transport = self._tokens = None
        # Partner Center's MS-CorrelationId: one per run, so every Partner Center call of the run can be found together.
        self.correlation_id = str(uuid.uuid4())

    @classmethod
    def for_partner(cls, options, redactor, warn=None):
        """Clients addressing the partner tenant (the inventory plugin), credentials checked before any request."""
        clients = cls(options, redactor, tenant=validate_tenant(options["partner_tenant"], "partner_tenant"), warn=warn)
        clients.tokens.check()
        return clients

    @property
    def partner_tenant(self):
        partner = self._options.get("partner_tenant")
        if not partner:
            raise InvalidInputError("partner_tenant is required for Partner Center calls (or set CSP_PARTNER_TENANT).")
        return validate_tenant(partner, "partner_tenant")

    @property
    def transport(self):
        if self._transport is None:
            p = self._options
            self._transport = Transport(ca_path=p["ca_path"], validate_certs=p["validate_certs"], timeout=p["timeout"],
                                        retry_policy=RetryPolicy(max_retries=p["max_retries"]))
        return self._transport

    @property
    def tokens(self):
        """The run's token provider: the configured auth mode, refresh or access token, and token cache."""
        if self._tokens is None:
            p = self._options
            access_token, cache_path = p.get("access_token"), p.get("token_cache")
            self._tokens = self.token_provider(
                p["auth_mode"], refresh_token=p["refresh_token"], access_token=access_token,
                cache=TokenCache(cache_path) if cache_path and not access_token else None)
        return self._tokens

    def token_provider(self, auth_mode, **kwargs):
        """A TokenProvider with the app credential (secret, or certificate and passphrase) in ``auth_mode``."""
        p = self._options
        return TokenProvider(self.endpoints, self.transport, client_id=p["client_id"], client_secret=p["client_secret"],
                             certificate_path=p["client_certificate_path"],
                             certificate_passphrase=p.get("client_certificate_passphrase"), auth_mode=auth_mode,
                             redactor=self.redactor, **kwargs)

    @property
    def has_app_credential(self):
        """Whether app-only tokens can be had (a client secret or certificate is configured)."""
        return bool(self._options["client_id"] and (self._options["client_secret"]
                                                    or self._options["client_certificate_path"]))

    @property
    def client_id(self):
        return self._options["client_id"]

    # Graph and Partner Center are imported on use: most modules only talk to Exchange.
    def graph(self, tenant=None):
        from .partner.graph import GraphClient  # pylint: disable=import-outside-toplevel
        return GraphClient(self.transport, self.tokens, self.endpoints, tenant or self.tenant)

    def partner_center(self):
        from .partner.partner_center import PartnerCenterClient  # pylint: disable=import-outside-toplevel
        return PartnerCenterClient(self.transport, self.tokens, self.endpoints, self.partner_tenant,
                                   correlation_id=self.correlation_id)

    def exchange(self, tenant=None, page_size=1000):
        """A client addressing the tenant by GUID: a domain (vanity or not) is turned into the GUID from the
        Exchange token's ``tid`` claim, which costs no extra request and is always accepted by Exchange."""
        tenant = tenant or self.tenant
        segment = tenant if is_guid(tenant) else self.tenant_id(tenant)
        return ExchangeClient(self.transport, self.tokens, self.endpoints, segment, token_tenant=tenant,
                              page_size=page_size)

    def tenant_id(self, tenant=None):
        """The tenant GUID, read from an Exchange token's ``tid``."""
        tenant = tenant or self.tenant
        if is_guid(tenant):
            return tenant
        tid = self.tokens.get("exchange", tenant).tenant_id
        if not tid:
            raise InvalidInputError("The token for tenant %s carries no tid claim; pass the tenant GUID instead." % tenant)
        return tid.lower()

    @property
    def http_stats(self):
        """Requests, retries and waits of the run; None when nothing was sent."""
        if self._transport is None:
            return None
        stats = self._transport.stats
        return dict(stats, waited_seconds=round(stats["waited_seconds"], 3))

    def close(self):
        """Close the run's HTTP connections (the worker process lives on after a module run inside it)."""
        if self._transport is not None:
            self._transport.close()
