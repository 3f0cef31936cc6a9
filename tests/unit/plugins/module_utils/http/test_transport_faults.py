"""Transport behaviour under faults that the fault matrix relies on: a throttle window shared by the threads of one
run, the "maybe applied before" mark after a lost answer, and failure messages that say what to do."""
import threading

import pytest

from ansible_collections.csp.exchange.plugins.module_utils.errors import OutcomeUnknownError, TransportError
from ansible_collections.csp.exchange.plugins.module_utils.http.session import HttpResponse, TlsFailed
from ansible_collections.csp.exchange.plugins.module_utils.http.retry import RetryPolicy
from ansible_collections.csp.exchange.plugins.module_utils.http.transport import Transport

from ..answers import header_map

EXO = "https://outlook.example/adminapi/beta/22222222-2222-2222-2222-222222222222/InvokeCommand"


def resp(status, headers=None, body=b"{}"):
    return HttpResponse(status, header_map(headers), body)


class Scripted(Transport):
    def __init__(self, answers, **kwargs):
        self.sleeps = []
        super().__init__(sleep=self.sleeps.append, retry_policy=RetryPolicy(max_retries=3), **kwargs)
        self.answers = list(answers)

    def send_once(self, method, url, headers=None, body=None, data=None, follow_redirects=True):
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def test_a_throttle_window_seen_by_one_thread_holds_back_the_others():
    t = Scripted([resp(429, {"Retry-After": "0.8"}), resp(200), resp(200)])
    worker = threading.Thread(target=t.request, args=("POST", EXO))
    worker.start()
    worker.join()
    assert len(t.sleeps) == 1 and t.sleeps[0] >= 0.8           # the throttled thread waited Retry-After
    assert t.request("POST", EXO.replace("InvokeCommand", "$batch")).status == 200
    assert len(t.sleeps) == 2 and 0.5 < t.sleeps[1] <= 1.0     # this thread waited out the same window
    assert t.stats["retries"] == 1


def test_the_window_is_per_tenant_and_not_applied_twice_to_the_throttled_thread():
    t = Scripted([resp(429, {"Retry-After": "0.5"}), resp(200), resp(200)])
    assert t.request("POST", EXO).status == 200
    assert len(t.sleeps) == 1                                 # no second wait on top of its own
    other_tenant = EXO.replace("2222-222222222222", "2222-222222222223")
    worker = threading.Thread(target=t.request, args=("POST", other_tenant))
    worker.start()
    worker.join()
    assert len(t.sleeps) == 1


def test_an_answer_after_a_possibly_executed_attempt_is_marked():
    t = Scripted([resp(504, body=b"<html>gateway</html>"), resp(200)])
    assert t.request("POST", EXO).maybe_applied_before is True
    t = Scripted([resp(429, {"Retry-After": "0"}), resp(200)])
    assert t.request("POST", EXO).maybe_applied_before is False        # throttled: not executed


def test_outcome_unknown_and_exhausted_retries_say_what_to_do():
    t = Scripted([resp(503, body=b"")])
    with pytest.raises(OutcomeUnknownError, match=r"^New-MailContact in tenant x may or may not have been applied: "
                                                  r"the service answered HTTP 503 after receiving it; check whether "
                                                  r"it took effect before running it again\.$"):
        t.request("POST", EXO, idempotent=False, what="new-MailContact in tenant x".replace("n", "N", 1))
    t = Scripted([resp(503, body=b"")] * 4)
    with pytest.raises(TransportError, match=r"try again later or raise max_retries\.$"):
        t.request("POST", EXO, what="Get-Mailbox in tenant x")


def test_tls_failure_names_ca_path_and_what_was_not_sent():
    class Tls(Scripted):
        def send_once(self, *args, **kwargs):
            raise TlsFailed("[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: "
                            "unable to get local issuer certificate (_ssl.c:1010)")
    t = Tls([])
    with pytest.raises(TransportError) as info:
        t.request("GET", EXO, what="the identity platform request for tenant contoso.com")
    msg = info.value.message
    assert "unable to get local issuer certificate" in msg and "ca_path (not set)" in msg
    assert "for tenant contoso.com was not sent" in msg and msg.endswith(".")
