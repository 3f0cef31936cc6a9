"""The composition root: the same checks for modules and controller plugins, before any request."""
import pytest

from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.redact import Redactor
from ansible_collections.csp.exchange.plugins.module_utils.clients import Clients, parse_endpoints

BASE = dict(partner_tenant="Northwind.onmicrosoft.com", client_id="33333333-3333-3333-3333-333333333333",
            client_secret="sandbox-client-secret", client_certificate_path=None, refresh_token="0.AAAA-refresh",
            auth_mode="auto", cloud="global", endpoints=None, ca_path=None, validate_certs=True, timeout=60,
            max_retries=10)


def connect(warn=None, **changes):
    return Clients.for_partner(dict(BASE, **changes), Redactor(), warn=warn)


def test_endpoints_from_json_text_or_a_dict():
    assert parse_endpoints('{"graph": "https://127.0.0.1:1"}') == {"graph": "https://127.0.0.1:1"}
    assert parse_endpoints({"graph": "https://x"}) == {"graph": "https://x"}
    assert parse_endpoints("") is None and parse_endpoints(None) is None


@pytest.mark.parametrize("value, message", [("{not json", "not valid JSON"), ('["https://x"]', "must be a mapping")])
def test_bad_endpoints_are_refused(value, message):
    with pytest.raises(InvalidInputError, match=message):
        parse_endpoints(value)


def test_clients_address_the_partner_tenant_through_the_overridden_hosts():
    connection = connect(endpoints='{"graph": "https://127.0.0.1:1", "partner_center": "https://127.0.0.1:2"}')
    assert connection.partner_tenant == "northwind.onmicrosoft.com"
    assert connection.graph().tenant == connection.partner_center().partner_tenant == "northwind.onmicrosoft.com"
    assert connection.endpoints.graph_url("x") == "https://127.0.0.1:1/v1.0/x"
    assert connection.tokens.mode == "delegated"


@pytest.mark.parametrize("changes, message", [
    (dict(partner_tenant=None), "partner_tenant is required"),
    (dict(partner_tenant="not a tenant"), "neither a tenant GUID nor a domain"),
    (dict(timeout=0), "timeout must be a positive number"),
    (dict(max_retries=-1), "max_retries must be 0 or more"),
    (dict(client_certificate_path="/x.pem"), "not both"),
    (dict(endpoints={"graph": "http://plain"}), "must be an https:// URL"),
    (dict(client_id=None), "set client_id"),
    (dict(auth_mode="delegated", refresh_token=None), "refresh_token"),
])
def test_bad_options_fail_before_any_request(changes, message):
    with pytest.raises(InvalidInputError, match=message):
        connect(**changes)


def test_disabled_certificate_checks_warn():
    warnings = []
    connect(warn=warnings.append, validate_certs=False)
    assert len(warnings) == 1 and "validate_certs is false" in warnings[0]
