#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

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
  - The change only adds. Scopes are added to (or, with O(state=absent), removed from) the AllPrincipals grant
    through Microsoft Graph, in place, so the app's service principal keeps its object id and every other grant,
    app-role assignment and role. This needs the app to hold C(DelegatedPermissionGrant.ReadWrite.All) there
    (usually granted by the original consent) and the partner user a GDAP role that allows consent changes, such as
    Cloud Application Administrator.
  - Partner Center is used only to create a consent where the app has no service principal in the customer. Its
    "already exists" answer means the tenant is read again and the scopes are added through Graph.
  - Where the app is installed and Graph cannot add the scopes, the task fails before any write, naming the missing
    permission or role and O(allow_destructive). With O(allow_destructive) the consent is deleted and re-created
    through Partner Center, but only when Graph can read everything the delete removes (every grant, per-user ones
    too, the app-role assignments it holds and those to it, its directory roles, groups and owners) and the
    re-created consent brings all of it back; otherwise the task fails before any write and lists what would be lost. The re-created service
    principal has a new object id, so Azure or Exchange role assignments that name the old one (which Graph does not
    show) are lost; do not set O(allow_destructive) where such assignments exist.
  - O(state=absent) never deletes the service principal. A grant left without any scope is deleted only with
    O(allow_destructive); otherwise it stays with an empty scope.
  - Partner Center requests carry C(MS-RequestId), kept when the same request is retried (Partner Center's
    idempotency key, so a consent POST answered 429, 503 or 504 is retried safely), and C(MS-CorrelationId), one
    per task. A Partner Center answer 900421 (a partner token without multi-factor authentication) fails at once,
    naming C(playbooks/onboard.yml).
  - V(method) chooses how a missing consent is created; an installed app is always changed through Graph.
    V(auto) uses Graph when it can create the service principal and the grant, else a Partner Center consent.
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
      - How a missing consent is created (V(graph) or V(partner_center)); see the description.
    type: str
    choices: [auto, graph, partner_center]
    default: auto
  partner_center_grants:
    description:
      - For a Partner Center consent that is created where the app is not installed, the other resource grants it
        should hold, for example C(DelegatedPermissionGrant.ReadWrite.All) on C(00000003-0000-0000-c000-000000000000)
        so that later changes can be made through Graph; otherwise only the O(resource_app_id) grant is created.
      - With O(allow_destructive), grants to add to a re-created consent, besides every grant read through Graph.
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
  allow_destructive:
    description:
      - Allow deleting a grant left without scopes, and deleting and re-creating a Partner Center consent where Graph
        cannot add the scopes; see the description for when a consent is still not deleted.
    type: bool
    default: false
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

- name: Install the app where it is missing, with the Graph grant later changes need
  csp.exchange.exo_consent:
    tenant: contoso.onmicrosoft.com
    method: partner_center
    partner_center_grants:
      - resource_app_id: 00000003-0000-0000-c000-000000000000
        scopes: [DelegatedPermissionGrant.ReadWrite.All, Directory.Read.All]

- name: Where Graph can read but not write, re-create the consent when nothing would be lost
  csp.exchange.exo_consent:
    tenant: contoso.onmicrosoft.com
    scopes: [EWS.AccessAsUser.All]
    allow_destructive: true

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

from ansible_collections.csp.exchange.plugins.module_utils.module import CspModule
from ansible_collections.csp.exchange.plugins.module_utils.partner.consent.graph import EXCHANGE_APP_ID
from ansible_collections.csp.exchange.plugins.module_utils.partner.consent.run import ConsentRequest, ConsentRun


def main_logic(module):
    p = module.params
    request = ConsentRequest(p["application_id"] or p["client_id"], p["resource_app_id"], p["scopes"], state=p["state"],
                             method=p["method"], partner_center_grants=p["partner_center_grants"],
                             display_name=p["display_name"], allow_destructive=p["allow_destructive"])
    run = ConsentRun(module.clients, module.tenant, request, module.warn, check_mode=module.check_mode)
    plan = run.plan()
    result = dict(changed=plan.changed, method=plan.method, scopes_before=plan.before, scopes_after=plan.after,
                  read_from=plan.state.read_from)
    if module._diff:
        header = "%s in %s" % (p["resource_app_id"], module.tenant)
        result["diff"] = dict(before=dict(scopes=plan.before), after=dict(scopes=plan.after),
                              before_header=header, after_header=header)
    tenant_id = run.apply(plan)
    if tenant_id:
        result["tenant_id"] = tenant_id
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
        allow_destructive=dict(type="bool", default=False),
    ))
    module.run(main_logic)


if __name__ == "__main__":
    main()
