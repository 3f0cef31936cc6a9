# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What the partner app holds in a customer tenant, read by every means there is, in order:

1. Graph (the customer's ``oauth2PermissionGrant`` objects): the whole truth, when the app holds a Graph
   permission there that can read them;
2. the resource's own delegated token in the customer (``{resource}/.default``): its ``scp`` claim lists the
   scopes the app holds on that resource; AADSTS65001 means it holds none. Only Exchange and Graph tokens can be
   had, and a token says nothing about the app's grants on other resources.

Partner Center consents can be neither read nor updated (its SDK and docs offer create and delete only), so nothing is ever decided on an
empty read: a scope list is either read (``scopes`` is a list) or unknown (None).
"""

from .graph import EXCHANGE_APP_ID, GRAPH_APP_ID, GraphConsent, holdings_grants
from ...errors import AuthError, ServiceError


# Delegated Graph permissions that may create, change and delete oauth2PermissionGrants (Graph docs
# oauth2permissiongrant-post / -update / -delete), and those that may create a service principal (serviceprincipal-post).
GRANT_WRITERS = ("DelegatedPermissionGrant.ReadWrite.All", "Directory.ReadWrite.All")
SP_CREATORS = ("Application.ReadWrite.All", "Directory.ReadWrite.All")
# Resources whose own token the TokenProvider can acquire in a customer.
TOKEN_SERVICES = {EXCHANGE_APP_ID: "exchange", GRAPH_APP_ID: "graph"}
NOT_CONSENTED = 65001
SERVICE_NAMES = {"exchange": "Exchange", "graph": "Microsoft Graph"}


class ConsentState:
    """The app's consent in one tenant for one resource.

    ``read_from``: ``graph`` (grants read through Graph: every grant is known), ``token`` (the resource's own
    token: only this resource's scopes, and the Graph scopes, are known) or ``none`` (nothing could be read).
    """

    def __init__(self, read_from, scopes=None, consented=None, grants=None, graph_scopes=None, graph_state=None,
                 reason=None, user_grants=None):
        self.read_from = read_from
        self.scopes = scopes              # list on the resource, or None when unknown
        self.consented = consented        # the app's service principal exists (None: unknown)
        self.grants = grants              # every delegated grant [{resource_app_id, scopes}] (graph only), else None
        self.graph_scopes = graph_scopes  # scopes (app-only: roles) of the app's Graph token there (None: none)
        self.graph_state = graph_state    # consent.GrantState when read through Graph
        self.reason = reason              # why Graph could not be read (for messages)
        self.user_grants = user_grants    # per-user (Principal) grants [{resource_app_id, principal_id, scopes}] (graph)

    @property
    def graph_can_write(self):
        """Graph can add or remove scopes on this resource's grant without touching anything else."""
        if self.graph_state is None or not set(self.graph_scopes or ()) & set(GRANT_WRITERS):
            return False
        missing_sps = not self.graph_state.client_sp or not self.graph_state.resource_sp
        return not missing_sps or bool(set(self.graph_scopes or ()) & set(SP_CREATORS))


def read_consent(clients, tenant, application_id, resource_app_id, fresh=False):
    """A ConsentState for ``resource_app_id`` in ``tenant``. ``fresh`` ignores cached tokens (a read-back after a
    change: tokens issued before it carry the old ``scp``)."""
    has_graph, graph_scopes, reason = _token_scopes(clients.tokens, tenant, "graph", fresh)
    if has_graph:
        consent = GraphConsent(clients.graph(tenant), application_id, resource_app_id)
        try:
            state = consent.read()
        except ServiceError as exc:
            if exc.status not in (401, 403):
                raise
            reason = "Graph refused to list the grants (HTTP %s)" % exc.status
        else:
            grants, user_grants = holdings_grants(consent.graph, state.client_sp)
            return ConsentState("graph", scopes=state.scopes, consented=bool(state.client_sp), grants=grants,
                                graph_scopes=graph_scopes, graph_state=state, user_grants=user_grants)
    service = TOKEN_SERVICES.get(resource_app_id.lower())
    if service is None or application_id.lower() != (clients.client_id or "").lower():
        return ConsentState("none", graph_scopes=graph_scopes, reason=reason)
    dummy, scopes, why = _token_scopes(clients.tokens, tenant, service, fresh, delegated_only=True)
    if scopes is None:
        return ConsentState("none", graph_scopes=graph_scopes, reason=why)
    # A token for either resource proves the app is installed; 65001 for both: not installed as far as can be seen.
    consented = bool(scopes or graph_scopes)
    return ConsentState("token", scopes=scopes, consented=consented, graph_scopes=graph_scopes, reason=reason)


def _token_scopes(tokens, tenant, service, fresh, delegated_only=False):
    """(got a token, its scopes or None when unknown, why there is no token).

    AADSTS65001 means the app holds no scope on the resource: a known empty list. A delegated token's ``scp``
    lists the app's delegated scopes there; an app-only one carries app roles instead, which may call Graph but
    say nothing about delegated scopes (``delegated_only``)."""
    if delegated_only and (tokens.mode != "delegated" or tokens.given_token):
        return False, None, "there are no delegated credentials to read scopes with (auth_mode %s)" % tokens.mode
    try:
        token = tokens.get(service, tenant, force_refresh=fresh and not tokens.given_token)
    except AuthError as exc:
        if exc.details.get("aadsts") == NOT_CONSENTED:
            return False, [], "the app holds no %s permission there (AADSTS65001)" % SERVICE_NAMES[service]
        raise
    return True, sorted(token.scopes), None
