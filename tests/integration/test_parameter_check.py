"""The modules refuse a parameter the cmdlet does not take in Exchange Online before any request, in check mode too,
naming the cmdlet and the nearest valid names (Microsoft's cmdlet reference, shipped as the collection's catalog);
the sandbox's request log proves nothing was sent. A cmdlet the reference does not know passes, with a warning."""
from tests.integration.conftest import dump


def statuses(run):
    return dict((e["task"], e["status"]) for e in run.results)


def test_a_misspelt_property_fails_in_check_mode_with_no_request_sent(sb):
    sb.sandbox.log.clear()
    run = sb.play("""
        - name: settings
          csp.exchange.exo_settings:
            tenant: contoso.com
            object: Mailbox
            filter: "RecipientTypeDetails -eq 'UserMailbox'"
            settings: {ProhibitSendQuta: 49GB, SingleItemRecoveryEnabled: true}
          ignore_errors: true
        - name: object
          csp.exchange.exo_object:
            tenant: contoso.com
            object: RemoteDomain
            identity: Partner
            settings: {AutoForwardEnabled: false}
            create_parameters: {DomainNam: partner.example}
          ignore_errors: true
        - name: command
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: Get-RemoteDomain
            parameters: {Filter: "DomainName -ne 'partner.example'"}
          ignore_errors: true
    """, check=True)
    assert statuses(run) == {"settings": "failed", "object": "failed", "command": "failed"}, dump(run)
    message = run.task("settings")["msg"]
    assert message.startswith("Set-Mailbox takes no property ProhibitSendQuta (nearest valid: ProhibitSendQuota"), \
        message
    assert "New-RemoteDomain takes no parameter DomainNam (nearest valid: DomainName)" in run.task("object")["msg"]
    assert run.task("command")["msg"].startswith("Get-RemoteDomain takes no parameter Filter (no similar name)")
    assert sb.log() == [], sb.log()                        # no token request, no Exchange request


def test_a_cmdlet_the_reference_does_not_know_passes_with_a_warning_in_check_mode(sb):
    run = sb.play("""
        - name: command
          csp.exchange.exo_command:
            tenant: contoso.com
            cmdlet: Set-FutureThing
            parameters: {Identity: x, Anything: true}
    """, check=True)
    assert run.rc == 0, dump(run)
    warnings = run.task("command")["warnings"]
    assert any("Set-FutureThing is not in Microsoft's cmdlet reference" in w for w in warnings), warnings
    assert not [e for e in sb.log(service="exchange") if "Set-FutureThing" in e["cmdlets"]]
