# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from ansible.errors import AnsibleError

from ansible_collections.csp.exchange.plugins.plugin_utils.in_process import InProcessAction, preload
from ansible_collections.csp.exchange.plugins.plugin_utils.token_vault import (
    now_iso, vault_secrets, write_token_file)


preload("partner_device_login")

VAULT_OPTIONS = ("vault_file", "vault_password_file")


class ActionModule(InProcessAction):
    """Runs csp.exchange.partner_device_login in the worker process. With ``vault_file`` the finished sign-in's
    refresh token goes from the module straight into that vault file here, in this process (plugin_utils/token_vault.py),
    and is not returned."""

    def run(self, tmp=None, task_vars=None):
        args = dict(self._task.args)
        if not args.get("vault_file"):
            return super(ActionModule, self).run(tmp, task_vars)
        task_vars = task_vars or {}
        result = super(InProcessAction, self).run(tmp, task_vars)     # ActionBase: the task's common result keys
        if self._task.check_mode:
            return dict(result, changed=True, vault_file=args["vault_file"])
        try:
            secrets = vault_secrets(self._loader, args.get("vault_password_file"))
        except AnsibleError as exc:
            return dict(result, failed=True, msg=str(exc))
        module_args = dict((k, v) for k, v in args.items() if k not in VAULT_OPTIONS)
        signed_in = self._run_in_process(task_vars, args=module_args)
        token = signed_in.pop("refresh_token", None)
        if signed_in.get("failed") or not token:
            return dict(result, **signed_in)
        write_token_file(args["vault_file"], secrets, token, now_iso())
        signed_in.update(changed=True, vault_file=args["vault_file"])
        return dict(result, **signed_in)
