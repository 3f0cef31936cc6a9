"""The inventory plugin with the listing replaced: hosts, variables, constructed groups, filters, cache."""
import os
import sys

import pytest
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

CONTOSO = {"tenant_id": "22222222-2222-2222-2222-222222222222", "name": "Contoso", "default_domain": "contoso.com",
           "relationship": "reseller"}
FABRIKAM = {"tenant_id": "22222222-2222-2222-2222-222222222223", "name": "Fabrikam", "default_domain": "fabrikam.com",
            "relationship": "advisor"}
SECRET = "s3cret-value-never-shown"


@pytest.fixture(scope="module")
def plugin_module():
    # Through Ansible's loader (tests/unit/conftest.py installed it), so options come from DOCUMENTATION.
    return sys.modules[type(inventory_loader.get("csp.exchange.partner_customers")).__module__]


@pytest.fixture
def listing(plugin_module, monkeypatch):
    """Replaces the connection and the listing; records each listing call."""
    calls = []

    class FakeClients:
        def __init__(self, options):
            self.options = options

        @classmethod
        def for_partner(cls, options, redactor, warn=None):
            return cls(options)

        def partner_center(self):
            return "pc-client"

        def graph(self):
            return "graph-client"

        def close(self):
            pass

    def fake_list(source, partner_center=None, graph=None, page_size=100):
        calls.append(dict(source=source, client=partner_center or graph, page_size=page_size))
        return [dict(c) for c in listing.customers]

    listing.customers = [CONTOSO, FABRIKAM]
    monkeypatch.setattr(plugin_module, "Clients", FakeClients)
    monkeypatch.setattr(plugin_module, "list_customers", fake_list)
    monkeypatch.setenv("CSP_PARTNER_TENANT", "11111111-1111-1111-1111-111111111111")
    monkeypatch.setenv("CSP_CLIENT_SECRET", SECRET)
    listing.calls = calls
    return listing


def parse(tmp_path, config, cache=True, name="test.partner_customers.yml"):
    path = tmp_path / name
    path.write_text("plugin: csp.exchange.partner_customers\n" + config)
    inventory = InventoryData()
    plugin = inventory_loader.get("csp.exchange.partner_customers")
    plugin.parse(inventory, DataLoader(), str(path), cache=cache)
    if plugin.get_option("cache"):
        plugin.update_cache_if_changed()        # as InventoryManager does after each parse
    return inventory, plugin


def hostvars(inventory, host):
    return inventory.get_host(host).get_vars()


def test_verify_file_accepts_only_the_suffixes(plugin_module, tmp_path):
    plugin = inventory_loader.get("csp.exchange.partner_customers")
    for name, ok in (("a.partner_customers.yml", True), ("partner_customers.yaml", True), ("inv.yml", False),
                     ("partner_customers.yml.bak", False)):
        (tmp_path / name).write_text("plugin: csp.exchange.partner_customers\n")
        assert plugin.verify_file(str(tmp_path / name)) is ok, name


def test_one_host_per_customer_in_the_customers_group(listing, tmp_path):
    inventory, dummy = parse(tmp_path, "")
    assert sorted(inventory.groups["customers"].hosts, key=str) == [inventory.hosts["contoso.com"],
                                                                    inventory.hosts["fabrikam.com"]]
    assert hostvars(inventory, "contoso.com")["tenant_id"] == CONTOSO["tenant_id"]
    assert hostvars(inventory, "fabrikam.com")["customer_name"] == "Fabrikam"
    assert hostvars(inventory, "fabrikam.com")["default_domain"] == "fabrikam.com"
    assert hostvars(inventory, "fabrikam.com")["relationship"] == "advisor"
    group_vars = inventory.groups["customers"].get_vars()
    assert group_vars["ansible_connection"] == "local"
    assert group_vars["ansible_python_interpreter"] == "{{ ansible_playbook_python }}"
    assert listing.calls == [dict(source="partner_center", client="pc-client", page_size=100)]


def test_gdap_source_and_page_size_reach_the_listing(listing, tmp_path):
    parse(tmp_path, "source: gdap\npage_size: 7\n")
    assert listing.calls == [dict(source="gdap", client="graph-client", page_size=7)]


def test_constructed_features_and_filters(listing, tmp_path):
    inventory, dummy = parse(tmp_path, """
hostname: name
exclude: ["fabrikam*"]
compose:
  tenant: tenant_id
keyed_groups:
  - key: relationship
    prefix: rel
groups:
  big: customer_name == 'Contoso'
""")
    assert list(inventory.hosts) == ["contoso"]
    assert hostvars(inventory, "contoso")["tenant"] == CONTOSO["tenant_id"]
    assert [h.name for h in inventory.groups["rel_reseller"].hosts] == ["contoso"]
    assert [h.name for h in inventory.groups["big"].hosts] == ["contoso"]


def test_filters_do_not_rename_hosts(listing, tmp_path):
    listing.customers = [CONTOSO, dict(FABRIKAM, name="Contoso")]
    inventory, dummy = parse(tmp_path, "hostname: name\ninclude: [contoso.com]\n")
    assert list(inventory.hosts) == ["contoso_" + CONTOSO["tenant_id"]]


def test_strict_turns_a_bad_compose_into_an_error(listing, tmp_path):
    from ansible.errors import AnsibleError
    with pytest.raises(AnsibleError, match="Could not set x"):
        parse(tmp_path, "strict: true\ncompose:\n  x: no_such_var.field\n")


def test_cache_is_read_without_listing_and_not_rewritten(listing, tmp_path, monkeypatch):
    config = "cache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n" % (tmp_path / "cache")
    parse(tmp_path, config)
    [entry] = os.listdir(str(tmp_path / "cache"))
    stored = (tmp_path / "cache" / entry).read_text()
    assert SECRET not in stored and CONTOSO["tenant_id"] in stored
    mtime = os.stat(str(tmp_path / "cache" / entry)).st_mtime_ns

    listing.customers = [CONTOSO]            # the service changed; the cache still answers
    inventory, dummy = parse(tmp_path, config)
    assert len(listing.calls) == 1 and sorted(inventory.hosts) == ["contoso.com", "fabrikam.com"]
    assert os.stat(str(tmp_path / "cache" / entry)).st_mtime_ns == mtime

    inventory, dummy = parse(tmp_path, config, cache=False)   # --flush-cache: list again and refresh the entry
    assert len(listing.calls) == 2 and sorted(inventory.hosts) == ["contoso.com"]
    assert CONTOSO["tenant_id"] in (tmp_path / "cache" / entry).read_text()
    assert FABRIKAM["tenant_id"] not in (tmp_path / "cache" / entry).read_text()


def test_errors_are_one_redacted_sentence(plugin_module, listing, tmp_path, monkeypatch):
    from ansible.errors import AnsibleError
    from ansible_collections.csp.exchange.plugins.module_utils.errors import AuthError

    def failing(*args, **kwargs):
        raise AuthError("Token refused for secret %s; check the app secret." % SECRET)

    monkeypatch.setattr(plugin_module, "list_customers", failing)
    with pytest.raises(AnsibleError) as info:
        parse(tmp_path, "")
    assert SECRET not in str(info.value) and "check the app secret" in str(info.value)
