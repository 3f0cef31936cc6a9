# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Delegated consent of the partner app in a customer tenant, read and changed through Graph.

Partner Center consents can be neither read nor updated, so the truth is the customer's
AllPrincipals ``oauth2PermissionGrant`` for (partner app SP, resource SP). Its ``scope`` is a
space-separated string replaced whole on PATCH, so every write sends the full desired set.
"""

from ...errors import ServiceError


EXCHANGE_APP_ID = "00000002-0000-0ff1-ce00-000000000000"
GRAPH_APP_ID = "00000003-0000-0000-c000-000000000000"
# Seconds between reads of an object Graph says exists but does not list yet (about 15 s in all).
READ_BACK_DELAYS = (0, 1, 2, 4, 8)


class GrantState:
    """What Graph shows for one (client app, resource app) pair."""

    def __init__(self, client_sp=None, resource_sp=None, grants=None):
        self.client_sp = client_sp
        self.resource_sp = resource_sp
        self.grants = grants or []

    @property
    def scopes(self):
        found = []
        for grant in self.grants:
            found.extend(s for s in (grant.get("scope") or "").split() if s not in found)
        return sorted(found)


class GraphConsent:
    def __init__(self, graph, application_id, resource_app_id):
        self.graph = graph
        self.application_id = application_id
        self.resource_app_id = resource_app_id

    def _service_principal(self, app_id):
        found = self.graph.list("servicePrincipals", {"$filter": "appId eq '%s'" % app_id})
        return found[0] if found else None

    def _grants(self, client_sp, resource_sp):
        found = self.graph.list("oauth2PermissionGrants", {
            "$filter": "clientId eq '%s' and resourceId eq '%s'" % (client_sp["id"], resource_sp["id"])})
        return [g for g in found if g.get("consentType") == "AllPrincipals"]

    def read(self):
        client_sp = self._service_principal(self.application_id)
        resource_sp = self._service_principal(self.resource_app_id)
        grants = self._grants(client_sp, resource_sp) if client_sp and resource_sp else []
        return GrantState(client_sp, resource_sp, grants)

    def _read_back(self, read, what):
        """What Graph said exists (409 to our create) but may not list yet (directory replication): read again for
        a bounded while, then fail with a sentence instead of indexing an empty list."""
        waited = 0
        for delay in READ_BACK_DELAYS:
            if delay:
                self.graph.transport.sleep(delay)
                waited += delay
            found = read()
            if found:
                return found
        raise ServiceError("Graph answered that %s already exists in tenant %s but did not list it within %d s "
                           "(directory replication lag after a write); run the task again in a few minutes."
                           % (what, self.graph.tenant, waited))

    def _ensure_sp(self, app_id, existing):
        if existing:
            return existing
        status, created = self.graph.call("POST", "servicePrincipals", body={"appId": app_id}, ok=(201, 409))
        if status == 201:
            return created
        return self._read_back(lambda: self._service_principal(app_id), "the service principal of app %s" % app_id)

    def apply(self, state, scopes, allow_destructive=False):
        """Make the AllPrincipals grant hold exactly ``scopes``, changing only its ``scope`` in place.

        Only with ``allow_destructive`` is a grant left without any scope deleted; otherwise it stays, with an empty
        ``scope``. Duplicate grants for the pair are never deleted: the first gets the whole set, and a removed scope
        is taken out of every one that holds it."""
        grants = list(state.grants)
        scope = " ".join(sorted(scopes))
        if not scopes:
            for grant in grants:
                if allow_destructive:
                    self.graph.call("DELETE", "oauth2PermissionGrants/%s" % grant["id"], ok=(204, 404))
                elif (grant.get("scope") or "").strip():
                    self.graph.call("PATCH", "oauth2PermissionGrants/%s" % grant["id"], body={"scope": ""}, ok=(204,))
            return
        client_sp = self._ensure_sp(self.application_id, state.client_sp)
        resource_sp = self._ensure_sp(self.resource_app_id, state.resource_sp)
        if not grants:
            status, created = self.graph.call("POST", "oauth2PermissionGrants", ok=(201, 409), body={
                "clientId": client_sp["id"], "consentType": "AllPrincipals", "resourceId": resource_sp["id"],
                "scope": scope})
            if status == 201:
                return
            # 409: a grant appeared meanwhile (or our first POST's answer was lost): patch it instead.
            grants = self._read_back(lambda: self._grants(client_sp, resource_sp), "the delegated permission grant")
        if sorted((grants[0].get("scope") or "").split()) != sorted(scopes):    # e.g. our own lost POST's grant
            self.graph.call("PATCH", "oauth2PermissionGrants/%s" % grants[0]["id"], body={"scope": scope}, ok=(204,))
        for duplicate in grants[1:]:
            held = (duplicate.get("scope") or "").split()
            kept = [s for s in held if s in scopes]
            if kept != held:
                self.graph.call("PATCH", "oauth2PermissionGrants/%s" % duplicate["id"], body={"scope": " ".join(kept)},
                                ok=(204,))


def holdings_grants(graph, client_sp):
    """(AllPrincipals grants [{resource_app_id, scopes}], per-user grants [{resource_app_id, principal_id, scopes}])
    of the app's service principal, read through Graph. Per-user (``consentType: Principal``) grants carry the
    user's object id in ``principalId`` (Graph docs, oAuth2PermissionGrant resource type); a Partner Center consent
    re-creates only the AllPrincipals ones."""
    if not client_sp:
        return [], []
    found = graph.list("oauth2PermissionGrants", {"$filter": "clientId eq '%s'" % client_sp["id"]})
    app_ids = {}
    by_resource, per_user = {}, []
    for grant in found:
        resource_id = grant["resourceId"]
        if resource_id not in app_ids:
            status, sp = graph.call("GET", "servicePrincipals/%s" % resource_id, ok=(200,))
            app_ids[resource_id] = sp["appId"]
        scopes = (grant.get("scope") or "").split()
        if grant.get("consentType") == "AllPrincipals":
            held = by_resource.setdefault(app_ids[resource_id], [])
            held.extend(s for s in scopes if s not in held)
        else:
            per_user.append(dict(resource_app_id=app_ids[resource_id], principal_id=grant.get("principalId"),
                                 scopes=sorted(scopes)))
    return ([dict(resource_app_id=app_id, scopes=scopes) for app_id, scopes in sorted(by_resource.items())],
            sorted(per_user, key=lambda g: (g["resource_app_id"], g["principal_id"] or "")))
