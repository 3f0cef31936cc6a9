"""tenant_initial_domain: Graph isInitial, never the suffix; Exchange as the alternative source."""
from tests.integration.conftest import CONTOSO, FABRIKAM, dump


def test_graph_flag_beats_a_routing_domain_listed_first(sb):
    run = sb.play("""
        - name: domains
          csp.exchange.tenant_initial_domain: {tenant: fabrikam.com, source: graph}
    """, check=True)
    assert run.rc == 0, dump(run)
    result = run.task("domains")
    assert result["domains"][0] == "fabrikam.mail.onmicrosoft.com"
    assert result["initial_domain"] == "fabrikam.onmicrosoft.com"
    assert result["default_domain"] == "fabrikam.com"
    assert result["tenant_id"] == FABRIKAM and result["source"] == "graph" and not result["changed"]
    assert any("/v1.0/domains" in e["path"] and "filter" not in e["query"] for e in sb.log(service="graph"))


def test_exchange_source_uses_the_organization_name(sb):
    run = sb.play("""
        - name: domains
          csp.exchange.tenant_initial_domain: {tenant: contoso.com, source: exchange}
    """)
    assert run.rc == 0, dump(run)
    result = run.task("domains")
    assert result["initial_domain"] == "contoso.onmicrosoft.com" and result["tenant_id"] == CONTOSO
    assert "contoso.com" in result["domains"] and result["source"] == "exchange"
