"""Transport-neutral request and response objects shared by the HTTP layer and the services."""
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Optional
from urllib.parse import parse_qsl


class Headers(dict):
    """Case-insensitive header map (keys stored lower-case)."""

    def __init__(self, items=()):
        super().__init__()
        for key, value in (items.items() if isinstance(items, dict) else items):
            self[key] = value

    def __setitem__(self, key, value):
        super().__setitem__(key.lower(), value)

    def __getitem__(self, key):
        return super().__getitem__(key.lower())

    def get(self, key, default=None):
        return super().get(key.lower(), default)

    def __contains__(self, key):
        return super().__contains__(key.lower())


@dataclass
class Request:
    method: str
    path: str                      # percent-decoded path, no query string
    raw_query: str = ""            # query string as sent (nextLinks are compared verbatim)
    headers: Headers = field(default_factory=Headers)
    body: bytes = b""
    # Filled in by routing and handlers; read by the request log and the fault layer.
    service: str = ""              # identity | graph | partner_center | exchange | admin
    tenant: str = ""               # tenant GUID once resolved ("" when not tenant-scoped)
    meta: Dict[str, Any] = field(default_factory=dict)   # e.g. {"cmdlet": "Get-Mailbox", "anchor": ...}

    @property
    def query(self) -> Dict[str, str]:
        return dict(parse_qsl(self.raw_query, keep_blank_values=True))

    def json(self) -> Any:
        """Decoded JSON body; raises ValueError on an empty or malformed body."""
        if not self.body:
            raise ValueError("empty body")
        return json.loads(self.body.decode("utf-8"))

    def form(self) -> Dict[str, str]:
        return dict(parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: Headers = field(default_factory=Headers)
    # Lost-response fault: the handler ran (a write is applied) but the socket is closed unanswered.
    drop_connection: bool = False

    @classmethod
    def json(cls, status: int, obj: Any, headers: Optional[dict] = None,
             content_type: str = "application/json; charset=utf-8") -> "Response":
        hdrs = Headers(headers or {})
        hdrs.setdefault("content-type", content_type)
        return cls(status, json.dumps(obj, separators=(",", ":")).encode("utf-8"), hdrs)

    @classmethod
    def text(cls, status: int, text: str, headers: Optional[dict] = None) -> "Response":
        hdrs = Headers(headers or {})
        hdrs.setdefault("content-type", "text/plain; charset=utf-8")
        return cls(status, text.encode("utf-8"), hdrs)

    @classmethod
    def empty(cls, status: int, headers: Optional[dict] = None) -> "Response":
        return cls(status, b"", Headers(headers or {}))
