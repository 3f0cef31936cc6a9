"""Request log and counters. Only named, non-secret fields are kept: no bodies, credential query parameters
redacted, and of the headers only those that carry no credential (``headers``: lower-case names)."""
import collections
import threading
from typing import Any, Dict, List, Optional
from urllib.parse import parse_qsl, urlencode

from .wire import Request

SECRET_PARAMS = {"client_secret", "refresh_token", "client_assertion", "access_token", "code", "assertion", "password"}
MAX_ENTRIES = 20000
# Headers that may carry a credential or a session: never logged.
SECRET_HEADERS = {"authorization", "cookie", "proxy-authorization", "x-ms-client-secret"}


def redact_query(raw_query: str) -> str:
    if not raw_query:
        return ""
    pairs = parse_qsl(raw_query, keep_blank_values=True)
    return urlencode([(k, "REDACTED" if k.lower() in SECRET_PARAMS else v) for k, v in pairs])


class RequestLog:
    def __init__(self):
        self._lock = threading.Lock()
        self.clear()

    def clear(self) -> None:
        with self._lock:
            self._entries: collections.deque = collections.deque(maxlen=MAX_ENTRIES)
            self._seq = 0
            self._counters = {"service": collections.Counter(), "verb": collections.Counter(),
                              "cmdlet": collections.Counter(), "status": collections.Counter(),
                              "fault": collections.Counter()}

    def record(self, request: Request, status: int, fault: Optional[str], duration_s: float, at: float) -> None:
        cmdlets = request.meta.get("cmdlets") or ([request.meta["cmdlet"]] if request.meta.get("cmdlet") else [])
        entry = {
            "time": at,
            "method": request.method,
            "path": request.path,
            "query": redact_query(request.raw_query),
            "service": request.service,
            "tenant": request.tenant,
            "cmdlets": list(cmdlets),
            "write": bool(request.meta.get("write", False)),
            "status": status,
            "anchor": request.meta.get("anchor") or request.headers.get("x-anchormailbox"),
            "client_request_id": request.headers.get("client-request-id"),
            "headers": {k.lower(): v for k, v in request.headers.items() if k.lower() not in SECRET_HEADERS},
            "grant_type": request.meta.get("grant_type"),
            "batch_item": request.meta.get("batch_item"),     # set on the nested items of an Exchange $batch
            "fault": fault,
            "duration_ms": round(duration_s * 1000, 2),
        }
        with self._lock:
            self._seq += 1
            entry["seq"] = self._seq
            self._entries.append(entry)
            c = self._counters
            c["service"][request.service] += 1
            c["verb"][request.method] += 1
            c["status"][str(status)] += 1
            for cmdlet in cmdlets:
                c["cmdlet"][cmdlet] += 1
            if fault:
                c["fault"][fault] += 1

    def entries(self, service: Optional[str] = None, tenant: Optional[str] = None,
                since: int = 0, limit: Optional[int] = None) -> List[Dict[str, Any]]:
        with self._lock:
            rows = [e for e in self._entries if e["seq"] > since
                    and (service is None or e["service"] == service)
                    and (tenant is None or e["tenant"] == tenant)]
        return rows[-limit:] if limit else rows

    def counters(self) -> Dict[str, Dict[str, int]]:
        with self._lock:
            return {name: dict(counter) for name, counter in self._counters.items()}
