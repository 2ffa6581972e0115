"""Benchmark: how the Klout-style score's time and memory grow from 1M to 50M events, on every engine (issue 12).

For each size N (default 1M, 3M, 10M, 30M, 50M) a random contract table (``influence_lab.datasets.random_table.random_events``: N events
among N/10 users, one year, no post ids) is generated in chunks of at most 10M events (seeds 0, 1, ...; the same
user names and popularity in every chunk) and written as a folder of Parquet files: the source every path reads.
Each path then scores it once, in a fresh child process, one at a time:

- ``duckdb``: ``score_on_engine(folder, "klout", engine="duckdb", memory_limit=...)``, straight from Parquet;
- ``pandas``: ``pd.read_parquet`` + ``validate_events`` + ``score_dataset(events, "klout")`` (sizes up to
  ``--pandas-max``, default 10M: past that the frame and its arrays outgrow a laptop's memory);
- ``spark``: ``score_on_engine(folder, "klout", engine="spark")`` in local mode (``local[*]``, 2 cores here),
  sizes up to ``--spark-max``.

Reported per run: seconds and peak RSS. Peak RSS is the child's own (``ru_maxrss``) and, for Spark, also the
JVM's (``VmHWM`` in ``/proc``, where Spark's memory is), with the bytes Spark wrote to its shuffle
(``SparkEngine.shuffle_bytes``). Per path: the log-log
growth slope of time against N (:func:`influence_lab.studies.scale.growth_slope`, with its 95% interval) and
throughput in events per second per core. Same run references: the ratio pandas / DuckDB at each size both ran.

Run: ``python benchmarks/bench_scaling.py [--sizes 1e6,3e6,...] [--paths duckdb,pandas,spark]
[--memory-limit 3GB] [--pandas-max N] [--spark-max N]``; writes ``benchmarks/results/scaling.json``.
``--record`` also copies the figures to ``influence_lab/studies/recorded/scaling.json``, which notebook 08 shows
(recorded figures carry the machine block and the date they were taken).
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from _common import environment, write_results  # noqa: E402

CHUNK = 10_000_000

CHILD = """
import json, sys, time
sys.path.insert(0, {bench!r})
from _common import peak_rss_mb
path, how, memory_limit = {path!r}, {how!r}, {memory_limit!r}
t0 = time.perf_counter()
if how == "pandas":
    import pandas as pd
    from influence_lab.contract import validate_events
    from influence_lab.scoring.recipes import score_dataset
    events = validate_events(pd.read_parquet(path))
    loaded = time.perf_counter() - t0
    scores = score_dataset(events, "klout")
elif how == "duckdb":
    from influence_lab.scoring.engines.run import score_on_engine
    loaded = 0.0
    scores = score_on_engine(path, "klout", engine="duckdb", memory_limit=memory_limit)
else:
    from influence_lab.scoring.engines.spark_engine import SparkEngine
    from influence_lab.scoring.engines.run import score_on_engine
    engine = SparkEngine(path)
    loaded = time.perf_counter() - t0  # session start + the contract check scan
    before = engine.shuffle_bytes()
    scores = score_on_engine(None, "klout", engine=engine)
    shuffled = engine.shuffle_bytes() - before
    total = time.perf_counter() - t0
    exchanges = engine.exchanges()  # planning only, after the clock stopped
    jvm = engine.spark.sparkContext._gateway.proc.pid
    with open(f"/proc/{{jvm}}/status") as status:  # the JVM's own peak (VmHWM, kB): Spark's memory is there
        jvm_peak = [int(line.split()[1]) / 1024.0 for line in status if line.startswith("VmHWM")][0]
if how != "spark":
    total = time.perf_counter() - t0
extra = {{"shuffle_bytes": shuffled, "jvm_peak_rss_mb": jvm_peak, "exchanges": exchanges}} if how == "spark" else {{}}
print(json.dumps({{"total_s": total, "start_or_load_s": loaded, "users": len(scores),
                  "mean_score": float(scores["score"].mean()), "peak_rss_mb": peak_rss_mb(), **extra}}))
"""


def _child(path: Path, how: str, memory_limit: str | None) -> dict:
    code = CHILD.format(bench=str(HERE), path=str(path), how=how, memory_limit=memory_limit)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    if out.returncode != 0:
        return {"failed": out.stderr[-2000:]}
    return json.loads([line for line in out.stdout.splitlines() if line.startswith("{")][-1])


def _write(n: int, folder: Path) -> float:
    from influence_lab.datasets.random_table import random_events

    t0 = time.perf_counter()
    folder.mkdir(parents=True)
    n_users = max(n // 10, 1000)
    for index, start in enumerate(range(0, n, CHUNK)):
        random_events(min(CHUNK, n - start), n_users, seed=index).to_parquet(folder / f"part-{index:03d}.parquet")
    return time.perf_counter() - t0


def main(sizes=(1_000_000, 3_000_000, 10_000_000, 30_000_000, 50_000_000), paths=("duckdb", "pandas", "spark"),
         memory_limit: str | None = "3GB", pandas_max: int = 10_000_000, spark_max: int = 50_000_000,
         record: bool = False) -> dict:
    from influence_lab.studies.scale import growth_slope

    runs: list[dict] = []
    with tempfile.TemporaryDirectory(prefix="influence-lab-scaling-") as tmp:
        for n in sizes:
            folder = Path(tmp) / f"events_{n}"
            made = _write(n, folder)
            print(f"{n:,} events written in {made:.1f} s", flush=True)
            for how in paths:
                if (how == "pandas" and n > pandas_max) or (how == "spark" and n > spark_max):
                    continue
                result = _child(folder, how, memory_limit if how == "duckdb" else None)
                result.update(events=n, path=how, cores=environment()["cpus"])
                runs.append(result)
                shown = (f"{result['total_s']:.1f} s, peak {result['peak_rss_mb']:.0f} MB"
                         + (f" (JVM {result['jvm_peak_rss_mb']:.0f} MB, shuffle {result['shuffle_bytes'] / 1e6:.0f}"
                            " MB)" if "jvm_peak_rss_mb" in result else "")
                         if "total_s" in result else "FAILED " + result["failed"][-300:])
                print(f"  {how:6s} {shown}", flush=True)
            for part in folder.iterdir():
                part.unlink()
            folder.rmdir()
    slopes = {}
    for how in paths:
        done = [r for r in runs if r["path"] == how and "total_s" in r]
        if len(done) >= 3:
            fit = growth_slope([r["events"] for r in done], [r["total_s"] for r in done])
            slopes[how] = fit
            print(f"{how}: time grows as N^{fit['slope']:.2f} (95% interval {fit['low']:.2f} to {fit['high']:.2f})")
    ratios = {}
    for n in sizes:
        by = {r["path"]: r for r in runs if r["events"] == n and "total_s" in r}
        if "pandas" in by and "duckdb" in by:
            ratios[str(n)] = round(by["pandas"]["total_s"] / by["duckdb"]["total_s"], 2)
    payload = {"what": "Klout-style score of random contract tables (influence_lab.datasets.random_table), a Parquet folder",
               "taken": datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "duckdb_memory_limit": memory_limit,
               "runs": runs, "slopes": slopes, "ratio_pandas_to_duckdb": ratios,
               "goals": {"duckdb_50M_seconds": 60, "duckdb_50M_peak_rss_mb": 4096}, "environment": environment()}
    write_results("scaling", payload)
    if record:
        target = HERE.parent / "influence_lab" / "studies" / "recorded" / "scaling.json"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(payload, indent=2) + "\n")
        print(f"recorded in {target.relative_to(HERE.parent)}")
    return payload


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1e6,3e6,1e7,3e7,5e7")
    parser.add_argument("--paths", default="duckdb,pandas,spark")
    parser.add_argument("--memory-limit", default="3GB")
    parser.add_argument("--pandas-max", type=float, default=1e7)
    parser.add_argument("--spark-max", type=float, default=5e7)
    parser.add_argument("--record", action="store_true")
    args = parser.parse_args()
    main(tuple(int(float(s)) for s in args.sizes.split(",")), tuple(args.paths.split(",")),
         args.memory_limit or None, int(args.pandas_max), int(args.spark_max), args.record)
