# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Tokens from the Microsoft identity platform: delegated (partner refresh token, Secure Application Model),
app-only (client credentials) or a given access token.

Both grants are one form POST to ``{login}/{tenant}/oauth2/v2.0/token`` through our Transport (TLS trust and
retries as for every other call), with the fields msal for Python sends (api-contract §2.2). msal itself is not
used: importing it took about 150 ms of every module process that needed a token, more than the request itself,
and its discovery request per tenant is not needed for Entra's fixed endpoint template.
"""
from __future__ import absolute_import, division, print_function

import base64
import json
import time

from . import aadsts
from .errors import AuthError, InvalidInputError
from .token_cache import cache_key

__metaclass__ = type

SERVICE_LABELS = {"exchange": "an Exchange Online", "graph": "a Microsoft Graph", "partner_center": "a Partner Center"}
# A token with under 5 minutes left counts as expired (as msal does); re-acquire a little earlier than that.
EXPIRY_MARGIN = 330
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
# The refresh-token grant asks for these besides the resource's .default, sorted and space-joined (msal's form).
OIDC_SCOPES = ("offline_access", "openid", "profile")


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
        self._certificate = None
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
        if self._certificate_path:
            self._load_certificate()

    def _client_authentication(self, token_endpoint):
        """The form fields that authenticate the app: a certificate assertion, else the secret."""
        if self._certificate_path:
            return {"client_assertion_type": ASSERTION_TYPE,
                    "client_assertion": self._load_certificate().assertion(self.client_id, token_endpoint)}
        return {"client_secret": self._secret}

    def _load_certificate(self):
        if self._certificate is None:
            from .client_assertion import ClientCertificate  # pylint: disable=import-outside-toplevel
            self._certificate = ClientCertificate(self._certificate_path)
        return self._certificate

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
            token = self._acquire(service, tenant)
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

    def _acquire(self, service, tenant):
        scope = self.endpoints.scope(service)
        endpoint = "%s/oauth2/v2.0/token" % self.endpoints.authority(tenant)
        form = {"client_id": self.client_id, "client_info": "1"}
        if self.mode == "delegated":
            form.update(grant_type="refresh_token", refresh_token=self.refresh_token,
                        scope=" ".join(sorted(set((scope,) + OIDC_SCOPES))))
        else:
            form.update(grant_type="client_credentials", scope=scope)
        form.update(self._client_authentication(endpoint))
        what = "%s token request for tenant %s" % (SERVICE_LABELS[service], tenant)
        response = self.transport.request("POST", endpoint, headers={"Accept": "application/json"}, data=form,
                                          what=what)
        result = response.json()
        if not isinstance(result, dict):
            raise AuthError("Could not get %s token for tenant %s: the identity platform answered HTTP %s without a "
                            "JSON body; check the login endpoint (endpoints.login) and any proxy in between."
                            % (SERVICE_LABELS[service], tenant, response.status), tenant=tenant)
        if response.status >= 400 or not result.get("access_token"):
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
