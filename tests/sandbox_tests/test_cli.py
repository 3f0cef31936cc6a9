"""``python -m tests.sandbox serve|stop|env`` as a user runs it from the repository root."""
import json
import os
import shlex
import signal
import subprocess
import sys
import time

import pytest
import requests

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ENV_KEYS = {"CSP_ENDPOINTS", "CSP_CA_PATH", "CSP_CLIENT_ID", "CSP_CLIENT_SECRET", "CSP_CLIENT_CERTIFICATE_PATH",
            "CSP_REFRESH_TOKEN", "CSP_PARTNER_TENANT", "CSP_TENANTS", "CSP_SANDBOX_URL"}


def sandbox_cli(*args, timeout=20):
    return subprocess.run([sys.executable, "-m", "tests.sandbox", *args], cwd=REPO_ROOT, capture_output=True,
                          text=True, timeout=timeout, check=False)


def parse_exports(text):
    env = {}
    for line in text.splitlines():
        assert line.startswith("export "), line
        key, dummy, value = line[len("export "):].partition("=")
        env[key] = shlex.split(value)[0]
    return env


def admin_session(env):
    session = requests.Session()
    session.trust_env = False
    session.verify = env["CSP_CA_PATH"]
    return session


def alive(pid):
    """Running (a zombie waiting for its reaper counts as gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            return handle.read().rsplit(b")", 1)[1].split()[0] != b"Z"
    except FileNotFoundError:
        return False


@pytest.fixture
def state_dir(tmp_path):
    yield str(tmp_path)
    sandbox_cli("stop", "--state-dir", str(tmp_path))      # never leave a daemon behind


def test_daemon_prints_exports_quickly_and_stops_cleanly(state_dir):
    started = time.monotonic()
    result = sandbox_cli("serve", "--port", "0", "--state-dir", state_dir, "--daemon")
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 3
    env = parse_exports(result.stdout)
    assert set(env) == ENV_KEYS
    with open(os.path.join(state_dir, "env.json"), encoding="utf-8") as handle:
        assert json.load(handle) == env
    endpoints = json.loads(env["CSP_ENDPOINTS"])
    assert set(endpoints) == {"login", "graph", "exchange", "partner_center"}
    assert len(set(endpoints.values())) == 1 and endpoints["login"].startswith("https://127.0.0.1:")
    assert endpoints["login"].rsplit(":", 1)[1] != "0"
    assert len(json.loads(env["CSP_TENANTS"])) == 3
    assert env["CSP_SANDBOX_URL"] == endpoints["login"] + "/_sandbox"
    with open(env["CSP_CLIENT_CERTIFICATE_PATH"], encoding="utf-8") as handle:
        pem = handle.read()
    assert "PRIVATE KEY" in pem and "BEGIN CERTIFICATE" in pem
    assert admin_session(env).get(env["CSP_SANDBOX_URL"] + "/health").json()["ok"] is True

    again = sandbox_cli("env", "--state-dir", state_dir)
    assert again.returncode == 0 and parse_exports(again.stdout) == env

    with open(os.path.join(state_dir, "sandbox.pid"), encoding="utf-8") as handle:
        pid = int(handle.read())
    stopped = sandbox_cli("stop", "--state-dir", state_dir)
    assert stopped.returncode == 0, stopped.stderr
    assert not alive(pid)
    assert not os.path.exists(os.path.join(state_dir, "sandbox.pid"))
    with pytest.raises(requests.ConnectionError):
        admin_session(env).get(env["CSP_SANDBOX_URL"] + "/health", timeout=2)


def test_foreground_serve_with_flags_and_seed(state_dir, tmp_path_factory):
    seed_path = tmp_path_factory.mktemp("seed") / "seed.yml"
    default = os.path.join(REPO_ROOT, "tests", "sandbox", "default_seed.yml")
    with open(default, encoding="utf-8") as handle:
        seed_path.write_text(handle.read() + "\ngenerate_customers: {count: 5}\n")
    process = subprocess.Popen([sys.executable, "-m", "tests.sandbox", "serve", "--port", "0", "--state-dir", state_dir,
                                "--seed", str(seed_path), "--latency-ms", "3", "--failure-rate", "0.5",
                                "--throttle-rate", "0.25", "--lost-response-rate", "0.1", "--random-seed", "9"],
                               cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline() for dummy in range(len(ENV_KEYS))]
        env = parse_exports("".join(lines))
        assert len(json.loads(env["CSP_TENANTS"])) == 8
        session = admin_session(env)
        values = session.get(env["CSP_SANDBOX_URL"] + "/faults").json()["scopes"][0]["values"]
        assert (values["latency_ms"], values["failure_rate"], values["throttle_rate"], values["lost_response_rate"]) == \
            (3.0, 0.5, 0.25, 0.1)
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=10) == 0
        assert not os.path.exists(os.path.join(state_dir, "env.json"))
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stdout.close()
        process.stderr.close()


def test_stop_and_env_without_a_sandbox_fail_clearly(tmp_path):
    stop = sandbox_cli("stop", "--state-dir", str(tmp_path))
    assert stop.returncode == 1 and "no sandbox pid file" in stop.stderr
    env = sandbox_cli("env", "--state-dir", str(tmp_path))
    assert env.returncode == 1 and "no sandbox environment" in env.stderr


def test_a_broken_seed_makes_the_daemon_fail_with_its_log(state_dir, tmp_path_factory):
    seed_path = tmp_path_factory.mktemp("seed") / "bad.yml"
    seed_path.write_text("partner: {}\n")
    result = sandbox_cli("serve", "--port", "0", "--state-dir", state_dir, "--seed", str(seed_path), "--daemon")
    assert result.returncode == 1 and "sandbox.log" in result.stderr
    with open(os.path.join(state_dir, "sandbox.log"), encoding="utf-8") as handle:
        assert "KeyError" in handle.read()
