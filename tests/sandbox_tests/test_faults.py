"""Fault injection: failures, throttling windows, the Exchange concurrency limit, latency, lost responses,
scoping per service and tenant, seeded replay, and start-up settings from the seed."""
import concurrent.futures
import copy
import time

import pytest
import requests

from tests.sandbox.fixtures import running_sandbox
from tests.sandbox.seed import load_seed

from .helpers import CONTOSO, FABRIKAM, bearer

CONCURRENCY_TEXT = ("You have reached the maximum number of concurrent requests per tenant. "
                    "Please wait and try again")


class Clients:
    """Graph and Exchange calls with tokens acquired before any fault is switched on."""

    def __init__(self, handle, tenant=CONTOSO):
        self.handle, self.tenant = handle, tenant
        self.graph_token = handle.access_token(tenant, "graph")
        self.exchange_token = handle.access_token(tenant, "exchange")

    def graph(self, path="/domains", method="GET", session=None, **kw):
        return (session or self.handle.session()).request(method, f"{self.handle.url}/v1.0{path}",
                                                          headers=bearer(self.graph_token), timeout=30, **kw)

    def exchange(self, cmdlet="Get-OrganizationConfig", parameters=None, session=None):
        body = {"CmdletInput": {"CmdletName": cmdlet, "Parameters": parameters or {}}}
        headers = {**bearer(self.exchange_token), "X-AnchorMailbox": f"APP:SystemMailbox{{bb558c35-97f1-4cb9-8ff7-d53741dc928c}}@{self.tenant}"}
        return (session or self.handle.session()).post(f"{self.handle.url}/adminapi/beta/{self.tenant}/InvokeCommand",
                                                       json=body, headers=headers, timeout=30)


@pytest.fixture
def clients(fresh_sandbox):
    return Clients(fresh_sandbox)


def test_graph_and_exchange_outages_mix_json_and_non_json_bodies(fresh_sandbox, clients):
    fresh_sandbox.admin.set_faults(failure_rate=1.0)
    answers = [clients.graph() for dummy in range(15)] + [clients.exchange() for dummy in range(15)]
    assert {r.status_code for r in answers} == {503, 504}
    kinds = {r.headers.get("content-type", "none").split(";")[0] for r in answers}
    assert {"application/json", "text/html"} <= kinds
    graph_json = [r.json() for r in answers[:15] if r.headers.get("content-type", "").startswith("application/json")]
    assert all(b["error"]["code"] in ("serviceNotAvailable", "gatewayTimeout") for b in graph_json)
    assert all(e["fault"].startswith("failure_") for e in fresh_sandbox.admin.log() if e["service"] != "identity")


def test_identity_outages_are_json_with_integer_retry_after(fresh_sandbox):
    fresh_sandbox.admin.set_faults(service="identity", failure_rate=1.0)
    for dummy in range(5):
        response = fresh_sandbox.token_response(CONTOSO)
        assert response.status_code in (503, 504)
        assert response.json()["error"] == "temporarily_unavailable"
        assert response.headers["retry-after"].isdigit()


def test_throttling_window_throttles_early_retries(fresh_sandbox, clients):
    fresh_sandbox.admin.set_faults(service="graph", throttle_rate=1.0, retry_after_s=0.4)
    first = clients.graph()
    assert first.status_code == 429
    assert first.headers["retry-after"] == "0.400"
    assert first.json()["error"]["code"] == "TooManyRequests"
    fresh_sandbox.admin.set_faults(service="graph", throttle_rate=0.0)
    early = clients.graph()
    assert early.status_code == 429 and 0 < float(early.headers["retry-after"]) < 0.4
    time.sleep(0.45)
    assert clients.graph().status_code == 200
    assert [e["fault"] for e in fresh_sandbox.admin.log(service="graph")] == ["throttle", "throttle_window", None]


def test_exchange_throttling_has_fractional_retry_after(fresh_sandbox, clients):
    fresh_sandbox.admin.set_faults(service="exchange", throttle_rate=1.0, retry_after_s=0.25)
    response = clients.exchange()
    assert response.status_code == 429 and response.headers["retry-after"] == "0.250"


def test_identity_throttling_has_whole_seconds(fresh_sandbox):
    fresh_sandbox.admin.set_faults(service="identity", throttle_rate=1.0, retry_after_s=0.2)
    response = fresh_sandbox.token_response(CONTOSO)
    assert response.status_code == 429 and response.headers["retry-after"] == "1"
    assert response.json()["error_codes"] == [90033]


def test_exchange_concurrency_limit_per_tenant(fresh_sandbox, clients):
    fabrikam = Clients(fresh_sandbox, FABRIKAM)
    fresh_sandbox.admin.set_faults(service="exchange", concurrency_limit=2, latency_ms=400)
    with concurrent.futures.ThreadPoolExecutor(6) as pool:
        contoso_calls = [pool.submit(clients.exchange) for dummy in range(4)]
        fabrikam_calls = [pool.submit(fabrikam.exchange) for dummy in range(2)]
        contoso = [f.result() for f in contoso_calls]
        others = [f.result() for f in fabrikam_calls]
    assert sorted(r.status_code for r in contoso) == [200, 200, 429, 429]
    limited = [r for r in contoso if r.status_code == 429]
    assert all(r.text == CONCURRENCY_TEXT and r.headers["content-type"].startswith("text/plain") for r in limited)
    assert all(float(r.headers["retry-after"]) > 0 for r in limited)
    assert [r.status_code for r in others] == [200, 200]


def test_latency_is_added_per_request(fresh_sandbox, clients):
    fresh_sandbox.admin.set_faults(service="graph", latency_ms=1000)
    started = time.perf_counter()
    assert clients.graph().status_code == 200
    assert time.perf_counter() - started >= 1.0
    clients.exchange()
    assert fresh_sandbox.admin.log(service="graph")[-1]["duration_ms"] >= 1000
    # Scoped to Graph: an unloaded Exchange answer takes milliseconds, far below the injected second.
    assert fresh_sandbox.admin.log(service="exchange")[-1]["duration_ms"] < 1000


def test_lost_responses_apply_the_write(fresh_sandbox, clients):
    fresh_sandbox.admin.set_faults(service="graph", lost_response_rate=1.0)
    outcomes = []
    for index in range(12):
        try:
            response = clients.graph("/oauth2PermissionGrants", "POST", json={
                "clientId": "44444444-4444-4444-4444-444444444444", "consentType": "Principal",
                "principalId": f"00000000-0000-0000-0000-{index:012d}",
                "resourceId": "55555555-5555-5555-5555-555555555555", "scope": "Exchange.Manage"})
            outcomes.append(response.status_code)
        except requests.ConnectionError:
            outcomes.append("dropped")
    assert set(outcomes) == {504, "dropped"}
    principals = [g["principalId"] for g in fresh_sandbox.admin.grants(CONTOSO) if g["consentType"] == "Principal"]
    assert len(principals) == 12          # every write happened although no client saw it succeed
    log = fresh_sandbox.admin.log(service="graph")
    assert {e["fault"] for e in log} == {"lost_response_504", "lost_response_dropped"}
    assert all(e["write"] for e in log)


def test_lost_exchange_write_is_applied(fresh_sandbox, clients):
    fresh_sandbox.admin.set_faults(service="exchange", tenant=CONTOSO, lost_response_rate=1.0)
    try:
        status = clients.exchange("Set-OrganizationConfig", {"FocusedInboxOn": True}).status_code
    except requests.ConnectionError:
        status = "dropped"
    assert status in (504, "dropped")
    assert fresh_sandbox.admin.exchange_snapshot(CONTOSO, "OrganizationConfig")[0]["FocusedInboxOn"] is True


def test_faults_are_scoped_per_service_and_tenant(fresh_sandbox, clients):
    fabrikam = Clients(fresh_sandbox, FABRIKAM)
    fresh_sandbox.admin.set_faults(service="graph", tenant="fabrikam.onmicrosoft.com", failure_rate=1.0)
    assert fabrikam.graph().status_code in (503, 504)
    assert clients.graph().status_code == 200
    assert fabrikam.exchange().status_code == 200
    assert fresh_sandbox.token_response(FABRIKAM).status_code == 200


def test_seeded_randomness_replays(fresh_sandbox):
    def run():
        fresh_sandbox.reset()
        clients = Clients(fresh_sandbox)
        fresh_sandbox.admin.set_faults(failure_rate=0.3, throttle_rate=0.2, retry_after_s=0.001)
        session = fresh_sandbox.session()
        statuses = []
        for dummy in range(40):
            statuses.append(clients.graph(session=session).status_code)
            time.sleep(0.002)       # let any throttle window close so only the rolls decide
        return statuses
    first, second = run(), run()
    assert first == second
    assert {200, 429} <= set(first) and set(first) & {503, 504}


def test_run_time_updates_and_reset_to_start_settings(fresh_sandbox):
    admin = fresh_sandbox.admin
    scopes = admin.set_faults(service="exchange", tenant="contoso.com", latency_ms=5)
    assert {"service": "exchange", "tenant": CONTOSO, "values": {"latency_ms": 5}} in scopes
    with pytest.raises(requests.HTTPError):
        admin.set_faults(no_such_fault=1)
    admin.reset_faults()
    assert all(s["service"] is None for s in admin.faults())


def test_start_up_faults_from_seed_and_flags(tmp_path):
    seed = copy.deepcopy(load_seed())
    seed["faults"] = {"latency_ms": 1, "scoped": [{"service": "graph", "tenant": FABRIKAM, "failure_rate": 1.0}]}
    with running_sandbox(str(tmp_path), seed=seed, random_seed=7, throttle_rate=0.0, lost_response_rate=0.0) as handle:
        scopes = {(s["service"], s["tenant"]): s["values"] for s in handle.admin.faults()}
        assert scopes[("graph", FABRIKAM)] == {"failure_rate": 1.0}
        assert scopes[(None, None)]["latency_ms"] == 1
        handle.admin.set_faults(latency_ms=0)
        handle.reset()
        assert {s["service"] for s in handle.admin.faults()} == {None, "graph"}       # back to start-up
        assert Clients(handle, FABRIKAM).graph().status_code in (503, 504)
