# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The partner refresh token in its ansible-vault file, on the controller only.

The token is read, redeemed and written inside the worker process: it never goes through another process's
arguments or standard input (``ANSIBLE_DEBUG`` logs those, and ``ANSIBLE_KEEP_REMOTE_FILES`` keeps a module's
arguments on disk) and never through a plain-text file. The file is replaced atomically: the new ciphertext goes to
a temporary file beside it (readable by its owner only, holding only ciphertext) that is renamed over it, so a
failure leaves the old file as it was.

The file is a vars file: ``csp_refresh_token`` and ``csp_refresh_token_issued_at`` (UTC, ISO 8601). A refresh token
is valid 90 days from issue and each redemption returns a new one (Microsoft identity platform docs, "Refresh
tokens"), so the issue time is what tells how long the stored one has left.
"""

import datetime
import os
import tempfile

import yaml

from ansible.errors import AnsibleError
from ansible.module_utils.common.text.converters import to_bytes, to_text
from ansible.parsing.vault import VaultLib, get_file_vault_secret, parse_vaulttext_envelope

TOKEN_VAR = "csp_refresh_token"
ISSUED_VAR = "csp_refresh_token_issued_at"


def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def vault_secrets(loader, password_file):
    """[(vault id, secret)]: from ``password_file`` when given, else the secrets ansible-playbook was started with
    (``--vault-password-file``, ``--ask-vault-pass``)."""
    if password_file:
        secret = get_file_vault_secret(filename=os.path.expanduser(password_file), loader=loader)
        secret.load()
        return [("default", secret)]
    secrets = list(getattr(getattr(loader, "_vault", None), "secrets", None) or [])
    if not secrets:
        raise AnsibleError("No vault password: give vault_password_file or run ansible-playbook with "
                           "--vault-password-file, so the partner refresh token is only ever written encrypted.")
    return secrets


def read_token_file(path, secrets):
    """(the vars in the vault file ``path``, the (vault id label, secret) that decrypted it). The file is written back
    with that same secret and label, so that whoever could read it before still can, whatever other vault ids the
    run was given."""
    with open(path, "rb") as handle:
        data = handle.read()
    vault = VaultLib(secrets)
    if not vault.is_encrypted(data):
        raise AnsibleError("%s is not ansible-vault encrypted; the partner refresh token is kept only in a vault file."
                           % path)
    plaintext, used_id, used_secret = vault.decrypt_and_get_vault_id(data)
    label = parse_vaulttext_envelope(data.strip())[3] or used_id
    content = yaml.safe_load(to_text(plaintext)) or {}
    if not isinstance(content, dict) or not content.get(TOKEN_VAR):
        raise AnsibleError("%s holds no %s." % (path, TOKEN_VAR))
    return content, (label, used_secret)


def write_token_file(path, secrets, token, issued_at, keep=None, secret=None):
    """Encrypt ``{csp_refresh_token, csp_refresh_token_issued_at}`` (plus ``keep``, the file's other vars) with
    ``secret`` ((vault id label, secret): the one that decrypted the file, see read_token_file; else the run's first)
    and put it at ``path`` atomically; a symbolic link is followed, so its target gets the new token."""
    content = dict(keep or {})
    content.update({TOKEN_VAR: token, ISSUED_VAR: issued_at})
    vault_id, chosen = secret or secrets[0]
    ciphertext = VaultLib(secrets).encrypt(yaml.safe_dump(content, default_flow_style=False), chosen,
                                           vault_id=None if vault_id in (None, "default") else vault_id)
    path = os.path.realpath(path)
    directory = os.path.dirname(path)
    handle, temporary = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=directory)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(to_bytes(ciphertext))
            out.flush()
            os.fsync(out.fileno())
        os.chmod(temporary, 0o600)
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise
