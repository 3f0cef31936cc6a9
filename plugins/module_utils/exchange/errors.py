# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Parse Exchange admin API error bodies into (exception type, text).

``details[].message`` comes in three formats (the ExchangeOnlineManagement V3 module's error parsing; captures
in CyberDrain/CIPP #4877 and microsoft/Partner-Center-PowerShell #409):
1. ``<stringId>|<.NET type>|<text>``; 2. the same with an empty stringId; 3. a JSON document with
``Message`` and ``TypeName``. Without ``details``: ``innererror.internalexception.message``,
then ``error.message``, then the raw body.
"""

import json

from .cmdlets import CONCURRENCY_MESSAGE, TRANSIENT_EXCHANGE_EXCEPTIONS


class ExchangeErrorInfo:
    def __init__(self, status, code=None, exception_type=None, text=None, string_id=None):
        self.status = status
        self.code = code
        self.exception_type = exception_type
        self.text = text
        self.string_id = string_id

    @property
    def short_type(self):
        return (self.exception_type or "").rsplit(".", 1)[-1] or None

    @property
    def is_transient(self):
        haystack = "%s %s" % (self.exception_type or "", self.text or "")
        return any(name in haystack for name in TRANSIENT_EXCHANGE_EXCEPTIONS) or CONCURRENCY_MESSAGE in haystack

    @property
    def is_not_found(self):
        return self.status == 404 or (self.short_type or "").endswith("NotFoundException")


def parse_detail_message(message):
    """Split one ``details[].message`` into (string_id, exception_type, text)."""
    message = (message or "").strip()
    if message.startswith("{"):
        try:
            doc = json.loads(message)
        except ValueError:
            doc = None
        if isinstance(doc, dict):
            return None, doc.get("TypeName"), doc.get("Message") or message
    parts = message.split("|", 2)
    if len(parts) == 3 and "." in parts[1] and " " not in parts[1]:
        return parts[0] or None, parts[1], parts[2]
    return None, None, message


def _is_blank(body):
    return not body or not body.strip(b"\x00 \r\n\t")


def parse_error(status, body):
    """Build an ExchangeErrorInfo from a status and raw body bytes (which may be NUL bytes or plain text)."""
    if _is_blank(body):
        if status == 403:
            return ExchangeErrorInfo(status, "Forbidden", None,
                                     "Exchange refused the call: the cmdlet does not exist or the signed-in "
                                     "identity lacks the Exchange role (RBAC) to run it")
        return ExchangeErrorInfo(status, None, None, "empty response body (HTTP %s)" % status)
    text = body.decode("utf-8", "replace")
    try:
        doc = json.loads(text)
    except ValueError:
        return ExchangeErrorInfo(status, None, None, text.strip()[:500])
    error = doc.get("error") if isinstance(doc, dict) else None
    if not isinstance(error, dict):
        return ExchangeErrorInfo(status, None, None, text.strip()[:500])
    code = error.get("code")
    for detail in error.get("details") or []:
        if isinstance(detail, dict) and detail.get("message"):
            string_id, exc_type, detail_text = parse_detail_message(detail["message"])
            return ExchangeErrorInfo(status, code, exc_type, detail_text, string_id)
    inner = error.get("innererror") or {}
    internal = inner.get("internalexception") or {}
    if internal.get("message"):
        return ExchangeErrorInfo(status, code, internal.get("type"), internal["message"])
    return ExchangeErrorInfo(status, code, inner.get("type"), error.get("message") or text.strip()[:500])
