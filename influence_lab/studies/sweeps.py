"""Where each side wins: regenerate the synthetic world over parameter settings and seeds, and measure a score,
follower counts and a plain count of outputs against the truth.

This is the world's honesty test in code (DESIGN.md: for each main comparison there are settings, inside the
documented ranges of the assumption ledger, where either side wins). Notebook 01 shows it for "followers track
the truth better than the score"; notebook 04 builds its map of verdicts on it; ``tests/test_world_honesty.py``
checks it over seeds.

:func:`tracking_sweep` returns a tidy table, one row per setting, seed, population and measure:

- ``spearman``: Spearman correlation of the measure with ``true_influence``;
- ``offline_captured``: the share of true offline influence that the measure's top decile holds, as a fraction of
  what the true top decile holds (1: the measure finds the people with offline influence as well as knowing
  the truth would; about 0.1: no better than chance). Only on ``true_influence`` rows.

Each row also names its ``target``: ``true_influence`` (the world's truth), ``clicks`` and ``conversions`` (the
realised outcomes of the months after ``as_of``: what a client would see), or ``reactions_later`` (engagement
received in the ``later_days`` after ``as_of``: the one outcome real data also has, so a cell of the world can be
set beside a real dataset).

Sweeps are cached on disk (``cache=True``): a table is stored under the user cache keyed by its arguments and a
fingerprint of the world's and the scores' source code, so a re-run is instant and a change of code never serves a
stale table.

Settings that differ only in :class:`~influence_lab.datasets.world.OutcomeConfig` fields share one simulation
(:func:`~influence_lab.datasets.world.generate_outcome_variants`): the events, and so the scores, are the same.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from influence_lab import paths
from influence_lab.datasets.world import OUTCOME_FIELDS, WorldConfig, engagement_received, generate_outcome_variants
from influence_lab.scoring.events import day_end
from influence_lab.scoring.features import user_features
from influence_lab.scoring.recipes import make_recipe
from influence_lab.studies.stats import with_progress

__all__ = [
    "MEASURES",
    "POPULATIONS",
    "TARGETS",
    "captured_share",
    "grid_settings",
    "map_verdicts",
    "omitted_bias_sweep",
    "reproducing_cells",
    "split_setting",
    "sweep_cache_dir",
    "tracking_sweep",
    "verdict_map",
    "verdict_tally",
    "verdicts",
]

#: What :func:`tracking_sweep` measures: recipe names, and feature columns (the sceptic's baselines).
MEASURES: tuple[str, ...] = ("klout", "followers", "posts", "reactions_received")
#: The populations compared: every real account that exists at ``as_of``; the active ones (at least
#: ``min_reactions`` reactions received in the window: the accounts a score can tell apart); and those with at
#: least one (the population :func:`~influence_lab.studies.validity.predictive_validity` uses on real data).
POPULATIONS: tuple[str, ...] = ("all", "active", "reacted")
#: What a measure is set against: the truth, the realised outcomes after ``as_of``, and later engagement.
TARGETS: tuple[str, ...] = ("true_influence", "clicks", "conversions", "reactions_later")


def split_setting(change: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Split ``replace()`` keys into (those that change the events, OutcomeConfig fields that do not)."""
    events, outcomes = {}, {}
    for key, value in change.items():
        name = key.split("__", 1)[1] if key.startswith("outcomes__") else None
        (outcomes if name in OUTCOME_FIELDS else events)[key] = value
    return events, outcomes


def captured_share(measure: pd.Series, truth: pd.Series, top: float = 0.1) -> float:
    """Share of ``truth`` held by the measure's top ``top`` fraction, over the share the true top fraction holds."""
    k = max(1, int(round(len(measure) * top)))
    chosen = measure.sort_values(ascending=False, kind="stable").index[:k]
    best = truth.sort_values(ascending=False, kind="stable").iloc[:k].sum()
    return float(truth.loc[chosen].sum() / best) if best > 0 else float("nan")


def sweep_cache_dir() -> Path:
    """Where cached sweeps live: ``sweeps/`` in the user cache (``$INFLUENCE_LAB_CACHE`` moves it)."""
    return paths.cache_dir() / "sweeps"


def _code_fingerprint() -> str:
    """SHA-256 of the package's source (every module: the world, the contract, the scores, the studies) and of the
    numerical libraries' versions: a cached sweep is only as good as the code and the libraries that made it."""
    from importlib import metadata

    root = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for file in sorted(root.rglob("*.py")):
        digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes())
    for library in ("numpy", "pandas", "scipy", "pyarrow"):
        digest.update(f"{library}={metadata.version(library)}".encode())
    return digest.hexdigest()


def _cache_key(*parts: Any) -> str:
    return hashlib.sha256(repr((_code_fingerprint(), *parts)).encode()).hexdigest()[:32]


def _targets_of(world, ids: pd.Index, targets: Sequence[str], when: pd.Timestamp, later: pd.Series | None) -> dict:
    """The values each target takes for ``ids`` in one world (see :data:`TARGETS`); ``later``: reactions_later."""
    truth = world.users.set_index("user_id")
    out = {}
    for target in targets:
        if target == "true_influence":
            out[target] = truth.loc[ids, "true_influence"].to_numpy(dtype=float)
        elif target == "reactions_later":
            out[target] = later.reindex(ids, fill_value=0).to_numpy(dtype=float)
        else:  # clicks, conversions
            months = world.outcomes[(world.outcomes["metric"] == target) & (world.outcomes["period"] >= when)]
            out[target] = months.groupby("user_id")["value"].sum().reindex(ids, fill_value=0.0).to_numpy(dtype=float)
    return out


def _rank_correlations(ranked_x: Mapping[str, np.ndarray], ranked_y: Mapping[str, np.ndarray]) -> dict:
    """Pearson correlation of every pair of (already mid-ranked) columns: Spearman's rho, as scipy computes it."""
    out = {}
    for xname, x in ranked_x.items():
        xc = x - x.mean()
        for yname, y in ranked_y.items():
            yc = y - y.mean()
            denominator = np.sqrt((xc @ xc) * (yc @ yc))
            out[xname, yname] = float(xc @ yc / denominator) if denominator > 0 else float("nan")
    return out


def tracking_sweep(
    settings: Mapping[str, Mapping[str, Any]],
    seeds: Sequence[int] = (1, 2, 3),
    *,
    base: WorldConfig | None = None,
    as_of: str | pd.Timestamp = "2012-04-15",
    measures: Iterable[str] = MEASURES,
    targets: Iterable[str] = ("true_influence",),
    min_reactions: int = 10,
    later_days: int = 90,
    progress: bool = False,
    cache: bool = False,
) -> pd.DataFrame:
    """Measure each measure against each target in each setting and seed (see the module docstring).

    ``settings`` maps a label to :meth:`WorldConfig.replace` keys (``{"audience__attention_sigma": 1.5,
    "outcomes__click_attention_corr": -1.0}``); ``seeds`` replace ``base.seed``. Recipes are scored on the
    90-day window ending on ``as_of`` (end of day, UTC) with a fresh instance per world; feature columns are
    read from the same window. ``targets``: any of :data:`TARGETS` (clicks and conversions are summed over the
    months that start after ``as_of``; ``reactions_later`` over the ``later_days`` after it). Returns columns
    setting, seed, population, measure, target, n, spearman, offline_captured. ``progress`` shows a bar over
    the simulations; ``cache`` stores the table (see :func:`sweep_cache_dir`) and reads it back on a re-run.
    """
    base = base or WorldConfig()
    when = day_end(as_of)
    later_end = when + pd.Timedelta(days=later_days)
    measures, targets = tuple(measures), tuple(targets)
    unknown = [t for t in targets if t not in TARGETS]
    if unknown:
        raise ValueError(f"tracking_sweep: unknown target(s) {unknown}; use any of {', '.join(TARGETS)}.")
    if cache:
        key = _cache_key(base, sorted((k, sorted(v.items())) for k, v in settings.items()), tuple(seeds), str(when),
                         measures, targets, min_reactions, later_days)
        stored = sweep_cache_dir() / f"{key}.parquet"
        if stored.exists():
            return pd.read_parquet(stored).astype(
                {"setting": "string", "population": "string", "measure": "string", "target": "string"})
    groups: dict[tuple, list[tuple[str, dict[str, Any]]]] = {}
    for label, change in settings.items():
        events, outcomes = split_setting(change)
        groups.setdefault(tuple(sorted(events.items())), []).append((label, outcomes))
    jobs = with_progress([(seed, key, members) for seed in seeds for key, members in groups.items()], progress,
                         desc="worlds", unit="world")
    rows = []
    for seed, key, members in jobs:
        config = base.replace(seed=seed, **dict(key))
        worlds = generate_outcome_variants(config, [outcomes for _, outcomes in members])
        feats = user_features(worlds[0], as_of=when)
        users = worlds[0].users.set_index("user_id")
        real = feats.index.intersection(users.index[users["persona"] != "fake_follower"])
        values = {}
        for name in measures:
            if name in feats.columns:
                values[name] = feats.loc[real, name]
            else:
                values[name] = make_recipe(name).score(worlds[0], as_of=when)["score"].reindex(real)
        received = feats.loc[real, "reactions_received"].to_numpy()
        populations = (("all", real), ("active", real[received >= min_reactions]), ("reacted", real[received >= 1]))
        ranked = {population: {name: stats.rankdata(series.loc[ids].to_numpy(dtype=float))
                               for name, series in values.items()} for population, ids in populations}
        later = engagement_received(worlds[0].events, when, later_end) if "reactions_later" in targets else None
        for (label, _), world in zip(members, worlds):
            offline_truth = world.users.set_index("user_id")["true_offline_influence"]
            for population, ids in populations:
                against = _targets_of(world, ids, targets, when, later)
                rhos = (_rank_correlations(ranked[population], {t: stats.rankdata(y) for t, y in against.items()})
                        if len(ids) > 2 else {})
                for name, series in values.items():
                    captured = captured_share(series.loc[ids], offline_truth.loc[ids]) if "true_influence" in targets \
                        else np.nan
                    for target in targets:
                        rows.append({
                            "setting": label, "seed": seed, "population": population, "measure": name,
                            "target": target, "n": len(ids), "spearman": rhos.get((name, target), np.nan),
                            "offline_captured": captured if target == "true_influence" else np.nan,
                        })
    out = pd.DataFrame(rows).astype({"setting": "string", "population": "string", "measure": "string",
                                     "target": "string"})
    if cache:
        stored.parent.mkdir(parents=True, exist_ok=True)
        partial = stored.with_suffix(".tmp")
        out.to_parquet(partial, index=False)
        partial.replace(stored)
    return out


def verdicts(
    sweep: pd.DataFrame, first: str, second: str, *, value: str = "spearman", target: str = "true_influence"
) -> pd.DataFrame:
    """Which of two measures is ahead in each population and setting of a :func:`tracking_sweep`, over its seeds.

    Rows of one ``target`` are compared (a sweep without a target column is read as all ``true_influence``).
    Index (population, setting); columns: ``mean_gap`` (first minus second, mean over seeds), ``low`` and ``high``
    (the smallest and largest gap of a seed), ``se`` (standard error of the mean gap from the seed-to-seed spread),
    ``every_seed`` (the gap has the same sign in every seed) and ``winner``: the measure ahead when it is ahead in
    every seed and the mean gap exceeds three standard errors, else ``"neither (within seed noise)"``.
    """
    rows = sweep[sweep["measure"].isin([first, second])]
    if "target" in rows.columns:
        rows = rows[rows["target"] == target]
        if rows.empty:
            raise ValueError(f"verdicts: the sweep has no rows for target {target!r} (it has "
                             f"{sorted(sweep['target'].unique())}).")
    wide = rows.pivot_table(index=["population", "setting", "seed"], columns="measure", values=value)
    gap = (wide[first] - wide[second]).rename("gap").reset_index()
    grouped = gap.groupby(["population", "setting"], sort=False)["gap"]
    out = pd.DataFrame({
        "mean_gap": grouped.mean(),
        "low": grouped.min(),
        "high": grouped.max(),
        "se": grouped.std(ddof=1) / np.sqrt(grouped.count()),
    })
    out["every_seed"] = (out["low"] > 0) | (out["high"] < 0)
    decisive = out["every_seed"] & (out["mean_gap"].abs() > 3 * out["se"])
    out["winner"] = np.where(decisive, np.where(out["mean_gap"] > 0, first, second), "neither (within seed noise)")
    return out


def grid_settings(axes: Mapping[str, Sequence[Any]], *, fixed: Mapping[str, Any] | None = None) -> dict[str, dict]:
    """Every combination of the values of ``axes`` (``replace()`` keys), as settings for :func:`tracking_sweep`.

    Labels read ``key=value`` joined by ``, `` (section prefixes dropped); ``fixed`` keys are added to every cell.
    """
    import itertools

    keys = list(axes)
    out = {}
    for values in itertools.product(*(axes[k] for k in keys)):
        change = dict(fixed or {}) | dict(zip(keys, values))
        label = ", ".join(f"{k.split('__')[-1]}={v:g}" if isinstance(v, (int, float)) else f"{k.split('__')[-1]}={v}"
                          for k, v in zip(keys, values))
        out[label] = change
    return out


def map_verdicts(
    sweep: pd.DataFrame,
    settings: Mapping[str, Mapping[str, Any]],
    axes: Iterable[str],
    first: str,
    second: str,
    *,
    population: str = "active",
    target: str = "true_influence",
) -> pd.DataFrame:
    """:func:`verdicts` of one population and target of a grid sweep, one row per cell with its axis values.

    ``settings`` is the :func:`grid_settings` the sweep ran (labels to ``replace()`` keys); ``axes`` the keys to
    show as columns. Columns: the axes, mean_gap, low, high, se, every_seed, winner, setting.
    """
    axes = list(axes)
    table = verdicts(sweep, first, second, target=target).loc[population].reset_index()
    for key in axes:
        table[key] = table["setting"].map(lambda label, key=key: settings[label][key])
    return table[[*axes, "mean_gap", "low", "high", "se", "every_seed", "winner", "setting"]]


def verdict_map(
    axes: Mapping[str, Sequence[Any]],
    seeds: Sequence[int] = (1, 2, 3),
    *,
    first: str = "klout",
    second: str = "followers",
    population: str = "active",
    target: str = "true_influence",
    base: WorldConfig | None = None,
    fixed: Mapping[str, Any] | None = None,
    progress: bool = False,
    **sweep_options: Any,
) -> pd.DataFrame:
    """:func:`verdicts` of ``first`` against ``second`` in every cell of a grid, with each axis as a column.

    Runs :func:`tracking_sweep` over :func:`grid_settings` and reads it with :func:`map_verdicts`. Cells that
    differ only in outcome parameters share their simulations. Returns one row per cell: the axis values,
    mean_gap, low, high, se, every_seed, winner, setting.
    """
    settings = grid_settings(axes, fixed=fixed)
    sweep = tracking_sweep(settings, seeds, base=base, measures=(first, second), targets=(target,),
                           progress=progress, **sweep_options)
    return map_verdicts(sweep, settings, axes, first, second, population=population, target=target)


def reproducing_cells(
    sweep: pd.DataFrame,
    settings: Mapping[str, Mapping[str, Any]],
    axes: Iterable[str],
    low: float,
    high: float,
    *,
    measure: str = "reactions_received",
    target: str = "reactions_later",
    population: str = "reacted",
) -> pd.DataFrame:
    """Which cells of a grid sweep reproduce a value measured on real data (its interval [low, high]).

    The quantity is the Spearman correlation of ``measure`` with ``target`` in ``population`` (by default: how
    well what a user received in one period predicts what they receive in the next, among users who received
    anything, the relation :func:`~influence_lab.studies.validity.predictive_validity` measures on real data).
    One row per cell: the axes, mean (over seeds), seed_low, seed_high and ``reproduces`` (the seed mean lies
    in [low, high]).
    """
    axes = list(axes)
    targets = sweep["target"] if "target" in sweep.columns else pd.Series("true_influence", index=sweep.index)
    rows = sweep[(sweep["measure"] == measure) & (targets == target) & (sweep["population"] == population)]
    if rows.empty:
        raise ValueError(f"reproducing_cells: the sweep has no {measure!r} x {target!r} rows in {population!r}; run "
                         f"tracking_sweep with {measure!r} in measures and {target!r} in targets.")
    grouped = rows.groupby("setting", sort=False)["spearman"]
    table = pd.DataFrame({"mean": grouped.mean(), "seed_low": grouped.min(), "seed_high": grouped.max()}).reset_index()
    for key in axes:
        table[key] = table["setting"].map(lambda label, key=key: settings[label][key])
    table["reproduces"] = (table["mean"] >= low) & (table["mean"] <= high)
    return table[[*axes, "mean", "seed_low", "seed_high", "reproduces", "setting"]]


def omitted_bias_sweep(
    values: Sequence[float],
    seeds: Sequence[int] = (1, 2, 3),
    *,
    base: WorldConfig | None = None,
    as_of: str | pd.Timestamp = "2012-04-15",
    score: str = "klout",
    outcome: str = "conversions",
    omitted: str = "true_offline_reach",
    parameter: str = "offline_online_corr",
    progress: bool = False,
) -> pd.DataFrame:
    """:func:`~influence_lab.studies.validity.omitted_variable_bias` of ``score`` on ``outcome`` as an outcome
    parameter moves (default ``offline_online_corr``), over seeds.

    Each seed's events are simulated once (:func:`generate_outcome_variants`); the score is computed on the
    90-day window ending ``as_of``, the outcome summed over the months after it, for the real accounts with at
    least one reaction received. Returns one row per value and seed: the value, seed, and the columns of
    :func:`omitted_variable_bias`.
    """
    from influence_lab.studies.validity import omitted_variable_bias

    base = base or WorldConfig()
    when = day_end(as_of)
    jobs = with_progress(seeds, progress, desc="worlds", unit="world")
    rows = []
    for seed in jobs:
        worlds = generate_outcome_variants(base.replace(seed=seed), [{parameter: v} for v in values])
        feats = user_features(worlds[0], as_of=when, columns=["reactions_received"])
        scores = make_recipe(score).score(worlds[0], as_of=when)["score"]
        users = worlds[0].users.set_index("user_id")
        real = feats.index.intersection(users.index[users["persona"] != "fake_follower"])
        ids = real[feats.loc[real, "reactions_received"].to_numpy() >= 1]
        for value, world in zip(values, worlds):
            truth = world.users.set_index("user_id")
            months = world.outcomes[(world.outcomes["metric"] == outcome) & (world.outcomes["period"] >= when)]
            frame = pd.DataFrame({
                score: scores.reindex(ids).to_numpy(dtype=float),
                outcome: months.groupby("user_id")["value"].sum().reindex(ids, fill_value=0.0).to_numpy(),
                omitted: truth.loc[ids, omitted].to_numpy(dtype=float),
            }, index=ids)
            result = omitted_variable_bias(frame, outcome, score, omitted)
            rows.append({parameter: value, "seed": seed, **result.to_dict()})
    return pd.DataFrame(rows)


def verdict_tally(
    sweep: pd.DataFrame,
    settings: Mapping[str, Mapping[str, Any]],
    firsts: Sequence[str],
    seconds: Sequence[str],
    *,
    population: str = "active",
    target: str = "true_influence",
) -> pd.DataFrame:
    """How often each of ``firsts`` (recipes) beats each of ``seconds`` (baselines) over the cells of a grid sweep.

    One row per (measure, baseline): cells, wins (the measure ahead by :func:`verdicts`' rule), losses, ties
    (within seed noise), and the smallest and largest mean gap over the cells.
    """
    rows = []
    for first in firsts:
        for second in seconds:
            table = map_verdicts(sweep, settings, [], first, second, population=population, target=target)
            rows.append({
                "measure": first, "baseline": second, "cells": len(table),
                "wins": int((table["winner"] == first).sum()), "losses": int((table["winner"] == second).sum()),
                "ties": int(table["winner"].str.startswith("neither").sum()),
                "min_gap": float(table["mean_gap"].min()), "max_gap": float(table["mean_gap"].max()),
            })
    return pd.DataFrame(rows)
