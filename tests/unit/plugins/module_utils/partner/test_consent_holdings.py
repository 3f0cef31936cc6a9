"""exo_consent allow_destructive: everything a Partner Center delete removes with the app's service principal is read
(group memberships and owners too), a refused role read is never replaced by the token's wids, and a service
principal Graph does not list yet is a refusal, not a crash."""
import base64
import json

from ansible_collections.csp.exchange.plugins.module_utils.errors import ServiceError
from ansible_collections.csp.exchange.plugins.module_utils.partner.consent.holdings import read_holdings

SP = {"id": "11111111-aaaa-bbbb-cccc-000000000001", "appId": "app"}
GROUP = {"@odata.type": "#microsoft.graph.group", "id": "99999999-0000-0000-0000-000000000001",
         "displayName": "Exchange RBAC - partner automation", "isAssignableToRole": True}
OWNER = {"@odata.type": "#microsoft.graph.user", "id": "99999999-0000-0000-0000-000000000002",
         "userPrincipalName": "owner@customer.example"}


class FakeGraph:
    """Graph as the customer has it: the SP holds no app role, no assignment, no direct directory role, but it is a
    member of a (role-assignable) group and has an owner. ``role_status``: answer the roleAssignments read with it."""

    def __init__(self, role_status=200):
        self.paths = []
        self.role_status = role_status

    def list(self, path, params=None):
        self.paths.append(path)
        if path.endswith("/memberOf") or path.endswith("/transitiveMemberOf"):
            return [GROUP]
        if path.endswith("/owners"):
            return [OWNER]
        if path.startswith("roleManagement/directory/roleAssignments"):
            if self.role_status != 200:
                raise ServiceError("refused", status=self.role_status)
            return []
        return []


def test_a_delete_is_refused_when_the_service_principal_is_a_group_member():
    """Deleting the SP removes its group memberships (a role-assignable group gives it directory roles; groups are
    also how customers scope Exchange RBAC and Conditional Access exclusions). Graph shows them
    (servicePrincipals/{id}/memberOf); allow_destructive must not delete them silently."""
    graph = FakeGraph()
    holdings = read_holdings(None, graph, "t", SP, [], own_app=False)
    lost = holdings.lost_by_delete() + holdings.unreadable
    assert any(GROUP["id"] in item or GROUP["displayName"] in item for item in lost), (graph.paths, lost)


def test_a_delete_is_refused_when_the_service_principal_has_owners():
    graph = FakeGraph()
    holdings = read_holdings(None, graph, "t", SP, [], own_app=False)
    lost = holdings.lost_by_delete() + holdings.unreadable
    assert any(OWNER["id"] in item or OWNER["userPrincipalName"] in item for item in lost), (graph.paths, lost)


class _Token:
    def __init__(self, wids):
        payload = base64.urlsafe_b64encode(json.dumps({"wids": wids}).encode()).decode().rstrip("=")
        self.token = "h.%s.s" % payload


class _Clients:
    """App-only tokens whose wids show only the implicit value: wids carries tenant-wide BUILT-IN roles only, so an
    administrative-unit-scoped or custom role assignment of the SP never appears in it."""
    has_app_credential = True

    def token_provider(self, mode):
        class Provider:
            def get(self, service, tenant):
                return _Token(["0997a1d0-0d1d-4acb-b408-d5ca73121e90"])
        return Provider()


def test_a_refused_role_read_is_not_replaced_by_wids():
    """Graph refuses the directory role read (403). The app-only token's wids list only tenant-wide built-in roles
    (Microsoft identity platform, access token claims: wids): a custom role or an administrative-unit-scoped role
    assignment would read as 'no role' and be deleted with the SP. So the role read stays 'unreadable' and the delete
    is refused."""
    graph = FakeGraph(role_status=403)
    holdings = read_holdings(_Clients(), graph, "t", SP, [], own_app=True)
    assert holdings.unreadable, "a refused role read was replaced by wids: %s" % holdings.directory_roles


def test_a_409_for_an_app_graph_does_not_list_yet_fails_with_a_sentence_not_a_type_error():
    """Partner Center answers 409 (the consent exists) while Graph does not list the app's service principal yet
    (replication); run.py re-plans with installed=True and, with allow_destructive and read-only Graph, goes to
    _lossless_replacement, which must refuse with its sentence, not fail on client_sp None."""
    import pytest
    from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
    from ansible_collections.csp.exchange.plugins.module_utils.partner.consent.graph import GrantState
    from ansible_collections.csp.exchange.plugins.module_utils.partner.consent.run import ConsentRequest, ConsentRun
    from ansible_collections.csp.exchange.plugins.module_utils.partner.consent.state import ConsentState

    class Clients:
        client_id = "app"
        has_app_credential = False

        def graph(self, tenant):
            return FakeGraph()

    state = ConsentState("graph", scopes=[], consented=True, grants=[], graph_scopes=["Directory.Read.All"],
                         graph_state=GrantState(client_sp=None, resource_sp={"id": "r"}), user_grants=[])
    run = ConsentRun(Clients(), "t", ConsentRequest("app", "res", ["Exchange.Manage"], allow_destructive=True),
                     warn=lambda m: None)
    with pytest.raises(InvalidInputError):
        run._lossless_replacement(state, ["Exchange.Manage"])
