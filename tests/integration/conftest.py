"""Integration fixtures: the collection installed with ansible-galaxy, and one sandbox over TLS per session,
reset before each test. Tests run real ansible-playbook processes and assert on the sandbox's state and log."""
import copy
import json
import os
import textwrap
import xml.etree.ElementTree as ET
import xml.parsers.expat

import pytest

from tests import harness
from tests.sandbox.launch import launch
from tests.sandbox.seed import load_seed

CONTOSO = "22222222-2222-2222-2222-222222222222"
FABRIKAM = "22222222-2222-2222-2222-222222222223"
TAILSPIN = "22222222-2222-2222-2222-222222222224"


@pytest.fixture(scope="session")
def collections(tmp_path_factory):
    return harness.install_collection(str(tmp_path_factory.mktemp("collection")))


@pytest.fixture(scope="session")
def sandbox_server(tmp_path_factory):
    running = launch(str(tmp_path_factory.mktemp("sandbox")), random_seed=7)
    yield running
    running.stop()


def launch_generated(directory, count, random_seed):
    """A sandbox of ``count`` generated customers (no seeded ones); the caller stops it."""
    seed = copy.deepcopy(load_seed(None))
    seed["tenants"] = []
    seed["generate_customers"] = {"count": count}
    return launch(directory, seed=seed, random_seed=random_seed)


class Harness:
    """One test's view: run playbooks, read the sandbox's log and state, inject faults."""

    def __init__(self, running, collections, tmp_path):
        self.running = running
        self.sandbox = running.sandbox
        self.collections = collections
        self.tmp_path = tmp_path
        self.env = harness.playbook_env(collections, running.env)
        self._count = 0

    def play(self, tasks, check=False, diff=False, verbosity=0, env=None, hosts="localhost", inventory=None,
             extra_vars=None, forks=5):
        """Run a playbook of ``tasks`` (YAML text) on localhost; returns harness.PlaybookRun."""
        self._count += 1
        path = os.path.join(str(self.tmp_path), "play%d.yml" % self._count)
        with open(path, "w") as handle:
            handle.write("- hosts: %s\n  gather_facts: false\n  tasks:\n%s" % (hosts, textwrap.indent(
                textwrap.dedent(tasks).strip() + "\n", "    ")))
        return harness.run_playbook(path, dict(self.env, **(env or {})), inventory=inventory, check=check, diff=diff,
                                    verbosity=verbosity, extra_vars=extra_vars, forks=forks)

    def log(self, service=None, tenant=None):
        return self.sandbox.log.entries(service=service, tenant=tenant)

    def writes(self):
        """Requests that changed (or could have changed) state: Exchange non-Get cmdlets and Graph/PC writes."""
        return [e for e in self.log() if e["write"] or (e["service"] in ("graph", "partner_center")
                                                        and e["method"] in ("POST", "PATCH", "DELETE"))]

    def exchange(self, tenant, noun):
        return self.sandbox.store.tenants[tenant].exchange.snapshot(noun)

    def scopes(self, tenant, resource_app_id="00000002-0000-0ff1-ce00-000000000000"):
        with self.sandbox.store.lock:
            return sorted(self.sandbox.store.tenants[tenant].delegated_scopes(
                self.sandbox.store.partner.app.client_id, resource_app_id))


@pytest.fixture
def sb(sandbox_server, collections, tmp_path):
    sandbox_server.sandbox.reset()
    return Harness(sandbox_server, collections, tmp_path)


def dump(run):
    """Text for assertion messages."""
    return "rc=%s\nSTDOUT:\n%s\nSTDERR:\n%s\nRESULTS:\n%s" % (run.rc, run.stdout[-3000:], run.stderr[-2000:],
                                                              json.dumps(run.results, indent=1)[-3000:])


def parse_junit(path):
    """A JUnit report read the way CI reads it: UTF-8 bytes through a strict (expat) parser, which refuses any
    character XML forbids; returns the root element."""
    with open(path, "rb") as handle:
        data = handle.read()
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>'), data[:80]
    xml.parsers.expat.ParserCreate().Parse(data, True)
    return ET.fromstring(data)
