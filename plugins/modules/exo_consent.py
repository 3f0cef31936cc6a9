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
  - The current scopes are read before anything is decided, by every means in order. Through Graph (the
    customer's grants) when the app holds a Graph permission there that can read them; otherwise from the
    resource's own delegated token in the customer, whose C(scp) claim lists the scopes the app holds on it
    (AADSTS65001 means none). RV(read_from) says which. When neither works the task fails and changes nothing.
  - With O(method=graph) the grant is changed through Microsoft Graph in the customer tenant, creating the
    resource service principal or the grant where missing and keeping every other scope. This needs the app to
    hold C(DelegatedPermissionGrant.ReadWrite.All) there (usually granted by the original consent).
  - With O(method=partner_center) the Partner Center application consent is created where the app is not
    installed. Where a consent exists without the scopes it must be deleted and re-created (Partner Center consents
    cannot be updated), and deleting it deletes the app's service principal with every grant, app-role assignment
    and directory role it holds. So this is done only when every grant to re-create is known (read through Graph,
    or listed in O(partner_center_grants)) and the app holds no app role or directory role there; otherwise the task
    fails before any write and says which option to set. A consent is never deleted for a change Graph can make.
  - The consent POST is not idempotent. When its answer is lost the tenant is read back instead of sending it
    again; when a re-create fails after the delete, the failure lists exactly which grants to restore.
  - V(auto) uses Graph when the app can change grants through it in the tenant, else Partner Center.
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
      - Every other resource grant the app holds (or should hold) in the customer, for a Partner Center consent that
        is created or re-created. Grants read through Graph are added to these.
      - Where Graph cannot be read, a token shows only its own resource's scopes, so an existing consent is
        re-created only when this option lists the app's other grants (an empty list says there are none).
      - For a customer where the app is not installed yet, list the Graph grants the app needs there (for example
        C(DelegatedPermissionGrant.ReadWrite.All) on C(00000003-0000-0000-c000-000000000000)); otherwise only the
        O(resource_app_id) grant is created.
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
  - csp.exchange.attributes.in_process
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

- name: Add a scope where Graph cannot be read, listing the app's other grants for the re-created consent
  csp.exchange.exo_consent:
    tenant: contoso.onmicrosoft.com
    scopes: [EWS.AccessAsUser.All]
    method: partner_center
    partner_center_grants:
      - resource_app_id: 00000003-0000-0000-c000-000000000000
        scopes: [DelegatedPermissionGrant.ReadWrite.All, Directory.Read.All]

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
read_from:
  description:
    - How the current scopes were read. V(graph) means the customer's grants were read through Graph, so every grant is
      known. V(token) means the scopes came from the C(scp) claim of the resource's own delegated token in the
      customer (AADSTS65001 counts as no scopes).
  returned: success
  type: str
  choices: [graph, token]
  sample: token
restore_grants:
  description:
    - The grants to restore, each C({resource_app_id, scopes}), when the consent was deleted and re-creating it failed
      (the task fails; the message says how to restore them).
  returned: failure after the consent was deleted
  type: list
  elements: dict
tenant_id:
  description: The customer tenant GUID, when it was needed.
  returned: when Partner Center was used
  type: str
"""

from ansible_collections.csp.exchange.plugins.module_utils.consent import (
    EXCHANGE_APP_ID, GraphConsent, tenant_guid_from_discovery)
from ansible_collections.csp.exchange.plugins.module_utils.consent_partner_center import (
    PartnerCenterConsent, merge_grants, with_resource_scopes)
from ansible_collections.csp.exchange.plugins.module_utils.consent_state import read_consent
from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.module import CspModule
from ansible_collections.csp.exchange.plugins.module_utils.tenant import is_guid


def desired_scopes(before, scopes, state):
    if state == "present":
        return sorted(set(before) | set(scopes))
    return sorted(set(before) - set(scopes))


def choose_method(module, state):
    """graph or partner_center, failing before any write when the asked method cannot work without loss."""
    requested, tenant = module.params["method"], module.tenant
    if requested == "graph" and not state.graph_can_write:
        raise InvalidInputError("method graph cannot change the grant in tenant %s: %s. Use method partner_center "
                                "(or auto)." % (tenant, _graph_gap(state)))
    if requested == "partner_center" and state.graph_can_write and state.consented:
        # Never delete a consent (and the app's service principal with it) for what Graph can change in place.
        raise InvalidInputError("method partner_center would delete and re-create the consent in tenant %s, but Graph "
                                "can change the grant in place there: use method graph or auto." % tenant)
    if requested == "auto":
        return "graph" if state.graph_can_write else "partner_center"
    return requested


def _graph_gap(state):
    if state.graph_state is None:
        return state.reason or "Graph cannot be read there"
    return "the app's Graph permissions there (%s) do not include DelegatedPermissionGrant.ReadWrite.All" % (
        " ".join(state.graph_scopes or []) or "none")


def listed_grants(module):
    listed = module.params["partner_center_grants"]
    return None if listed is None else [dict(resource_app_id=g["resource_app_id"], scopes=g["scopes"]) for g in listed]


def known_grants(module, state):
    """Every delegated grant the app holds in the tenant, or None when some could be unseen. Graph reads them
    all; a token only shows its own resource, so the rest must be listed in partner_center_grants."""
    listed = listed_grants(module)
    if state.grants is not None:
        return merge_grants(state.grants, listed)
    if listed is None:
        return None
    return merge_grants(listed, [dict(resource_app_id=module.params["resource_app_id"], scopes=state.scopes)])


def via_partner_center(module, application_id, state, after):
    """Create the consent where the app is not installed, else replace it with the changed grants (only when
    nothing can be lost). Returns the tenant GUID."""
    p = module.params
    resource = p["resource_app_id"]
    tenant_id = module.tenant if is_guid(module.tenant) else tenant_guid_from_discovery(
        module.transport, module.endpoints, module.tenant)
    consent = PartnerCenterConsent(module, application_id, tenant_id, p["display_name"])
    grants = known_grants(module, state)

    def read_back():
        return set(after) <= set(read_consent(module, application_id, resource, fresh=True).scopes or [])

    def target(known):
        # present keeps what partner_center_grants lists for the resource too; absent takes the scopes away.
        if p["state"] == "absent":
            return with_resource_scopes(known, resource, after)
        return merge_grants(known, [dict(resource_app_id=resource, scopes=after)])

    if not state.consented:
        # Not installed as far as can be seen: the POST creates it and deletes nothing.
        if module.check_mode or consent.create(target(grants or []), read_back):
            return tenant_id
        # 409: installed after all, with grants no read could see; replacing it needs the usual proof.
    consent.check_replaceable(grants, state.reason or "Graph cannot list them")
    if not module.check_mode:
        consent.replace(target(grants), read_back)
    return tenant_id


def main_logic(module):
    p = module.params
    application_id = p["application_id"] or p["client_id"]
    if not application_id:
        raise InvalidInputError("application_id (or client_id) is required.")
    if not p["scopes"] or any(not s or " " in s or "," in s for s in p["scopes"]):
        raise InvalidInputError("scopes must be a non-empty list of single scope values such as Exchange.Manage.")
    state = read_consent(module, application_id, p["resource_app_id"])
    if state.scopes is None:
        raise InvalidInputError(
            "Cannot read which scopes app %s holds on %s in tenant %s: %s. Nothing was changed; run with a partner "
            "refresh token (delegated), or give the app a Graph permission there that can read grants."
            % (application_id, p["resource_app_id"], module.tenant, state.reason or "no way to read them"))
    before = state.scopes
    after = desired_scopes(before, p["scopes"], p["state"])
    changed = after != before
    method = choose_method(module, state) if changed else "none"
    result = dict(changed=changed, method=method, scopes_before=before, scopes_after=after, read_from=state.read_from)
    if module._diff:
        result["diff"] = dict(before=dict(scopes=before), after=dict(scopes=after),
                              before_header="%s in %s" % (p["resource_app_id"], module.tenant),
                              after_header="%s in %s" % (p["resource_app_id"], module.tenant))
    if method == "graph" and not module.check_mode:
        GraphConsent(module.graph(), application_id, p["resource_app_id"]).apply(state.graph_state, after)
    elif method == "partner_center":
        result["tenant_id"] = via_partner_center(module, application_id, state, after)
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
