# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """Connection and authentication options shared by every csp.exchange module."""

    DOCUMENTATION = r"""
options:
  tenant:
    description:
      - The customer tenant, as its GUID, its initial C(*.onmicrosoft.com) domain or any verified domain.
      - A domain is turned into the tenant GUID (read from the token) before Exchange is called, because the
        Exchange admin API rejects vanity domains.
      - Falls back to the E(CSP_TENANT) environment variable.
    type: str
  partner_tenant:
    description:
      - The partner's own tenant (GUID or domain), where Partner Center tokens are redeemed.
      - Falls back to E(CSP_PARTNER_TENANT).
    type: str
  client_id:
    description:
      - Application (client) ID of the partner's multi-tenant app (Secure Application Model app).
      - Falls back to E(CSP_CLIENT_ID).
    type: str
  client_secret:
    description:
      - The app's client secret (its value, not its ID).
      - Falls back to E(CSP_CLIENT_SECRET).
      - Mutually exclusive with O(client_certificate_path).
    type: str
  client_certificate_path:
    description:
      - Path to a PEM file holding the app's private key and certificate, used instead of a secret.
      - The key must be RSA; the file may hold a chain, in any order (the certificate that matches the key is sent).
      - Falls back to E(CSP_CLIENT_CERTIFICATE_PATH).
    type: path
  client_certificate_passphrase:
    description:
      - Passphrase of an encrypted private key in O(client_certificate_path).
      - Falls back to E(CSP_CLIENT_CERTIFICATE_PASSPHRASE).
    type: str
  refresh_token:
    description:
      - The partner refresh token of the Secure Application Model (delegated, admin agent or GDAP user).
      - Falls back to E(CSP_REFRESH_TOKEN).
    type: str
  access_token:
    description:
      - A token already acquired for the module's main resource, for example by M(csp.exchange.exo_token).
      - It cannot be refreshed; a rejected token fails the task.
    type: str
  auth_mode:
    description:
      - V(auto) uses delegated mode when a refresh token is given, else app-only.
      - V(delegated) redeems O(refresh_token) at the customer tenant (Secure Application Model).
      - V(app_only) uses the client-credentials grant; Exchange then needs the C(Exchange.ManageAsApp) app role
        and an Entra directory role for the app in the customer tenant.
      - Falls back to E(CSP_AUTH_MODE).
    type: str
    choices: [auto, delegated, app_only]
    default: auto
  cloud:
    description:
      - The Microsoft cloud. Sets the sign-in, Graph, Exchange and Partner Center hosts and token resources.
      - The DoD and China Exchange hosts are disputed between Microsoft sources; override them with O(endpoints).
      - Falls back to E(CSP_CLOUD).
    type: str
    choices: [china, global, usgov_dod, usgov_high]
    default: global
  endpoints:
    description:
      - Override of base URLs, keys C(login), C(graph), C(exchange), C(partner_center), each an C(https://) URL.
      - Tokens are still requested for the cloud's real resources.
      - Falls back to E(CSP_ENDPOINTS) (a JSON object).
    type: dict
  ca_path:
    description:
      - An extra CA bundle (PEM) to trust besides the system roots, for a TLS-inspecting proxy or the sandbox.
      - Works even where E(REQUESTS_CA_BUNDLE) is set.
      - Falls back to E(CSP_CA_PATH).
    type: path
  validate_certs:
    description:
      - Verify TLS certificates. V(false) is for throw-away tests only and makes the module warn.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for each HTTP answer.
    type: int
    default: 60
  max_retries:
    description:
      - How many times a call is retried after a transient failure (HTTP 429, 503, 504, connection errors and
        transient Exchange exceptions), with jittered exponential backoff that honours C(Retry-After).
      - Writes that are not idempotent (C(New-), C(Add-), C(Remove-)...) are resent only when the first attempt
        provably did not reach the service.
    type: int
    default: 10
  token_cache:
    description:
      - A file in which access tokens are shared between the tasks of a run, so each tenant's token is redeemed
        once instead of once per task. Opt-in, because the file holds live access tokens (never refresh tokens or
        secrets); it is created mode 0600 and refused when other users can read it.
      - Falls back to E(CSP_TOKEN_CACHE).
    type: path
requirements:
  - python >= 3.9
  - msal (acquires every token; not needed with O(access_token))
  - requests (carries every HTTP call)
  - cryptography, only with O(client_certificate_path) (msal needs it to sign with the certificate)
notes:
  - "Every option except O(access_token) can be given once per play with
    C(module_defaults: {group/csp.exchange.auth: {...}})."
"""
