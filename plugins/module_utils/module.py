# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The module base: the Ansible face of the collection, and the only library file that touches AnsibleModule.

Modules call ``CspModule(argument_spec=...).run(main)``; ``main(module)`` reads ``module.params``, calls library
functions with ``module.clients`` (``clients.py``), the tenant and ``module.warn``, and returns the result dict.
Any error of the shared layer becomes ``fail_json`` with a redacted message, never a traceback.
"""

import contextlib
import copy
import uuid

from ansible.module_utils.basic import AnsibleModule, env_fallback

from .clients import Clients
from .endpoints import CLOUDS
from .errors import CspError
from .exchange.journal import RESULT_KEY as JOURNAL_KEY, Journal
from .identity.tenant import validate_tenant
from .redact import Redactor


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

# The modules that write Exchange objects journal their writes (doc fragment csp.exchange.journal).
JOURNAL_ARGSPEC = dict(
    journal=dict(type="path", fallback=(env_fallback, ["CSP_JOURNAL"])),
    run_id=dict(type="str", fallback=(env_fallback, ["CSP_RUN_ID"])),
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


class SecretResult(dict):
    """A result that hands out a secret the module exists to return (``exo_token``'s access token, the device-code
    sign-in's refresh token): ``CspModule`` returns it without redacting it. The one way a module returns a secret;
    the option values marked ``no_log`` are still masked by Ansible."""


class CspModule:
    """Wraps AnsibleModule (unknown attributes are delegated to it) and owns the run's Clients."""

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
        self.clients = None
        self.journal = None         # the run's Journal, for modules that write (open_journal)

    def __getattr__(self, name):
        return getattr(self.module, name)

    def _validate(self):
        """Every check that needs no request: the tenant, the connection options, the credentials."""
        p = self.module.params
        if self._require_tenant:
            p["tenant"] = validate_tenant(p["tenant"])
        self.clients = Clients(p, self.redactor, tenant=p["tenant"], warn=self.module.warn)
        if self._require_credentials:
            self.clients.tokens.check()

    @property
    def tenant(self):
        return self.module.params["tenant"]

    # Shorthands for the run's clients, addressing the module's tenant unless told otherwise.
    @property
    def endpoints(self):
        return self.clients.endpoints

    @property
    def tokens(self):
        return self.clients.tokens

    def exchange(self, tenant=None, page_size=1000):
        return self.clients.exchange(tenant, page_size)

    def graph(self, tenant=None):
        return self.clients.graph(tenant)

    def partner_center(self):
        return self.clients.partner_center()

    def open_journal(self, module_name, client):
        """The Journal of this run's writes in the tenant ``client`` addresses (by GUID)."""
        p = self.module.params
        # A task run without a run id (outside the playbooks) is a run of its own, so that undo can still name it.
        run_id = p["run_id"] or "%s-%s" % (module_name.rsplit(".", 1)[-1], uuid.uuid4().hex[:12])
        self.journal = Journal(p["journal"], run_id, module_name, client.segment)
        return self.journal

    def _with_journal(self, result):
        entries = self.journal.result() if self.journal is not None else None
        if entries:
            result[JOURNAL_KEY] = entries
        return result

    # -- results --------------------------------------------------------------------------------------

    def run(self, main):
        """Validate, call ``main(self)`` and exit with its result; every error becomes one clean failure. The run's
        connections are closed either way."""
        try:
            try:
                self._validate()
                result = main(self)
            except CspError as exc:
                self.fail(exc.message, **exc.details)
            except Exception as exc:  # noqa: B902 - a module must never die with a traceback that may hold secrets
                self.fail("Unexpected %s: %s" % (type(exc).__name__, exc))
            self._exit(result, redact=not isinstance(result, SecretResult))
        finally:
            if self.clients is not None:
                self.clients.close()

    def exit(self, **result):
        self._exit(result, redact=True)

    def _exit(self, result, redact):
        result = self._with_journal(dict(result))
        result.setdefault("changed", False)
        stats = self.clients.http_stats if self.clients is not None else None
        if stats is not None:
            result["http_stats"] = stats
        self.module.exit_json(**(self.redactor.data(result) if redact else result))

    def fail(self, msg, **details):
        self.module.fail_json(msg=self.redactor.text(msg), **self.redactor.data(self._with_journal(dict(details))))
