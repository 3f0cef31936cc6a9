import pytest

from ansible_collections.csp.exchange.plugins.module_utils.endpoints import CLOUDS, Endpoints


@pytest.mark.parametrize("cloud,exchange,graph,login", [
    ("global", "https://outlook.office365.com", "https://graph.microsoft.com", "https://login.microsoftonline.com"),
    ("usgov_high", "https://outlook.office365.us", "https://graph.microsoft.us", "https://login.microsoftonline.us"),
    ("usgov_dod", "https://outlook-dod.office365.us", "https://dod-graph.microsoft.us", "https://login.microsoftonline.us"),
    ("china", "https://partner.outlook.cn", "https://microsoftgraph.chinacloudapi.cn", "https://login.chinacloudapi.cn"),
])
def test_cloud_hosts_and_scopes(cloud, exchange, graph, login):
    ep = Endpoints(cloud)
    assert ep.scope("exchange") == exchange + "/.default"
    assert ep.scope("graph") == graph + "/.default"
    assert ep.authority("contoso.onmicrosoft.com") == login + "/contoso.onmicrosoft.com"
    assert ep.exchange_url("t", "InvokeCommand") == exchange + "/adminapi/beta/t/InvokeCommand"
    assert ep.graph_url("/domains") == graph + "/v1.0/domains"
    assert not ep.is_overridden


def test_override_moves_traffic_but_not_token_resources():
    ep = Endpoints("global", {"exchange": "https://127.0.0.1:8443/", "login": "https://127.0.0.1:8443"})
    assert ep.exchange_url("g", "$batch") == "https://127.0.0.1:8443/adminapi/beta/g/$batch"
    assert ep.authority("g") == "https://127.0.0.1:8443/g"
    assert ep.scope("exchange") == "https://outlook.office365.com/.default"
    assert ep.partner_center_url("customers") == "https://api.partnercenter.microsoft.com/v1/customers"
    assert ep.is_overridden


@pytest.mark.parametrize("cloud,overrides,fragment", [
    ("mars", None, "cloud must be one of"),
    ("global", {"exchnage": "https://x"}, "unknown keys exchnage"),
    ("global", {"graph": "http://plain"}, "must be an https:// URL"),
])
def test_bad_endpoint_input(cloud, overrides, fragment):
    with pytest.raises(ValueError, match=fragment):
        Endpoints(cloud, overrides)


def test_every_cloud_has_every_service():
    for values in CLOUDS.values():
        assert set(values) >= {"login", "graph", "exchange", "partner_center"}
