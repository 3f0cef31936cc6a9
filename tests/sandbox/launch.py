"""Start a sandbox: build it from a seed, listen on loopback with fresh certificates, write the state
directory (ca.pem, client.pem, env.json) and compute the CSP_* environment. Used by the CLI, the pytest
fixtures and the benchmark."""
import json
import os
import threading
from typing import Any, Dict, Optional

from .app import Sandbox
from .certs import server_tls_context
from .seed import load_seed
from .server import SandboxServer


class Running:
    """A listening sandbox; ``stop()`` shuts it down."""

    def __init__(self, sandbox: Sandbox, server: SandboxServer, state_dir: str, env: Dict[str, str]):
        self.sandbox, self.server, self.state_dir, self.env = sandbox, server, state_dir, env
        self.url = sandbox.base_url
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="sandbox-server", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)


def launch(state_dir: str, seed_path: Optional[str] = None, seed: Optional[Dict[str, Any]] = None, port: int = 0,
           random_seed: Optional[int] = None, faults: Optional[Dict[str, Any]] = None) -> Running:
    state_dir = os.path.abspath(state_dir)
    os.makedirs(state_dir, exist_ok=True)
    sandbox = Sandbox(seed if seed is not None else load_seed(seed_path), random_seed, faults)
    server = SandboxServer(sandbox, server_tls_context(state_dir), "127.0.0.1", port)
    sandbox.base_url = f"https://127.0.0.1:{server.port}"
    client_pem = os.path.join(state_dir, "client.pem")
    _write_private(client_pem, sandbox.client_key_pem + sandbox.client_certificate_pem)
    sandbox.env = environment(sandbox, state_dir, client_pem)
    running = Running(sandbox, server, state_dir, sandbox.env)
    _write_private(os.path.join(state_dir, "env.json"), json.dumps(sandbox.env, indent=2))   # last: it signals "ready"
    return running


def environment(sandbox: Sandbox, state_dir: str, client_pem: str) -> Dict[str, str]:
    url, store = sandbox.base_url, sandbox.store
    return {
        "CSP_ENDPOINTS": json.dumps({"login": url, "graph": url, "exchange": url, "partner_center": url}),
        "CSP_CA_PATH": os.path.join(state_dir, "ca.pem"),
        "CSP_CLIENT_ID": store.partner.app.client_id,
        "CSP_CLIENT_SECRET": store.partner.app.secrets[0] if store.partner.app.secrets else "",
        "CSP_CLIENT_CERTIFICATE_PATH": client_pem,
        "CSP_REFRESH_TOKEN": sandbox.seed["partner"]["refresh_token"],
        "CSP_PARTNER_TENANT": store.partner.tenant_id,
        "CSP_TENANTS": json.dumps(list(store.tenants)),
        "CSP_SANDBOX_URL": f"{url}/_sandbox",
    }


def _write_private(path: str, text: str) -> None:
    """Atomic and owner-only: readers never see half a file, and the key stays private."""
    tmp = f"{path}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(tmp, path)
