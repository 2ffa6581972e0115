"""Comparing influence scores: every recipe side by side, how they agree, and how they track the truth.

Notebook 01 ("building a score") reads its numbers from here:

- :func:`score_all_recipes` scores one window with every recipe of
  :mod:`influence_lab.scoring.recipes` and adds the raw counts the literature ranked
  by (followers, reshares and mentions received);
- :func:`spearman_matrix` and :func:`top_k_overlap` / :func:`distinct_in_top_k`
  measure agreement between rankings in the spirit of Cha et al. (2010);
- :func:`bootstrap_correlation` (and :func:`bootstrap_spearman`) give an
  estimate with a percentile interval from seeded resamples of users;
- :func:`tracking_table` compares scores with a ground-truth column, with
  paired bootstrap intervals;
- :func:`explain_klout` lays out one user's Klout-style score component by
  component; :func:`score_on_curves` scores on both calibration curves;
- :func:`simplex_weights` and :func:`weight_grid` recompute the Klout-style
  score over a grid of weights; :func:`truth_under_online_share` regenerates
  the synthetic world's ground truth under another ``online_share``.

Ground truth (``true_*`` columns) is only ever an argument to compare
against; nothing here feeds it to a score. Everything is vectorised over
users; the only loops run over recipes, weight settings or bootstrap blocks.
"""

from __future__ import annotations

from typing import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from influence_lab.contract import Dataset
from influence_lab.scoring.features import user_features
from influence_lab.scoring.calibration import CalibrationCurve
from influence_lab.studies.stats import bootstrap_spearman
from influence_lab.scoring.recipes import RECIPES, KloutStyle, ScoreRecipe, make_recipe, score_dataset

__all__ = [
    "COUNT_COLUMNS",
    "KLOUT_COMPONENT_FEATURES",
    "RECIPE_LABELS",
    "curve_sweep",
    "distinct_in_top_k",
    "explain_klout",
    "feature_profile",
    "label",
    "make_recipes",
    "score_all_recipes",
    "score_on_curves",
    "simplex_weights",
    "spearman_matrix",
    "top_k",
    "top_k_overlap",
    "tracking_by_truth",
    "tracking_table",
    "truth_under_online_share",
    "weight_grid",
]

#: Short labels for figures and tables: recipe name (a key of :data:`influence_lab.scoring.recipes.RECIPES`) -> (label, scale).
RECIPE_LABELS: dict[str, tuple[str, str]] = {
    "klout": ("Klout-style", "1-100, calibrated curve"),
    "kred": ("Kred-style", "1-1000, top of community = 1000"),
    "snp": ("SNP", "ratio >= 0 (Anger & Kittl)"),
    "network": ("Network (PageRank)", "0-100, log scale"),
    "robust": ("Robust", "1-100, calibrated curve"),
}

def label(column: str) -> str:
    """A readable name for a recipe or feature column (``"klout"`` -> ``"Klout-style"``, ``"unique_engagers"`` ->
    ``"unique engagers"``)."""
    return RECIPE_LABELS[column][0] if column in RECIPE_LABELS else column.replace("_", " ")


#: Raw counts placed beside the scores (Cha et al. ranked users by followers, retweets and mentions).
COUNT_COLUMNS: tuple[str, ...] = (
    "followers",
    "reshares_received",
    "mentions_received",
    "reactions_received",
    "unique_engagers",
)

#: The features each Klout-style component reads (see :class:`influence_lab.scoring.recipes.KloutStyle`).
KLOUT_COMPONENT_FEATURES: dict[str, tuple[str, ...]] = {
    "reach": ("unique_engagers",),
    "amplification": ("weighted_reactions", "published_items"),
    "network": ("standing_weighted_reactions",),
}


# ------------------------------------------------------------------------- scoring


def make_recipes(names: Sequence[str] = tuple(RECIPES), *, curve: str = "pre2012") -> dict[str, ScoreRecipe]:
    """Fresh, unfitted instances of the named recipes (``curve`` for those calibrated on one), keyed by name.

    Pass them to :func:`score_all_recipes` to keep the fitted recipes (each is fitted in place)."""
    models = {}
    for name in names:
        params = {"curve": curve} if "curve" in make_recipe(name).get_params() else {}
        models[name] = make_recipe(name, **params)
    return models


def score_all_recipes(
    dataset: Dataset,
    as_of=None,
    *,
    recipes: Sequence[str] | Mapping[str, ScoreRecipe] = tuple(RECIPES),
    curve: str = "pre2012",
    counts: Sequence[str] = COUNT_COLUMNS,
) -> pd.DataFrame:
    """One row per user: the score of every recipe (a column each) and the raw ``counts``.

    ``recipes`` defaults to every recipe of :data:`influence_lab.scoring.recipes.RECIPES`, in its order;
    names get fresh instances (``curve`` goes to the recipes calibrated on a curve, Klout-style and
    Robust), and a mapping name -> instance (:func:`make_recipes`) is fitted in place, so the caller
    keeps the fitted recipes (e.g. ``models["snp"].basis_`` says which proxies SNP used).

    Each recipe is fitted on the window's own population through
    :func:`influence_lab.scoring.recipes.score_dataset` (so its calibration is
    the population's). ``attrs["as_of"]`` holds the time scored. Counts the
    data cannot give stay NaN (followers without follow events).
    """
    models = dict(recipes) if isinstance(recipes, Mapping) else make_recipes(recipes, curve=curve)
    columns = {}
    for name, model in models.items():
        scored = score_dataset(dataset, model, as_of=as_of)
        columns[name] = scored["score"]
        as_of = scored.attrs["as_of"] if as_of is None else as_of
    table = pd.DataFrame(columns)
    if counts:
        table = table.join(user_features(dataset, as_of=as_of, columns=list(counts)))
    table.attrs.update(as_of=as_of)
    return table


def score_on_curves(
    dataset: Dataset, as_of=None, *, curves: Sequence[str] = ("pre2012", "2012"), **params
) -> pd.DataFrame:
    """The Klout-style score of every user on each calibration curve (a column per curve).

    Same features and weights, only the curve differs, so the columns rank
    users identically. ``engaged`` marks users with at least one reaction
    received (the population the curves describe; everyone else gets 1).
    """
    columns = {}
    for curve in curves:
        scored = score_dataset(dataset, "klout", as_of=as_of, curve=curve, with_features=True, **params)
        columns[curve] = scored["score"]
    table = pd.DataFrame(columns)
    table["engaged"] = scored["reactions_received"] > 0
    return table


def curve_sweep(raw: pd.Series, p95_values: Sequence[float], *, mean: float = 40.0) -> pd.DataFrame:
    """Scores on curves with the same ``mean`` and each 95th percentile in ``p95_values`` (a column each).

    ``raw`` is the Klout-style ``raw`` column of one scoring (0 for users
    without engagement, who get the floor); each curve is fitted on it as
    :class:`~influence_lab.scoring.recipes.KloutStyle` does, so only the curve's shape
    changes. Used to check which claims hold whatever 95th percentile is
    assumed. A percentile no Beta curve can reach is a ValueError.
    """
    values = raw.to_numpy(dtype=float)
    columns = {
        float(p95): CalibrationCurve(mean, float(p95)).fit(values).transform(values)
        for p95 in p95_values  # a few curve settings, never users
    }
    return pd.DataFrame(columns, index=raw.index).rename_axis(columns="p95")


def feature_profile(features: pd.DataFrame, user_id: str, population: pd.Index) -> pd.DataFrame:
    """One user's features beside the population's: value, population median, and percentile.

    ``percentile`` is the share of the population with a strictly smaller
    value plus half the share with an equal one (mid-rank), in percent.
    Columns that are NaN for the whole population stay NaN.
    """
    values = features.loc[user_id].astype(float)
    pop = features.loc[features.index.intersection(population)].astype(float)
    data = pop.to_numpy()
    below = (data < values.to_numpy()).sum(axis=0)
    equal = (data == values.to_numpy()).sum(axis=0)
    counted = np.isfinite(data).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        percentile = 100.0 * (below + equal / 2) / counted
    return pd.DataFrame(
        {"value": values, "population_median": pop.median(), "percentile": np.where(counted > 0, percentile, np.nan)}
    )


def explain_klout(features: pd.DataFrame, model: KloutStyle, user_id: str) -> pd.DataFrame:
    """One user's Klout-style score, component by component, in score points.

    Rows: ``baseline`` (the floor, 1) and each component. Columns: the
    features the component reads and their values, the component value
    (``log1p`` of the feature), the population mean it is divided by, the
    weight, and ``points``; the points add up to the score
    (``attrs["score"]``). ``features`` must hold the features of
    :data:`KLOUT_COMPONENT_FEATURES` and ``reactions_received``.
    """
    if user_id not in features.index:
        raise KeyError(f"explain_klout: user {user_id!r} is not in the features table (no events up to as_of?).")
    row = features.loc[[user_id]]
    contributions = model.explain(row).iloc[0]
    components = model.transform(row).iloc[0]
    weights = {c: model.get_params()[f"{c}_weight"] for c in model.components}
    records = [{"component": "baseline", "reads": "", "feature_values": "", "component_value": np.nan,
                "population_mean": np.nan, "weight": np.nan, "points": contributions["baseline"]}]
    for component in model.components:
        read = KLOUT_COMPONENT_FEATURES[component]
        records.append({
            "component": component,
            "reads": ", ".join(read),
            "feature_values": ", ".join(f"{row[f].iloc[0]:,.1f}" for f in read),
            "component_value": components[component],
            "population_mean": model.component_scale_[component],
            "weight": weights[component],
            "points": contributions[component],
        })
    table = pd.DataFrame(records).set_index("component")
    table.attrs["score"] = float(contributions["score"])
    return table


# ------------------------------------------------------------------------- agreement


def spearman_matrix(table: pd.DataFrame, columns: Iterable[str] | None = None, *, min_periods: int = 3) -> pd.DataFrame:
    """Spearman rank correlations between columns (ties get average ranks).

    Each pair uses the rows where both are finite (pairwise complete); a
    pair with fewer than ``min_periods`` such rows, or a constant column, is
    NaN: the correlation is undefined, not zero (e.g. followers in data with
    no follow events). ``attrs["n"]`` holds the pairwise row counts.
    """
    data = table[list(columns) if columns is not None else table.columns].astype(float)
    data = data.where(np.isfinite(data))
    matrix = data.corr(method="spearman", min_periods=min_periods)
    present = data.notna().astype(float)
    matrix.attrs["n"] = present.T @ present
    return matrix


def top_k(values: pd.Series, k: int) -> pd.Index:
    """The index labels of the ``k`` largest finite values; ties broken by index order (ascending).

    Users with value 0 or less are never in a top list (zero attention is not a rank).
    """
    ordered = values[np.isfinite(values.to_numpy(dtype=float)) & (values.to_numpy(dtype=float) > 0)]
    order = np.lexsort((ordered.index.to_numpy(dtype=str), -ordered.to_numpy(dtype=float)))
    return ordered.index[order[:k]]


def _membership(table: pd.DataFrame, k: int, columns: Sequence[str]) -> pd.DataFrame:
    member = pd.DataFrame(False, index=table.index, columns=list(columns))
    for column in columns:  # a few ranking columns, never users
        member.loc[top_k(table[column], k), column] = True
    return member


def top_k_overlap(table: pd.DataFrame, k: int = 100, columns: Iterable[str] | None = None) -> pd.DataFrame:
    """Users shared by the top-``k`` lists of each pair of columns (diagonal: the list's length).

    Columns with no positive finite value (e.g. followers without follow
    data) are left out and named in ``attrs["skipped"]``.
    """
    columns = list(columns) if columns is not None else list(table.columns)
    usable = [c for c in columns if (table[c].astype(float) > 0).any()]
    member = _membership(table, k, usable).astype(int)
    overlap = member.T @ member
    overlap.attrs["skipped"] = [c for c in columns if c not in usable]
    return overlap


def distinct_in_top_k(table: pd.DataFrame, k: int = 100, columns: Iterable[str] | None = None) -> int:
    """How many distinct users the top-``k`` lists of ``columns`` hold together (Cha et al.: 233 for 3 x 100)."""
    columns = list(columns) if columns is not None else list(table.columns)
    usable = [c for c in columns if (table[c].astype(float) > 0).any()]
    return int(_membership(table, k, usable).any(axis=1).sum())


# ------------------------------------------------------------------------- bootstrap


def tracking_table(
    scores: pd.DataFrame,
    truth: pd.Series,
    *,
    columns: Iterable[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """Spearman of each score column with ``truth`` (aligned on the index), with bootstrap intervals.

    Rows are the users of ``scores``; every column uses the same seed, so
    the same resamples of users (paired intervals) as long as no column has
    missing values. Columns: ``spearman``, ``low``, ``high``, ``n``.
    """
    columns = list(columns) if columns is not None else list(scores.columns)
    aligned = truth.reindex(scores.index).to_numpy(dtype=float)
    rows = {
        c: bootstrap_spearman(scores[c].to_numpy(dtype=float), aligned, n_boot, seed, level).as_dict()
        for c in columns
    }
    table = pd.DataFrame(rows).T
    table["n"] = table["n"].astype(int)
    return table.rename(columns={"estimate": "spearman"})


def tracking_by_truth(
    scores: pd.DataFrame,
    truths: pd.DataFrame,
    *,
    columns: Iterable[str] | None = None,
    n_boot: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """:func:`tracking_table` for each column of ``truths`` (e.g. one per ``online_share``), stacked.

    Long format: one row per (truth column, score column) with ``spearman``,
    ``low``, ``high``, ``n``; the truth column's name goes in the column
    named by ``truths.columns.name`` (default ``"truth"``).
    """
    label = truths.columns.name or "truth"
    parts = [
        tracking_table(scores, truths[t], columns=columns, n_boot=n_boot, seed=seed).assign(**{label: t})
        for t in truths.columns  # a few truth variants
    ]
    return pd.concat(parts).rename_axis("score").reset_index()


# ------------------------------------------------------------------------- weights


def simplex_weights(step: float = 0.25) -> pd.DataFrame:
    """All Klout-style weight settings (reach, amplification, network) >= 0 summing to 1, on a grid of ``step``."""
    ticks = np.round(np.arange(0, 1 + step / 2, step), 10)
    a, b = np.meshgrid(ticks, ticks, indexing="ij")
    c = np.round(1 - a - b, 10)
    keep = c >= -1e-9
    return pd.DataFrame(
        {"reach_weight": a[keep], "amplification_weight": b[keep], "network_weight": np.clip(c[keep], 0, 1)}
    )


def weight_grid(
    features: pd.DataFrame,
    weights: pd.DataFrame,
    *,
    users: Sequence[str] = (),
    truth: pd.Series | None = None,
    population: pd.Index | None = None,
    curve: str = "pre2012",
) -> pd.DataFrame:
    """The Klout-style score refitted for each row of ``weights``.

    One row per weight setting: the weights, the score of each of ``users``
    (a column each) and, with ``truth``, ``spearman_truth`` over
    ``population`` (default: every row of ``features``). The features are
    computed once by the caller (``user_features(..., columns=
    KloutStyle.required_features)``); only the weights and the calibration
    change.
    """
    population = features.index if population is None else population
    truth_values = None if truth is None else truth.reindex(population).to_numpy(dtype=float)
    records = []
    for setting in weights.to_dict("records"):  # a few weight settings, never users
        scored = KloutStyle(curve=curve, **setting).fit_transform(features)["score"]
        record = dict(setting)
        record.update({u: float(scored.get(u, np.nan)) for u in users})
        if truth_values is not None:
            record["spearman_truth"] = float(
                stats.spearmanr(scored.reindex(population).to_numpy(dtype=float), truth_values).statistic
            )
        records.append(record)
    return pd.DataFrame(records)


# ------------------------------------------------------------------------- assumptions


def truth_under_online_share(
    reference: Dataset, online_shares: Sequence[float], *, config=None, column: str = "true_influence"
) -> pd.DataFrame:
    """Ground truth of the synthetic world regenerated under each ``online_share`` (a column each).

    ``config`` is the reference world's :class:`~influence_lab.datasets.world.WorldConfig`
    (default: the shipped sample's). The outcome model draws from its own
    random stream, so the events must come out identical to ``reference``'s;
    this is checked, and a ValueError names the share for which it fails
    (the comparison would then mix two different worlds).
    """
    from influence_lab.datasets import world as simulate

    base = config or simulate.WorldConfig()
    worlds = simulate.generate_outcome_variants(base, [{"online_share": share} for share in online_shares])
    truth = {}
    for share, world in zip(online_shares, worlds):  # a few parameter values, from one simulation
        if not world.events.equals(reference.events):
            raise ValueError(
                f"truth_under_online_share: the world regenerated with online_share={share} has different events "
                "from the reference dataset. How to fix: pass the config the reference was generated with."
            )
        truth[share] = world.users.set_index("user_id")[column]
    return pd.DataFrame(truth).rename_axis(columns="online_share")
