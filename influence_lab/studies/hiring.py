"""The hiring decision: what a score gap, or a cut-off, tells a recruiter about who is more influential.

In the Wired story (April 2012, FACTS.md [checked]) a candidate scored 34 lost a job to one scored 67; a 2012
job advert asked for 35+. With the synthetic world's ground truth we can ask how often such a decision points the
right way:

- :func:`pair_concordance`: over every pair of candidates, the probability that the one with the higher score is
  also the more influential, as a function of the score gap (with a bootstrap interval per gap bin);
- :func:`cutoff_errors`: with a cut-off, how often a rejected candidate is more influential than an accepted one;
- :func:`retest_agreement`: the score's reliability, as the agreement of the same recipe in two adjacent windows;
- :func:`screen_by_recipe`: the three side by side for several recipes, so a less reliable score's errors show.

Pairs are formed within the population given (all of its pairs, vectorised; a population of ``n`` users has
``n (n - 1) / 2`` pairs, so pass a few thousand users at most, or a sample).
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from influence_lab.contract import Dataset
from influence_lab.scoring.events import day_end
from influence_lab.scoring.recipes import make_recipe
from influence_lab.studies.stats import bootstrap_correlation, percentile_interval

__all__ = ["cutoff_errors", "pair_concordance", "retest_agreement", "screen_by_recipe"]

#: Largest population whose pairs are formed at once (about 12.5 million pairs).
MAX_USERS = 5000


def _pairs(score: pd.Series, truth: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    data = pd.DataFrame({"score": score, "truth": truth}).dropna()
    if len(data) > MAX_USERS:
        raise ValueError(f"{len(data):,} users give too many pairs; pass at most {MAX_USERS:,} (for example a sample).")
    i, j = np.triu_indices(len(data), k=1)
    s, t = data["score"].to_numpy(), data["truth"].to_numpy()
    return s[i], s[j], t[i], t[j]


def pair_concordance(
    score: pd.Series,
    truth: pd.Series,
    *,
    bins: Sequence[float] = (0, 5, 10, 20, 30, 40, 100),
    n_boot: int = 200,
    seed: int = 0,
    level: float = 0.95,
) -> pd.DataFrame:
    """Share of pairs in which the higher score belongs to the more influential person, by score gap.

    Pairs tied on score or on truth are left out. One row per gap bin [low, high): pairs, concordance, low,
    high (a bootstrap interval that resamples pairs, so it ignores that pairs share people: a lower bound on the
    uncertainty). 0.5 is a coin toss; 1 means the gap never misleads.
    """
    si, sj, ti, tj = _pairs(score, truth)
    keep = (si != sj) & (ti != tj)
    gap = np.abs(si - sj)[keep]
    right = (np.sign(si - sj) == np.sign(ti - tj))[keep]
    edges = np.asarray(bins, dtype=float)
    which = np.digitize(gap, edges) - 1
    rng = np.random.default_rng(seed)
    rows = []
    for b in range(len(edges) - 1):
        hits = right[which == b]
        if len(hits) == 0:
            rows.append({"gap_low": edges[b], "gap_high": edges[b + 1], "pairs": 0, "concordance": np.nan,
                         "low": np.nan, "high": np.nan})
            continue
        k = rng.binomial(len(hits), hits.mean(), size=n_boot) / len(hits)  # resampled pairs: a binomial draw
        low, high = percentile_interval(k, level)
        rows.append({"gap_low": edges[b], "gap_high": edges[b + 1], "pairs": int(len(hits)),
                     "concordance": float(hits.mean()), "low": low, "high": high})
    return pd.DataFrame(rows)


def cutoff_errors(score: pd.Series, truth: pd.Series, cutoff: float = 35.0) -> pd.Series:
    """What a cut-off does: the share screened out, and how often it ranks a pair the wrong way.

    ``wrong_order``: among pairs with one candidate at or above the cut-off and one below, the share in which
    the rejected one is the more influential (ties on truth left out). ``missed_top_decile``: the share of the
    truly most influential tenth that the cut-off rejects.
    """
    data = pd.DataFrame({"score": score, "truth": truth}).dropna()
    accepted = data["score"] >= cutoff
    a, r = data.loc[accepted, "truth"].to_numpy(), data.loc[~accepted, "truth"].to_numpy()
    comparisons = len(a) * len(r)
    wrong = (r[None, :] > a[:, None]).sum() if comparisons else 0
    ties = (r[None, :] == a[:, None]).sum() if comparisons else 0
    top = data["truth"] >= data["truth"].quantile(0.9)
    return pd.Series({
        "cutoff": cutoff,
        "users": len(data),
        "rejected_share": float((~accepted).mean()),
        "wrong_order": float(wrong / (comparisons - ties)) if comparisons > ties else np.nan,
        "missed_top_decile": float((~accepted[top]).mean()) if top.any() else np.nan,
    })


def retest_agreement(
    dataset: Dataset, recipe: str, first: str | pd.Timestamp, second: str | pd.Timestamp, *,
    users: Sequence[str] | None = None, n_boot: int = 1000, seed: int = 0,
) -> pd.Series:
    """The score's reliability: Pearson and Spearman agreement of ``recipe`` on two windows (ending ``first`` and
    ``second``, end of day UTC), over ``users`` (default: users with a score above the floor in either window).

    With two adjacent 90-day windows this is the test-retest agreement of a score whose subjects did not change
    much; the lower it is, the less a single reading (and a single gap) can say.
    """
    a = make_recipe(recipe).score(dataset, as_of=day_end(first))["score"]
    b = make_recipe(recipe).score(dataset, as_of=day_end(second))["score"]
    both = pd.DataFrame({"first": a, "second": b}).dropna()
    if users is not None:
        both = both.reindex(pd.Index(users)).dropna()
    else:
        both = both[(both["first"] > both["first"].min()) | (both["second"] > both["second"].min())]
    pearson = bootstrap_correlation(both["first"], both["second"], method="pearson", n_boot=n_boot, seed=seed)
    spearman = bootstrap_correlation(both["first"], both["second"], method="spearman", n_boot=n_boot, seed=seed)
    return pd.Series({
        "recipe": recipe, "n": len(both), "pearson": pearson.estimate, "pearson_low": pearson.low,
        "pearson_high": pearson.high, "spearman": spearman.estimate, "spearman_low": spearman.low,
        "spearman_high": spearman.high, "mean_abs_change": float((both["second"] - both["first"]).abs().mean()),
    })


def screen_by_recipe(
    dataset: Dataset,
    truth: pd.Series,
    recipes: Sequence[str],
    *,
    as_of: str | pd.Timestamp,
    previous: str | pd.Timestamp,
    users: Sequence[str],
    cutoff: float = 35.0,
    gap: tuple[float, float] = (30.0, 40.0),
    n_boot: int = 200,
    seed: int = 0,
) -> pd.DataFrame:
    """One row per recipe: its reliability (retest Spearman of the windows ending ``previous`` and ``as_of``), the
    pair concordance of score gaps in ``gap`` (with interval), and the cut-off's errors, over ``users``.

    Each recipe is scored on the window ending ``as_of``; ``truth`` is indexed by user_id (e.g. true_influence).
    Recipes on another scale than 1-100 (Kred's 1-1000) make the cut-off meaningless: pass 1-100 recipes.
    """
    ids = pd.Index(users)
    rows = []
    for recipe in recipes:
        score = make_recipe(recipe).score(dataset, as_of=day_end(as_of))["score"].reindex(ids)
        retest = retest_agreement(dataset, recipe, previous, as_of, users=ids, n_boot=n_boot, seed=seed)
        pairs = pair_concordance(score, truth.reindex(ids), bins=(0.0, gap[0], gap[1], np.inf), n_boot=n_boot,
                                 seed=seed).iloc[1]
        cut = cutoff_errors(score, truth.reindex(ids), cutoff)
        rows.append({
            "recipe": recipe, "users": int(cut["users"]), "retest_spearman": retest["spearman"],
            "retest_low": retest["spearman_low"], "retest_high": retest["spearman_high"],
            "gap_pairs": pairs["pairs"], "concordance": pairs["concordance"], "concordance_low": pairs["low"],
            "concordance_high": pairs["high"], "rejected_share": cut["rejected_share"],
            "wrong_order": cut["wrong_order"], "missed_top_decile": cut["missed_top_decile"],
        })
    return pd.DataFrame(rows)
