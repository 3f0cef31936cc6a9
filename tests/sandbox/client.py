"""``AdminClient``: the sandbox's ``/_sandbox/`` API for tests and benchmarks."""
from typing import Any, Optional

import requests

from .store import EXCHANGE_APP_ID


def https_session(ca_path: str) -> requests.Session:
    """A session that trusts the sandbox CA whatever REQUESTS_CA_BUNDLE says (contract §2.5)."""
    session = requests.Session()
    session.trust_env = False
    session.verify = ca_path
    return session


class AdminClient:
    def __init__(self, base_url: str, ca_path: str):
        self.base_url = base_url.rstrip("/")
        self.session = https_session(ca_path)

    def _call(self, method: str, path: str, **kwargs) -> Any:
        response = self.session.request(method, self.base_url + path, timeout=30, **kwargs)
        response.raise_for_status()
        return response.json() if response.content else None

    # state
    def health(self) -> dict:
        return self._call("GET", "/health")

    def tenants(self) -> dict:
        return self._call("GET", "/tenants")

    def tenant(self, tenant: str) -> dict:
        return self._call("GET", f"/tenants/{tenant}")

    def grants(self, tenant: str) -> list:
        return self._call("GET", f"/tenants/{tenant}/grants")["value"]

    def service_principals(self, tenant: str) -> list:
        return self._call("GET", f"/tenants/{tenant}/service-principals")["value"]

    def remove_grants(self, tenant: str, resource: str = EXCHANGE_APP_ID, scope: Optional[str] = None) -> int:
        """Take the app's consent on ``resource`` away (all of it, or one scope)."""
        params = {"resource": resource, **({"scope": scope} if scope else {})}
        return self._call("DELETE", f"/tenants/{tenant}/grants", params=params)["affected"]

    def remove_service_principal(self, tenant: str, app_id: str) -> None:
        self._call("DELETE", f"/tenants/{tenant}/service-principals/{app_id}")

    def exchange_snapshot(self, tenant: str, noun: str) -> list:
        return self._call("GET", f"/tenants/{tenant}/exchange/{noun}")["value"]

    def reset(self) -> None:
        self._call("POST", "/reset")

    # faults
    def faults(self) -> list:
        return self._call("GET", "/faults")["scopes"]

    def set_faults(self, service: Optional[str] = None, tenant: Optional[str] = None, **values) -> list:
        body = {**values, **({"service": service} if service else {}), **({"tenant": tenant} if tenant else {})}
        return self._call("PATCH", "/faults", json=body)["scopes"]

    def reset_faults(self) -> None:
        self._call("DELETE", "/faults")

    def invalidate_tokens(self) -> float:
        return self._call("POST", "/tokens/invalidate")["not_before"]

    def update_app(self, **values) -> dict:
        """``secrets=[...]`` and/or ``secret_expired=True``."""
        return self._call("PATCH", "/app", json=values)

    def advance_clock(self, seconds: float) -> float:
        return self._call("POST", "/clock", json={"advance": seconds})["now"]

    # observability
    def log(self, service: Optional[str] = None, tenant: Optional[str] = None, since: int = 0,
            limit: Optional[int] = None) -> list:
        params = {k: v for k, v in {"service": service, "tenant": tenant, "since": since, "limit": limit}.items()
                  if v is not None}
        return self._call("GET", "/log", params=params)["value"]

    def clear_log(self) -> None:
        self._call("DELETE", "/log")

    def counters(self) -> dict:
        return self._call("GET", "/counters")
