"""exo_consent: Graph grants and Partner Center consents, check mode, diff, idempotence."""
from tests.integration.conftest import CONTOSO, TAILSPIN, dump

GRAPH_APP = "00000003-0000-0000-c000-000000000000"


def test_missing_exchange_manage_is_added_once(sb):
    task = """
        - name: consent
          csp.exchange.exo_consent: {tenant: tailspintoys.com}
    """
    check = sb.play(task, check=True, diff=True)
    assert check.rc == 0, dump(check)
    result = check.task("consent")
    assert result["changed"] and result["scopes_before"] == [] and result["scopes_after"] == ["Exchange.Manage"]
    assert result["diff"]["after"] == {"scopes": ["Exchange.Manage"]}
    assert sb.writes() == [] and sb.scopes(TAILSPIN) == []

    applied = sb.play(task)
    assert applied.rc == 0, dump(applied)
    assert applied.task("consent")["changed"] and applied.task("consent")["method"] == "graph"
    assert sb.scopes(TAILSPIN) == ["Exchange.Manage"]
    graph_scopes_before = sb.scopes(TAILSPIN, GRAPH_APP)

    again = sb.play(task + """
        - name: exchange works now
          csp.exchange.exo_command: {tenant: tailspintoys.com, cmdlet: Get-OrganizationConfig, select: [Name]}
    """)
    assert again.rc == 0, dump(again)
    assert not again.task("consent")["changed"] and again.task("consent")["method"] == "none"
    assert again.task("exchange works now")["result"][0]["Name"] == "tailspintoys.onmicrosoft.com"
    assert sb.scopes(TAILSPIN, GRAPH_APP) == graph_scopes_before


def test_absent_removes_only_the_named_scope(sb):
    run = sb.play("""
        - name: add
          csp.exchange.exo_consent: {tenant: %s, scopes: [EWS.AccessAsUser.All], method: graph}
        - name: remove
          csp.exchange.exo_consent: {tenant: %s, scopes: [EWS.AccessAsUser.All], state: absent}
    """ % (CONTOSO, CONTOSO))
    assert run.rc == 0, dump(run)
    assert run.task("add")["scopes_after"] == ["EWS.AccessAsUser.All", "Exchange.Manage"]
    assert run.task("remove")["scopes_after"] == ["Exchange.Manage"]
    assert sb.scopes(CONTOSO) == ["Exchange.Manage"]


def test_partner_center_never_deletes_what_graph_can_change(sb):
    """The app is installed (Graph grants only): Partner Center is not called; Graph adds the Exchange grant."""
    graph_before = sb.scopes(TAILSPIN, GRAPH_APP)
    run = sb.play("""
        - name: consent
          csp.exchange.exo_consent: {tenant: %s, method: partner_center}
    """ % TAILSPIN)
    assert run.rc == 0, dump(run)
    assert run.task("consent")["method"] == "graph"
    assert sb.log(service="partner_center") == [] and not [e for e in sb.writes() if e["method"] == "DELETE"]
    assert sb.scopes(TAILSPIN) == ["Exchange.Manage"] and sb.scopes(TAILSPIN, GRAPH_APP) == graph_before
