"""Listing customers from Partner Center and GDAP over a fake transport: paging, mapping, errors."""
import json

import pytest

from ansible_collections.csp.exchange.plugins.module_utils.partner.customers import list_customers, validate_page_size
from ansible_collections.csp.exchange.plugins.module_utils.endpoints import Endpoints
from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError, ServiceError
from ansible_collections.csp.exchange.plugins.module_utils.partner.graph import GraphClient
from ansible_collections.csp.exchange.plugins.module_utils.partner.partner_center import PartnerCenterClient
from ansible_collections.csp.exchange.plugins.module_utils.http.session import HttpResponse

from ..answers import header_map

PARTNER = "11111111-1111-1111-1111-111111111111"
BASE = "https://127.0.0.1:9"
ENDPOINTS = Endpoints("global", {"graph": BASE, "partner_center": BASE})


class FakeTransport:
    def __init__(self, answers):
        self.answers = list(answers)
        self.calls = []

    def request(self, method, url, headers=None, body=None, auth=None, idempotent=True, is_final=None, what=""):
        self.calls.append(dict(method=method, url=url, headers=dict(headers or {}), token=auth(False)))
        status, doc = self.answers.pop(0)
        return HttpResponse(status, header_map({}), json.dumps(doc).encode())


class FakeTokens:
    def bearer(self, service, tenant):
        return lambda force: "%s@%s" % (service, tenant)


def pc_customer(tenant_id, name, domain, relationship="reseller"):
    return {"id": tenant_id, "relationshipToPartner": relationship, "attributes": {"objectType": "Customer"},
            "companyProfile": {"tenantId": tenant_id, "domain": domain, "companyName": name}}


def pc_page(items, token=None):
    doc = {"totalCount": len(items), "items": items, "attributes": {"objectType": "Collection"}, "links": {}}
    if token:
        doc["continuationToken"] = token
        doc["links"]["next"] = {"uri": "/v1/customers?size=2&seekOperation=Next", "method": "GET",
                                "headers": [{"key": "MS-ContinuationToken", "value": token}]}
    return doc


def partner_center(answers):
    transport = FakeTransport(answers)
    return PartnerCenterClient(transport, FakeTokens(), ENDPOINTS, PARTNER), transport


def graph(answers):
    transport = FakeTransport(answers)
    return GraphClient(transport, FakeTokens(), ENDPOINTS, PARTNER), transport


def test_partner_center_follows_continuation_pages_and_maps_customers():
    client, transport = partner_center([
        (200, pc_page([pc_customer("AAAAAAAA-0000-0000-0000-000000000001", "Contoso", "Contoso.com"),
                       pc_customer("aaaaaaaa-0000-0000-0000-000000000002", "Fabrikam", "fabrikam.com", "advisor")],
                      token="t1")),
        (200, pc_page([pc_customer("aaaaaaaa-0000-0000-0000-000000000003", "Tailspin", None)], token="t2")),
        (200, pc_page([])),
    ])
    customers = list_customers("partner_center", partner_center=client, page_size=2)
    assert customers == [
        {"tenant_id": "aaaaaaaa-0000-0000-0000-000000000001", "name": "Contoso", "default_domain": "contoso.com",
         "relationship": "reseller"},
        {"tenant_id": "aaaaaaaa-0000-0000-0000-000000000002", "name": "Fabrikam", "default_domain": "fabrikam.com",
         "relationship": "advisor"},
        {"tenant_id": "aaaaaaaa-0000-0000-0000-000000000003", "name": "Tailspin", "default_domain": None,
         "relationship": "reseller"},
    ]
    first, second, third = transport.calls
    assert first["url"] == BASE + "/v1/customers?size=2" and "MS-ContinuationToken" not in first["headers"]
    assert second["url"] == BASE + "/v1/customers?size=2&seekOperation=Next"
    assert second["headers"]["MS-ContinuationToken"] == "t1" and third["headers"]["MS-ContinuationToken"] == "t2"
    assert all(c["token"] == "partner_center@" + PARTNER for c in transport.calls)


def test_a_customer_repeated_across_pages_is_listed_once_and_one_without_tenant_is_dropped():
    tid = "aaaaaaaa-0000-0000-0000-000000000001"
    client, dummy = partner_center([
        (200, pc_page([pc_customer(tid, "Contoso", "contoso.com"), {"companyProfile": {"companyName": "Ghost"}}],
                      token="t1")),
        (200, pc_page([pc_customer(tid.upper(), "Contoso", "contoso.com")])),
    ])
    assert [c["tenant_id"] for c in list_customers("partner_center", partner_center=client)] == [tid]


def test_gdap_follows_next_links_on_the_configured_host_and_has_no_domain():
    client, transport = graph([
        (200, {"value": [{"id": "bbbbbbbb-0000-0000-0000-000000000001", "tenantId": "bbbbbbbb-0000-0000-0000-000000000001",
                          "displayName": "Contoso"}],
               "@odata.nextLink": "https://graph.microsoft.com/v1.0/tenantRelationships/delegatedAdminCustomers"
                                  "?%24top=1&%24skiptoken=MQ"}),
        (200, {"value": [{"id": "bbbbbbbb-0000-0000-0000-000000000002", "displayName": "Fabrikam"}]}),
    ])
    customers = list_customers("gdap", graph=client, page_size=1)
    assert customers == [
        {"tenant_id": "bbbbbbbb-0000-0000-0000-000000000001", "name": "Contoso", "default_domain": None,
         "relationship": "gdap"},
        {"tenant_id": "bbbbbbbb-0000-0000-0000-000000000002", "name": "Fabrikam", "default_domain": None,
         "relationship": "gdap"},
    ]
    first, second = transport.calls
    assert first["url"] == BASE + "/v1.0/tenantRelationships/delegatedAdminCustomers?%24top=1"
    assert second["url"] == BASE + "/v1.0/tenantRelationships/delegatedAdminCustomers?%24top=1&%24skiptoken=MQ"
    assert first["token"] == "graph@" + PARTNER


def test_a_service_error_carries_one_readable_sentence():
    client, dummy = graph([(403, {"error": {"code": "Authorization_RequestDenied", "message": "Insufficient privileges."}})])
    with pytest.raises(ServiceError) as info:
        list_customers("gdap", graph=client)
    assert "HTTP 403" in info.value.message and "Insufficient privileges" in info.value.message


@pytest.mark.parametrize("size", [0, 301, -1])
def test_page_size_out_of_range_is_refused(size):
    with pytest.raises(InvalidInputError, match="page_size must be between 1 and 300"):
        validate_page_size(size)


def test_unknown_source_is_refused():
    with pytest.raises(InvalidInputError, match="source must be one of partner_center, gdap"):
        list_customers("csv")
