"""playbooks/rotate_token.yml against the sandbox: the stored partner refresh token is redeemed once and replaced,
in its vault file, by the new one with its issue time; nothing of either token reaches the output at -vvvv, and a
failed redemption leaves the file byte for byte as it was."""
import os

import yaml
from ansible.parsing.vault import VaultLib, VaultSecret

from tests import harness
from tests.integration.conftest import CONTOSO, dump

PLAYBOOK = os.path.join(harness.ROOT, "playbooks", "rotate_token.yml")
PASSWORD = b"sandbox-vault-password"


def vault():
    return VaultLib([("default", VaultSecret(PASSWORD))])


def write_vault(path, content):
    with open(path, "wb") as handle:
        handle.write(vault().encrypt(yaml.safe_dump(content), VaultSecret(PASSWORD)))


def read_vault(path):
    with open(path, "rb") as handle:
        return yaml.safe_load(vault().decrypt(handle.read()))


def setup(sb):
    password_file = os.path.join(str(sb.tmp_path), "vault-pass")
    with open(password_file, "wb") as handle:
        handle.write(PASSWORD)
    token_file = os.path.join(str(sb.tmp_path), "partner.vault.yml")
    old = sb.env["CSP_REFRESH_TOKEN"]
    write_vault(token_file, {"csp_refresh_token": old, "csp_refresh_token_issued_at": "2026-10-01T00:00:00Z",
                             "other_setting": 1})
    env = dict(sb.env)
    env.pop("CSP_REFRESH_TOKEN")         # the token comes only from the file
    return env, {"token_file": token_file, "token_vault_password_file": password_file}, token_file, old


def test_rotate_token_round_trip_with_a_vault_file(sb):
    env, extra_vars, token_file, old = setup(sb)
    run = harness.run_playbook(PLAYBOOK, env, extra_vars=extra_vars, verbosity=4)
    assert run.rc == 0, dump(run)
    with open(token_file, "rb") as handle:
        assert handle.read().startswith(b"$ANSIBLE_VAULT;1.1;AES256")
    stored = read_vault(token_file)
    new = stored["csp_refresh_token"]
    assert new != old and stored["csp_refresh_token_issued_at"] > "2026-10-01T00:00:00Z"
    assert stored["other_setting"] == 1
    output = run.stdout + run.stderr
    for secret in (old, new):
        assert secret not in output
    assert [e["grant_type"] for e in sb.log(service="identity") if e["grant_type"]] == ["refresh_token"]
    # Nothing but the vault file is left in its directory (no plain or temporary copy).
    assert not [name for name in os.listdir(os.path.dirname(token_file)) if name.startswith(".partner")]
    # The new token works.
    check = sb.play("""
        - name: token
          csp.exchange.exo_token: {tenant: %s}
    """ % CONTOSO, env={"CSP_REFRESH_TOKEN": new})
    assert check.rc == 0, dump(check)


def test_a_failed_rotation_leaves_the_file_as_it_was(sb):
    env, extra_vars, token_file, old = setup(sb)
    with open(token_file, "rb") as handle:
        before = handle.read()
    sb.sandbox.faults.update(service="identity", revoked_refresh_token=True)
    run = harness.run_playbook(PLAYBOOK, env, extra_vars=extra_vars, verbosity=4)
    assert run.rc != 0
    with open(token_file, "rb") as handle:
        assert handle.read() == before
    assert old not in run.stdout + run.stderr
