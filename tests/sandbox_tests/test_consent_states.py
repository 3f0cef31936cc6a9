"""Sandbox behaviour the consent and access-check work relies on: Partner Center's service-principal deletion,
a failing consent create, GDAP in the token endpoint and in Exchange RBAC, Graph permission checks, and the
partner app's application object."""
import pytest

from tests.sandbox.store import DelegatedAdminRelationship

from .helpers import APP_ID, CONTOSO, GRAPH, PARTNER, TAILSPIN, assert_aadsts, assert_graph_error, bearer
from .test_partner_center import PartnerCenter, assert_pc_error

EXCHANGE_ADMIN = "29232cdf-9323-42fd-ade2-1d097af3e4de"
GLOBAL_READER = "f2ef992c-3afb-46b9-b7cf-a126ee74c451"
CONSENT = {"applicationId": APP_ID, "applicationGrants": [
    {"enterpriseApplicationId": "00000002-0000-0ff1-ce00-000000000000", "scope": "Exchange.Manage"}]}


def relationship_of(sandbox, tenant):
    return next(r for r in sandbox.sandbox.store.relationships if r.customer_id == tenant)


def invoke(handle, tenant, token):
    """Status and headers only (stream=True): a missing-RBAC 403 is a NUL body declared as gzip."""
    return handle.session().post(f"{handle.url}/adminapi/beta/{tenant}/InvokeCommand", headers=bearer(token),
                                 json={"CmdletInput": {"CmdletName": "Get-OrganizationConfig", "Parameters": {}}},
                                 stream=True)


def test_consent_delete_takes_the_service_principal_with_its_app_roles_and_directory_roles(fresh_sandbox):
    pc = PartnerCenter(fresh_sandbox)
    app_only = fresh_sandbox.access_token(CONTOSO, "exchange", app_only=True)
    assert invoke(fresh_sandbox, CONTOSO, app_only).status_code == 200
    assert pc.delete(f"/v1/customers/{CONTOSO}/applicationconsents/{APP_ID}").status_code == 204
    assert pc.post(f"/v1/customers/{CONTOSO}/applicationconsents", json=CONSENT).status_code == 201
    sp = next(s for s in fresh_sandbox.admin.service_principals(CONTOSO) if s["appId"] == APP_ID)
    assert sp["appRoles"] == [] and sp["directoryRoles"] == []
    # The Graph grant went with the old service principal; only what the POST listed came back.
    assert {g["resourceAppId"] for g in fresh_sandbox.admin.grants(CONTOSO) if g["clientAppId"] == APP_ID} == {
        "00000002-0000-0ff1-ce00-000000000000"}
    assert_aadsts(fresh_sandbox.token_response(CONTOSO, "graph"), 65001)
    assert invoke(fresh_sandbox, CONTOSO, fresh_sandbox.access_token(CONTOSO, "exchange", app_only=True)).status_code == 401


def test_consent_create_error_fault_answers_without_applying(fresh_sandbox):
    pc = PartnerCenter(fresh_sandbox)
    assert pc.delete(f"/v1/customers/{TAILSPIN}/applicationconsents/{APP_ID}").status_code == 204
    fresh_sandbox.admin.set_faults(service="partner_center", tenant=TAILSPIN, consent_create_error=403)
    assert_pc_error(pc.post(f"/v1/customers/{TAILSPIN}/applicationconsents", json=CONSENT), 403, 2032)
    assert not any(s["appId"] == APP_ID for s in fresh_sandbox.admin.service_principals(TAILSPIN))


def test_expired_gdap_means_the_partner_user_is_not_in_the_customer(fresh_sandbox):
    relationship_of(fresh_sandbox, CONTOSO).status = "expired"
    assert_aadsts(fresh_sandbox.token_response(CONTOSO, "exchange"), 50020, error="invalid_grant")
    # Without any GDAP relationship (a DAP customer) nothing is checked.
    fresh_sandbox.sandbox.store.relationships.remove(relationship_of(fresh_sandbox, CONTOSO))
    assert fresh_sandbox.token_response(CONTOSO, "exchange").status_code == 200


def test_exchange_needs_a_gdap_role_with_exchange_management(fresh_sandbox):
    token = fresh_sandbox.access_token(CONTOSO, "exchange")
    assert invoke(fresh_sandbox, CONTOSO, token).status_code == 200
    relationship_of(fresh_sandbox, CONTOSO).role_ids = [GLOBAL_READER]
    denied = invoke(fresh_sandbox, CONTOSO, token)
    assert denied.status_code == 403 and "Exchange Administrator" in denied.headers["x-ms-diagnostics"]
    fresh_sandbox.sandbox.store.relationships.append(DelegatedAdminRelationship(
        id="second", display_name="Exchange", customer_id=CONTOSO, customer_name="Contoso", role_ids=[EXCHANGE_ADMIN]))
    assert invoke(fresh_sandbox, CONTOSO, token).status_code == 200


def test_graph_grant_writes_need_a_grant_writing_permission(fresh_sandbox):
    client = next(s for s in fresh_sandbox.admin.service_principals(CONTOSO) if s["appId"] == APP_ID)
    graph_grant = next(g for g in fresh_sandbox.admin.grants(CONTOSO) if g["resourceAppId"] == GRAPH)
    graph_grant_obj = fresh_sandbox.sandbox.store.tenants[CONTOSO].grants[graph_grant["id"]]
    graph_grant_obj.scope = "Directory.Read.All"
    session = fresh_sandbox.session()
    session.headers.update(bearer(fresh_sandbox.access_token(CONTOSO, "graph")))
    listed = session.get(f"{fresh_sandbox.url}/v1.0/oauth2PermissionGrants",
                         params={"$filter": "clientId eq '%s'" % client["id"]})
    assert listed.status_code == 200
    assert_graph_error(session.patch(f"{fresh_sandbox.url}/v1.0/oauth2PermissionGrants/{graph_grant['id']}",
                                     json={"scope": "Directory.Read.All Mail.Read"}), 403, "Authorization_RequestDenied")
    assert graph_grant_obj.scope == "Directory.Read.All"


@pytest.fixture
def partner_graph(fresh_sandbox):
    session = fresh_sandbox.session()
    session.headers.update(bearer(fresh_sandbox.access_token(PARTNER, "graph")))
    return session


def test_partner_application_object_with_required_resource_access(fresh_sandbox, partner_graph):
    base = f"{fresh_sandbox.url}/v1.0/applications"
    found = partner_graph.get(base, params={"$filter": f"appId eq '{APP_ID}'"}).json()["value"]
    assert len(found) == 1 and found[0]["appId"] == APP_ID
    app = partner_graph.get(f"{fresh_sandbox.url}/v1.0/applications(appId='{APP_ID}')").json()
    assert app["id"] == found[0]["id"] and app["requiredResourceAccess"][0]["resourceAppId"] == GRAPH
    wanted = app["requiredResourceAccess"] + [{"resourceAppId": "00000002-0000-0ff1-ce00-000000000000",
                                               "resourceAccess": [{"id": "ab4f2b77-0b06-4fc1-a9de-02113fc2ab7c",
                                                                   "type": "Scope"}]}]
    assert partner_graph.patch(f"{base}/{app['id']}", json={"requiredResourceAccess": wanted}).status_code == 204
    assert partner_graph.get(f"{base}/{app['id']}").json()["requiredResourceAccess"] == wanted
    assert_graph_error(partner_graph.patch(f"{base}/{app['id']}", json={"requiredResourceAccess": [{"x": 1}]}),
                       400, "Request_BadRequest")
    # A customer tenant holds no application object of the partner's.
    customer = fresh_sandbox.session()
    customer.headers.update(bearer(fresh_sandbox.access_token(CONTOSO, "graph")))
    assert customer.get(base).json()["value"] == []
