"""The benchmark command works end to end: ``python -m bench --quick`` with zero latency and tiny sizes.

Asserts the shape and sanity of the results, never timing thresholds (the machine may be busy)."""
import json
import os
import subprocess
import sys

from tests import harness
from bench.run import COLUMNS


def test_bench_quick_smoke(collections, tmp_path):
    out = tmp_path / "results"
    proc = subprocess.run([sys.executable, "-m", "bench", "--quick", "--latency-ms", "0", "--plot-tenants", "1",
                           "--repeat", "2", "--out", str(out), "--collections", collections],
                          cwd=harness.ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads((out / "results.json").read_text())
    assert len(data["rows"]) == 7
    for r in data["rows"]:
        assert set(COLUMNS) <= set(r), set(COLUMNS) - set(r)
        assert r["rc_ok"], r
        assert r["wall_s"] > 0 and r["requests"] > 0 and r["lower_bound"] > 0
        assert 5 < r["peak_module_mb"] < 1000
        # csp.exchange's Exchange modules run in the worker process; the uri loop's and the drift report's (which
        # writes files) as module processes.
        assert r["peak_module"] == ("uri" if "uri" in r["scenario"] else
                                    "drift_report" if "drift.yml" in r["scenario"] else "worker"), r
        assert r["modules"] == (0 if r["peak_module"] == "worker" else r["modules"] or None), r
        assert r["identity_token"] >= 1
    by_number = {}
    for r in data["rows"]:
        by_number.setdefault(r["scenario"].split()[0], []).append(r)
    first, second, drift, big = by_number["1"][0], by_number["2"][0], by_number["3"][0], by_number["4"][0]
    assert first["writes"] > 0 and first["exchange_batch_items"] >= first["exchange_batch"]
    assert second["writes"] == 0 and drift["writes"] == 0                 # converged run and check mode write nothing
    assert first["ratio"] >= 1.0 and second["ratio"] >= 1.0 and big["ratio"] >= 1.0   # a bound is never beaten
    assert all(r["overhead_s"] > 0 and r["wall_ok"] is not None for r in (first, second, drift, big))
    assert all(len(r["wall_runs_s"]) == 2 and r["wall_s"] in r["wall_runs_s"] for r in (first, second, drift, big))
    floor = by_number["6"][0]
    # One task, one tenant: exactly the lower bound (one token, one page, the write batches; no discovery request).
    assert floor["ratio"] == 1.0 and floor["identity_discovery"] == 0 and floor["writes"] > 0
    assert floor["floor_ok"] is not None
    ours, uri = by_number["5"]
    assert "uri" in uri["scenario"] and uri["exchange_single_write"] > 0 and ours["exchange_single_write"] == 0
    assert data["speedup"] and data["speedup"] > 0
    assert [p["tenants"] for p in data["plot_points"]] == [1]
    assert data["plot"] and os.path.getsize(data["plot"]) > 1000
    markdown = (out / "results.md").read_text()
    assert all(c in markdown for c in COLUMNS) and "speed-up" in markdown


def test_scale_bench_quick_smoke(collections, tmp_path):
    """``python -m bench.scale --quick``: every run of one size, its figures and the targets' verdicts."""
    out = tmp_path / "scale"
    proc = subprocess.run([sys.executable, "-m", "bench.scale", "--quick", "--latency-ms", "0", "--out", str(out),
                           "--collections", collections], cwd=harness.ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    data = json.loads((out / "scale.json").read_text())
    runs = dict((r["run"], r) for r in data["rows"])
    assert sorted(runs) == ["converge", "noop", "noop_drift", "recheck", "rerun"] and len(data["rows"]) == 5
    assert all(r["rc_ok"] and r["tenants"] == 2 and r["wall_s"] > 0 and r["tenants_per_min"] > 0 for r in runs.values())
    assert runs["converge"]["writes"] > 0 and runs["rerun"]["writes"] == 0 and runs["recheck"]["writes"] == 0
    assert runs["rerun"]["zero_writes_ok"] and runs["recheck"]["zero_writes_ok"]
    assert runs["noop"]["requests"] == 0 and runs["converge"]["identity_token"] == 2     # one token per tenant
    assert runs["converge"]["ratio"] == round(runs["converge"]["wall_s"] / runs["noop"]["wall_s"], 2)
    assert runs["recheck"]["noop_wall_s"] == runs["noop_drift"]["wall_s"]
    assert all(10 < r["playbook_peak_rss_mb"] < 1024 and 10 < r["tree_peak_rss_mb"] < 4096
               for r in runs.values())
    assert runs["converge"]["peak_module"] == "worker" and runs["noop"]["peak_module"] == "ping"
    assert runs["converge"]["module_cpu_s"] == 0 and runs["converge"]["peak_module_mb"] > 10    # exact: bench_memory
    assert (out / "scale.md").read_text().count("| after |") == 5 and os.path.getsize(out / "scale.png") > 1000
