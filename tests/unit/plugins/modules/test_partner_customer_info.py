"""partner_customer_info's choice of client per source (the listing itself is tested in module_utils)."""
import pytest

from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.modules import partner_customer_info

PARTNER = "11111111-1111-1111-1111-111111111111"


class FakeModule:
    def __init__(self, **params):
        self.params = dict(dict(source="partner_center", page_size=100, partner_tenant=PARTNER), **params)
        self.graph_tenants = []

    def partner_center(self):
        return "pc-client"

    def graph(self, tenant=None):
        self.graph_tenants.append(tenant)
        return "graph-client"


@pytest.fixture
def calls(monkeypatch):
    seen = []

    def fake_list(source, partner_center=None, graph=None, page_size=100):
        seen.append((source, partner_center or graph, page_size))
        return [{"tenant_id": "t"}]

    monkeypatch.setattr(partner_customer_info, "list_customers", fake_list)
    return seen


def test_partner_center_is_the_default(calls):
    assert partner_customer_info.main_logic(FakeModule()) == {"customers": [{"tenant_id": "t"}]}
    assert calls == [("partner_center", "pc-client", 100)]


def test_gdap_reads_graph_at_the_partner_tenant(calls):
    module = FakeModule(source="gdap", page_size=5, partner_tenant="Northwind.onmicrosoft.com")
    partner_customer_info.main_logic(module)
    assert calls == [("gdap", "graph-client", 5)] and module.graph_tenants == ["northwind.onmicrosoft.com"]


def test_gdap_needs_the_partner_tenant(calls):
    with pytest.raises(InvalidInputError, match="partner_tenant is required"):
        partner_customer_info.main_logic(FakeModule(source="gdap", partner_tenant=None))


def test_page_size_is_checked_before_any_call(calls):
    with pytest.raises(InvalidInputError, match="page_size"):
        partner_customer_info.main_logic(FakeModule(page_size=0))
    assert calls == []
