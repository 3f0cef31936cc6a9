#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: exo_consent
short_description: Ensure the partner app holds delegated scopes (Exchange.Manage) in a customer tenant
version_added: 0.1.0
description:
  - Ensures the partner's multi-tenant app holds delegated scopes on a resource app (by default
    C(Exchange.Manage) on Office 365 Exchange Online) in a customer tenant, as an AllPrincipals
    C(oauth2PermissionGrant).
  - With O(method=graph) the grant is changed through Microsoft Graph in the customer tenant, creating the
    resource service principal or the grant where missing and keeping every other scope. This needs the app to
    hold C(DelegatedPermissionGrant.ReadWrite.All) there (usually granted by the original consent).
  - With O(method=partner_center) the Partner Center application consent is created; where one exists without
    the scopes it is deleted and re-created with the union of scopes (Partner Center consents cannot be updated).
  - V(auto) uses Graph when the app is already consented in the tenant, else Partner Center.
  - Tokens issued before a change keep the old scopes; later tasks get fresh tokens.
options:
  application_id:
    description:
      - The app to grant scopes to. Defaults to O(client_id).
    type: str
  resource_app_id:
    description:
      - The resource app (API) the scopes belong to. Defaults to Office 365 Exchange Online.
    type: str
    default: 00000002-0000-0ff1-ce00-000000000000
  scopes:
    description:
      - Delegated scope values (not GUIDs).
    type: list
    elements: str
    default: [Exchange.Manage]
  state:
    description:
      - V(present) adds the scopes, V(absent) removes them (the grant is deleted when no scope is left).
    type: str
    choices: [present, absent]
    default: present
  method:
    description:
      - How to change the consent; see the description.
    type: str
    choices: [auto, graph, partner_center]
    default: auto
  partner_center_grants:
    description:
      - Other resource grants to keep when a Partner Center consent is re-created. When omitted, they are read from
        the customer tenant through Graph.
      - For a customer where the app is not installed yet nothing can be read, so list the Graph grants the app needs
        there (for example C(DelegatedPermissionGrant.ReadWrite.All) on C(00000003-0000-0000-c000-000000000000));
        otherwise only the O(resource_app_id) grant is created.
    type: list
    elements: dict
    suboptions:
      resource_app_id:
        description: The resource app ID (C(enterpriseApplicationId)).
        type: str
        required: true
      scopes:
        description: Delegated scope values.
        type: list
        elements: str
        required: true
  display_name:
    description:
      - Display name sent with a Partner Center consent.
    type: str
    default: csp.exchange
extends_documentation_fragment:
  - csp.exchange.auth
  - csp.exchange.attributes
  - csp.exchange.attributes.actiongroup_auth
attributes:
  check_mode:
    support: full
    details: Reads the current grant and reports what would change; nothing is written.
  diff_mode:
    support: full
    details: Shows the scopes before and after.
  platform:
    platforms: all
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
- name: Ensure Exchange.Manage for the partner app in every customer
  csp.exchange.exo_consent:
    tenant: "{{ tenant_id }}"

- name: Remove a scope through Graph only
  csp.exchange.exo_consent:
    tenant: contoso.onmicrosoft.com
    scopes: [EWS.AccessAsUser.All]
    state: absent
    method: graph
"""

RETURN = r"""
method:
  description: How the consent was (or would be) changed, C(graph) or C(partner_center); C(none) when unchanged.
  returned: success
  type: str
scopes_before:
  description: Scopes the app held on the resource before the task.
  returned: success
  type: list
  elements: str
scopes_after:
  description: Scopes the app holds (or would hold in check mode) after the task.
  returned: success
  type: list
  elements: str
tenant_id:
  description: The customer tenant GUID, when it was needed.
  returned: when Partner Center was used
  type: str
"""

from ansible_collections.csp.exchange.plugins.module_utils.consent import (
    EXCHANGE_APP_ID, GraphConsent, tenant_guid_from_discovery)
from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.module import CspModule
from ansible_collections.csp.exchange.plugins.module_utils.tenant import is_guid


def desired_scopes(before, scopes, state):
    if state == "present":
        return sorted(set(before) | set(scopes))
    return sorted(set(before) - set(scopes))


def choose_method(requested, grant_state):
    if requested != "auto":
        return requested
    return "graph" if grant_state.readable and grant_state.client_sp else "partner_center"


def via_partner_center(module, consent, grant_state, after):
    p = module.params
    tenant = module.tenant if is_guid(module.tenant) else tenant_guid_from_discovery(
        module.transport, module.endpoints, module.tenant)
    pc = module.partner_center()
    if p["partner_center_grants"] is not None:
        others = [dict(resource_app_id=g["resource_app_id"], scopes=g["scopes"]) for g in p["partner_center_grants"]]
    else:
        others = consent.all_grants(grant_state) if grant_state.readable else []
    grants = [dict(enterpriseApplicationId=g["resource_app_id"], scopes=g["scopes"])
              for g in others if g["resource_app_id"].lower() != p["resource_app_id"].lower() and g["scopes"]]
    if after:
        grants.append(dict(enterpriseApplicationId=p["resource_app_id"], scopes=after))
    if not grants:
        pc.delete_consent(tenant, consent.application_id)
        return tenant
    if not pc.create_consent(tenant, consent.application_id, p["display_name"], grants):
        # A consent exists without our scopes and cannot be updated: replace it with the union.
        pc.delete_consent(tenant, consent.application_id)
        pc.create_consent(tenant, consent.application_id, p["display_name"], grants)
    return tenant


def main_logic(module):
    p = module.params
    application_id = p["application_id"] or p["client_id"]
    if not application_id:
        raise InvalidInputError("application_id (or client_id) is required.")
    if not p["scopes"] or any(not s or " " in s or "," in s for s in p["scopes"]):
        raise InvalidInputError("scopes must be a non-empty list of single scope values such as Exchange.Manage.")
    consent = GraphConsent(module.graph(), application_id, p["resource_app_id"])
    grant_state = consent.read()
    before = grant_state.scopes
    after = desired_scopes(before, p["scopes"], p["state"])
    changed = after != before
    method = choose_method(p["method"], grant_state) if changed else "none"
    result = dict(changed=changed, method=method, scopes_before=before, scopes_after=after)
    if module._diff:
        result["diff"] = dict(before=dict(scopes=before), after=dict(scopes=after),
                              before_header="%s in %s" % (p["resource_app_id"], module.tenant),
                              after_header="%s in %s" % (p["resource_app_id"], module.tenant))
    if changed and not module.check_mode:
        if method == "graph":
            consent.apply(grant_state, after)
        else:
            result["tenant_id"] = via_partner_center(module, consent, grant_state, after)
    return result


def main():
    module = CspModule(argument_spec=dict(
        application_id=dict(type="str"),
        resource_app_id=dict(type="str", default=EXCHANGE_APP_ID),
        scopes=dict(type="list", elements="str", default=["Exchange.Manage"]),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        method=dict(type="str", default="auto", choices=["auto", "graph", "partner_center"]),
        partner_center_grants=dict(type="list", elements="dict", options=dict(
            resource_app_id=dict(type="str", required=True),
            scopes=dict(type="list", elements="str", required=True),
        )),
        display_name=dict(type="str", default="csp.exchange"),
    ))
    module.run(main_logic)


if __name__ == "__main__":
    main()
