"""exo_token against the sandbox: delegated, certificate, Partner Center, expired refresh token."""
import time

from tests.integration.conftest import CONTOSO, dump


def test_delegated_token_for_a_vanity_domain_carries_the_tenant_and_scope(sb):
    run = sb.play("""
        - name: token
          csp.exchange.exo_token: {tenant: contoso.com}
          no_log: true
          register: tok
        - name: check
          ansible.builtin.assert:
            that:
              - tok.tenant_id == '%s'
              - "'Exchange.Manage' in tok.scopes"
              - tok.expires_on > %d
              - tok.refresh_token is defined and tok.refresh_token != lookup('env', 'CSP_REFRESH_TOKEN')
              - tok.token_type == 'Bearer'
              - not tok.changed
    """ % (CONTOSO, time.time() + 300), check=True)
    assert run.rc == 0, dump(run)
    grants = [e["grant_type"] for e in sb.log(service="identity") if e["grant_type"]]
    assert grants == ["refresh_token"]


def test_certificate_credential_and_other_resources(sb):
    env = dict(sb.running.env)
    run = sb.play("""
        - name: graph token with a certificate
          csp.exchange.exo_token: {tenant: fabrikam.onmicrosoft.com, resource: graph}
          no_log: true
          register: graph
        - name: partner center token
          csp.exchange.exo_token: {resource: partner_center}
          no_log: true
          register: pc
        - name: check
          ansible.builtin.assert:
            that:
              - graph.tenant_id == '22222222-2222-2222-2222-222222222223'
              - pc.tenant_id == '11111111-1111-1111-1111-111111111111'
    """, env={"CSP_CLIENT_CERTIFICATE_PATH": env["CSP_CLIENT_CERTIFICATE_PATH"], "CSP_CLIENT_SECRET": ""})
    assert run.rc == 0, dump(run)


def test_expired_refresh_token_fails_once_with_what_to_do(sb):
    sb.sandbox.faults.update(expired_refresh_token=True)
    run = sb.play("""
        - name: token
          csp.exchange.exo_token: {tenant: contoso.onmicrosoft.com}
    """)
    assert run.rc != 0
    result = run.task("token")
    assert "AADSTS700082" in result["msg"] and "refresh token has expired" in result["msg"]
    assert "store the new refresh token" in result["msg"]
    token_calls = [e for e in sb.log(service="identity") if e["grant_type"]]
    assert len(token_calls) == 1      # a definite answer is not retried


def test_wrong_secret_and_unknown_tenant(sb):
    # The wrong secret comes from the environment: Ansible itself quotes playbook source lines in errors.
    run = sb.play("""
        - name: wrong secret
          csp.exchange.exo_token: {tenant: contoso.onmicrosoft.com}
    """, env={"CSP_CLIENT_SECRET": "not-the-secret-value"})
    assert "AADSTS7000215" in run.task("wrong secret")["msg"]
    assert "client secret is wrong" in run.task("wrong secret")["msg"]
    assert "not-the-secret-value" not in run.stdout + run.stderr
    run = sb.play("""
        - name: unknown tenant
          csp.exchange.exo_token: {tenant: nosuchtenant.onmicrosoft.com}
    """)
    assert "nosuchtenant.onmicrosoft.com" in run.task("unknown tenant")["msg"]
    assert "check the tenant GUID or domain" in run.task("unknown tenant")["msg"]
