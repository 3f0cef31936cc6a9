# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tokens through MSAL: delegated (partner refresh token, Secure Application Model), app-only
(client credentials) or a given access token.

One MSAL app per authority, built lazily (its constructor does discovery I/O), all sharing one
``http_cache``. Delegated and app-only tokens live in separate apps and caches (msal can otherwise
hand an app-only caller a delegated token). Token requests go through our Transport, so TLS trust
and retries are the same as for every other call.
"""
from __future__ import absolute_import, division, print_function

import base64
import json
import re
import time
from importlib.util import find_spec

from . import aadsts
from .errors import AuthError, InvalidInputError
from .token_cache import cache_key

__metaclass__ = type

# msal is imported on first use: a task whose token comes from the token cache (or access_token) never needs it,
# and importing it costs a noticeable share of a short module run.
msal = None
HAS_MSAL = find_spec("msal") is not None
MSAL_IMPORT_ERROR = None if HAS_MSAL else "ImportError: No module named 'msal'"


def _load_msal():
    global msal   # pylint: disable=global-statement
    if msal is None:
        import msal as loaded   # pylint: disable=import-outside-toplevel
        msal = loaded
    return msal


SERVICE_LABELS = {"exchange": "an Exchange Online", "graph": "a Microsoft Graph", "partner_center": "a Partner Center"}
# MSAL treats a token with under 5 minutes left as expired; re-acquire a little earlier than that.
EXPIRY_MARGIN = 330


def jwt_claims(token):
    """Claims of a JWT without verifying it (we only read ``tid``/``scp``/``exp`` of our own tokens)."""
    try:
        payload = token.split(".")[1]
        payload += "=" * (-len(payload) % 4)
        return json.loads(base64.urlsafe_b64decode(payload.encode("ascii")).decode("utf-8"))
    except (IndexError, ValueError, UnicodeDecodeError):
        return {}


class AccessToken:
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
    def from_jwt(cls, token):
        claims = jwt_claims(token)
        scopes = (claims.get("scp") or "").split() or list(claims.get("roles") or [])
        return cls(token, claims.get("exp") or 0, claims.get("tid"), scopes)


class _MsalResponse:
    """The response shape msal expects from an ``http_client``."""

    def __init__(self, response):
        self.status_code = response.status
        self.text = response.text
        self.headers = dict(response.headers)

    def raise_for_status(self):
        if self.status_code >= 400:
            raise RuntimeError("HTTP %s from the identity platform" % self.status_code)


class _LocalResponse(_MsalResponse):
    """A 200 JSON answer made without a request."""

    def __init__(self, document):  # pylint: disable=super-init-not-called
        self.status_code = 200
        self.text = json.dumps(document)
        self.headers = {"Content-Type": "application/json"}


class MsalHttpClient:
    """Hands msal's token and discovery calls to our Transport (TLS trust, retries on 429/5xx)."""

    def __init__(self, transport, tenant=None, login=None):
        self.transport = transport
        self.login = login      # the login base URL: its tenant discovery documents are answered locally
        # Failures name the tenant whose token was being requested.
        self.what = "the identity platform request" + (" for tenant %s" % tenant if tenant else "")

    def _call(self, method, url, params=None, data=None, headers=None):
        if params:
            from urllib.parse import urlencode
            url = "%s%s%s" % (url, "&" if "?" in url else "?", urlencode(params))
        return _MsalResponse(self.transport.request(method, url, headers=headers, data=data, what=self.what))

    def post(self, url, params=None, data=None, headers=None, **kwargs):
        return self._call("POST", url, params, data, headers)

    def get(self, url, params=None, headers=None, **kwargs):
        known = None if params else self._tenant_discovery(url)
        return known if known is not None else self._call("GET", url, params, None, headers)

    def _tenant_discovery(self, url):
        """msal fetches ``{login}/{tenant}/v2.0/.well-known/openid-configuration`` before the first token of every
        tenant: one more round trip per tenant and task. Entra's endpoints are the same template for every tenant
        and cloud, so answer it here (MSAL.NET does the same); an unknown tenant then fails at the token endpoint
        with AADSTS90002 instead."""
        suffix = "/v2.0/.well-known/openid-configuration"
        if not self.login or not url.startswith(self.login + "/") or not url.endswith(suffix):
            return None
        authority = url[:-len(suffix)]
        if not authority[len(self.login) + 1:] or "/" in authority[len(self.login) + 1:]:
            return None
        return _LocalResponse({"authorization_endpoint": authority + "/oauth2/v2.0/authorize",
                               "token_endpoint": authority + "/oauth2/v2.0/token",
                               "device_authorization_endpoint": authority + "/oauth2/v2.0/devicecode",
                               "issuer": authority + "/v2.0"})

    def close(self):
        pass


def load_certificate(path):
    """msal client credential from a PEM holding the private key and the certificate."""
    try:
        with open(path, "r") as handle:
            pem = handle.read()
    except (IOError, OSError) as exc:
        raise InvalidInputError("client_certificate_path %s cannot be read: %s" % (path, exc.strerror or exc))
    key = re.search(r"-----BEGIN (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----.+?-----END (?:RSA |EC |ENCRYPTED )?PRIVATE KEY-----",
                    pem, re.S)
    cert = re.search(r"-----BEGIN CERTIFICATE-----.+?-----END CERTIFICATE-----", pem, re.S)
    if not key or not cert:
        raise InvalidInputError("client_certificate_path %s must hold both a PEM private key and a PEM certificate" % path)
    return {"private_key": key.group(0), "public_certificate": cert.group(0)}


class TokenProvider:
    """Acquires and memoises tokens per (service, tenant) for one module run."""

    def __init__(self, endpoints, transport, client_id=None, client_secret=None, certificate_path=None,
                 refresh_token=None, access_token=None, auth_mode="auto", redactor=None, cache=None):
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
        self._secret = client_secret
        self._credential = None
        self._apps = {}
        self._http_cache = {}
        self._memo = {}
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

    def _client_credential(self):
        if self._credential is None:
            self._credential = load_certificate(self._certificate_path) if self._certificate_path else self._secret
        return self._credential

    def _app(self, tenant):
        authority = self.endpoints.authority(tenant)
        if authority not in self._apps:
            _load_msal()
            self._apps[authority] = msal.ConfidentialClientApplication(
                self.client_id, client_credential=self._client_credential(), authority=authority,
                http_client=MsalHttpClient(self.transport, tenant, login=self.endpoints.base["login"]),
                http_cache=self._http_cache,
                # Sovereign and overridden hosts must be used as given, with no call to the global cloud.
                instance_discovery=False, token_cache=msal.TokenCache())
        return self._apps[authority]

    def get(self, service, tenant, force_refresh=False):
        """An AccessToken for ``service`` (exchange, graph, partner_center) in ``tenant``."""
        if self.given_token:
            if force_refresh:
                raise AuthError("The access_token given to the module was rejected for tenant %s (expired, or "
                                "lacking the permission); acquire a new one, for example with "
                                "csp.exchange.exo_token." % tenant)
            return AccessToken.from_jwt(self.given_token)
        key = (service, tenant.lower())
        cached = self._memo.get(key)
        if cached is not None and cached.fresh and not force_refresh:
            return cached
        disk_key = self._disk_key(service, tenant)
        entry = self.cache.get(disk_key, EXPIRY_MARGIN) if self.cache and not force_refresh else None
        if entry:
            token = AccessToken(entry["token"], entry["expires_on"], entry.get("tenant_id"), entry.get("scopes"))
        else:
            token = self._acquire(service, tenant, force_refresh)
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
        """A callable for Transport.request(auth=...)."""
        return lambda force_refresh: self.get(service, tenant, force_refresh).token

    def _acquire(self, service, tenant, force_refresh):
        scopes = [self.endpoints.scope(service)]
        _load_msal()
        if force_refresh:
            self._apps.pop(self.endpoints.authority(tenant), None)   # a fresh cache: no stale token comes back
        try:
            app = self._app(tenant)
            if self.mode == "delegated":
                result = app.acquire_token_by_refresh_token(self.refresh_token, scopes=scopes)
            else:
                result = app.acquire_token_for_client(scopes=scopes)
        except ValueError as exc:
            # msal raises ValueError when discovery fails (a 4xx there means an unknown tenant).
            raise AuthError("Could not get %s token for tenant %s: the identity platform does not know this "
                            "tenant (%s); check the tenant GUID or domain."
                            % (SERVICE_LABELS[service], tenant, str(exc).splitlines()[0][:200]))
        except msal.exceptions.MsalServiceError as exc:   # 5xx that survived our retries
            raise AuthError("Could not get %s token for tenant %s: the identity platform failed (%s); try again "
                            "later." % (SERVICE_LABELS[service], tenant, getattr(exc, "error", "server error")))
        if "access_token" not in result:
            raise AuthError(aadsts.describe(result, tenant, "%s token" % SERVICE_LABELS[service]),
                            aadsts=aadsts.aadsts_code(result), tenant=tenant)
        rotated = result.get("refresh_token")
        if rotated and rotated != self.refresh_token:
            self.rotated_refresh_token = rotated
            if self.redactor:
                self.redactor.add(rotated)
        token = AccessToken.from_jwt(result["access_token"])
        if not token.expires_on:
            token.expires_on = int(time.time() + int(result.get("expires_in", 3599)))
        if not token.scopes and result.get("scope"):
            token.scopes = result["scope"].split()
        return token
