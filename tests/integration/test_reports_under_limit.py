"""The report playbooks always write their report: run with --limit over part of the inventory and with one
tenant that cannot be reached, the drift, access and SCuBA reports name every host of the run exactly once (and no
host outside it), the unreachable one as an error case with its reason, parse strictly, carry the run's id, and the
run exits non-zero."""
import json
import sys
import os
import shutil
import xml.etree.ElementTree as ET
import xml.parsers.expat

import pytest

from tests import harness
from tests.integration.conftest import CONTOSO, FABRIKAM, TAILSPIN, dump

PLAYBOOKS = os.path.join(harness.ROOT, "playbooks")
GROUP_VARS = os.path.join(harness.ROOT, "examples", "inventory", "group_vars")
# The run's scope: two tenants the sandbox serves and one host whose connection is refused (nothing listens on
# port 1), out of an inventory that also holds a tenant left out by --limit.
LIMIT = "contoso,fabrikam,ghost"
CASES = [
    ("drift.yml", "drift_report_dir", "drift"),
    ("access_check.yml", "access_report_dir", "access"),
    ("scuba.yml", "scuba_report_dir", "scuba"),
]


def inventory(tmp_path):
    directory = tmp_path / "inventory"
    directory.mkdir()
    shutil.copytree(GROUP_VARS, str(directory / "group_vars"))
    (directory / "hosts").write_text("\n".join([
        "[customers]",
        "contoso tenant_id=%s" % CONTOSO,
        "fabrikam tenant_id=%s" % FABRIKAM,
        "tailspin tenant_id=%s" % TAILSPIN,
        "ghost tenant_id=33333333-0000-0000-0000-000000000009 ansible_connection=ssh ansible_host=127.0.0.1 "
        "ansible_port=1 ansible_ssh_common_args='-o ConnectTimeout=5'",
        "",
        "[customers:vars]",
        "ansible_connection=local",
        "ansible_python_interpreter=%s" % sys.executable,
        ""]))
    return str(directory / "hosts")


@pytest.mark.parametrize("playbook, report_var, name", CASES)
def test_limit_and_an_unreachable_host_still_write_a_report_naming_every_host_once(sb, tmp_path, playbook,
                                                                                   report_var, name):
    report_dir = str(tmp_path / "reports")
    run = harness.run_playbook(os.path.join(PLAYBOOKS, playbook), sb.env, inventory=inventory(tmp_path),
                               limit=LIMIT, extra_vars={report_var: report_dir, "csp_run_id": "run-42"})
    assert run.rc != 0, dump(run)
    assert "UNREACHABLE" in run.stdout, dump(run)

    with open(os.path.join(report_dir, "%s.xml" % name), "rb") as handle:
        xml_bytes = handle.read()
    xml.parsers.expat.ParserCreate().Parse(xml_bytes, True)        # strict: any character XML forbids raises
    suite = ET.fromstring(xml_bytes)
    assert suite.find("properties/property[@name='run_id']").get("value") == "run-42"
    with open(os.path.join(report_dir, "%s.json" % name), encoding="utf-8") as handle:
        report = json.load(handle)
    assert report["run_id"] == "run-42"

    cases = report["tenants"] if name == "access" else report["cases"]
    hosts = [c["host"] for c in cases]
    assert set(hosts) == {"contoso", "fabrikam", "ghost"}, hosts        # tailspin is outside the run
    ghost = [c for c in cases if c["host"] == "ghost"]
    assert len(ghost) == 1 and ghost[0]["status"] == "error", ghost
    reason = json.dumps(ghost[0])
    assert "connect" in reason.lower() or "unreachable" in reason.lower(), reason
    per_host = dict((h, hosts.count(h)) for h in set(hosts))
    if name == "access":            # one case per tenant; drift and SCuBA one per tenant and rule or control
        assert per_host == {"contoso": 1, "fabrikam": 1, "ghost": 1}, per_host
    else:
        checks = [c.get("id") or (c.get("object"), c.get("rule")) for c in cases if c["host"] == "contoso"]
        assert len(checks) == len(set(checks)), checks                      # each check of a tenant once
    assert suite.find("testcase[@classname='33333333-0000-0000-0000-000000000009']/error") is not None or \
        suite.find("testcase[@classname='ghost']/error") is not None
    assert not sb.writes()
