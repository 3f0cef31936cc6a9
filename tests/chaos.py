"""Chaos run: the baseline playbook over many sandbox tenants with transient failures and throttling, in one run
with the modules' default retry settings. Checks that every tenant converged (no setting lost), that no
non-idempotent write was sent, and prints a figure table.

    python -m tests.chaos                       # 50 tenants x 200 mailboxes, 10 forks, 30% failures + throttling
    python -m tests.chaos --tenants 10 --mailboxes 50

The sandbox's fault randomness is seeded (--random-seed), so the injected faults replay; the client's backoff jitter
and process scheduling still vary between runs. The opt-in token cache (CSP_TOKEN_CACHE) is on by default: every
Ansible task is a new process, and without the cache each one redeems the refresh token again (--no-token-cache to
compare). Exit status 0 when every check passes.
"""
import argparse
import collections
import copy
import json
import os
import shutil
import sys
import tempfile
import time

from tests import harness
from tests.sandbox.launch import launch
from tests.sandbox.seed import load_seed

EXAMPLES = os.path.join(harness.ROOT, "examples", "inventory")
BASELINE = os.path.join(harness.ROOT, "playbooks", "baseline.yml")
NON_IDEMPOTENT = ("New-", "Add-", "Remove-", "Enable-", "Disable-")


def _collection_import_path():
    """Make ansible_collections.csp.exchange importable (as the root conftest does for pytest)."""
    base = os.path.join(harness.ROOT, ".cache", "collections")
    link = os.path.join(base, "ansible_collections", "csp", "exchange")
    if not os.path.islink(link):
        os.makedirs(os.path.dirname(link), exist_ok=True)
        os.symlink(harness.ROOT, link)
    if base not in sys.path:
        sys.path.insert(0, base)


def build_seed(tenants, mailboxes):
    seed = copy.deepcopy(load_seed(None))
    seed["tenants"] = []
    seed["generate_customers"] = {"count": tenants, "prefix": "chaos",
                                  "exchange": {"mailboxes": [{"generate": {"count": mailboxes}}]}}
    return seed


def baseline_rules(inventory):
    """(object, filter or None, settings) per rule of the example group_vars baseline."""
    import yaml
    with open(os.path.join(inventory, "group_vars", "customers.yml")) as handle:
        values = yaml.safe_load(handle)
    rules = [("OrganizationConfig", None, values["exchange_baseline_organization"])]
    rules += [("Mailbox", r.get("filter"), r["settings"]) for r in values["exchange_baseline_mailboxes"]]
    rules += [("CASMailbox", r.get("filter"), r["settings"]) for r in values["exchange_baseline_cas_mailboxes"]]
    return rules


def _matches_filter(row, opath):
    if not opath:
        return True
    # The example baseline only filters on RecipientTypeDetails -eq '<value>'.
    wanted = opath.split("'")[1]
    return str(row.get("RecipientTypeDetails", "")).lower() == wanted.lower()


def unconverged(sandbox, rules):
    """[(tenant, noun, identity, property, current, desired)] still differing from the baseline."""
    _collection_import_path()
    from ansible_collections.csp.exchange.plugins.module_utils.exchange.values import same
    missing = []
    with sandbox.store.lock:
        tenants = dict(sandbox.store.tenants)
        for tenant_id, tenant in tenants.items():
            mailboxes = {str(r["Identity"]).lower(): r for r in tenant.exchange.snapshot("Mailbox")}
            for noun, opath, settings in rules:
                for row in tenant.exchange.snapshot(noun):
                    # CAS mailboxes carry no RecipientTypeDetails; filters apply to mailboxes only here.
                    source = mailboxes.get(str(row.get("Identity")).lower(), row) if noun == "Mailbox" else row
                    if not _matches_filter(source, opath):
                        continue
                    lowered = dict((k.lower(), v) for k, v in row.items())
                    for name, desired in settings.items():
                        current = lowered.get(name.lower())
                        if not same(name, current, desired):
                            missing.append((tenant_id, noun, row.get("Identity"), name, current, desired))
    return missing


def run(args):
    work = tempfile.mkdtemp(prefix="csp-chaos-")
    try:
        return _run(args, work)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


def _run(args, work):
    print("Installing the collection and starting the sandbox (%d tenants x %d mailboxes)..."
          % (args.tenants, args.mailboxes), flush=True)
    collections = harness.install_collection(os.path.join(work, "collection"))
    running = launch(os.path.join(work, "sandbox"), seed=build_seed(args.tenants, args.mailboxes),
                     random_seed=args.random_seed,
                     faults={"failure_rate": args.failure_rate, "throttle_rate": args.throttle_rate,
                             "retry_after_s": args.retry_after})
    try:
        sandbox = running.sandbox
        inventory = os.path.join(work, "inventory")
        shutil.copytree(EXAMPLES, inventory)
        os.unlink(os.path.join(inventory, "partner_customers.yml"))   # hosts come from the INI file below
        tenants = sorted(sandbox.store.tenants)
        harness.write_inventory(os.path.join(inventory, "hosts.ini"),
                                dict(("chaos%04d" % (i + 1), t) for i, t in enumerate(tenants)))
        env = harness.playbook_env(collections, running.env)
        if args.token_cache:
            env["CSP_TOKEN_CACHE"] = os.path.join(work, "token-cache", "tokens.json")
        rules = baseline_rules(inventory)
        drift_before = unconverged(sandbox, rules)
        sandbox.log.clear()

        print("Running playbooks/baseline.yml with %d forks, %.0f%% failures, %.0f%% throttling (Retry-After %.2f s)..."
              % (args.forks, 100 * args.failure_rate, 100 * args.throttle_rate, args.retry_after), flush=True)
        started = time.monotonic()
        result = harness.run_playbook(BASELINE, env, inventory=inventory, forks=args.forks, timeout=args.timeout)
        wall = time.monotonic() - started
        with open(os.path.join(work, "playbook.log"), "w") as handle:      # for --keep post-mortems
            handle.write(result.stdout + result.stderr)

        counters = sandbox.log.counters()
        if args.keep:
            with open(os.path.join(work, "sandbox-log.json"), "w") as handle:
                json.dump(sandbox.log.entries(), handle)
        sandbox.faults.update(failure_rate=0.0, throttle_rate=0.0)
        drift_after = unconverged(sandbox, rules)
        figures = collect(result, counters, wall, len(tenants), len(drift_before))
        checks = verify(result, counters, drift_after, tenants, args)
        print_table(figures, checks, args)
        if args.json:
            with open(args.json, "w") as handle:
                json.dump({"figures": figures, "checks": checks}, handle, indent=2)
        for failure in failures(result)[:10]:
            print("failed: %s" % failure)
        return 0 if all(passed for passed, detail in checks.values()) else 1
    finally:
        running.stop()


def failures(result):
    """One line per failed task or loop item: host, message and the first failed object's reason."""
    lines = []
    for entry in result.results:
        if entry["status"] != "failed":
            continue
        items = [i for i in entry["result"].get("results") or [] if isinstance(i, dict) and i.get("failed")]
        for item in items or [entry["result"]]:
            first = (item.get("failed_identities") or [{}])[0]
            lines.append("%s, task %r: %s%s" % (entry["host"], entry["task"], item.get("msg"),
                                                " [%s]" % first.get("reason") if first.get("reason") else ""))
    return lines


def collect(result, counters, wall, tenant_count, drifted_before):
    modules = [e for e in result.results if "http_stats" in e["result"]]
    items = [item for e in result.results for item in e["result"].get("results", []) if "http_stats" in item]
    stats = [e["result"]["http_stats"] for e in modules] + [i["http_stats"] for i in items]
    total = collections.Counter()
    for s in stats:
        total.update(dict((k, v) for k, v in s.items()))
    changes = sum(len(i.get("changes") or []) for i in items)
    faults = counters.get("fault", {})
    return {
        "tenants": tenant_count,
        "module_runs": len(stats),
        "objects_out_of_baseline_before": drifted_before,
        "objects_changed": changes,
        "client_requests": int(total["requests"]),
        "client_retries": int(total["retries"]),
        "client_waited_s": round(total["waited_seconds"], 1),
        "token_refreshes": int(total["token_refreshes"]),
        "sandbox_requests": dict(sorted(counters.get("service", {}).items())),
        "sandbox_requests_total": sum(counters.get("service", {}).values()),
        "injected_failures_503_504": sum(v for k, v in faults.items() if k.startswith("failure_")),
        "injected_throttles_429": faults.get("throttle", 0) + faults.get("throttle_window", 0),
        "status_counts": dict(sorted(counters.get("status", {}).items())),
        "set_cmdlets": dict((k, v) for k, v in sorted(counters.get("cmdlet", {}).items()) if k.startswith("Set-")),
        "failed_tasks": sum(1 for e in result.results if e["status"] == "failed"),
        "wall_time_s": round(wall, 1),
    }


def verify(result, counters, drift_after, tenants, args):
    recap = [line for line in result.stdout.splitlines() if " : ok=" in line]
    failed_hosts = [line.split()[0] for line in recap if "failed=0" not in line or "unreachable=0" not in line]
    non_idempotent = dict((k, v) for k, v in counters.get("cmdlet", {}).items() if k.startswith(NON_IDEMPOTENT))
    return {
        "playbook succeeded": (result.rc == 0, "rc=%s" % result.rc),
        "every tenant ran and none failed": (len(recap) == len(tenants) and not failed_hosts,
                                             "%d of %d hosts in the recap, failed: %s"
                                             % (len(recap), len(tenants), failed_hosts[:5] or "none")),
        "no setting lost (state == baseline)": (not drift_after, "%d differing (tenant, object, property)%s"
                                                % (len(drift_after), (": %s" % (drift_after[:3],)) if drift_after else "")),
        "no non-idempotent write sent": (not non_idempotent, json.dumps(non_idempotent) or "none"),
        "faults were injected": (sum(counters.get("fault", {}).values()) > 0,
                                 json.dumps(dict(sorted(counters.get("fault", {}).items())))),
    }


def print_table(figures, checks, args):
    rows = [
        ("tenants x mailboxes, forks", "%d x %d, %d" % (figures["tenants"], args.mailboxes, args.forks)),
        ("injected: 503/504 failures", figures["injected_failures_503_504"]),
        ("injected: 429 throttles", figures["injected_throttles_429"]),
        ("module runs (tasks x loop items)", figures["module_runs"]),
        ("settings out of baseline before / objects changed",
         "%d / %d" % (figures["objects_out_of_baseline_before"], figures["objects_changed"])),
        ("requests (client attempts)", figures["client_requests"]),
        ("requests seen by the sandbox (incl. $batch items)", figures["sandbox_requests_total"]),
        ("  per service", ", ".join("%s %d" % kv for kv in figures["sandbox_requests"].items())),
        ("retries", figures["client_retries"]),
        ("waits (total seconds slept, all processes)", figures["client_waited_s"]),
        ("token refreshes after a 401", figures["token_refreshes"]),
        ("failures (failed tasks)", figures["failed_tasks"]),
        ("Set- cmdlets run", ", ".join("%s %d" % kv for kv in figures["set_cmdlets"].items())),
        ("token cache", "on (CSP_TOKEN_CACHE)" if args.token_cache else "off"),
        ("wall time", "%.1f s" % figures["wall_time_s"]),
    ]
    width = max(len(r[0]) for r in rows)
    line = "+" + "-" * (width + 2) + "+" + "-" * 62 + "+"
    print(line)
    for name, value in rows:
        print("| %s | %-60s |" % (name.ljust(width), str(value)[:60]))
    print(line)
    for name, (ok, detail) in checks.items():
        print("%s  %s: %s" % ("PASS" if ok else "FAIL", name, detail))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", maxsplit=1)[0])
    parser.add_argument("--tenants", type=int, default=50)
    parser.add_argument("--mailboxes", type=int, default=200)
    parser.add_argument("--forks", type=int, default=10)
    parser.add_argument("--failure-rate", type=float, default=0.3)
    parser.add_argument("--throttle-rate", type=float, default=0.05)
    parser.add_argument("--retry-after", type=float, default=0.75, help="seconds, sent fractional")
    parser.add_argument("--random-seed", type=int, default=2024)
    parser.add_argument("--no-token-cache", dest="token_cache", action="store_false")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds for the playbook run")
    parser.add_argument("--json", help="also write the figures and checks to this file")
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
