# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""One consent change in one customer tenant, as a plan and its application.

``ConsentRun.plan()`` reads the app's consent by every means there is (``state.py``) and decides how the scopes are
added or removed, failing before any write where no way exists that loses nothing. ``ConsentRun.apply(plan)`` makes
the change; in check mode it makes the same reads and checks and writes nothing.

The change only adds: Graph adds or removes scopes on the AllPrincipals grant in place (the service principal, its
object id and every other grant stay); Partner Center only creates a consent where the app has no service principal,
and its "already exists" answer means: read again and continue through Graph. A consent is deleted and re-created
only with ``allow_destructive``, and only when everything the delete removes has been read and the re-create brings
it all back (``holdings.py``).
"""

from ...errors import InvalidInputError
from ...identity.tenant import is_guid, tenant_guid_from_discovery
from .graph import GraphConsent
from .holdings import read_holdings
from .partner_center import PartnerCenterConsent, merge_grants
from .state import read_consent

GRANT_WRITER = "DelegatedPermissionGrant.ReadWrite.All"
# Graph docs, oauth2permissiongrant-post/-update: with delegated access the signed-in user also needs a supported
# Microsoft Entra role; through GDAP that is a role granted to the partner's security group.
CONSENT_ROLE = "Cloud Application Administrator"


class ConsentRequest:
    """What the user asked for (the options of ``exo_consent``)."""

    def __init__(self, application_id, resource_app_id, scopes, state="present", method="auto",
                 partner_center_grants=None, display_name="csp.exchange", allow_destructive=False):
        if not application_id:
            raise InvalidInputError("application_id (or client_id) is required.")
        if not scopes or any(not s or " " in s or "," in s for s in scopes):
            raise InvalidInputError("scopes must be a non-empty list of single scope values such as Exchange.Manage.")
        self.application_id = application_id
        self.resource_app_id = resource_app_id
        self.scopes = scopes
        self.state = state
        self.method = method
        self.partner_center_grants = [dict(resource_app_id=g["resource_app_id"], scopes=g["scopes"])
                                      for g in partner_center_grants or []]
        self.display_name = display_name
        self.allow_destructive = allow_destructive

    def desired_scopes(self, before):
        if self.state == "present":
            return sorted(set(before) | set(self.scopes))
        return sorted(set(before) - set(self.scopes))


class ConsentPlan:
    """The scopes before and after, how they were read and how the change is made.

    ``method``: ``graph``, ``partner_center`` or ``none`` (unchanged); ``action``: ``graph``, ``create`` (a new
    Partner Center consent) or ``replace`` (delete and re-create, only with allow_destructive), None when unchanged.
    ``grants`` are the grants a Partner Center POST sends."""

    def __init__(self, state, before, after, action=None, grants=None):
        self.state = state
        self.before = before
        self.after = after
        self.action = action if after != before else None
        self.grants = grants

    @property
    def method(self):
        return {None: "none", "graph": "graph"}.get(self.action, "partner_center")

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

    def plan(self, fresh=False, installed=None):
        """Read, then decide. ``installed`` True: Partner Center said a consent exists, whatever the reads show."""
        request = self.request
        state = read_consent(self.clients, self.tenant, request.application_id, request.resource_app_id, fresh=fresh)
        if state.scopes is None:
            raise InvalidInputError(
                "Cannot read which scopes app %s holds on %s in tenant %s: %s. Nothing was changed; run with a partner "
                "refresh token (delegated), or give the app a Graph permission there that can read grants."
                % (request.application_id, request.resource_app_id, self.tenant, state.reason or "no way to read them"))
        if installed:
            state.consented = True
        after = request.desired_scopes(state.scopes)
        if after == state.scopes:
            return ConsentPlan(state, state.scopes, after)
        action = self._action(state)
        grants = None
        if action == "create":
            grants = merge_grants(request.partner_center_grants, state.grants,
                                  [dict(resource_app_id=request.resource_app_id, scopes=after)])
        elif action == "replace":
            grants = self._lossless_replacement(state, after)
        return ConsentPlan(state, state.scopes, after, action, grants)

    def apply(self, plan):
        """Make the planned change (reads and checks only in check mode); returns the tenant GUID when Partner Center
        was used, else None."""
        if plan.action == "graph":
            if not self.check_mode:
                self._graph(plan.state, plan.after)
            return None
        if plan.action in ("create", "replace"):
            return self._via_partner_center(plan)
        return None

    def _graph(self, state, after):
        GraphConsent(self.clients.graph(self.tenant), self.request.application_id,
                     self.request.resource_app_id).apply(state.graph_state, after, self.request.allow_destructive)

    def _action(self, state):
        """graph, create or replace; fails before any write where no way loses nothing."""
        request, tenant = self.request, self.tenant
        if request.state == "absent":
            if not state.graph_can_write:
                raise InvalidInputError(
                    "Cannot remove %s from the consent of app %s in tenant %s because %s; give the app %s there (and "
                    "the partner user a GDAP role that allows consent changes, such as %s), as the service principal "
                    "is never deleted to remove a scope."
                    % (", ".join(request.scopes), request.application_id, tenant, _graph_gap(state), GRANT_WRITER,
                       CONSENT_ROLE))
            return "graph"
        if state.consented is False:
            if request.method == "graph" and not state.graph_can_write:
                raise InvalidInputError("method graph cannot change the grant in tenant %s: %s. Use method "
                                        "partner_center (or auto)." % (tenant, _graph_gap(state)))
            if request.method == "graph" or request.method == "auto" and state.graph_can_write:
                return "graph"
            return "create"
        # Installed: Partner Center cannot add to an existing consent, so the way that keeps everything is Graph.
        if state.graph_can_write:
            return "graph"
        if not request.allow_destructive:
            raise InvalidInputError(
                "Cannot add %s to the existing consent of app %s in tenant %s without deleting it, because %s; give "
                "the app %s there (and the partner user a GDAP role that allows consent changes, such as %s), or set "
                "allow_destructive to let Partner Center delete and re-create the consent where nothing would be lost."
                % (", ".join(request.scopes), request.application_id, tenant, _graph_gap(state), GRANT_WRITER,
                   CONSENT_ROLE))
        return "replace"

    def _lossless_replacement(self, state, after):
        """The grants a re-created consent must hold, after proving the delete loses nothing; fails before any write
        otherwise, listing what would be lost or what could not be read."""
        request, tenant = self.request, self.tenant
        prefix = ("allow_destructive is set, but the consent of app %s in tenant %s was not deleted"
                  % (request.application_id, tenant))
        if state.graph_state is None or not state.graph_state.client_sp:
            raise InvalidInputError(
                "%s because what the delete would remove cannot be read (%s); give the app %s there to add the "
                "scopes through Graph instead." % (
                    prefix, state.reason or ("Graph does not list the app's service principal yet" if state.graph_state
                                             else "Graph cannot be read there"), GRANT_WRITER))
        holdings = read_holdings(self.clients, self.clients.graph(tenant), tenant, state.graph_state.client_sp,
                                 state.user_grants,
                                 own_app=request.application_id.lower() == (self.clients.client_id or "").lower())
        if holdings.unreadable:
            raise InvalidInputError("%s because what the delete would remove cannot all be read (%s)."
                                    % (prefix, "; ".join(holdings.unreadable)))
        lost = holdings.lost_by_delete()
        if lost:
            raise InvalidInputError("%s because the delete would lose what a Partner Center consent cannot re-create: "
                                    "%s." % (prefix, "; ".join(lost)))
        return merge_grants(state.grants, request.partner_center_grants,
                            [dict(resource_app_id=request.resource_app_id, scopes=after)])

    def _via_partner_center(self, plan):
        """Create the consent (or, with allow_destructive, replace it as planned). Returns the tenant GUID."""
        request, tenant = self.request, self.tenant
        tenant_id = tenant if is_guid(tenant) else tenant_guid_from_discovery(
            self.clients.transport, self.clients.endpoints, tenant)
        if self.check_mode:
            return tenant_id
        consent = PartnerCenterConsent(self.clients, tenant, request.application_id, tenant_id, request.display_name,
                                       self.warn)

        def read_back():
            return set(plan.after) <= set(read_consent(self.clients, tenant, request.application_id,
                                                       request.resource_app_id, fresh=True).scopes or [])

        if plan.action == "replace":
            consent.replace(plan.grants, read_back)
            return tenant_id
        if consent.create(plan.grants, read_back):
            return tenant_id
        # 409, "already exists": installed after all. Read it again and continue the way an installed app is changed.
        again = self.plan(fresh=True, installed=True)
        if again.action == "graph":
            self._graph(again.state, again.after)
        elif again.action == "replace":
            consent.replace(again.grants, read_back)
        return tenant_id


def _graph_gap(state):
    if state.graph_state is None:
        return state.reason or "Graph cannot be read there"
    return "the app's Graph permissions there (%s) do not include %s" % (
        " ".join(state.graph_scopes or []) or "none", GRANT_WRITER)
