#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: exo_object
short_description: One named Exchange Online object with a lifecycle (created, converged, removed)
version_added: 0.1.0
description:
  - Ensures one object such as a transport rule, remote domain, DKIM signing configuration, policy or rule exists
    with the given O(settings), or does not exist.
  - V(present) creates the object with C(New-X) when it is missing (with the properties C(New-X) takes; the rest
    are set with C(Set-X) right after), otherwise runs C(Set-X) with only the differing properties.
    V(absent) runs C(Remove-X) when the object exists, and only with O(allow_destructive).
  - Values are compared as M(csp.exchange.exo_settings) compares them (sizes, time spans in C(d.hh:mm:ss) or
    ISO-8601 C(PT4H) form, C(Unlimited), case where Exchange ignores it, V(null) as empty).
  - "Where Get- and New-/Set- disagree the module translates: a rule's C(State) is created with C(-Enabled) and
    changed with C(Enable-X)/C(Disable-X); C(IsDefault: true) becomes the switch C(-MakeDefault); C(New-DkimSigningConfig)
    is named with C(-DomainName); C(New-RemoteDomain) takes only C(Name) and C(DomainName)."
  - The object is found by O(identity), and C(New-X) names it so. A C(Name) in O(settings) that differs from
    O(identity) renames it where C(Set-X) takes C(-Name) in Exchange Online (a transport rule, a remote domain, a
    rule or connector, for example). The object is then found by either name, and created under the new one when
    missing.
    Where C(Set-X) cannot rename, and when O(create_parameters) names the object differently from O(identity), the
    task fails before any write.
  - A C(New-X) whose answer was lost is never sent again in the same run. The object is read back, allowing for
    replication lag, and the task fails naming what to check when it still cannot be seen.
  - Before any request, in check mode too, O(settings) are checked against the parameters of C(Set-X) and
    O(create_parameters) against those of C(New-X) in Microsoft's cmdlet reference for Exchange Online, shipped with
    the collection; a name the cmdlet does not take fails the task with the nearest valid names. Cmdlets the
    reference does not know are sent unchecked (with a warning in check mode).
  - A dehydrated organisation gets C(Enable-OrganizationCustomization) once, when Exchange asks for it.
  - A parameter Exchange refuses as access denied (a licence-dependent parameter, such as Defender for Office 365
    settings of an anti-phish policy) is left out, the rest is applied, and the task fails naming it in
    RV(refused_parameters).
  - Organisation singletons (C(TransportConfig), C(ExternalInOutlook), ...) are managed without O(identity); they
    are never created or removed.
options:
  object:
    description:
      - The noun, for example C(TransportRule), C(RemoteDomain), C(DkimSigningConfig), C(AntiPhishPolicy).
    type: str
    required: true
  identity:
    description:
      - The object's name (or any identity C(Get-X -Identity) accepts). Also the name given to C(New-X)
        unless O(create_parameters) names it.
      - Omitted only for organisation singletons.
    type: str
  state:
    description:
      - Whether the object should exist.
    type: str
    choices: [present, absent]
    default: present
  settings:
    description:
      - Desired values in the form C(Set-X)/C(New-X) take, compared with what C(Get-X) shows. Rules take
        C(State) (C(Enabled)/C(Disabled)); policies take C(IsDefault).
      - >-
        A list-valued property takes a list (the full set), or C({add: [...]}) / C({remove: [...]}) to manage
        only some members.
    type: dict
    default: {}
  create_parameters:
    description:
      - Parameters only C(New-X) takes (for example C(DomainName) of a remote domain, C(KeySize) of a DKIM
        signing configuration). Sent when the object is created, never compared.
      - A name given here (C(Name), or C(DomainName) of a DKIM signing configuration) must equal O(identity).
    type: dict
    default: {}
  allow_destructive:
    description:
      - Allow V(absent) to remove an existing object. Without it the task fails before any write.
    type: bool
    default: false
extends_documentation_fragment:
  - csp.exchange.auth
  - csp.exchange.journal
  - csp.exchange.attributes
  - csp.exchange.attributes.in_process
  - csp.exchange.attributes.actiongroup_auth
attributes:
  check_mode:
    support: full
    details: Reads only and reports the action it would take.
  diff_mode:
    support: full
    details: Shows the compared properties before and after (V(null) when the object does not exist).
  platform:
    platforms: all
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
- name: External sender warning (CISA MS.EXO.7.1)
  csp.exchange.exo_object:
    tenant: "{{ tenant_id }}"
    object: TransportRule
    identity: External sender warning
    settings:
      State: Enabled
      Mode: Enforce
      FromScope: NotInOrganization
      SenderAddressLocation: Header
      PrependSubject: "[EXTERNAL] "

- name: A partner domain that may receive automatic forwards
  csp.exchange.exo_object:
    tenant: "{{ tenant_id }}"
    object: RemoteDomain
    identity: Fabrikam
    create_parameters:
      DomainName: fabrikam.com
    settings:
      AutoForwardEnabled: true

- name: DKIM for a custom domain
  csp.exchange.exo_object:
    tenant: "{{ tenant_id }}"
    object: DkimSigningConfig
    identity: contoso.com
    create_parameters:
      KeySize: 2048
    settings:
      Enabled: true

- name: Remove an old rule
  csp.exchange.exo_object:
    tenant: "{{ tenant_id }}"
    object: TransportRule
    identity: Legacy disclaimer
    state: absent
    allow_destructive: true
"""

RETURN = r"""
action:
  description: What was done (or would be done in check mode).
  returned: success
  type: str
  choices: [created, updated, removed, none]
before:
  description: The compared properties as Exchange showed them; V(null) when the object did not exist.
  returned: success
  type: dict
after:
  description: The compared properties afterwards (desired values where they were written); V(null) when absent.
  returned: success
  type: dict
refused_parameters:
  description: >-
    Parameters Exchange refused as access denied (usually a licence the tenant lacks), as
    C({parameter, cmdlet, reason}); everything else was applied and the task fails.
  returned: always
  type: list
  elements: dict
"""

from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.exchange.objects import ObjectRun
from ansible_collections.csp.exchange.plugins.module_utils.exchange.parameter_check import check_object
from ansible_collections.csp.exchange.plugins.module_utils.module import JOURNAL_ARGSPEC, CspModule
from ansible_collections.csp.exchange.plugins.module_utils.exchange.settings import PROPERTY_NAME


def main_logic(module):
    p = module.params
    noun = p["object"]
    if not noun or not PROPERTY_NAME.match(noun):
        raise InvalidInputError("object %r must be a cmdlet noun such as TransportRule." % noun)
    for name in list(p["settings"]) + list(p["create_parameters"]):
        if not PROPERTY_NAME.match(name):
            raise InvalidInputError("%r is not a property name (letters and digits only)." % name)
    check_object(noun, p["settings"], p["create_parameters"], module.warn, module.check_mode)
    client = module.exchange()
    run = ObjectRun(client, noun, p["identity"], p["settings"], p["create_parameters"])
    action, before, after = run.converge(p["state"], p["allow_destructive"], module.check_mode,
                                         journal=module.open_journal("csp.exchange.exo_object", client))
    result = dict(changed=action != "none", action=action, before=before, after=after, refused_parameters=run.refused)
    if module._diff:
        result["diff"] = dict(before=before, after=after)
    if run.refused:
        module.fail("%s '%s' in tenant %s: %s; everything else was applied." % (
            noun, p["identity"] or noun, module.tenant, "; ".join(
                "%s refused %s (access denied: not in the role definition, usually a licence the tenant lacks)"
                % (r["cmdlet"], r["parameter"]) for r in run.refused)), **result)
    return result


def main():
    module = CspModule(argument_spec=dict(
        object=dict(type="str", required=True),
        identity=dict(type="str"),
        state=dict(type="str", default="present", choices=["present", "absent"]),
        settings=dict(type="dict", default={}),
        create_parameters=dict(type="dict", default={}),
        allow_destructive=dict(type="bool", default=False),
        **JOURNAL_ARGSPEC
    ))
    module.run(main_logic)


if __name__ == "__main__":
    main()
