#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
module: exo_settings
short_description: Desired state for Exchange Online objects that have a Get-X/Set-X pair
version_added: 0.1.0
description:
  - Reads every object of a type (or those matching O(identity) or O(filter)) in bulk, compares the desired
    O(settings) after normalising Exchange's value formats, and writes only the differing properties of the
    differing objects, ten to a C($batch) request with bounded concurrency.
  - Normalisation makes C("49.5 GB (53,150,220,288 bytes)") equal C(49.5GB), C(Unlimited) equal C(unlimited),
    C("14.00:00:00") equal C(14) days (a number given for any time span means days), C(smtp:) prefixes and case
    irrelevant where Exchange ignores them (enums, names, addresses), and V(null) equal an empty list or string.
    Free text such as C(DisplayName) or C(CustomAttribute1) is compared exactly, case included. Tri-state
    settings such as C(SmtpClientAuthenticationDisabled) keep V(null) distinct from V(false).
  - Members of recipient-valued properties (C(GrantSendOnBehalfTo), C(ForwardingAddress), ...) may be given in
    any identity form; they are resolved with C(Get-Recipient) to the names Exchange shows before comparing.
  - Listed identities are resolved as Exchange resolves C(-Identity), and two forms of one object (an alias and
    an address) read and write it once.
  - A failed object is reported in RV(failed_identities) while the others are applied; the task then fails.
options:
  object:
    description:
      - The noun of the Get-/Set- pair, for example C(Mailbox), C(CASMailbox), C(OrganizationConfig),
        C(MailboxAuditBypassAssociation).
    type: str
    required: true
  identity:
    description:
      - One identity or a list of identities to manage. Omitted for singletons such as C(OrganizationConfig).
    type: list
    elements: str
  filter:
    description:
      - An OPATH filter selecting the objects (for example C(RecipientTypeDetails -eq 'SharedMailbox')).
      - With neither O(identity) nor O(filter), every object of the type is covered.
    type: str
  settings:
    description:
      - Desired values by property name, in the form the Set- cmdlet takes (C(49GB), C(unlimited), C(30) days,
        V(true), V(null) to clear).
      - >-
        A list-valued property takes a list (the full set), or C({add: [...]}) / C({remove: [...]}) to manage
        only some members.
    type: dict
    required: true
  max_changes:
    description:
      - Fail before writing anything when more objects than this would change (a guard against a wrong filter).
    type: int
  concurrency:
    description:
      - C($batch) requests in flight at once. Exchange limits concurrent requests per tenant.
    type: int
    default: 4
extends_documentation_fragment:
  - csp.exchange.auth
  - csp.exchange.attributes
  - csp.exchange.attributes.actiongroup_auth
attributes:
  check_mode:
    support: full
    details: Reads only and reports what would change.
  diff_mode:
    support: full
    details: Shows the differing properties before and after, per object.
  platform:
    platforms: all
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
- name: Quotas and single item recovery for every user mailbox
  csp.exchange.exo_settings:
    tenant: "{{ tenant_id }}"
    object: Mailbox
    filter: "RecipientTypeDetails -eq 'UserMailbox'"
    settings:
      ProhibitSendQuota: 49GB
      ProhibitSendReceiveQuota: 50GB
      SingleItemRecoveryEnabled: true
    max_changes: 500

- name: Organisation settings
  csp.exchange.exo_settings:
    tenant: "{{ tenant_id }}"
    object: OrganizationConfig
    settings:
      AuditDisabled: false
      OAuth2ClientProfileEnabled: true

- name: Block legacy protocols on one mailbox, add an audit action
  csp.exchange.exo_settings:
    tenant: "{{ tenant_id }}"
    object: CASMailbox
    identity: jdoe@contoso.com
    settings:
      IMAPEnabled: false
      POPEnabled: false
"""

RETURN = r"""
matched:
  description: Number of objects read and compared.
  returned: success
  type: int
changes:
  description: The objects that differed, with only the differing properties before and after.
  returned: success
  type: list
  elements: dict
  sample: [{identity: jdoe, before: {ProhibitSendQuota: "99 GB (106,300,440,576 bytes)"}, after: {ProhibitSendQuota: 49GB}}]
failed_identities:
  description: Objects that could not be read or written, as C({identity, stage, reason}) with stage C(read) or C(write).
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.module import CspModule
from ansible_collections.csp.exchange.plugins.module_utils.settings import SettingsRun, parse_settings

NOUN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789")


def main_logic(module):
    p = module.params
    noun = p["object"]
    if not noun or not set(noun) <= NOUN_CHARS or not noun[0].isalpha():
        raise InvalidInputError("object %r must be the noun of a Get-/Set- cmdlet pair, such as Mailbox." % noun)
    if p["max_changes"] is not None and p["max_changes"] < 0:
        raise InvalidInputError("max_changes must be 0 or more, got %s." % p["max_changes"])
    desired = parse_settings(p["settings"])
    run = SettingsRun(module.exchange(), noun, desired, identities=p["identity"], opath_filter=p["filter"],
                      concurrency=p["concurrency"])
    changes = run.plan()
    if p["max_changes"] is not None and len(changes) > p["max_changes"]:
        raise InvalidInputError("%d %s objects would change in tenant %s, more than max_changes (%d), so nothing "
                                "was written; check the filter and settings, or raise max_changes."
                                % (len(changes), noun, module.tenant, p["max_changes"]))
    applied = changes if module.check_mode else run.apply(changes)
    result = dict(changed=bool(applied), matched=run.matched, changes=[c.as_dict() for c in applied],
                  failed_identities=run.failed)
    if module._diff:
        result["diff"] = dict(before=dict((c.identity, c.before) for c in applied),
                              after=dict((c.identity, c.after) for c in applied))
    if run.failed:
        unread = sum(1 for f in run.failed if f["stage"] == "read")
        module.fail("%d of %d %s objects in tenant %s could not be read or changed (the others were %s); first: %s"
                    % (len(run.failed), run.matched + unread, noun, module.tenant,
                       "checked" if module.check_mode else "applied", run.failed[0]["reason"]), **result)
    return result


def main():
    module = CspModule(argument_spec=dict(
        object=dict(type="str", required=True),
        identity=dict(type="list", elements="str"),
        filter=dict(type="str"),
        settings=dict(type="dict", required=True),
        max_changes=dict(type="int"),
        concurrency=dict(type="int", default=4),
    ), mutually_exclusive=[["identity", "filter"]])
    module.run(main_logic)


if __name__ == "__main__":
    main()
