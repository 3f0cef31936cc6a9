"""Job slicing as AWX / Automation Platform runs it: the drift check in three slices by --limit through
ansible-runner (the engine of AAP's execution environments), in parallel, merged by drift_report into the very
report one run over every tenant writes (JSON, JUnit and the fleet view)."""
import json
import os
import shutil
import subprocess

import ansible_runner
import pytest

from tests import harness
from tests.integration.conftest import dump, launch_generated

EXAMPLES = os.path.join(harness.ROOT, "examples", "inventory")
PLAYBOOKS = os.path.join(harness.ROOT, "playbooks")
SLICES = 3


@pytest.fixture(scope="module")
def nine_tenants(tmp_path_factory):
    running = launch_generated(str(tmp_path_factory.mktemp("nine")), 9, random_seed=9)
    yield running
    running.stop()


def inventory_hosts(env, inventory):
    listed = subprocess.run([harness._tool("ansible-inventory"), "-i", inventory, "--list"], env=env, check=True,
                            capture_output=True, text=True)
    return json.loads(listed.stdout)["customers"]["hosts"]


def read(directory):
    with open(os.path.join(directory, "drift.json"), encoding="utf-8") as handle:
        report = json.load(handle)
    with open(os.path.join(directory, "drift.xml"), "rb") as handle:
        return report, handle.read()


def fleet(directory):
    """The fleet view, but the time it was written."""
    with open(os.path.join(directory, "drift-fleet.json"), encoding="utf-8") as handle:
        view = json.load(handle)
    view.pop("generated")
    return view


def drift_the_state(sandbox, tenants):
    """One tenant drifted, one not consented (an error case), the others as the baseline left them."""
    store = sandbox.store
    with store.lock:
        drifted = store.tenants[tenants[1]].exchange
        alias = drifted.snapshot("Mailbox")[0]["Alias"]
        drifted.invoke("Set-Mailbox", {"Identity": alias, "RetainDeletedItemsFor": "7.00:00:00"}, now=sandbox.now())
        broken = store.tenants[tenants[-1]]
        exchange_sp = broken.sp_by_app_id("00000002-0000-0ff1-ce00-000000000000")
        for grant_id in [g.id for g in broken.grants.values() if g.resource_id == exchange_sp.id]:
            del broken.grants[grant_id]


def test_three_slices_merge_into_the_one_run_report(nine_tenants, collections, tmp_path):
    inventory = str(tmp_path / "inventory")
    shutil.copytree(EXAMPLES, inventory)
    env = harness.playbook_env(collections, nine_tenants.env)
    for name in ("consent.yml", "baseline.yml"):
        run = harness.run_playbook(os.path.join(PLAYBOOKS, name), env, inventory=inventory, forks=10)
        assert run.rc == 0, dump(run)
    drift_the_state(nine_tenants.sandbox, list(nine_tenants.sandbox.store.tenants))
    hosts = inventory_hosts(env, inventory)
    assert len(hosts) == 9

    whole_dir = str(tmp_path / "whole")
    whole = harness.run_playbook(os.path.join(PLAYBOOKS, "drift.yml"), env, inventory=inventory, forks=10,
                                 extra_vars={"drift_report_dir": whole_dir, "csp_run_id": "nightly-1"})
    assert whole.rc != 0, dump(whole)
    whole_json, whole_xml = read(whole_dir)
    assert whole_json["tenants"] == 9 and whole_json["drifted"] >= 1 and whole_json["errors"] >= 1

    # AWX gives slice i the hosts i, i+N, i+2N, ... of the inventory; here each slice is a --limit of them, all of
    # one run (the same run_id, as AWX's workflow job id gives them); the whole run above used it too, so that the
    # merged report can be compared with it byte for byte.
    nine_tenants.sandbox.log.clear()
    runs = []
    for index in range(SLICES):
        directory = str(tmp_path / ("slice%d" % index))
        (tmp_path / ("runner%d" % index)).mkdir()
        runs.append((directory, ansible_runner.run_async(
            private_data_dir=str(tmp_path / ("runner%d" % index)), playbook=os.path.join(PLAYBOOKS, "drift.yml"),
            inventory=inventory, limit=",".join(hosts[index::SLICES]), forks=5, quiet=True,
            envvars=dict(env, PATH=harness.BIN + os.pathsep + env.get("PATH", "")),
            extravars={"drift_report_dir": directory, "csp_run_id": "nightly-1"})))
    slice_reports = []
    for directory, (thread, runner) in runs:
        thread.join(600)
        report = read(directory)[0]
        bad = report["drifted"] + report["errors"]
        assert (runner.status, runner.rc) == (("failed", 2) if bad else ("successful", 0)), runner.stdout.read()[-3000:]
        assert report["tenants"] == 3 and {c["host"] for c in report["cases"]} <= set(hosts)
        slice_reports.append(os.path.join(directory, "drift.json"))
    assert not any(e["write"] for e in nine_tenants.sandbox.log.entries())
    assert len({e["tenant"] for e in nine_tenants.sandbox.log.entries(service="exchange")}) == 8   # all but the broken one

    merged_dir = str(tmp_path / "merged")
    merged = harness.run_playbook(os.path.join(PLAYBOOKS, "drift_merge.yml"), env, inventory=inventory,
                                  extra_vars={"drift_reports": slice_reports, "drift_report_dir": merged_dir})
    assert merged.rc != 0 and "drifted" in merged.task("Fail when anything drifted")["msg"], dump(merged)
    merged_json, merged_xml = read(merged_dir)
    assert merged_json == whole_json
    assert merged_xml == whole_xml
    assert fleet(merged_dir) == fleet(whole_dir) and len(fleet(whole_dir)["tenants"]) == 9


def test_a_missing_slice_and_a_report_given_twice_are_not_silent(sb, tmp_path):
    one = {"tenants": 1, "drifted": 0, "errors": 0, "run_id": "run-1", "cases": [
        {"tenant": "t1", "host": "a.example", "object": "Mailbox", "rule": "r", "status": "ok", "matched": 2,
         "drift": [], "failed_identities": [], "message": None}]}
    path = tmp_path / "one.json"
    path.write_text(json.dumps(one))
    stale = tmp_path / "stale.json"         # another host's slice, from an earlier run
    stale.write_text(json.dumps(dict(one, run_id="run-0", cases=[dict(one["cases"][0], host="b.example")])))
    run = sb.play("""
        - name: missing
          csp.exchange.drift_report:
            reports: ["%(path)s"]
            hosts: [a.example, b.example]
            json_path: "%(dir)s/m/drift.json"
            junit_path: "%(dir)s/m/drift.xml"
        - name: twice
          csp.exchange.drift_report:
            reports: ["%(path)s", "%(copy)s"]
            json_path: "%(dir)s/o/drift.json"
            junit_path: "%(dir)s/o/drift.xml"
        - name: two runs
          csp.exchange.drift_report:
            reports: ["%(path)s", "%(stale)s"]
            json_path: "%(dir)s/r/drift.json"
            junit_path: "%(dir)s/r/drift.xml"
          ignore_errors: true
    """ % {"path": path, "copy": shutil.copy(str(path), str(tmp_path / "copy.json")), "dir": tmp_path,
           "stale": stale})
    missing = run.task("missing")
    assert missing["errors"] == 1 and missing["drifted"] == 0, dump(run)
    report = read(str(tmp_path / "m"))[0]
    assert [c["host"] for c in report["cases"]] == ["a.example", "b.example"] and report["tenants"] == 2
    assert "no slice reported this host" in report["cases"][1]["message"]
    twice = run.task("twice")
    assert twice["errors"] == 0 and read(str(tmp_path / "o"))[0]["tenants"] == 1, dump(run)   # counted once
    refused = run.task("two runs")
    assert "different runs" in refused["msg"] and "run-0" in refused["msg"], refused
    assert not os.path.exists(str(tmp_path / "r" / "drift.json"))
