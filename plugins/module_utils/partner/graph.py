# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Thin Microsoft Graph client for one customer tenant: JSON calls and ``@odata.nextLink`` paging."""

from urllib.parse import urlencode

from ..errors import ServiceError
from .errors import graph_error
from .rest import JsonService


class GraphClient(JsonService):
    service = "graph"

    def call(self, method, path, body=None, params=None, ok=(200, 201, 204), url=None):
        """One call; returns (status, decoded JSON or None). Statuses in ``ok`` are returned, others raise.

        Graph writes used here are safe to resend (a duplicate create answers 409, a repeated delete 404,
        PATCH sets absolute values), so they are retried like reads; callers list 409/404 in ``ok``.
        """
        if url is None:
            url = self.endpoints.graph_url(path) + ("?" + urlencode(params) if params else "")
        return self._send(method, url, "%s %s" % (method, path or url), body=body, ok=ok)

    def _what(self, action):
        return "Graph %s in tenant %s" % (action, self.tenant)

    def _error(self, response, action):
        return graph_error(response, action, self.tenant, self.endpoints.cloud_hint("graph"))

    def list(self, path, params=None):
        """All items of a collection, following ``@odata.nextLink``."""
        items = []
        status, page = self.call("GET", path, params=params, ok=(200,))
        while True:
            items.extend((page or {}).get("value") or [])
            next_link = (page or {}).get("@odata.nextLink")
            if not next_link:
                return items
            status, page = self.call("GET", path, url=self._rebase(next_link), ok=(200,))

    def _rebase(self, link):
        """nextLinks name the real Graph host; keep the configured base (proxy, sovereign override, sandbox)."""
        marker = "/v1.0/"
        index = link.find(marker)
        if index < 0:
            raise ServiceError("Microsoft Graph answered a next-page link that is not a v1.0 path (%s); it was not "
                               "followed, since the request would carry the token elsewhere." % link.split("?")[0][:200])
        return self.endpoints.graph_url(link[index + len(marker):])
