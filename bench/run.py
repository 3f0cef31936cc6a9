"""``python -m bench``: csp.exchange against the critical path, Ansible's own overhead and the uri loop.

Starts the sandbox in this process with injected latency on every request, runs the scenarios through
ansible-playbook (the collection built and installed with ansible-galaxy, as users install it), reads the
sandbox's request log, and writes ``results.json``, ``results.md`` and ``wall_vs_tenants.png``.
See bench/README.md for the baseline, the drift and how the bounds are computed.
"""
import argparse
import copy
import json
import math
import os
import platform
import resource
import shutil
import stat
import subprocess
import sys
import tempfile
import time

from tests import harness
from tests.sandbox import requestlog
from tests.sandbox.launch import launch
from tests.sandbox.seed import load_seed

BENCH = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(BENCH)
PLAYBOOKS = os.path.join(ROOT, "playbooks")
BENCH_PLAYBOOKS = os.path.join(BENCH, "playbooks")

# -- the benchmark's baseline: one rule per object type ----------------------------------------------------
BASELINE_ORGANIZATION = {"AuditDisabled": False}
MAILBOX_SETTINGS = {"ProhibitSendReceiveQuota": "50GB", "ProhibitSendQuota": "49.5GB", "IssueWarningQuota": "49GB",
                    "RetainDeletedItemsFor": "14.00:00:00"}
# Drift: two of the four properties on every 10th (5%: every 20th) mailbox.
DRIFT = {"ProhibitSendQuota": "40GB", "RetainDeletedItemsFor": "7.00:00:00"}
PAGE = 1000             # Exchange's largest page
BATCH = 10              # Exchange's largest $batch
CONCURRENCY = 4         # exo_settings' default $batch requests in flight per tenant

FULL = dict(s1_tenants=20, s1_mailboxes=500, s4_mailboxes=10000, s5_tenants=2, s5_mailboxes=100,
            plot_tenants=(5, 10, 20, 40), plot_mailboxes=20, floor_mailboxes=300)
QUICK = dict(s1_tenants=2, s1_mailboxes=20, s4_mailboxes=200, s5_tenants=2, s5_mailboxes=5,
             plot_tenants=(1, 2), plot_mailboxes=3, floor_mailboxes=30)
FLOOR_LATENCY_MS = 50   # the floor scenario's own latency (the issue that set its target named it)
FLOOR_TARGET = 1.35

COLUMNS = ["scenario", "rc", "wall_s", "wall_runs_s", "requests", "identity_token", "identity_discovery", "exchange_read",
           "exchange_batch", "exchange_batch_items", "exchange_single_write", "other", "writes", "lower_bound",
           "ratio", "requests_ok", "critical_path_s", "overhead_s", "wall_target_s", "wall_ratio", "wall_ok",
           "modules", "module_cpu_s", "controller_cpu_s", "sandbox_cpu_s", "peak_module_mb", "peak_module", "memory_ok",
           "module_cpu_per_process_s", "floor_ok"]


# The sandbox keeps its last 20,000 requests for tests; a 1,000-tenant converge sends about 50,000 (batch items
# included), and every one must be counted.
requestlog.MAX_ENTRIES = max(requestlog.MAX_ENTRIES, 1000000)


# -- sandbox state ----------------------------------------------------------------------------------------
def seed_for(tenants, mailboxes):
    seed = copy.deepcopy(load_seed(None))
    seed["tenants"] = []
    seed["generate_customers"] = {"count": tenants, "prefix": "customer",
                                  "exchange": {"mailboxes": [{"generate": {"count": mailboxes, "seed": 1}}]}}
    return seed


def prepare(running, drift_every):
    """Back to the seed, every tenant converged to the baseline, then every ``drift_every``-th mailbox drifted."""
    sandbox = running.sandbox
    sandbox.reset()
    now = sandbox.now()
    with sandbox.store.lock:
        for tenant in sandbox.store.tenants.values():
            org = tenant.exchange
            org.invoke("Set-OrganizationConfig", dict(BASELINE_ORGANIZATION), None, now)
            for index, mailbox in enumerate(list(org.mailboxes)):
                params = dict(MAILBOX_SETTINGS, Identity=mailbox.name)
                if drift_every and index % drift_every == 0:
                    params.update(DRIFT)
                org.invoke("Set-Mailbox", params, None, now)
    sandbox.log.clear()


def drifted_per_tenant(mailboxes, drift_every):
    return len(range(0, mailboxes, drift_every)) if drift_every else 0


# -- request counting -----------------------------------------------------------------------------------------
def classify(entries):
    """Requests by service and kind. A $batch is one request; its nested items are counted apart."""
    counts = dict(requests=0, identity_token=0, identity_discovery=0, exchange_read=0, exchange_batch=0,
                  exchange_batch_items=0, exchange_single_write=0, other=0, writes=0)
    for e in entries:
        if e.get("batch_item") is not None:
            counts["exchange_batch_items"] += 1
            continue
        counts["requests"] += 1
        if e["service"] == "identity":
            if e["path"].endswith("/token"):
                counts["identity_token"] += 1
            else:
                counts["identity_discovery"] += 1
        elif e["service"] == "exchange" and e["path"].endswith("$batch"):
            counts["exchange_batch"] += 1
            counts["writes"] += int(e["write"])
        elif e["service"] == "exchange":
            if e["write"]:
                counts["exchange_single_write"] += 1
                counts["writes"] += 1
            else:
                counts["exchange_read"] += 1
        else:
            counts["other"] += 1
    return counts


# -- bounds -------------------------------------------------------------------------------------------------
def bound(tenants, object_counts, drifted, writes, forks, latency_s):
    """Lower bound of requests and the latency-bound critical path.

    Per tenant: 1 token + ceil(n/1000) pages per object type read + ceil(drifted/10) $batch writes.
    Critical path per tenant: the token, then the longest page chain (object types are read in parallel), then
    the write batches spread over CONCURRENCY; tenants run in waves of ``forks``."""
    pages = [max(1, math.ceil(n / PAGE)) for n in object_counts]
    batches = math.ceil(drifted / BATCH) if writes else 0
    per_tenant = 1 + sum(pages) + batches
    chain = 1 + max(pages) + math.ceil(batches / CONCURRENCY)
    waves = math.ceil(tenants / forks)
    return dict(lower_bound=tenants * per_tenant, chain=chain, critical_path_s=round(waves * chain * latency_s, 3))


# -- ansible-playbook -----------------------------------------------------------------------------------------
class Bench:
    def __init__(self, args, work):
        self.args = args
        self.work = work
        self.latency_s = args.latency_ms / 1000.0
        self.collections = args.collections or harness.install_collection(os.path.join(work, "collection"))
        self.wrapper = self._write_wrapper()
        self._runs = 0

    def _write_wrapper(self):
        path = os.path.join(self.work, "python-memwrap")
        with open(os.path.join(BENCH, "memwrap.py")) as handle:
            text = handle.read().replace("REAL = sys.executable", "REAL = %r" % sys.executable)
        with open(path, "w") as handle:
            handle.write("#!%s -IS\n%s" % (sys.executable, text))
        os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
        return path

    def sandbox(self, work, name, tenants, mailboxes, latency_ms=None):
        """A sandbox of generated tenants with the benchmark's latency on every request."""
        latency_ms = self.args.latency_ms if latency_ms is None else latency_ms
        return launch(os.path.join(work, "sandbox-%s" % name), seed=seed_for(tenants, mailboxes), random_seed=1,
                      faults={"latency_ms": latency_ms})

    def inventory(self, running, count, name):
        """Hosts customer0001..N by tenant GUID (as the partner_customers inventory gives them)."""
        directory = os.path.join(self.work, "inventory-%s" % name)
        os.makedirs(os.path.join(directory, "group_vars"), exist_ok=True)
        tenants = sorted(running.sandbox.store.tenants)[:count]
        lines = ["[customers]"] + ["customer%04d tenant_id=%s" % (i + 1, t) for i, t in enumerate(tenants)]
        # The wrapper runs this Python: csp.exchange's modules may still run in the worker (csp_exchange_in_process).
        lines += ["", "[local]", "localhost", "", "[all:vars]", "ansible_connection=local",
                  "ansible_python_interpreter=%s" % self.wrapper, "csp_exchange_in_process=true"]
        with open(os.path.join(directory, "hosts.ini"), "w") as handle:
            handle.write("\n".join(lines) + "\n")
        with open(os.path.join(directory, "group_vars", "customers.yml"), "w") as handle:
            json.dump({"exchange_baseline_organization": BASELINE_ORGANIZATION,
                       "exchange_baseline_mailboxes": [{"name": "mailboxes", "settings": MAILBOX_SETTINGS}],
                       "exchange_baseline_cas_mailboxes": [],
                       "exchange_baseline_max_changes": 100000,
                       "bench_mailbox_settings": MAILBOX_SETTINGS}, handle, indent=1)
        return os.path.join(directory, "hosts.ini")

    def play(self, running, playbook, inventory, check=False, extra_vars=None):
        """Run one playbook; wall time, request counts, module processes and their peak memory."""
        self._runs += 1
        scratch = os.path.join(self.work, "run%03d" % self._runs)
        os.makedirs(scratch)
        memlog = os.path.join(scratch, "memory.jsonl")
        worker_memlog = os.path.join(scratch, "worker-memory.json")
        env = harness.playbook_env(self.collections, running.env)
        env.update({
            "ANSIBLE_CALLBACK_PLUGINS": os.path.join(BENCH, "callback_plugins"),
            "ANSIBLE_CALLBACKS_ENABLED": "bench_memory",
            "CSP_BENCH_WORKER_MEMLOG": worker_memlog,
            "ANSIBLE_ROLES_PATH": os.path.join(BENCH, "roles"),
            "ANSIBLE_PYTHON_INTERPRETER": self.wrapper,
            "CSP_TOKEN_CACHE": os.path.join(scratch, "tokens.json"),   # fresh: every run pays its own tokens
            "CSP_BENCH_MEMLOG": memlog,
        })
        cmd = [harness._tool("ansible-playbook"), playbook, "-i", inventory, "--forks", str(self.args.forks)]
        if check:
            cmd.append("--check")
        if extra_vars:
            cmd += ["-e", json.dumps(extra_vars)]
        running.sandbox.log.clear()
        cpu = time.process_time()       # this process's threads: the sandbox serving the run
        children = resource.getrusage(resource.RUSAGE_CHILDREN)    # ansible-playbook, its workers and modules
        began = time.monotonic()
        proc = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True, check=False,
                              timeout=self.args.timeout)
        wall = time.monotonic() - began
        sandbox_cpu = time.process_time() - cpu
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        tree_cpu = after.ru_utime - children.ru_utime + after.ru_stime - children.ru_stime
        counts = classify(running.sandbox.log.entries())
        modules = []
        if os.path.exists(memlog):
            with open(memlog) as handle:
                modules = [json.loads(line) for line in handle if line.strip()]
        peak = max(modules, key=lambda m: m["maxrss_kb"]) if modules else {"module": "", "maxrss_kb": 0}
        if not modules and os.path.exists(worker_memlog):      # the modules ran in the worker processes
            with open(worker_memlog) as handle:
                peak = {"module": "worker", "maxrss_kb": json.load(handle)["largest_child_maxrss_kb"]}
        with open(os.path.join(scratch, "stdout.txt"), "w") as handle:
            handle.write(proc.stdout + "\n--- stderr ---\n" + proc.stderr)
        module_cpu = sum(m.get("cpu_s", 0) for m in modules)
        return dict(rc=proc.returncode, wall_s=round(wall, 2), sandbox_cpu_s=round(sandbox_cpu, 2),
                    module_cpu_s=round(module_cpu, 2), controller_cpu_s=round(tree_cpu - module_cpu, 2),
                    modules=len(modules),
                    peak_module_mb=round(peak["maxrss_kb"] / 1024.0, 1), peak_module=peak["module"],
                    log=os.path.join(scratch, "stdout.txt"), **counts)


def row(name, run, bounds, overhead=None, requests_target=True, memory_target=None, expect_rc=0, zero_writes=False):
    r = dict(scenario=name, **{k: v for k, v in run.items() if k != "log"})
    r.setdefault("wall_runs_s", [run["wall_s"]])
    r.update(lower_bound=bounds["lower_bound"], critical_path_s=bounds["critical_path_s"],
             ratio=round(run["requests"] / bounds["lower_bound"], 2) if bounds["lower_bound"] else None)
    r["requests_ok"] = (r["ratio"] is not None and r["ratio"] <= 1.1) if requests_target else None
    if zero_writes:
        r["requests_ok"] = r["requests_ok"] and run["writes"] == 0
    if overhead is not None:
        r["overhead_s"] = overhead["wall_s"]
        r["overhead_cpu_s"] = dict(module=overhead["module_cpu_s"], controller=overhead["controller_cpu_s"])
        r["wall_target_s"] = round(1.5 * (bounds["critical_path_s"] + overhead["wall_s"]), 2)
        r["wall_ratio"] = round(run["wall_s"] / (bounds["critical_path_s"] + overhead["wall_s"]), 2)
        r["wall_ok"] = run["wall_s"] <= r["wall_target_s"]
    else:
        r.update(overhead_s=None, wall_target_s=None, wall_ratio=None, wall_ok=None)
    r["memory_ok"] = (run["peak_module_mb"] <= memory_target) if memory_target else None
    r["module_cpu_per_process_s"] = round(run["module_cpu_s"] / run["modules"], 3) if run["modules"] else None
    r["floor_ok"] = None
    r["expected_rc"] = expect_rc
    r["rc_ok"] = run["rc"] == expect_rc
    return r


# -- scenarios ------------------------------------------------------------------------------------------------
def median(runs):
    """The run with the median wall time: a shared 2-core machine varies by seconds between identical runs."""
    ordered = sorted(runs, key=lambda r: r["wall_s"])
    chosen = dict(ordered[len(ordered) // 2])
    chosen["wall_runs_s"] = [r["wall_s"] for r in runs]
    return chosen


def repeated(bench, measure):
    """``measure()`` returns a dict of named runs; repeat it ``--repeat`` times (interleaved, so noise hits the
    no-op and the real playbooks alike) and keep each name's median run."""
    rounds = [measure() for dummy in range(max(1, bench.args.repeat))]
    return dict((name, median([r[name] for r in rounds])) for name in rounds[0])


def scenarios_1_to_3(bench, sizes, work):
    t, n = sizes["s1_tenants"], sizes["s1_mailboxes"]
    running = bench.sandbox(work, "s1", t, n)
    try:
        inventory = bench.inventory(running, t, "s1")
        drifted = drifted_per_tenant(n, 10)
        label = "%d tenants x %d mailboxes" % (t, n)
        reports = []

        def measure():
            runs = dict(overhead=bench.play(running, os.path.join(BENCH_PLAYBOOKS, "noop_baseline.yml"), inventory))
            prepare(running, 10)
            runs["first"] = bench.play(running, os.path.join(PLAYBOOKS, "baseline.yml"), inventory)
            runs["second"] = bench.play(running, os.path.join(PLAYBOOKS, "baseline.yml"), inventory)
            runs["overhead_drift"] = bench.play(running, os.path.join(BENCH_PLAYBOOKS, "noop_drift.yml"), inventory,
                                                extra_vars={"drift_report_dir": os.path.join(work, "noop-drift")})
            prepare(running, 10)
            report_dir = os.path.join(work, "drift-report-%d" % len(reports))
            runs["drift"] = bench.play(running, os.path.join(PLAYBOOKS, "drift.yml"), inventory,
                                       extra_vars={"drift_report_dir": report_dir})
            with open(os.path.join(report_dir, "drift.json")) as handle:
                reports.append(json.load(handle))
            return runs

        runs = repeated(bench, measure)
        lat, forks = bench.latency_s, bench.args.forks
        return [
            row("1 converge %s, 10%% drift" % label, runs["first"], bound(t, [1, n], drifted, True, forks, lat),
                runs["overhead"]),
            row("2 again, converged (no-op)", runs["second"], bound(t, [1, n], 0, True, forks, lat), runs["overhead"],
                zero_writes=True),
            row("3 drift.yml over %s (%d drifted)" % (label, reports[-1].get("drifted", -1)), runs["drift"],
                bound(t, [1, n], drifted, False, forks, lat), runs["overhead_drift"], expect_rc=2),
        ]
    finally:
        running.stop()


def alternating(bench, running, inventory, noop, playbook, drift_every):
    """Rounds of the no-op play then the real one on freshly drifted state; the median run of each."""
    def measure():
        runs = dict(overhead=bench.play(running, noop, inventory))
        prepare(running, drift_every)
        runs["run"] = bench.play(running, playbook, inventory)
        return runs
    return repeated(bench, measure)


def scenario_4(bench, sizes, work):
    n = sizes["s4_mailboxes"]
    running = bench.sandbox(work, "s4", 1, n)
    try:
        inventory = bench.inventory(running, 1, "s4")
        runs = alternating(bench, running, inventory, os.path.join(BENCH_PLAYBOOKS, "noop_baseline.yml"),
                           os.path.join(PLAYBOOKS, "baseline.yml"), drift_every=20)
        b = bound(1, [1, n], drifted_per_tenant(n, 20), True, bench.args.forks, bench.latency_s)
        return [row("4 one tenant x %d mailboxes, 5%% drift" % n, runs["run"], b, runs["overhead"], memory_target=200)]
    finally:
        running.stop()


def scenario_floor(bench, sizes, work):
    """One exo_settings task's whole ansible-playbook run (one tenant, 10% drifted) against the same play with
    ansible.builtin.ping plus the task's critical path (token, one page, one wave of $batch writes): what a module
    process costs beyond Ansible's own floor. Rounds alternate the two plays; medians are compared."""
    n = sizes["floor_mailboxes"]
    running = bench.sandbox(work, "floor", 1, n, latency_ms=FLOOR_LATENCY_MS)
    try:
        inventory = bench.inventory(running, 1, "floor")
        runs = alternating(bench, running, inventory, os.path.join(BENCH_PLAYBOOKS, "noop_settings.yml"),
                           os.path.join(BENCH_PLAYBOOKS, "settings.yml"), drift_every=10)
        b = bound(1, [n], drifted_per_tenant(n, 10), True, bench.args.forks, FLOOR_LATENCY_MS / 1000.0)
        r = row("6 floor: one exo_settings task, 1 tenant x %d mailboxes, 10%% drift, %d ms" % (n, FLOOR_LATENCY_MS),
                runs["run"], b, runs["overhead"])
        r["floor_ok"] = r["wall_ratio"] <= FLOOR_TARGET
        return [r]
    finally:
        running.stop()


def settings_vs_uri(bench, running, inventory, tenants, mailboxes, label, overhead=None):
    """The same change with exo_settings and with the uri loop; returns (row a, row b)."""
    b = bound(tenants, [mailboxes], drifted_per_tenant(mailboxes, 10), True, bench.args.forks, bench.latency_s)
    prepare(running, 10)
    ours = bench.play(running, os.path.join(BENCH_PLAYBOOKS, "settings.yml"), inventory)
    prepare(running, 10)
    uri = bench.play(running, os.path.join(BENCH_PLAYBOOKS, "uri_loop.yml"), inventory)
    return (row("%s (a) csp.exchange.exo_settings" % label, ours, b, overhead),
            row("%s (b) ansible.builtin.uri loop" % label, uri, b, requests_target=False))


def scenario_5(bench, sizes, work):
    t, n = sizes["s5_tenants"], sizes["s5_mailboxes"]
    running = bench.sandbox(work, "s5", t, n)
    try:
        inventory = bench.inventory(running, t, "s5")
        overhead = bench.play(running, os.path.join(BENCH_PLAYBOOKS, "noop_settings.yml"), inventory)
        a, b = settings_vs_uri(bench, running, inventory, t, n, "5 %d tenants x %d mailboxes" % (t, n), overhead)
        a["requests_ok"] = None      # the target on requests is for scenarios 1-4
        speedup = round(b["wall_s"] / a["wall_s"], 1) if a["wall_s"] else None
        return [a, b], speedup
    finally:
        running.stop()


def plot_series(bench, sizes, work):
    counts, n = sizes["plot_tenants"], sizes["plot_mailboxes"]
    running = bench.sandbox(work, "plot", max(counts), n)
    points = []
    try:
        for t in counts:
            inventory = bench.inventory(running, t, "plot%d" % t)
            a, b = settings_vs_uri(bench, running, inventory, t, n, "plot %d tenants x %d mailboxes" % (t, n))
            points.append(dict(tenants=t, mailboxes=n, collection_s=a["wall_s"], uri_s=b["wall_s"],
                               collection_requests=a["requests"], uri_requests=b["requests"],
                               critical_path_s=a["critical_path_s"], rc=[a["rc"], b["rc"]]))
            print("  plot: %d tenants: csp.exchange %.1f s, uri loop %.1f s" % (t, a["wall_s"], b["wall_s"]),
                  flush=True)
    finally:
        running.stop()
    return points


def draw(points, path, latency_ms, mailboxes):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (pip install -r bench/requirements.txt): no plot", file=sys.stderr)
        return None
    tenants = [p["tenants"] for p in points]
    fig, ax = plt.subplots(figsize=(7, 4.5))
    ax.plot(tenants, [p["uri_s"] for p in points], "o-", color="tab:red", label="ansible.builtin.uri loop")
    ax.plot(tenants, [p["collection_s"] for p in points], "o-", color="tab:blue", label="csp.exchange.exo_settings")
    ax.plot(tenants, [p["critical_path_s"] for p in points], "--", color="tab:gray", label="critical path (latency)")
    ax.set_xlabel("tenants (%d mailboxes each, 10%% drift)" % mailboxes)
    ax.set_ylabel("wall seconds")
    ax.set_title("Same change, %d ms per request, forks 10" % latency_ms)
    ax.set_xticks(tenants)
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


# -- output -----------------------------------------------------------------------------------------------------
def fmt(value):
    if value is None:
        return "-"
    if value is True:
        return "PASS"
    if value is False:
        return "FAIL"
    return str(value)


def markdown(rows, meta, speedup, points, plot):
    out = ["# csp.exchange benchmark", "",
           "latency %(latency_ms)s ms per request, forks %(forks)s, %(cpus)s CPUs, %(when)s%(quick)s" % meta, "",
           "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    out += ["| " + " | ".join(fmt(r.get(c)) for c in COLUMNS) + " |" for r in rows]
    out += ["", "Scenario 5 speed-up of csp.exchange over the uri loop: **%sx** (target >= 10x: %s)"
            % (speedup, fmt(speedup is not None and speedup >= 10)), ""]
    if points:
        out += ["## Wall time against tenant count", "", "| tenants | csp.exchange s | uri loop s | critical path s |",
                "|---|---|---|---|"]
        out += ["| %(tenants)s | %(collection_s)s | %(uri_s)s | %(critical_path_s)s |" % p for p in points]
        out += ["", "Plot: `%s`" % (os.path.relpath(plot, ROOT) if plot else "not drawn (no matplotlib)")]
    return "\n".join(out) + "\n"


def text_table(rows):
    cols = ["scenario", "rc", "wall_s", "requests", "identity_token", "identity_discovery", "exchange_read",
            "exchange_batch", "exchange_batch_items", "exchange_single_write", "writes", "lower_bound", "ratio",
            "requests_ok", "critical_path_s", "overhead_s", "wall_ratio", "wall_ok", "peak_module_mb", "memory_ok"]
    short = {"identity_token": "tok", "identity_discovery": "disc", "exchange_read": "read", "exchange_batch": "batch",
             "exchange_batch_items": "items", "exchange_single_write": "single", "lower_bound": "bound",
             "requests_ok": "req", "critical_path_s": "crit_s", "overhead_s": "ovh_s", "wall_ratio": "w/(c+o)",
             "wall_ok": "wall", "peak_module_mb": "peak_mb", "memory_ok": "mem", "requests": "reqs"}
    table = [[short.get(c, c) for c in cols]] + [[fmt(r.get(c)) for c in cols] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(cols))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths)) for line in table)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--latency-ms", type=float, default=100, help="added to every request (default 100)")
    parser.add_argument("--forks", type=int, default=10)
    parser.add_argument("--quick", action="store_true", help="tiny sizes: a smoke run of every scenario and the plot")
    parser.add_argument("--out", default=os.path.join(BENCH, "results"), help="directory for results.json/.md/.png")
    parser.add_argument("--only", default="1,2,3,4,5,6,plot",
                        help="comma list of: 1 (runs 1-3), 4, 5, 6 (the floor ratio), plot")
    parser.add_argument("--plot-tenants", help="comma list of tenant counts (default 5,10,20,40)")
    parser.add_argument("--plot-mailboxes", type=int, help="mailboxes per tenant in the plot (default 20)")
    parser.add_argument("--timeout", type=int, default=3600, help="seconds per ansible-playbook run")
    parser.add_argument("--repeat", type=int, default=3,
                        help="rounds of scenarios 1-4 and 6 (each with its no-op run); the median wall time is reported")
    parser.add_argument("--collections", help="an installed collections path to use instead of building one")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (playbook output, logs)")
    args = parser.parse_args(argv)
    sizes = dict(QUICK if args.quick else FULL)
    if args.plot_tenants:
        sizes["plot_tenants"] = tuple(int(x) for x in args.plot_tenants.split(","))
    if args.plot_mailboxes:
        sizes["plot_mailboxes"] = args.plot_mailboxes
    only = set(x.strip() for x in args.only.split(","))
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="csp-bench-")
    began = time.time()
    try:
        bench = Bench(args, work)
        rows, speedup, points, plot = [], None, [], None
        if "1" in only:
            print("scenarios 1-3 ...", flush=True)
            rows += scenarios_1_to_3(bench, sizes, work)
        if "4" in only:
            print("scenario 4 ...", flush=True)
            rows += scenario_4(bench, sizes, work)
        if "6" in only:
            print("scenario 6 (floor) ...", flush=True)
            rows += scenario_floor(bench, sizes, work)
        if "5" in only:
            print("scenario 5 ...", flush=True)
            more, speedup = scenario_5(bench, sizes, work)
            rows += more
        if "plot" in only:
            print("plot series ...", flush=True)
            points = plot_series(bench, sizes, work)
            plot = draw(points, os.path.join(args.out, "wall_vs_tenants.png"), args.latency_ms, sizes["plot_mailboxes"])
        meta = dict(latency_ms=args.latency_ms, forks=args.forks, cpus=os.cpu_count(), quick=" (quick)" if args.quick else "",
                    when=time.strftime("%Y-%m-%d %H:%M:%S"), python=platform.python_version(),
                    load_average=os.getloadavg(), seconds=round(time.time() - began, 1),
                    baseline=dict(organization=BASELINE_ORGANIZATION, mailboxes=MAILBOX_SETTINGS, drift=DRIFT),
                    sizes=sizes, concurrency=CONCURRENCY, repeat=args.repeat)
        with open(os.path.join(args.out, "results.json"), "w") as handle:
            json.dump(dict(meta=meta, columns=COLUMNS, rows=rows, speedup=speedup, plot_points=points,
                           plot=plot), handle, indent=1)
        with open(os.path.join(args.out, "results.md"), "w") as handle:
            handle.write(markdown(rows, meta, speedup, points, plot))
        print(text_table(rows))
        if speedup is not None:
            print("scenario 5 speed-up over the uri loop: %sx" % speedup)
        if plot:
            print("plot: %s" % plot)
        print("results: %s" % os.path.join(args.out, "results.md"))
        bad = [r["scenario"] for r in rows if not r["rc_ok"]]
        if bad:
            print("unexpected ansible-playbook exit codes: %s (logs in %s)" % (bad, work), file=sys.stderr)
            args.keep = True
            return 1
        return 0
    finally:
        if args.keep:
            print("work directory kept: %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
