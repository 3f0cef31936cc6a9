"""A customer in another Microsoft cloud, addressed with the default ``cloud: global``: its Exchange and Graph refuse
the global token, the task fails without a write, and the message names the cloud the token was requested for, so
the wrong ``cloud`` is recognisable at once. With the right ``cloud`` the same task works."""
import pytest

from tests.integration.conftest import CONTOSO, dump

GCC_HIGH = "usgov_high"


@pytest.fixture
def gcc_high_customer(sb):
    with sb.sandbox.store.lock:
        sb.sandbox.store.tenants[CONTOSO].cloud = GCC_HIGH
    return CONTOSO


@pytest.mark.parametrize("task, words", [
    ("csp.exchange.exo_settings: {tenant: %s, object: OrganizationConfig, settings: {AuditDisabled: false}}",
     "audience https://outlook.office365.com"),
    ("csp.exchange.tenant_initial_domain: {tenant: %s, source: graph}", "audience https://graph.microsoft.com"),
])
def test_a_gcc_high_customer_with_the_global_cloud_fails_naming_the_cloud(sb, gcc_high_customer, task, words):
    run = sb.play("- name: t\n  %s\n" % (task % gcc_high_customer))
    assert run.rc != 0, dump(run)
    msg = run.task("t")["msg"]
    assert "requested for the global cloud" in msg and words in msg and GCC_HIGH in msg, msg
    assert not sb.writes()


def test_the_same_customer_with_its_cloud_works(sb, gcc_high_customer):
    run = sb.play("""
        - name: t
          csp.exchange.exo_command: {tenant: %s, cmdlet: Get-OrganizationConfig, cloud: %s}
    """ % (gcc_high_customer, GCC_HIGH))
    assert run.rc == 0, dump(run)
