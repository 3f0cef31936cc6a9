#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: partner_app
short_description: Ensure the partner app registration declares the delegated permissions the collection needs
version_added: 0.1.0
description:
  - The first step of a partner's set-up. Ensures the application object of the partner's multi-tenant app, in
    O(partner_tenant), lists the delegated permissions in C(requiredResourceAccess) - by default C(Exchange.Manage) on
    Office 365 Exchange Online, C(Directory.Read.All), C(DelegatedPermissionGrant.ReadWrite.All) and
    C(DelegatedAdminRelationship.Read.All) on Microsoft Graph, and C(user_impersonation) on Microsoft Partner Center.
  - Only adds; every other declared permission (delegated or application) is kept. Declaring a permission does not
    grant it; grant admin consent in the partner tenant, and consent in customers with M(csp.exchange.exo_consent).
  - Uses Microsoft Graph in O(partner_tenant) (C(applications)), which needs C(Application.ReadWrite.All) there.
options:
  application_id:
    description:
      - The app (client) id of the app registration. Defaults to O(client_id).
    type: str
  permissions:
    description:
      - The delegated permissions to declare. Defaults to the collection's set (see the description).
    type: list
    elements: dict
    suboptions:
      resource_app_id:
        description: The API's app id.
        type: str
        required: true
      scopes:
        description:
          - Scope names the collection knows (the default set plus C(Directory.ReadWrite.All)), or scope ids (GUIDs).
        type: list
        elements: str
        required: true
  state:
    description:
      - Only V(present) (the permissions are declared).
    type: str
    choices: [present]
    default: present
extends_documentation_fragment:
  - csp.exchange.auth
  - csp.exchange.attributes
  - csp.exchange.attributes.in_process
  - csp.exchange.attributes.actiongroup_auth
attributes:
  check_mode:
    support: full
    details: Reads the registration and reports what would be added; nothing is written.
  diff_mode:
    support: full
    details: Shows C(requiredResourceAccess) before and after.
  platform:
    platforms: all
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
- name: Declare the permissions the collection needs on the partner app
  csp.exchange.partner_app:
    partner_tenant: northwindpartners.onmicrosoft.com

- name: Also declare a Graph permission by id
  csp.exchange.partner_app:
    permissions:
      - resource_app_id: 00000003-0000-0000-c000-000000000000
        scopes: [e1fe6dd8-ba31-4d61-89e7-88639da4683d]
"""

RETURN = r"""
missing_before:
  description: The permissions that were (or in check mode would be) added, per resource.
  returned: success
  type: list
  elements: dict
  sample: [{resource_app_id: 00000002-0000-0ff1-ce00-000000000000, scopes: [Exchange.Manage]}]
object_id:
  description: The object id of the application object.
  returned: success
  type: str
"""

from ansible_collections.csp.exchange.plugins.module_utils.partner.app_permissions import DEFAULT_PERMISSIONS, add_missing
from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError, NotFoundError
from ansible_collections.csp.exchange.plugins.module_utils.module import CspModule
from ansible_collections.csp.exchange.plugins.module_utils.identity.tenant import validate_tenant


def main_logic(module):
    p = module.params
    application_id = p["application_id"] or p["client_id"]
    if not application_id:
        raise InvalidInputError("application_id (or client_id) is required.")
    if not p["partner_tenant"]:
        raise InvalidInputError("partner_tenant is required: the app registration lives there (or set CSP_PARTNER_TENANT).")
    partner = validate_tenant(p["partner_tenant"], "partner_tenant")
    graph = module.graph(partner)
    found = graph.list("applications", {"$filter": "appId eq '%s'" % application_id})
    if not found:
        raise NotFoundError("Tenant %s holds no app registration with app id %s; register the app there (or check "
                            "application_id and partner_tenant)." % (partner, application_id))
    app = found[0]
    before = app.get("requiredResourceAccess") or []
    after, missing = add_missing(before, p["permissions"] or DEFAULT_PERMISSIONS)
    result = dict(changed=bool(missing), missing_before=missing, object_id=app["id"])
    if module._diff:
        result["diff"] = dict(before=dict(requiredResourceAccess=before), after=dict(requiredResourceAccess=after),
                              before_header="app %s" % application_id, after_header="app %s" % application_id)
    if missing and not module.check_mode:
        graph.call("PATCH", "applications/%s" % app["id"], body={"requiredResourceAccess": after}, ok=(204,))
    return result


def main():
    module = CspModule(require_tenant=False, argument_spec=dict(
        application_id=dict(type="str"),
        permissions=dict(type="list", elements="dict", options=dict(
            resource_app_id=dict(type="str", required=True),
            scopes=dict(type="list", elements="str", required=True),
        )),
        state=dict(type="str", default="present", choices=["present"]),
    ))
    module.run(main_logic)


if __name__ == "__main__":
    main()
