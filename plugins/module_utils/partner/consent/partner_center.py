# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Partner Center application consents, changed without destroying what cannot be seen.

A consent can only be created or deleted (Partner Center developer docs, control-panel-vendor-apis; the Partner
Center SDK has no GET or PATCH for it). Deleting it deletes the app's service principal in
the customer, and with it every delegated grant, app-role assignment and directory role the app holds there
(CIPP's Set-CIPPCPVConsent names the call "Delete Service Principal"); the re-create brings back only the
delegated grants it lists. So a consent is replaced only when every grant to re-create is known and the app
holds no app role or directory role there, and a failed re-create names exactly what to restore.
"""

import json

from ...identity.tokens import jwt_claims
from ...errors import AuthError, CspError, InvalidInputError, OutcomeUnknownError


# AADSTS codes of an app-only token request that prove the app holds nothing there: its service principal is
# missing (7000229) or the resource's is (500011).
NOTHING_ASSIGNED = (7000229, 500011)
ROLE_SERVICES = ("exchange", "graph")


def merge_grants(*lists):
    """[{resource_app_id, scopes}] lists -> one list, scopes united per resource (case-insensitive ids), sorted."""
    merged = {}
    for grants in lists:
        for grant in grants or []:
            scopes = merged.setdefault(grant["resource_app_id"].lower(), [])
            scopes.extend(s for s in grant["scopes"] if s not in scopes)
    return [dict(resource_app_id=app_id, scopes=sorted(scopes)) for app_id, scopes in sorted(merged.items()) if scopes]


def with_resource_scopes(grants, resource_app_id, scopes):
    """``grants`` with the resource's scopes replaced by ``scopes`` (dropped when empty)."""
    others = [g for g in grants if g["resource_app_id"].lower() != resource_app_id.lower()]
    return merge_grants(others, [dict(resource_app_id=resource_app_id, scopes=scopes)])


def describe_grants(grants):
    return "; ".join("%s: %s" % (g["resource_app_id"], ",".join(g["scopes"])) for g in grants) or "none"


def consent_body(application_id, display_name, grants):
    """The POST body that re-creates ``grants`` (shown to the user when a re-create failed)."""
    return {"applicationId": application_id, "displayName": display_name,
            "applicationGrants": [{"enterpriseApplicationId": g["resource_app_id"], "scope": ",".join(g["scopes"])}
                                  for g in grants]}


# Every app-only token carries this wids value whatever the service principal holds; no directory role has this
# template id, so it is never one of the app's directory roles (and never lost with a deleted consent).
IMPLICIT_APP_WID = "0997a1d0-0d1d-4acb-b408-d5ca73121e90"


def app_assignments(clients, tenant, application_id):
    """(app roles, directory role template ids) the app's own service principal holds in the tenant, read from
    app-only tokens (``roles``, ``wids``) for Exchange and Graph; None when they cannot be read."""
    if application_id.lower() != (clients.client_id or "").lower() or not clients.has_app_credential:
        return None
    provider = clients.token_provider("app_only")
    roles, wids = set(), set()
    for service in ROLE_SERVICES:
        try:
            claims = jwt_claims(provider.get(service, tenant).token)
        except AuthError as exc:
            if exc.details.get("aadsts") in NOTHING_ASSIGNED:
                continue
            return None
        roles.update(claims.get("roles") or [])
        wids.update(w for w in claims.get("wids") or [] if str(w).lower() != IMPLICIT_APP_WID)
    return sorted(roles), sorted(wids)


class PartnerCenterConsent:
    """Create, replace or delete the app's consent in one customer (``tenant_id`` is its GUID)."""

    def __init__(self, clients, tenant, application_id, tenant_id, display_name, warn):
        self.clients = clients
        self.tenant = tenant
        self.warn = warn
        self.pc = clients.partner_center()
        self.application_id = application_id
        self.tenant_id = tenant_id
        self.display_name = display_name

    def check_replaceable(self, known_grants, why_unknown):
        """Fail before any write unless the consent can be deleted without losing anything."""
        tenant = self.tenant
        if known_grants is None:
            raise InvalidInputError(
                "The consent of app %s in tenant %s would have to be deleted and re-created (Partner Center cannot "
                "update it), but its other grants cannot be read (%s), so re-creating it could drop them. List every "
                "grant the app holds there in partner_center_grants, or let Graph change the grant (method graph, "
                "which needs DelegatedPermissionGrant.ReadWrite.All there)." % (self.application_id, tenant, why_unknown))
        assigned = app_assignments(self.clients, self.tenant, self.application_id)
        if assigned is None:
            raise InvalidInputError(
                "The consent of app %s in tenant %s would have to be deleted, which deletes the app's service "
                "principal, but its app-role assignments and directory roles there cannot be read, so they could be "
                "lost. Add the scopes with method graph instead." % (self.application_id, tenant))
        roles, wids = assigned
        if roles or wids:
            raise InvalidInputError(
                "The consent of app %s in tenant %s would have to be deleted, which deletes the app's service principal "
                "with its app roles (%s) and directory roles (%s) that Partner Center cannot re-create. Add the scopes "
                "with method graph instead (the app needs DelegatedPermissionGrant.ReadWrite.All there)."
                % (self.application_id, tenant, ", ".join(roles) or "none", ", ".join(wids) or "none"))

    def create(self, grants, read_back):
        """POST the consent. True when created, False when one already exists (409). After an ambiguous failure
        ``read_back()`` (True when the grants are in place) decides, never a resend."""
        try:
            return self.pc.create_consent(self.tenant_id, self.application_id, self.display_name, grants)
        except OutcomeUnknownError as exc:
            if read_back():
                self.warn("The Partner Center answer to the consent POST for tenant %s was lost; reading the "
                          "tenant back shows the consent in place." % self.tenant)
                return True
            raise OutcomeUnknownError("%s Reading tenant %s back does not show the grants (%s) yet: check the app's "
                                      "consent there before running again." % (exc.message, self.tenant,
                                                                               describe_grants(grants)))

    def replace(self, grants, read_back):
        """DELETE then POST ``grants`` (empty: DELETE only). A failed re-create names every grant to restore."""
        self.pc.delete_consent(self.tenant_id, self.application_id)
        if not grants:
            return
        try:
            created = self.create(grants, read_back)
        except CspError as exc:
            raise type(exc)(self._restore_message(grants, exc.message), restore_grants=grants)
        if not created:
            raise InvalidInputError(self._restore_message(grants, "a consent re-appeared between the DELETE and the POST"),
                                    restore_grants=grants)

    def _restore_message(self, grants, reason):
        return ("The consent of app %s in tenant %s was deleted but re-creating it failed (%s). Restore these grants: "
                "%s, for example by running the task again with partner_center_grants listing them, or by POSTing "
                "to customers/%s/applicationconsents: %s"
                % (self.application_id, self.tenant, reason.rstrip("."), describe_grants(grants), self.tenant_id,
                   json.dumps(consent_body(self.application_id, self.display_name, grants), sort_keys=True)))
