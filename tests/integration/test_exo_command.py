"""exo_command against the sandbox: reads, idempotent writes, check mode, addressing, failures."""
import pytest

from tests.integration.conftest import CONTOSO, TAILSPIN, dump

SET_QUOTA = """
    - name: set
      csp.exchange.exo_command:
        tenant: contoso.com
        cmdlet: Set-Mailbox
        parameters: {Identity: admin, ProhibitSendQuota: 45GB, ProhibitSendReceiveQuota: 50GB}
    - name: read
      csp.exchange.exo_command:
        tenant: contoso.com
        cmdlet: Get-Mailbox
        parameters: {Identity: admin}
        select: [ProhibitSendQuota, ProhibitSendReceiveQuota]
"""


def test_get_follows_every_page_with_one_anchor_and_strips_annotations(sb):
    run = sb.play("""
        - name: all mailboxes
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: Get-Mailbox
            select: [UserPrincipalName, ExchangeGuid, EmailAddresses]
            page_size: 40
    """, check=True)
    assert run.rc == 0, dump(run)
    result = run.task("all mailboxes")
    assert result["count"] == len(result["result"]) == 151
    assert not result["changed"] and result["tenant_id"] == CONTOSO
    assert all(not any("@" in key for key in row) for row in result["result"])
    assert not any("more results available" in w for w in result["cmdlet_warnings"])
    pages = [e for e in sb.log(service="exchange") if e["cmdlets"] == ["Get-Mailbox"]]
    assert len(pages) == 4 and len({e["anchor"] for e in pages}) == 1
    assert all(e["path"] == "/adminapi/beta/%s/InvokeCommand" % CONTOSO for e in pages)   # GUID, not the vanity domain


def test_set_changes_once_then_reports_no_change(sb):
    first = sb.play(SET_QUOTA)
    assert first.rc == 0, dump(first)
    assert first.task("set")["changed"] is True
    row = first.task("read")["result"][0]
    assert row["ProhibitSendQuota"] == "45 GB (48,318,382,080 bytes)"
    second = sb.play(SET_QUOTA)
    assert second.rc == 0, dump(second)
    assert second.task("set")["changed"] is False
    assert any("no settings of" in w for w in second.task("set")["cmdlet_warnings"])


def test_check_mode_runs_reads_and_sends_no_write(sb):
    run = sb.play(SET_QUOTA, check=True)
    assert run.rc == 0, dump(run)
    assert run.task("set")["changed"] is True
    assert run.task("read")["result"][0]["ProhibitSendQuota"] != "45 GB (48,318,382,080 bytes)"
    assert [e for e in sb.log(service="exchange") if e["write"]] == []
    # The Set- was compared with a read of the same mailbox; the play's own read follows.
    assert [e["cmdlets"] for e in sb.log(service="exchange")] == [["Get-Mailbox"], ["Get-Mailbox"]]


def test_unknown_cmdlet_gives_the_documented_message(sb):
    run = sb.play("""
        - name: bogus
          csp.exchange.exo_command: {tenant: contoso.onmicrosoft.com, cmdlet: Get-Nonsense}
    """)
    assert run.rc != 0
    msg = run.task("bogus")["msg"]
    assert "Get-Nonsense" in msg and "cmdlet does not exist" in msg and "RBAC" in msg
    assert "Traceback" not in run.stdout + run.stderr


def test_missing_consent_says_to_run_exo_consent(sb):
    run = sb.play("""
        - name: no consent
          csp.exchange.exo_command: {tenant: %s, cmdlet: Get-OrganizationConfig}
    """ % TAILSPIN)
    assert run.rc != 0
    msg = run.task("no consent")["msg"]
    assert "AADSTS65001" in msg and "exo_consent" in msg and TAILSPIN in msg


def test_consent_removed_after_token_issue_is_a_clear_401(sb):
    sb.sandbox.store.tenants[CONTOSO].exchange  # tenant exists
    with sb.sandbox.store.lock:
        tenant = sb.sandbox.store.tenants[CONTOSO]
        for grant in tenant.grants.values():
            grant.scope = " ".join(s for s in grant.scope.split() if s != "Exchange.Manage") or "EWS.AccessAsUser.All"
    run = sb.play("""
        - name: scope gone
          csp.exchange.exo_command: {tenant: %s, cmdlet: Get-OrganizationConfig}
    """ % CONTOSO)
    assert run.rc != 0
    assert "Exchange.Manage" in run.task("scope gone")["msg"] and "exo_consent" in run.task("scope gone")["msg"]


@pytest.mark.parametrize("options,fragment", [
    ("{tenant: 'not a tenant', cmdlet: Get-Mailbox}", "neither a tenant GUID nor a domain"),
    ("{tenant: contoso.com, cmdlet: GetMailbox}", "not of the form Verb-Noun"),
    ("{tenant: contoso.com, cmdlet: Set-Mailbox, parameters: {Identity: a, RecipientLimits: .nan}}", "JSON values"),
    ("{tenant: contoso.com, cmdlet: Get-Mailbox, result_size: lots}", "result_size"),
    ("{tenant: contoso.com, cmdlet: Remove-MailContact, parameters: {Identity: x}}", "allow_destructive"),
])
def test_invalid_input_fails_before_any_request(sb, options, fragment):
    run = sb.play("""
        - name: bad
          csp.exchange.exo_command: %s
    """ % options)
    assert run.rc != 0
    assert fragment in run.task("bad")["msg"]
    assert sb.log() == []


def test_half_of_all_calls_failing_still_converges(sb):
    sb.sandbox.faults.update(failure_rate=0.5)
    run = sb.play(SET_QUOTA + """
    - name: org
      csp.exchange.exo_command: {tenant: contoso.com, cmdlet: Get-OrganizationConfig}
""")
    assert run.rc == 0, dump(run)
    assert run.task("set")["changed"] is True
    assert run.task("read")["result"][0]["ProhibitSendQuota"].startswith("45 GB")
    faults = [e for e in sb.log() if e["fault"]]
    assert faults, "the sandbox injected no failure"
