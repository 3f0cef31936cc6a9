"""Grant lists for Partner Center consents, and the partner app's requiredResourceAccess change."""
import pytest

from ansible_collections.csp.exchange.plugins.module_utils.partner.app_permissions import add_missing
from ansible_collections.csp.exchange.plugins.module_utils.partner.consent.partner_center import (
    consent_body, merge_grants, with_resource_scopes)
from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError

EXO = "00000002-0000-0ff1-ce00-000000000000"
GRAPH = "00000003-0000-0000-c000-000000000000"


def test_merge_unites_scopes_per_resource_case_insensitively_and_drops_empty():
    merged = merge_grants([dict(resource_app_id=EXO.upper(), scopes=["EWS.AccessAsUser.All"])],
                          [dict(resource_app_id=EXO, scopes=["Exchange.Manage"]), dict(resource_app_id=GRAPH, scopes=[])],
                          None)
    assert merged == [dict(resource_app_id=EXO, scopes=["EWS.AccessAsUser.All", "Exchange.Manage"])]


def test_with_resource_scopes_replaces_only_that_resource():
    grants = [dict(resource_app_id=EXO, scopes=["EWS.AccessAsUser.All", "Exchange.Manage"]),
              dict(resource_app_id=GRAPH, scopes=["Directory.Read.All"])]
    assert with_resource_scopes(grants, EXO, []) == [dict(resource_app_id=GRAPH, scopes=["Directory.Read.All"])]
    body = consent_body("app", "csp.exchange", with_resource_scopes(grants, EXO, ["Exchange.Manage"]))
    assert body["applicationGrants"] == [{"enterpriseApplicationId": EXO, "scope": "Exchange.Manage"},
                                         {"enterpriseApplicationId": GRAPH, "scope": "Directory.Read.All"}]


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
