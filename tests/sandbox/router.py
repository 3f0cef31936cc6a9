"""Path routing: each service registers (method, regex) -> handler(sandbox, request, **groups)."""
import re
from typing import Callable, List, Optional, Tuple

from .wire import Request, Response

Handler = Callable[..., Response]


class Router:
    def __init__(self):
        self._routes: List[Tuple[str, "re.Pattern[str]", str, Handler]] = []

    def add(self, method: str, pattern: str, service: str, handler: Handler) -> None:
        """``pattern`` is a regex matched against the whole decoded path; named groups become kwargs.
        ``method`` may be ``*`` (the handler answers 405 itself where the real service does)."""
        self._routes.append((method.upper(), re.compile(pattern + r"\Z"), service, handler))

    def match(self, request: Request) -> Optional[Tuple[str, Handler, dict]]:
        for method, regex, service, handler in self._routes:
            m = regex.match(request.path)
            if m and method in ("*", request.method.upper()):
                return service, handler, m.groupdict()
        return None
