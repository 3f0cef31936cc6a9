# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)


class ModuleDocFragment(object):
    """The connection options of the modules (fragment ``csp.exchange.auth``) for plugins that run on the
    controller and read them from their configuration or the same ``CSP_*`` environment variables."""

    DOCUMENTATION = r"""
options:
  partner_tenant:
    description:
      - The partner's own tenant (GUID or domain), where Partner Center and GDAP tokens are redeemed.
    type: str
    required: true
    env:
      - name: CSP_PARTNER_TENANT
  client_id:
    description:
      - Application (client) ID of the partner's multi-tenant app (Secure Application Model app).
    type: str
    env:
      - name: CSP_CLIENT_ID
  client_secret:
    description:
      - The app's client secret (its value, not its ID). Prefer the environment variable to writing it in a file.
      - Mutually exclusive with O(client_certificate_path).
    type: str
    env:
      - name: CSP_CLIENT_SECRET
  client_certificate_path:
    description:
      - Path to a PEM file holding the app's private key and certificate, used instead of a secret.
    type: path
    env:
      - name: CSP_CLIENT_CERTIFICATE_PATH
  client_certificate_passphrase:
    description:
      - Passphrase of an encrypted private key in O(client_certificate_path).
    type: str
    env:
      - name: CSP_CLIENT_CERTIFICATE_PASSPHRASE
  refresh_token:
    description:
      - The partner refresh token of the Secure Application Model (delegated, admin agent or GDAP user).
    type: str
    env:
      - name: CSP_REFRESH_TOKEN
  auth_mode:
    description:
      - V(auto) uses delegated mode when a refresh token is given, else app-only.
      - Partner Center accepts delegated tokens only.
    type: str
    choices: [auto, delegated, app_only]
    default: auto
    env:
      - name: CSP_AUTH_MODE
  cloud:
    description:
      - The Microsoft cloud. Sets the sign-in, Graph and Partner Center hosts and token resources.
    type: str
    choices: [china, global, usgov_dod, usgov_high]
    default: global
    env:
      - name: CSP_CLOUD
  endpoints:
    description:
      - Override of base URLs, keys C(login), C(graph), C(exchange), C(partner_center), each an C(https://) URL.
      - A dictionary, or a JSON object as text (the form E(CSP_ENDPOINTS) takes).
    type: raw
    env:
      - name: CSP_ENDPOINTS
  ca_path:
    description:
      - An extra CA bundle (PEM) to trust besides the system roots, for a TLS-inspecting proxy or the sandbox.
    type: path
    env:
      - name: CSP_CA_PATH
  validate_certs:
    description:
      - Verify TLS certificates. V(false) is for throw-away tests only and makes the plugin warn.
    type: bool
    default: true
  timeout:
    description:
      - Seconds to wait for each HTTP answer.
    type: int
    default: 60
  max_retries:
    description:
      - How many times a call is retried after a transient failure (HTTP 429, 503, 504, connection errors),
        with jittered exponential backoff that honours C(Retry-After).
    type: int
    default: 10
requirements:
  - python >= 3.9
  - msal (acquires every token)
  - requests (carries every HTTP call)
  - cryptography, only with O(client_certificate_path)
"""
