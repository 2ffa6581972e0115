"""Benchmark: Klout-style scoring of the sample and of Higgs, a 365-day timeline, and a 10M-event scale run.

Figures (wall time, median of a few runs unless said otherwise):

1. ``score_dataset(sample, "klout")`` and ``score_dataset(higgs, "klout")``
   (features of the 90-day window + fit + transform; loading is timed apart).
2. ``score_timeline(sample, "klout")`` for 365 days against one scoring of
   the sample; goal: under 5x one scoring.
3. Scale: a random contract events table of 10 million events among 1
   million users (generated with numpy in seconds: kinds drawn with fixed
   shares, actors uniform, targets from a Zipf-like popularity so that some
   users draw crowds, one year of timestamps; no post ids or texts), scored
   once in a fresh child process; goals: under 30 s and under 4 GB peak RSS.
   Peak RSS (``resource.getrusage``) is reported for the child after
   generating the table and after scoring, so the scoring's share is visible.

Run: ``python benchmarks/bench_scores.py`` (or ``make bench``); writes
``benchmarks/results/scores.json``. ``--scale-only`` runs part 3 alone.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))  # benchmarks/_common.py, however this script is started
from _common import environment, find_mirror, median_seconds, peak_rss_mb, write_results  # noqa: E402

SCALE_EVENTS = 10_000_000
SCALE_USERS = 1_000_000


def random_events(n_events: int = SCALE_EVENTS, n_users: int = SCALE_USERS, seed: int = 0):
    """The package's random contract table (:func:`influence_lab.datasets.random_table.random_events`)."""
    from influence_lab.datasets.random_table import random_events as draw

    return draw(n_events, n_users, seed)


def scale_run() -> dict:
    """Part 3, meant to run in a fresh process: generate, then score once."""
    from influence_lab.contract import validate_events
    from influence_lab.scoring.recipes import score_dataset

    start = time.perf_counter()
    events = random_events()
    generate_seconds = time.perf_counter() - start
    rss_after_generate = peak_rss_mb()
    # the table already has the contract's dtypes, so scoring skips validation; check that it would pass
    assert validate_events(events.head(1000)).dtypes.equals(events.dtypes)
    start = time.perf_counter()
    scored = score_dataset(events, "klout")
    score_seconds = time.perf_counter() - start
    return {
        "events": int(len(events)),
        "users_scored": int(len(scored)),
        "generate_seconds": round(generate_seconds, 2),
        "klout_seconds": round(score_seconds, 2),
        "peak_rss_mb_after_generate": round(rss_after_generate, 1),
        "peak_rss_mb_total": round(peak_rss_mb(), 1),
        "mean_score": round(float(scored["score"].mean()), 2),
        "goal_seconds": 30,
        "goal_peak_rss_mb": 4096,
    }


def _scale_in_child() -> dict:
    output = subprocess.run(
        [sys.executable, __file__, "--scale-child"], capture_output=True, text=True, check=False, env=os.environ
    )
    if output.returncode != 0:
        raise RuntimeError(f"scale run failed:\n{output.stderr[-3000:]}")
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> dict:
    from influence_lab.datasets.snap import available_locally, load_higgs
    from influence_lab.datasets.sample import load_sample
    from influence_lab.scoring.recipes import score_dataset
    from influence_lab.scoring.timeline import score_timeline

    results: dict = {"machine": {}}  # filled in at the end, so its load average covers the timed runs

    start = time.perf_counter()
    sample = load_sample()
    results["sample_load_seconds"] = round(time.perf_counter() - start, 2)
    one, runs, scored = median_seconds(lambda: score_dataset(sample, "klout"), 3)
    results["sample"] = {
        "events": int(len(sample.events)),
        "users": int(len(scored)),
        "klout_seconds": round(one, 3),
        "runs": [round(t, 3) for t in runs],
    }
    print(f"sample: {len(sample.events):,} events, {len(scored):,} users: Klout-style in {one:.2f} s")

    last_day = sample.events["timestamp"].max().floor("D")
    first_day = last_day - np.timedelta64(364, "D")
    tl_seconds, tl_runs, timeline = median_seconds(
        lambda: score_timeline(sample, "klout", start=first_day, end=last_day, format="wide"), 2
    )
    ratio = tl_seconds / one
    results["timeline_365_days"] = {
        "seconds": round(tl_seconds, 3),
        "runs": [round(t, 3) for t in tl_runs],
        "days": int(timeline.shape[1]),
        "users": int(timeline.shape[0]),
        "ratio_to_one_scoring": round(ratio, 2),
        "goal_ratio": 5.0,
    }
    print(
        f"timeline: 365 days x {timeline.shape[0]:,} users in {tl_seconds:.2f} s = {ratio:.2f}x one scoring "
        "(goal < 5x)"
    )

    mirror = find_mirror()
    if available_locally("higgs", mirror=mirror):
        start = time.perf_counter()
        higgs = load_higgs(mirror=mirror)
        load_seconds = time.perf_counter() - start
        h_one, h_runs, h_scored = median_seconds(lambda: score_dataset(higgs, "klout"), 3)
        results["higgs"] = {
            "events": int(len(higgs.events)),
            "users": int(len(h_scored)),
            "load_seconds": round(load_seconds, 2),
            "klout_seconds": round(h_one, 3),
            "runs": [round(t, 3) for t in h_runs],
        }
        print(f"higgs: {len(higgs.events):,} events, {len(h_scored):,} users: Klout-style in {h_one:.2f} s")
    else:
        results["higgs"] = "not available locally (set INFLUENCE_LAB_MIRROR or fetch it)"
        print("higgs: not available locally, skipped")

    scale = _scale_in_child()
    results["scale"] = scale
    print(
        f"scale: {scale['events']:,} events, {scale['users_scored']:,} users: Klout-style in "
        f"{scale['klout_seconds']:.1f} s (goal < 30 s; generating took {scale['generate_seconds']:.1f} s), "
        f"peak RSS {scale['peak_rss_mb_total']:,.0f} MB (goal < 4,096 MB; "
        f"{scale['peak_rss_mb_after_generate']:,.0f} MB after generating the table)"
    )

    results["machine"] = environment()
    write_results("scores", results)
    return results


if __name__ == "__main__":
    if "--scale-child" in sys.argv:
        print(json.dumps(scale_run()))
    elif "--scale-only" in sys.argv:
        print(json.dumps(_scale_in_child(), indent=2))
    else:
        main()
