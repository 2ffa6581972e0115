"""Benchmark: the Klout-style score on the pandas path and on DuckDB, same table, same run (issue 12).

The table is ``influence_lab.datasets.random_table.random_events`` (N events among N/10 users, one year, no post ids; default N = 10
million), written once to Parquet in a temporary folder. Timed, each in a fresh child process so that peak RSS is
the path's own (``resource.getrusage``):

- ``pandas``: read the Parquet into the contract (``pd.read_parquet`` + ``validate_events``), then
  ``score_dataset(events, "klout")``; the score alone is also reported.
- ``duckdb``: ``score_on_engine(path, "klout", engine="duckdb")`` straight from the Parquet (the contract check
  scan, the SQL features, the calibration in memory).

Reported: seconds and peak RSS of each, and the ratio pandas / DuckDB. Run:
``python benchmarks/bench_engines.py [N] [duckdb,pandas]`` (the second argument picks the paths; DuckDB alone
for sizes pandas cannot hold); writes ``benchmarks/results/engines.json``.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import environment, write_results  # noqa: E402

CHILD = """
import json, sys, time
sys.path.insert(0, {bench!r})
from _common import peak_rss_mb
path, how = {path!r}, {how!r}
t0 = time.perf_counter()
if how == "pandas":
    import pandas as pd
    from influence_lab.contract import validate_events
    from influence_lab.scoring.recipes import score_dataset
    events = validate_events(pd.read_parquet(path))
    loaded = time.perf_counter() - t0
    t1 = time.perf_counter()
    scores = score_dataset(events, "klout")
    scored = time.perf_counter() - t1
else:
    from influence_lab.scoring.engines.run import score_on_engine
    loaded = 0.0
    scores = score_on_engine(path, "klout", engine="duckdb")
    scored = time.perf_counter() - t0
print(json.dumps({{"total_s": time.perf_counter() - t0, "load_s": loaded, "score_s": scored,
                  "users": len(scores), "peak_rss_mb": peak_rss_mb()}}))
"""


def _child(path: Path, how: str) -> dict:
    code = CHILD.format(bench=str(Path(__file__).resolve().parent), path=str(path), how=how)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads([line for line in out.stdout.splitlines() if line.startswith("{")][-1])


def main(n: int, paths: tuple[str, ...] = ("duckdb", "pandas")) -> dict:
    from influence_lab.datasets.random_table import random_events

    with tempfile.TemporaryDirectory(prefix="influence-lab-engines-") as tmp:
        path = Path(tmp) / "events.parquet"
        t0 = time.perf_counter()
        random_events(n, max(n // 10, 1000)).to_parquet(path)
        made = time.perf_counter() - t0
        runs = {how: _child(path, how) for how in paths}
    if "pandas" not in runs:
        payload = {"events": n, "generate_and_write_s": round(made, 1), "runs": runs, "environment": environment()}
        print(f"{n:,} events: DuckDB {runs['duckdb']['total_s']:.1f} s (peak {runs['duckdb']['peak_rss_mb']:.0f} MB)")
        write_results(f"engines_{n}", payload)
        return payload
    ratio = runs["pandas"]["total_s"] / runs["duckdb"]["total_s"]
    ratio_score = runs["pandas"]["score_s"] / runs["duckdb"]["total_s"]
    payload = {"events": n, "generate_and_write_s": round(made, 1), "runs": runs,
               "ratio_pandas_total_to_duckdb": round(ratio, 2), "ratio_pandas_score_to_duckdb": round(ratio_score, 2),
               "goal_ratio": 2.0, "environment": environment()}
    print(f"{n:,} events: DuckDB {runs['duckdb']['total_s']:.1f} s (peak {runs['duckdb']['peak_rss_mb']:.0f} MB); "
          f"pandas {runs['pandas']['total_s']:.1f} s = load {runs['pandas']['load_s']:.1f} + score "
          f"{runs['pandas']['score_s']:.1f} (peak {runs['pandas']['peak_rss_mb']:.0f} MB); ratio pandas/DuckDB "
          f"{ratio:.2f} (score only {ratio_score:.2f}; goal <= 2)")
    write_results("engines", payload)
    return payload


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000_000,
         tuple(sys.argv[2].split(",")) if len(sys.argv) > 2 else ("duckdb", "pandas"))
