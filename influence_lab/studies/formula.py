"""Notebook 06: the "magical Klout secret formula", recovered the way an outsider would.

The post's author guesses the score is built from keywords and "how many replys/retweets/likes/comments you
get". An outsider sees what anybody sees (each account's counts and its published score) and not the weights.
This module hides the weights of a Klout-style recipe (drawn from a seed, so nobody tuned them), scores a
world with it, and then, from (counts, score) pairs only:

- fits each guess of what the score is made of (:data:`GUESSES`: followers alone or retweets alone, as a 2011
  outsider did with 99 users and R^2 = 0.94, FACTS.md [checked]; the blogger's four counts; the recipe's own
  form) with scikit-learn, in-sample as that outsider reported and out of sample on the accounts not used;
- recovers the hidden weights from the recipe's form with a monotone index model (the score is an unknown
  increasing curve of a weighted sum: "graded on a curve", FACTS.md [checked]), alternating scikit-learn's
  ``IsotonicRegression`` and ``LinearRegression``;
- does both for samples of 10 to 1,000 accounts, many draws each, so the notebook can say how many accounts an
  outsider needs and which guesses the data can and cannot tell apart.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd
from sklearn.isotonic import IsotonicRegression
from sklearn.linear_model import LinearRegression
from sklearn.metrics import r2_score

from influence_lab.contract import Dataset
from influence_lab.scoring.events import day_end
from influence_lab.scoring.features import user_features
from influence_lab.scoring.recipes import KloutStyle
from influence_lab.studies.stats import percentile_interval

__all__ = ["GUESSES", "HIDDEN_SEED", "SIZES", "hidden_recipe", "learning_curve", "outsider_table", "recover_weights",
           "tell_apart", "weight_recovery"]

#: The seed the hidden weights are drawn from (a Dirichlet(2, 2, 2) over reach, amplification, network).
HIDDEN_SEED = 2012
#: Sample sizes an outsider might collect (99: the 2011 outsider's, FACTS.md [checked]).
SIZES: tuple[int, ...] = (10, 30, 99, 300, 1000)
COMPONENTS = KloutStyle.components
#: What the score might be made of: a name -> the columns of :func:`outsider_table` entering as log(1 + x)
#: (the recipe's form enters as its three components).
GUESSES: dict[str, tuple[str, ...]] = {
    "followers alone": ("followers",),
    "retweets alone": ("reshares_received",),
    "the blogger's guess (replies, retweets, likes, mentions)": (
        "replies_received", "reshares_received", "likes_received", "mentions_received"),
    "the recipe's form (reach, amplification, network)": COMPONENTS,
}
_COUNTS = ("followers", "posts", "published_items", "reshares_received", "replies_received", "likes_received",
           "mentions_received", "reactions_received", "unique_engagers", "weighted_reactions",
           "standing_weighted_reactions")


def hidden_recipe(seed: int = HIDDEN_SEED) -> KloutStyle:
    """A Klout-style recipe whose component weights are drawn from ``seed`` (sum 1), not chosen by anyone."""
    weights = np.random.default_rng(seed).dirichlet([2.0, 2.0, 2.0])
    return KloutStyle(**{f"{name}_weight": float(w) for name, w in zip(COMPONENTS, weights)})


def outsider_table(world: Dataset, model: KloutStyle, *, as_of="2012-04-15") -> pd.DataFrame:
    """What an outsider can collect for every account with a score above the floor: its counts of the 90-day
    window, the recipe's three components recomputed from those counts, and its published score (``model``
    fitted on the world at ``as_of``). The weights are not in it."""
    when = day_end(as_of)
    scores = model.score(world, as_of=when)["score"]
    feats = user_features(world, as_of=when, columns=list(_COUNTS))
    engaged = scores.index[scores.to_numpy() > model.curve_.low]
    table = feats.loc[engaged, list(_COUNTS)].astype(float)
    table["reach"] = np.log1p(table["unique_engagers"])
    table["amplification"] = np.log1p(table["weighted_reactions"] / np.maximum(table["published_items"], 1.0))
    table["network"] = np.log1p(table["standing_weighted_reactions"])
    table["score"] = scores.loc[engaged].to_numpy(dtype=float)
    return table


def _design(table: pd.DataFrame, columns: Sequence[str]) -> np.ndarray:
    x = table[list(columns)].to_numpy(dtype=float)
    return x if set(columns) <= set(COMPONENTS) else np.log1p(x)


def _monotone_index(x: np.ndarray, y: np.ndarray, iterations: int = 30) -> np.ndarray:
    """Coefficients b of score = f(x b) with f increasing and unknown: alternate a linear fit of the current
    transformed score on x and an isotonic fit of x b on the score (ACE with linear predictors)."""
    target = (y - y.mean()) / (y.std() or 1.0)
    coef = np.zeros(x.shape[1])
    for _ in range(iterations):
        previous, coef = coef, LinearRegression().fit(x, target).coef_
        if np.abs(coef - previous).max() < 1e-4 * np.abs(coef).max():
            break
        index = x @ coef
        target = IsotonicRegression(out_of_bounds="clip").fit(y, index).predict(y)
        target = (target - target.mean()) / (target.std() or 1.0)
    return coef


def learning_curve(table: pd.DataFrame, guesses: Mapping[str, Sequence[str]] = GUESSES, *,
                   sizes: Sequence[int] = SIZES, draws: int = 40, seed: int = 0) -> pd.DataFrame:
    """Each guess fitted (OLS of the score on its log counts) to ``draws`` random samples of each size.

    One row per guess, n and draw: r2_in (on the sample, as the 2011 outsider reported it) and r2_out (on every
    account not in the sample). The draws are shared by the guesses, so they can be compared draw by draw.
    """
    rng = np.random.default_rng(seed)
    y = table["score"].to_numpy()
    designs = {name: _design(table, cols) for name, cols in guesses.items()}
    rows = []
    for n in sizes:
        for draw in range(draws):
            pick = rng.choice(len(table), size=min(n, len(table) - 1), replace=False)
            rest = np.setdiff1d(np.arange(len(table)), pick)
            for name, x in designs.items():
                model = LinearRegression().fit(x[pick], y[pick])
                rows.append({"guess": name, "n": n, "draw": draw, "r2_in": r2_score(y[pick], model.predict(x[pick])),
                             "r2_out": r2_score(y[rest], model.predict(x[rest]))})
    return pd.DataFrame(rows).astype({"guess": "string"})


def recover_weights(table: pd.DataFrame, rows: np.ndarray | None = None) -> pd.Series:
    """The recipe's weights as an outsider recovers them from ``rows`` of the table: the monotone index model's
    coefficients on the three components, times each component's mean over the sample (the recipe divides each
    component by its mean before weighting), scaled to sum 1."""
    part = table if rows is None else table.iloc[rows]
    x = part[list(COMPONENTS)].to_numpy(dtype=float)
    coef = _monotone_index(x, part["score"].to_numpy(dtype=float))
    scaled = coef * x.mean(axis=0)
    return pd.Series(scaled / scaled.sum(), index=list(COMPONENTS))


def weight_recovery(table: pd.DataFrame, hidden: KloutStyle, *, sizes: Sequence[int] = SIZES, draws: int = 25,
                    seed: int = 0) -> pd.DataFrame:
    """:func:`recover_weights` on ``draws`` samples of each size, against the hidden weights.

    One row per n and draw: the recovered weight of each component and ``error``, the largest absolute
    difference from the hidden weights (0.05: every weight within five points of a hundred)."""
    truth = np.array([getattr(hidden, f"{name}_weight") for name in COMPONENTS])
    rng = np.random.default_rng(seed)
    rows = []
    for n in sizes:
        for draw in range(draws):
            pick = rng.choice(len(table), size=min(n, len(table)), replace=False)
            found = recover_weights(table, pick)
            error = float(np.abs(found.to_numpy() - truth).max())
            rows.append({"n": n, "draw": draw, **found.to_dict(), "error": error})
    return pd.DataFrame(rows)


def tell_apart(curve: pd.DataFrame, n: int, *, level: float = 0.95) -> pd.DataFrame:
    """For samples of ``n`` accounts: each pair of guesses, the mean out-of-sample R^2 difference (first minus
    second) over the draws, its central ``level`` range across draws, the share of draws the first wins, and
    ``apart``: the range excludes 0 (an outsider with ``n`` accounts would reliably prefer one)."""
    wide = curve[curve["n"] == n].pivot(index="draw", columns="guess", values="r2_out")
    names = list(dict.fromkeys(curve["guess"]))
    rows = []
    for i, first in enumerate(names):
        for second in names[i + 1:]:
            gap = (wide[first] - wide[second]).to_numpy()
            low, high = percentile_interval(gap, level)
            rows.append({"first": first, "second": second, "mean_gap": float(np.nanmean(gap)), "low": low,
                         "high": high, "first_wins": float(np.mean(gap > 0)), "apart": bool(low > 0 or high < 0)})
    return pd.DataFrame(rows)
