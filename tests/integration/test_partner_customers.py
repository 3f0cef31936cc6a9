"""The partner_customers inventory plugin and partner_customer_info against the sandbox: every page, both
sources, constructed groups, filters, cache, and a playbook over the inventory's hosts."""
import copy
import json
import os
import subprocess

import pytest

from tests import harness
from tests.integration.conftest import CONTOSO, FABRIKAM, dump
from tests.sandbox.launch import launch
from tests.sandbox.seed import load_seed

CONTOSO_EU = "22222222-2222-2222-2222-222222222225"     # the same name as Contoso
WOODGROVE = "22222222-2222-2222-2222-222222222226"      # Partner Center only, no GDAP relationship
GENERATED = 12
PAGE = 5
SMALL_ORG = {"mailboxes": [{"generate": {"count": 1}}]}


def seed():
    world = copy.deepcopy(load_seed())
    world["tenants"] += [
        {"id": CONTOSO_EU, "display_name": "Contoso",
         "domains": [{"name": "contosoeu.onmicrosoft.com", "initial": True}, {"name": "contoso.eu", "default": True}],
         "exchange": SMALL_ORG},
        {"id": WOODGROVE, "display_name": "Woodgrove Bank", "gdap": False,
         "domains": [{"name": "woodgrove.onmicrosoft.com", "initial": True}, {"name": "woodgrove.com", "default": True}],
         "exchange": SMALL_ORG},
    ]
    world["generate_customers"] = {"count": GENERATED, "exchange": SMALL_ORG}
    return world


@pytest.fixture(scope="module")
def running(tmp_path_factory):
    server = launch(str(tmp_path_factory.mktemp("sandbox-customers")), seed=seed(), random_seed=11)
    yield server
    server.stop()


@pytest.fixture
def world(running, collections, tmp_path):
    running.sandbox.reset()
    return World(running, collections, tmp_path)


class World:
    def __init__(self, running, collections, tmp_path):
        self.sandbox = running.sandbox
        self.tmp_path = tmp_path
        self.env = harness.playbook_env(collections, running.env)
        self.secrets = [running.env["CSP_CLIENT_SECRET"], running.env["CSP_REFRESH_TOKEN"]]
        with self.sandbox.store.lock:
            self.all_ids = sorted(self.sandbox.store.tenants)
            self.gdap_ids = sorted({r.customer_id for r in self.sandbox.store.relationships if r.status == "active"})

    def config(self, text, name="test.partner_customers.yml"):
        path = os.path.join(str(self.tmp_path), name)
        with open(path, "w") as handle:
            handle.write("plugin: csp.exchange.partner_customers\n" + text)
        return path

    def inventory(self, text, env=None, expect_rc=0):
        path = self.config(text)
        proc = subprocess.run([harness._tool("ansible-inventory"), "-i", path, "--list"], env=dict(self.env, **(env or {})),
                              capture_output=True, text=True, timeout=300, cwd=harness.ROOT, check=False)
        assert proc.returncode == expect_rc, proc.stdout[-3000:] + proc.stderr[-3000:]
        for secret in self.secrets:
            assert secret not in proc.stdout + proc.stderr
        return plain(json.loads(proc.stdout)) if expect_rc == 0 else proc

    def requests(self, service, path):
        return [e for e in self.sandbox.log.entries(service=service) if e["path"] == path]


def plain(value):
    """ansible-inventory marks plugin-supplied strings as unsafe (never templated); compare their values."""
    if isinstance(value, dict):
        return value["__ansible_unsafe"] if set(value) == {"__ansible_unsafe"} else \
            dict((k, plain(v)) for k, v in value.items())
    return [plain(v) for v in value] if isinstance(value, list) else value


def hostvars(listing):
    return listing["_meta"]["hostvars"]


def test_inventory_lists_every_customer_across_pages(world):
    listing = world.inventory("page_size: %d\n" % PAGE)
    hosts = hostvars(listing)
    assert sorted(v["tenant_id"] for v in hosts.values()) == world.all_ids
    assert len(world.all_ids) == 3 + 2 + GENERATED
    assert sorted(listing["customers"]["hosts"]) == sorted(hosts)
    assert hosts["contoso.com"] == {"tenant_id": CONTOSO, "customer_name": "Contoso", "default_domain": "contoso.com",
                                    "relationship": "reseller", "ansible_connection": "local",
                                    "ansible_python_interpreter": "{{ ansible_playbook_python }}"}
    assert hosts["contoso.eu"]["tenant_id"] == CONTOSO_EU and "customer0012.example" in hosts
    pages = world.requests("partner_center", "/v1/customers")
    assert len(pages) == -(-len(world.all_ids) // PAGE)
    assert all("seekOperation=Next" in p["query"] for p in pages[1:])


def test_gdap_inventory_names_hosts_by_name_and_keeps_them_unique(world):
    hosts = hostvars(world.inventory("source: gdap\npage_size: %d\n" % PAGE))
    assert sorted(v["tenant_id"] for v in hosts.values()) == world.gdap_ids
    assert WOODGROVE not in world.gdap_ids and len(world.gdap_ids) == len(world.all_ids) - 1
    assert hosts["contoso_" + CONTOSO]["tenant_id"] == CONTOSO
    assert hosts["contoso_" + CONTOSO_EU]["tenant_id"] == CONTOSO_EU
    assert dict((k, hosts["fabrikam"][k]) for k in ("tenant_id", "customer_name", "default_domain", "relationship")) \
        == {"tenant_id": FABRIKAM, "customer_name": "Fabrikam", "default_domain": None, "relationship": "gdap"}
    assert len(world.requests("graph", "/v1.0/tenantRelationships/delegatedAdminCustomers")) == \
        -(-len(world.gdap_ids) // PAGE)


def test_constructed_groups_compose_and_filters(world):
    listing = world.inventory("""
page_size: %d
include: ["*.com", "Customer 000?"]
exclude: ["fabrikam*", "customer0009.example"]
compose:
  tenant: tenant_id
  short_name: customer_name | lower | replace(' ', '')
keyed_groups:
  - key: default_domain.split('.')[-1]
    prefix: tld
groups:
  generated: customer_name is match('Customer')
""" % PAGE)
    hosts = hostvars(listing)
    expected = {"contoso.com", "tailspintoys.com", "woodgrove.com"} | {"customer%04d.example" % i for i in range(1, 9)}
    assert set(hosts) == expected
    assert hosts["woodgrove.com"]["tenant"] == WOODGROVE and hosts["woodgrove.com"]["short_name"] == "woodgrovebank"
    assert sorted(listing["tld_com"]["hosts"]) == ["contoso.com", "tailspintoys.com", "woodgrove.com"]
    assert len(listing["tld_example"]["hosts"]) == 8 and sorted(listing["generated"]["hosts"]) == \
        sorted(listing["tld_example"]["hosts"])


def test_cache_answers_the_second_run_without_listing(world):
    cache_dir = os.path.join(str(world.tmp_path), "cache")
    config = "page_size: 50\ncache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n" % cache_dir
    first = world.inventory(config)
    listed = len(world.requests("partner_center", "/v1/customers"))
    assert world.inventory(config) == first
    assert len(world.requests("partner_center", "/v1/customers")) == listed == 1
    for name in os.listdir(cache_dir):
        with open(os.path.join(cache_dir, name)) as handle:
            text = handle.read()
        assert CONTOSO in text and not any(secret in text for secret in world.secrets)


def test_a_rejected_secret_fails_with_one_sentence_and_no_secret(world):
    proc = world.inventory("page_size: 50\n", env={"CSP_CLIENT_SECRET": "wrong-secret-value-123",
                                                   "ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"}, expect_rc=1)
    assert "wrong-secret-value-123" not in proc.stdout + proc.stderr
    assert "AADSTS7000215: the client secret is wrong" in proc.stderr, proc.stderr


def test_credentials_may_be_templates(world):
    env = dict(world.env, PARTNER_RT=world.env["CSP_REFRESH_TOKEN"], CSP_REFRESH_TOKEN="")
    world.env = env
    hosts = hostvars(world.inventory("page_size: 50\nrefresh_token: \"{{ lookup('env', 'PARTNER_RT') }}\"\n"))
    assert len(hosts) == len(world.all_ids)


def test_playbook_runs_modules_on_the_inventory_hosts(world):
    inventory = world.config('include: ["contoso.com", "fabrikam.com"]\n')
    playbook = os.path.join(str(world.tmp_path), "play.yml")
    with open(playbook, "w") as handle:
        handle.write("""
- hosts: customers
  gather_facts: false
  module_defaults:
    group/csp.exchange.auth:
      tenant: "{{ tenant_id }}"
  tasks:
    - name: domains
      csp.exchange.tenant_initial_domain: {source: graph}
""")
    env = dict(world.env)
    env.pop("ANSIBLE_PYTHON_INTERPRETER")      # the inventory's own group variables must be enough
    run = harness.run_playbook(playbook, env, inventory=inventory)
    assert run.rc == 0, dump(run)
    assert run.task("domains", "contoso.com")["initial_domain"] == "contoso.onmicrosoft.com"
    assert run.task("domains", "fabrikam.com")["initial_domain"] == "fabrikam.onmicrosoft.com"


def run_info(world, args, check=False):
    playbook = os.path.join(str(world.tmp_path), "info.yml")
    with open(playbook, "w") as handle:
        handle.write("- hosts: localhost\n  gather_facts: false\n  tasks:\n    - name: info\n"
                     "      csp.exchange.partner_customer_info: %s\n" % json.dumps(args))
    run = harness.run_playbook(playbook, world.env, check=check)
    assert run.rc == 0, dump(run)
    return run.task("info")


def test_module_returns_every_partner_center_customer(world):
    result = run_info(world, {"page_size": PAGE}, check=True)
    assert sorted(c["tenant_id"] for c in result["customers"]) == world.all_ids and not result["changed"]
    contoso = next(c for c in result["customers"] if c["tenant_id"] == CONTOSO)
    assert contoso == {"tenant_id": CONTOSO, "name": "Contoso", "default_domain": "contoso.com",
                       "relationship": "reseller"}
    assert len(world.requests("partner_center", "/v1/customers")) == -(-len(world.all_ids) // PAGE)


def test_module_returns_every_gdap_customer(world):
    result = run_info(world, {"source": "gdap", "page_size": PAGE})
    assert sorted(c["tenant_id"] for c in result["customers"]) == world.gdap_ids
    assert all(c["relationship"] == "gdap" and c["default_domain"] is None for c in result["customers"])
    assert not result["changed"]


def test_the_cache_is_never_served_for_other_endpoints_or_another_app(world):
    """Issue 13 item 9: a list cached from one service (here the sandbox) is not the answer for another."""
    cache_dir = os.path.join(str(world.tmp_path), "cache")
    config = "page_size: 50\ncache: true\ncache_plugin: ansible.builtin.jsonfile\ncache_connection: %s\n" % cache_dir
    first = world.inventory(config)
    assert len(world.requests("partner_center", "/v1/customers")) == 1
    elsewhere = json.dumps(dict(json.loads(world.env["CSP_ENDPOINTS"]), partner_center="https://127.0.0.1:9",
                                login="https://127.0.0.1:9"))
    failed = world.inventory(config + "max_retries: 0\n", env={"CSP_ENDPOINTS": elsewhere,
                                                               "ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"}, expect_rc=1)
    assert "127.0.0.1:9" in failed.stderr or "connect" in failed.stderr.lower(), failed.stderr[-2000:]
    other_app = world.inventory(config + "max_retries: 0\n", expect_rc=1, env={
        "CSP_CLIENT_ID": "99999999-9999-9999-9999-999999999999", "ANSIBLE_INVENTORY_UNPARSED_FAILED": "1"})
    assert "99999999" in other_app.stderr or "AADSTS" in other_app.stderr, other_app.stderr[-2000:]
    assert world.inventory(config) == first                   # the same options still hit the cache
    assert len(world.requests("partner_center", "/v1/customers")) == 1
