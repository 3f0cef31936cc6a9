# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""What Graph and Partner Center calls share: JSON in and out, a bearer token for one service and tenant, and an
answer outside the expected statuses turned into the service's own error."""


class JsonService:
    """``service`` names the token (``graph``, ``partner_center``); ``tenant`` is where it is redeemed."""

    service = None

    def __init__(self, transport, tokens, endpoints, tenant):
        self.transport = transport
        self.tokens = tokens
        self.endpoints = endpoints
        self.tenant = tenant

    def _send(self, method, url, action, body=None, headers=None, ok=(200, 201, 204), idempotent=True):
        """One call with the transport's retries; returns (status, decoded JSON or None) for a status in ``ok``
        and raises the service's error (``_error(response, action)``) for any other."""
        sent = {"Accept": "application/json"}
        sent.update(headers or {})
        if body is not None:
            sent["Content-Type"] = "application/json"
        response = self.transport.request(method, url, headers=sent, body=body,
                                          auth=self.tokens.bearer(self.service, self.tenant), idempotent=idempotent,
                                          is_final=self._is_final, what=self._what(action))
        if response.status not in ok:
            raise self._error(response, action)
        return response.status, response.json()

    # A 401 that no fresh token can change (the service names what the user must do): None, or a predicate.
    _is_final = None

    def _what(self, action):
        raise NotImplementedError

    def _error(self, response, action):
        raise NotImplementedError
