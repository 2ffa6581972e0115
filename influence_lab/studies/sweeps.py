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
  the truth would; about 0.1: no better than chance).

Settings that differ only in :class:`~influence_lab.datasets.world.OutcomeConfig` fields share one simulation
(:func:`~influence_lab.datasets.world.generate_outcome_variants`): the events, and so the scores, are the same.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from influence_lab.datasets.world import OUTCOME_FIELDS, WorldConfig, generate_outcome_variants
from influence_lab.scoring.events import day_end
from influence_lab.scoring.features import user_features
from influence_lab.scoring.recipes import make_recipe

__all__ = ["MEASURES", "POPULATIONS", "captured_share", "split_setting", "tracking_sweep", "verdicts"]

#: What :func:`tracking_sweep` measures: recipe names, and feature columns (the sceptic's baselines).
MEASURES: tuple[str, ...] = ("klout", "followers", "posts", "reactions_received")
#: The populations compared: every real account that exists at ``as_of``, and the active ones (at least
#: ``min_reactions`` reactions received in the window: the accounts a score can tell apart).
POPULATIONS: tuple[str, ...] = ("all", "active")


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


def tracking_sweep(
    settings: Mapping[str, Mapping[str, Any]],
    seeds: Sequence[int] = (1, 2, 3),
    *,
    base: WorldConfig | None = None,
    as_of: str | pd.Timestamp = "2012-04-15",
    measures: Iterable[str] = MEASURES,
    min_reactions: int = 10,
    progress: bool = False,
) -> pd.DataFrame:
    """Measure each measure against the truth in each setting and seed (see the module docstring).

    ``settings`` maps a label to :meth:`WorldConfig.replace` keys (``{"audience__attention_sigma": 1.5,
    "outcomes__click_attention_corr": -1.0}``); ``seeds`` replace ``base.seed``. Recipes are scored on the
    90-day window ending on ``as_of`` (end of day, UTC) with a fresh instance per world; feature columns are
    read from the same window. Returns columns setting, seed, population, measure, n, spearman,
    offline_captured. ``progress`` shows a bar over the simulations.
    """
    base = base or WorldConfig()
    when = day_end(as_of)
    measures = tuple(measures)
    groups: dict[tuple, list[tuple[str, dict[str, Any]]]] = {}
    for label, change in settings.items():
        events, outcomes = split_setting(change)
        groups.setdefault(tuple(sorted(events.items())), []).append((label, outcomes))
    jobs = [(seed, key, members) for seed in seeds for key, members in groups.items()]
    if progress:
        from tqdm.auto import tqdm

        jobs = tqdm(jobs, desc="worlds", unit="world")
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
        active = real[feats.loc[real, "reactions_received"].to_numpy() >= min_reactions]
        for (label, _), world in zip(members, worlds):
            truth = world.users.set_index("user_id")
            for population, ids in (("all", real), ("active", active)):
                total = truth.loc[ids, "true_influence"]
                offline = truth.loc[ids, "true_offline_influence"]
                for name, series in values.items():
                    x = series.loc[ids]
                    rho = stats.spearmanr(x, total).statistic if len(ids) > 2 else np.nan
                    rows.append(
                        {
                            "setting": label,
                            "seed": seed,
                            "population": population,
                            "measure": name,
                            "n": len(ids),
                            "spearman": float(rho),
                            "offline_captured": captured_share(x, offline),
                        }
                    )
    out = pd.DataFrame(rows)
    return out.astype({"setting": "string", "population": "string", "measure": "string"})


def verdicts(sweep: pd.DataFrame, first: str, second: str, *, value: str = "spearman") -> pd.DataFrame:
    """Which of two measures is ahead in each population and setting of a :func:`tracking_sweep`, over its seeds.

    Index (population, setting); columns: ``mean_gap`` (first minus second, mean over seeds), ``low`` and ``high``
    (the smallest and largest gap of a seed), ``se`` (standard error of the mean gap from the seed-to-seed spread),
    ``every_seed`` (the gap has the same sign in every seed) and ``winner``: the measure ahead when it is ahead in
    every seed and the mean gap exceeds three standard errors, else ``"neither (within seed noise)"``.
    """
    rows = sweep[sweep["measure"].isin([first, second])]
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


def verdict_map(
    axes: Mapping[str, Sequence[Any]],
    seeds: Sequence[int] = (1, 2, 3),
    *,
    first: str = "klout",
    second: str = "followers",
    population: str = "active",
    base: WorldConfig | None = None,
    fixed: Mapping[str, Any] | None = None,
    progress: bool = False,
    **sweep_options: Any,
) -> pd.DataFrame:
    """:func:`verdicts` of ``first`` against ``second`` in every cell of a grid, with each axis as a column.

    Cells that differ only in outcome parameters share their simulations (see :func:`tracking_sweep`). Returns
    one row per cell: the axis values, mean_gap, low, high, se, every_seed, winner.
    """
    settings = grid_settings(axes, fixed=fixed)
    sweep = tracking_sweep(settings, seeds, base=base, measures=(first, second), progress=progress, **sweep_options)
    table = verdicts(sweep, first, second).loc[population].reset_index()
    for key in axes:
        table[key] = table["setting"].map(lambda label, key=key: settings[label][key])
    return table[[*axes, "mean_gap", "low", "high", "se", "every_seed", "winner", "setting"]]
