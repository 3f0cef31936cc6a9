"""The Sandbox: state, faults, tokens, clock, log and routes, and the dispatcher every request goes through.

Dispatch order: route -> tenant for fault scoping -> open throttle window / throttle roll / failure roll ->
Exchange concurrency limit -> added latency -> handler -> lost-response roll -> log."""
import collections
import importlib.util
import sys
import threading
import time
import traceback
from typing import Any, Dict, Optional, Tuple

from . import certs, seed as seeding, stock_responses
from .clock import Clock
from .faults import Faults
from .requestlog import RequestLog
from .router import Router
from .services import admin, graph, identity, partner_center
from .tokens import Tokens
from .wire import Request, Response

EXCHANGE_SERVICE = f"{__package__}.services.exchange"
PATH_SERVICES = (("/_sandbox/", "admin"), ("/adminapi/", "exchange"), ("/v1.0/", "graph"), ("/beta/", "graph"),
                 ("/v1/", "partner_center"))


def _exchange_service():
    """services/exchange.py when present; the rest of the sandbox runs without it."""
    if importlib.util.find_spec(EXCHANGE_SERVICE) is None:
        return None
    return importlib.import_module(EXCHANGE_SERVICE)


class Sandbox:
    def __init__(self, seed: Dict[str, Any], random_seed: Optional[int] = None, faults: Optional[Dict[str, Any]] = None):
        self.seed = seed
        self.random_seed = random_seed if random_seed is not None else seed.get("random_seed")
        self.clock = Clock()
        self.tokens = Tokens(self.clock)
        self.faults = _faults_from(seed.get("faults") or {}, faults or {}, self.random_seed)
        self.log = RequestLog()
        self.router = Router()
        for service in (admin, identity, graph, partner_center, _exchange_service()):
            if service is not None:
                service.register(self.router)
        self.client_key_pem, self.client_certificate_pem = certs.client_certificate()
        self.base_url = ""          # https://127.0.0.1:PORT once the server listens
        self.env: Dict[str, str] = {}
        self._inflight: collections.Counter = collections.Counter()
        self._inflight_lock = threading.Lock()
        self.store = self._build_store()

    def _build_store(self):
        # Object ids replay across resets even without --random-seed.
        store = seeding.build_store(self.seed, self.random_seed or 0, self.clock.now())
        store.partner.app.certificate_pem = self.client_certificate_pem
        return store

    def now(self) -> float:
        return self.clock.now()

    def reset(self) -> None:
        """Back to the loaded seed: state, faults, random sequence, clock, token revocation, log."""
        self.clock.reset()
        self.tokens.reset()
        self.faults.reset()
        self.log.clear()
        self.store = self._build_store()

    # -- dispatch -------------------------------------------------------------------------------------
    def dispatch(self, request: Request, nested: bool = False) -> Response:
        """Answer one request. ``nested`` (a $batch item) skips latency, concurrency and lost responses."""
        started = time.perf_counter()
        match = self.router.match(request)
        if match is None:
            request.service = next((s for prefix, s in PATH_SERVICES if request.path.startswith(prefix)), "identity")
            response = stock_responses.not_found(request, request.service)
            self._record(request, response, None, started)
            return response
        service, handler, groups = match
        request.service = service
        if service == "admin":
            return self._run(handler, request, groups)
        request.tenant = self._tenant_hint(request, groups)
        fault, response = self._pre_handler_fault(request, service, request.tenant)
        if response is None:
            fault, response = self._handle(handler, request, groups, service, nested)
        self._record(request, response, fault, started)
        return response

    def _handle(self, handler, request: Request, groups: dict, service: str, nested: bool) -> Tuple[Optional[str], Response]:
        tenant = request.tenant
        if nested:
            return None, self._run(handler, request, groups)
        limit = int(self.faults.setting("concurrency_limit", 0, service, tenant) or 0) if service == "exchange" else 0
        if limit:
            with self._inflight_lock:
                if self._inflight[tenant] >= limit:
                    seconds = float(self.faults.setting("retry_after_s", 1.0, service, tenant))
                    return "concurrency_limit", stock_responses.concurrency_limited(seconds)
                self._inflight[tenant] += 1
        try:
            latency_ms = float(self.faults.setting("latency_ms", 0, service, tenant) or 0)
            if latency_ms > 0:
                time.sleep(latency_ms / 1000.0)
            response = self._run(handler, request, groups)
        finally:
            if limit:
                with self._inflight_lock:
                    self._inflight[tenant] -= 1
        fault = "latency" if latency_ms > 0 else None
        if self.faults.roll("lost_response_rate", service, tenant) or (
                request.meta.get("write") and self.faults.roll("lost_write_rate", service, tenant)):
            # The handler already ran (a write is applied); the client never learns the outcome.
            if self.faults.choice(["gateway_timeout", "drop"]) == "drop":
                return "lost_response_dropped", Response(504, drop_connection=True)
            return "lost_response_504", stock_responses.unavailable(request, service, 504, "html")
        return fault, response

    def _pre_handler_fault(self, request: Request, service: str, tenant: str) -> Tuple[Optional[str], Optional[Response]]:
        faults = self.faults
        remaining = faults.throttled_for(service, tenant)
        if remaining > 0:
            return "throttle_window", stock_responses.throttled(request, service, remaining)
        if faults.roll("throttle_rate", service, tenant):
            seconds = float(faults.setting("retry_after_s", 1.5, service, tenant))
            # Identity clients wait whole seconds, so its window is whole seconds as well.
            window = float(stock_responses.retry_after(service, seconds))
            faults.open_window(service, tenant, window)
            return "throttle", stock_responses.throttled(request, service, window)
        if faults.roll("failure_rate", service, tenant):
            status = faults.choice([503, 504])
            body_kind = faults.choice(["json", "html", "empty"])
            response = stock_responses.unavailable(request, service, status, body_kind)
            hint = float(faults.setting("failure_retry_after_s", 0.0, service, tenant) or 0.0)
            if hint > 0:
                response.headers["retry-after"] = stock_responses.retry_after(service, hint)
            return f"failure_{status}", response
        return None, None

    def _tenant_hint(self, request: Request, groups: dict) -> str:
        """The tenant faults are scoped to, before the handler resolves it: the path segment, else the token's tid."""
        segment = groups.get("tenant")
        if segment:
            directory = self.store.directory(segment)
            return directory.id if directory else segment.lower()
        if request.service == "partner_center":
            return self.store.partner.tenant_id
        claims = self.tokens.peek(request.headers.get("authorization"))
        return claims.get("tid", "") if claims else ""

    def _run(self, handler, request: Request, groups: dict) -> Response:
        try:
            return handler(self, request, **groups)
        except Exception as exc:      # a sandbox bug must surface as a 500 the test can see, not a dead socket
            traceback.print_exc(file=sys.stderr)
            return stock_responses.internal_error(exc)

    def _record(self, request: Request, response: Response, fault: Optional[str], started: float) -> None:
        self.log.record(request, response.status, fault, time.perf_counter() - started, self.clock.now())


def _faults_from(seed_faults: Dict[str, Any], overrides: Dict[str, Any], random_seed: Optional[int]) -> Faults:
    """Seed ``faults:`` holds global values plus ``scoped: [{service, tenant, <values>}]``; CLI flags win."""
    global_values = {k: v for k, v in seed_faults.items() if k not in ("scoped", "random_seed")}
    faults = Faults(random_seed, **{**global_values, **{k: v for k, v in overrides.items() if v is not None}})
    for scope in seed_faults.get("scoped") or []:
        scope = dict(scope)
        faults.update(service=scope.pop("service", None), tenant=scope.pop("tenant", None), **scope)
    faults.mark_initial()
    return faults
