"""Score with an engine: aggregate in the engine, calibrate and rank in memory (``score_on_engine``).

Which recipes run on an engine, and why the others do not yet:

- ``klout``: every feature it reads is in :data:`~influence_lab.scoring.engines.sql.ENGINE_FEATURES`;
- ``network``: the engine aggregates the weighted edges; the sparse PageRank runs in memory on them (the graph
  of a window is far smaller than its events);
- ``kred`` (follower replay for big actors, communities), ``snp`` (follower state, posts reshared by id) and
  ``robust`` (per-pair credibility) read features not yet written in SQL: pandas only, for now.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from influence_lab.contract import ID_DTYPE
from influence_lab.scoring.engines.sql import DAY_NS, TIMELINE_FEATURES
from influence_lab.scoring.events import day_end, day_number
from influence_lab.scoring.graph import pagerank
from influence_lab.scoring.recipes import ScoreRecipe, make_recipe
from influence_lab.scoring.timeline import Ledger, fitted_day, run_days, shape_timeline

__all__ = ["ENGINES", "ENGINE_RECIPES", "ENGINE_TIMELINE_RECIPES", "make_engine", "pagerank_of_edges",
           "score_on_engine", "timeline_on_engine"]

ENGINES: tuple[str, ...] = ("pandas", "duckdb", "spark")
ENGINE_RECIPES: tuple[str, ...] = ("klout", "network")
#: recipes whose day-by-day timeline an engine computes (rolling window; the network score has no running form)
ENGINE_TIMELINE_RECIPES: tuple[str, ...] = ("klout",)


def make_engine(name: str, source, **options):
    """An engine instance reading ``source``."""
    if name == "duckdb":
        from influence_lab.scoring.engines.duckdb_engine import DuckDBEngine

        return DuckDBEngine(source, **options)
    if name == "spark":
        from influence_lab.scoring.engines.spark_engine import SparkEngine

        return SparkEngine(source, **options)
    raise ValueError(f"unknown engine {name!r}; choose one of {[e for e in ENGINES if e != 'pandas']}.")


def pagerank_of_edges(edges: pd.DataFrame, index: pd.Index, *, alpha: float) -> np.ndarray:
    """PageRank over aggregated edges (source, target, weight), aligned to ``index`` (NaN outside the graph)."""
    result = np.full(len(index), np.nan)
    if not len(edges):
        return result
    nodes, local = np.unique(np.concatenate([edges["source"].astype(str).to_numpy(),
                                             edges["target"].astype(str).to_numpy()]), return_inverse=True)
    sender, receiver = np.split(local, 2)
    adjacency = sp.coo_array((edges["weight"].to_numpy(dtype=float), (sender, receiver)),
                             shape=(len(nodes), len(nodes))).tocsr()
    adjacency.sum_duplicates()
    ranks = pd.Series(pagerank(adjacency, alpha=alpha), index=pd.Index(nodes, dtype=ID_DTYPE))
    return ranks.reindex(index).to_numpy()


def score_on_engine(source, recipe: str | ScoreRecipe = "klout", *, engine="duckdb", as_of=None,
                    window_days: float | None = None, with_features: bool = False, **engine_options) -> pd.DataFrame:
    """Score every user of ``source`` with ``recipe``, the features aggregated by ``engine``; one row per user.

    The same table as :func:`~influence_lab.scoring.recipes.score_dataset` on the events alone (a test holds them
    equal to 1e-9). ``source``: what the engine reads (a DataFrame, a Parquet or CSV file, a folder, a glob);
    ``engine``: a name of :data:`ENGINES` or an engine instance (then ``source`` is ignored and may be None).
    ``with_features`` adds the engine's feature columns."""
    model, runner = _on_engine(recipe, engine, source, engine_options, ENGINE_RECIPES,
                               "recipe runs on pandas only for now (its features are not written in SQL); recipes "
                               "on engines: {allowed}. How to fix: --engine pandas, or --recipe klout.")
    window = model.window_days if window_days is None else window_days
    as_of = runner.last_event() if as_of is None else pd.Timestamp(as_of)
    features = runner.features(as_of=as_of, window_days=window, params=model.feature_params())
    if model.name == "network":
        edges = runner.edges(as_of=as_of, window_days=window)
        features["pagerank"] = pagerank_of_edges(edges, features.index, alpha=model.alpha)
    model.fit(features, as_of=as_of)
    out = model.transform(features)
    if with_features:
        out = out.join(features[[c for c in features.columns if c not in out.columns]])
    out.attrs.update({"recipe": model.name, "as_of": as_of, "window_days": window, "engine": runner.name})
    return out


def _on_engine(recipe, engine, source, engine_options: dict, allowed: tuple[str, ...], refusal: str):
    """The recipe, refused with ``refusal`` (after its name) unless in ``allowed``, and the engine to run it on."""
    model = make_recipe(recipe)
    if model.name not in allowed:
        raise NotImplementedError(f"the {model.name} " + refusal.format(allowed=list(allowed)))
    return model, make_engine(engine, source, **engine_options) if isinstance(engine, str) else engine


def timeline_on_engine(source, recipe: str | ScoreRecipe = "klout", *, engine="duckdb", start=None, end=None,
                       window_days: int | None = None, format: str = "long", components: bool = False,
                       **engine_options) -> pd.DataFrame:
    """A score per user per day from ``start`` to ``end`` (UTC days), the daily running sums aggregated by
    ``engine``: the same table as :func:`~influence_lab.scoring.timeline.score_timeline` on the events alone with
    a rolling window (a test holds them equal to 1e-9).

    The engine returns each feature's per-day deltas (one row per user and day with activity, far fewer than the
    events); the days are added up and scored in memory with the calibration fitted once at the end of ``end``,
    as :func:`score_timeline` does. A half-life has no engine form: use ``score_timeline`` for it."""
    model, runner = _on_engine(recipe, engine, source, engine_options, ENGINE_TIMELINE_RECIPES,
                               "timeline runs on pandas only (score_timeline); engine timelines: {allowed}.")
    low, high = runner.span()
    first_day = day_number(low if start is None else start)
    last_day = day_number(high if end is None else end)
    if last_day < first_day:
        raise ValueError(f"timeline_on_engine: end ({end}) is before start ({start}).")
    window = int(model.window_days if window_days is None else window_days)
    if not model.is_fitted:
        reference = day_end(pd.Timestamp(last_day * DAY_NS, tz="UTC"))
        model.fit(runner.features(as_of=reference, window_days=float(window), params=model.feature_params()),
                  as_of=reference)
    seen = runner.first_days(last_day=last_day).sort_index()
    index = pd.Index(seen.index, name="user_id")
    deltas = runner.daily_ledgers(last_day=last_day, window_days=window, params=model.feature_params())
    position = pd.Series(np.arange(len(index)), index=index)
    ledgers = {}
    for name, how in TIMELINE_FEATURES.items():
        part = deltas[deltas["feature"] == name]
        user = position.reindex(part["user_id"].astype(ID_DTYPE)).to_numpy()
        day = part["day"].to_numpy(dtype=np.int64)
        value = part["value"].to_numpy(dtype=np.float64)
        if how == "window sum":  # added on its day, taken away when it leaves the window
            user, day, value = np.r_[user, user], np.r_[day, day + window], np.r_[value, -value]
        ledgers[name] = Ledger(user.astype(np.int64), day, value, decays=False)
    prepared = model.prepare(model.with_user_columns(pd.DataFrame(index=index), None))
    outputs = run_days(model, ledgers, prepared, n_users=len(index), first_day=first_day, last_day=last_day,
                       components=components)
    active = seen.to_numpy()[:, None] <= (first_day + np.arange(last_day - first_day + 1))[None, :]
    return shape_timeline(outputs, index, active, first_day=first_day, format=format,
                          attrs=dict(recipe=model.name, window_days=window, half_life_days=None,
                                     calibration_day=fitted_day(model), engine=runner.name))
