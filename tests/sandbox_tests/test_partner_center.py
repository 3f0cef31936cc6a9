"""Partner Center: customers with continuation paging, application consents, errors and token checks."""
import copy

import pytest

from tests.sandbox.seed import load_seed

from .helpers import APP_ID, CONTOSO, EXCHANGE, FABRIKAM, GRAPH, TAILSPIN, bearer


class PartnerCenter:
    def __init__(self, handle):
        self.base = handle.url
        self.session = handle.session()
        self.session.headers.update(bearer(handle.access_token(handle.env["CSP_PARTNER_TENANT"], "partner_center")))

    def __getattr__(self, method):
        return lambda path, **kw: self.session.request(method.upper(), self.base + path, **kw)

    def all_customers(self, size):
        pages = [self.get("/v1/customers", params={"size": size}).json()]
        while "next" in pages[-1]["links"]:
            link = pages[-1]["links"]["next"]
            headers = {h["key"]: h["value"] for h in link["headers"]}
            assert headers["MS-ContinuationToken"] == pages[-1]["continuationToken"]
            pages.append(self.session.request(link["method"], self.base + link["uri"], headers=headers).json())
        return pages


def assert_pc_error(response, status, code):
    assert response.status_code == status, response.text
    body = response.json()
    assert body["code"] == code and body["source"] == "PartnerFD" and body["data"] == []
    assert len(body["description"]) <= 1024
    return body


@pytest.fixture
def pc(fresh_sandbox):
    return PartnerCenter(fresh_sandbox)


def test_customers_page_with_continuation_tokens(pc):
    pages = pc.all_customers(2)
    assert [len(p["items"]) for p in pages] == [2, 1]
    assert "continuationToken" not in pages[-1] and "next" not in pages[-1]["links"]
    assert pages[0]["links"]["next"]["uri"] == "/v1/customers?size=2&seekOperation=Next"
    items = [c for p in pages for c in p["items"]]
    assert [c["id"] for c in items] == [CONTOSO, FABRIKAM, TAILSPIN]
    contoso = items[0]
    assert contoso["companyProfile"] == {"tenantId": CONTOSO, "domain": "contoso.com", "companyName": "Contoso",
                                         "attributes": {"objectType": "CustomerCompanyProfile"}}
    assert contoso["relationshipToPartner"] == "reseller" and contoso["attributes"]["objectType"] == "Customer"
    assert pages[0]["attributes"] == {"objectType": "Collection"} and pages[0]["totalCount"] == 2


def test_next_page_without_the_header_is_an_error(pc):
    assert_pc_error(pc.get("/v1/customers", params={"seekOperation": "Next"}), 400, 3000)
    assert_pc_error(pc.get("/v1/customers", params={"seekOperation": "Next"},
                           headers={"MS-ContinuationToken": "garbage!"}), 400, 3000)


def test_many_generated_customers_page_over_several_pages(tmp_path):
    from tests.sandbox.fixtures import running_sandbox
    seed = copy.deepcopy(load_seed())
    seed["generate_customers"] = {"count": 250}
    with running_sandbox(str(tmp_path), seed=seed) as handle:
        pages = PartnerCenter(handle).all_customers(100)
        assert [len(p["items"]) for p in pages] == [100, 100, 53]
        ids = [c["id"] for p in pages for c in p["items"]]
        assert len(set(ids)) == 253 and len(handle.sandbox.store.tenants) == 253
        generated = handle.sandbox.store.tenants[ids[-1]]
        assert generated.initial_domain.endswith(".onmicrosoft.com") and generated.default_domain != generated.initial_domain
        if generated.exchange is not None:
            assert len(generated.exchange.snapshot("Mailbox")) == 3
        assert handle.token_response(ids[-1], "exchange").status_code == 200


def test_single_customer_and_unknown_customer(pc):
    assert pc.get(f"/v1/customers/{FABRIKAM}").json()["companyProfile"]["domain"] == "fabrikam.com"
    assert_pc_error(pc.get("/v1/customers/99999999-9999-9999-9999-999999999999"), 404, 60003)


CONSENT = {"applicationId": APP_ID, "displayName": "csp.exchange", "applicationGrants": [
    {"enterpriseApplicationId": EXCHANGE, "scope": "Exchange.Manage"},
    {"enterpriseApplicationId": GRAPH, "scope": "Directory.Read.All,DelegatedPermissionGrant.ReadWrite.All"}]}


def test_existing_consent_is_409(pc):
    body = assert_pc_error(pc.post(f"/v1/customers/{TAILSPIN}/applicationconsents", json=CONSENT), 409, 3000)
    assert "Permission entry already exists" in body["description"]


def test_delete_and_recreate_consent(pc, fresh_sandbox):
    assert pc.delete(f"/v1/customers/{TAILSPIN}/applicationconsents/{APP_ID}").status_code == 204
    assert not [sp for sp in fresh_sandbox.admin.service_principals(TAILSPIN) if sp["appId"] == APP_ID]
    assert fresh_sandbox.admin.grants(TAILSPIN) == []
    assert_pc_error(pc.delete(f"/v1/customers/{TAILSPIN}/applicationconsents/{APP_ID}"), 404, 1000)

    created = pc.post(f"/v1/customers/{TAILSPIN}/applicationconsents", json=CONSENT)
    assert created.status_code == 201
    assert created.json()["applicationGrants"] == CONSENT["applicationGrants"]
    grants = {g["resourceAppId"]: g for g in fresh_sandbox.admin.grants(TAILSPIN)}
    assert grants[EXCHANGE]["scope"] == "Exchange.Manage"
    assert grants[GRAPH]["scope"] == "Directory.Read.All DelegatedPermissionGrant.ReadWrite.All"
    assert all(g["consentType"] == "AllPrincipals" and g["clientAppId"] == APP_ID for g in grants.values())
    assert fresh_sandbox.token_response(TAILSPIN, "exchange").status_code == 200     # the Exchange SP was created


def test_consent_property_names_are_case_insensitive(pc, fresh_sandbox):
    pc.delete(f"/v1/customers/{CONTOSO}/applicationconsents/{APP_ID}")
    body = {"ApplicationId": APP_ID, "ApplicationGrants": [{"EnterpriseApplicationId": EXCHANGE, "Scope": "Exchange.Manage"}]}
    assert pc.post(f"/v1/customers/{CONTOSO}/applicationconsents", json=body).status_code == 201
    assert [g["scope"] for g in fresh_sandbox.admin.grants(CONTOSO)] == ["Exchange.Manage"]


@pytest.mark.parametrize("method, path", [
    ("GET", f"/v1/customers/{CONTOSO}/applicationconsents"),
    ("GET", f"/v1/customers/{CONTOSO}/applicationconsents/{APP_ID}"),
    ("PATCH", f"/v1/customers/{CONTOSO}/applicationconsents/{APP_ID}"),
])
def test_consents_cannot_be_read_or_updated(pc, method, path):
    assert_pc_error(getattr(pc, method.lower())(path, json={}), 405, 3000)


def test_bad_consent_body_is_400(pc):
    assert_pc_error(pc.post(f"/v1/customers/{CONTOSO}/applicationconsents", json={"applicationId": APP_ID}), 400, 3000)


def test_graph_token_is_rejected_with_a_challenge(fresh_sandbox):
    response = fresh_sandbox.session().get(f"{fresh_sandbox.url}/v1/customers",
                                           headers=bearer(fresh_sandbox.access_token(CONTOSO, "graph")))
    assert_pc_error(response, 401, 401)
    assert response.headers["www-authenticate"] == f"OAuth realm=urn:cpsvc:cpid:{fresh_sandbox.env['CSP_PARTNER_TENANT']}"


def test_app_only_partner_center_token_is_403(fresh_sandbox):
    token = fresh_sandbox.access_token(fresh_sandbox.env["CSP_PARTNER_TENANT"], "partner_center", app_only=True)
    response = fresh_sandbox.session().get(f"{fresh_sandbox.url}/v1/customers", headers=bearer(token))
    assert_pc_error(response, 403, 2032)


def test_expired_partner_center_token_is_401(pc, fresh_sandbox):
    fresh_sandbox.admin.advance_clock(4000)
    assert_pc_error(pc.get("/v1/customers"), 401, 401)
