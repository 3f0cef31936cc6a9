"""pytest fixtures: one in-process sandbox per test session, reset (cheaply, in-process) before each test
that asks for ``fresh_sandbox``. Use from a conftest with ``from tests.sandbox.fixtures import *``."""
import base64
import contextlib
import json
import tempfile
from typing import Any, Dict, Iterator, Optional

import pytest
import requests

from .client import AdminClient, https_session
from .launch import Running, launch
from .seed import RESOURCE_ALIASES
from .store import RESOURCE_AUDIENCES

__all__ = ["SandboxHandle", "running_sandbox", "decode_claims", "sandbox", "fresh_sandbox"]


class SandboxHandle:
    """What a test needs: ``env`` (the CSP_* values), ``url``, ``admin`` (AdminClient), ``sandbox`` (the object)."""

    def __init__(self, running: Running):
        self.running = running
        self.sandbox = running.sandbox
        self.env: Dict[str, str] = dict(running.env)
        self.url = running.url
        self.ca_path = self.env["CSP_CA_PATH"]
        self.admin = AdminClient(self.env["CSP_SANDBOX_URL"], self.ca_path)

    def reset(self) -> None:
        self.sandbox.reset()

    def session(self) -> requests.Session:
        return https_session(self.ca_path)

    def token_response(self, tenant: str, resource: str = "graph", app_only: bool = False,
                       session: Optional[requests.Session] = None, **form: str) -> requests.Response:
        """A raw token-endpoint call with the seeded secret (and refresh token unless ``app_only``)."""
        scope = RESOURCE_AUDIENCES[RESOURCE_ALIASES.get(resource, resource)] + "/.default"
        body = {"client_id": self.env["CSP_CLIENT_ID"], "client_secret": self.env["CSP_CLIENT_SECRET"],
                "client_info": "1"}
        if app_only:
            body.update(grant_type="client_credentials", scope=scope)
        else:
            body.update(grant_type="refresh_token", refresh_token=self.env["CSP_REFRESH_TOKEN"],
                        scope=f"{scope} offline_access openid profile")
        body.update(form)
        return (session or self.session()).post(f"{self.url}/{tenant}/oauth2/v2.0/token", data=body, timeout=30)

    def access_token(self, tenant: str, resource: str = "graph", app_only: bool = False) -> str:
        response = self.token_response(tenant, resource, app_only)
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def stop(self) -> None:
        self.running.stop()


@contextlib.contextmanager
def running_sandbox(state_dir: Optional[str] = None, seed: Optional[Dict[str, Any]] = None,
                    seed_path: Optional[str] = None, random_seed: Optional[int] = None,
                    **faults: Any) -> Iterator[SandboxHandle]:
    """A sandbox listening in a background thread for the duration of the block."""
    with contextlib.ExitStack() as stack:
        if state_dir is None:
            state_dir = stack.enter_context(tempfile.TemporaryDirectory(prefix="csp-sandbox-"))
        handle = SandboxHandle(launch(state_dir, seed_path=seed_path, seed=seed, random_seed=random_seed,
                                      faults=faults))
        try:
            yield handle
        finally:
            handle.stop()


@pytest.fixture(scope="session")
def sandbox(tmp_path_factory) -> Iterator[SandboxHandle]:
    with running_sandbox(str(tmp_path_factory.mktemp("sandbox")), random_seed=1234) as handle:
        yield handle


@pytest.fixture
def fresh_sandbox(sandbox: SandboxHandle) -> SandboxHandle:
    sandbox.reset()
    return sandbox


def decode_claims(token: str) -> Dict[str, Any]:
    """The payload of a JWT, unverified (tests look at claims, the sandbox did the verifying)."""
    payload = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
