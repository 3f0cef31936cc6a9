#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: partner_device_login
short_description: Sign a partner admin in with the device-code flow and return the partner refresh token
version_added: 0.1.0
description:
  - The two halves of msal's device-code flow at O(partner_tenant), used by C(playbooks/onboard.yml). V(start) asks
    the identity platform for a user code and returns the message to show; V(finish) polls until the admin has
    signed in (with MFA) and returns the partner refresh token the other modules take as O(refresh_token).
  - Needs only O(client_id) and O(partner_tenant); the app registration must allow public client flows.
  - The result of either phase holds a secret (the device code, the refresh token); register it with C(no_log).
  - Needs the Python packages C(msal) and C(requests) on the host that runs it.
options:
  phase:
    description:
      - V(start) begins a sign-in, V(finish) waits for it to complete.
    type: str
    choices: [start, finish]
    required: true
  flow:
    description:
      - The RV(flow) returned by V(start); required for V(finish).
    type: dict
  device_code:
    description:
      - The RV(device_code) returned by V(start); required for V(finish).
    type: str
  scopes:
    description:
      - Scopes to sign in for. The refresh token serves every resource the app is consented for.
    type: list
    elements: str
    default: [https://api.partnercenter.microsoft.com/user_impersonation]
  vault_file:
    description:
      - With V(finish), write the refresh token with its issue time into this ansible-vault encrypted vars file
        (C(csp_refresh_token), C(csp_refresh_token_issued_at)) instead of returning it. The action plugin does this
        on the controller, in the worker process, so the token passes through no other process and no plain file.
    type: path
  vault_password_file:
    description:
      - The vault password file for O(vault_file); default the vault secrets ansible-playbook was started with.
    type: path
extends_documentation_fragment:
  - csp.exchange.auth
  - csp.exchange.attributes
attributes:
  check_mode:
    support: full
    details: Changes nothing anywhere; runs the same in check mode.
  diff_mode:
    support: none
  platform:
    platforms: all
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
- name: Start the sign-in
  csp.exchange.partner_device_login:
    phase: start
  register: sign_in
  no_log: true

- name: Show the code to the admin
  ansible.builtin.pause:
    prompt: "{{ sign_in.message }}"

- name: Wait for the sign-in
  csp.exchange.partner_device_login:
    phase: finish
    flow: "{{ sign_in.flow }}"
    device_code: "{{ sign_in.device_code }}"
  register: signed_in
  no_log: true
"""

RETURN = r"""
message:
  description: What to tell the admin (the address and the user code).
  returned: phase start
  type: str
user_code:
  description: The code the admin enters.
  returned: phase start
  type: str
verification_uri:
  description: Where the admin enters it.
  returned: phase start
  type: str
flow:
  description: The device flow state to pass to V(finish), without the device code.
  returned: phase start
  type: dict
device_code:
  description: The device code to pass to V(finish); a short-lived secret.
  returned: phase start
  type: str
refresh_token:
  description: The partner refresh token. A secret.
  returned: phase finish without O(vault_file)
  type: str
vault_file:
  description: The vault file the refresh token was written to.
  returned: phase finish with O(vault_file)
  type: str
account:
  description: The user principal name of the admin who signed in.
  returned: phase finish
  type: str
"""

import time

from ansible_collections.csp.exchange.plugins.module_utils.identity.tokens import HAS_MSAL, MsalHttpClient
from ansible_collections.csp.exchange.plugins.module_utils.errors import AuthError, InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.module import CspModule, SecretResult
from ansible_collections.csp.exchange.plugins.module_utils.identity.tenant import validate_tenant


def public_client(module):
    """msal's public client at the partner authority, over the run's transport (TLS trust from ca_path whatever
    REQUESTS_CA_BUNDLE says, proxies from the environment, retries), as every other token request."""
    p = module.params
    if not p["client_id"] or not p["partner_tenant"]:
        raise InvalidInputError("client_id and partner_tenant are required to sign in (or set CSP_CLIENT_ID and "
                                "CSP_PARTNER_TENANT).")
    import msal  # pylint: disable=import-outside-toplevel
    partner = validate_tenant(p["partner_tenant"], "partner_tenant")
    return msal.PublicClientApplication(
        p["client_id"], authority=module.endpoints.authority(partner), instance_discovery=False,
        http_client=MsalHttpClient(module.clients.transport, module.endpoints.base["login"], partner))


def main_logic(module):
    if not HAS_MSAL:
        raise InvalidInputError("The device-code sign-in needs the Python package msal on the host that runs it: "
                                "pip install msal.")
    p = module.params
    if p["vault_file"] or p["vault_password_file"]:
        # Reached only without the action plugin (a module process): the token must not travel back through stdout.
        raise InvalidInputError("vault_file is written by the module's action plugin on the controller; run the task "
                                "with connection local on the controller.")
    app = public_client(module)
    if p["phase"] == "start":
        flow = app.initiate_device_flow(scopes=p["scopes"])
        if "user_code" not in flow:
            raise AuthError("The identity platform refused to start a device-code sign-in at %s: %s"
                            % (p["partner_tenant"], flow.get("error_description") or flow.get("error")))
        # The module exists to return the flow (device code) and the refresh token: exit without redacting them.
        # Only the device code is secret; it travels apart so that no_log masks nothing else (a short no_log value
        # such as the polling interval would be masked inside every later output, the refresh token included).
        device_code = flow.pop("device_code")
        return SecretResult(changed=False, flow=flow, device_code=device_code, message=flow["message"],
                            user_code=flow["user_code"], verification_uri=flow["verification_uri"])
    if not p["flow"] or not p["device_code"]:
        raise InvalidInputError("phase finish needs flow and device_code, as returned by phase start.")
    flow = dict(p["flow"], device_code=p["device_code"])
    result = app.acquire_token_by_device_flow(flow, exit_condition=lambda f: time.time() > f.get("expires_at", 0))
    if "refresh_token" not in result:
        raise AuthError("The device-code sign-in at %s did not complete: %s" % (
            p["partner_tenant"], (result.get("error_description") or result.get("error") or "no answer").splitlines()[0]))
    claims = result.get("id_token_claims") or {}
    return SecretResult(changed=False, refresh_token=result["refresh_token"], account=claims.get("preferred_username"))


def main():
    module = CspModule(require_tenant=False, require_credentials=False, argument_spec=dict(
        phase=dict(type="str", required=True, choices=["start", "finish"]),
        flow=dict(type="dict"),
        device_code=dict(type="str", no_log=True),
        scopes=dict(type="list", elements="str", default=["https://api.partnercenter.microsoft.com/user_impersonation"]),
        vault_file=dict(type="path"),
        vault_password_file=dict(type="path", no_log=False),
    ))
    module.run(main_logic)


if __name__ == "__main__":
    main()
