#!/usr/bin/python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
module: exo_settings_info
short_description: Read Exchange Online objects as desired-state input for exo_settings and exo_object
version_added: 0.1.0
description:
  - Reads the objects of a type (or those named by O(identity) or matching O(filter)) and returns the listed
    properties of each in the form M(csp.exchange.exo_settings) and M(csp.exchange.exo_object) take, so that
    feeding them back changes nothing. Used by C(playbooks/export.yml) to turn a golden tenant into a baseline.
  - Values are turned into Set- forms where Get- shows something else (exact sizes such as C(150MB) instead of
    C("150 MB (157,286,400 bytes)"), ISO-8601 durations as C(d.hh:mm:ss), addresses without C(smtp:)).
  - Properties that only C(New-X) takes (a remote domain's C(DomainName)) are returned in C(create_parameters).
options:
  object:
    description:
      - The noun, for example C(RemoteDomain), C(TransportRule), C(OrganizationConfig).
    type: str
    required: true
  identity:
    description:
      - One identity or a list of identities to read. Omitted for singletons such as C(TransportConfig).
    type: list
    elements: str
  filter:
    description:
      - An OPATH filter selecting the objects.
    type: str
  properties:
    description:
      - The properties to return. Default is a curated list of settable properties for C(OrganizationConfig),
        C(TransportConfig), C(AdminAuditLogConfig), C(RemoteDomain), C(SharingPolicy), C(TransportRule),
        C(DkimSigningConfig), C(HostedOutboundSpamFilterPolicy), C(ExternalInOutlook), C(AntiPhishPolicy) and
        C(AntiPhishRule); required for other nouns.
    type: list
    elements: str
extends_documentation_fragment:
  - csp.exchange.auth
  - csp.exchange.attributes
  - csp.exchange.attributes.in_process
  - csp.exchange.attributes.actiongroup_auth
attributes:
  check_mode:
    support: full
    details: Reads only, in check mode as otherwise.
  diff_mode:
    support: none
  platform:
    platforms: all
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
- name: Transport rules of the golden tenant
  csp.exchange.exo_settings_info:
    tenant: golden.onmicrosoft.com
    object: TransportRule
  register: golden_rules

- name: The same rules in another tenant
  csp.exchange.exo_object:
    tenant: "{{ tenant_id }}"
    object: TransportRule
    identity: "{{ item.identity }}"
    settings: "{{ item.settings }}"
  loop: "{{ golden_rules.objects }}"
"""

RETURN = r"""
objects:
  description: One entry per object, C(identity) being V(null) for singletons.
  returned: success
  type: list
  elements: dict
  contains:
    identity:
      description: The object's name.
      type: str
    settings:
      description: The listed properties in Set- form.
      type: dict
    create_parameters:
      description: Properties only C(New-X) takes.
      type: dict
  sample: [{identity: Default, settings: {AutoForwardEnabled: false}, create_parameters: {DomainName: "*"}}]
"""

from ansible_collections.csp.exchange.plugins.module_utils.errors import InvalidInputError
from ansible_collections.csp.exchange.plugins.module_utils.module import CspModule
from ansible_collections.csp.exchange.plugins.module_utils.exchange.settings import PROPERTY_NAME
from ansible_collections.csp.exchange.plugins.module_utils.exchange.export import properties_for, read_objects
from ansible_collections.csp.exchange.plugins.module_utils.exchange.parameter_check import check_parameters


def main_logic(module):
    p = module.params
    noun = p["object"]
    if not noun or not PROPERTY_NAME.match(noun):
        raise InvalidInputError("object %r must be a cmdlet noun such as RemoteDomain." % noun)
    properties = properties_for(noun, p["properties"])
    bad = [name for name in properties if not PROPERTY_NAME.match(name)]
    if bad:
        raise InvalidInputError("properties must be property names (letters and digits only): %s." % ", ".join(bad))
    if p["filter"]:
        check_parameters("Get-%s" % noun, ["Filter"], module.warn, module.check_mode)
    objects = read_objects(module.exchange(), noun, properties, p["identity"], p["filter"])
    return dict(changed=False, objects=objects)


def main():
    module = CspModule(argument_spec=dict(
        object=dict(type="str", required=True),
        identity=dict(type="list", elements="str"),
        filter=dict(type="str"),
        properties=dict(type="list", elements="str"),
    ), mutually_exclusive=[["identity", "filter"]])
    module.run(main_logic)


if __name__ == "__main__":
    main()
