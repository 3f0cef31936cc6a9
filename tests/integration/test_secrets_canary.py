"""Secrets canary: every module, playbook and the inventory plugin run at -vvvv with distinctive credential values;
none of them (nor any refresh or access token the sandbox issued) may appear in stdout, stderr, returned values,
diffs, error messages, Ansible's log file, reports, caches, or the sandbox's request log. The opt-in token cache
may hold access tokens (its purpose), never a secret or refresh token, and is mode 0600."""
import copy
import json
import os
import shutil
import stat
import subprocess

import pytest

from tests import harness
from tests.integration.conftest import dump
from tests.sandbox.launch import launch
from tests.sandbox.seed import load_seed

CANARY_SECRET = "CanarySecret~Zq8vX3kP9wL2mN7rT5yB"
CANARY_REFRESH = "0.CanaryRefresh-Hj4Ks9Lq2Wx7Vb3Nm8Pd6Rf1Tg5"
EXAMPLES = os.path.join(harness.ROOT, "examples", "inventory")
PLAYBOOKS = os.path.join(harness.ROOT, "playbooks")


@pytest.fixture(scope="module")
def canary(tmp_path_factory):
    seed = copy.deepcopy(load_seed(None))
    seed["partner"]["refresh_token"] = CANARY_REFRESH
    seed["partner"]["app"]["secrets"] = [CANARY_SECRET]
    running = launch(str(tmp_path_factory.mktemp("canary-sandbox")), seed=seed, random_seed=13)
    yield running
    running.stop()


def issued_secrets(sandbox):
    """Every credential in play: the canaries, each rotated refresh token and each access token the sandbox issued."""
    with sandbox.store.lock:
        refresh = [t for t in sandbox.store.refresh_tokens if t]
    access = list(sandbox.tokens._issued_at)
    return [CANARY_SECRET, CANARY_REFRESH] + refresh, access


def find_leaks(text, secrets):
    return [s[:12] + "..." for s in secrets if s and s in text]


def test_no_secret_leaks_anywhere(canary, collections, tmp_path):
    sandbox = canary.sandbox
    sandbox.reset()
    out = tmp_path / "out"
    out.mkdir()
    token_cache = str(out / "token-cache" / "tokens.json")
    env = harness.playbook_env(collections, canary.env)
    assert env["CSP_CLIENT_SECRET"] == CANARY_SECRET and env["CSP_REFRESH_TOKEN"] == CANARY_REFRESH
    env.update(CSP_TOKEN_CACHE=token_cache, ANSIBLE_LOG_PATH=str(out / "ansible.log"))
    inventory = str(tmp_path / "inventory")
    shutil.copytree(EXAMPLES, inventory)
    runs = []

    modules = str(tmp_path / "modules.yml")
    with open(modules, "w") as handle:
        handle.write("""
- hosts: localhost
  gather_facts: false
  tasks:
    - name: token (returns secrets by design, so no_log)
      csp.exchange.exo_token: {tenant: contoso.com}
      no_log: true
      register: tok
    - name: the token is usable
      ansible.builtin.assert:
        that: [tok.access_token | length > 100]
      no_log: true
    - name: consent (changes Tailspin, with a diff)
      csp.exchange.exo_consent: {tenant: tailspintoys.com}
    - name: command
      csp.exchange.exo_command: {tenant: contoso.com, cmdlet: Get-Mailbox, result_size: 3}
    - name: command with a given access token
      csp.exchange.exo_command: {tenant: contoso.com, cmdlet: Get-OrganizationConfig, access_token: "{{ tok.access_token }}"}
    - name: command failing
      csp.exchange.exo_command: {tenant: contoso.com, cmdlet: Get-Nonsense}
      ignore_errors: true
    - name: token failing (unknown tenant)
      csp.exchange.exo_command: {tenant: nosuchtenant.onmicrosoft.com, cmdlet: Get-Mailbox}
      ignore_errors: true
    - name: settings (with a diff)
      csp.exchange.exo_settings:
        tenant: contoso.com
        object: Mailbox
        identity: [admin]
        settings: {CustomAttribute2: canary-run}
    - name: initial domain
      csp.exchange.tenant_initial_domain: {tenant: fabrikam.com}
    - name: customers
      csp.exchange.partner_customer_info: {}
    - name: drift report module
      csp.exchange.drift_report:
        tenants: [{host: contoso.com, tenant: contoso.com, error: null, results: []}]
        json_path: "%(out)s/module-report/drift.json"
        junit_path: "%(out)s/module-report/drift.xml"
""" % {"out": out})
    runs.append(("modules", harness.run_playbook(modules, env, diff=True, verbosity=4)))
    assert runs[-1][1].rc == 0, dump(runs[-1][1])
    assert runs[-1][1].task("consent (changes Tailspin, with a diff)")["changed"]
    assert runs[-1][1].task("settings (with a diff)")["changed"]

    for name, extra in (("consent.yml", None), ("baseline.yml", None),
                        ("drift.yml", {"drift_report_dir": str(out / "drift")})):
        run = harness.run_playbook(os.path.join(PLAYBOOKS, name), env, inventory=inventory, diff=True, verbosity=4,
                                   extra_vars=extra, forks=3)
        runs.append((name, run))
        assert run.rc == 0, dump(run)
    assert os.path.exists(str(out / "drift" / "drift.json"))

    cached_inventory = str(tmp_path / "cached.partner_customers.yml")
    with open(cached_inventory, "w") as handle:
        handle.write("plugin: csp.exchange.partner_customers\ncache: true\ncache_plugin: ansible.builtin.jsonfile\n"
                     "cache_connection: %s\n" % (out / "inventory-cache"))
    for path in (os.path.join(inventory, "partner_customers.yml"), cached_inventory):
        proc = subprocess.run([harness._tool("ansible-inventory"), "-i", path, "--list", "-vvvv"], env=env,
                              capture_output=True, text=True, timeout=300, cwd=harness.ROOT, check=False)
        assert proc.returncode == 0, proc.stderr[-3000:]
        assert "contoso.com" in proc.stdout
        runs.append(("inventory " + os.path.basename(path), harness.PlaybookRun(proc.returncode, proc.stdout,
                                                                                proc.stderr, [])))

    secrets, access_tokens = issued_secrets(sandbox)
    assert len(secrets) > 3 and access_tokens      # tokens were issued (and refresh tokens rotated)
    everything = secrets + access_tokens
    for name, run in runs:
        text = run.stdout + run.stderr + json.dumps(run.results)
        assert find_leaks(text, everything) == [], name
        assert "Traceback" not in text, name
    # Files written: reports, Ansible's log, the inventory cache; the token cache holds only access tokens.
    files = [os.path.join(d, f) for d, dirs, names in os.walk(str(out)) for f in names]
    assert any(f.endswith("drift.xml") for f in files) and any("inventory-cache" in f for f in files)
    for path in files:
        with open(path, errors="replace") as handle:
            text = handle.read()
        allowed = secrets if os.path.dirname(path) == os.path.dirname(token_cache) else everything
        assert find_leaks(text, allowed) == [], path
    assert stat.S_IMODE(os.stat(token_cache).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(os.path.dirname(token_cache)).st_mode) == 0o700
    with open(token_cache) as handle:
        cached = json.load(handle)
    assert cached and all(len(k) == 64 for k in cached)         # hashed keys: no app id or tenant in clear
    with open(token_cache) as handle:                           # control: the scan does find tokens where they are
        assert find_leaks(handle.read(), access_tokens)
    # The sandbox's request log keeps no credential field.
    log = json.dumps(sandbox.log.entries())
    assert find_leaks(log, everything) == []
    assert any(e["grant_type"] == "refresh_token" for e in sandbox.log.entries())


def test_token_cache_readable_by_others_is_refused(canary, collections, tmp_path):
    canary.sandbox.reset()
    cache = tmp_path / "tokens.json"
    cache.write_text("{}")
    os.chmod(str(cache), 0o644)
    env = dict(harness.playbook_env(collections, canary.env), CSP_TOKEN_CACHE=str(cache))
    path = str(tmp_path / "play.yml")
    with open(path, "w") as handle:
        handle.write("- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: read\n"
                     "      csp.exchange.exo_command: {tenant: contoso.com, cmdlet: Get-OrganizationConfig}\n")
    run = harness.run_playbook(path, env)
    assert run.rc != 0
    msg = run.task("read")["msg"]
    assert "token_cache" in msg and "chmod 600" in msg
    assert canary.sandbox.log.entries() == []
