"""Grant lists for Partner Center consents, and the partner app's requiredResourceAccess change."""
import pytest

from ansible_collections.csp.exchange.plugins.module_utils.partner.app_permissions import add_missing
from ansible_collections.csp.exchange.plugins.module_utils.partner.consent.holdings import (
    IMPLICIT_APP_WID, Holdings, token_roles)
from ansible_collections.csp.exchange.plugins.module_utils.partner.consent.partner_center import (
    consent_body, merge_grants)
from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError

EXO = "00000002-0000-0ff1-ce00-000000000000"
GRAPH = "00000003-0000-0000-c000-000000000000"


def test_merge_unites_scopes_per_resource_case_insensitively_and_drops_empty():
    merged = merge_grants([dict(resource_app_id=EXO.upper(), scopes=["EWS.AccessAsUser.All"])],
                          [dict(resource_app_id=EXO, scopes=["Exchange.Manage"]), dict(resource_app_id=GRAPH, scopes=[])],
                          None)
    assert merged == [dict(resource_app_id=EXO, scopes=["EWS.AccessAsUser.All", "Exchange.Manage"])]


def test_consent_body_sends_comma_separated_scopes():
    body = consent_body("app", "csp.exchange", [dict(resource_app_id=EXO, scopes=["EWS.AccessAsUser.All", "Exchange.Manage"])])
    assert body["applicationGrants"] == [{"enterpriseApplicationId": EXO, "scope": "EWS.AccessAsUser.All,Exchange.Manage"}]


def test_a_delete_loses_per_user_grants_app_roles_assignments_and_roles():
    holdings = Holdings([dict(resource_app_id=EXO, principal_id="u1", scopes=["Exchange.Manage"])],
                        [{"appRoleId": "r1", "resourceDisplayName": "Office 365 Exchange Online"}],
                        [{"principalType": "User", "principalId": "u2"}], ["29232cdf-9323-42fd-ade2-1d097af3e4de"], [])
    assert holdings.lost_by_delete() == [
        "the per-user grant of Exchange.Manage on %s for user u1" % EXO,
        "the app role r1 on resource Office 365 Exchange Online",
        "the assignment of user u2 to the app",
        "the directory role 29232cdf-9323-42fd-ade2-1d097af3e4de"]
    assert Holdings([], [], [], [], []).lost_by_delete() == []


class _Token:
    def __init__(self, wids):
        import base64
        import json
        payload = base64.urlsafe_b64encode(json.dumps({"wids": wids}).encode()).decode().rstrip("=")
        self.token = "h.%s.s" % payload


class _Provider:
    def __init__(self, wids):
        self.wids = wids

    def get(self, service, tenant):
        return _Token(self.wids)


class _Clients:
    has_app_credential = True

    def __init__(self, wids):
        self.wids = wids

    def token_provider(self, mode):
        return _Provider(self.wids)


def test_the_implicit_app_only_wid_is_no_directory_role():
    assert token_roles(_Clients([IMPLICIT_APP_WID]), "t") == []
    assert token_roles(_Clients([IMPLICIT_APP_WID, "29232cdf-9323-42fd-ade2-1d097af3e4de"]), "t") == [
        "29232cdf-9323-42fd-ade2-1d097af3e4de"]


def test_add_missing_keeps_every_declared_permission():
    role = {"id": "9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30", "type": "Role"}
    before = [{"resourceAppId": GRAPH, "resourceAccess": [role]}]
    after, missing = add_missing(before, [dict(resource_app_id=GRAPH, scopes=["Directory.Read.All"]),
                                          dict(resource_app_id=EXO, scopes=["Exchange.Manage"])])
    assert after[0]["resourceAccess"] == [role, {"id": "06da0dbc-49e2-44d2-8312-53f166ab848a", "type": "Scope"}]
    assert after[1] == {"resourceAppId": EXO, "resourceAccess": [{"id": "ab4f2b77-0b06-4fc1-a9de-02113fc2ab7c",
                                                                  "type": "Scope"}]}
    assert [m["scopes"] for m in missing] == [["Directory.Read.All"], ["Exchange.Manage"]]
    assert before == [{"resourceAppId": GRAPH, "resourceAccess": [role]}]          # not changed in place
    assert add_missing(after, [dict(resource_app_id=EXO, scopes=["Exchange.Manage"])])[1] == []


def test_unknown_scope_name_needs_its_id():
    with pytest.raises(InvalidInputError, match="give it as its GUID"):
        add_missing([], [dict(resource_app_id=GRAPH, scopes=["Mail.Send"])])
