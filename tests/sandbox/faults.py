"""Fault settings: global values with per-service, per-tenant and per-(service, tenant) overrides, a seeded
random source so failures replay, and the throttle windows that keep throttling early retries."""
import random
import threading
import time
from typing import Any, Dict, Optional, Tuple

DEFAULTS: Dict[str, Any] = {
    "failure_rate": 0.0,            # 503/504 before the handler runs
    "failure_retry_after_s": 0.0,   # > 0: those 503/504 carry Retry-After (as Graph's and Exchange's often do)
    "throttle_rate": 0.0,           # 429, then every request in the Retry-After window is throttled too
    "retry_after_s": 1.5,           # window length; Graph/Exchange send it fractional, identity rounds up
    "lost_response_rate": 0.0,      # handler runs, then 504 or a dropped connection
    "lost_write_rate": 0.0,         # the same, only for requests that wrote (a Set- or a $batch holding one)
    "latency_ms": 0,                # added to every request, slept in the handler thread
    "concurrency_limit": 0,         # Exchange requests in flight per tenant; 0 = unlimited
    "expired_refresh_token": False,     # every refresh-token redemption -> AADSTS700082
    "revoked_refresh_token": False,     # -> AADSTS50173
    "conditional_access": False,        # -> AADSTS53003 (scope it to a tenant)
    "claims_challenge": "",             # an auth context id (c1): Exchange asks CP1 clients for it (cae.py)
    "exchange_transient_rate": 0.0,
    "addressing_fault_rate": 0.0,
    "guid_addressing_fault": False,
    "replication_lag_s": 0.0,
    "cursor_lifetime_s": 1800.0,
    "token_lifetime_s": 3599,
    "consent_create_error": 0,      # HTTP status a Partner Center consent POST answers without applying (0 = off)
}

Scope = Tuple[Optional[str], Optional[str]]     # (service, tenant); None = any


class Faults:
    def __init__(self, random_seed: Optional[int] = None, **values: Any):
        self._lock = threading.Lock()
        self._random_seed = random_seed
        self.rng = random.Random(random_seed)
        self._scoped: Dict[Scope, Dict[str, Any]] = {(None, None): dict(DEFAULTS)}
        self._windows: Dict[Scope, float] = {}     # throttle window end (monotonic) per (service, tenant)
        self.update(**values)
        self.mark_initial()

    def mark_initial(self) -> None:
        """The current settings become what ``reset`` returns to."""
        with self._lock:
            self._initial = {scope: dict(v) for scope, v in self._scoped.items()}

    # -- settings -------------------------------------------------------------------------------------
    def update(self, service: Optional[str] = None, tenant: Optional[str] = None, **values: Any) -> None:
        """Set values globally, or for one service and/or tenant (lower-case GUID)."""
        unknown = set(values) - set(DEFAULTS)
        if unknown:
            raise KeyError(f"unknown fault setting(s): {', '.join(sorted(unknown))}")
        with self._lock:
            self._scoped.setdefault((service, tenant.lower() if tenant else None), {}).update(values)

    def setting(self, name: str, default: Any = None, service: Optional[str] = None, tenant: Optional[str] = None) -> Any:
        """The most specific value: (service, tenant), then tenant, then service, then global."""
        tenant = tenant.lower() if tenant else None
        for scope in ((service, tenant), (None, tenant), (service, None), (None, None)):
            values = self._scoped.get(scope)
            if values and name in values:
                return values[name]
        return default

    def rate(self, name: str, service: Optional[str] = None, tenant: Optional[str] = None) -> float:
        return float(self.setting(name, 0.0, service, tenant) or 0.0)

    def roll(self, name: str, service: Optional[str] = None, tenant: Optional[str] = None) -> bool:
        rate = self.rate(name, service, tenant)
        if rate <= 0:
            return False
        with self._lock:
            return self.rng.random() < rate

    def choice(self, options):
        with self._lock:
            return self.rng.choice(options)

    def shuffle(self, items: list) -> None:
        with self._lock:
            self.rng.shuffle(items)

    def snapshot(self) -> list:
        """Every scope with its values, for the admin API."""
        return [{"service": s, "tenant": t, "values": dict(v)} for (s, t), v in self._scoped.items()]

    def reset(self) -> None:
        """Back to the start-up settings and random sequence."""
        with self._lock:
            self._scoped = {scope: dict(v) for scope, v in self._initial.items()}
            self._windows.clear()
            self.rng.seed(self._random_seed)

    # -- throttle windows -----------------------------------------------------------------------------
    def throttled_for(self, service: str, tenant: str) -> float:
        """Seconds left in an open throttle window (0 when none)."""
        end = self._windows.get((service, tenant), 0.0)
        return max(0.0, end - time.monotonic())

    def open_window(self, service: str, tenant: str, seconds: float) -> None:
        with self._lock:
            self._windows[(service, tenant)] = time.monotonic() + seconds
