"""The /_sandbox admin API: state inspection, reset, request log and counters."""
from .helpers import APP_ID, CONTOSO, EXCHANGE, FABRIKAM, PARTNER, TAILSPIN, bearer


def test_tenants_and_partner_summary(fresh_sandbox):
    summary = fresh_sandbox.admin.tenants()
    assert summary["partner"] == {"id": PARTNER, "displayName": "Northwind Partners", "appId": APP_ID,
                                  "user": "admin@northwindpartners.onmicrosoft.com"}
    tenants = {t["id"]: t for t in summary["tenants"]}
    assert list(tenants) == [CONTOSO, FABRIKAM, TAILSPIN]
    assert tenants[FABRIKAM]["initialDomain"] == "fabrikam.onmicrosoft.com"
    assert tenants[FABRIKAM]["domains"][0]["name"] == "fabrikam.mail.onmicrosoft.com"
    assert all(t["exchange"] for t in tenants.values())


def test_tenant_detail_shows_service_principals_and_grants(fresh_sandbox):
    detail = fresh_sandbox.admin.tenant("tailspintoys.com")
    assert detail["id"] == TAILSPIN
    assert EXCHANGE not in {sp["appId"] for sp in detail["servicePrincipals"]}
    assert [(g["clientAppId"], g["scope"]) for g in detail["grants"]] == [
        (APP_ID, "Directory.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All")]
    assert fresh_sandbox.admin.tenant(PARTNER)["defaultDomain"] == "northwindpartners.com"


def test_unknown_tenant_is_404(fresh_sandbox):
    response = fresh_sandbox.session().get(f"{fresh_sandbox.env['CSP_SANDBOX_URL']}/tenants/nowhere.example")
    assert response.status_code == 404


def test_exchange_snapshot(fresh_sandbox):
    mailboxes = fresh_sandbox.admin.exchange_snapshot(CONTOSO, "Mailbox")
    assert len(mailboxes) == 151
    assert any(m["Alias"] == "admin" for m in mailboxes)
    org = fresh_sandbox.admin.exchange_snapshot("contoso.onmicrosoft.com", "OrganizationConfig")
    assert org[0]["Name"] == "contoso.onmicrosoft.com"


def test_reset_restores_the_seed(fresh_sandbox):
    admin = fresh_sandbox.admin
    before = admin.tenant(CONTOSO)
    admin.remove_grants(CONTOSO, "exchange")
    admin.remove_service_principal(CONTOSO, APP_ID)
    admin.update_app(secret_expired=True)
    admin.set_faults(failure_rate=1.0)
    admin.reset()
    assert admin.tenant(CONTOSO) == before
    assert admin.faults()[0]["values"]["failure_rate"] == 0.0
    assert fresh_sandbox.token_response(CONTOSO, "exchange").status_code == 200


def test_remove_one_scope_keeps_the_grant(fresh_sandbox):
    assert fresh_sandbox.admin.remove_grants(CONTOSO, "graph", scope="Domain.Read.All") == 1
    graph_grant = [g for g in fresh_sandbox.admin.grants(CONTOSO) if g["scope"].startswith("Directory")]
    assert graph_grant[0]["scope"] == "Directory.ReadWrite.All DelegatedPermissionGrant.ReadWrite.All"


def test_request_log_records_what_happened(fresh_sandbox):
    token = fresh_sandbox.access_token(CONTOSO, "exchange")
    fresh_sandbox.admin.clear_log()
    session = fresh_sandbox.session()
    anchor = f"APP:SystemMailbox{{bb558c35-97f1-4cb9-8ff7-d53741dc928c}}@{CONTOSO}"
    session.post(f"{fresh_sandbox.url}/adminapi/beta/{CONTOSO}/InvokeCommand",
                 json={"CmdletInput": {"CmdletName": "Get-Mailbox", "Parameters": {"ResultSize": 1}}},
                 headers={**bearer(token), "X-AnchorMailbox": anchor, "client-request-id": "req-1"})
    session.get(f"{fresh_sandbox.url}/v1.0/domains", headers={"client-request-id": "req-2"})
    entries = fresh_sandbox.admin.log()
    assert [(e["service"], e["method"], e["status"]) for e in entries] == [("exchange", "POST", 200), ("graph", "GET", 401)]
    exchange = entries[0]
    assert exchange["tenant"] == CONTOSO and exchange["cmdlets"] == ["Get-Mailbox"]
    assert exchange["anchor"] == anchor and exchange["client_request_id"] == "req-1"
    assert exchange["write"] is False and exchange["fault"] is None and exchange["duration_ms"] > 0
    assert entries[1]["client_request_id"] == "req-2"
    assert fresh_sandbox.admin.log(service="graph", since=exchange["seq"]) == [entries[1]]
    assert token not in str(entries)


def test_counters_per_service_verb_and_cmdlet(fresh_sandbox):
    token = fresh_sandbox.access_token(CONTOSO, "exchange")
    session = fresh_sandbox.session()
    for cmdlet in ("Get-OrganizationConfig", "Get-OrganizationConfig", "Get-AcceptedDomain"):
        session.post(f"{fresh_sandbox.url}/adminapi/beta/{CONTOSO}/InvokeCommand", headers=bearer(token),
                     json={"CmdletInput": {"CmdletName": cmdlet, "Parameters": {}}})
    counters = fresh_sandbox.admin.counters()
    assert counters["service"] == {"identity": 1, "exchange": 3}
    assert counters["verb"] == {"POST": 4}
    assert counters["cmdlet"] == {"Get-OrganizationConfig": 2, "Get-AcceptedDomain": 1}
    assert counters["status"] == {"200": 4}
    fresh_sandbox.admin.clear_log()
    assert fresh_sandbox.admin.counters()["service"] == {} and fresh_sandbox.admin.log() == []


def test_admin_requests_are_not_logged_and_bad_bodies_are_400(fresh_sandbox):
    url = fresh_sandbox.env["CSP_SANDBOX_URL"]
    session = fresh_sandbox.session()
    assert session.get(f"{url}/health").json()["ok"] is True
    assert session.post(f"{url}/clock", json={}).status_code == 400
    assert session.patch(f"{url}/app", json={"client_id": "x"}).status_code == 400
    assert session.patch(f"{url}/faults", data="not json").status_code == 400
    assert fresh_sandbox.admin.log() == []


def test_env_endpoint_matches_the_fixture(fresh_sandbox):
    assert fresh_sandbox.session().get(f"{fresh_sandbox.env['CSP_SANDBOX_URL']}/env").json() == fresh_sandbox.env
