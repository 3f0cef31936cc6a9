"""The retry loop, driven by scripted answers instead of a network."""
import json
import random

import pytest

from ansible_collections.csp.exchange.plugins.module_utils.errors import AuthError, OutcomeUnknownError, TransportError
from ansible_collections.csp.exchange.plugins.module_utils.exchange.cmdlets import is_throttled
from ansible_collections.csp.exchange.plugins.module_utils.exchange.errors import parse_error
from ansible_collections.csp.exchange.plugins.module_utils.http.session import (
    HttpResponse, HttpSession, NotSent, SentUnanswered, TlsFailed)
from ansible_collections.csp.exchange.plugins.module_utils.http.retry import RetryPolicy
from ansible_collections.csp.exchange.plugins.module_utils.http.transport import Transport

from ..answers import header_map


def resp(status, body=b"{}", headers=None):
    if isinstance(body, dict):
        body = json.dumps(body).encode()
    return HttpResponse(status, header_map(headers), body)


class Scripted(Transport):
    def __init__(self, answers, **kwargs):
        self.sleeps = []
        kwargs.setdefault("retry_policy", RetryPolicy(max_retries=5, base_delay=1, max_delay=4, rng=random.Random(0)))
        super().__init__(sleep=self.sleeps.append, **kwargs)
        self.answers = list(answers)
        self.sent = []

    def send_once(self, method, url, headers=None, body=None, data=None, follow_redirects=True):
        self.sent.append(dict(headers or {}))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def connect_refused():
    return NotSent("ConnectionRefusedError: [Errno 111] Connection refused")


def test_success_passes_through_with_one_request_id():
    t = Scripted([resp(503), resp(200, {"ok": 1})])
    r = t.request("GET", "https://x/y")
    assert r.status == 200 and r.json() == {"ok": 1}
    assert len(t.sent) == 2 and t.sent[0]["client-request-id"] == t.sent[1]["client-request-id"]
    assert len(t.sleeps) == 1 and t.stats["retries"] == 1


def test_retry_after_fractional_is_waited():
    t = Scripted([resp(429, headers={"Retry-After": "1.5"}), resp(200)])
    t.request("POST", "https://x/y", idempotent=False)
    assert 1.5 <= t.sleeps[0] <= 1.8


def test_429_is_retried_even_for_non_idempotent_writes():
    t = Scripted([resp(429), resp(429), resp(201)])
    assert t.request("POST", "https://x", idempotent=False).status == 201


def test_concurrency_message_is_throttling():
    t = Scripted([resp(400, b"You have reached the maximum number of concurrent requests per tenant."), resp(200)])
    assert t.request("POST", "https://x", idempotent=False, is_throttled=is_throttled).status == 200


@pytest.mark.parametrize("answer", [resp(503), resp(504), resp(502, b"<html>bad gateway</html>")])
def test_ambiguous_failure_of_non_idempotent_write_is_not_resent(answer):
    t = Scripted([answer, resp(201)])
    with pytest.raises(OutcomeUnknownError, match="may or may not have been applied"):
        t.request("POST", "https://x", idempotent=False, what="New-MailContact in tenant t")
    assert len(t.sent) == 1


def test_read_timeout_of_non_idempotent_write_is_not_resent():
    t = Scripted([SentUnanswered("TimeoutError: The read operation timed out"), resp(201)])
    with pytest.raises(OutcomeUnknownError):
        t.request("POST", "https://x", idempotent=False)
    assert len(t.sent) == 1


def test_connect_failure_is_resent_even_for_non_idempotent_writes():
    t = Scripted([connect_refused(), NotSent("TimeoutError: timed out"), resp(201)])
    assert t.request("POST", "https://x", idempotent=False).status == 201
    assert len(t.sent) == 3


def test_transient_exchange_exception_uses_the_hook():
    detail = {"error": {"code": "InternalServerError", "details": [
        {"message": "|Microsoft.Exchange.Data.Directory.DCOverloadedException|busy"}]}}

    def hook(r):
        return parse_error(r.status, r.body).is_transient

    t = Scripted([resp(500, detail), resp(200)])
    assert t.request("POST", "https://x", is_transient=hook).status == 200
    t = Scripted([resp(500, detail)])
    with pytest.raises(OutcomeUnknownError):
        t.request("POST", "https://x", is_transient=hook, idempotent=False)


def test_definite_errors_are_returned_not_retried():
    for status in (400, 403, 404, 409):
        t = Scripted([resp(status)])
        assert t.request("GET", "https://x").status == status
        assert t.sleeps == []


def test_401_gets_one_fresh_token_then_the_answer_stands():
    calls = []

    def auth(force):
        calls.append(force)
        return "token-%d" % len(calls)

    t = Scripted([resp(401), resp(200)])
    assert t.request("GET", "https://x", auth=auth).status == 200
    assert calls == [False, True]
    assert t.sent[1]["Authorization"] == "Bearer token-2"
    t = Scripted([resp(401), resp(401)])
    assert t.request("GET", "https://x", auth=auth).status == 401
    assert t.stats["token_refreshes"] == 1


def test_gives_up_after_max_retries_with_a_clear_message():
    t = Scripted([resp(503)] * 6)
    with pytest.raises(TransportError, match=r"failed after 6 attempts .* \(last: HTTP 503\)"):
        t.request("GET", "https://x", what="Get-Mailbox in tenant t")
    assert len(t.sent) == 6


def test_total_wait_budget_stops_early():
    policy = RetryPolicy(max_retries=50, base_delay=1, max_delay=1, max_total_wait=2.5, rng=random.Random(0))
    t = Scripted([resp(429, headers={"Retry-After": "1"})] * 10, retry_policy=policy)
    with pytest.raises(TransportError):
        t.request("GET", "https://x")
    assert sum(t.sleeps) <= 2.5


def test_tls_failure_is_not_retried():
    t = Scripted([TlsFailed("CERTIFICATE_VERIFY_FAILED")])
    with pytest.raises(TransportError, match="TLS verification failed for x.example: .*ca_path"):
        t.request("GET", "https://x.example/y")


def test_throttling_weighs_less_than_failures_but_stays_bounded():
    policy = RetryPolicy(max_retries=2, base_delay=0.01, max_delay=0.01, max_total_wait=60, rng=random.Random(0))
    t = Scripted([resp(429, headers={"Retry-After": "0.01"})] * 7 + [resp(200)], retry_policy=policy)
    assert t.request("GET", "https://x/t/InvokeCommand").status == 200        # 7 throttles count as 2 failures
    t = Scripted([resp(429, headers={"Retry-After": "0.01"})] * 20, retry_policy=policy)
    with pytest.raises(TransportError, match="failed after 9 attempts"):
        t.request("GET", "https://x/t/InvokeCommand")


def test_a_throttle_window_holds_the_other_threads():
    t = Scripted([])
    t.hold("https://x/adminapi/beta/t/InvokeCommand", 0.2)
    import threading
    waits = []
    worker = threading.Thread(target=lambda: (t._await_gate("https://x/adminapi/beta/t/$batch"), waits.append(t.sleeps[:])))
    worker.start()
    worker.join()
    assert waits and waits[0] and 0 < waits[0][0] <= 0.2


def test_a_window_opened_for_a_later_request_holds_the_caller_too():
    t = Scripted([])
    t.hold("https://x/adminapi/beta/t/InvokeCommand", 0.2, caller_sleeps=False)
    t._await_gate("https://x/adminapi/beta/t/InvokeCommand")
    assert t.sleeps and 0 < t.sleeps[0] <= 0.2


# -- below the retry loop: the real network path ----------------------------------------------------------------------

def test_refused_connection_is_known_unsent_so_a_write_is_retried():
    import socket
    with socket.socket() as s:          # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t = Transport(retry_policy=RetryPolicy(max_retries=1, base_delay=0, max_delay=0), sleep=lambda s: None)
    with pytest.raises(TransportError, match="failed after 2 attempts"):
        t.request("POST", "https://127.0.0.1:%d/x" % port, body={"a": 1}, idempotent=False)
    assert t.stats["requests"] == 2


def test_proxies_come_from_the_environment_as_requests_reads_them(monkeypatch):
    for name in ("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY", "no_proxy",
                 "NO_PROXY"):
        monkeypatch.delenv(name, raising=False)
    assert HttpSession().proxies("https://outlook.office365.com/x") == {}
    monkeypatch.setenv("HTTPS_PROXY", "https://user:p%40ss@proxy.corp:3128")
    monkeypatch.setenv("NO_PROXY", "localhost,.internal.example,10.0.0.0/8,::1")
    http = HttpSession()
    assert http.proxies("https://outlook.office365.com/adminapi/beta/x")["https"] == "https://user:p%40ss@proxy.corp:3128"
    for bypassed in ("https://api.internal.example:8443/x", "https://10.1.2.3/x", "https://[::1]:8443/x"):
        assert http.proxies(bypassed) == {}, bypassed


def _challenge(claims):
    import base64
    value = base64.b64encode(claims.encode()).decode()
    return resp(401, b"", {"WWW-Authenticate": 'Bearer realm="", authorization_uri="https://login.microsoftonline.com/'
                                               'common/oauth2/authorize", error="insufficient_claims", claims="%s"' % value})


def test_a_claims_challenge_is_answered_once_with_its_claims_then_fails_clearly():
    claims = '{"access_token":{"acrs":{"essential":true,"value":"c1"}}}'
    calls = []

    def auth(force=False, asked=None):
        calls.append((force, asked))
        return "token-%d" % len(calls)

    t = Scripted([_challenge(claims), resp(200)])
    assert t.request("POST", "https://x/y", auth=auth, idempotent=False).status == 200
    assert calls == [(False, None), (True, claims)]
    calls[:] = []
    t = Scripted([_challenge(claims), _challenge(claims)])
    with pytest.raises(AuthError, match="claims challenge .* even with a token carrying the claims"):
        t.request("POST", "https://x/y", auth=auth, what="Set-Mailbox in tenant t")
    assert len(t.sent) == 2


def test_a_proxy_url_requests_cannot_use_fails_at_once_without_its_credentials(monkeypatch):
    from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
    monkeypatch.setenv("HTTPS_PROXY", "socks5://user:proxy-secret@proxy.corp:1080")    # PySocks is not installed
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    transport = Transport(retry_policy=RetryPolicy(max_retries=3, base_delay=0, max_delay=0), sleep=lambda s: None)
    with pytest.raises(InvalidInputError) as info:
        transport.request("GET", "https://outlook.office365.com/x")
    assert "HTTPS_PROXY" in info.value.message and "proxy-secret" not in info.value.message
    assert transport.stats["retries"] == 0


def test_giving_up_on_a_write_that_may_have_been_applied_says_so():
    """A lost answer, then retries spent: the journal must not call this write failed (it may have been applied)."""
    t = Scripted([SentUnanswered("RemoteDisconnected")] + [resp(503)] * 5)
    with pytest.raises(TransportError) as raised:
        t.request("POST", "https://x", what="$batch")
    assert raised.value.maybe_applied is True
    t = Scripted([connect_refused()] * 6)
    with pytest.raises(TransportError) as raised:
        t.request("POST", "https://x", what="$batch")
    assert raised.value.maybe_applied is False
