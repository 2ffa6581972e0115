"""Benchmark: generating the default synthetic world and loading the shipped sample.

Timed in one run (median of several, interleaved where compared):

- ``load_sample()`` (pyarrow CSV read with explicit types, contract validation of
  every table, row-count checks) against two references reading the same four
  files: a bare ``pd.read_csv(path)`` (pandas' C parser, inferred types, no
  validation) and a bare ``pd.read_csv(path, engine="pyarrow")``. Goal: about a
  second (at most 1.5 s) and within 2x of the bare C-parser read, although the
  load also types every column and validates every table.
- ``generate_world()`` with the default config, and ``write_sample()`` of it to a
  temporary folder, reported also as multiples of one ``load_sample()``.

Run: ``python benchmarks/bench_simulate.py`` (or ``make bench``); writes
``benchmarks/results/simulate.json``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

from influence_lab.paths import sample_dir
from influence_lab.datasets.sample import SAMPLE_FILES, load_sample, write_sample
from influence_lab.datasets.world import WorldConfig, generate_world

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/_common.py, however this script is started
from _common import environment, seconds, write_results  # noqa: E402

LOAD_REPEATS = 7
GENERATE_REPEATS = 3
GOAL_LOAD_SECONDS = 1.5
GOAL_RATIO = 2.0


def _bare_read(engine: str | None) -> None:
    for name in SAMPLE_FILES.values():
        path = sample_dir() / name
        if engine:
            pd.read_csv(path, engine=engine)
        else:
            pd.read_csv(path)


def main() -> dict:
    """Time generation, writing and loading; print the figures and write the JSON results."""
    files = [sample_dir() / name for name in SAMPLE_FILES.values()]
    missing = [str(p) for p in files if not p.exists()]
    if missing:
        raise SystemExit(f"sample files missing: {missing}; run `influence-lab data generate` (or `make data`).")
    dataset = load_sample()  # warm-up: imports and the OS file cache
    load_runs, bare_c_runs, bare_arrow_runs = [], [], []
    for _ in range(LOAD_REPEATS):
        bare_c_runs.append(seconds(lambda: _bare_read(None)))
        bare_arrow_runs.append(seconds(lambda: _bare_read("pyarrow")))
        load_runs.append(seconds(load_sample))
    generate_runs, write_runs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(GENERATE_REPEATS):
            start = time.perf_counter()
            world = generate_world(WorldConfig())
            generate_runs.append(time.perf_counter() - start)
            write_runs.append(seconds(lambda: write_sample(world, tmp, config=WorldConfig())))
    load_s = statistics.median(load_runs)
    bare_c = statistics.median(bare_c_runs)
    bare_arrow = statistics.median(bare_arrow_runs)
    generate_s = statistics.median(generate_runs)
    write_s = statistics.median(write_runs)
    info = dataset.info()
    size_mb = sum(p.stat().st_size for p in files) / 1e6
    results = {
        "users": info["users"],
        "events": info["events"],
        "outcomes": info["outcomes"],
        "events_by_kind": info["events_by_kind"],
        "sample_mb_on_disk": size_mb,
        "load_sample_s": load_s,
        "bare_read_csv_c_s": bare_c,
        "bare_read_csv_pyarrow_s": bare_arrow,
        "load_vs_bare_c": load_s / bare_c,
        "load_vs_bare_pyarrow": load_s / bare_arrow,
        "generate_world_s": generate_s,
        "write_sample_s": write_s,
        "generate_in_loads": generate_s / load_s,
        "load_runs_s": load_runs,
        "bare_read_csv_c_runs_s": bare_c_runs,
        "bare_read_csv_pyarrow_runs_s": bare_arrow_runs,
        "generate_runs_s": generate_runs,
        "write_runs_s": write_runs,
    }
    print(
        f"sample: {info['users']:,} users, {info['events']:,} events, {info['outcomes']:,} outcome rows, "
        f"{size_mb:.1f} MB on disk"
    )
    print(f"median of {LOAD_REPEATS} (loads) and {GENERATE_REPEATS} (generation) runs")
    print(f"{'load_sample() (typed, validated)':<40} {load_s:>7.3f}s")
    print(f"{'bare pd.read_csv, C parser':<40} {bare_c:>7.3f}s   load/bare = {load_s / bare_c:.2f}x")
    print(f"{'bare pd.read_csv, engine=pyarrow':<40} {bare_arrow:>7.3f}s   load/bare = {load_s / bare_arrow:.2f}x")
    print(f"{'generate_world() default':<40} {generate_s:>7.3f}s   = {generate_s / load_s:.1f} loads")
    print(f"{'write_sample() (CSV + gzip + hashes)':<40} {write_s:>7.3f}s")
    met = load_s <= GOAL_LOAD_SECONDS and load_s <= GOAL_RATIO * bare_c
    print(
        f"goal (load <= {GOAL_LOAD_SECONDS}s and within {GOAL_RATIO}x of the bare C read): "
        + ("met" if met else "NOT met")
    )
    payload = {
        "benchmark": "simulate",
        "goal": (
            f"load_sample() within {GOAL_LOAD_SECONDS}s and within {GOAL_RATIO}x of a bare pd.read_csv "
            "(C parser) of the same files"
        ),
        "goal_met": bool(met),
        "results": results,
        "machine": environment(),
    }
    write_results("simulate", payload)
    return payload


if __name__ == "__main__":
    main()
