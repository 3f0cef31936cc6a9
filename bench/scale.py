"""``python -m bench.scale``: hundreds to a thousand customer tenants from one controller.

For each size (default 100, 300 and 1,000 generated tenants x 20 mailboxes, 100 ms per request) it runs, against
the sandbox: the no-op baseline play of the same shape (one ``ansible.builtin.ping`` task per tenant), the baseline
(converge from the seed), the baseline again (must write nothing), the no-op drift play, and the drift check
(re-check; must find no drift). It reports wall time, tenants per minute, controller and module CPU, the peak
memory of ``ansible-playbook`` and of one module, and the ratio to the no-op play; writes ``scale.json``,
``scale.md`` and ``scale.png`` to bench/results/ (the other benchmark's results stay). See bench/README.md.
"""
import argparse
import json
import os
import shutil
import tempfile
import threading
import time

from bench.run import BENCH, BENCH_PLAYBOOKS, PLAYBOOKS, Bench, fmt

# The baseline of examples/inventory: the organisation, user and shared mailboxes by filter, CAS mailboxes.
BASELINE = {
    "exchange_baseline_organization": {"AuditDisabled": False, "OAuth2ClientProfileEnabled": True},
    "exchange_baseline_mailboxes": [
        {"name": "user_mailboxes", "filter": "RecipientTypeDetails -eq 'UserMailbox'",
         "settings": {"ProhibitSendReceiveQuota": "50GB", "ProhibitSendQuota": "49GB", "IssueWarningQuota": "48GB",
                      "RetainDeletedItemsFor": 30, "SingleItemRecoveryEnabled": True, "AuditEnabled": True}},
        {"name": "shared_mailboxes", "filter": "RecipientTypeDetails -eq 'SharedMailbox'",
         "settings": {"MessageCopyForSentAsEnabled": True, "MessageCopyForSendOnBehalfEnabled": True}}],
    "exchange_baseline_cas_mailboxes": [{"name": "legacy_protocols", "settings": {"POPEnabled": False,
                                                                                  "IMAPEnabled": False}}],
    "exchange_baseline_max_changes": 100000,
}
RUNS = ["noop", "converge", "rerun", "noop_drift", "recheck"]
RATIO_TARGET = 1.5
WALL_TARGET_S = 600
CONTROLLER_RSS_TARGET_MB = 1024
COLUMNS = ["label", "tenants", "run", "rc", "wall_s", "noop_wall_s", "ratio", "ratio_ok", "under_10_min",
           "tenants_per_min", "writes", "zero_writes_ok", "requests", "identity_token", "controller_cpu_s",
           "module_cpu_s", "playbook_peak_rss_mb", "tree_peak_rss_mb", "rss_ok", "peak_module_mb", "peak_module",
           "load_before", "load_after"]


class TreeMemory:
    """Samples the ansible-playbook process this benchmark started (a child of this process, found by its parent
    pid: other people's runs on a shared machine are not counted) and its descendants: the main process's own
    high-water mark (VmHWM) and the largest memory of the whole tree at one moment, as the sum of proportional set
    sizes (forked workers share most of their pages; a sum of resident sets would count them once per fork)."""

    def __init__(self, interval=0.25):
        self.interval = interval
        self.playbook_hwm_kb = 0
        self.tree_peak_kb = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()

    @staticmethod
    def _processes():
        table = {}
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % name) as handle:
                    stat = handle.read()
                with open("/proc/%s/status" % name) as handle:
                    status = dict(line.split(":", 1) for line in handle if ":" in line)
            except (IOError, OSError):
                continue
            ppid = int(stat.rsplit(")", 1)[1].split()[1])
            table[int(name)] = [ppid, stat[stat.find("(") + 1:stat.rfind(")")], _kb(status.get("VmRSS")),
                                _kb(status.get("VmHWM"))]
        return table

    @staticmethod
    def _pss_kb(pid, rss_kb):
        """Proportional set size: shared pages divided among the processes sharing them (forked workers)."""
        try:
            with open("/proc/%d/smaps_rollup" % pid) as handle:
                return next((_kb(line.split(":", 1)[1]) for line in handle if line.startswith("Pss:")), rss_kb)
        except (IOError, OSError):
            return rss_kb

    def _run(self):
        me = os.getpid()
        while not self._stop.wait(self.interval):
            table = self._processes()
            roots = [pid for pid, entry in table.items() if entry[0] == me and "ansible" in entry[1]]
            tree, frontier = set(roots), list(roots)
            while frontier:
                parent = frontier.pop()
                children = [pid for pid, entry in table.items() if entry[0] == parent and pid not in tree]
                tree.update(children)
                frontier.extend(children)
            for pid in roots:
                self.playbook_hwm_kb = max(self.playbook_hwm_kb, table[pid][3])
            self.tree_peak_kb = max(self.tree_peak_kb, sum(self._pss_kb(pid, table[pid][2]) for pid in tree))


def _kb(text):
    return int(text.split()[0]) if text else 0


def scale_inventory(bench, running, count, name):
    path = bench.inventory(running, count, name)
    with open(os.path.join(os.path.dirname(path), "group_vars", "customers.yml"), "w") as handle:
        json.dump(BASELINE, handle, indent=1)
    return path


def measure(bench, running, playbook, inventory, check_rc, **kwargs):
    load_before = round(os.getloadavg()[0], 2)
    with TreeMemory() as memory:
        run = bench.play(running, playbook, inventory, **kwargs)
    run.update(playbook_peak_rss_mb=round(memory.playbook_hwm_kb / 1024.0, 1),
               tree_peak_rss_mb=round(memory.tree_peak_kb / 1024.0, 1), load_before=load_before,
               load_after=round(os.getloadavg()[0], 2), rc_ok=run["rc"] == check_rc)
    print("    %-9s rc=%s wall %.1f s, writes %s, cpu controller %.1f s modules %.1f s, rss playbook %.0f MB module %.0f "
          "MB, load %.1f -> %.1f" % (os.path.basename(playbook), run["rc"], run["wall_s"], run["writes"],
                                     run["controller_cpu_s"], run["module_cpu_s"], run["playbook_peak_rss_mb"],
                                     run["peak_module_mb"], load_before, run["load_after"]), flush=True)
    return run


def one_size(bench, args, tenants, work):
    running = bench.sandbox(work, "scale%d" % tenants, tenants, args.mailboxes)
    try:
        running.sandbox.log.clear()
        inventory = scale_inventory(bench, running, tenants, "scale%d" % tenants)
        reports = os.path.join(work, "reports%d" % tenants)
        print("  %d tenants x %d mailboxes, forks %d" % (tenants, args.mailboxes, args.forks), flush=True)
        runs = dict(noop=measure(bench, running, os.path.join(BENCH_PLAYBOOKS, "noop_baseline.yml"), inventory, 0))
        runs["converge"] = measure(bench, running, os.path.join(PLAYBOOKS, "baseline.yml"), inventory, 0)
        runs["rerun"] = measure(bench, running, os.path.join(PLAYBOOKS, "baseline.yml"), inventory, 0)
        runs["noop_drift"] = measure(bench, running, os.path.join(BENCH_PLAYBOOKS, "noop_drift.yml"), inventory, 0,
                                     extra_vars={"drift_report_dir": reports + "-noop"})
        runs["recheck"] = measure(bench, running, os.path.join(PLAYBOOKS, "drift.yml"), inventory, 0,
                                  extra_vars={"drift_report_dir": reports})
    finally:
        running.stop()
    rows = []
    for name, noop in (("noop", None), ("converge", "noop"), ("rerun", "noop"), ("noop_drift", None),
                       ("recheck", "noop_drift")):
        run = runs[name]
        row = dict((k, v) for k, v in run.items() if k in COLUMNS or k == "rc_ok")
        row.update(label=args.label, tenants=tenants, run=name,
                   tenants_per_min=round(tenants / run["wall_s"] * 60, 1) if run["wall_s"] else None,
                   under_10_min=run["wall_s"] < WALL_TARGET_S,
                   rss_ok=run["playbook_peak_rss_mb"] < CONTROLLER_RSS_TARGET_MB)
        if noop:
            row["noop_wall_s"] = runs[noop]["wall_s"]
            row["ratio"] = round(run["wall_s"] / runs[noop]["wall_s"], 2)
            row["ratio_ok"] = row["ratio"] <= RATIO_TARGET
        row["zero_writes_ok"] = run["writes"] == 0 if name in ("rerun", "recheck") else None
        rows.append(row)
    return rows


def markdown(rows, meta, meta_by_label=None):
    out = ["# csp.exchange at scale: one controller, hundreds to a thousand tenants", "",
           "%(mailboxes)s mailboxes per tenant, latency %(latency_ms)s ms per request, forks %(forks)s, %(cpus)s CPUs; "
           "%(when)s; load average before: %(load)s" % meta, "",
           "Targets: converge and re-check each within %.1f x the no-op play of the same shape and under %d s; zero "
           "writes on the rerun; the controller (ansible-playbook's peak RSS) < %d MB."
           % (RATIO_TARGET, WALL_TARGET_S, CONTROLLER_RSS_TARGET_MB), "",
           "| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    out += ["| " + " | ".join(fmt(r.get(c)) for c in COLUMNS) + " |" for r in rows]
    out += [""] + ["- `%s`: measured %s, forks %s, load average before %s" % (label, m["when"], m["forks"], m["load"])
                   for label, m in sorted((meta_by_label or {}).items())]
    out += ["", "`tree_peak_rss_mb`: the largest sum, at one moment, of the proportional set sizes (PSS) of "
                "ansible-playbook, its forked workers and the module processes: the machine's memory for the run, "
                "which grows with --forks (each worker copies the pages Python touches). "
                "`peak_module_mb`: one module process's peak (`bench/memwrap.py`), or, when the modules run in the "
                "worker process (plugins/plugin_utils/in_process.py; `peak_module` = worker), the largest worker's "
                "(`bench/callback_plugins/bench_memory.py`); `module_cpu_s` counts module processes only.",
            "Plot: `bench/results/scale.png`"]
    return "\n".join(out) + "\n"


def draw(rows, path):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(9, 4.8))
    styles = {"noop": ("tab:gray", "--"), "converge": ("tab:blue", "-"), "rerun": ("tab:cyan", "-"),
              "noop_drift": ("tab:olive", "--"), "recheck": ("tab:green", "-")}
    markers = "sD^v"
    # Every run of the current build; of earlier builds (other labels) the converge only, to keep the plot legible.
    for number, label in enumerate(["after"] + sorted(set(r["label"] for r in rows) - {"after"})):
        for run, (color, line) in styles.items():
            if label != "after" and run != "converge":
                continue
            points = sorted((r["tenants"], r["wall_s"]) for r in rows if r["label"] == label and r["run"] == run)
            if points:
                older = label != "after"
                ax.plot([p[0] for p in points], [p[1] for p in points],
                        (markers[number % len(markers)] if older else "o") + (":" if older else line),
                        color="tab:red" if older else color, alpha=0.5 if older else 1.0, label="%s: %s" % (label, run))
    ax.axhline(WALL_TARGET_S, color="tab:red", linewidth=0.8, label="10 minutes")
    ax.set_xlabel("tenants (20 mailboxes each)")
    ax.set_ylabel("wall seconds")
    ax.set_title("One controller, 2 cores, 100 ms per request")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--sizes", default="100,300,1000", help="comma list of tenant counts")
    parser.add_argument("--mailboxes", type=int, default=20)
    parser.add_argument("--latency-ms", type=float, default=100)
    parser.add_argument("--forks", type=int, default=20,
                        help="default 20: on 2 cores a module waits on the network about half its life")
    parser.add_argument("--label", default="after", help="rows are kept per label (e.g. 'before' for an older build)")
    parser.add_argument("--collections", help="an installed collections path to use instead of building one")
    parser.add_argument("--out", default=os.path.join(BENCH, "results"))
    parser.add_argument("--timeout", type=int, default=3600)
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 2 tenants x 2 mailboxes")
    args = parser.parse_args(argv)
    if args.quick:
        args.sizes, args.mailboxes = "2", 2
    sizes = [int(s) for s in args.sizes.split(",")]
    os.makedirs(args.out, exist_ok=True)
    work = tempfile.mkdtemp(prefix="csp-scale-")
    result_path = os.path.join(args.out, "scale.json")
    try:
        bench = Bench(args, work)
        meta = dict(mailboxes=args.mailboxes, latency_ms=args.latency_ms, forks=args.forks, cpus=os.cpu_count(),
                    when=time.strftime("%Y-%m-%d %H:%M:%S"), load=[round(x, 2) for x in os.getloadavg()])
        rows = []
        for tenants in sizes:
            rows += one_size(bench, args, tenants, work)
        previous = {}
        if os.path.exists(result_path):     # rows of other labels and sizes stay (e.g. 'before')
            with open(result_path) as handle:
                previous = json.load(handle)
        done = set((args.label, t) for t in sizes)
        kept = [r for r in previous.get("rows", []) if (r["label"], r["tenants"]) not in done]
        rows = sorted(kept + rows, key=lambda r: (r["label"] != "after", r["label"], r["tenants"], RUNS.index(r["run"])))
        runs_meta = dict(previous.get("meta_by_label", {}), **{args.label: meta})
        plot = draw(rows, os.path.join(args.out, "scale.png"))
        with open(result_path, "w") as handle:
            json.dump(dict(meta=meta, meta_by_label=runs_meta, columns=COLUMNS, rows=rows,
                           plot=plot and os.path.relpath(plot, os.path.dirname(BENCH))), handle, indent=1)
        with open(os.path.join(args.out, "scale.md"), "w") as handle:
            handle.write(markdown(rows, meta, runs_meta))
        for r in rows:
            print("  ".join("%s=%s" % (c, fmt(r.get(c))) for c in COLUMNS))
        print("results: %s" % os.path.join(args.out, "scale.md"))
        return 0 if all(r["rc_ok"] for r in rows) else 1
    finally:
        if args.keep:
            print("work directory kept: %s" % work)
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
