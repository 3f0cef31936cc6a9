"""Microsoft Graph: domains, organization, servicePrincipals, oauth2PermissionGrants, $batch, GDAP, paging
and token checks."""
import pytest

from .helpers import CONTOSO, EXCHANGE, FABRIKAM, GRAPH, PARTNER, TAILSPIN, APP_ID, assert_graph_error, bearer


class Graph:
    """A Graph client bound to one tenant's delegated token."""

    def __init__(self, handle, tenant, app_only=False):
        self.base = f"{handle.url}/v1.0"
        self.session = handle.session()
        self.session.headers.update(bearer(handle.access_token(tenant, "graph", app_only)))

    def __getattr__(self, method):
        return lambda path, **kw: self.session.request(method.upper(), self.base + path, **kw)


@pytest.fixture
def contoso(fresh_sandbox):
    return Graph(fresh_sandbox, CONTOSO)


# -- domains and organization --------------------------------------------------------------------------
def test_domains_list_every_domain_with_one_initial(fresh_sandbox):
    response = Graph(fresh_sandbox, FABRIKAM).get("/domains")
    assert response.status_code == 200
    domains = response.json()["value"]
    assert [d["id"] for d in domains] == ["fabrikam.mail.onmicrosoft.com", "fabrikam.onmicrosoft.com", "fabrikam.com"]
    assert [d["id"] for d in domains if d["isInitial"]] == ["fabrikam.onmicrosoft.com"]
    assert [d["id"] for d in domains if d["isDefault"]] == ["fabrikam.com"]
    assert all(d["isVerified"] and d["isRoot"] for d in domains)


def test_domains_reject_filter(contoso):
    response = contoso.get("/domains", params={"$filter": "isInitial eq true"})
    error = assert_graph_error(response, 400, "Request_UnsupportedQuery")
    assert error["message"] == "Filtered searches against this resource are not supported."


def test_organization_lists_verified_domains(fresh_sandbox):
    org = Graph(fresh_sandbox, TAILSPIN).get("/organization").json()["value"][0]
    assert org["id"] == TAILSPIN and org["displayName"] == "Tailspin Toys"
    names = {d["name"]: d for d in org["verifiedDomains"]}
    assert set(names) == {"tailspintoys.onmicrosoft.com", "tailspintoys.com", "tailspin.example"}
    assert names["tailspintoys.onmicrosoft.com"]["isInitial"] is True
    assert names["tailspintoys.com"]["isDefault"] is True
    assert names["tailspin.example"]["capabilities"] == "Email, OfficeCommunicationsOnline"


# -- service principals --------------------------------------------------------------------------------
def test_service_principal_by_app_id_filter(contoso, fresh_sandbox):
    value = contoso.get("/servicePrincipals", params={"$filter": f"appId eq '{EXCHANGE}'"}).json()["value"]
    assert [(sp["id"], sp["appId"]) for sp in value] == [("55555555-5555-5555-5555-555555555555", EXCHANGE)]
    assert Graph(fresh_sandbox, TAILSPIN).get("/servicePrincipals", params={"$filter": f"appId eq '{EXCHANGE}'"}
                                              ).json()["value"] == []


def test_service_principal_alternate_key(contoso, fresh_sandbox):
    sp = contoso.get(f"/servicePrincipals(appId='{APP_ID}')").json()
    assert sp["id"] == "44444444-4444-4444-4444-444444444444" and sp["appOwnerOrganizationId"] == PARTNER
    response = Graph(fresh_sandbox, TAILSPIN).get(f"/servicePrincipals(appId='{EXCHANGE}')")
    assert_graph_error(response, 404, "Request_ResourceNotFound")


def test_create_service_principal_then_conflict(fresh_sandbox):
    tailspin = Graph(fresh_sandbox, TAILSPIN)
    created = tailspin.post("/servicePrincipals", json={"appId": EXCHANGE})
    assert created.status_code == 201
    assert created.json()["displayName"] == "Office 365 Exchange Online"
    assert tailspin.get(f"/servicePrincipals(appId='{EXCHANGE}')").json()["id"] == created.json()["id"]
    assert_graph_error(tailspin.post("/servicePrincipals", json={"appId": EXCHANGE}), 409,
                       "Request_MultipleObjectsWithSameKeyValue")


def test_service_principals_page_with_next_link(contoso):
    first = contoso.get("/servicePrincipals", params={"$top": "2"}).json()
    assert len(first["value"]) == 2
    second = contoso.session.get(first["@odata.nextLink"]).json()
    assert len(second["value"]) == 1 and "@odata.nextLink" not in second
    ids = [sp["id"] for sp in first["value"] + second["value"]]
    assert len(set(ids)) == 3


# -- oauth2PermissionGrants ----------------------------------------------------------------------------
def test_grants_filter_on_every_key(contoso):
    everything = contoso.get("/oauth2PermissionGrants").json()["value"]
    assert len(everything) == 2
    value = contoso.get("/oauth2PermissionGrants", params={
        "$filter": "clientId eq '44444444-4444-4444-4444-444444444444' and resourceId eq "
                   "'55555555-5555-5555-5555-555555555555' and consentType eq 'AllPrincipals'"}).json()["value"]
    assert [g["scope"] for g in value] == ["Exchange.Manage"]
    assert value[0]["principalId"] is None
    none = contoso.get("/oauth2PermissionGrants", params={"$filter": "principalId eq 'x'"}).json()["value"]
    assert none == []
    assert_graph_error(contoso.get("/oauth2PermissionGrants", params={"$filter": "scope eq 'x'"}), 400,
                       "Request_UnsupportedQuery")


def test_duplicate_all_principals_grant_is_409(contoso):
    body = {"clientId": "44444444-4444-4444-4444-444444444444", "consentType": "AllPrincipals",
            "resourceId": "55555555-5555-5555-5555-555555555555", "scope": "EWS.AccessAsUser.All"}
    error = assert_graph_error(contoso.post("/oauth2PermissionGrants", json=body), 409,
                               "Request_MultipleObjectsWithSameKeyValue")
    assert error["message"] == "Permission entry already exists."


def test_principal_grants_coexist_with_all_principals(contoso):
    body = {"clientId": "44444444-4444-4444-4444-444444444444", "consentType": "Principal",
            "principalId": "77777777-7777-7777-7777-777777777777",
            "resourceId": "55555555-5555-5555-5555-555555555555", "scope": "Exchange.Manage"}
    assert contoso.post("/oauth2PermissionGrants", json=body).status_code == 201


def test_patch_replaces_scope_and_delete_removes(contoso, fresh_sandbox):
    grant = contoso.get("/oauth2PermissionGrants", params={
        "$filter": "resourceId eq '55555555-5555-5555-5555-555555555555'"}).json()["value"][0]
    assert contoso.patch(f"/oauth2PermissionGrants/{grant['id']}",
                         json={"scope": "Exchange.Manage EWS.AccessAsUser.All"}).status_code == 204
    assert contoso.get(f"/oauth2PermissionGrants/{grant['id']}").json()["scope"] == "Exchange.Manage EWS.AccessAsUser.All"
    assert contoso.patch(f"/oauth2PermissionGrants/{grant['id']}", json={"scope": "EWS.AccessAsUser.All"}).status_code == 204
    assert contoso.get(f"/oauth2PermissionGrants/{grant['id']}").json()["scope"] == "EWS.AccessAsUser.All"
    assert contoso.delete(f"/oauth2PermissionGrants/{grant['id']}").status_code == 204
    assert_graph_error(contoso.get(f"/oauth2PermissionGrants/{grant['id']}"), 404, "Request_ResourceNotFound")
    assert_graph_error(contoso.delete(f"/oauth2PermissionGrants/{grant['id']}"), 404, "Request_ResourceNotFound")


def test_consent_step_through_graph_enables_exchange_tokens(fresh_sandbox):
    """Tailspin: no Exchange SP and no grant; CIPP's flow adds both, then an Exchange token works."""
    assert fresh_sandbox.token_response(TAILSPIN, "exchange").status_code == 400
    tailspin = Graph(fresh_sandbox, TAILSPIN)
    client = tailspin.get(f"/servicePrincipals(appId='{APP_ID}')").json()
    resource = tailspin.post("/servicePrincipals", json={"appId": EXCHANGE}).json()
    created = tailspin.post("/oauth2PermissionGrants", json={
        "clientId": client["id"], "consentType": "AllPrincipals", "resourceId": resource["id"], "scope": "Exchange.Manage"})
    assert created.status_code == 201
    assert created.json()["@odata.context"].endswith("$metadata#oauth2PermissionGrants/$entity")
    response = fresh_sandbox.token_response(TAILSPIN, "exchange")
    assert response.status_code == 200
    assert "https://outlook.office365.com/Exchange.Manage" in response.json()["scope"].split()


def test_grant_post_validates_its_objects(contoso):
    body = {"clientId": "00000000-0000-0000-0000-000000000000", "consentType": "AllPrincipals",
            "resourceId": "55555555-5555-5555-5555-555555555555", "scope": "Exchange.Manage"}
    assert_graph_error(contoso.post("/oauth2PermissionGrants", json=body), 400, "Request_BadRequest")


# -- $batch --------------------------------------------------------------------------------------------
def test_batch_answers_every_item(contoso):
    requests_ = [{"id": str(i), "method": "GET", "url": "/domains"} for i in range(10)]
    requests_.append({"id": "sp", "method": "GET", "url": f"/servicePrincipals?$filter=appId eq '{GRAPH}'"})
    requests_.append({"id": "bad", "method": "GET", "url": "/domains?$filter=isInitial eq true"})
    response = contoso.post("/$batch", json={"requests": requests_})
    assert response.status_code == 200
    answers = response.json()["responses"]
    by_id = {a["id"]: a for a in answers}
    assert set(by_id) == {r["id"] for r in requests_}
    assert by_id["sp"]["status"] == 200 and by_id["sp"]["body"]["value"][0]["appId"] == GRAPH
    assert by_id["bad"]["status"] == 400 and by_id["bad"]["body"]["error"]["code"] == "Request_UnsupportedQuery"
    assert [a["id"] for a in answers] != [r["id"] for r in requests_]     # answered out of order


def test_batch_writes_and_depends_on(contoso):
    body = {"requests": [
        {"id": "1", "method": "DELETE", "url": "/oauth2PermissionGrants/does-not-exist"},
        {"id": "2", "method": "GET", "url": "/domains", "dependsOn": ["1"]},
        {"id": "3", "method": "POST", "url": "/servicePrincipals", "body": {"appId": "fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd"},
         "headers": {"Content-Type": "application/json"}},
    ]}
    by_id = {a["id"]: a for a in contoso.post("/$batch", json=body).json()["responses"]}
    assert (by_id["1"]["status"], by_id["2"]["status"], by_id["3"]["status"]) == (404, 424, 201)


def test_batch_limits(contoso):
    too_many = [{"id": str(i), "method": "GET", "url": "/domains"} for i in range(21)]
    assert_graph_error(contoso.post("/$batch", json={"requests": too_many}), 400, "BadRequest")
    duplicate = [{"id": "1", "method": "GET", "url": "/domains"}, {"id": "1", "method": "GET", "url": "/organization"}]
    assert_graph_error(contoso.post("/$batch", json={"requests": duplicate}), 400, "BadRequest")


def test_batch_items_are_throttled_alone(fresh_sandbox, contoso):
    fresh_sandbox.admin.set_faults(service="graph", tenant=CONTOSO, throttle_rate=0.5, retry_after_s=0.001)
    answers = contoso.post("/$batch", json={"requests": [
        {"id": str(i), "method": "GET", "url": "/organization"} for i in range(20)]})
    assert answers.status_code == 200
    throttled = [a for a in answers.json()["responses"] if a["status"] == 429]
    assert throttled and all(float(a["headers"]["retry-after"]) > 0 for a in throttled)


# -- GDAP ----------------------------------------------------------------------------------------------
def test_gdap_relationships_and_customers_for_the_partner(fresh_sandbox):
    partner = Graph(fresh_sandbox, PARTNER)
    rels = partner.get("/tenantRelationships/delegatedAdminRelationships",
                       params={"$filter": "status eq 'active'"}).json()["value"]
    assert sorted(r["customer"]["tenantId"] for r in rels) == [CONTOSO, FABRIKAM, TAILSPIN]
    assert all(r["duration"] == "P730D" and r["accessDetails"]["unifiedRoles"] for r in rels)
    one = partner.get(f"/tenantRelationships/delegatedAdminRelationships/{rels[0]['id']}").json()
    assert one["id"] == rels[0]["id"]
    first = partner.get("/tenantRelationships/delegatedAdminCustomers", params={"$top": "2"}).json()
    rest = partner.session.get(first["@odata.nextLink"]).json()
    assert sorted(c["tenantId"] for c in first["value"] + rest["value"]) == [CONTOSO, FABRIKAM, TAILSPIN]


def test_gdap_needs_a_delegated_partner_token(contoso, fresh_sandbox):
    assert_graph_error(contoso.get("/tenantRelationships/delegatedAdminCustomers"), 403, "Authorization_RequestDenied")
    app_only = Graph(fresh_sandbox, PARTNER, app_only=True)
    assert_graph_error(app_only.get("/tenantRelationships/delegatedAdminRelationships"), 403,
                       "Authorization_RequestDenied")


# -- token checks --------------------------------------------------------------------------------------
def test_exchange_token_is_rejected_by_graph(fresh_sandbox):
    session = fresh_sandbox.session()
    response = session.get(f"{fresh_sandbox.url}/v1.0/domains",
                           headers=bearer(fresh_sandbox.access_token(CONTOSO, "exchange")))
    assert_graph_error(response, 401, "InvalidAuthenticationToken")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_missing_and_forged_tokens_are_401(fresh_sandbox):
    session = fresh_sandbox.session()
    assert_graph_error(session.get(f"{fresh_sandbox.url}/v1.0/domains"), 401, "InvalidAuthenticationToken")
    token = fresh_sandbox.access_token(CONTOSO)
    forged = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
    assert_graph_error(session.get(f"{fresh_sandbox.url}/v1.0/domains", headers=bearer(forged)), 401,
                       "InvalidAuthenticationToken")


def test_expired_token_is_401(fresh_sandbox, contoso):
    assert contoso.get("/domains").status_code == 200
    fresh_sandbox.admin.advance_clock(3600)
    assert_graph_error(contoso.get("/domains"), 401, "InvalidAuthenticationToken")


def test_invalidated_tokens_are_401_and_new_ones_work(fresh_sandbox, contoso):
    assert contoso.get("/domains").status_code == 200
    fresh_sandbox.admin.invalidate_tokens()
    assert_graph_error(contoso.get("/domains"), 401, "InvalidAuthenticationToken")
    assert Graph(fresh_sandbox, CONTOSO).get("/domains").status_code == 200


def test_data_served_is_the_tokens_tenant(fresh_sandbox):
    for tenant, initial in ((CONTOSO, "contoso.onmicrosoft.com"), (TAILSPIN, "tailspintoys.onmicrosoft.com")):
        domains = Graph(fresh_sandbox, tenant).get("/domains").json()["value"]
        assert [d["id"] for d in domains if d["isInitial"]] == [initial]
