#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: partner_token_rotate
short_description: Rotate the stored partner refresh token inside its ansible-vault file
version_added: 0.1.0
description:
  - Reads the partner refresh token from an ansible-vault encrypted vars file (as C(playbooks/onboard.yml) writes
    it), redeems it once at O(partner_tenant) for Partner Center, and writes the new refresh token the identity
    platform returns back into the same file, re-encrypted, with the time it was issued
    (C(csp_refresh_token_issued_at)). Other variables in the file are kept.
  - A refresh token is valid 90 days from issue, however often it is used, and each redemption returns a new one
    (Microsoft identity platform docs, Refresh tokens), so a token that is only ever redeemed still expires. Rotate
    the stored one regularly, for example weekly from the scheduler that runs the other playbooks.
  - Runs on the controller through its action plugin. The token is never an argument of the task, never in its
    result and never in a plain file; the file is replaced atomically, so a failed redemption leaves it as it was.
  - Check mode reads the file and redeems nothing.
options:
  path:
    description:
      - The ansible-vault encrypted vars file holding C(csp_refresh_token).
    type: path
    required: true
  vault_password_file:
    description:
      - Its vault password file; default the vault secrets ansible-playbook was started with.
    type: path
extends_documentation_fragment:
  - csp.exchange.auth
  - csp.exchange.attributes
  - csp.exchange.attributes.actiongroup_auth
attributes:
  check_mode:
    support: full
    details: Reads and decrypts the file; redeems and writes nothing.
  diff_mode:
    support: none
  platform:
    platforms: all
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
- name: Rotate the partner refresh token in its vault file
  csp.exchange.partner_token_rotate:
    path: group_vars/all/partner_token.vault.yml
    vault_password_file: ~/.vault_pass
"""

RETURN = r"""
path:
  description: The vault file.
  returned: always
  type: str
issued_at:
  description: When the stored token was issued (UTC, ISO 8601); after a rotation, the new token's.
  returned: success
  type: str
previous_issued_at:
  description: When the replaced token was issued, where the file recorded it.
  returned: after a rotation
  type: str
"""

from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.module import CspModule


def main_logic(module):
    # The work is the action plugin's (plugins/action/partner_token_rotate.py): the vault file lives on the controller.
    raise InvalidInputError("partner_token_rotate runs on the controller through its action plugin only.")


def main():
    module = CspModule(require_tenant=False, require_credentials=False, argument_spec=dict(
        path=dict(type="path", required=True),
        vault_password_file=dict(type="path", no_log=False),
    ))
    module.run(main_logic)


if __name__ == "__main__":
    main()
