"""The sandbox binds parameters the way Microsoft's cmdlet reference (MicrosoftDocs/office-docs-powershell, as the
collection's catalog) says Exchange Online does: a parameter the cmdlet lacks there, or one that exists only
on-premises, names from different parameter sets, or a missing mandatory parameter get the service's 400."""
import pytest

from tests.sandbox.exchange.engine import REGISTRY
from tests.sandbox.exchange.reference import CATALOG

from .exchange_http import detail_type, invoke
from .exchange_org import build, exception_of, fails
from .helpers import CONTOSO

AMBIGUOUS = "Microsoft.Exchange.AdminApi.CommandInvocation.AmbiguousParameterSetException"
BINDING = "System.Management.Automation.ParameterBindingException"


@pytest.fixture
def token(fresh_sandbox):
    return fresh_sandbox.access_token(CONTOSO, "exchange")


def test_every_emulated_cmdlet_and_parameter_is_in_microsofts_reference():
    cmdlets = sorted(REGISTRY.values(), key=lambda c: c.name)
    missing = [c.name for c in cmdlets if not CATALOG.knows(c.name)]
    assert not missing, "cmdlets the sandbox emulates but Exchange Online lacks: %s" % missing
    wrong = dict((c.name, CATALOG.unknown(c.name, list(c.parameters.values()))) for c in cmdlets)
    assert not any(wrong.values()), "parameters Exchange Online lacks: %s" % dict((k, v) for k, v in wrong.items() if v)
    print("%d emulated cmdlets, %d parameters, all in %s@%s" % (
        len(cmdlets), sum(len(c.parameters) for c in cmdlets), CATALOG.source["repository"], CATALOG.commit))


def test_get_remote_domain_refuses_filter_with_the_real_400(fresh_sandbox, token):
    """Get-RemoteDomain takes only Identity and ResultSize in Exchange Online; -Filter is refused as the service
    refuses any parameter it does not know (format 2 of the error detail: empty string id)."""
    refused = invoke(fresh_sandbox, "Get-RemoteDomain", token, Filter="DomainName -ne 'partner.example'")
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "BadRequest"
    message = refused.json()["error"]["details"][0]["message"]
    assert message.startswith("|%s|Parameter set cannot be resolved" % AMBIGUOUS) and message.endswith("Filter")
    every = invoke(fresh_sandbox, "Get-RemoteDomain", token)
    assert every.status_code == 200 and [r["Name"] for r in every.json()["value"]] == ["Default"]


def test_on_premises_parameters_and_parameter_sets_are_refused(fresh_sandbox, token):
    on_premises = invoke(fresh_sandbox, "Get-RemoteDomain", token, DomainController="dc01.contoso.com")
    assert on_premises.status_code == 400 and detail_type(on_premises) == AMBIGUOUS
    apart = invoke(fresh_sandbox, "Get-Mailbox", token, Identity="admin", Anr="adm")       # two parameter sets
    assert apart.status_code == 400 and detail_type(apart) == AMBIGUOUS


def test_missing_mandatory_parameters_are_refused(fresh_sandbox, token):
    missing = invoke(fresh_sandbox, "Set-Mailbox", token, ProhibitSendQuota="49GB")
    assert missing.status_code == 400 and detail_type(missing) == BINDING
    assert missing.json()["error"]["details"][0]["message"].endswith("missing mandatory parameters: Identity.")
    org = build({})
    error = fails(org, "New-DkimSigningConfig", DomainName="contoso.com")          # -Enabled is mandatory
    assert exception_of(error) == BINDING and "Enabled" in error.text


def test_a_parameter_the_service_takes_but_the_sandbox_does_not_model_is_never_ignored():
    org = build({})
    error = fails(org, "Set-Mailbox", Identity="admin", MailTip="Out of office")
    assert error.status == 400 and exception_of(error) == "Sandbox.ParameterNotEmulatedException"
    assert "MailTip" in error.text
