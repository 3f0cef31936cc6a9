# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The delegated permissions the partner app declares (``requiredResourceAccess`` of its application object):
scope names to their ids, and the change that adds what is missing while keeping everything else."""

import copy

from .consent.graph import EXCHANGE_APP_ID, GRAPH_APP_ID
from ..errors import InvalidInputError
from ..identity.tenant import is_guid


PARTNER_CENTER_APP_ID = "fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd"

# Delegated permission (scope) ids; the same in every tenant. Sources: CIPP-API Config/SAMManifest.json for
# Exchange.Manage and user_impersonation; Graph's published permission ids for the Graph scopes.
SCOPE_IDS = {
    EXCHANGE_APP_ID: {"Exchange.Manage": "ab4f2b77-0b06-4fc1-a9de-02113fc2ab7c"},
    GRAPH_APP_ID: {"Directory.Read.All": "06da0dbc-49e2-44d2-8312-53f166ab848a",
                   "Directory.ReadWrite.All": "c5366453-9fb0-48a5-a156-24f0c49a4b84",
                   "DelegatedPermissionGrant.ReadWrite.All": "41ce6ca6-6826-4807-84f1-1c82854f7ee5",
                   "DelegatedAdminRelationship.Read.All": "0c0064ea-477b-4130-82a5-4c2cc4ff68aa"},
    PARTNER_CENTER_APP_ID: {"user_impersonation": "1cebfa2a-fb4d-419e-b5f9-839b4383e05a"},
}

# What the collection needs (docs/partner-setup.md): Exchange.Manage; Graph for the initial domain, consent through
# Graph and GDAP reads; Partner Center for consents and the customer list.
DEFAULT_PERMISSIONS = [
    dict(resource_app_id=EXCHANGE_APP_ID, scopes=["Exchange.Manage"]),
    dict(resource_app_id=GRAPH_APP_ID, scopes=["Directory.Read.All", "DelegatedPermissionGrant.ReadWrite.All",
                                               "DelegatedAdminRelationship.Read.All"]),
    dict(resource_app_id=PARTNER_CENTER_APP_ID, scopes=["user_impersonation"]),
]


def scope_id(resource_app_id, scope):
    """A scope's id: given as a GUID, or a name the collection knows."""
    if is_guid(scope):
        return scope.lower()
    known = SCOPE_IDS.get(resource_app_id.lower(), {})
    if scope not in known:
        raise InvalidInputError("The id of permission %s on %s is not known to the collection; give it as its GUID "
                                "(from the API's service principal, oauth2PermissionScopes)." % (scope, resource_app_id))
    return known[scope]


def add_missing(required, permissions):
    """(new requiredResourceAccess, missing [{resource_app_id, scopes}]); every existing entry is kept as it is."""
    result = copy.deepcopy(required or [])
    missing = []
    for permission in permissions:
        resource = permission["resource_app_id"].lower()
        entry = next((r for r in result if (r.get("resourceAppId") or "").lower() == resource), None)
        if entry is None:
            entry = {"resourceAppId": resource, "resourceAccess": []}
            result.append(entry)
        held = set((a.get("id") or "").lower() for a in entry.get("resourceAccess") or [] if a.get("type") == "Scope")
        absent = [s for s in permission["scopes"] if scope_id(resource, s) not in held]
        for scope in absent:
            entry.setdefault("resourceAccess", []).append({"id": scope_id(resource, scope), "type": "Scope"})
        if absent:
            missing.append(dict(resource_app_id=resource, scopes=absent))
    return result, missing
