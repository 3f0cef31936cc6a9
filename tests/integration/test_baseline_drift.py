"""Roles and playbooks over an inventory of sandbox tenants: baseline, drift report, many tenants with forks."""
import json
import os
import shutil

import pytest

from tests import harness
from tests.integration.conftest import CONTOSO, FABRIKAM, TAILSPIN, dump, launch_generated, parse_junit

EXAMPLES = os.path.join(harness.ROOT, "examples", "inventory")
PLAYBOOKS = os.path.join(harness.ROOT, "playbooks")


def playbook(sb, name, inventory=EXAMPLES, **kwargs):
    return harness.run_playbook(os.path.join(PLAYBOOKS, name), sb.env, inventory=inventory, forks=10, **kwargs)


def read_report(directory):
    with open(os.path.join(directory, "drift.json")) as handle:
        report = json.load(handle)
    return report, parse_junit(os.path.join(directory, "drift.xml"))


def changed_hosts(run):
    return sorted(line.split()[0] for line in run.stdout.splitlines() if " : ok=" in line and "changed=0" not in line)


def test_baseline_then_drift_report(sb, tmp_path):
    consent = playbook(sb, "consent.yml")
    assert consent.rc == 0, dump(consent)
    assert changed_hosts(consent) == ["tailspintoys.com"]
    applied = playbook(sb, "baseline.yml")
    assert applied.rc == 0, dump(applied)
    assert changed_hosts(applied) == ["contoso.com", "fabrikam.com", "tailspintoys.com"]
    rows = {r["Alias"]: r for r in sb.exchange(FABRIKAM, "Mailbox") if r["RecipientTypeDetails"] == "UserMailbox"}
    assert all(r["ProhibitSendQuota"].startswith("99 GB") for r in rows.values())     # host_vars override

    clean_dir = str(tmp_path / "clean")
    sb.sandbox.log.clear()
    clean = playbook(sb, "drift.yml", extra_vars={"drift_report_dir": clean_dir})
    assert clean.rc == 0, dump(clean)
    assert not any(e["write"] for e in sb.log())                     # the check wrote nothing
    report, junit = read_report(clean_dir)
    assert report["drifted"] == 0 and report["errors"] == 0 and len(report["cases"]) == 12
    assert junit.get("tests") == "12" and junit.get("failures") == "0"

    with sb.sandbox.store.lock:
        sb.sandbox.store.tenants[CONTOSO].exchange.invoke(
            "Set-Mailbox", {"Identity": "admin", "ProhibitSendQuota": "20GB"}, now=sb.sandbox.now())
    drift_dir = str(tmp_path / "drift")
    drifted = playbook(sb, "drift.yml", extra_vars={"drift_report_dir": drift_dir})
    assert drifted.rc != 0
    report, junit = read_report(drift_dir)
    assert report["drifted"] == 1 and report["errors"] == 0
    [case] = [c for c in report["cases"] if c["status"] == "drift"]
    assert case["tenant"] == CONTOSO and case["object"] == "Mailbox" and case["rule"] == "user_mailboxes"
    assert case["drift"] == [{"identity": case["drift"][0]["identity"], "property": "ProhibitSendQuota",
                              "current": "20 GB (21,474,836,480 bytes)", "desired": "49GB"}]
    failures = junit.findall("testcase/failure")
    assert len(failures) == 1 and "ProhibitSendQuota is \"20 GB (21,474,836,480 bytes)\", baseline wants \"49GB\"" \
        in failures[0].text


def test_a_tenant_that_cannot_be_checked_is_an_error_not_a_pass(sb, tmp_path):
    with sb.sandbox.store.lock:
        fabrikam = sb.sandbox.store.tenants[FABRIKAM]
        exchange_sp = fabrikam.sp_by_app_id("00000002-0000-0ff1-ce00-000000000000")
        for grant_id in [g.id for g in fabrikam.grants.values() if g.resource_id == exchange_sp.id]:
            del fabrikam.grants[grant_id]
    run = playbook(sb, "drift.yml", extra_vars={"drift_report_dir": str(tmp_path)})
    assert run.rc != 0
    report, junit = read_report(str(tmp_path))
    errors = [c for c in report["cases"] if c["status"] == "error"]
    # Fabrikam lost its grant; Tailspin was never consented (this test runs no consent.yml).
    assert sorted(c["tenant"] for c in errors) == [FABRIKAM, TAILSPIN]
    assert all("AADSTS65001" in c["message"] for c in errors), errors
    assert junit.find("testcase[@classname='%s']/error" % FABRIKAM) is not None


@pytest.fixture(scope="module")
def twenty_tenants(tmp_path_factory):
    running = launch_generated(str(tmp_path_factory.mktemp("twenty")), 20, random_seed=5)
    yield running
    running.stop()


def test_twenty_tenants_with_ten_forks_converge_and_stay_converged(twenty_tenants, collections, tmp_path):
    inventory = str(tmp_path / "inventory")
    shutil.copytree(EXAMPLES, inventory)
    env = harness.playbook_env(collections, twenty_tenants.env)
    baseline = os.path.join(PLAYBOOKS, "baseline.yml")
    first = harness.run_playbook(baseline, env, inventory=inventory, forks=10)
    assert first.rc == 0, dump(first)
    assert len([line for line in first.stdout.splitlines() if " : ok=" in line]) == 20
    assert len(changed_hosts(first)) == 20
    second = harness.run_playbook(baseline, env, inventory=inventory, forks=10)
    assert second.rc == 0, dump(second)
    assert changed_hosts(second) == []
