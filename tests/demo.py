"""The README's first command: the main job on the sandbox, as a partner would run it.

Starts the M365 partner sandbox, installs the collection with ansible-galaxy, and over the inventory in
``examples/inventory`` (customers listed from Partner Center by the csp.exchange.partner_customers plugin):
ensures Exchange.Manage consent, applies the baseline, runs it again (nothing left to change), checks for
drift (none), changes a setting behind the collection's back in one tenant, and shows the drift check
catching it.
"""
import json
import os
import sys
import tempfile

from tests import harness
from tests.sandbox.launch import launch

INVENTORY = os.path.join(harness.ROOT, "examples", "inventory")
PLAYBOOKS = os.path.join(harness.ROOT, "playbooks")


def step(title, run, interesting=()):
    print("\n== %s (exit %d)" % (title, run.rc))
    for entry in run.results:
        if any(entry["task"].endswith(name) for name in interesting) and entry["status"] != "skipped":
            result = entry["result"]
            changed = [r.get("changes", []) for r in result.get("results", [result])]
            print("    %-18s %-50s changed=%-5s objects changed=%d" % (
                entry["host"], entry["task"].split(" : ")[-1], result.get("changed"), sum(len(c) for c in changed)))
    for line in run.stdout.splitlines():
        if " : ok=" in line or line.startswith("fatal") or '"msg"' in line:
            print("    " + line.strip())


def main() -> int:
    work = tempfile.mkdtemp(prefix="csp-exchange-demo-")
    sandbox = launch(os.path.join(work, "sandbox"))
    try:
        print("Sandbox listening at %s (state and CA in %s)" % (sandbox.url, sandbox.state_dir))
        collections = harness.install_collection(work)
        print("Collection csp.exchange built and installed into %s" % collections)
        env = harness.playbook_env(collections, sandbox.env)
        reports = os.path.join(work, "reports")

        def play(name, **kwargs):
            return harness.run_playbook(os.path.join(PLAYBOOKS, name), env, inventory=INVENTORY, forks=10, **kwargs)

        runs = [("consent", play("consent.yml"), ["Ensure the partner app holds the delegated scopes"]),
                ("baseline", play("baseline.yml"), ["Ensure Exchange settings"]),
                ("baseline again: nothing left to change", play("baseline.yml"), ["Ensure Exchange settings"]),
                ("drift check on the converged tenants", play("drift.yml", extra_vars={"drift_report_dir": reports}),
                 ["Write JSON and JUnit reports"])]
        for title, run, tasks in runs:
            step(title, run, tasks)
            if run.rc != 0:
                print(run.stdout[-3000:], run.stderr[-3000:], sep="\n")
                return 1

        tenant = sandbox.sandbox.store.tenants["22222222-2222-2222-2222-222222222222"]
        with sandbox.sandbox.store.lock:
            tenant.exchange.invoke("Set-CASMailbox", {"Identity": "admin", "IMAPEnabled": True}, now=sandbox.sandbox.now())
        print("\n-- Behind the collection's back: IMAP re-enabled on admin@contoso.com")
        drift = play("drift.yml", extra_vars={"drift_report_dir": reports})
        step("drift check after the change (a non-zero exit is the expected result)", drift)
        with open(os.path.join(reports, "drift.json")) as handle:
            report = json.load(handle)
        for case in report["cases"]:
            for d in case["drift"]:
                print("    drift: %s %s %s: %s is %s, baseline wants %s" % (
                    case["tenant"], case["object"], d["identity"], d["property"], d["current"], d["desired"]))
        print("    reports: %s/drift.json, %s/drift.xml" % (reports, reports))
        return 0 if drift.rc != 0 and report["drifted"] == 1 else 1
    finally:
        sandbox.stop()


if __name__ == "__main__":
    sys.exit(main())
