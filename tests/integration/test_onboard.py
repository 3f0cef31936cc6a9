"""playbooks/onboard.yml end to end against the sandbox: the device code is shown by the pause, the test signs in
(the sandbox's admin API stands in for the admin's browser) and answers the pause on a terminal; the refresh token
lands only in an ansible-vault file, never in the output, and works."""
import os
import pty
import re
import select
import subprocess
import sys
import time

import pytest
import yaml

from tests import harness
from tests.integration.conftest import CONTOSO

PLAYBOOK = os.path.join(harness.ROOT, "playbooks", "onboard.yml")
VAULT_PASSWORD = "sandbox-vault-password"


def run_on_terminal(cmd, env, answer, timeout=300):
    """Run ``cmd`` on a pseudo-terminal (so the pause waits for Enter); ``answer(output)`` returns the text to type
    once it has seen what it needs, or None to keep reading. Returns (rc, output)."""
    # pty.fork: the child gets the pty as its controlling terminal, as an operator's shell would (the pause needs
    # one). It only execs, so forking beside the sandbox's threads is safe.
    pid, fd = pty.fork()
    if pid == 0:
        os.execvpe(cmd[0], cmd, env)
    output, answered, deadline = b"", False, time.time() + timeout
    while time.time() < deadline:
        ready, dummy, dummy = select.select([fd], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:     # the child closed the terminal
                break
            if not chunk:
                break
            output += chunk
        if not answered:
            text = answer(output.decode("utf-8", "replace"))
            if text is not None:
                os.write(fd, text.encode())
                answered = True
    dummy, status = os.waitpid(pid, 0)
    os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode("utf-8", "replace")


@pytest.mark.filterwarnings("ignore:This process .* is multi-threaded:DeprecationWarning")
def test_onboard_writes_the_refresh_token_only_into_a_vault_file(sb):
    password_file = os.path.join(str(sb.tmp_path), "vault-pass")
    with open(password_file, "w") as handle:
        handle.write(VAULT_PASSWORD)
    vault_file = os.path.join(str(sb.tmp_path), "partner.vault.yml")
    env = dict(sb.env)
    env.pop("CSP_REFRESH_TOKEN")         # onboarding is how one gets it
    env.pop("CSP_CLIENT_SECRET")         # the device-code flow is a public client flow
    approved = []

    def sign_in_then_press_enter(output):
        match = re.search(r"enter the code ([A-Z0-9]{9})", output)
        if not match or "press Enter" not in output:
            return None
        response = _admin_post(sb, "/_sandbox/device-codes/%s/approve" % match.group(1))
        approved.append((match.group(1), response))
        return "\r"

    # Every process ansible-playbook starts, with its arguments and whatever it is given on stdin, is recorded
    # (sitecustomize below), and the temporary directories are kept and searched afterwards: ANSIBLE_DEBUG and
    # ANSIBLE_KEEP_REMOTE_FILES expose exactly these.
    spy_dir, temp_dir = os.path.join(str(sb.tmp_path), "spy"), os.path.join(str(sb.tmp_path), "temp")
    os.makedirs(spy_dir)
    os.makedirs(temp_dir)
    with open(os.path.join(spy_dir, "sitecustomize.py"), "w") as handle:
        handle.write(SPY)
    spied = os.path.join(str(sb.tmp_path), "processes.log")
    env.update(PYTHONPATH=os.pathsep.join(filter(None, [spy_dir, env.get("PYTHONPATH")])), CSP_SPY_LOG=spied,
               TMPDIR=temp_dir, ANSIBLE_LOCAL_TEMP=temp_dir, ANSIBLE_REMOTE_TMP=temp_dir, ANSIBLE_KEEP_REMOTE_FILES="1")
    ansible_playbook = os.path.join(os.path.dirname(sys.executable), "ansible-playbook")
    rc, output = run_on_terminal([ansible_playbook, PLAYBOOK, "-i", "localhost,", "-c", "local", "-e",
                                  "onboard_vault_password_file=%s onboard_vault_file=%s" % (password_file, vault_file)],
                                 env, sign_in_then_press_enter)
    assert rc == 0, output[-3000:]
    assert len(approved) == 1 and approved[0][1] == 200
    with open(vault_file) as handle:
        encrypted = handle.read()
    assert encrypted.startswith("$ANSIBLE_VAULT;1.1;AES256")
    plain = subprocess.run([sys.executable, "-m", "ansible.cli.vault", "view", "--vault-password-file", password_file,
                            vault_file], capture_output=True, text=True, check=True, env=env).stdout
    stored = yaml.safe_load(plain)
    token = stored["csp_refresh_token"]
    assert token not in output and token not in encrypted and "*" not in token
    assert stored["csp_refresh_token_issued_at"].endswith("Z")
    # No process got the token in its arguments or on stdin, and no file outside the vault holds it.
    with open(spied, "rb") as handle:
        recorded = handle.read()
    assert recorded.count(b"argv ") >= 1             # the spy ran in ansible-playbook's processes
    assert token.encode() not in recorded
    for directory, dummy, names in os.walk(str(sb.tmp_path)):
        for name in names:
            path = os.path.join(directory, name)
            if path != vault_file and not os.path.islink(path):
                with open(path, "rb") as handle:
                    assert token.encode() not in handle.read(), path
    # It is a working partner refresh token: the modules redeem it at a customer.
    run = sb.play("""
        - name: token
          csp.exchange.exo_token: {tenant: %s}
    """ % CONTOSO, env={"CSP_REFRESH_TOKEN": token})
    assert run.rc == 0 and run.task("token")["tenant_id"] == CONTOSO


# Records, in every Python process of the run, the argv of each process it starts and the bytes it gives them on
# stdin (subprocess and os.exec*/spawn, what ansible-core uses).
SPY = """
import os, subprocess, sys
_log = os.environ.get("CSP_SPY_LOG")

def _write(kind, data):
    with open(_log, "ab") as handle:
        handle.write(kind.encode() + b" " + (data if isinstance(data, bytes) else repr(data).encode()) + b"\\n")

if _log:
    _write("argv", sys.argv)
    _init = subprocess.Popen.__init__
    def _popen(self, args, *a, **k):
        _write("popen", args)
        _init(self, args, *a, **k)
    subprocess.Popen.__init__ = _popen
    _communicate = subprocess.Popen.communicate
    def _comm(self, input=None, *a, **k):
        if input:
            _write("stdin", input)
        return _communicate(self, input, *a, **k)
    subprocess.Popen.communicate = _comm
    _execve = os.execve
    def _exec(path, args, env):
        _write("exec", args)
        return _execve(path, args, env)
    os.execve = _exec
"""


def _admin_post(sb, path):
    from tests.sandbox.client import https_session
    return https_session(sb.running.env["CSP_CA_PATH"]).post(sb.running.url + path, timeout=30).status_code


def test_onboard_refuses_without_a_vault_password_file(sb):
    run = harness.run_playbook(PLAYBOOK, sb.env)
    assert run.rc != 0 and "onboard_vault_password_file" in run.stdout
    assert [e for e in sb.log() if e["service"] == "identity"] == []
