"""Benchmark: importing a user's CSV export against a bare read of the same file, and `influence_lab.score` on it.

A forum-like export of N rows (default 1,000,000: ``when, who, whom, what, post``, naive local times, kinds
question/answer/comment, 20,000 accounts; generated with a fixed seed into a temporary folder) is read by
``read_table`` with a column mapping, a kind mapping and ``timezone="America/New_York"`` (the checks: byte scan for
NULs and long lines, UTF-8 decode, delimiter sniffing, pyarrow parse, time-zone localisation, kind mapping,
contract validation, duplicate count, users table). References, interleaved in the same run (median of REPEATS):
``pyarrow.csv.read_csv`` of the same file (all columns as text) and ``pandas.read_csv``. Goal: the importer
within 5x of the bare pandas read (it does the reading plus every check and conversion above). Also timed once:
``influence_lab.score(path, "klout", ...)`` end to end (import, diagnostics, features, scoring, ranking), and the
peak RSS of the process.

Run: ``python benchmarks/bench_import.py [N]``; writes ``benchmarks/results/import.json``.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

import influence_lab as il
from influence_lab.datasets.importers.tabular import read_table

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import environment, peak_rss_mb, seconds, write_results  # noqa: E402

REPEATS = 5
GOAL_RATIO = 5.0
MAPPING = {"timestamp": "when", "actor_id": "who", "target_id": "whom", "kind": "what", "post_id": "post"}
KINDS = {"question": "post", "answer": "reply", "comment": "reply"}


def make_export(path: Path, n: int, seed: int = 0) -> None:
    """A forum-like CSV of ``n`` rows: a third questions, the rest answers and comments to earlier questions."""
    rng = np.random.default_rng(seed)
    users = np.array([f"u{i:05d}" for i in range(20_000)])
    start = pd.Timestamp("2012-01-01").value // 10**9
    seconds_ = np.sort(rng.integers(0, 300 * 86_400, n)) + start
    when = pd.to_datetime(seconds_, unit="s").strftime("%Y-%m-%d %H:%M:%S")
    # Avoid the repeated hour of the November clock change (an error without ambiguous_times).
    kinds = rng.choice(["question", "answer", "comment"], n, p=[0.35, 0.45, 0.2])
    who = users[rng.zipf(1.6, n) % len(users)]
    question_rows = np.flatnonzero(kinds == "question")
    post = np.array([f"p{i}" for i in range(n)], dtype=object)
    reply = kinds != "question"
    earlier = np.searchsorted(question_rows, np.flatnonzero(reply)) - 1
    ok = earlier >= 0
    target_rows = question_rows[np.maximum(earlier, 0)]
    whom = np.full(n, "", dtype=object)
    whom[np.flatnonzero(reply)[ok]] = who[target_rows[ok]]
    post[np.flatnonzero(reply)[ok]] = post[target_rows[ok]]
    kinds[np.flatnonzero(reply)[~ok]] = "question"
    frame = pd.DataFrame({"when": when, "who": who, "whom": whom, "what": kinds, "post": post})
    local = pd.to_datetime(frame["when"])
    repeated = (local >= "2012-11-04 01:00") & (local < "2012-11-04 02:00") | \
               (local >= "2012-03-11 02:00") & (local < "2012-03-11 03:00")
    frame.loc[repeated, "when"] = (local[repeated] + pd.Timedelta(hours=2)).dt.strftime("%Y-%m-%d %H:%M:%S")
    frame.to_csv(path, index=False)


def main(n: int) -> dict:
    with tempfile.TemporaryDirectory(prefix="influence-lab-bench-") as tmp:
        path = Path(tmp) / "forum.csv"
        t0 = time.perf_counter()
        make_export(path, n)
        made = time.perf_counter() - t0
        size_mb = path.stat().st_size / 1e6

        def ours():
            return read_table(path, columns=MAPPING, kinds=KINDS, timezone="America/New_York")

        def bare_arrow():
            return pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(
                column_types={c: pa.string() for c in ("when", "who", "whom", "what", "post")}))

        def bare_pandas():
            return pd.read_csv(path, dtype=str)

        ours()  # warm-up: imports, OS file cache
        runs = {"read_table": [], "pyarrow.csv.read_csv": [], "pandas.read_csv": []}
        for _ in range(REPEATS):
            runs["read_table"].append(seconds(ours))
            runs["pyarrow.csv.read_csv"].append(seconds(bare_arrow))
            runs["pandas.read_csv"].append(seconds(bare_pandas))
        medians = {k: statistics.median(v) for k, v in runs.items()}
        t0 = time.perf_counter()
        report = il.score(path, "klout", columns=MAPPING, kinds=KINDS, timezone="America/New_York", warn=False)
        scored = time.perf_counter() - t0
    ratio_pandas = medians["read_table"] / medians["pandas.read_csv"]
    ratio_arrow = medians["read_table"] / medians["pyarrow.csv.read_csv"]
    payload = {
        "rows": n, "file_mb": round(size_mb, 1), "generate_s": round(made, 2),
        "median_s": {k: round(v, 3) for k, v in medians.items()},
        "runs_s": {k: [round(x, 3) for x in v] for k, v in runs.items()},
        "ratio_to_pandas": round(ratio_pandas, 2), "ratio_to_pyarrow": round(ratio_arrow, 2),
        "goal_ratio_to_pandas": GOAL_RATIO, "meets_goal": ratio_pandas <= GOAL_RATIO,
        "score_end_to_end_s": round(scored, 2), "ranked_accounts": int(len(report.table)),
        "peak_rss_mb": round(peak_rss_mb(), 0), "environment": environment(),
    }
    print(f"{n:,} rows ({size_mb:.0f} MB): read_table {medians['read_table']:.2f} s, pandas.read_csv "
          f"{medians['pandas.read_csv']:.2f} s (ratio {ratio_pandas:.2f}, goal <= {GOAL_RATIO:g}), "
          f"pyarrow {medians['pyarrow.csv.read_csv']:.2f} s (ratio {ratio_arrow:.2f}); "
          f"influence_lab.score end to end {scored:.1f} s; peak RSS {peak_rss_mb():.0f} MB")
    write_results("import", payload)
    return payload


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000)
