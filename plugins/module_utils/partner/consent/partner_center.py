# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Partner Center application consents: created where the app is missing, replaced only when asked and lossless.

A consent can only be created or deleted (Partner Center developer docs, control-panel-vendor-apis; the Partner
Center SDK has no GET or PATCH for it). CIPP, which partners use most, only ever creates one and adds scopes through
Graph afterwards (Set-CIPPCPVConsent, Add-CIPPDelegatedPermission), and so does this collection unless the user sets
``allow_destructive``: then a consent Graph cannot change may be deleted and re-created, after ``holdings.py`` has
shown that the delete takes nothing the re-create does not bring back. A failed re-create names exactly what to
restore.
"""

import json

from ...errors import CspError, InvalidInputError, OutcomeUnknownError, TransportError


def merge_grants(*lists):
    """[{resource_app_id, scopes}] lists -> one list, scopes united per resource (case-insensitive ids), sorted."""
    merged = {}
    for grants in lists:
        for grant in grants or []:
            scopes = merged.setdefault(grant["resource_app_id"].lower(), [])
            scopes.extend(s for s in grant["scopes"] if s not in scopes)
    return [dict(resource_app_id=app_id, scopes=sorted(scopes)) for app_id, scopes in sorted(merged.items()) if scopes]


def describe_grants(grants):
    return "; ".join("%s: %s" % (g["resource_app_id"], ",".join(g["scopes"])) for g in grants) or "none"


def consent_body(application_id, display_name, grants):
    """The POST body that re-creates ``grants`` (shown to the user when a re-create failed)."""
    return {"applicationId": application_id, "displayName": display_name,
            "applicationGrants": [{"enterpriseApplicationId": g["resource_app_id"], "scope": ",".join(g["scopes"])}
                                  for g in grants]}


class PartnerCenterConsent:
    """Create or replace the app's consent in one customer (``tenant_id`` is its GUID)."""

    def __init__(self, clients, tenant, application_id, tenant_id, display_name, warn):
        self.clients = clients
        self.tenant = tenant
        self.warn = warn
        self.pc = clients.partner_center()
        self.application_id = application_id
        self.tenant_id = tenant_id
        self.display_name = display_name

    def create(self, grants, read_back):
        """POST the consent. True when created, False when one already exists (409). When every attempt failed
        without a clear answer, ``read_back()`` (True when the grants are in place) decides, never another POST."""
        try:
            return self.pc.create_consent(self.tenant_id, self.application_id, self.display_name, grants)
        except (OutcomeUnknownError, TransportError) as exc:
            if read_back():
                self.warn("The Partner Center answer to the consent POST for tenant %s was lost; reading the "
                          "tenant back shows the consent in place." % self.tenant)
                return True
            raise OutcomeUnknownError("%s Reading tenant %s back does not show the grants (%s) yet: check the app's "
                                      "consent there before running again." % (exc.message, self.tenant,
                                                                               describe_grants(grants)))

    def replace(self, grants, read_back):
        """DELETE then POST ``grants``. A failed re-create names every grant to restore."""
        self.pc.delete_consent(self.tenant_id, self.application_id)
        try:
            created = self.create(grants, read_back)
        except CspError as exc:
            raise type(exc)(self._restore_message(grants, exc.message), restore_grants=grants)
        if not created:
            raise InvalidInputError(self._restore_message(grants, "a consent re-appeared between the DELETE and the POST"),
                                    restore_grants=grants)

    def _restore_message(self, grants, reason):
        return ("The consent of app %s in tenant %s was deleted but re-creating it failed (%s). Restore these grants: "
                "%s, for example by POSTing to customers/%s/applicationconsents: %s"
                % (self.application_id, self.tenant, reason.rstrip("."), describe_grants(grants), self.tenant_id,
                   json.dumps(consent_body(self.application_id, self.display_name, grants), sort_keys=True)))
