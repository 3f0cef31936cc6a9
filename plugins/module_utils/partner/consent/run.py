# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One consent change in one customer tenant, as a plan and its application.

``ConsentRun.plan()`` reads the app's consent by every means there is (``state.py``) and decides the scopes after
the change and the method (Graph, or a Partner Center consent), failing before any write when the method asked for
cannot work without loss. ``ConsentRun.apply(plan)`` makes the change; in check mode it makes the same reads and
checks and writes nothing.
"""

from ...errors import InvalidInputError
from ...identity.tenant import is_guid, tenant_guid_from_discovery
from .graph import GraphConsent
from .partner_center import PartnerCenterConsent, merge_grants, with_resource_scopes
from .state import read_consent


class ConsentRequest:
    """What the user asked for (the options of ``exo_consent``)."""

    def __init__(self, application_id, resource_app_id, scopes, state="present", method="auto",
                 partner_center_grants=None, display_name="csp.exchange"):
        if not application_id:
            raise InvalidInputError("application_id (or client_id) is required.")
        if not scopes or any(not s or " " in s or "," in s for s in scopes):
            raise InvalidInputError("scopes must be a non-empty list of single scope values such as Exchange.Manage.")
        self.application_id = application_id
        self.resource_app_id = resource_app_id
        self.scopes = scopes
        self.state = state
        self.method = method
        self.partner_center_grants = None if partner_center_grants is None else [
            dict(resource_app_id=g["resource_app_id"], scopes=g["scopes"]) for g in partner_center_grants]
        self.display_name = display_name

    def desired_scopes(self, before):
        if self.state == "present":
            return sorted(set(before) | set(self.scopes))
        return sorted(set(before) - set(self.scopes))


class ConsentPlan:
    """The scopes before and after, how they were read and how the change is made (``none`` when unchanged)."""

    def __init__(self, state, before, after, method):
        self.state = state
        self.before = before
        self.after = after
        self.method = method

    @property
    def changed(self):
        return self.after != self.before


class ConsentRun:
    def __init__(self, clients, tenant, request, warn, check_mode=False):
        self.clients = clients
        self.tenant = tenant
        self.request = request
        self.warn = warn
        self.check_mode = check_mode

    def plan(self):
        request = self.request
        state = read_consent(self.clients, self.tenant, request.application_id, request.resource_app_id)
        if state.scopes is None:
            raise InvalidInputError(
                "Cannot read which scopes app %s holds on %s in tenant %s: %s. Nothing was changed; run with a partner "
                "refresh token (delegated), or give the app a Graph permission there that can read grants."
                % (request.application_id, request.resource_app_id, self.tenant, state.reason or "no way to read them"))
        after = request.desired_scopes(state.scopes)
        method = self._method(state) if after != state.scopes else "none"
        return ConsentPlan(state, state.scopes, after, method)

    def apply(self, plan):
        """Make the planned change (reads and checks only in check mode); returns the tenant GUID when Partner Center
        was used, else None."""
        if plan.method == "graph" and not self.check_mode:
            GraphConsent(self.clients.graph(self.tenant), self.request.application_id,
                         self.request.resource_app_id).apply(plan.state.graph_state, plan.after)
        elif plan.method == "partner_center":
            return self._via_partner_center(plan.state, plan.after)
        return None

    def _method(self, state):
        """graph or partner_center, failing before any write when the asked method cannot work without loss."""
        requested, tenant = self.request.method, self.tenant
        if requested == "graph" and not state.graph_can_write:
            raise InvalidInputError("method graph cannot change the grant in tenant %s: %s. Use method partner_center "
                                    "(or auto)." % (tenant, _graph_gap(state)))
        if requested == "partner_center" and state.graph_can_write and state.consented:
            # Never delete a consent (and the app's service principal with it) for what Graph can change in place.
            raise InvalidInputError("method partner_center would delete and re-create the consent in tenant %s, but "
                                    "Graph can change the grant in place there: use method graph or auto." % tenant)
        if requested == "auto":
            return "graph" if state.graph_can_write else "partner_center"
        return requested

    def _known_grants(self, state):
        """Every delegated grant the app holds in the tenant, or None when some could be unseen. Graph reads them
        all; a token only shows its own resource, so the rest must be listed in partner_center_grants."""
        listed = self.request.partner_center_grants
        if state.grants is not None:
            return merge_grants(state.grants, listed)
        if listed is None:
            return None
        return merge_grants(listed, [dict(resource_app_id=self.request.resource_app_id, scopes=state.scopes)])

    def _via_partner_center(self, state, after):
        """Create the consent where the app is not installed, else replace it with the changed grants (only when
        nothing can be lost). Returns the tenant GUID."""
        request, tenant = self.request, self.tenant
        resource = request.resource_app_id
        tenant_id = tenant if is_guid(tenant) else tenant_guid_from_discovery(
            self.clients.transport, self.clients.endpoints, tenant)
        consent = PartnerCenterConsent(self.clients, tenant, request.application_id, tenant_id, request.display_name,
                                       self.warn)
        grants = self._known_grants(state)

        def read_back():
            return set(after) <= set(read_consent(self.clients, tenant, request.application_id, resource,
                                                  fresh=True).scopes or [])

        def target(known):
            # present keeps what partner_center_grants lists for the resource too; absent takes the scopes away.
            if request.state == "absent":
                return with_resource_scopes(known, resource, after)
            return merge_grants(known, [dict(resource_app_id=resource, scopes=after)])

        if not state.consented:
            # Not installed as far as can be seen: the POST creates it and deletes nothing.
            if self.check_mode or consent.create(target(grants or []), read_back):
                return tenant_id
            # 409: installed after all, with grants no read could see; replacing it needs the usual proof.
        consent.check_replaceable(grants, state.reason or "Graph cannot list them")
        if not self.check_mode:
            consent.replace(target(grants), read_back)
        return tenant_id


def _graph_gap(state):
    if state.graph_state is None:
        return state.reason or "Graph cannot be read there"
    return "the app's Graph permissions there (%s) do not include DelegatedPermissionGrant.ReadWrite.All" % (
        " ".join(state.graph_scopes or []) or "none")
