# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Thin client for Exchange Online's admin REST API (``/adminapi/beta/{tenant}/InvokeCommand`` and ``$batch``).

Pages are followed by POSTing the same body and headers to ``@odata.nextLink`` with a byte-identical
``X-AnchorMailbox``: the cursor is bound to the backend that served page 1.
"""

import json
import re
from concurrent.futures import ThreadPoolExecutor

from ..errors import CspError, NotFoundError, OutcomeUnknownError, ServiceError
from .errors import parse_error
from ..http.retry import parse_retry_after
from .cmdlets import is_idempotent, is_throttled


SYSTEM_MAILBOX = "SystemMailbox{bb558c35-97f1-4cb9-8ff7-d53741dc928c}"
# Cmdlets that run only when anchored on another system mailbox (CIPP-API New-ExoRequest.ps1).
CMDLET_ANCHORS = {"set-adminauditlogconfig": "SystemMailbox{8cc370d3-822a-4ab8-a926-bb94bd0641a9}"}
# OPATH parameters: PowerShell would expand $true/$false there; the service needs the literal (the V3 module's
# parameter transformation does the same).
FILTER_PARAMETERS = frozenset(["filter", "recipientfilter"])
_UNQUOTED_BOOLEAN = re.compile(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")|\$(true|false)\b", re.I)
MAX_PAGE_SIZE = 1000
MAX_BATCH = 10
PAGING_WARNING = "There are more results available than are currently displayed"
NO_CHANGE_WARNING = "completed successfully but no settings of"


def strip_annotations(row):
    """Drop OData annotations (``X@odata.type``, ``X@data.type``, ``@odata.*``) from one result object."""
    return dict((k, v) for k, v in row.items() if "@" not in k)


def opath(text):
    """An OPATH filter as the service takes it: unquoted ``$true``/``$false`` become ``'True'``/``'False'``;
    quoted strings are left alone."""
    return _UNQUOTED_BOOLEAN.sub(lambda m: m.group(1) or "'%s'" % m.group(2).capitalize(), text)


def encode_parameters(parameters):
    """Cmdlet parameters as sent: OPATH filters rewritten, everything else as given."""
    return dict((k, opath(v) if k.lower() in FILTER_PARAMETERS and isinstance(v, str) else v)
                for k, v in (parameters or {}).items())


class ExchangeResult:
    def __init__(self, rows, warnings):
        self.rows = rows
        self.warnings = warnings

    @property
    def no_change(self):
        """Exchange's own word that a Set changed nothing."""
        return any(NO_CHANGE_WARNING in w for w in self.warnings)


class ExchangeClient:
    """Runs cmdlets in one tenant. ``segment`` is the tenant as it appears in the URL (GUID or initial domain);
    ``token_tenant`` is where tokens are redeemed."""

    def __init__(self, transport, tokens, endpoints, segment, token_tenant=None, page_size=MAX_PAGE_SIZE):
        self.transport = transport
        self.tokens = tokens
        self.endpoints = endpoints
        self.segment = segment
        self.token_tenant = token_tenant or segment
        self.page_size = max(1, min(MAX_PAGE_SIZE, int(page_size)))

    def default_anchor(self, cmdlet=None):
        mailbox = CMDLET_ANCHORS.get(str(cmdlet).lower(), SYSTEM_MAILBOX)
        return "APP:%s@%s" % (mailbox, self.segment)

    def _headers(self, anchor, cmdlet=None):
        return {"Content-Type": "application/json; charset=utf-8", "Accept": "application/json",
                "X-AnchorMailbox": anchor or self.default_anchor(cmdlet), "X-ResponseFormat": "json",
                "Prefer": "odata.maxpagesize=%d" % self.page_size}

    def _url(self, action, select=None):
        url = self.endpoints.exchange_url(self.segment, action)
        return url + ("?$select=%s" % ",".join(select) if select else "")

    def _post(self, url, body, headers, cmdlet, idempotent):
        """(decoded answer, whether an earlier attempt of this call may already have been executed)."""
        what = "%s in tenant %s" % (cmdlet, self.token_tenant)
        response = self.transport.request("POST", url, headers=headers, body=body, idempotent=idempotent,
                                          auth=self.tokens.bearer("exchange", self.token_tenant),
                                          is_transient=lambda r: parse_error(r.status, r.body).is_transient,
                                          is_throttled=is_throttled,
                                          what=what)
        if response.status >= 400:
            raise self._error(response.status, response.body, cmdlet)
        doc = response.json()
        if not isinstance(doc, dict):
            # Every answer of InvokeCommand and $batch is a JSON object (at least {"value": []}): anything else is
            # not Exchange (a sign-in page, a gateway) and proves nothing ran.
            raise ServiceError("%s got HTTP %s without Exchange's JSON answer (%s), so whether it ran is unknown; check "
                               "the endpoints option and any proxy or gateway in between."
                               % (what, response.status, (response.headers.get("Content-Type") or "no content type")),
                               status=response.status)
        return doc, response.maybe_applied_before

    def _outcome_unknown(self, cmdlet, reason, parameters=None):
        noun = cmdlet.split("-", 1)[-1]
        identity = next((v for k, v in (parameters or {}).items() if k.lower() == "identity"), None)
        target = " for %s" % identity if identity is not None else ""
        check = "Get-%s%s" % (noun, " -Identity '%s'" % identity if identity is not None else "")
        text = ("%s%s in tenant %s may or may not have been applied (%s), so it was not resent; check with %s in "
                "tenant %s before running it again.") % (cmdlet, target, self.token_tenant, reason, check,
                                                         self.token_tenant)
        return OutcomeUnknownError(text, tenant=self.token_tenant, cmdlet=cmdlet)

    def _chunk_failure(self, exc, cmdlet, params):
        """One object's outcome when the ``$batch`` request carrying it failed as a whole."""
        if isinstance(exc, OutcomeUnknownError):
            return self._outcome_unknown(cmdlet, "the $batch request carrying it: %s"
                                         % getattr(exc, "reason", "got no answer"), params)
        return exc

    def _error(self, status, body, cmdlet):
        info = parse_error(status, body)
        if status == 401 and getattr(self.tokens, "mode", None) == "app_only":
            text = ("Exchange Online rejected the app-only token for %s in tenant %s (HTTP 401): the partner app's "
                    "service principal there lacks the Exchange.ManageAsApp application permission (admin consent) "
                    "or an Entra directory role such as Exchange Administrator. %s"
                    % (cmdlet, self.token_tenant, self.endpoints.cloud_hint("exchange").rstrip(".")))
        elif status == 401:
            text = ("Exchange Online rejected the token for %s in tenant %s (HTTP 401): the partner app lacks the "
                    "delegated Exchange.Manage permission there (run csp.exchange.exo_consent), or the partner user "
                    "lacks an Exchange admin role through GDAP. %s"
                    % (cmdlet, self.token_tenant, self.endpoints.cloud_hint("exchange").rstrip(".")))
        else:
            kind = info.short_type or info.code or "HTTP %s" % status
            text = "Exchange Online failed %s in tenant %s (%s): %s" % (
                cmdlet, self.token_tenant, kind, (info.text or "no details").strip().rstrip("."))
        cls = NotFoundError if info.is_not_found else ServiceError
        return cls(text + ".", status=status, code=info.code, exception_type=info.exception_type)

    def pages(self, cmdlet, parameters=None, select=None, result_size=None, anchor=None):
        """Yield (rows, warnings) per page. ``result_size`` None means all rows (Unlimited)."""
        params = encode_parameters(parameters)
        if result_size is not None and not any(k.lower() == "resultsize" for k in params):
            params["ResultSize"] = result_size
        body = {"CmdletInput": {"CmdletName": cmdlet, "Parameters": params}}
        headers = self._headers(anchor, cmdlet)
        idempotent = is_idempotent(cmdlet, params)
        url = self._url("InvokeCommand", select)
        returned = 0
        while url:
            try:
                doc, retried = self._post(url, body, headers, cmdlet, idempotent)
            except OutcomeUnknownError as exc:
                raise self._outcome_unknown(cmdlet, getattr(exc, "reason", exc.message), params)
            rows = [strip_annotations(r) for r in (doc.get("value") or [])]
            warnings = [w for w in (doc.get("@adminapi.warnings") or []) if PAGING_WARNING not in w
                        and not (retried and NO_CHANGE_WARNING in w)]
            returned += len(rows)
            yield rows, warnings
            next_link = doc.get("@odata.nextLink")
            if not next_link or (result_size is not None and returned >= result_size):
                return
            url = self._rebase(next_link)

    def invoke(self, cmdlet, parameters=None, select=None, result_size=None, anchor=None):
        rows, warnings = [], []
        for page_rows, page_warnings in self.pages(cmdlet, parameters, select, result_size, anchor):
            rows.extend(page_rows)
            warnings.extend(w for w in page_warnings if w not in warnings)
        return ExchangeResult(rows, warnings)

    def batch(self, calls, anchor=None, select=None, concurrency=1):
        """Run ``[(cmdlet, parameters)]`` through ``$batch``, ten per request and up to ``concurrency`` requests in
        flight. Returns, in order, an ExchangeResult or a ServiceError per call: one failed object never hides the
        others. Items that failed transiently or were throttled are retried alone (non-idempotent ones only when
        throttled, i.e. not executed)."""
        starts = list(range(0, len(calls), MAX_BATCH))
        if concurrency <= 1 or len(starts) <= 1:
            chunks = [self._batch_chunk(calls[start:start + MAX_BATCH], anchor, select) for start in starts]
        else:
            with ThreadPoolExecutor(max_workers=min(concurrency, len(starts))) as pool:
                chunks = list(pool.map(lambda start: self._batch_chunk(calls[start:start + MAX_BATCH], anchor, select),
                                       starts))
        return [outcome for chunk in chunks for outcome in chunk]

    def _batch_chunk(self, chunk, anchor, select):
        """One ``$batch`` request of at most MAX_BATCH calls; an outcome per call."""
        headers = dict(self._headers(anchor), Prefer="odata.continue-on-error")
        body = {"requests": [{"id": str(i), "method": "POST", "url": self._url("InvokeCommand", select),
                              "headers": {"Content-Type": "application/json",
                                          "X-AnchorMailbox": anchor or self.default_anchor(cmdlet)},
                              "body": {"CmdletInput": {"CmdletName": cmdlet,
                                                       "Parameters": encode_parameters(params)}}}
                             for i, (cmdlet, params) in enumerate(chunk)]}
        chunk_idempotent = all(is_idempotent(c, p) for c, p in chunk)
        try:
            doc, retried = self._post(self._url("$batch"), body, headers, "$batch", chunk_idempotent)
        except CspError as exc:
            # The whole request failed (lost answer, retries spent, rejected): each of its objects fails on
            # its own, so the other chunks still run and the caller can say which objects to check.
            return [self._chunk_failure(exc, cmdlet, params) for cmdlet, params in chunk]
        answered = dict((str(item.get("id")), item) for item in doc.get("responses") or [])
        return [self._batch_item(answered.get(str(i)), cmdlet, params, anchor, select, retried=retried)
                for i, (cmdlet, params) in enumerate(chunk)]

    def _batch_item(self, item, cmdlet, params, anchor, select, retried=False):
        status = (item or {}).get("status")
        item_body = (item or {}).get("body") or {}
        if status == 200:
            rows = [strip_annotations(r) for r in (item_body.get("value") or [])]
            # After a lost answer, "no settings modified" may only mean the first attempt already applied it.
            return ExchangeResult(rows, [w for w in item_body.get("@adminapi.warnings") or []
                                         if not (retried and NO_CHANGE_WARNING in w)])
        raw = item_body if isinstance(item_body, bytes) else json.dumps(item_body).encode("utf-8")
        info = parse_error(status or 0, raw)
        throttled = status == 429 or "concurrent requests" in (info.text or "")
        ambiguous = item is None or status in (503, 504) or info.is_transient
        if not (throttled or ambiguous):
            return self._error(status, raw, cmdlet)
        if ambiguous and not throttled and not is_idempotent(cmdlet, params):
            return self._outcome_unknown(cmdlet, "the batch item answered %s" % (status or "nothing"), params)
        pause = parse_retry_after(next((v for k, v in ((item or {}).get("headers") or {}).items()
                                        if k.lower() == "retry-after"), None))
        if pause:
            # The tenant's throttle window is open: every thread of this run waits, not only this item's retry.
            self.transport.hold(self._url("InvokeCommand"), pause, caller_sleeps=False)
        try:
            result = self.invoke(cmdlet, params, select=select, anchor=anchor)
            if ambiguous:       # the failed item may have been applied before the retry found nothing to change
                result.warnings = [w for w in result.warnings if NO_CHANGE_WARNING not in w]
            return result
        except CspError as exc:      # retries exhausted for this object: it fails alone, the others go on
            return exc

    def _rebase(self, link):
        """nextLinks carry the real service host; keep ours (proxy, sovereign override, sandbox). A link that is not
        an admin API path is not followed: the page request carries the token and the cmdlet's parameters."""
        marker = "/adminapi/"
        index = link.find(marker)
        if index < 0:
            raise ServiceError("Exchange Online answered a next-page link that is not an admin API path (%s); it was "
                               "not followed, since the request would carry the token elsewhere." % link.split("?")[0][:200])
        return self.endpoints.base["exchange"] + link[index:]
