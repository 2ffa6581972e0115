"""Notebook 08, at scale: how scoring time grows with the events table, and what a platform's daily run would take.

- :func:`growth_slope` fits ``log(seconds) = a + b log(events)`` (ordinary least squares) and gives ``b`` with its
  95% interval: ``b`` near 1 means time grows in proportion to the table, above 1 faster.
- :func:`time_engines` times the engines on random tables of chosen sizes, live (small sizes in the notebook).
- :func:`load_recorded` reads the figures ``benchmarks/bench_scaling.py --record`` took on a 2-core machine
  (1M to 50M events), with the date and the machine block they were taken on.
- :func:`daily_run_estimate` carries the measured throughput past one machine, on paper, with every assumption a
  parameter.
"""

from __future__ import annotations

import json
import time
from importlib import resources

import numpy as np
import pandas as pd
from scipy import stats

__all__ = ["growth_slope", "time_engines", "load_recorded", "recorded_runs", "DAILY_RUN_ASSUMPTIONS", "daily_run_estimate",
           "fixed_and_marginal", "spark_inputs", "daily_run_scenarios", "assumptions_table", "when_to_switch", "what_moves_it", "assumed",
           "central_scenario"]


def growth_slope(events, seconds, *, level: float = 0.95) -> dict:
    """The log-log slope of ``seconds`` against ``events`` with its ``level`` interval (t distribution, n - 2 df)."""
    x, y = np.log(np.asarray(events, dtype=float)), np.log(np.asarray(seconds, dtype=float))
    if len(x) < 3 or np.ptp(x) == 0:
        raise ValueError(f"growth_slope: need at least three different sizes, got {len(x)} runs.")
    if not (np.all(np.isfinite(y)) and np.all(np.isfinite(x))):
        raise ValueError("growth_slope: sizes and times must be positive numbers.")
    fit = stats.linregress(x, y)
    half = stats.t.ppf(0.5 + level / 2, len(x) - 2) * fit.stderr
    return {"slope": float(fit.slope), "low": float(fit.slope - half), "high": float(fit.slope + half),
            "intercept": float(fit.intercept), "r2": float(fit.rvalue ** 2), "runs": int(len(x))}


def time_engines(sizes, engines=("pandas", "duckdb"), *, users_per_event: float = 0.1, seed: int = 0,
                 recipe: str = "klout") -> pd.DataFrame:
    """Time one scoring of random tables (:func:`~influence_lab.datasets.random_table.random_events`), live.

    One row per (engine, events): the seconds of one run, the users scored and the mean score. ``pandas`` scores
    the table in memory (``score_dataset``); an engine reads it from a Parquet file in a temporary folder
    (``score_on_engine``), as it would an export, so its time includes the read and the contract check;
    ``count`` is the sceptic's baseline, the reactions each user received in the 90-day window counted in pandas
    (its "mean score" is the mean count over users who received any). The runs
    alternate between engines size by size, so a busy moment of the machine falls on both."""
    import tempfile
    from pathlib import Path

    from influence_lab.datasets.random_table import random_events
    from influence_lab.scoring.engines.run import score_on_engine
    from influence_lab.scoring.recipes import score_dataset

    rows = []
    with tempfile.TemporaryDirectory(prefix="influence-lab-scale-") as tmp:
        for n in sizes:
            events = random_events(int(n), max(int(n * users_per_event), 2), seed=seed)
            path = Path(tmp) / f"events_{int(n)}.parquet"
            events.to_parquet(path)
            for engine in engines:
                start = time.perf_counter()
                if engine == "count":  # the sceptic's baseline: reactions received in the window, counted
                    scores = _reactions_received(events).rename("score").to_frame()
                elif engine == "pandas":
                    scores = score_dataset(events, recipe)
                else:
                    scores = score_on_engine(path, recipe, engine=engine)
                rows.append({"engine": engine, "events": int(n), "seconds": time.perf_counter() - start,
                             "users": len(scores), "mean_score": float(scores["score"].mean())})
    return pd.DataFrame(rows)


def _reactions_received(events: pd.DataFrame, window_days: int = 90) -> pd.Series:
    last = events["timestamp"].max()
    recent = events[(events["timestamp"] > last - pd.Timedelta(days=window_days))
                    & events["kind"].isin(["reshare", "like", "reply", "mention"]) & events["target_id"].notna()
                    & (events["actor_id"] != events["target_id"])]
    return recent["target_id"].value_counts()


def load_recorded(name: str = "scaling") -> dict:
    """Figures a benchmark recorded (``benchmarks/bench_scaling.py --record``), with when and where it ran."""
    text = resources.files("influence_lab.studies").joinpath("recorded", f"{name}.json").read_text()
    return json.loads(text)


def recorded_runs(recorded: dict | None = None) -> pd.DataFrame:
    """The recorded runs as a table: engine, events, seconds, peak memory (GB), events per second per core."""
    recorded = load_recorded() if recorded is None else recorded
    table = pd.DataFrame([r for r in recorded["runs"] if "total_s" in r])
    jvm = table["jvm_peak_rss_mb"] if "jvm_peak_rss_mb" in table else pd.Series(0.0, index=table.index)
    memory = (table["peak_rss_mb"] + jvm.fillna(0.0)) / 1024.0  # Spark: the Python driver and the JVM
    return pd.DataFrame({
        "engine": table["path"], "events": table["events"], "seconds": table["total_s"],
        "peak_memory_gb": memory, "events_per_core_second": table["events"] / (table["total_s"] * table["cores"]),
    })


#: The on-paper daily run: what is taken from FACTS.md (labelled) and what is assumed (with its range).
DAILY_RUN_ASSUMPTIONS: dict[str, dict] = {
    "users": {"value": 750e6, "range": None,
              "source": "FACTS.md [checked]: Klout Score paper (Rao et al., 2015), 750M users scored daily"},
    "window_days": {"value": 90, "range": None,
                    "source": "FACTS.md [checked]: support page (2016), a rolling 90-day window"},
    "history_days": {"value": 180, "range": None,
                     "source": "this lab's standing feature looks 90 days before each day of the window"},
    "events_per_user_day": {"value": 2.0, "range": (0.5, 10.0),
                            "source": "assumed: posts, reactions and mentions per scored user per day (most "
                                      "accounts are quiet; a few act hundreds of times)"},
    "parallel_efficiency": {"value": 0.5, "range": (0.25, 0.9),
                            "source": "assumed: the share of a linear speed-up a cluster keeps (skewed keys, "
                                      "stragglers, scheduling)"},
    "deadline_hours": {"value": 6.0, "range": None, "source": "assumed: a daily score must be done in a quarter day"},
    "cores_per_node": {"value": 16, "range": None, "source": "assumed: a commodity worker node"},
    "network_gbit_per_node": {"value": 10.0, "range": (1.0, 25.0), "source": "assumed: each node's network link"},
}


def _assumption(name: str, overrides: dict) -> float:
    return float(overrides.get(name, DAILY_RUN_ASSUMPTIONS[name]["value"]))


def daily_run_estimate(*, events_per_core_second: float, reference_events: float, slope: float,
                       shuffle_bytes_per_event: float, **overrides) -> dict:
    """What one daily scoring of a platform would take on a cluster, from one machine's measurements.

    Work: the measured core-seconds per event (``1 / events_per_core_second``) at ``reference_events``, grown to the
    platform's table as ``(N / reference_events) ** (slope - 1)`` per event (slope above 1: each event costs more in a bigger table;
    the whole table's slope is used, the pessimistic reading: a node sorts only its share). Cores: that work
    spread over ``deadline_hours`` at ``parallel_efficiency``. Shuffle: ``shuffle_bytes_per_event`` (what Spark
    wrote between stages per event, measured in local mode) times the events, all to all across the nodes, each
    sending its share over its ``network_gbit_per_node`` link. Every other input is :data:`DAILY_RUN_ASSUMPTIONS`
    (override any by name)."""
    unknown = set(overrides) - set(DAILY_RUN_ASSUMPTIONS)
    if unknown:
        raise ValueError(f"daily_run_estimate: unknown assumptions {sorted(unknown)}; "
                         f"known: {sorted(DAILY_RUN_ASSUMPTIONS)}.")
    events = (_assumption("users", overrides) * _assumption("events_per_user_day", overrides)
              * _assumption("history_days", overrides))
    per_event = (1.0 / events_per_core_second) * (events / reference_events) ** (slope - 1.0)
    core_hours = events * per_event / 3600.0
    cores = core_hours / (_assumption("deadline_hours", overrides) * _assumption("parallel_efficiency", overrides))
    nodes = max(np.ceil(cores / _assumption("cores_per_node", overrides)), 1.0)
    shuffle_bytes = events * shuffle_bytes_per_event
    link = _assumption("network_gbit_per_node", overrides) * 1e9 / 8.0
    shuffle_hours = shuffle_bytes / nodes / link / 3600.0
    return {"events_read": events, "core_hours": core_hours, "cores": cores, "nodes": nodes,
            "shuffle_tb": shuffle_bytes / 1e12, "shuffle_hours_at_full_link": shuffle_hours,
            "shuffle_share_of_deadline": shuffle_hours / _assumption("deadline_hours", overrides)}


def fixed_and_marginal(events, seconds, *, level: float = 0.95) -> dict:
    """``seconds = fixed + marginal * events`` by least squares: the fixed cost of a run (start-up, planning) and
    the cost of one more event, each with its ``level`` interval."""
    x, y = np.asarray(events, dtype=float), np.asarray(seconds, dtype=float)
    if len(x) < 3:
        raise ValueError(f"fixed_and_marginal: need at least three runs, got {len(x)}.")
    fit = stats.linregress(x, y)
    t = stats.t.ppf(0.5 + level / 2, len(x) - 2)
    return {"fixed_s": float(fit.intercept), "fixed_low": float(fit.intercept - t * fit.intercept_stderr),
            "fixed_high": float(fit.intercept + t * fit.intercept_stderr), "marginal_s": float(fit.slope),
            "marginal_low": float(fit.slope - t * fit.stderr), "marginal_high": float(fit.slope + t * fit.stderr)}


def spark_inputs(recorded: dict | None = None) -> dict:
    """What the on-paper estimate takes from the record.

    The *level* from Spark: its cost per extra event (``fixed_and_marginal`` over the Spark runs; the fixed cost,
    Spark's start-up and planning, is paid once per run, not per event) as events per second per core, and the
    bytes per event its largest run wrote to the shuffle, with that run's plan. The *growth* from DuckDB: the
    same query's log-log slope with its interval, measured where fixed costs are small (Spark's own slope in local
    mode mostly shows its fixed cost shrinking in share, not how the work grows)."""
    recorded = load_recorded() if recorded is None else recorded
    runs = [r for r in recorded["runs"] if r["path"] == "spark" and "total_s" in r]
    duck = [r for r in recorded["runs"] if r["path"] == "duckdb" and "total_s" in r]
    if len(runs) < 3 or len(duck) < 3:
        raise ValueError("spark_inputs: the record needs three Spark and three DuckDB runs; run "
                         "benchmarks/bench_scaling.py --record on a machine with Java 17.")
    largest = max(runs, key=lambda r: r["events"])
    cost = fixed_and_marginal([r["events"] for r in runs], [r["total_s"] for r in runs])
    slope = growth_slope([r["events"] for r in duck], [r["total_s"] for r in duck])
    return {"reference_events": max(r["events"] for r in duck), "cores": largest["cores"],
            "spark_fixed_s": cost["fixed_s"], "spark_marginal_s": cost["marginal_s"],
            "events_per_core_second": 1.0 / (cost["marginal_s"] * largest["cores"]),
            "average_events_per_core_second": largest["events"] / (largest["total_s"] * largest["cores"]),
            "spark_largest_events": largest["events"],
            "shuffle_bytes_per_event": largest["shuffle_bytes"] / largest["events"],
            "slope": slope["slope"], "slope_low": slope["low"], "slope_high": slope["high"],
            "exchanges": largest.get("exchanges", [])}


def daily_run_scenarios(inputs: dict | None = None) -> pd.DataFrame:
    """:func:`daily_run_estimate` across the ranges of the assumptions that move it most: events per user per day
    and parallel efficiency at their low, central and high values, and the growth slope at its interval's ends
    (the other assumptions at their values). One row per scenario."""
    inputs = spark_inputs() if inputs is None else inputs
    rows = []
    epd, eff = DAILY_RUN_ASSUMPTIONS["events_per_user_day"], DAILY_RUN_ASSUMPTIONS["parallel_efficiency"]
    for activity in (epd["range"][0], epd["value"], epd["range"][1]):
        for efficiency in (eff["range"][1], eff["value"], eff["range"][0]):
            for case in ("slope_low", "slope", "slope_high"):
                estimate = daily_run_estimate(
                    events_per_core_second=inputs["events_per_core_second"],
                    reference_events=inputs["reference_events"], slope=inputs[case],
                    shuffle_bytes_per_event=inputs["shuffle_bytes_per_event"],
                    events_per_user_day=activity, parallel_efficiency=efficiency)
                rows.append({"events_per_user_day": activity, "parallel_efficiency": efficiency,
                             "slope_case": case.replace("slope_", "") if case != "slope" else "fitted",
                             "slope": inputs[case], **estimate})
    return pd.DataFrame(rows)


def assumptions_table() -> pd.DataFrame:
    """:data:`DAILY_RUN_ASSUMPTIONS` as a table: name, value, range, where it comes from."""
    return pd.DataFrame([{"assumption": name, "value": a["value"],
                          "range": "" if a["range"] is None else f"{a['range'][0]:g} to {a['range'][1]:g}",
                          "source": a["source"]} for name, a in DAILY_RUN_ASSUMPTIONS.items()])


def when_to_switch(runs: pd.DataFrame, *, memory_gb: float = 16.0, usable_share: float = 0.5) -> dict:
    """Where each engine stops being the right one, from recorded runs (:func:`recorded_runs`).

    pandas: its peak memory per million events (least squares through the origin over its runs), and the largest
    table a machine with ``memory_gb`` could score in memory if ``usable_share`` of it is free. DuckDB: its peak
    memory at its largest table (bounded by its memory limit, so it does not grow with the table). Spark local
    against DuckDB: the time ratio at each size both ran."""
    def part(engine):
        return runs[runs["engine"] == engine].sort_values("events")

    pandas, duck, spark = part("pandas"), part("duckdb"), part("spark")
    out: dict = {}
    if len(pandas):
        per_million = float((pandas["peak_memory_gb"] * pandas["events"]).sum()
                            / (pandas["events"] ** 2).sum() * 1e6)
        out.update(pandas_gb_per_million=per_million,
                   pandas_max_events=memory_gb * usable_share / per_million * 1e6,
                   pandas_largest_run=int(pandas["events"].max()))
    if len(duck):
        top = duck.iloc[-1]
        out.update(duckdb_largest_run=int(top["events"]), duckdb_peak_gb=float(top["peak_memory_gb"]),
                   duckdb_seconds=float(top["seconds"]))
    both = duck.merge(spark, on="events", suffixes=("_duckdb", "_spark"))
    if len(both):
        ratio = both["seconds_spark"] / both["seconds_duckdb"]
        out.update(spark_to_duckdb_smallest=float(ratio.iloc[0]), spark_to_duckdb_largest=float(ratio.iloc[-1]),
                   spark_compared_at=(int(both["events"].iloc[0]), int(both["events"].iloc[-1])))
    return out


def assumed(name: str) -> float:
    """The central value of one of :data:`DAILY_RUN_ASSUMPTIONS`."""
    return DAILY_RUN_ASSUMPTIONS[name]["value"]


def central_scenario(scenarios: pd.DataFrame) -> pd.Series:
    """The row of :func:`daily_run_scenarios` at the central assumptions and the fitted slope."""
    pick = ((scenarios["events_per_user_day"] == assumed("events_per_user_day"))
            & (scenarios["parallel_efficiency"] == assumed("parallel_efficiency"))
            & (scenarios["slope_case"] == "fitted"))
    return scenarios[pick].iloc[0]


def what_moves_it(scenarios: pd.DataFrame) -> dict[str, float]:
    """How many times the cores of :func:`daily_run_scenarios` change across each assumption's range, the others
    held central (the fitted slope; activity and efficiency at their central values): largest first."""
    fitted = scenarios[scenarios["slope_case"] == "fitted"]
    central_efficiency = fitted[fitted["parallel_efficiency"] == assumed("parallel_efficiency")]["cores"]
    central_activity = fitted[fitted["events_per_user_day"] == assumed("events_per_user_day")]["cores"]
    slope = scenarios[(scenarios["events_per_user_day"] == assumed("events_per_user_day"))
                      & (scenarios["parallel_efficiency"] == assumed("parallel_efficiency"))].set_index("slope_case")
    spreads = {"events per user per day": central_efficiency.max() / central_efficiency.min(),
               "parallel efficiency": central_activity.max() / central_activity.min(),
               "the growth slope": slope.loc["high", "cores"] / slope.loc["low", "cores"]}
    return dict(sorted(((k, float(v)) for k, v in spreads.items()), key=lambda kv: -kv[1]))
