"""Fault matrix: the modules run by ansible-playbook against the sandbox with injected faults. Each test asserts the
outcome from the sandbox's state and request log, and that every failure is one readable sentence naming the tenant
and what to do.

The session sandbox (conftest) is reset before each test, which also re-seeds its fault randomness
(``random_seed=7``), so every run replays the same sequence of injected faults. Failure-path tests pass small
``max_retries``/``timeout`` values so the suite stays fast.
"""
import copy
import json
import os
import re
import stat
import time

import pytest

from tests import harness
from tests.integration.conftest import CONTOSO, FABRIKAM, dump
from tests.sandbox.launch import launch
from tests.sandbox.seed import load_seed

MARK = "fault-matrix"


def assert_one_sentence(msg, tenant, *advice):
    """A failure message users can act on: one line, no traceback, names the tenant and the advice."""
    print("failure message:", msg)
    assert msg and "\n" not in msg.strip(), msg
    assert "Traceback" not in msg and "Unexpected" not in msg, msg
    assert not msg[0].islower() and msg.rstrip().endswith("."), msg
    assert tenant.lower() in msg.lower(), "tenant %s not named in: %s" % (tenant, msg)
    for words in advice:
        assert words.lower() in msg.lower(), "%r missing from: %s" % (words, msg)


def settings_task(tenant="contoso.com", name="settings", value=MARK, extra="", ignore_errors=False):
    return """
        - name: %s
          ignore_errors: %s
          csp.exchange.exo_settings:
            tenant: %s
            object: Mailbox
            settings: {CustomAttribute1: %s}
            %s
    """ % (name, str(ignore_errors).lower(), tenant, value, extra)


def mailboxes_marked(sb, tenant, value=MARK):
    rows = sb.exchange(tenant, "Mailbox")
    return sum(1 for r in rows if r["CustomAttribute1"] == value), len(rows)


def token_requests(sb):
    return [e for e in sb.log(service="identity") if e["grant_type"]]


def faults(sb, prefix):
    return [e for e in sb.log() if (e["fault"] or "").startswith(prefix)]


# -- transient 503/504 -------------------------------------------------------------------------------------

def test_thirty_percent_transient_failures_converge_with_default_settings(sb):
    sb.sandbox.faults.update(failure_rate=0.3)           # every service: identity, Graph, Exchange
    run = sb.play(settings_task() + """
        - name: org
          csp.exchange.exo_command: {tenant: contoso.com, cmdlet: Get-OrganizationConfig}
    """)
    assert run.rc == 0, dump(run)
    result = run.task("settings")
    assert result["changed"] and result["matched"] == 151 and result["failed_identities"] == []
    assert mailboxes_marked(sb, CONTOSO) == (151, 151)
    assert faults(sb, "failure_"), "the sandbox injected no failure"
    assert result["http_stats"]["retries"] > 0
    # Set-Mailbox is idempotent; nothing else was written.
    assert {c for e in sb.writes() for c in e["cmdlets"]} <= {"Set-Mailbox"}


def test_ninety_percent_transient_failures_converge_with_more_retries(sb):
    """At 90% a request needs 10 attempts on average, and the chance that 11 attempts (the default max_retries of
    10) all fail is 0.9**11, about 31%, per request: defaults would give up on a third of the requests. With
    max_retries 60 that chance is 0.9**61, under 0.2%, so the test passes max_retries explicitly. The sandbox's
    503/504 carry a short Retry-After here (as Graph's and Exchange's often do): with plain backoff, 20-odd failures
    of one request would hit the 180 s wait budget and cost minutes of test time. The fault is on Exchange only:
    the point is the InvokeCommand retry loop."""
    sb.sandbox.faults.update(service="exchange", failure_rate=0.9, failure_retry_after_s=0.05)
    run = sb.play("""
        - name: set
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: Set-Mailbox
            parameters: {Identity: admin, CustomAttribute1: %s}
            max_retries: 60
        - name: read
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: Get-Mailbox
            parameters: {Identity: admin}
            select: [CustomAttribute1]
            max_retries: 60
    """ % MARK)
    assert run.rc == 0, dump(run)
    result = run.task("set")
    assert result["changed"] is True
    assert run.task("read")["result"][0]["CustomAttribute1"] == MARK
    # Injected failures answer before the cmdlet is parsed: the attempts share the call's client-request-id.
    [applied] = [e for e in sb.log(service="exchange") if e["cmdlets"] == ["Set-Mailbox"]]
    attempts = [e for e in sb.log(service="exchange") if e["client_request_id"] == applied["client_request_id"]]
    assert len(attempts) == result["http_stats"]["retries"] + 1 and len(attempts) > 11    # beyond the default
    assert attempts[-1] is not None and attempts[-1]["status"] == 200
    assert all(e["fault"].startswith("failure_") for e in attempts[:-1])
    admin = [r for r in sb.exchange(CONTOSO, "Mailbox") if r["Alias"] == "admin"][0]
    assert admin["CustomAttribute1"] == MARK


# -- throttling ---------------------------------------------------------------------------------------------

def test_429_with_fractional_retry_after_is_honoured(sb):
    sb.sandbox.faults.update(service="exchange", throttle_rate=0.4, retry_after_s=1.25)
    run = sb.play("""
        - name: read
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: Get-Mailbox
            select: [Alias]
            page_size: 25
    """)
    assert run.rc == 0, dump(run)
    assert run.task("read")["count"] == 151
    log = sb.log(service="exchange")
    throttles = [e for e in log if e["fault"] == "throttle"]
    assert throttles, "the sandbox throttled nothing"
    # A request inside an open window would be throttled again: the client never came back early.
    assert not [e for e in log if e["fault"] == "throttle_window"]
    for throttled in throttles:
        retry = next(e for e in log if e["seq"] > throttled["seq"]
                     and e["client_request_id"] == throttled["client_request_id"])
        assert retry["time"] - throttled["time"] >= 1.25, (throttled, retry)   # backoff alone would wait < 0.5 s
    assert run.task("read")["http_stats"]["waited_seconds"] >= 1.25 * len(throttles)


def test_concurrency_above_the_per_tenant_limit_still_converges(sb):
    sb.sandbox.faults.update(service="exchange", concurrency_limit=2, retry_after_s=0.3, latency_ms=30)
    run = sb.play(settings_task(extra="concurrency: 8"))
    assert run.rc == 0, dump(run)
    assert run.task("settings")["failed_identities"] == []
    assert mailboxes_marked(sb, CONTOSO) == (151, 151)
    limited = faults(sb, "concurrency_limit")
    assert limited, "the concurrency limit was never hit"
    assert run.task("settings")["http_stats"]["retries"] >= len(limited)


# -- lost responses -----------------------------------------------------------------------------------------

def test_lost_response_on_an_idempotent_set_is_retried_and_applied_once(sb):
    sb.sandbox.faults.update(service="exchange", lost_response_rate=0.5)
    run = sb.play("""
        - name: set
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: Set-Mailbox
            parameters: {Identity: admin, CustomAttribute1: %s}
    """ % MARK)
    assert run.rc == 0, dump(run)
    sets = [e for e in sb.log(service="exchange") if e["cmdlets"] == ["Set-Mailbox"]]
    assert sets[0]["fault"] and sets[0]["fault"].startswith("lost_response"), sets
    assert sets[-1]["status"] == 200 and len(sets) >= 2
    # The first attempt was applied; the retry found nothing to change. The task still reports the change.
    assert run.task("set")["changed"] is True
    admin = [r for r in sb.exchange(CONTOSO, "Mailbox") if r["Alias"] == "admin"][0]
    assert admin["CustomAttribute1"] == MARK


def test_lost_response_on_a_new_is_not_resent_and_says_how_to_check(sb):
    sb.sandbox.faults.update(service="exchange", lost_response_rate=1.0)
    run = sb.play("""
        - name: new
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: New-MailContact
            parameters: {Name: Fault Matrix, ExternalEmailAddress: fault.matrix@example.net}
    """)
    assert run.rc != 0
    msg = run.task("new")["msg"]
    assert_one_sentence(msg, "contoso.com", "may or may not have been applied", "Get-MailContact")
    news = [e for e in sb.log(service="exchange") if "New-MailContact" in e["cmdlets"]]
    assert len(news) == 1                                           # never resent blindly
    contacts = [c for c in sb.exchange(CONTOSO, "MailContact") if c["Name"] == "Fault Matrix"]
    assert len(contacts) == 1                                       # the one attempt was applied


# -- tokens and consent -------------------------------------------------------------------------------------

def test_access_token_revoked_mid_run_is_refreshed_once(sb, tmp_path):
    cache = str(tmp_path / "tokens" / "cache.json")
    run = sb.play("""
        - name: before
          csp.exchange.exo_command: {tenant: contoso.com, cmdlet: Get-OrganizationConfig}
        - name: revoke every token issued so far
          ansible.builtin.uri:
            url: "{{ lookup('env', 'CSP_SANDBOX_URL') }}/tokens/invalidate"
            method: POST
            ca_path: "{{ lookup('env', 'CSP_CA_PATH') }}"
        - name: after
          csp.exchange.exo_command: {tenant: contoso.com, cmdlet: Get-OrganizationConfig}
    """, env={"CSP_TOKEN_CACHE": cache})
    assert run.rc == 0, dump(run)
    assert run.task("before")["http_stats"]["token_refreshes"] == 0
    assert run.task("after")["http_stats"]["token_refreshes"] == 1
    # One redemption for the first task, none for the second's cache hit, one for the refresh.
    assert len(token_requests(sb)) == 2
    assert [e["status"] for e in sb.log(service="exchange")] == [200, 401, 200]
    assert stat.S_IMODE(os.stat(cache).st_mode) == 0o600


def test_expired_refresh_token_fails_clearly_without_a_retry_storm(sb):
    sb.sandbox.faults.update(expired_refresh_token=True)
    run = sb.play(settings_task(name="contoso", ignore_errors=True)
                  + settings_task(tenant=FABRIKAM, name="fabrikam"))
    assert run.rc != 0
    for task, tenant in (("contoso", "contoso.com"), ("fabrikam", FABRIKAM)):
        assert_one_sentence(run.task(task)["msg"], tenant, "AADSTS700082", "store the new refresh token")
    assert len(token_requests(sb)) == 2                    # one per task: a definite answer is not retried
    assert sb.log(service="exchange") == []


def test_missing_consent_fails_clearly_without_a_retry_storm(sb):
    run = sb.play(settings_task(tenant="tailspintoys.com"))
    assert run.rc != 0
    assert_one_sentence(run.task("settings")["msg"], "tailspintoys.com", "AADSTS65001", "exo_consent")
    assert len(token_requests(sb)) == 1
    assert sb.log(service="exchange") == []


# -- the service going away mid-run ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def five_tenants(tmp_path_factory):
    seed = copy.deepcopy(load_seed(None))
    seed["tenants"] = []
    seed["generate_customers"] = {"count": 5, "exchange": {"mailboxes": [{"generate": {"count": 5}}]}}
    running = launch(str(tmp_path_factory.mktemp("five")), seed=seed, random_seed=3)
    yield running
    running.stop()


@pytest.mark.parametrize("down", ["everything", "exchange"])
def test_service_going_away_mid_run_fails_boundedly_and_keeps_done_tenants(five_tenants, collections, tmp_path, down):
    """Before the third tenant, every service (the token request fails first) or only Exchange stops answering."""
    sandbox = five_tenants.sandbox
    sandbox.reset()
    tenants = sorted(sandbox.store.tenants)
    inventory = harness.write_inventory(str(tmp_path / "hosts"), dict(("t%d" % i, t) for i, t in enumerate(tenants)))
    playbook = str(tmp_path / "outage.yml")
    with open(playbook, "w") as handle:
        handle.write("""
- hosts: customers
  gather_facts: false
  serial: 1
  module_defaults:
    group/csp.exchange.auth: {max_retries: 2, timeout: 10}
  tasks:
    - name: the service goes away before the third tenant
      ansible.builtin.uri:
        url: "{{ lookup('env', 'CSP_SANDBOX_URL') }}/faults"
        method: POST
        body_format: json
        body: %s
        ca_path: "{{ lookup('env', 'CSP_CA_PATH') }}"
      when: inventory_hostname == 't2' and not (no_outage | default(false))
    - name: settings
      csp.exchange.exo_settings:
        tenant: "{{ tenant_id }}"
        object: Mailbox
        settings: {CustomAttribute1: %s}
""" % (json.dumps(dict(failure_rate=1.0, **({"service": "exchange"} if down == "exchange" else {}))), MARK))
    env = harness.playbook_env(collections, five_tenants.env)
    started = time.monotonic()
    run = harness.run_playbook(playbook, env, inventory=inventory, forks=1)
    elapsed = time.monotonic() - started
    assert run.rc != 0
    failed = [e for e in run.results if e["task"] == "settings" and e["status"] == "failed"]
    assert [e["host"] for e in failed] == ["t2"]
    assert_one_sentence(failed[0]["result"]["msg"], tenants[2], "try again later")
    for done in tenants[:2]:        # the tenants finished before the outage stay converged
        rows = sandbox.store.tenants[done].exchange.snapshot("Mailbox")
        assert all(r["CustomAttribute1"] == MARK for r in rows)
    for untouched in tenants[2:]:
        rows = sandbox.store.tenants[untouched].exchange.snapshot("Mailbox")
        assert not any(r["CustomAttribute1"] == MARK for r in rows)
    # Bounded: max_retries 2 means at most 3 attempts of the one request that failed.
    outage = [e for e in sandbox.log.entries() if e["fault"] and e["fault"].startswith("failure_")]
    assert 1 <= len(outage) <= 3, outage
    assert elapsed < 60

    # Once the service is back, a rerun finishes the rest and leaves the done tenants alone.
    sandbox.faults.reset()
    sandbox.log.clear()
    rerun = harness.run_playbook(playbook, env, inventory=inventory, forks=1, extra_vars={"no_outage": True})
    assert rerun.rc == 0, dump(rerun)
    changed = sorted(e["host"] for e in rerun.results if e["task"] == "settings" and e["result"].get("changed"))
    assert changed == ["t2", "t3", "t4"]


# -- TLS --------------------------------------------------------------------------------------------------

def test_a_wrong_ca_is_a_clear_tls_failure_naming_ca_path(sb, tmp_path):
    trustme = pytest.importorskip("trustme")
    other = str(tmp_path / "other-ca.pem")
    trustme.CA().cert_pem.write_to_path(other)
    run = sb.play("""
        - name: wrong ca
          csp.exchange.exo_command: {tenant: contoso.com, cmdlet: Get-OrganizationConfig, max_retries: 1}
    """, env={"CSP_CA_PATH": other})
    assert run.rc != 0
    msg = run.task("wrong ca")["msg"]
    assert_one_sentence(msg, "contoso.com", "TLS", "ca_path")
    assert sb.log() == []                           # no request got through the handshake


def test_validate_certs_false_works_and_warns(sb):
    env = dict(sb.env)
    env.pop("CSP_CA_PATH")
    run = harness.run_playbook(_write(sb, """
        - name: unverified
          csp.exchange.exo_command: {tenant: contoso.com, cmdlet: Get-OrganizationConfig, validate_certs: false}
    """), env)
    assert run.rc == 0, dump(run)
    assert run.task("unverified")["count"] == 1
    warnings = run.task("unverified").get("warnings") or []
    assert any("validate_certs is false" in w and "NOT verified" in w for w in warnings), warnings
    assert "validate_certs is false" in re.sub(r"\s+", " ", run.stdout + run.stderr)


def _write(sb, tasks):
    import textwrap
    path = os.path.join(str(sb.tmp_path), "unverified.yml")
    with open(path, "w") as handle:
        handle.write("- hosts: localhost\n  gather_facts: false\n  tasks:\n%s"
                     % textwrap.indent(textwrap.dedent(tasks).strip() + "\n", "    "))
    return path


# -- blast radius -----------------------------------------------------------------------------------------

def test_destructive_cmdlet_runs_only_when_allowed(sb):
    refused = sb.play("""
        - name: refused
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: Remove-Mailbox
            parameters: {Identity: admin}
    """)
    assert refused.rc != 0
    assert_one_sentence(refused.task("refused")["msg"], "contoso.com", "Remove-Mailbox", "allow_destructive: true")
    assert sb.log() == []                               # not even a token request
    contact = {"Name": "Blast Radius", "ExternalEmailAddress": "blast.radius@example.net"}
    with sb.sandbox.store.lock:
        sb.sandbox.store.tenants[CONTOSO].exchange.invoke("New-MailContact", contact, now=sb.sandbox.now())
    allowed = sb.play("""
        - name: allowed
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: Remove-MailContact
            parameters: {Identity: Blast Radius}
            allow_destructive: true
    """)
    assert allowed.rc == 0, dump(allowed)
    assert [c for e in sb.writes() for c in e["cmdlets"]] == ["Remove-MailContact"]
    assert not [c for c in sb.exchange(CONTOSO, "MailContact") if c["Name"] == "Blast Radius"]


def test_max_changes_refuses_before_any_write_and_names_the_tenant(sb):
    run = sb.play(settings_task(extra="max_changes: 5"))
    assert run.rc != 0
    assert_one_sentence(run.task("settings")["msg"], "contoso.com", "151 Mailbox objects would change",
                        "raise max_changes")
    assert sb.writes() == []
    assert [e["cmdlets"] for e in sb.log(service="exchange")] == [["Get-Mailbox"]]      # the read, nothing else
    assert mailboxes_marked(sb, CONTOSO) == (0, 151)
