# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tokens through msal: delegated (partner refresh token, Secure Application Model), app-only (client
credentials) or a given access token.

One msal ConfidentialClientApplication per authority, built on first use, all sharing one ``http_cache`` and one
http client that sends through our Transport (TLS trust, proxies and retries as for every other call). msal is
imported only when a token must really be acquired: a task served by the token cache never loads it.
"""

import base64
import json
import threading
import time
from importlib.util import find_spec

from . import aadsts
from ..errors import AuthError, InvalidInputError
from .token_cache import cache_key


HAS_MSAL = find_spec("msal") is not None
SERVICE_LABELS = {"exchange": "an Exchange Online", "graph": "a Microsoft Graph", "partner_center": "a Partner Center"}
# A token with under 5 minutes left counts as expired (as msal does); re-acquire a little earlier than that.
EXPIRY_MARGIN = 330
# "We can answer claims challenges" (Continuous Access Evaluation): the resource may then send one on a 401.
CLIENT_CAPABILITIES = ["CP1"]


def jwt_claims(token):
    """Claims of a JWT without verifying it (we only read ``tid``/``scp`` of our own tokens)."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        return json.loads(base64.urlsafe_b64decode(payload.encode("ascii")).decode("utf-8"))
    except (IndexError, ValueError, UnicodeDecodeError):
        return {}


class AccessToken:
    """``expires_on`` is on this machine's clock (acquired + ``expires_in``), so a skewed clock cannot make a fresh
    token look expired or an expired one fresh."""

    def __init__(self, token, expires_on, tenant_id=None, scopes=None, token_type="Bearer"):
        self.token = token
        self.expires_on = int(expires_on)
        self.tenant_id = tenant_id
        self.scopes = scopes or []
        self.token_type = token_type

    @property
    def fresh(self):
        return self.expires_on - time.time() > EXPIRY_MARGIN

    @classmethod
    def from_jwt(cls, token, expires_on=None):
        claims = jwt_claims(token)
        scopes = (claims.get("scp") or "").split() or list(claims.get("roles") or [])
        return cls(token, expires_on if expires_on is not None else claims.get("exp") or 0, claims.get("tid"), scopes)


class _MsalResponse:
    """The response shape msal expects from an ``http_client``."""

    def __init__(self, status, text, headers):
        self.status_code = status
        self.text = text
        self.headers = headers

    def raise_for_status(self):
        if self.status_code >= 400:
            raise RuntimeError("HTTP %s from the identity platform" % self.status_code)


class MsalHttpClient:
    """msal's http client: token requests go through our Transport; tenant discovery is answered here.

    msal reads ``{login}/{tenant}/v2.0/.well-known/openid-configuration`` before the first token of every tenant:
    a round trip per tenant and task. Entra's endpoints follow one template for every tenant and cloud (the
    ``endpoints.login`` contract: the tenant path and ``/oauth2/v2.0/token`` appended), so the document is built
    here; an unknown tenant then fails at the token endpoint with AADSTS90002 instead."""

    def __init__(self, transport, login, tenant):
        self.transport = transport
        self.login = login
        self.what = "the identity platform request for tenant %s" % tenant

    def post(self, url, params=None, data=None, headers=None, **kwargs):   # pylint: disable=unused-argument
        return self._call("POST", url, params, data, headers)

    def get(self, url, params=None, headers=None, **kwargs):   # pylint: disable=unused-argument
        document = None if params else self._discovery(url)
        if document is not None:
            return _MsalResponse(200, json.dumps(document), {"Content-Type": "application/json"})
        return self._call("GET", url, params, None, headers)

    def _call(self, method, url, params, data, headers):
        if params:
            from urllib.parse import urlencode   # pylint: disable=import-outside-toplevel
            url = "%s%s%s" % (url, "&" if "?" in url else "?", urlencode(params))
        response = self.transport.request(method, url, headers=headers, data=data, follow_redirects=False,
                                          what=self.what)
        return _MsalResponse(response.status, response.text, dict(response.headers))

    def _discovery(self, url):
        suffix = "/v2.0/.well-known/openid-configuration"
        tenant = url[len(self.login) + 1:-len(suffix)] if url.startswith(self.login + "/") and url.endswith(suffix) else ""
        if not tenant or "/" in tenant:
            return None
        authority = "%s/%s" % (self.login, tenant)
        return {"authorization_endpoint": authority + "/oauth2/v2.0/authorize",
                "token_endpoint": authority + "/oauth2/v2.0/token",
                "device_authorization_endpoint": authority + "/oauth2/v2.0/devicecode",
                "issuer": authority + "/v2.0"}

    def close(self):
        pass


def claims_with_capabilities(claims):
    """A claims challenge (JSON text) with our client capabilities added, as msal does for app-only requests."""
    document = json.loads(claims) if claims else {}
    document.setdefault("access_token", {}).update(xms_cc={"values": CLIENT_CAPABILITIES})
    return json.dumps(document)


class TokenProvider:
    """Acquires and memoises tokens per (service, tenant) for one module run; safe to share between threads."""

    def __init__(self, endpoints, transport, client_id=None, client_secret=None, certificate_path=None,
                 certificate_passphrase=None, refresh_token=None, access_token=None, auth_mode="auto",
                 redactor=None, cache=None):
        self.endpoints = endpoints
        self.transport = transport
        self.client_id = client_id
        self.refresh_token = refresh_token
        self.given_token = access_token
        self.redactor = redactor
        self.rotated_refresh_token = None
        if auth_mode == "auto":
            auth_mode = "delegated" if refresh_token else "app_only"
        self.mode = auth_mode
        self._certificate_path = certificate_path
        self._passphrase = certificate_passphrase
        self._secret = client_secret
        self._credential = None
        self._apps = {}
        self._memo = {}
        self._locks = {}
        self._lock = threading.Lock()
        self.cache = cache          # optional TokenCache shared by the tasks of a run

    def check(self):
        """Fail early, before any request, when the options cannot produce a token."""
        if self.given_token:
            return
        missing = []
        if not self.client_id:
            missing.append("client_id")
        if not (self._secret or self._certificate_path):
            missing.append("client_secret or client_certificate_path")
        if self.mode == "delegated" and not self.refresh_token:
            missing.append("refresh_token")
        if missing:
            raise InvalidInputError("Cannot authenticate (%s mode): set %s (or the CSP_* environment variables)."
                                    % (self.mode.replace("_", "-"), ", ".join(missing)))
        if not HAS_MSAL:
            raise InvalidInputError("Acquiring tokens needs the Python library msal on the host that runs the module "
                                    "(pip install msal), or pass access_token.")
        if self._certificate_path:
            self._client_credential()

    def _client_credential(self):
        if self._credential is None:
            if self._certificate_path:
                from .certificate import certificate_credential  # pylint: disable=import-outside-toplevel
                self._credential = certificate_credential(self._certificate_path, self._passphrase)
            else:
                self._credential = self._secret
        return self._credential

    def _app(self, tenant):
        authority = self.endpoints.authority(tenant)
        with self._lock:
            app = self._apps.get(authority)
        if app is None:
            import msal  # pylint: disable=import-outside-toplevel
            app = msal.ConfidentialClientApplication(
                self.client_id, client_credential=self._client_credential(), authority=authority,
                http_client=MsalHttpClient(self.transport, self.endpoints.base["login"], tenant),
                # An app (and its http_cache, where msal replays recent errors) lives until its first failure.
                http_cache={}, client_capabilities=CLIENT_CAPABILITIES,
                # Sovereign and overridden hosts are used as given, with no call to the global cloud.
                instance_discovery=False, token_cache=msal.TokenCache())
            with self._lock:
                app = self._apps.setdefault(authority, app)
        return app

    def _forget_app(self, tenant):
        with self._lock:
            self._apps.pop(self.endpoints.authority(tenant), None)

    def _key_lock(self, key):
        with self._lock:
            return self._locks.setdefault(key, threading.Lock())

    def get(self, service, tenant, force_refresh=False, claims=None, rejected=None):
        """An AccessToken for ``service`` (exchange, graph, partner_center) in ``tenant``.

        ``force_refresh``: the service refused the token ``rejected``; ``claims``: it asked, in a claims challenge,
        for a token carrying these claims. One thread redeems per (service, tenant); the others reuse its token."""
        if self.given_token:
            if force_refresh or claims:
                raise AuthError("The access_token given to the module was rejected for tenant %s (expired, or "
                                "lacking the permission); acquire a new one, for example with "
                                "csp.exchange.exo_token." % tenant)
            return AccessToken.from_jwt(self.given_token)
        key = (service, tenant.lower())

        def usable(token):
            # After a refusal, only a token other than the refused one (another thread's fresh one) will do.
            return not (force_refresh or claims) or (rejected is not None and token != rejected)
        with self._key_lock(key):
            cached = self._memo.get(key)
            if cached is not None and cached.fresh and usable(cached.token):
                return cached
            disk_key = self._disk_key(service, tenant)
            entry = self.cache.get(disk_key, EXPIRY_MARGIN) if self.cache else None
            if entry and usable(entry["token"]):
                token = AccessToken(entry["token"], entry["expires_on"], entry.get("tenant_id"), entry.get("scopes"))
            else:
                token = self._acquire(service, tenant, force_refresh, claims)
                if self.cache:
                    self.cache.put(disk_key, dict(token=token.token, expires_on=token.expires_on,
                                                  tenant_id=token.tenant_id, scopes=token.scopes))
            if self.redactor:
                self.redactor.add(token.token)
            self._memo[key] = token
            return token

    def _disk_key(self, service, tenant):
        # The credential is part of the key (hashed), so another app or refresh token never gets this token.
        credential = self.refresh_token if self.mode == "delegated" else (self._secret or self._certificate_path)
        return self.cache and cache_key(self.endpoints.base["login"], self.endpoints.cloud, self.client_id,
                                        self.mode, credential, service, tenant.lower())

    def bearer(self, service, tenant):
        """A callable for Transport.request(auth=...): ``auth(force_refresh=False, claims=None)`` -> token text.

        It remembers the token it handed out, so that a refresh after a 401 replaces exactly that token."""
        handed = [None]

        def auth(force_refresh=False, claims=None):
            token = self.get(service, tenant, force_refresh, claims, rejected=handed[0]).token
            handed[0] = token
            return token
        return auth

    def _acquire(self, service, tenant, force_refresh, claims):
        scopes = [self.endpoints.scope(service)]
        label = "%s token" % SERVICE_LABELS[service]
        import msal  # pylint: disable=import-outside-toplevel
        if force_refresh and self.mode == "app_only":
            # msal would answer from its cache; an app-only token the service refused must really be renewed.
            self._forget_app(tenant)
        try:
            app = self._app(tenant)
            if self.mode == "delegated":
                # msal adds the client capabilities to app-only requests only; a refresh-token grant declares them
                # (and answers a claims challenge) through the claims parameter.
                result = app.acquire_token_by_refresh_token(self.refresh_token, scopes=scopes,
                                                            data={"claims": claims_with_capabilities(claims)})
            else:
                result = app.acquire_token_for_client(scopes=scopes, claims_challenge=claims)
        except json.JSONDecodeError:
            raise AuthError("Could not get %s for tenant %s: the identity platform answered without a JSON body; "
                            "check the login endpoint (endpoints.login) and any proxy in between." % (label, tenant),
                            tenant=tenant)
        except ValueError as exc:
            # msal's own checks (an unusable authority URL or credential), before or instead of a request.
            raise AuthError("Could not get %s for tenant %s: %s." % (label, tenant, str(exc).splitlines()[0][:200]),
                            tenant=tenant)
        except msal.exceptions.MsalServiceError as exc:   # 5xx that survived our retries
            raise AuthError("Could not get %s for tenant %s: the identity platform failed (%s); try again later."
                            % (label, tenant, getattr(exc, "error", "server error")), tenant=tenant)
        if not isinstance(result, dict) or "access_token" not in result:
            # msal would replay this error for a minute; a later request in this run (after a consent change, say)
            # must reach the identity platform again.
            self._forget_app(tenant)
            result = result if isinstance(result, dict) else {}
            raise AuthError(aadsts.describe(result, tenant, label), aadsts=aadsts.aadsts_code(result), tenant=tenant)
        rotated = result.get("refresh_token")
        if rotated and rotated != self.refresh_token:
            self.rotated_refresh_token = rotated
            if self.redactor:
                self.redactor.add(rotated)
        # Lifetime from expires_in on our clock, never the token's exp against our clock (skew).
        token = AccessToken.from_jwt(result["access_token"], int(time.time() + int(result.get("expires_in") or 0)))
        if not token.scopes and result.get("scope"):
            token.scopes = result["scope"].split()
        return token
