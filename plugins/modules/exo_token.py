#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: exo_token
short_description: Acquire an access token for a customer tenant (Exchange Online, Graph or Partner Center)
version_added: 0.1.0
description:
  - Redeems the partner refresh token (delegated, Secure Application Model) or the app's client credentials
    (app-only) at the customer tenant's authority and returns the access token.
  - Partner Center tokens are redeemed at O(partner_tenant).
  - Use C(no_log) on the task; the token is a secret.
options:
  resource:
    description:
      - The service to get a token for; its C(/.default) scope is requested.
    type: str
    choices: [exchange, graph, partner_center]
    default: exchange
  scopes:
    description:
      - Explicit scopes instead of O(resource), for example C([https://outlook.office365.com/.default]).
    type: list
    elements: str
extends_documentation_fragment:
  - csp.exchange.auth
  - csp.exchange.attributes
  - csp.exchange.attributes.in_process
  - csp.exchange.attributes.actiongroup_auth
attributes:
  check_mode:
    support: full
    details: Acquiring a token changes nothing, so the module runs normally in check mode.
  diff_mode:
    support: none
  platform:
    platforms: all
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
- name: Exchange token for a customer
  csp.exchange.exo_token:
    tenant: contoso.onmicrosoft.com
  register: exo
  no_log: true

- name: Reuse it
  csp.exchange.exo_command:
    tenant: contoso.onmicrosoft.com
    access_token: "{{ exo.access_token }}"
    cmdlet: Get-AcceptedDomain
"""

RETURN = r"""
access_token:
  description: The access token.
  returned: success
  type: str
token_type:
  description: Always C(Bearer).
  returned: success
  type: str
expires_on:
  description: Expiry as epoch seconds.
  returned: success
  type: int
tenant_id:
  description: The tenant GUID, from the token's C(tid) claim.
  returned: success
  type: str
scopes:
  description: Delegated scopes (C(scp)) or app roles (C(roles)) the token carries.
  returned: success
  type: list
  elements: str
refresh_token:
  description: The new refresh token when the identity platform rotated it (delegated mode). Store it.
  returned: when rotated
  type: str
"""

from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.module import CspModule, SecretResult
from ansible_collections.csp.exchange.plugins.module_utils.identity.tenant import validate_tenant

SERVICE_BY_SCOPE_PREFIX = ("exchange", "graph", "partner_center")


def service_for(module):
    """The service whose token is wanted: from ``resource``, or matched from explicit ``scopes``."""
    scopes = module.params["scopes"]
    if not scopes:
        return module.params["resource"]
    for service in SERVICE_BY_SCOPE_PREFIX:
        resource = module.endpoints.resource[service]
        if all(s.startswith(resource + "/") for s in scopes):
            if scopes != [module.endpoints.scope(service)]:
                raise InvalidInputError("Only the .default scope is supported for %s (Secure Application Model "
                                        "tokens carry every consented permission); got %s." % (resource, scopes))
            return service
    raise InvalidInputError("scopes %s do not belong to Exchange, Graph or Partner Center in the %s cloud."
                            % (scopes, module.endpoints.cloud))


def main_logic(module):
    service = service_for(module)
    if service == "partner_center":
        tenant = validate_tenant(module.params["partner_tenant"], "partner_tenant")
    else:
        tenant = validate_tenant(module.params["tenant"])
    token = module.tokens.get(service, tenant)
    result = dict(changed=False, access_token=token.token, token_type=token.token_type,
                  expires_on=token.expires_on, tenant_id=token.tenant_id, scopes=token.scopes)
    if module.tokens.rotated_refresh_token:
        result["refresh_token"] = module.tokens.rotated_refresh_token
    # The module exists to return these two secrets.
    return SecretResult(result)


def main():
    module = CspModule(argument_spec=dict(
        resource=dict(type="str", default="exchange", choices=["exchange", "graph", "partner_center"]),
        scopes=dict(type="list", elements="str"),
    ), mutually_exclusive=[["resource", "scopes"]], require_tenant=False)
    module.run(main_logic)


if __name__ == "__main__":
    main()
