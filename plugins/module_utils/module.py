# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module base: shared connection options, lazily built clients, and failures as one clean sentence.

Modules call ``CspModule(argument_spec=...).run(main)``; ``main(module)`` uses ``module.exchange()``,
``module.graph()``, ``module.partner_center()`` and returns the result dict. Any error of the shared layer
becomes ``fail_json`` with a redacted message, never a traceback.
"""
from __future__ import absolute_import, division, print_function

import contextlib
import copy

from ansible.module_utils.basic import AnsibleModule, env_fallback

from .auth import TokenProvider
from .endpoints import CLOUDS
from .errors import CspError, InvalidInputError
from .exchange import ExchangeClient
from .options import INSECURE_WARNING, check_connection_options
from .redact import Redactor
from .retry import RetryPolicy
from .tenant import is_guid, validate_tenant
from .token_cache import TokenCache
from .transport import Transport

__metaclass__ = type

AUTH_ARGSPEC = dict(
    tenant=dict(type="str", fallback=(env_fallback, ["CSP_TENANT"])),
    partner_tenant=dict(type="str", fallback=(env_fallback, ["CSP_PARTNER_TENANT"])),
    client_id=dict(type="str", fallback=(env_fallback, ["CSP_CLIENT_ID"])),
    client_secret=dict(type="str", no_log=True, fallback=(env_fallback, ["CSP_CLIENT_SECRET"])),
    client_certificate_path=dict(type="path", fallback=(env_fallback, ["CSP_CLIENT_CERTIFICATE_PATH"])),
    client_certificate_passphrase=dict(type="str", no_log=True,
                                       fallback=(env_fallback, ["CSP_CLIENT_CERTIFICATE_PASSPHRASE"])),
    refresh_token=dict(type="str", no_log=True, fallback=(env_fallback, ["CSP_REFRESH_TOKEN"])),
    access_token=dict(type="str", no_log=True),
    auth_mode=dict(type="str", default="auto", choices=["auto", "delegated", "app_only"],
                   fallback=(env_fallback, ["CSP_AUTH_MODE"])),
    cloud=dict(type="str", default="global", choices=sorted(CLOUDS), fallback=(env_fallback, ["CSP_CLOUD"])),
    endpoints=dict(type="dict", fallback=(env_fallback, ["CSP_ENDPOINTS"])),
    ca_path=dict(type="path", fallback=(env_fallback, ["CSP_CA_PATH"])),
    validate_certs=dict(type="bool", default=True),
    timeout=dict(type="int", default=60),
    max_retries=dict(type="int", default=10),
    token_cache=dict(type="path", fallback=(env_fallback, ["CSP_TOKEN_CACHE"])),
)


# What CspModule builds its module with: AnsibleModule in a module process; the collection's action plugins put
# plugin_utils/in_process.py's stand-in here while a module runs inside the controller's worker process.
_MODULE_CLASS = [AnsibleModule]


@contextlib.contextmanager
def in_process(build):
    """Build modules with ``build(argument_spec=..., **kwargs)`` instead of AnsibleModule, for the ``with`` block."""
    _MODULE_CLASS.append(build)
    try:
        yield
    finally:
        _MODULE_CLASS.pop()


class CspModule:
    """Wraps AnsibleModule (unknown attributes are delegated to it)."""

    def __init__(self, argument_spec=None, require_tenant=True, require_credentials=True, **kwargs):
        spec = copy.deepcopy(AUTH_ARGSPEC)
        spec.update(argument_spec or {})
        kwargs.setdefault("supports_check_mode", True)
        self.module = _MODULE_CLASS[-1](argument_spec=spec, **kwargs)
        p = self.module.params
        self.redactor = Redactor([p["client_secret"], p["refresh_token"], p["access_token"],
                                  p["client_certificate_passphrase"]])
        self._require_tenant = require_tenant
        self._require_credentials = require_credentials     # False: the module signs in itself (device code)
        self._transport = self._tokens = self._endpoints = None

    def __getattr__(self, name):
        return getattr(self.module, name)

    # -- set-up, all before any request -------------------------------------------------------------

    def _validate(self):
        p = self.module.params
        if self._require_tenant:
            p["tenant"] = validate_tenant(p["tenant"])
        self._endpoints = check_connection_options(p, p["endpoints"])
        if not p["validate_certs"]:
            self.module.warn(INSECURE_WARNING)
        if self._require_credentials:
            self.tokens.check()

    @property
    def endpoints(self):
        return self._endpoints

    @property
    def transport(self):
        if self._transport is None:
            p = self.module.params
            self._transport = Transport(ca_path=p["ca_path"], validate_certs=p["validate_certs"], timeout=p["timeout"],
                                        retry_policy=RetryPolicy(max_retries=p["max_retries"]))
        return self._transport

    @property
    def tokens(self):
        if self._tokens is None:
            p = self.module.params
            self._tokens = self.token_provider(
                p["auth_mode"], refresh_token=p["refresh_token"], access_token=p["access_token"],
                cache=TokenCache(p["token_cache"]) if p["token_cache"] and not p["access_token"] else None)
        return self._tokens

    def token_provider(self, auth_mode, **kwargs):
        """A TokenProvider with the module's app credential (secret, or certificate and passphrase)."""
        p = self.module.params
        return TokenProvider(self._endpoints, self.transport, client_id=p["client_id"], client_secret=p["client_secret"],
                             certificate_path=p["client_certificate_path"],
                             certificate_passphrase=p["client_certificate_passphrase"], auth_mode=auth_mode,
                             redactor=self.redactor, **kwargs)

    # -- clients --------------------------------------------------------------------------------------

    @property
    def tenant(self):
        return self.module.params["tenant"]

    # Graph and Partner Center clients are imported on use: most modules only talk to Exchange, and every
    # module_utils file a module imports is compiled from source in each module process.
    def graph(self, tenant=None):
        from .graph import GraphClient  # pylint: disable=import-outside-toplevel
        return GraphClient(self.transport, self.tokens, self._endpoints, tenant or self.tenant)

    def partner_center(self):
        from .partner_center import PartnerCenterClient  # pylint: disable=import-outside-toplevel
        partner = self.module.params["partner_tenant"]
        if not partner:
            raise InvalidInputError("partner_tenant is required for Partner Center calls (or set CSP_PARTNER_TENANT).")
        return PartnerCenterClient(self.transport, self.tokens, self._endpoints, validate_tenant(partner, "partner_tenant"))

    def exchange(self, tenant=None, page_size=1000):
        """A client addressing the tenant by GUID: a domain (vanity or not) is turned into the GUID from the
        Exchange token's ``tid`` claim, which costs no extra request and is always accepted by Exchange."""
        tenant = tenant or self.tenant
        segment = tenant if is_guid(tenant) else self.tenant_id(tenant)
        return ExchangeClient(self.transport, self.tokens, self._endpoints, segment, token_tenant=tenant,
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

    # -- results --------------------------------------------------------------------------------------

    def run(self, main):
        """Validate, call ``main(self)`` and exit with its result; every error becomes one clean failure."""
        try:
            self._validate()
            result = main(self)
        except CspError as exc:
            self.fail(exc.message, **exc.details)
        except Exception as exc:  # noqa: B902 - a module must never die with a traceback that may hold secrets
            self.fail("Unexpected %s: %s" % (type(exc).__name__, exc))
        self.exit(**result)

    def exit(self, **result):
        result.setdefault("changed", False)
        if self._transport is not None:
            result["http_stats"] = dict(self._transport.stats, waited_seconds=round(self._transport.stats["waited_seconds"], 3))
        self.module.exit_json(**self.redactor.data(result))

    def fail(self, msg, **details):
        self.module.fail_json(msg=self.redactor.text(msg), **self.redactor.data(details))
