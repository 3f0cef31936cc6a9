#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: exo_command
short_description: Run one Exchange Online cmdlet in a customer tenant through the admin REST API
version_added: 0.1.0
description:
  - Runs a cmdlet (for example C(Get-Mailbox) or C(Set-OrganizationConfig)) through the Exchange Online admin
    REST API that the ExchangeOnlineManagement V3 module uses, with the partner's Secure Application Model
    credentials. No PowerShell is needed.
  - The tenant is addressed by GUID (a domain given in O(tenant) is turned into the GUID), so vanity domains
    work and writes land reliably.
  - All result pages are followed with the same C(X-AnchorMailbox), OData annotations are removed, and
    transient failures and throttling are retried.
  - Before any request, in check mode too, the parameter names are checked against Microsoft's cmdlet reference for
    Exchange Online, shipped with the collection; a parameter the cmdlet does not take there fails the task with the
    nearest valid names. A cmdlet the reference does not know is sent unchecked (with a warning in check mode).
  - C(changed) is false for read-only verbs (C(Get), C(Test), C(Search), C(Export)...) and when Exchange answers
    that no settings were modified; true otherwise.
options:
  cmdlet:
    description:
      - The cmdlet, as C(Verb-Noun), for example C(Get-Mailbox).
    type: str
    required: true
  parameters:
    description:
      - Cmdlet parameters as a dictionary of JSON values. Names are case-insensitive.
      - Values of parameters whose name contains C(Password) or C(Secret) are treated as C(no_log) (masked in
        results and messages), and the module never logs its arguments to the system log.
      - >-
        Use V(null) to clear a property, and C({"@odata.type": "#Exchange.GenericHashTable", "Add": [...]})
        for PowerShell hashtable parameters.
    type: dict
    default: {}
  select:
    description:
      - Properties to return (a server-side projection; fewer bytes on the wire).
    type: list
    elements: str
  anchor_mailbox:
    description:
      - Value of the C(X-AnchorMailbox) header. Defaults to the tenant's system mailbox.
      - Set it to the target mailbox's UPN for mailbox-scoped cmdlets such as C(Get-InboxRule).
    type: str
  result_size:
    description:
      - The most rows to return, or V(unlimited) to follow every page.
    type: str
    default: unlimited
  page_size:
    description:
      - "Rows per page (C(Prefer: odata.maxpagesize)), 1 to 1000. Every page is still followed."
    type: int
    default: 1000
  allow_destructive:
    description:
      - Allow cmdlets whose verb removes or disables something (C(Remove-), C(Disable-), C(Clear-)...).
    type: bool
    default: false
extends_documentation_fragment:
  - csp.exchange.auth
  - csp.exchange.attributes
  - csp.exchange.attributes.in_process
  - csp.exchange.attributes.actiongroup_auth
attributes:
  check_mode:
    support: full
    details:
      - Read-only cmdlets run in check mode; no other cmdlet is sent.
      - A C(Set-) cmdlet is compared with what its C(Get-) counterpart shows (as M(csp.exchange.exo_settings)
        compares), and reports C(changed) only when it would change something.
      - Where that cannot be read or compared, and for other verbs, the task reports C(changed) with a warning
        that check mode cannot predict it.
  diff_mode:
    support: none
  platform:
    platforms: all
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
- name: Read the organisation configuration
  csp.exchange.exo_command:
    tenant: contoso.onmicrosoft.com
    cmdlet: Get-OrganizationConfig
    select: [Name, AuditDisabled]
  register: org

- name: Set a mailbox quota (credentials from module_defaults or CSP_* variables)
  csp.exchange.exo_command:
    tenant: 22222222-2222-2222-2222-222222222222
    cmdlet: Set-Mailbox
    parameters:
      Identity: jdoe@contoso.com
      ProhibitSendQuota: 49GB
      ProhibitSendReceiveQuota: 50GB

- name: Inbox rules, anchored on the mailbox
  csp.exchange.exo_command:
    tenant: contoso.com
    cmdlet: Get-InboxRule
    parameters: {Mailbox: jdoe@contoso.com}
    anchor_mailbox: jdoe@contoso.com
"""

RETURN = r"""
result:
  description: Objects the cmdlet returned, without OData annotations.
  returned: success
  type: list
  elements: dict
cmdlet_warnings:
  description: Warnings Exchange returned (paging notices removed).
  returned: success
  type: list
  elements: str
count:
  description: Number of objects in RV(result).
  returned: success
  type: int
tenant_id:
  description: The tenant GUID the request was addressed to.
  returned: success
  type: str
"""

import json
import re

from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.module import CspModule
from ansible_collections.csp.exchange.plugins.module_utils.exchange.cmdlets import DESTRUCTIVE_VERBS, cmdlet_verb, is_read_only
from ansible_collections.csp.exchange.plugins.module_utils.exchange.parameter_check import check_parameters
from ansible_collections.csp.exchange.plugins.module_utils.exchange.preview import Preview, preview_set

CMDLET_RE = re.compile(r"^[A-Za-z]+-[A-Za-z0-9]+$")
# Parameters whose values are secrets (New-MailUser -Password, Set-Mailbox -NewPassword, ... -SharedSecret).
SECRET_PARAMETER = re.compile(r"password|secret", re.I)


def protect_secret_parameters(module):
    """Treat the values of secret-named parameters as no_log: masked in every result, message and invocation."""
    for name, value in (module.params["parameters"] or {}).items():
        if SECRET_PARAMETER.search(name):
            for text in (value if isinstance(value, list) else [value]):
                if text not in (None, "") and not isinstance(text, (bool, dict)):
                    module.no_log_values.add(str(text))
                    module.redactor.add(str(text))


def validate(params):
    cmdlet = params["cmdlet"]
    if not CMDLET_RE.match(cmdlet or ""):
        raise InvalidInputError("cmdlet %r is not of the form Verb-Noun (for example Get-Mailbox)." % cmdlet)
    try:
        json.dumps(params["parameters"], allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise InvalidInputError("parameters of %s must be JSON values (strings, numbers, booleans, null, lists, "
                                "dictionaries): %s." % (cmdlet, exc))
    size = str(params["result_size"]).strip().lower()
    if size == "unlimited":
        result_size = None
    elif size.isascii() and size.isdigit() and int(size) > 0:
        result_size = int(size)
    else:
        raise InvalidInputError("result_size must be a positive integer or 'unlimited', got %r." % params["result_size"])
    if not 1 <= params["page_size"] <= 1000:
        raise InvalidInputError("page_size must be between 1 and 1000, got %s." % params["page_size"])
    if cmdlet_verb(cmdlet) in DESTRUCTIVE_VERBS and not params["allow_destructive"]:
        raise InvalidInputError("%s is destructive, so it was not sent to tenant %s; set allow_destructive: true to "
                                "run it." % (cmdlet, params["tenant"]))
    return result_size


def main_logic(module):
    protect_secret_parameters(module)
    p = module.params
    result_size = validate(p)
    cmdlet = p["cmdlet"]
    # "<Param>@odata.type" siblings annotate a parameter's value; they are not parameters themselves.
    check_parameters(cmdlet, [k for k in p["parameters"] or {} if "@" not in k], module.warn, module.check_mode)
    read_only = is_read_only(cmdlet)
    client = module.exchange(page_size=p["page_size"])
    if module.check_mode and not read_only:
        return check_mode_result(module, client, cmdlet)
    outcome = client.invoke(cmdlet, p["parameters"], select=p["select"], result_size=result_size,
                            anchor=p["anchor_mailbox"])
    return dict(changed=not read_only and not outcome.no_change, result=outcome.rows,
                cmdlet_warnings=outcome.warnings, count=len(outcome.rows), tenant_id=client.segment)


def check_mode_result(module, client, cmdlet):
    """A Set- is compared with what its Get- shows; anything else, or a Set- that cannot be compared, is reported
    as changed with a warning that check mode cannot predict it."""
    p = module.params
    result = dict(result=[], cmdlet_warnings=[], count=0, tenant_id=client.segment)
    preview = preview_set(client, cmdlet, p["parameters"], p["anchor_mailbox"]) if cmdlet_verb(cmdlet) == "set" \
        else Preview(None, "only a Set- cmdlet can be compared with its Get- counterpart")
    if preview.changed is None:
        module.warn("Check mode cannot predict whether %s changes anything in tenant %s: %s." % (
            cmdlet, p["tenant"], preview.reason))
        return dict(result, changed=True, msg="Check mode: %s was not sent; whether it would change anything is "
                                              "unknown (%s)." % (cmdlet, preview.reason))
    if not preview.changed:
        return dict(result, changed=False, msg="Check mode: %s was not sent; it would change nothing." % cmdlet)
    return dict(result, changed=True, msg="Check mode: %s was not sent; it would change %s." % (
        cmdlet, ", ".join(sorted(preview.change.after))))


def main():
    module = CspModule(argument_spec=dict(
        cmdlet=dict(type="str", required=True),
        parameters=dict(type="dict", default={}),
        select=dict(type="list", elements="str"),
        anchor_mailbox=dict(type="str"),
        result_size=dict(type="str", default="unlimited"),
        page_size=dict(type="int", default=1000),
        allow_destructive=dict(type="bool", default=False),
    ), no_log=True)     # never log the invocation: parameters may carry a password (see protect_secret_parameters)
    module.run(main_logic)


if __name__ == "__main__":
    main()
