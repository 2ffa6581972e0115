"""Scores versus outcomes: how well a score relates to what people actually bring about, with uncertainty, always
beside the sceptic's baselines (the follower count, and plain counts of outputs).

Notebook 04 ("scores versus outcomes") reads its numbers from here. Every function takes a per-user table (one row
per user: scores, baselines and an outcome column; :func:`outcome_table` builds one from a dataset) and returns a
tidy DataFrame:

- :func:`correlations`: Pearson and Spearman with bootstrap intervals (users resampled independently, or whole
  clusters such as communities of the follower graph: :func:`communities`);
- :func:`partial_correlation`: the relation of a score and an outcome once the baselines are held fixed;
- :func:`ols_log` and :func:`count_model`: statsmodels regressions (OLS on logs; Poisson or negative binomial for
  counts such as clicks and conversions), with heteroskedasticity-robust standard errors;
- :func:`incremental_validity`: what a score adds over each baseline and over all of them (the change in R^2 of
  OLS on logs, with a bootstrap interval, and the partial correlation);
- :func:`omitted_variable_bias`: how much of a score's slope on an outcome comes from a variable it cannot see
  (offline reach), with the identity short = long + gamma * delta;
- :func:`predictive_validity` and :func:`paired_gaps`: score in one period, outcome in the next, and each
  measure's correlation minus a baseline's with a paired interval.

Independent resampling of users ignores the dependence the network creates (a follower and the followed are not
independent draws), so its intervals are a lower bound; :func:`communities` and ``clusters=`` give a cluster
bootstrap where that matters. A method that can say little about the data in hand (a constant predictor, an
outcome that is mostly zero) warns, naming the column.
"""

from __future__ import annotations

import warnings
from typing import Sequence

import numpy as np
import pandas as pd

from influence_lab.contract import Dataset
from influence_lab.scoring.events import day_end
from influence_lab.scoring.features import user_features
from influence_lab.scoring.recipes import make_recipe
from influence_lab.datasets.world import engagement_received
from influence_lab.studies.stats import _correlate, bootstrap_correlation, bootstrap_indices, percentile_interval

__all__ = [
    "BASELINES",
    "communities",
    "correlations",
    "count_model",
    "incremental_validity",
    "ols_log",
    "omitted_variable_bias",
    "outcome_table",
    "partial_correlation",
    "paired_gaps",
    "percentile_standing",
    "predictive_frame",
    "predictive_validity",
    "reactions_between",
]

#: The sceptic's baselines: audience size, and plain counts of outputs and of the reactions they drew.
BASELINES: tuple[str, ...] = ("followers", "published_items", "reactions_received")
#: Share of zeros above which an outcome says little to a regression (a warning names the column).
MOSTLY_ZERO = 0.8


def _check_columns(frame: pd.DataFrame, columns: Sequence[str], where: str) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise KeyError(f"{where}: column(s) {missing} are not in the table (it has {list(frame.columns)}).")


def _utc(value) -> pd.Timestamp:
    """A time as a UTC timestamp: a naive one is read as UTC, an aware one converted."""
    stamp = pd.Timestamp(value)
    return stamp.tz_localize("UTC") if stamp.tzinfo is None else stamp.tz_convert("UTC")


def _warn_uninformative(
    frame: pd.DataFrame, outcome: str, predictors: Sequence[str], where: str, *, left_out: bool = False
) -> None:
    for column in predictors:
        if frame[column].nunique(dropna=True) <= 1:
            what = " and is left out of the fit (its row is NaN)" if left_out else ""
            warnings.warn(
                f"{where}: predictor {column!r} is constant over the {len(frame):,} users, so it can explain "
                f"nothing{what}; drop it or use a population where it varies.",
                stacklevel=3,
            )
    zeros = float((frame[outcome] == 0).mean())
    if zeros > MOSTLY_ZERO:
        warnings.warn(
            f"{where}: outcome {outcome!r} is zero for {zeros:.0%} of the {len(frame):,} users, so the model rests on "
            "the few others; restrict to users with a chance of the outcome or use a longer period.",
            stacklevel=3,
        )


#: Fewer clusters than this (or one holding more than half the users) make a cluster bootstrap say little.
MIN_CLUSTERS = 30


def _warn_few_clusters(labels: pd.Series, where: str) -> None:
    sizes = labels.value_counts()
    if len(sizes) < MIN_CLUSTERS or sizes.iloc[0] > 0.5 * len(labels):
        warnings.warn(
            f"{where}: the cluster bootstrap resamples {len(sizes)} clusters, the largest holding "
            f"{sizes.iloc[0] / len(labels):.0%} of the {len(labels):,} users; with fewer than {MIN_CLUSTERS} clusters "
            "or one that dominates, its interval is unreliable (often lopsided around the estimate). Use finer "
            "clusters (communities(..., resolution=5) or higher) or the user bootstrap, and say which.",
            stacklevel=3,
        )


def outcome_table(
    dataset: Dataset,
    as_of: str | pd.Timestamp,
    scores: pd.DataFrame | pd.Series,
    *,
    metric: str,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Scores, the baselines of the same window and an outcome summed over [start, end), one row per scored user.

    ``scores``: a score column or table indexed by user_id (e.g. ``make_recipe("klout").score(...)["score"]``).
    The baselines (:data:`BASELINES`) come from :func:`~influence_lab.scoring.features.user_features` of the
    window ending at ``as_of``. The outcome is ``metric`` from ``dataset.outcomes`` over the months whose start
    is in [start, end) (default: every month after ``as_of``), 0 for a user with none.
    """
    when = day_end(as_of)
    feats = user_features(dataset, as_of=when, columns=list(BASELINES))
    frame = pd.DataFrame(scores).join(feats, how="inner") if isinstance(scores, pd.DataFrame) else (
        feats.join(scores.rename(scores.name or "score"), how="inner"))
    total = _metric_total(dataset.outcomes, metric, _utc(start) if start is not None else when, end)
    frame[metric] = total.reindex(frame.index, fill_value=0.0).to_numpy()
    return frame


def _metric_total(outcomes: pd.DataFrame, metric: str, start: pd.Timestamp, end) -> pd.Series:
    """``metric`` summed per user over the months whose start is in [start, end) (no end: every later month)."""
    mask = (outcomes["metric"] == metric) & (outcomes["period"] >= start)
    if end is not None:
        mask &= outcomes["period"] < _utc(end)
    return outcomes[mask].groupby("user_id")["value"].sum()


def communities(dataset: Dataset, *, seed: int = 0, resolution: float = 1.0) -> pd.Series:
    """A community label per user: Louvain communities (networkx, seeded) of the undirected follow/engagement graph.

    Edges are every follow and every reshare, like, reply or mention between two users (self-actions dropped);
    users with no such edge each form a community of their own. Use the labels as ``clusters=`` for a cluster
    bootstrap. A dense graph gives few communities at ``resolution=1`` (two on the shipped sample): raise
    ``resolution`` (5 gives a few hundred there) until no community dominates; :func:`correlations` warns when
    the clusters are too few for its interval to mean much.
    """
    import networkx as nx

    ev = dataset.events
    pairs = ev.loc[ev["target_id"].notna() & (ev["actor_id"] != ev["target_id"]), ["actor_id", "target_id"]]
    graph = nx.Graph()
    graph.add_nodes_from(dataset.users["user_id"].astype(str))
    graph.add_edges_from(pairs.drop_duplicates().astype(str).itertuples(index=False, name=None))
    groups = nx.community.louvain_communities(graph, seed=seed, resolution=resolution)
    labels = {node: i for i, group in enumerate(sorted(groups, key=lambda g: (-len(g), min(g)))) for node in group}
    return pd.Series(labels, name="community").rename_axis("user_id")


def correlations(
    frame: pd.DataFrame,
    outcome: str,
    columns: Sequence[str],
    *,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    clusters: pd.Series | None = None,
) -> pd.DataFrame:
    """Pearson and Spearman correlation of each column with ``outcome``, with a bootstrap percentile interval.

    One row per column and method: measure, method, estimate, low, high, n, resampling ("users" or "clusters").
    ``clusters`` (a label per user, indexed like ``frame``) switches to resampling whole clusters. A column with
    fewer than 3 users where it and the outcome are both known (e.g. followers in data without follow events)
    gets NaN, with its ``n``: the correlation is undefined there, not zero.
    """
    _check_columns(frame, [outcome, *columns], "correlations")
    labels = None if clusters is None else clusters.reindex(frame.index).to_numpy()
    if labels is not None and pd.isna(labels).any():
        raise ValueError("correlations: clusters has no label for some users of the table; give every user one.")
    if labels is not None:
        _warn_few_clusters(pd.Series(labels), "correlations")
    rows = []
    known_outcome = np.isfinite(frame[outcome].astype(float).to_numpy())
    for column in columns:
        pairs = int((np.isfinite(frame[column].astype(float).to_numpy()) & known_outcome).sum())
        if pairs < 3:
            rows += [{"measure": column, "method": method, "estimate": np.nan, "low": np.nan, "high": np.nan,
                      "n": pairs, "resampling": "users" if labels is None else "clusters"}
                     for method in ("pearson", "spearman")]
            continue
        for method in ("pearson", "spearman"):
            est = bootstrap_correlation(frame[column], frame[outcome], method=method, n_boot=n_boot, seed=seed,
                                        level=level, clusters=labels)
            rows.append({"measure": column, "method": method, "estimate": est.estimate, "low": est.low,
                         "high": est.high, "n": est.n, "resampling": "users" if labels is None else "clusters"})
    return pd.DataFrame(rows)


def _residuals(target: np.ndarray, controls: np.ndarray) -> np.ndarray:
    design = np.column_stack([np.ones(len(target)), controls])
    coef, *_ = np.linalg.lstsq(design, target, rcond=None)
    return target - design @ coef


def partial_correlation(
    frame: pd.DataFrame, x: str, y: str, controls: Sequence[str], *, method: str = "pearson"
) -> pd.Series:
    """Correlation of ``x`` and ``y`` once ``controls`` are held fixed (residuals of OLS on the controls).

    ``method="spearman"`` works on average ranks (a rank partial correlation). Returns estimate, n, and the
    plain (zero-order) correlation beside it, for the reader to see what the controls took away.
    """
    _check_columns(frame, [x, y, *controls], "partial_correlation")
    data = frame[[x, y, *controls]].dropna().astype(float)
    if method == "spearman":
        data = data.rank()
    elif method != "pearson":
        raise ValueError(f"partial_correlation: method must be 'pearson' or 'spearman', got {method!r}.")
    c = data[list(controls)].to_numpy()
    rx = _residuals(data[x].to_numpy(), c)
    ry = _residuals(data[y].to_numpy(), c)
    partial = float(np.corrcoef(rx, ry)[0, 1])
    plain = float(np.corrcoef(data[x], data[y])[0, 1])
    return pd.Series({"estimate": partial, "zero_order": plain, "n": len(data)}, name=f"{x} ~ {y} | {', '.join(controls)}")


def _tidy(result, model: str, n: int, fit: dict[str, float], level: float) -> pd.DataFrame:
    ci = np.asarray(result.conf_int(alpha=1 - level))
    names = list(result.model.exog_names)
    table = pd.DataFrame({
        "term": names,
        "coef": np.asarray(result.params),
        "se": np.asarray(result.bse),
        "low": ci[:, 0],
        "high": ci[:, 1],
        "p": np.asarray(result.pvalues),
    })
    table["n"] = n
    table["model"] = model
    for key, value in fit.items():
        table[key] = value
    return table


def _varying(frame: pd.DataFrame, predictors: Sequence[str]) -> list[str]:
    """The predictors that vary over ``frame`` (a constant one would make the design singular with the intercept)."""
    return [c for c in predictors if frame[c].nunique(dropna=True) > 1]


def _with_left_out(table: pd.DataFrame, predictors: Sequence[str]) -> pd.DataFrame:
    """``table`` with a NaN row for every predictor left out of the fit, terms in the order of ``predictors``."""
    order = ["const", *[f"log1p({c})" for c in predictors]]
    order += [t for t in table["term"] if t not in order]  # e.g. negative binomial's alpha
    out = table.set_index("term").reindex(order)
    for column in table.columns.drop(["term", "coef", "se", "low", "high", "p"]):
        out[column] = table[column].iloc[0]  # n, model and the fit statistics are the same on every row
    return out.reset_index()


def _design(frame: pd.DataFrame, predictors: Sequence[str]) -> pd.DataFrame:
    import statsmodels.api as sm

    logged = np.log1p(frame[list(predictors)].astype(float).clip(lower=0))
    logged.columns = [f"log1p({c})" for c in predictors]
    return sm.add_constant(logged, has_constant="add")


def ols_log(frame: pd.DataFrame, outcome: str, predictors: Sequence[str], *, level: float = 0.95) -> pd.DataFrame:
    """OLS of log(1 + outcome) on log(1 + each predictor), with HC3 robust standard errors.

    Returns one row per term: term, coef, se, low, high, p, n, model ("ols_log"), r2, adj_r2, aic. A constant
    predictor warns and is left out of the fit (its row is NaN).
    """
    import statsmodels.api as sm

    _check_columns(frame, [outcome, *predictors], "ols_log")
    data = frame[[outcome, *predictors]].dropna()
    _warn_uninformative(data, outcome, predictors, "ols_log", left_out=True)
    design = _design(data, _varying(data, predictors))
    result = sm.OLS(np.log1p(data[outcome].astype(float).clip(lower=0)), design).fit(cov_type="HC3")
    return _with_left_out(_tidy(result, "ols_log", len(data), {"r2": result.rsquared, "adj_r2": result.rsquared_adj,
                                                               "aic": result.aic}, level), predictors)


def _fit_negbin(y: pd.Series, x: pd.DataFrame):
    """NB2 by maximum likelihood, started from the Poisson fit and a moment estimate of alpha (BFGS).

    statsmodels' default start (Newton from alpha near 0) can stop at the Poisson solution with alpha ~ 0 and
    report it without converging on heavy-tailed counts (it did on the shipped sample's conversions); a fit
    that still does not converge warns instead of being reported as if it had.
    """
    import statsmodels.api as sm

    poisson = sm.GLM(y, x, family=sm.families.Poisson()).fit()
    mu = poisson.fittedvalues.to_numpy()
    alpha0 = max(float((((y.to_numpy() - mu) ** 2 - mu) / np.maximum(mu, 1e-9) ** 2).mean()), 0.1)
    model = sm.NegativeBinomial(y, x, loglike_method="nb2")
    from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # overflow in trial steps far from the optimum
        # statsmodels' own notices of a fit that did not converge: the warning below says what it means here
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", HessianInversionWarning)
        result = model.fit(start_params=np.r_[poisson.params.to_numpy(), alpha0], method="bfgs", maxiter=2000,
                           cov_type="HC1", disp=False)
    if not result.mle_retvals.get("converged", False):
        alpha = float(result.params.iloc[-1])
        if alpha < 1e-2:
            warnings.warn(f"count_model: the counts show no overdispersion (alpha runs to {alpha:.1g}, the edge of "
                          "its range, so the fit cannot converge there): the negative binomial reduces to Poisson; "
                          "use family='poisson'.", stacklevel=3)
        else:
            warnings.warn("count_model: the negative binomial fit did not converge; its coefficients are not "
                          "reliable (try family='poisson', whose robust errors allow for overdispersion).",
                          stacklevel=3)
    return result


def count_model(
    frame: pd.DataFrame, outcome: str, predictors: Sequence[str], *, family: str = "poisson", level: float = 0.95
) -> pd.DataFrame:
    """A count regression of ``outcome`` (clicks, conversions, ...) on log(1 + each predictor), robust (HC1) errors.

    ``family="poisson"``: a Poisson GLM (log link); its coefficients stay consistent when the counts are
    overdispersed, and the robust errors allow for it. ``family="negbin"``: statsmodels' NB2 model, which fits
    the overdispersion ``alpha`` as well (its row is the term ``alpha``). Returns the rows of :func:`ols_log`
    with fit columns pseudo_r2 (McFadden's, against the intercept-only model) and aic.
    """
    import statsmodels.api as sm

    _check_columns(frame, [outcome, *predictors], "count_model")
    data = frame[[outcome, *predictors]].dropna()
    y = data[outcome].astype(float)
    if (y < 0).any() or (y.round() != y).any():
        raise ValueError(f"count_model: outcome {outcome!r} must hold whole non-negative counts.")
    _warn_uninformative(data, outcome, predictors, "count_model", left_out=True)
    x = _design(data, _varying(data, predictors))
    if family == "poisson":
        result = sm.GLM(y, x, family=sm.families.Poisson()).fit(cov_type="HC1")
        null = sm.GLM(y, x[["const"]], family=sm.families.Poisson()).fit()
        pseudo = 1.0 - result.llf / null.llf
    elif family == "negbin":
        result = _fit_negbin(y, x)
        pseudo = float(result.prsquared)
    else:
        raise ValueError(f"count_model: family must be 'poisson' or 'negbin', got {family!r}.")
    return _with_left_out(
        _tidy(result, family, len(data), {"pseudo_r2": float(pseudo), "aic": float(result.aic)}, level), predictors
    )


def _r2(y: np.ndarray, x: np.ndarray) -> np.ndarray:
    """R^2 of OLS with an intercept, row-wise over a stack of resamples: y (B, n), x (B, n, k)."""
    design = np.concatenate([np.ones(y.shape + (1,)), x], axis=2)
    xtx = np.einsum("bni,bnj->bij", design, design)
    xty = np.einsum("bni,bn->bi", design, y)
    coef = np.linalg.solve(xtx + 1e-12 * np.eye(design.shape[2]), xty[..., None])[..., 0]
    fitted = np.einsum("bni,bi->bn", design, coef)
    resid = ((y - fitted) ** 2).sum(axis=1)
    total = ((y - y.mean(axis=1, keepdims=True)) ** 2).sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return 1.0 - resid / total


def incremental_validity(
    frame: pd.DataFrame,
    outcome: str,
    score: str,
    baselines: Sequence[str] = BASELINES,
    *,
    n_boot: int = 500,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """What ``score`` adds over each baseline alone and over all of them, on logs (log(1 + x)).

    One row per baseline set (each baseline, then "all baselines"): r2_baseline (OLS of the outcome on the
    baselines), r2_with_score (baselines plus the score), delta_r2 with a bootstrap percentile interval
    (delta_low, delta_high; users resampled with :func:`~influence_lab.studies.stats.bootstrap_indices`), and
    the partial Pearson correlation of the score with the outcome given the baselines. A score that adds nothing
    over counting has a delta near 0 whose interval covers 0.
    """
    _check_columns(frame, [outcome, score, *baselines], "incremental_validity")
    unknown = [b for b in baselines if frame[b].isna().all()]
    if unknown:
        warnings.warn(
            f"incremental_validity: baseline(s) {unknown} are missing for every user (e.g. followers in data without "
            "follow events), so they are left out of every set; drop them from `baselines`.",
            stacklevel=2,
        )
        baselines = [b for b in baselines if b not in unknown]
    data = np.log1p(frame[[outcome, score, *baselines]].dropna().astype(float).clip(lower=0))
    _warn_uninformative(data, outcome, [score, *baselines], "incremental_validity")
    sets = [(b, [b]) for b in baselines] + ([("all baselines", list(baselines))] if len(baselines) > 1 else [])
    y = data[outcome].to_numpy()
    indices = bootstrap_indices(len(data), n_boot, seed)
    rows = []
    for label, columns in sets:
        base = data[columns].to_numpy()
        full = data[[*columns, score]].to_numpy()
        r2_base = float(_r2(y[None, :], base[None, :, :])[0])
        r2_full = float(_r2(y[None, :], full[None, :, :])[0])
        replicates = np.concatenate([
            _r2(y[idx], full[idx]) - _r2(y[idx], base[idx]) for idx in np.array_split(indices, max(1, n_boot // 100))
        ])
        low, high = percentile_interval(replicates, level)
        partial = partial_correlation(data, score, outcome, columns)["estimate"]
        rows.append({"baselines": label, "r2_baseline": r2_base, "r2_with_score": r2_full,
                     "delta_r2": r2_full - r2_base, "delta_low": low, "delta_high": high,
                     "partial_r": float(partial), "n": len(data)})
    return pd.DataFrame(rows)



def reactions_between(dataset: Dataset, start, end, *, kinds: Sequence[str] | None = None) -> pd.Series:
    """Engagement received from others (reshares, likes, replies, mentions) per user in [start, end), UTC.

    The outcome real data can offer: what a user received in a later period (the world's
    :func:`~influence_lab.datasets.world.engagement_received`, which counts the same way). ``kinds`` keeps
    only those engagement kinds.
    """
    events = dataset.events
    if kinds is not None:
        allowed = {"reshare", "like", "reply", "mention"}
        wrong = sorted(set(kinds) - allowed)
        if not len(kinds):
            raise ValueError("reactions_between: kinds is empty; pass None for all four engagement kinds.")
        if wrong:
            raise ValueError(f"reactions_between: {wrong} are not engagement kinds; use any of {sorted(allowed)}.")
        events = events[events["kind"].isin(list(kinds))]
    return engagement_received(events, start, end).rename("reactions_later")


def predictive_validity(
    dataset: Dataset,
    split,
    *,
    outcome: str = "reactions_later",
    end=None,
    recipes: Sequence[str] = ("klout", "kred", "snp", "network", "robust"),
    baselines: Sequence[str] = BASELINES,
    n_boot: int = 1000,
    seed: int = 0,
    clusters: pd.Series | None = None,
    min_reactions: int = 1,
    start=None,
    kinds: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Score in the window ending at ``split`` (end of that day, UTC), outcome in the period after it.

    ``start`` and ``kinds`` narrow ``reactions_later`` to [start, end) (default: from the split) and to those
    engagement kinds (e.g. ``("reshare",)``; default all four), as :func:`predictive_frame` does.

    ``outcome="reactions_later"``: engagement received in [split, end) from the events (default ``end``: after
    the last event), the outcome real data has; any other value is a metric of ``dataset.outcomes`` (clicks,
    conversions, ...) summed over the months from ``split`` on. Every recipe and every baseline of the first
    window is correlated with it (:func:`correlations`, one row per measure and method), over the users who
    received at least ``min_reactions`` reactions in the first window (default 1: the users a score can tell
    apart; 0 keeps every user, most of them tied at zero). Returns the :func:`correlations` table plus ``kind``
    (recipe or baseline) and ``outcome`` columns.
    """
    frame = predictive_frame(dataset, split, outcome=outcome, end=end, recipes=recipes, baselines=baselines,
                             min_reactions=min_reactions, start=start, kinds=kinds)
    columns = [*recipes, *baselines]
    table = correlations(frame, outcome, columns, n_boot=n_boot, seed=seed, clusters=clusters)
    table["kind"] = np.where(table["measure"].isin(recipes), "recipe", "baseline")
    table["outcome"] = outcome
    return table


def predictive_frame(
    dataset: Dataset,
    split,
    *,
    outcome: str = "reactions_later",
    end=None,
    recipes: Sequence[str] = ("klout", "kred", "snp", "network", "robust"),
    baselines: Sequence[str] = BASELINES,
    min_reactions: int = 1,
    start=None,
    kinds: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The per-user table :func:`predictive_validity` correlates: first-window scores and baselines, later outcome.

    ``reactions_later`` counts engagement received from others in [start, end): ``start`` defaults to the end of
    the split day, ``end`` to just after the last event; ``kinds`` keeps only those engagement kinds (a gap
    between the two periods, such as Higgs's announcement day, is left out by a later ``start``).
    """
    when = day_end(split)
    scores = {name: make_recipe(name).score(dataset, as_of=when)["score"] for name in recipes}
    needed = list(dict.fromkeys([*baselines, "reactions_received"]))
    frame = user_features(dataset, as_of=when, columns=needed).join(pd.DataFrame(scores), how="inner")
    frame = frame[frame["reactions_received"] >= min_reactions]
    if outcome == "reactions_later":
        stop = dataset.events["timestamp"].max() + pd.Timedelta(seconds=1) if end is None else end
        begin = when if start is None else _utc(start)
        if begin < when:
            raise ValueError(f"predictive_frame: start {begin} is before the end of the split day {when}; the "
                             "outcome period must follow the scoring window.")
        later = reactions_between(dataset, begin, stop, kinds=kinds)
        frame[outcome] = later.reindex(frame.index, fill_value=0).to_numpy()
    else:
        if start is not None or kinds is not None:
            raise ValueError(f"predictive_frame: start and kinds narrow outcome='reactions_later' only; outcome "
                             f"{outcome!r} is summed over the months after the split (pass end= to stop earlier).")
        total = _metric_total(dataset.outcomes, outcome, when, end)
        if total.empty:
            raise ValueError(f"predictive_validity: no {outcome!r} outcomes after {when:%Y-%m-%d} in {dataset.name!r}; "
                             "use outcome='reactions_later' for data without outcomes.")
        frame[outcome] = total.reindex(frame.index, fill_value=0).to_numpy()
    return frame


def paired_gaps(
    frame: pd.DataFrame, outcome: str, measures: Sequence[str], baseline: str, *, method: str = "spearman",
    n_boot: int = 1000, seed: int = 0, level: float = 0.95,
) -> pd.DataFrame:
    """Each measure's correlation with ``outcome`` minus the baseline's, with a paired bootstrap interval.

    Both correlations are recomputed on the same resampled users, so the interval is that of the difference:
    when it covers 0 the measure adds nothing over the baseline that this sample can show. Columns: measure,
    baseline, gap, low, high, n.
    """
    _check_columns(frame, [outcome, baseline, *measures], "paired_gaps")
    data = frame[list(dict.fromkeys([outcome, baseline, *measures]))].dropna().astype(float)
    if method not in ("spearman", "pearson"):
        raise ValueError(f"paired_gaps: method must be 'spearman' or 'pearson', got {method!r}.")

    def corr(x: np.ndarray, y: np.ndarray) -> np.ndarray:
        return _correlate(x, y, method)

    y = data[outcome].to_numpy()
    b = data[baseline].to_numpy()
    indices = bootstrap_indices(len(data), n_boot, seed)
    rows = []
    for measure in measures:
        x = data[measure].to_numpy()
        gap = float(corr(x[None, :], y[None, :])[0] - corr(b[None, :], y[None, :])[0])
        replicates = np.concatenate([corr(x[i], y[i]) - corr(b[i], y[i]) for i in np.array_split(indices, max(1, n_boot // 100))])
        low, high = percentile_interval(replicates, level)
        rows.append({"measure": measure, "baseline": baseline, "gap": gap, "low": low, "high": high, "n": len(data)})
    return pd.DataFrame(rows)


def omitted_variable_bias(
    frame: pd.DataFrame,
    outcome: str,
    score: str,
    omitted: str,
    controls: Sequence[str] = (),
    *,
    level: float = 0.95,
) -> pd.Series:
    """How much of a score's slope on an outcome is borrowed from a variable left out of the regression.

    OLS on logs (log(1 + x)), heteroskedasticity-robust (HC3) intervals: the short model regresses ``outcome`` on
    ``score`` (and ``controls``), the long one adds ``omitted`` (e.g. offline reach, which no score sees). The
    textbook identity ``short = long + gamma * delta`` holds exactly, where ``gamma`` is the omitted variable's
    slope in the long model and ``delta`` the slope of the omitted variable on the score (given the controls).
    Returns short, short_low, short_high, long, long_low, long_high, gamma, delta, bias (short minus long),
    r2_short, r2_long and n. A positive bias: the score looks more predictive than it is, because the people it
    ranks high also have more of what it cannot see; a negative one: the omitted influence sits with people the
    score ranks low.
    """
    import statsmodels.api as sm

    _check_columns(frame, [outcome, score, omitted, *controls], "omitted_variable_bias")
    data = np.log1p(frame[[outcome, score, omitted, *controls]].dropna().astype(float).clip(lower=0))
    _warn_uninformative(data, outcome, [score, omitted, *controls], "omitted_variable_bias")
    y = data[outcome]
    short_x = sm.add_constant(data[[score, *controls]], has_constant="add")
    long_x = sm.add_constant(data[[score, omitted, *controls]], has_constant="add")
    short = sm.OLS(y, short_x).fit(cov_type="HC3")
    long = sm.OLS(y, long_x).fit(cov_type="HC3")
    aux = sm.OLS(data[omitted], short_x).fit()
    alpha = 1 - level
    s_lo, s_hi = short.conf_int(alpha).loc[score]
    l_lo, l_hi = long.conf_int(alpha).loc[score]
    return pd.Series({
        "short": float(short.params[score]), "short_low": float(s_lo), "short_high": float(s_hi),
        "long": float(long.params[score]), "long_low": float(l_lo), "long_high": float(l_hi),
        "gamma": float(long.params[omitted]), "delta": float(aux.params[score]),
        "bias": float(short.params[score] - long.params[score]),
        "r2_short": float(short.rsquared), "r2_long": float(long.rsquared), "n": float(len(data)),
    })


def percentile_standing(frame: pd.DataFrame, user: str, columns: Sequence[str]) -> pd.Series:
    """A user's mid-rank percentile (0-100) in each of ``columns`` among the table's users (ties share a rank)."""
    _check_columns(frame, columns, "percentile_standing")
    if user not in frame.index:
        raise KeyError(f"percentile_standing: user {user!r} is not in the table of {len(frame):,} users.")
    ranks = frame[list(columns)].rank(method="average")
    return ((ranks.loc[user] - 0.5) / ranks.notna().sum() * 100).rename(user)
