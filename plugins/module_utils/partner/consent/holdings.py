# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What deleting the app's consent in a customer would take with it, read before any delete.

Deleting a Partner Center application consent deletes the app's service principal in the customer (CIPP's
Set-CIPPCPVConsent names that call "Delete Service Principal"), and the directory deletes with a service principal
every delegated grant it is the client of, every app-role assignment it holds or that users and groups hold to it,
and its directory-role memberships. The re-created consent gets a new service principal (a new object id) holding
only the AllPrincipals grants the POST lists. So a delete is allowed only when this read is complete and finds
nothing a Partner Center POST cannot bring back.

Read through Graph: ``servicePrincipals/{id}/appRoleAssignments`` (app roles the app holds on other resources),
``servicePrincipals/{id}/appRoleAssignedTo`` (users, groups and apps assigned to it),
``roleManagement/directory/roleAssignments?$filter=principalId eq '{id}'`` (its directory roles, custom and
administrative-unit-scoped ones included), ``servicePrincipals/{id}/memberOf`` (its groups: a role-assignable group
is a directory role by another route, and customers scope Exchange role assignments and Conditional Access
exclusions with groups) and ``servicePrincipals/{id}/owners`` (Graph docs, serviceprincipal-list-approleassignments,
serviceprincipal-list-approleassignedto, rbacapplication-list-roleassignments, serviceprincipal-list-memberof,
serviceprincipal-list-owners). Where Graph refuses the role read, the ``wids`` claim of an app-only token names the
tenant-wide built-in roles it holds (without the value every app-only token carries,
``0997a1d0-0d1d-4acb-b408-d5ca73121e90``, which is no role: no built-in role template has that id), but never custom
or scoped roles, so that read stays incomplete and no delete follows.
"""

from ...errors import AuthError, CspError, ServiceError
from ...identity.tokens import jwt_claims


IMPLICIT_APP_WID = "0997a1d0-0d1d-4acb-b408-d5ca73121e90"
ROLE_SERVICES = ("exchange", "graph")


class Holdings:
    """The app's service principal's attachments; a list each, or None when that part could not be read."""

    def __init__(self, user_grants, app_roles, assigned_to, directory_roles, unreadable, groups=None, owners=None):
        self.user_grants = user_grants
        self.app_roles = app_roles
        self.assigned_to = assigned_to
        self.directory_roles = directory_roles
        self.groups = groups
        self.owners = owners
        self.unreadable = unreadable        # [what could not be read and why]

    def lost_by_delete(self):
        """Everything a delete would remove that the Partner Center POST cannot re-create, one phrase each."""
        lost = ["the per-user grant of %s on %s for user %s" % (",".join(g["scopes"]), g["resource_app_id"], g["principal_id"])
                for g in self.user_grants or []]
        lost.extend("the app role %s on resource %s" % (a.get("appRoleId"), a.get("resourceDisplayName")
                                                        or a.get("resourceId")) for a in self.app_roles or [])
        lost.extend("the assignment of %s %s to the app" % ((a.get("principalType") or "principal").lower(),
                                                            a.get("principalDisplayName") or a.get("principalId"))
                    for a in self.assigned_to or [])
        lost.extend("the directory role %s" % role for role in self.directory_roles or [])
        lost.extend("its membership of %s %s" % (_kind(g), g.get("displayName") or g.get("id")) for g in self.groups or [])
        lost.extend("its owner %s" % (o.get("userPrincipalName") or o.get("displayName") or o.get("id"))
                    for o in self.owners or [])
        return lost


def read_holdings(clients, graph, tenant, client_sp, user_grants, own_app=True):
    """The Holdings of ``client_sp`` (a Graph service principal dict) in ``tenant``; ``own_app``: it is the partner
    app itself, whose app-only tokens can stand in for a refused role read."""
    unreadable = []

    def attempt(what, read):
        try:
            return read()
        except ServiceError as exc:
            if exc.status not in (401, 403):
                raise
            unreadable.append("%s (Graph answered HTTP %s)" % (what, exc.status))
            return None

    sp_id = client_sp["id"]
    app_roles = attempt("its app-role assignments",
                        lambda: graph.list("servicePrincipals/%s/appRoleAssignments" % sp_id))
    assigned_to = attempt("the users and groups assigned to it",
                          lambda: graph.list("servicePrincipals/%s/appRoleAssignedTo" % sp_id))
    roles = attempt("its directory roles", lambda: sorted(set(
        r.get("roleDefinitionId") for r in graph.list("roleManagement/directory/roleAssignments",
                                                      {"$filter": "principalId eq '%s'" % sp_id}))))
    if roles is None and own_app:
        # Shown for the message; the read stays incomplete (wids never name custom or scoped roles).
        roles = token_roles(clients, tenant)
    groups = attempt("its group memberships", lambda: graph.list("servicePrincipals/%s/memberOf" % sp_id))
    owners = attempt("its owners", lambda: graph.list("servicePrincipals/%s/owners" % sp_id))
    return Holdings(user_grants, app_roles, assigned_to, roles, unreadable, groups=groups, owners=owners)


def _kind(directory_object):
    return (directory_object.get("@odata.type") or "#group").rsplit(".", 1)[-1].lstrip("#") or "group"


def token_roles(clients, tenant):
    """Directory role template ids from the ``wids`` of the app's own app-only tokens, the implicit value left out;
    None when no app-only token can be had."""
    if not clients.has_app_credential:
        return None
    provider = clients.token_provider("app_only")
    wids = set()
    for service in ROLE_SERVICES:
        try:
            wids.update(jwt_claims(provider.get(service, tenant).token).get("wids") or [])
        except (AuthError, CspError):
            return None
    return sorted(wids - {IMPLICIT_APP_WID})
