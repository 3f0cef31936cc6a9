# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Thin Partner Center client (partner tenant): customers with continuation paging, application consents.

Every request carries two ids (Partner Center developer docs, "Partner Center REST and response headers"):
``MS-RequestId``, "used to ensure idempotency: if there's a timeout, the retry call should include the same value",
made once per logical call and kept by the transport across its retries; and ``MS-CorrelationId``, one per module
run here, so Microsoft support can find every call of the run in its logs.
"""

import uuid

from .errors import is_mfa_required, partner_center_error
from .rest import JsonService


class PartnerCenterClient(JsonService):
    """Partner Center calls are made in the partner tenant (``partner_tenant``)."""

    service = "partner_center"

    def __init__(self, transport, tokens, endpoints, tenant, correlation_id=None):
        super(PartnerCenterClient, self).__init__(transport, tokens, endpoints, tenant)
        self.correlation_id = correlation_id or str(uuid.uuid4())

    @property
    def partner_tenant(self):
        return self.tenant

    def call(self, method, path, body=None, headers=None, ok=(200, 201, 204), idempotent=True):
        url = path if path.startswith("https://") else self.endpoints.partner_center_url(path)
        sent = {"MS-RequestId": str(uuid.uuid4()), "MS-CorrelationId": self.correlation_id}
        sent.update(headers or {})
        return self._send(method, url, "%s %s" % (method, path), body=body, headers=sent, ok=ok,
                          idempotent=idempotent)

    def _is_final(self, response):
        # A token without the MFA claim gets the same answer however fresh it is: one request, then the sentence.
        return is_mfa_required(response)

    def _what(self, action):
        return "Partner Center %s" % action

    def _error(self, response, action):
        return partner_center_error(response, action)

    def customers(self, page_size=100):
        """Yield every customer, following ``links.next`` with its ``MS-ContinuationToken`` header."""
        status, page = self.call("GET", "customers?size=%d" % page_size, ok=(200,))
        while True:
            yield from (page or {}).get("items") or []
            link = ((page or {}).get("links") or {}).get("next")
            if not link:
                return
            headers = dict((h["key"], h["value"]) for h in link.get("headers") or [])
            if "MS-ContinuationToken" not in headers and page.get("continuationToken"):
                headers["MS-ContinuationToken"] = page["continuationToken"]
            status, page = self.call("GET", link["uri"].lstrip("/").split("v1/", 1)[-1], headers=headers, ok=(200,))

    def create_consent(self, customer, application_id, display_name, grants):
        """POST an application consent. Returns True when created, False when one already existed (409).

        Its ``MS-RequestId`` is Partner Center's documented idempotency key, kept across the transport's retries, so
        an answer of 429, 503 or 504 (or a lost one) is retried with the same id, which Partner Center treats as the
        same request. Should a retry still meet the consent its first attempt made, the answer is 409, which the
        caller handles like any existing consent: it reads the tenant and continues through Graph."""
        body = {"applicationId": application_id, "displayName": display_name,
                "applicationGrants": [{"enterpriseApplicationId": g["resource_app_id"],
                                       "scope": ",".join(g["scopes"])} for g in grants]}
        status, doc = self.call("POST", "customers/%s/applicationconsents" % customer, body=body, ok=(200, 201, 409))
        return status != 409

    def delete_consent(self, customer, application_id):
        """DELETE an application consent; a consent already gone (404) counts as deleted."""
        self.call("DELETE", "customers/%s/applicationconsents/%s" % (customer, application_id), ok=(200, 204, 404))
