# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: partner_customers
short_description: The CSP partner's customer tenants as inventory hosts
version_added: 0.1.0
description:
  - One host per customer tenant of the partner, listed from Partner Center or from GDAP (Microsoft Graph
    C(delegatedAdminCustomers)), every page followed. The same list as M(csp.exchange.partner_customer_info).
  - Host names are the customer's default domain by default (see O(hostname)); a name two customers would
    share gets C(_<tenant id>) appended on both, so names are unique and depend neither on listing order nor
    on O(include) and O(exclude).
  - Host variables C(tenant_id), C(customer_name), C(default_domain) (null with O(source=gdap)) and
    C(relationship).
  - Every host is in the group C(customers), which sets C(ansible_connection=local) and
    C(ansible_python_interpreter={{ ansible_playbook_python }}), because a customer tenant is not a machine
    and the modules run on the controller's Python (with C(cryptography) for a certificate credential).
    Override either in C(group_vars) or with O(compose).
  - The configuration file name must end in C(partner_customers.yml) or C(partner_customers.yaml).
  - The cache holds the customer list only, never a credential or token. Its key covers the source, the
    cloud, the endpoints, the partner tenant, the client id and a digest of the credential, so a list is never
    served to another service (a sandbox's list to production) or another partner app.
options:
  plugin:
    description: The name of this plugin; C(csp.exchange.partner_customers) marks the file as its configuration.
    type: str
    required: true
    choices: [csp.exchange.partner_customers]
  source:
    description:
      - V(partner_center) lists every customer of the partner's Partner Center account (delegated token).
      - V(gdap) lists customers with an active GDAP relationship (Graph, C(DelegatedAdminRelationship.Read.All)).
    type: str
    choices: [partner_center, gdap]
    default: partner_center
  page_size:
    description:
      - Customers requested per page. Every page is read whatever the size.
    type: int
    default: 100
  hostname:
    description:
      - What names the hosts.
      - V(default_domain) uses the default domain, or the sanitised name where the source gives no domain (GDAP).
      - V(name) uses the company name in lower-case without accents, with each run of other characters than
        ASCII letters and digits turned into C(-) (C(Tailspin Toys) becomes C(tailspin-toys)).
      - V(tenant_id) uses the tenant GUID, which survives renames.
      - A customer lacking the chosen value is named by its tenant id.
    type: str
    choices: [default_domain, name, tenant_id]
    default: default_domain
  include:
    description:
      - Keep only customers whose tenant id, name or default domain matches one of these shell-style patterns
        (case-insensitive, for example C(*.example) or C(Contoso*)). Empty keeps every customer.
    type: list
    elements: str
    default: []
  exclude:
    description:
      - Drop customers whose tenant id, name or default domain matches one of these patterns. Applied after
        O(include).
    type: list
    elements: str
    default: []
notes:
  - O(partner_tenant), O(client_id), O(client_secret), O(client_certificate_path) and O(refresh_token) may be
    Jinja templates (for example a C(lookup) of a secret store); they are templated once, before any request.
extends_documentation_fragment:
  - constructed
  - inventory_cache
  - csp.exchange.plugin_auth
author:
  - csp.exchange maintainers (@csp-exchange)
"""

EXAMPLES = r"""
# northwind.partner_customers.yml -- credentials from the CSP_* environment variables
plugin: csp.exchange.partner_customers
partner_tenant: northwindpartners.onmicrosoft.com

---
# gdap.partner_customers.yml -- GDAP customers except test tenants, grouped by relationship
plugin: csp.exchange.partner_customers
source: gdap
hostname: name
exclude: ["*test*"]
keyed_groups:
  - key: relationship
    prefix: rel
groups:
  contoso_family: customer_name is match('Contoso')
compose:
  tenant: tenant_id

---
# cached.partner_customers.yml -- list Partner Center at most once an hour
plugin: csp.exchange.partner_customers
include: ["*.com"]
cache: true
cache_plugin: ansible.builtin.jsonfile
cache_connection: ~/.cache/csp_exchange_inventory
cache_timeout: 3600
"""

import hashlib
import json

from ansible.errors import AnsibleError
from ansible.plugins.inventory import BaseInventoryPlugin, Cacheable, Constructable
from ansible.template import trust_as_template

from ansible_collections.csp.exchange.plugins.module_utils.clients import CONNECTION_OPTIONS, Clients, parse_endpoints
from ansible_collections.csp.exchange.plugins.module_utils.errors import CspError
from ansible_collections.csp.exchange.plugins.module_utils.partner.customers import list_customers, validate_page_size
from ansible_collections.csp.exchange.plugins.module_utils.redact import Redactor
from ansible_collections.csp.exchange.plugins.plugin_utils.customer_hosts import host_names, select

GROUP = "customers"
# Options a user may write as a template (for example a secret-store lookup).
TEMPLATABLE = ("partner_tenant", "client_id", "client_secret", "client_certificate_path",
               "client_certificate_passphrase", "refresh_token")


def cache_scope(source, options):
    """What the customer list depends on, as one opaque digest: the source, where it was listed (cloud,
    endpoints), as whom (partner tenant, app, auth mode) and with which credential. Secrets enter only through
    the hash, so the cache key and file name never hold one."""
    identity = dict((name, options.get(name)) for name in CONNECTION_OPTIONS
                    if name not in ("ca_path", "validate_certs", "timeout", "max_retries"))
    try:
        identity["endpoints"] = parse_endpoints(identity.get("endpoints"))
    except CspError:
        pass                    # invalid: the listing reports it, the key only needs to differ
    identity["source"] = source
    text = json.dumps(identity, sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


class InventoryModule(BaseInventoryPlugin, Constructable, Cacheable):
    NAME = "csp.exchange.partner_customers"

    def verify_file(self, path):
        return super(InventoryModule, self).verify_file(path) and path.endswith(
            ("partner_customers.yml", "partner_customers.yaml"))

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        self._read_config_data(path)
        options = self._connection_options()
        key = "%s_%s" % (self.get_cache_key(path), cache_scope(self.get_option("source"), options))
        use_cache = self.get_option("cache")
        customers = None
        if use_cache and cache:
            customers = self._cache.get(key)
        if customers is None:
            customers = self._fetch(options)
            if use_cache:
                # Written only after a real listing, so reading the cache never extends its lifetime.
                self._cache[key] = customers
        self._populate(customers)

    def _connection_options(self):
        options = dict((name, self.get_option(name)) for name in CONNECTION_OPTIONS)
        for name in TEMPLATABLE:
            if self.templar.is_template(options[name]):
                options[name] = self.templar.template(options[name])
        return options

    def _fetch(self, options):
        redactor = Redactor([options["client_secret"], options["refresh_token"],
                             options["client_certificate_passphrase"]])
        try:
            page_size = validate_page_size(self.get_option("page_size"))
            clients = Clients.for_partner(options, redactor, warn=self.display.warning)
            try:
                if self.get_option("source") == "gdap":
                    return list_customers("gdap", graph=clients.graph(), page_size=page_size)
                return list_customers("partner_center", partner_center=clients.partner_center(), page_size=page_size)
            finally:
                clients.close()
        except CspError as exc:
            raise AnsibleError(redactor.text(exc.message))
        except AnsibleError:
            raise
        except Exception as exc:  # noqa: B902 - a traceback or repr could carry a token; report one clean line
            raise AnsibleError(redactor.text("Listing the partner's customers failed unexpectedly (%s: %s)."
                                             % (type(exc).__name__, exc)))

    def _populate(self, customers):
        # Named before filtering, so include/exclude never change a host's name.
        names = host_names(customers, self.get_option("hostname"))
        customers = select(customers, self.get_option("include"), self.get_option("exclude"))
        self.inventory.add_group(GROUP)
        self.inventory.set_variable(GROUP, "ansible_connection", "local")
        self.inventory.set_variable(GROUP, "ansible_python_interpreter", trust_as_template("{{ ansible_playbook_python }}"))
        strict = self.get_option("strict")
        for customer in customers:
            host = names[customer["tenant_id"]]
            self.inventory.add_host(host, group=GROUP)
            for var, field in (("tenant_id", "tenant_id"), ("customer_name", "name"),
                               ("default_domain", "default_domain"), ("relationship", "relationship")):
                self.inventory.set_variable(host, var, customer[field])
            hostvars = self.inventory.get_host(host).get_vars()
            self._set_composite_vars(self.get_option("compose"), hostvars, host, strict=strict)
            self._add_host_to_composed_groups(self.get_option("groups"), hostvars, host, strict=strict)
            self._add_host_to_keyed_groups(self.get_option("keyed_groups"), hostvars, host, strict=strict)
