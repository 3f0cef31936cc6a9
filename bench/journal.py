"""``python -m bench.journal``: what the journal costs. The 100-tenant converge of ``bench.scale`` (20 mailboxes
each, 100 ms per request, 20 forks, the examples' baseline) with and without ``csp_journal``, in alternating rounds,
each from the same seed state (the sandbox is reset before every run). Reports each run, the medians and the ratio
journal / no journal (target: within 5 %); writes ``journal.json`` and ``journal.md`` to bench/results/.
"""
import argparse
import json
import os
import shutil
import statistics
import tempfile
import time

from bench.run import BENCH, PLAYBOOKS, Bench
from bench.scale import scale_inventory

TARGET = 1.05


def lines_in(path):
    if not os.path.exists(path):
        return 0
    with open(path) as handle:
        return sum(1 for line in handle if line.strip())


def converge(bench, running, inventory, journal=None):
    running.sandbox.reset()
    extra = {"csp_journal": journal, "csp_run_id": "bench"} if journal else {"csp_run_id": "bench"}
    run = bench.play(running, os.path.join(PLAYBOOKS, "baseline.yml"), inventory, extra_vars=extra)
    run["journal_lines"] = lines_in(journal) if journal else None
    print("    %-10s rc=%s wall %.2f s, writes %s, controller cpu %.1f s, journal lines %s" % (
        "journal" if journal else "no journal", run["rc"], run["wall_s"], run["writes"], run["controller_cpu_s"],
        run["journal_lines"]), flush=True)
    return run


def summary(run):
    return dict((c, run[c]) for c in ("rc", "wall_s", "writes", "controller_cpu_s", "journal_lines"))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.journal", description=__doc__.split("\n", maxsplit=1)[0])
    parser.add_argument("--tenants", type=int, default=100)
    parser.add_argument("--mailboxes", type=int, default=20)
    parser.add_argument("--latency-ms", type=float, default=100)
    parser.add_argument("--forks", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--collections", help="an installed collections path to use instead of building one")
    parser.add_argument("--out", default=os.path.join(BENCH, "results"))
    parser.add_argument("--timeout", type=int, default=3600)
    args = parser.parse_args(argv)
    work = tempfile.mkdtemp(prefix="csp-journal-")
    try:
        bench = Bench(args, work)
        running = bench.sandbox(work, "journal", args.tenants, args.mailboxes)
        try:
            inventory = scale_inventory(bench, running, args.tenants, "journal")
            runs = {"plain": [], "journal": []}
            for number in range(args.rounds):
                print("  round %d of %d" % (number + 1, args.rounds), flush=True)
                order = ("plain", "journal") if number % 2 == 0 else ("journal", "plain")
                for kind in order:
                    journal = os.path.join(work, "journal-%d.jsonl" % number) if kind == "journal" else None
                    runs[kind].append(converge(bench, running, inventory, journal))
        finally:
            running.stop()
        plain = statistics.median(r["wall_s"] for r in runs["plain"])
        journaled = statistics.median(r["wall_s"] for r in runs["journal"])
        writes = set(r["writes"] for r in runs["plain"] + runs["journal"])
        lines = set(r["journal_lines"] for r in runs["journal"])
        result = dict(tenants=args.tenants, mailboxes=args.mailboxes, latency_ms=args.latency_ms, forks=args.forks,
                      rounds=args.rounds, cpus=os.cpu_count(), when=time.strftime("%Y-%m-%d %H:%M:%S"),
                      median_wall_s=dict(plain=plain, journal=journaled), ratio=round(journaled / plain, 3),
                      within_5_percent=journaled / plain <= TARGET, writes=sorted(writes), journal_lines=sorted(lines),
                      rc_ok=all(r["rc"] == 0 for r in runs["plain"] + runs["journal"]),
                      runs=dict((k, [summary(r) for r in v]) for k, v in runs.items()))
        os.makedirs(args.out, exist_ok=True)
        with open(os.path.join(args.out, "journal.json"), "w") as handle:
            json.dump(result, handle, indent=1)
        with open(os.path.join(args.out, "journal.md"), "w") as handle:
            handle.write(markdown(result))
        print("median wall: no journal %.2f s, journal %.2f s, ratio %.3f (target <= %.2f): %s; writes %s, journal "
              "lines %s" % (plain, journaled, result["ratio"], TARGET, "ok" if result["within_5_percent"] else "OVER",
                            result["writes"], result["journal_lines"]))
        return 0 if result["rc_ok"] else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


def markdown(result):
    out = ["# What the journal costs", "",
           "`python -m bench.journal`: `playbooks/baseline.yml` converging %(tenants)d tenants x %(mailboxes)d mailboxes "
           "from the seed, %(latency_ms)g ms per request, %(forks)d forks, %(cpus)d cores, %(rounds)d alternating rounds "
           "(%(when)s)." % result, "",
           "| run | wall s (each round) | median | writes | journal lines |", "|---|---|---|---|---|"]
    for kind in ("plain", "journal"):
        runs = result["runs"][kind]
        out.append("| %s | %s | %.2f | %s | %s |" % (
            "no journal" if kind == "plain" else "csp_journal", ", ".join("%.2f" % r["wall_s"] for r in runs),
            result["median_wall_s"][kind], sorted(set(r["writes"] for r in runs)),
            sorted(set(r["journal_lines"] for r in runs)) if kind == "journal" else "-"))
    out += ["", "Ratio journal / no journal: **%.3f** (target <= %.2f: %s)." % (
        result["ratio"], TARGET, "met" if result["within_5_percent"] else "not met"), ""]
    return "\n".join(out)


if __name__ == "__main__":
    raise SystemExit(main())
