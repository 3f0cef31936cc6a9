"""Rotating the partner token keeps the vault file readable by whoever could read it: the same vault id and password."""
import os

import yaml
from ansible.parsing.vault import VaultLib, VaultSecret

from tests import harness
from tests.integration.conftest import dump

PLAYBOOK = os.path.join(harness.ROOT, "playbooks", "rotate_token.yml")


def _write(path, data):
    with open(path, "wb") as handle:
        handle.write(data)


def test_rotation_keeps_the_vault_id_and_password_the_file_was_encrypted_with(sb):
    """A partner that starts ansible-playbook with two vault ids (say dev and prod) keeps the token file under prod.
    Written back with the first secret given (dev), every later run that has only the prod password could no longer
    read the partner token: the partner would be locked out of every customer."""
    tmp = str(sb.tmp_path)
    dev_file, prod_file = os.path.join(tmp, "dev-pass"), os.path.join(tmp, "prod-pass")
    _write(dev_file, b"dev-password")
    _write(prod_file, b"prod-password")
    prod = VaultSecret(b"prod-password")
    token_file = os.path.join(tmp, "partner.vault.yml")
    old = sb.env["CSP_REFRESH_TOKEN"]
    _write(token_file, VaultLib([("prod", prod)]).encrypt(
        yaml.safe_dump({"csp_refresh_token": old, "csp_refresh_token_issued_at": "2026-10-01T00:00:00Z"}),
        prod, vault_id="prod"))
    env = dict(sb.env, ANSIBLE_VAULT_IDENTITY_LIST="dev@%s,prod@%s" % (dev_file, prod_file))
    env.pop("CSP_REFRESH_TOKEN")
    run = harness.run_playbook(PLAYBOOK, env, extra_vars={"token_file": token_file})
    assert run.rc == 0, dump(run)
    with open(token_file, "rb") as handle:
        data = handle.read()
    # Still readable with the password it was encrypted with, and still labelled prod.
    assert data.startswith(b"$ANSIBLE_VAULT;1.2;AES256;prod"), data[:40]
    stored = yaml.safe_load(VaultLib([("prod", prod)]).decrypt(data))
    assert stored["csp_refresh_token"] != old
