"""The README's first command: the main job on the sandbox, as a partner would run it.

Starts the M365 partner sandbox, installs the collection with ansible-galaxy, writes an inventory of the
sandbox's customer tenants and runs ``playbooks/demo.yml`` twice: the first run consents and changes a
mailbox in each tenant, the second shows that nothing is left to change.
"""
import json
import os
import sys
import tempfile

from tests import harness
from tests.sandbox.launch import launch


def recap(run):
    lines = [line for line in run.stdout.splitlines() if " : ok=" in line]
    return "\n".join("    " + line.strip() for line in lines)


def main() -> int:
    work = tempfile.mkdtemp(prefix="csp-exchange-demo-")
    sandbox = launch(os.path.join(work, "sandbox"))
    try:
        print("Sandbox listening at %s (state in %s)" % (sandbox.url, sandbox.state_dir))
        collections = harness.install_collection(work)
        print("Collection csp.exchange built and installed into %s" % collections)
        tenants = json.loads(sandbox.env["CSP_TENANTS"])
        names = [t["displayName"].lower().replace(" ", "_") for t in _tenant_info(sandbox)]
        inventory = harness.write_inventory(os.path.join(work, "inventory.ini"), dict(zip(names, tenants)))
        env = harness.playbook_env(collections, sandbox.env)
        playbook = os.path.join(harness.ROOT, "playbooks", "demo.yml")
        for attempt in ("first run: consent and a mailbox change", "second run: nothing left to change"):
            run = harness.run_playbook(playbook, env, inventory=inventory)
            print("\n== %s (exit %d)" % (attempt, run.rc))
            for entry in run.results:
                if entry["task"] in ("Ensure the partner app holds Exchange.Manage", "Set its quotas"):
                    print("    %-14s %-46s changed=%s" % (entry["host"], entry["task"], entry["result"].get("changed")))
            print(recap(run))
            if run.rc != 0:
                print(run.stdout[-4000:], run.stderr[-4000:], sep="\n")
                return run.rc
        return 0
    finally:
        sandbox.stop()


def _tenant_info(sandbox):
    store = sandbox.sandbox.store
    return [{"displayName": t.display_name} for t in store.tenants.values()]


if __name__ == "__main__":
    sys.exit(main())
