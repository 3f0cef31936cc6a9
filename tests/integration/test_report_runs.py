"""Report runs: --limit to a single unreachable host still writes its report; a merge for a run refuses stale
slices of another run."""
import json
import os

import pytest

from tests import harness
from tests.integration.conftest import dump
from tests.integration.test_reports_under_limit import CASES, PLAYBOOKS, inventory


@pytest.mark.parametrize("playbook, report_var, name", CASES[:2])
def test_limit_to_the_single_unreachable_host(sb, tmp_path, playbook, report_var, name):
    report_dir = str(tmp_path / "reports")
    run = harness.run_playbook(os.path.join(PLAYBOOKS, playbook), sb.env, inventory=inventory(tmp_path),
                               limit="ghost", extra_vars={report_var: report_dir})
    assert run.rc != 0, dump(run)
    with open(os.path.join(report_dir, "%s.json" % name), encoding="utf-8") as handle:
        report = json.load(handle)
    cases = report["tenants"] if name == "access" else report["cases"]
    assert [c["host"] for c in cases] == ["ghost"] and cases[0]["status"] == "error", report
    assert report["run_id"], report


def write_slice(path, run_id, host, status="ok"):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"run_id": run_id, "drifted": 0, "errors": 0, "tenants": 1, "cases": [
        {"tenant": host, "host": host, "object": "Mailbox", "rule": "users", "status": status, "matched": 1,
         "drift": [], "failed_identities": [], "message": None}]}))


def test_a_merge_for_a_run_refuses_stale_slices_of_another_run(sb, tmp_path):
    # Yesterday's slices are still on disk; today's slices never wrote (their job failed before the report).
    write_slice(tmp_path / "r1" / "drift.json", "nightly-2026-12-01", "contoso")
    write_slice(tmp_path / "r2" / "drift.json", "nightly-2026-12-01", "fabrikam")
    run = sb.play("""
        - name: merge
          csp.exchange.drift_report:
            reports: ["%s/r1/drift.json", "%s/r2/drift.json"]
            hosts: [contoso, fabrikam]
            run_id: nightly-2026-12-02
            json_path: %s/out/drift.json
            junit_path: %s/out/drift.xml
          ignore_errors: true
    """ % (tmp_path, tmp_path, tmp_path, tmp_path))
    result = run.task("merge")
    assert "not of run nightly-2026-12-02" in result.get("msg", ""), result
    assert not os.path.exists(str(tmp_path / "out" / "drift.json"))
