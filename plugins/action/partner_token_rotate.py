# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from ansible.errors import AnsibleError

from ansible_collections.csp.exchange.plugins.plugin_utils.in_process import InProcessAction, preload
from ansible_collections.csp.exchange.plugins.plugin_utils.token_vault import (
    ISSUED_VAR, TOKEN_VAR, now_iso, read_token_file, vault_secrets, write_token_file)


preload("exo_token")

OWN_OPTIONS = ("path", "vault_password_file")


class ActionModule(InProcessAction):
    """csp.exchange.partner_token_rotate: read the vault file, redeem its refresh token once (csp.exchange.exo_token
    for Partner Center, in this worker process), and write the rotated token back with its issue time; the token is
    never in the task's arguments or result. Runs on the controller whatever the task's connection."""

    _supports_async = False

    def run(self, tmp=None, task_vars=None):
        task_vars = task_vars or {}
        result = super(InProcessAction, self).run(tmp, task_vars)     # ActionBase: the task's common result keys
        args = dict(self._task.args)
        path = args.get("path")
        if not path:
            return dict(result, failed=True, msg="path (the vault file holding %s) is required." % TOKEN_VAR)
        try:
            secrets = vault_secrets(self._loader, args.get("vault_password_file"))
            stored, used = read_token_file(path, secrets)
        except (AnsibleError, OSError) as exc:
            return dict(result, failed=True, msg="Cannot read %s: %s" % (path, exc))
        if self._task.check_mode:      # redeeming is the change: check mode only proves the file can be read
            return dict(result, changed=True, path=path, issued_at=stored.get(ISSUED_VAR))
        module_args = dict((k, v) for k, v in args.items() if k not in OWN_OPTIONS)
        module_args.update(resource="partner_center", refresh_token=stored[TOKEN_VAR], auth_mode="delegated")
        redeemed = self._run_in_process(task_vars, action="csp.exchange.exo_token", args=module_args)
        token = redeemed.get("refresh_token")
        if redeemed.get("failed") or not token or token == stored[TOKEN_VAR]:
            reason = redeemed.get("msg") or "the identity platform returned no new refresh token"
            return dict(result, failed=True, changed=False, path=path,
                        msg="The stored partner refresh token was not rotated and %s is unchanged: %s" % (path, reason))
        issued_at = now_iso()
        keep = dict((k, v) for k, v in stored.items() if k not in (TOKEN_VAR, ISSUED_VAR))
        write_token_file(path, secrets, token, issued_at, keep=keep, secret=used)
        return dict(result, changed=True, path=path, issued_at=issued_at, previous_issued_at=stored.get(ISSUED_VAR))
