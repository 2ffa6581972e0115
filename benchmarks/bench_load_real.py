"""Benchmark: loading the SNAP files into the contract against a bare ``pandas.read_csv``.

``load_higgs()`` (hash check, parse, contract dtypes, ``validate_events``, users
table) is timed from a warm cache, interleaved with a bare
``pd.read_csv(path, sep=" ", header=None)`` of the same ``.gz`` file in the
same run (median of REPEATS runs each). Goal: within 2x of the bare read.
The same for ``load_collegemsg()``. To show where the time goes, the run also
times the contract validator alone on the loaded events (``validate_events``,
which every load calls) and the hash check alone.

Run: ``python benchmarks/bench_load_real.py`` (or ``make bench``); writes
``benchmarks/results/load_real.json``.
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import pandas as pd

from influence_lab.datasets import snap
from influence_lab.contract import validate_events
from influence_lab.datasets.hashing import sha256_of_content
from influence_lab.paths import cache_dir

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/_common.py, however this script is started
from _common import environment, find_mirror, median_seconds, seconds, write_results  # noqa: E402

REPEATS = 7
GOAL_RATIO = 2.0


def _compare(name: str, load, mirror: Path | None) -> dict:
    """Median seconds of ``load()`` and of a bare read_csv of the same file, interleaved."""
    path = snap.fetch(name, mirror=mirror)  # warm cache: the timed loads copy nothing
    dataset = load()  # warm-up (imports, OS file cache), not timed
    bare_runs, load_runs = [], []
    for _ in range(REPEATS):
        bare_runs.append(seconds(lambda: pd.read_csv(path, sep=" ", header=None)))
        load_runs.append(seconds(load))
    validate_s, _, _ = median_seconds(lambda: validate_events(dataset.events, source=str(path), line_offset=1), REPEATS)
    hash_s, _, _ = median_seconds(lambda: sha256_of_content(path), REPEATS)
    bare, loaded = statistics.median(bare_runs), statistics.median(load_runs)
    return {
        "file": str(path),
        "rows": len(dataset.events),
        "users": len(dataset.users),
        "bare_read_csv_s": bare,
        "load_s": loaded,
        "ratio": loaded / bare,
        "validate_events_alone_s": validate_s,
        "hash_check_alone_s": hash_s,
        "bare_read_csv_runs_s": bare_runs,
        "load_runs_s": load_runs,
    }


def main() -> dict:
    """Time both loaders against bare read_csv; print a table and write the JSON results."""
    mirror = find_mirror()
    missing = [n for n in snap.dataset_names() if not snap.available_locally(n, mirror=mirror)]
    if missing:
        raise SystemExit(
            f"SNAP files not available locally: {missing}. Set INFLUENCE_LAB_MIRROR to the folder holding "
            "them, or run `influence-lab data fetch` first."
        )
    results = {
        "higgs": _compare("higgs", snap.load_higgs, mirror),
        "collegemsg": _compare("collegemsg", snap.load_collegemsg, mirror),
    }
    print(f"cache: {cache_dir()}   median of {REPEATS} runs, interleaved; goal: load within {GOAL_RATIO}x of bare")
    print(
        f"{'dataset':<11} {'rows':>8} {'bare read_csv':>14} {'load_*()':>10} {'ratio':>6}"
        f"  {'validator alone':>15}  {'hash alone':>10}"
    )
    for name, r in results.items():
        print(
            f"{name:<11} {r['rows']:>8,} {r['bare_read_csv_s']:>13.3f}s {r['load_s']:>9.3f}s {r['ratio']:>5.2f}x"
            f"  {r['validate_events_alone_s']:>14.3f}s  {r['hash_check_alone_s']:>9.3f}s"
        )
    higgs = results["higgs"]
    verdict = "met" if higgs["ratio"] <= GOAL_RATIO else "NOT met"
    print(
        f"Higgs: goal {verdict} ({higgs['ratio']:.2f}x); the contract validator alone takes "
        f"{higgs['validate_events_alone_s'] / higgs['bare_read_csv_s']:.2f}x the bare read."
    )
    payload = {
        "benchmark": "load_real",
        "goal": f"load_higgs() within {GOAL_RATIO}x of a bare pandas.read_csv of the same gz file",
        "goal_met": higgs["ratio"] <= GOAL_RATIO,
        "repeats": REPEATS,
        "results": results,
        "machine": environment(),
    }
    write_results("load_real", payload)
    return payload


if __name__ == "__main__":
    main()
