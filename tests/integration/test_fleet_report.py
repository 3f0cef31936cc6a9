"""The fleet view through the real playbooks over three sandbox tenants with a mix of pass, fail, accepted and
error: the JSON parses strictly and holds the very cases of the JSON and JUnit reports, the HTML parses strictly
and renders in headless Chromium. With CSP_REPORT_DIR set (``make report-screenshots``) the page's screenshot is
kept there (docs/fleet-report.png)."""
import json
import os
import re
import shutil
import subprocess
import tempfile

import pytest

from tests import harness, report_screenshot, strict_html
from tests.integration.conftest import CONTOSO, FABRIKAM, TAILSPIN, dump, parse_junit
from tests.integration.test_scuba_exchange import make_world

PLAYBOOKS = os.path.join(harness.ROOT, "playbooks")
EXAMPLES = os.path.join(harness.ROOT, "examples", "inventory")
HOSTS = ["contoso.com", "fabrikam.com", "tailspintoys.com"]
# The "accepted" worlds run the playbooks with an `exceptions` host variable and expect the excepted difference
# reported as accepted in the fleet (the screenshot is taken from the SCuBA run with one).
EXCEPTION = {"owner": "secops@partner.example", "reason": "agreed with the customer", "expires": "2099-12-31"}


def scuba_world(sb, tmp_path, accepted):
    """Contoso fails most controls, Fabrikam only MS.EXO.3.1v1 (DKIM; excepted with ``accepted``), Tailspin Toys has
    no Exchange consent: an error. The DNS controls are manual everywhere."""
    make_world(sb)
    inventory = harness.write_inventory(str(tmp_path / "hosts"), {
        "contoso.com": CONTOSO, "fabrikam.com": FABRIKAM, "tailspintoys.com": TAILSPIN})
    os.makedirs(str(tmp_path / "host_vars"), exist_ok=True)
    with open(str(tmp_path / "host_vars" / "contoso.com.yml"), "w") as handle:
        handle.write("scuba_exchange_allowed_forwarding_domains: [partner.example]\n")
    if accepted:
        with open(str(tmp_path / "host_vars" / "fabrikam.com.yml"), "w") as handle:
            json.dump({"exceptions": [dict(EXCEPTION, ref="MS.EXO.3.1v1")]}, handle)
    return "scuba.yml", inventory, "scuba_report_dir", "scuba", {"fabrikam.com": {"MS.EXO.3.1v1"}} if accepted else {}


def drift_world(sb, tmp_path, accepted):
    """The example baseline applied, then one user mailbox of Contoso and of Fabrikam changed (Contoso's excepted
    with ``accepted``); Tailspin Toys has no Exchange consent: an error."""
    inventory = str(tmp_path / "inventory")
    shutil.copytree(EXAMPLES, inventory)
    applied = harness.run_playbook(os.path.join(PLAYBOOKS, "baseline.yml"), sb.env, inventory=inventory, forks=5)
    assert "tailspintoys.com" in applied.stdout and applied.rc != 0, dump(applied)    # Tailspin cannot be reached
    now = sb.sandbox.now()
    with sb.sandbox.store.lock:
        for tenant in (CONTOSO, FABRIKAM):
            exchange = sb.sandbox.store.tenants[tenant].exchange
            alias = [m for m in exchange.snapshot("Mailbox") if m["RecipientTypeDetails"] == "UserMailbox"][0]["Alias"]
            exchange.invoke("Set-Mailbox", {"Identity": alias, "RetainDeletedItemsFor": "7.00:00:00"}, now=now)
    if accepted:
        with open(os.path.join(inventory, "host_vars", "contoso.com.yml"), "w") as handle:
            json.dump({"exceptions": [dict(EXCEPTION, ref="user_mailboxes.RetainDeletedItemsFor")]}, handle)
    return "drift.yml", inventory, "drift_report_dir", "drift", {"contoso.com": {"user_mailboxes"}} if accepted else {}


WORLDS = [pytest.param(scuba_world, False, id="scuba"), pytest.param(drift_world, False, id="drift"),
          pytest.param(scuba_world, True, id="scuba-accepted"),
          pytest.param(drift_world, True, id="drift-accepted")]


def strict_json(path):
    def refuse(constant):
        raise ValueError("not strict JSON: %s" % constant)
    with open(path, "rb") as handle:
        return json.loads(handle.read().decode("utf-8"), parse_constant=refuse)


@pytest.mark.parametrize("world, accepted", WORLDS)
def test_fleet_report_of_three_tenants_parses_strictly_and_renders_in_a_browser(sb, tmp_path, world, accepted):
    playbook, inventory, report_var, name, excepted = world(sb, tmp_path, accepted)
    report_dir = str(tmp_path / "reports")
    run = harness.run_playbook(os.path.join(PLAYBOOKS, playbook), sb.env, inventory=inventory,
                               extra_vars={report_var: report_dir})
    assert run.rc != 0, dump(run)                   # failures and an error fail the run
    report = strict_json(os.path.join(report_dir, "%s.json" % name))
    fleet = strict_json(os.path.join(report_dir, "%s-fleet.json" % name))
    junit = parse_junit(os.path.join(report_dir, "%s.xml" % name))

    assert [t["host"] for t in fleet["tenants"]] == HOSTS and fleet["run_id"] == report["run_id"]
    rows = dict((t["host"], t) for t in fleet["tenants"])
    assert set(rows["tailspintoys.com"]["cells"].values()) == {"error"}, rows["tailspintoys.com"]
    assert len(rows["tailspintoys.com"]["cells"]) == len(fleet["columns"]) > 1      # not checked: every column
    cells = set(s for t in fleet["tenants"] for s in t["cells"].values())
    assert {"pass", "fail", "error"} <= cells and ("accepted" in cells) == accepted, fleet["counts"]
    for host, columns in excepted.items():
        assert all(rows[host]["cells"][c] == "accepted" for c in columns), rows[host]
    # The very cases of the JSON and JUnit reports: here one case per tenant and column.
    expected = dict((h, {}) for h in HOSTS)
    for case in report["cases"]:
        column = case["id"] if name == "scuba" else case["rule"] or case["object"]
        for each in ([c["name"] for c in fleet["columns"]] if column == "(tenant)" else [column]):
            expected[case["host"]][each] = {"ok": "pass", "drift": "fail"}.get(case["status"], case["status"])
    assert dict((h, rows[h]["cells"]) for h in HOSTS) == expected
    assert len(junit.findall("testcase")) == len(report["cases"])
    assert len(junit.findall("testcase/failure")) == fleet["counts"]["cells"]["fail"]
    assert sum(c["counts"]["fail"] for c in fleet["columns"]) == fleet["counts"]["cells"]["fail"]
    returned = run.task("Write JSON, JUnit and HTML reports and the fleet view")["fleet"]
    assert returned["tenants"] == 3 and returned["cells"] == fleet["counts"]["cells"], returned

    page_path = os.path.join(report_dir, "%s-fleet.html" % name)
    with open(page_path, encoding="utf-8") as handle:
        page = handle.read()
    root, tags = strict_html.parse(page)
    assert not [a for t, a in tags if "src" in a or a.get("href", "#").startswith(("http", "//"))]   # nothing to fetch
    assert "<script" not in page and "url(" not in page
    assert len(root.findall(".//table[@class='m']/tbody/tr")) == 1 + 3
    if report_screenshot.browser() is None:
        pytest.skip(report_screenshot.MISSING)
    dom = rendered_dom(page_path)
    links, targets = re.findall(r'<a href="#(t\d+)">', dom), re.findall(r'<details><summary>.*?<div id="(t\d+)">', dom)
    assert links == targets == ["t0", "t1", "t2"], dom[-2000:]       # each tenant's row opens its details
    png = report_screenshot.screenshot(page_path, str(tmp_path / "fleet.png"))
    width, height, variety = report_screenshot.png_facts(png)
    assert (width, height) == (1280, 900) and variety > 20          # a rendered page, not a blank one
    if os.environ.get("CSP_REPORT_DIR") and name == "scuba" and accepted:
        shutil.copyfile(png, os.path.join(os.environ["CSP_REPORT_DIR"], "fleet-report.png"))


def rendered_dom(page_path):
    """The DOM headless Chromium built from the page, serialised: what a browser shows, not what was written."""
    with tempfile.TemporaryDirectory() as profile:
        done = subprocess.run([report_screenshot.browser(), "--headless", "--no-sandbox", "--disable-gpu",
                               "--no-first-run", "--user-data-dir=" + profile, "--dump-dom",
                               "file://" + os.path.abspath(page_path)],
                              capture_output=True, text=True, timeout=120, check=True)
    return done.stdout
