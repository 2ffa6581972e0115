"""One call from an export (or a Dataset) to ranked scores with honest diagnostics: ``influence_lab.score``.

:func:`score` loads the file with :func:`influence_lab.datasets.importers.load_export`
(the contract is validated on the way), chooses the window when none is named
(:func:`~influence_lab.scoring.diagnostics.choose_window`, and says which),
scores every asked recipe with :func:`~influence_lab.scoring.recipes.score_dataset`,
and collects the diagnostics of the data and of each recipe. The result,
:class:`ScoreReport`, holds the ranked table (each recipe's score beside the
sceptic's baselines: followers and plain counts of outputs received), the
per-recipe tables, the diagnostics and the dataset.

Stand-in accounts for counted reactions (ids starting ``anon:``) are scored
like any account (they are part of the engagement graph) but left out of the
ranked table.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from influence_lab.contract import ANONYMOUS_PREFIX, Dataset
from influence_lab.scoring.diagnostics import Diagnostics, diagnose_data, diagnose_scores, window_for_span
from influence_lab.scoring.events import WINDOW_DAYS
from influence_lab.scoring.recipes import RECIPES, make_recipe, score_dataset

__all__ = ["score", "ScoreReport", "parse_window", "named", "BASELINES", "DataWarning"]

#: The sceptic's baselines printed beside every score.
BASELINES: tuple[str, ...] = ("followers", "posts", "reactions_received", "unique_engagers")


class DataWarning(UserWarning):
    """The data in hand cannot support what was asked (most users at the floor, a constant component, ...)."""


def named(table: pd.DataFrame) -> pd.DataFrame:
    """The rows of real accounts: stand-ins for counted reactions (``anon:...``) left out."""
    return table[~table.index.astype(str).str.startswith(ANONYMOUS_PREFIX)]


def _window(window, span_days: float) -> tuple[float | None, str]:
    """(window days or None for the whole span, the reason) for a ``window`` argument and the data's span."""
    chosen = parse_window(window)
    if chosen == "auto":
        return window_for_span(span_days, WINDOW_DAYS)
    return chosen, ("the whole span of the data (as asked)" if chosen is None else f"{chosen:g} days (as asked)")


def parse_window(window) -> float | None | str:
    """``"auto"`` (or None) -> ``"auto"``; ``"all"`` -> None (the whole span); ``"90D"``, ``"90"``, ``90`` -> 90.0."""
    if window is None or (isinstance(window, str) and window.strip().lower() == "auto"):
        return "auto"
    if isinstance(window, str):
        text = window.strip().lower()
        if text == "all":
            return None
        match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*d?", text)
        if not match:
            raise ValueError(f"window {window!r} is not a number of days: write 90D, 90, all or auto.")
        window = float(match.group(1))
    if not np.isfinite(window) or window <= 0:
        raise ValueError(f"window must be a positive number of days, got {window!r}.")
    return float(window)


@dataclass
class ScoreReport:
    """What :func:`score` returns: the ranked table, each recipe's full table, the diagnostics, the data."""

    table: pd.DataFrame
    scores: dict[str, pd.DataFrame]
    diagnostics: Diagnostics
    dataset: Dataset
    as_of: pd.Timestamp
    window_days: float | None
    recipes: list[str] = field(default_factory=list)
    #: the engine that aggregated the features (None on the pandas path): later queries read through it
    engine: object | None = None

    @property
    def warnings(self):
        return self.diagnostics.warnings

    def top(self, n: int = 10) -> pd.DataFrame:
        return self.table.head(n)


def _recipes(recipe) -> list[str]:
    names = list(RECIPES) if recipe == "all" else ([recipe] if isinstance(recipe, str) else list(recipe))
    unknown = [r for r in names if r not in RECIPES]
    if unknown:
        raise ValueError(f"unknown recipe(s) {unknown}; choose from {sorted(RECIPES)} or 'all'.")
    return names


def score(
    data,
    recipe="klout",
    *,
    format: str = "auto",
    as_of=None,
    window="auto",
    warn: bool = True,
    engine: str = "pandas",
    engine_options: dict | None = None,
    **import_options,
) -> ScoreReport:
    """Score an export file (any format of ``load_export``) or a Dataset; rank it; say what the data supports.

    ``recipe`` is a name, a list of names or ``"all"``; ``window`` is
    ``"auto"`` (the data's span when it is a year or less, else 90 days),
    ``"all"``, or days (``90``, ``"90D"``); ``as_of`` defaults to the last
    event. ``import_options`` (``columns``, ``kinds``, ``timezone``, ...) go
    to the importer. With ``warn`` every warning finding is also issued as a
    :class:`DataWarning`. The ranked table is sorted by the first recipe.

    ``engine="duckdb"`` (or ``"spark"``, with ``engine_options={"master": URL}``) aggregates straight from the file (Parquet or CSV in the contract's columns, a
    folder of Parquet files or a glob) without loading the events into pandas; only the recipes of
    ``engines.run.ENGINE_RECIPES`` run there, the data-level checks are skipped (said in the diagnostics) and
    ``report.dataset`` is None."""
    names = _recipes(recipe)
    if engine != "pandas":
        if import_options:
            raise ValueError(f"options {sorted(import_options)} belong to the importers (engine='pandas'); an "
                             "engine reads the contract's columns as they are.")
        return _score_on_engine(data, names, engine=engine, as_of=as_of, window=window, warn=warn,
                                options=engine_options or {})
    if isinstance(data, Dataset):
        if import_options:
            raise ValueError(f"import options {sorted(import_options)} only apply to a file, not a Dataset.")
        dataset = data
    else:
        from influence_lab.datasets.importers import load_export

        dataset = load_export(data, format=format, **import_options)
    events = dataset.events
    if not len(events):
        raise ValueError(f"{dataset.name}: the dataset has no events to score.")
    as_of = events["timestamp"].max() if as_of is None else pd.Timestamp(as_of)
    if as_of.tzinfo is None:
        as_of = as_of.tz_localize("UTC")
    span_days = float((as_of - events["timestamp"].min()) / pd.Timedelta(days=1))
    window_days, reason = _window(window, span_days)
    days = window_days if window_days is not None else span_days + 1.0
    label = "over the whole span of the data" if window_days is None else f"over a {days:g}-day window"
    diagnostics = Diagnostics(diagnose_data(dataset), window_days=window_days, window_reason=reason)
    diagnostics.findings.insert(0, _window_finding(reason))
    per_recipe = {}
    for name in names:
        model = make_recipe(name)
        floor = float(model.scale[0])
        table = score_dataset(dataset, model, as_of=as_of, window_days=days, with_features=True)
        per_recipe[name] = table
        diagnostics.findings.extend(diagnose_scores(named(table), name, floor=floor, window_label=label))
    if window_days is None and days > WINDOW_DAYS:
        diagnostics.findings.extend(_floor_at_recipe_window(dataset, names[0], as_of, per_recipe[names[0]]))
    if warn:
        for finding in diagnostics.warnings:
            warnings.warn(str(finding), DataWarning, stacklevel=2)
    ranked = _ranked(per_recipe, names)
    return ScoreReport(ranked, per_recipe, diagnostics, dataset, as_of, window_days, names)


def _score_on_engine(data, names, *, engine, as_of, window, warn, options) -> ScoreReport:
    from influence_lab.scoring.diagnostics import Finding
    from influence_lab.scoring.engines.run import ENGINE_RECIPES, make_engine, score_on_engine

    outside = [n for n in names if n not in ENGINE_RECIPES]
    if outside:
        raise ValueError(f"recipes {outside} run on pandas only (engine recipes: {list(ENGINE_RECIPES)}); "
                         "drop them or use engine='pandas'.")
    runner = make_engine(engine, data, **options)
    first, last = runner.span()
    as_of = last if as_of is None else pd.Timestamp(as_of)
    as_of = as_of.tz_localize("UTC") if as_of.tzinfo is None else as_of
    span_days = float((as_of - first) / pd.Timedelta(days=1))
    window_days, reason = _window(window, span_days)
    days = window_days if window_days is not None else span_days + 1.0
    label = "over the whole span of the data" if window_days is None else f"over a {days:g}-day window"
    diagnostics = Diagnostics([_window_finding(reason), Finding(
        "info", "engine", f"features aggregated by {engine} from {runner.source}; the data-level checks (kinds, "
        "self-engagements, unknown posts, stand-ins) run on the pandas path only (--engine pandas).")],
        window_days=window_days, window_reason=reason)
    per_recipe = {}
    for name in names:
        table = score_on_engine(None, name, engine=runner, as_of=as_of, window_days=days, with_features=True)
        per_recipe[name] = table
        floor = float(make_recipe(name).scale[0])
        diagnostics.findings.extend(diagnose_scores(named(table), name, floor=floor, window_label=label))
    if warn:
        for finding in diagnostics.warnings:
            warnings.warn(str(finding), DataWarning, stacklevel=3)
    return ScoreReport(_ranked(per_recipe, names), per_recipe, diagnostics, None, as_of, window_days, names,
                       engine=runner)


def _window_finding(reason: str):
    from influence_lab.scoring.diagnostics import Finding

    return Finding("info", "window", f"window: {reason}.")


def _floor_at_recipe_window(dataset, name, as_of, whole) -> list:
    """The floor share the recipe's own 90 days would leave, beside the whole span's (what the choice changed)."""
    from influence_lab.scoring.diagnostics import Finding

    model = make_recipe(name)
    floor = float(model.scale[0])
    short = score_dataset(dataset, model, as_of=as_of, window_days=WINDOW_DAYS)
    short, whole = named(short), named(whole)
    share_short = float((short["score"] <= floor + 1e-9).mean())
    share_whole = float((whole["score"] <= floor + 1e-9).mean())
    return [Finding("info", "window-effect",
                    f"with the recipe's own {WINDOW_DAYS:g}-day window {share_short:.0%} of users would be at the "
                    f"floor, against {share_whole:.0%} over the whole span.", name)]


def _ranked(per_recipe: dict[str, pd.DataFrame], names: list[str]) -> pd.DataFrame:
    first = per_recipe[names[0]]
    out = pd.DataFrame(index=named(first).index)
    for name in names:
        out[f"{name}_score"] = per_recipe[name].loc[out.index, "score"]
    for baseline in BASELINES:
        if baseline in first.columns:
            out[baseline] = first.loc[out.index, baseline]
    out = out.sort_values([f"{names[0]}_score", *[c for c in BASELINES if c in out.columns][1:2]],
                          ascending=False, kind="stable")
    out.insert(0, "rank", np.arange(1, len(out) + 1))
    out.index.name = "user_id"
    return out
