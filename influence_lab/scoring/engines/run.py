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
from influence_lab.scoring.graph import pagerank
from influence_lab.scoring.recipes import ScoreRecipe, make_recipe

__all__ = ["ENGINES", "ENGINE_RECIPES", "make_engine", "pagerank_of_edges", "score_on_engine"]

ENGINES: tuple[str, ...] = ("pandas", "duckdb", "spark")
ENGINE_RECIPES: tuple[str, ...] = ("klout", "network")


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
    model = make_recipe(recipe)
    if model.name not in ENGINE_RECIPES:
        raise NotImplementedError(
            f"the {model.name} recipe runs on pandas only for now (its features are not written in SQL); recipes "
            f"on engines: {list(ENGINE_RECIPES)}. How to fix: --engine pandas, or --recipe klout.")
    runner = make_engine(engine, source, **engine_options) if isinstance(engine, str) else engine
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
