"""Run the collection the way users do: build and install it with ansible-galaxy, then ansible-playbook.

Shared by the demo, the integration tests and the benchmarks.
"""
import json
import os
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Dict, List, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.path.dirname(sys.executable)
CALLBACKS = os.path.join(ROOT, "tests", "integration", "callback_plugins")


def _tool(name):
    path = os.path.join(BIN, name)
    return path if os.path.exists(path) else name


def install_collection(dest: str) -> str:
    """Build the collection tarball from the working tree and install it under ``dest``; returns the collections path."""
    dist = os.path.join(dest, "dist")
    collections = os.path.join(dest, "collections")
    subprocess.run([_tool("ansible-galaxy"), "collection", "build", "--force", "--output-path", dist, ROOT],
                   check=True, capture_output=True, text=True)
    tarball = next(os.path.join(dist, f) for f in os.listdir(dist) if f.endswith(".tar.gz"))
    subprocess.run([_tool("ansible-galaxy"), "collection", "install", "--force", "-p", collections, tarball],
                   check=True, capture_output=True, text=True)
    return collections


def write_inventory(path: str, tenants: Dict[str, str], group: str = "customers", extra: str = "") -> str:
    """An INI inventory with one local host per tenant (name -> tenant id or domain)."""
    lines = ["[%s]" % group]
    lines += ["%s tenant_id=%s" % (name, tenant) for name, tenant in tenants.items()]
    lines += ["", "[%s:vars]" % group, "ansible_connection=local",
              "ansible_python_interpreter=%s" % sys.executable]
    with open(path, "w") as handle:
        handle.write("\n".join(lines) + "\n" + extra)
    return path


def playbook_env(collections: str, sandbox_env: Dict[str, str], credential: str = "secret") -> Dict[str, str]:
    """Environment for ansible-playbook: the sandbox's CSP_* settings with one app credential
    (``secret`` or ``certificate``: the modules refuse both at once)."""
    env = dict(os.environ)
    env.update(sandbox_env)
    env.pop("CSP_CLIENT_CERTIFICATE_PATH" if credential == "secret" else "CSP_CLIENT_SECRET", None)
    env.update({
        "ANSIBLE_COLLECTIONS_PATH": collections,
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_LOCALHOST_WARNING": "0",
        "ANSIBLE_INVENTORY_UNPARSED_WARNING": "0",
        "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
        "ANSIBLE_HOST_KEY_CHECKING": "0",
        "ANSIBLE_CALLBACK_PLUGINS": CALLBACKS,
        "ANSIBLE_CALLBACKS_ENABLED": "json_results",
        "ANSIBLE_LOCAL_TEMP": os.path.join(tempfile.gettempdir(), "csp-exchange-ansible-tmp"),
    })
    return env


@dataclass
class PlaybookRun:
    rc: int
    stdout: str
    stderr: str
    results: List[dict] = field(default_factory=list)   # one per task and host: {host, task, status, result}

    def task(self, name: str, host: Optional[str] = None) -> dict:
        for entry in self.results:
            if entry["task"] == name and (host is None or entry["host"] == host):
                return entry["result"]
        raise KeyError("no result for task %r host %r; tasks: %s" % (name, host, sorted({e["task"] for e in self.results})))


def run_playbook(playbook: str, env: Dict[str, str], inventory: Optional[str] = None, check: bool = False,
                 diff: bool = False, extra_vars: Optional[dict] = None, verbosity: int = 0, forks: int = 5,
                 timeout: int = 600, limit: Optional[str] = None) -> PlaybookRun:
    with tempfile.NamedTemporaryFile(suffix=".jsonl", delete=False) as handle:
        results_path = handle.name
    cmd = [_tool("ansible-playbook"), playbook, "--forks", str(forks)]
    cmd += ["-i", inventory] if inventory else ["-i", "localhost,", "-c", "local"]
    if limit:
        cmd += ["--limit", limit]
    if check:
        cmd.append("--check")
    if diff:
        cmd.append("--diff")
    if extra_vars:
        cmd += ["-e", json.dumps(extra_vars)]
    if verbosity:
        cmd.append("-" + "v" * verbosity)
    run_env = dict(env, CSP_TEST_RESULTS=results_path)
    proc = subprocess.run(cmd, env=run_env, capture_output=True, text=True, timeout=timeout, cwd=ROOT, check=False)
    with open(results_path) as handle:
        results = [json.loads(line) for line in handle if line.strip()]
    os.unlink(results_path)
    return PlaybookRun(proc.returncode, proc.stdout, proc.stderr, results)
