"""Influence scores from per-user features: Klout-style, Kred-style, SNP, Network and a robust score.

Every recipe follows the scikit-learn pattern: hyperparameters in
``__init__``; ``fit(features)`` learns the calibration from a population and
returns ``self`` (results in attributes ending in ``_``);
``transform(features)`` returns a DataFrame with a ``score`` column and the
components; ``explain(features)`` returns per-component contributions in
score points that add up exactly to the score (with a ``baseline`` column).
``features`` is the table of :func:`influence_lab.scoring.features.user_features`.
One call, :func:`score_dataset`, computes the features of a window and scores
them.

No recipe reads a ``true_*`` column: each reads only the feature columns it
names in ``required_features``. Nor may a recipe read the other columns that
carry the synthetic world's answers (:data:`GROUND_TRUTH_COLUMNS`: the
``persona``, which marks bots and fake followers, and an event's ``topic``,
the simulator's own label): a recipe or community naming one is refused with
a ValueError.

The recipes (details in each class):

- :class:`KloutStyle` - True Reach, Amplification and Network over 90 days,
  weighted, mapped to 1-100 by a :class:`CalibrationCurve` learned from the
  population (``"pre2012"``: mean 20, 95th percentile 50; ``"2012"``: mean 40).
- :class:`KredStyle` - points per action received, influence 1-1000 with the
  top user of each community at 1000, and an outreach level that never falls.
- :class:`SocialNetworkingPotential` - Anger & Kittl (2011): (Ir + RMr) / 2.
- :class:`NetworkScore` - weighted PageRank of the window's engagement graph,
  log-mapped to 0-100.
- :class:`RobustScore` - the project's own: unique and credible engagers,
  penalties for reciprocal rings and duplicate texts, no follower counts.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Iterable

import numpy as np
import pandas as pd
from scipy import optimize, stats

from influence_lab.contract import Dataset
from influence_lab.scoring.features import WINDOW_DAYS, resolve_users, user_features

__all__ = [
    "CURVES",
    "GROUND_TRUTH_COLUMNS",
    "CalibrationCurve",
    "KloutStyle",
    "KredStyle",
    "NetworkScore",
    "RECIPES",
    "RobustScore",
    "ScoreRecipe",
    "SocialNetworkingPotential",
    "make_recipe",
    "score_dataset",
]


#: Columns that are ground truth in effect, beside every ``true_*`` column: ``persona``
#: (users) marks bots and fake followers, ``topic`` (events) is the simulator's own label.
GROUND_TRUTH_COLUMNS: tuple[str, ...] = ("persona", "topic")


def _refuse_ground_truth(columns: Iterable, who: str) -> None:
    """ValueError if any of ``columns`` is ground truth (a ``true_*`` column or one of GROUND_TRUTH_COLUMNS)."""
    bad = [str(c) for c in columns if str(c).startswith("true_") or str(c) in GROUND_TRUTH_COLUMNS]
    if bad:
        raise ValueError(
            f"{who}: {bad} would feed ground truth to a score (true_* columns, 'persona' which marks bots "
            "and fake followers, and 'topic', the simulator's own label, are only ever compared against). "
            "How to fix: use a column a real platform would have, e.g. a community found from the "
            "engagement graph, or community=None."
        )


# ------------------------------------------------------------------ calibration curve

#: Target moments of the 1-100 curves. ``pre2012``: FACTS.md [checked] (average
#: about 20; a 50 at about the 95th percentile). ``2012``: the mean of about 40
#: is [checked]; its 95th percentile of 63 is an ASSUMPTION (Klout's help pages
#: were widely quoted as "63 is the top 5%" but that source was not read).
CURVES: dict[str, dict[str, float]] = {
    "pre2012": {"mean": 20.0, "p95": 50.0},
    "2012": {"mean": 40.0, "p95": 63.0},
}


class CalibrationCurve:
    """Population rank -> quantile function of a target distribution on [low, high].

    The target is a Beta distribution stretched to ``[low, high]`` whose two
    parameters are solved so that its mean is ``mean`` and its 95th
    percentile is ``p95`` (one root search: the mean fixes a/(a+b), the
    concentration a+b is searched for the percentile). ``fit(raw)`` ranks the
    population's positive raw values and stores the knots raw -> score: a
    group of users with the same raw value covering the rank range
    (lower, upper] gets the target's mean over that range of quantiles (a
    single user: about the quantile at its mid-rank), so the population's
    mean is the target mean even with many ties; ``transform`` interpolates
    linearly between knots, so it is monotone and a new raw value between
    two population values lands between their scores. Raw values are rounded
    to a relative 1e-12 first, so that float noise cannot split a tie. Users with raw <= 0
    (no engagement) get ``low``, the floor, and are left out of the
    population: the targets describe users with engagement.

    Above ``max_knots`` distinct values (2**20) the knots are a subset evenly
    spaced in rank and values between them are interpolated in raw units; the
    population's mean then matches to a fraction of a point.
    """

    def __init__(
        self, mean: float = 20.0, p95: float = 50.0, *, low: float = 1.0, high: float = 100.0, max_knots: int = 2**20
    ) -> None:
        self.mean = mean
        self.p95 = p95
        self.low = low
        self.high = high
        self.max_knots = max_knots

    @classmethod
    def named(cls, name: str) -> "CalibrationCurve":
        """The curve of a name in :data:`CURVES` (``"pre2012"`` or ``"2012"``)."""
        if name not in CURVES:
            raise ValueError(f"unknown curve {name!r}; choose one of {sorted(CURVES)} or pass a CalibrationCurve.")
        return cls(**CURVES[name])

    def solve(self) -> tuple[float, float]:
        """Beta parameters (a, b) with the target mean and 95th percentile on [low, high]."""
        width = self.high - self.low
        mu = (self.mean - self.low) / width
        x95 = (self.p95 - self.low) / width
        if not (0 < mu < 1 and 0 < x95 < 1):
            raise ValueError(
                f"CalibrationCurve: mean={self.mean} and p95={self.p95} must lie strictly inside "
                f"[{self.low}, {self.high}]."
            )
        # As a+b grows the percentile tends to the mean; as it shrinks, to high (if mu > 5%) or low.
        feasible = (x95 > mu and mu > 0.05) or (x95 < mu and mu < 0.05)
        if not feasible:
            raise ValueError(
                f"CalibrationCurve: no Beta distribution on [{self.low}, {self.high}] has mean {self.mean} "
                f"and 95th percentile {self.p95}. How to fix: put p95 above the mean (and the mean above "
                f"{self.low + 0.05 * width:.2f})."
            )

        def gap(log_kappa: float) -> float:
            kappa = np.exp(log_kappa)
            return float(stats.beta.ppf(0.95, mu * kappa, (1 - mu) * kappa)) - x95

        log_kappa = optimize.brentq(gap, np.log(1e-3), np.log(1e7), xtol=1e-12)
        kappa = float(np.exp(log_kappa))
        return mu * kappa, (1 - mu) * kappa

    def quantile(self, level) -> np.ndarray:
        """The target distribution's quantile function (needs ``fit`` or ``solve``)."""
        a, b = (self.a_, self.b_) if hasattr(self, "a_") else self.solve()
        return self.low + (self.high - self.low) * stats.beta.ppf(level, a, b)

    def fit(self, raw) -> "CalibrationCurve":
        """Learn knots raw -> score from a population of raw values; returns self."""
        self.a_, self.b_ = self.solve()
        values = np.asarray(raw, dtype=np.float64).ravel()
        positive = np.sort(_snap(values[np.isfinite(values) & (values > 0)]))
        self.population_size_ = int(positive.size)
        self.floor_share_ = float(1 - positive.size / values.size) if values.size else float("nan")
        if positive.size == 0:
            self.knots_ = np.zeros(0)
            self.scores_ = np.zeros(0)
            return self
        distinct, start, count = np.unique(positive, return_index=True, return_counts=True)
        if distinct.size > self.max_knots:
            keep = np.unique(np.linspace(0, distinct.size - 1, self.max_knots).round().astype(np.int64))
            distinct, start, count = distinct[keep], start[keep], count[keep]
        self.knots_ = distinct
        self.scores_ = self._interval_means(start / positive.size, (start + count) / positive.size)
        return self

    def _interval_means(self, lower: np.ndarray, upper: np.ndarray) -> np.ndarray:
        """Mean of the target distribution over the quantile range (lower, upper] of each tie group.

        A group of tied users covering ranks (lower, upper] gets the average
        target score of that range (for a Beta, E[B; B <= x] = mean * I_x(a + 1, b)),
        so the population's mean score is the target mean exactly, ties or not;
        a single user gets about the quantile at its mid-rank.
        """
        a, b = self.a_, self.b_
        x_low, x_high = stats.beta.ppf(lower, a, b), stats.beta.ppf(upper, a, b)
        partial = stats.beta.cdf(x_high, a + 1, b) - stats.beta.cdf(x_low, a + 1, b)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean01 = (a / (a + b)) * partial / (upper - lower)
        mid = stats.beta.ppf((lower + upper) / 2, a, b)
        mean01 = np.where(np.isfinite(mean01) & (upper - lower > 1e-12), mean01, mid)
        mean01 = np.clip(mean01, x_low, x_high)
        return self.low + (self.high - self.low) * mean01

    def transform(self, raw) -> np.ndarray:
        """Scores in [low, high]: interpolated on the knots, ``low`` for raw <= 0 or NaN."""
        if not hasattr(self, "knots_"):
            raise RuntimeError("CalibrationCurve.transform: call fit(population_raw) first.")
        values = np.asarray(raw, dtype=np.float64)
        if self.knots_.size == 0:
            return np.full(values.shape, float(self.low))
        mapped = np.interp(_snap(np.nan_to_num(values)), self.knots_, self.scores_)
        return np.where(np.isfinite(values) & (values > 0), mapped, float(self.low))

    def __repr__(self) -> str:
        return f"CalibrationCurve(mean={self.mean}, p95={self.p95}, low={self.low}, high={self.high})"


def _snap(values: np.ndarray, bits: int = 40) -> np.ndarray:
    """Round to ``bits`` bits of mantissa (relative 1e-12): equal raw values computed in a
    different order (float noise) must share a rank, or relabelling users could reorder them."""
    mantissa, exponent = np.frexp(values)
    return np.ldexp(np.round(mantissa * 2.0**bits) / 2.0**bits, exponent)


def _curve(curve) -> CalibrationCurve:
    if isinstance(curve, CalibrationCurve):
        return CalibrationCurve(curve.mean, curve.p95, low=curve.low, high=curve.high, max_knots=curve.max_knots)
    if isinstance(curve, str):
        return CalibrationCurve.named(curve)
    raise TypeError(f"curve must be a name in {sorted(CURVES)} or a CalibrationCurve, got {type(curve).__name__}.")


# ------------------------------------------------------------------------ base class


class ScoreRecipe:
    """Base class: parameters, the fit/transform/explain protocol, and checks.

    Subclasses define ``name``, ``scale`` (low, high), ``required_features``,
    ``_fit_arrays`` and ``_score_arrays`` (numpy in, numpy out: the timeline
    calls it once per day) and ``_contributions``.
    """

    name = "base"
    scale: tuple[float, float] = (0.0, np.inf)
    #: feature columns read by the recipe (and nothing else)
    required_features: tuple[str, ...] = ()
    #: base features the timeline must track per day (None: no timeline)
    timeline_features: tuple[str, ...] | None = None
    #: True if the timeline supports half_life_days
    timeline_decay = False

    # -- parameters (scikit-learn style)
    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return [p.name for p in signature.parameters.values() if p.name != "self" and p.kind == p.KEYWORD_ONLY]

    def get_params(self, deep: bool = True) -> dict:
        """Hyperparameters as a dict."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params) -> "ScoreRecipe":
        """Change hyperparameters (then fit again); returns self."""
        unknown = sorted(set(params) - set(self._param_names()))
        if unknown:
            raise ValueError(f"{type(self).__name__}: unknown parameter(s) {unknown}; known: {self._param_names()}.")
        for key, value in params.items():
            setattr(self, key, value)
        for attribute in [a for a in vars(self) if a.endswith("_") and not a.startswith("_")]:
            delattr(self, attribute)
        return self

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_params().items())
        return f"{type(self).__name__}({args})"

    def feature_kwargs(self) -> dict:
        """Keyword arguments of :func:`user_features` this recipe's features depend on."""
        return {}

    def user_columns(self) -> list[str]:
        """Columns of the users table the recipe needs beside the features (e.g. a community)."""
        return []

    def _static(self, features: pd.DataFrame):
        """What ``_score_arrays`` needs besides the arrays, computed once per run (the timeline reuses it)."""
        return features

    @property
    def is_fitted(self) -> bool:
        return hasattr(self, "population_size_")

    # -- protocol
    def _arrays(self, features: pd.DataFrame) -> dict[str, np.ndarray]:
        if not isinstance(features, pd.DataFrame):
            raise TypeError(f"{type(self).__name__}: features must be a DataFrame from user_features().")
        _refuse_ground_truth(list(self.required_features) + self.user_columns(), type(self).__name__)
        missing = [c for c in self.required_features if c not in features.columns]
        if missing:
            raise KeyError(
                f"{type(self).__name__}: features lack column(s) {missing}. How to fix: compute them with "
                f"influence_lab.scoring.features.user_features(events, **recipe.feature_kwargs()) or use score_dataset()."
            )
        return {c: features[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in self.required_features}

    def fit(self, features: pd.DataFrame, y=None) -> "ScoreRecipe":
        """Learn the calibration from a population of users; returns self."""
        arrays = self._arrays(features)
        self._fit_arrays(arrays, features)
        self.population_size_ = int(len(features))
        return self

    def _check_fitted(self) -> None:
        if not self.is_fitted:
            raise RuntimeError(f"{type(self).__name__} is not fitted: call fit(features) first (or score_dataset).")

    def transform(self, features: pd.DataFrame) -> pd.DataFrame:
        """Scores and components, one row per user (same index as ``features``)."""
        self._check_fitted()
        columns = self._score_arrays(self._arrays(features), features)
        return pd.DataFrame(columns, index=features.index)

    def fit_transform(self, features: pd.DataFrame, y=None) -> pd.DataFrame:
        return self.fit(features).transform(features)

    def explain(self, features: pd.DataFrame) -> pd.DataFrame:
        """Contributions in score points (``baseline`` + one column per component) summing to ``score``."""
        self._check_fitted()
        arrays = self._arrays(features)
        scored = self._score_arrays(arrays, features)
        parts = self._contributions(arrays, scored, features)
        frame = pd.DataFrame(parts, index=features.index)
        frame["score"] = scored["score"]
        return frame

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Column names of ``transform``'s output (scikit-learn convention)."""
        return np.array(list(self._output_columns()), dtype=object)

    # subclasses
    def _fit_arrays(self, arrays: dict[str, np.ndarray], features: pd.DataFrame) -> None:
        raise NotImplementedError

    def _score_arrays(self, arrays: dict[str, np.ndarray], features: pd.DataFrame | None = None) -> dict:
        raise NotImplementedError

    def _contributions(self, arrays, scored, features) -> dict:
        raise NotImplementedError

    def _output_columns(self) -> Iterable[str]:
        return ("score",)


def _proportional(total_above_baseline: np.ndarray, parts: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Split ``total_above_baseline`` across non-negative ``parts`` in proportion to them.

    For a score ``f(sum(parts))`` this is the integrated-gradients attribution
    along the straight path from all-zero parts: each part gets
    ``(f(total) - f(0)) * part / total``.
    """
    total = sum(parts.values())
    with np.errstate(invalid="ignore", divide="ignore"):
        share = {k: np.where(total > 0, v / total, 0.0) for k, v in parts.items()}
    out = {k: total_above_baseline * s for k, s in share.items()}
    # put the rounding residue on the largest part so the sum is exact to float precision
    if out:
        keys = list(out)
        stacked = np.vstack([out[k] for k in keys])
        residue = total_above_baseline - stacked.sum(axis=0)
        biggest = np.argmax(np.vstack([parts[k] for k in keys]), axis=0)
        for i, key in enumerate(keys):
            out[key] = out[key] + np.where(biggest == i, residue, 0.0)
    return out


class _CurveRecipe(ScoreRecipe):
    """Weighted log-components mapped to 1-100 by a CalibrationCurve learned at fit."""

    scale = (1.0, 100.0)
    components: tuple[str, ...] = ()

    def _weights(self) -> dict[str, float]:
        weights = {c: float(getattr(self, f"{c}_weight")) for c in self.components}
        if any(w < 0 or not np.isfinite(w) for w in weights.values()) or sum(weights.values()) <= 0:
            raise ValueError(f"{type(self).__name__}: weights must be finite, >= 0 and not all 0; got {weights}.")
        return weights

    def _component_values(self, arrays: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        raise NotImplementedError

    def _engaged(self, arrays: dict[str, np.ndarray]) -> np.ndarray:
        raise NotImplementedError

    def _fit_arrays(self, arrays, features) -> None:
        components = self._component_values(arrays)
        engaged = self._engaged(arrays)
        scales = {}
        for name, values in components.items():
            population = values[engaged]
            mean = float(population.mean()) if population.size else 0.0
            scales[name] = mean if mean > 0 else 1.0
        self.component_scale_ = scales
        raw = self._raw(components)
        self.curve_ = _curve(self.curve).fit(np.where(engaged, raw, 0.0))

    def _parts(self, components: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        weights = self._weights()
        return {c: weights[c] * components[c] / self.component_scale_[c] for c in self.components}

    def _raw(self, components: dict[str, np.ndarray]) -> np.ndarray:
        if not hasattr(self, "component_scale_"):
            raise RuntimeError("fit first")
        return sum(self._parts(components).values())

    def _score_arrays(self, arrays, features=None) -> dict:
        components = self._component_values(arrays)
        engaged = self._engaged(arrays)
        raw = np.where(engaged, self._raw(components), 0.0)
        score = self.curve_.transform(raw)
        out = {"score": score}
        out.update(components)
        out["raw"] = raw
        return out

    def _contributions(self, arrays, scored, features) -> dict:
        components = self._component_values(arrays)
        engaged = self._engaged(arrays)
        parts = {k: np.where(engaged, v, 0.0) for k, v in self._parts(components).items()}
        low = float(self.curve_.low)
        out = {"baseline": np.full(len(scored["score"]), low)}
        out.update(_proportional(scored["score"] - low, parts))
        return out

    def _output_columns(self):
        return ("score",) + self.components + ("raw",)


# ------------------------------------------------------------------------ Klout-style


class KloutStyle(_CurveRecipe):
    """Klout-style score, 1-100: True Reach, Amplification and Network over a 90-day window.

    Components (each ``log1p`` of a feature, so that doubling matters, not adding):

    - ``reach`` = log(1 + unique_engagers): True Reach, the distinct people who
      react (unique reactors count more).
    - ``amplification`` = log(1 + weighted_reactions / max(published_items, 1)):
      reactions per item published (100 reshares from 10 posts beat 100 from
      1,000); each reaction is weighted ``g ** -activity_exponent`` by how many
      reactions its engager gave that day (people who react to everything
      count less).
    - ``network`` = log(1 + standing_weighted_reactions): who engages, each
      reaction also weighted by log(1 + the engager's own distinct engagers
      over the previous ``standing_window_days`` days).

    ``fit`` divides each component by its mean over the users with engagement
    (``component_scale_``), so the weights are comparable relative importances,
    then fits ``curve_`` (a :class:`CalibrationCurve`, ``"pre2012"`` or
    ``"2012"``) on the weighted sum. Users with no reaction received get the
    floor, 1. Weights can be changed with ``set_params`` (then fit again).
    Followers play no part (FACTS.md: bought followers barely moved Klout).
    """

    name = "klout"
    components = ("reach", "amplification", "network")
    required_features = (
        "unique_engagers",
        "reactions_received",
        "weighted_reactions",
        "published_items",
        "standing_weighted_reactions",
    )
    timeline_features = required_features
    timeline_decay = True

    def __init__(
        self,
        *,
        reach_weight: float = 0.4,
        amplification_weight: float = 0.3,
        network_weight: float = 0.3,
        curve: str | CalibrationCurve = "pre2012",
        window_days: float = WINDOW_DAYS,
        activity_exponent: float = 0.5,
        standing_window_days: int = WINDOW_DAYS,
    ) -> None:
        self.reach_weight = reach_weight
        self.amplification_weight = amplification_weight
        self.network_weight = network_weight
        self.curve = curve
        self.window_days = window_days
        self.activity_exponent = activity_exponent
        self.standing_window_days = standing_window_days

    def feature_kwargs(self) -> dict:
        return {"activity_exponent": self.activity_exponent, "standing_window_days": self.standing_window_days}

    def _engaged(self, arrays):
        return arrays["reactions_received"] > 0

    def _component_values(self, arrays):
        per_item = np.maximum(arrays["weighted_reactions"], 0.0) / np.maximum(arrays["published_items"], 1.0)
        return {
            "reach": np.log1p(np.maximum(arrays["unique_engagers"], 0.0)),
            "amplification": np.log1p(per_item),
            "network": np.log1p(np.maximum(arrays["standing_weighted_reactions"], 0.0)),
        }


# ------------------------------------------------------------------------- Kred-style


@dataclass(frozen=True)
class _KredStatic:
    codes: np.ndarray
    top_by_code: np.ndarray


class KredStyle(ScoreRecipe):
    """Kred-style influence (1-1000 per community) and outreach level (1-12, never falls).

    Points for actions received in the window (FACTS.md [checked]): 10 per
    reshare, reply, mention or follow received; more (``big_actor_points``,
    default 20 - Kred published no number, this is an assumption) when the
    actor had over ``big_actor_followers`` (10,000) followers at the time,
    which needs follow events (none in Higgs: no bonus there). Likes are not
    in Kred's published list; the project gives them ``points_per_like`` = 1
    (a like is a lighter signal than a reshare; set 0 to follow Kred strictly).
    Follow events count as events (an unfollow and refollow count twice).

    Influence = 1 + 999 * log(1 + points) / log(1 + top), where ``top`` is the
    most points in the user's community in the population ``fit`` saw
    (``top_points_``): the top user of each community gets 1000, a user with
    no points 1, and the log keeps the long tail visible. ``community`` is
    None (one community), a mapping/Series user_id -> community (users not in
    it form the community ``"unassigned"``) or the name of a users-table
    column (``score_dataset`` adds it to the features). A community unseen at
    fit is normalised by its own top in the data scored.

    Outreach: reshares, replies and mentions given to others, counted from
    the start of the data (``outreach_actions``, never windowed), so the level
    ``min(12, 1 + floor(log2(1 + actions)))`` never falls: level 2 after one
    action, 3 after 3, 4 after 7, ... 12 after 2,047 (the project's mapping;
    Kred's own thresholds were not published in the sources read).
    """

    name = "kred"
    scale = (1.0, 1000.0)
    required_features = (
        "reshares_received",
        "replies_received",
        "mentions_received",
        "follows_received",
        "likes_received",
        "big_actor_actions_received",
        "outreach_actions",
    )
    timeline_features = required_features
    timeline_decay = True
    point_columns = ("reshares", "replies", "mentions", "follows", "likes", "big_actor_bonus")

    def __init__(
        self,
        *,
        points_per_action: float = 10.0,
        points_per_like: float = 1.0,
        big_actor_points: float = 20.0,
        big_actor_followers: int = 10_000,
        community=None,
        window_days: float = WINDOW_DAYS,
    ) -> None:
        self.points_per_action = points_per_action
        self.points_per_like = points_per_like
        self.big_actor_points = big_actor_points
        self.big_actor_followers = big_actor_followers
        self.community = community
        self.window_days = window_days

    def feature_kwargs(self) -> dict:
        return {"big_actor_followers": self.big_actor_followers}

    def user_columns(self) -> list[str]:
        return [self.community] if isinstance(self.community, str) else []

    def _communities(self, features: pd.DataFrame | None, n: int, index=None) -> np.ndarray:
        if self.community is None:
            return np.full(n, "all", dtype=object)
        if isinstance(self.community, pd.Series) and self.community.name is not None:
            _refuse_ground_truth([self.community.name], "KredStyle(community=...)")
        if isinstance(self.community, str):
            _refuse_ground_truth([self.community], "KredStyle(community=...)")
            if features is None or self.community not in features.columns:
                raise KeyError(
                    f"KredStyle: community column {self.community!r} is not in the features. How to fix: use "
                    "score_dataset (it adds users-table columns) or add it to the features table."
                )
            values = features[self.community]
        else:
            mapping = self.community if isinstance(self.community, pd.Series) else pd.Series(dict(self.community))
            if features is None and index is None:
                raise ValueError("KredStyle: a community mapping needs the user ids (features index).")
            values = (features.index if features is not None else index).to_series().map(mapping)
        return values.astype(object).where(values.notna(), "unassigned").to_numpy(dtype=object)

    def _points(self, arrays) -> dict[str, np.ndarray]:
        bonus = max(float(self.big_actor_points) - float(self.points_per_action), 0.0)
        return {
            "reshares": self.points_per_action * arrays["reshares_received"],
            "replies": self.points_per_action * arrays["replies_received"],
            "mentions": self.points_per_action * arrays["mentions_received"],
            "follows": self.points_per_action * arrays["follows_received"],
            "likes": self.points_per_like * arrays["likes_received"],
            "big_actor_bonus": bonus * arrays["big_actor_actions_received"],
        }

    def _fit_arrays(self, arrays, features) -> None:
        points = np.maximum(sum(self._points(arrays).values()), 0.0)
        communities = self._communities(features, len(points))
        top = pd.Series(points).groupby(communities).max()
        # keyed by the community labels themselves (1 and "1" are different communities), as looked up
        self.top_points_ = {k: float(v) for k, v in top.items()}

    def _static(self, features: pd.DataFrame):
        """Per-user constants of a scoring run (community codes and fitted tops), computed once.

        The timeline calls this once and passes the result to ``_score_arrays`` every day."""
        communities = self._communities(features, len(features))
        codes, names = pd.factorize(pd.Series(communities, dtype=object))
        top_by_code = pd.Series(names).map(self.top_points_).to_numpy(dtype=np.float64, na_value=np.nan)
        return _KredStatic(codes, top_by_code)

    def _score_arrays(self, arrays, features=None) -> dict:
        points = np.maximum(sum(self._points(arrays).values()), 0.0)
        static = features if isinstance(features, _KredStatic) else self._static(features)
        codes, top_by_code = static.codes, static.top_by_code
        fitted_top = top_by_code[codes]
        if np.isnan(fitted_top).any():  # community unseen at fit: its own top in this data
            own = np.zeros(len(top_by_code))
            np.maximum.at(own, codes, points)
            fitted_top = np.where(np.isnan(fitted_top), own[codes], fitted_top)
        with np.errstate(invalid="ignore", divide="ignore"):
            relative = np.where(fitted_top > 0, np.log1p(points) / np.log1p(fitted_top), 0.0)
        influence = 1.0 + 999.0 * np.clip(relative, 0.0, 1.0)
        actions = np.maximum(arrays["outreach_actions"], 0.0)
        level = np.minimum(12.0, 1.0 + np.floor(np.log2(1.0 + actions)))
        return {"score": influence, "points": points, "outreach_level": level, "outreach_actions": actions}

    def _contributions(self, arrays, scored, features) -> dict:
        parts = {k: np.maximum(v, 0.0) for k, v in self._points(arrays).items()}
        out = {"baseline": np.ones(len(scored["score"]))}
        out.update(_proportional(scored["score"] - 1.0, parts))
        return out

    def _output_columns(self):
        return ("score", "points", "outreach_level", "outreach_actions")


# ------------------------------------------------------------------------------- SNP


class SocialNetworkingPotential(ScoreRecipe):
    """Social Networking Potential (Anger & Kittl, i-KNOW 2011): SNP = (Ir + RMr) / 2.

    - Interactor ratio Ir = distinct resharers and mentioners / followers.
    - Retweet-and-mention ratio RMr = (posts reshared + posts replied to) / posts,
      counting the user's posts of the window reshared (replied to) by others.

    Denominators of 0 are read as 1 (no followers: Ir counts the interactors;
    no posts: RMr is 0 because nothing posted could be reshared), so SNP is
    >= 0 and finite; Ir can exceed 1 when interactors are not followers.

    Missing data (SNAP Higgs has neither followers nor post ids) uses
    documented proxies instead of a silent 0; ``fit`` decides from the
    population and records it in ``basis_``:

    - no follow events in the data: followers -> ``audience_proxy`` (distinct
      users who engaged the user at any time up to ``as_of``);
    - no post ids (no post in the population carries one): RMr ->
      min(1, reshares received / items published) + min(1, replies received /
      items published), items published floored at 1, i.e. the share of items
      reshared (replied to) if each reaction hit a different item.
    """

    name = "snp"
    scale = (0.0, np.inf)
    required_features = (
        "unique_resharers_mentioners",
        "followers",
        "audience_proxy",
        "posts",
        "posts_with_id",
        "posts_reshared",
        "posts_replied",
        "reshares_received",
        "replies_received",
        "published_items",
    )
    timeline_features = required_features
    timeline_decay = False

    def __init__(self, *, window_days: float = WINDOW_DAYS) -> None:
        self.window_days = window_days

    def _fit_arrays(self, arrays, features) -> None:
        has_followers = bool(np.isfinite(arrays["followers"]).any())
        has_post_ids = bool(np.nansum(arrays["posts_with_id"]) > 0)
        self.basis_ = {
            "followers": "follow events" if has_followers else "audience_proxy (no follow events in the data)",
            "posts": "post ids" if has_post_ids else "per-item proxy (no post ids in the data)",
        }
        self.uses_followers_ = has_followers
        self.uses_post_ids_ = has_post_ids

    def _ratios(self, arrays) -> tuple[np.ndarray, np.ndarray]:
        if self.uses_followers_:
            audience = np.nan_to_num(arrays["followers"], nan=0.0)
        else:
            audience = arrays["audience_proxy"]
        ir = np.maximum(arrays["unique_resharers_mentioners"], 0.0) / np.maximum(audience, 1.0)
        if self.uses_post_ids_:
            rmr = (arrays["posts_reshared"] + arrays["posts_replied"]) / np.maximum(arrays["posts"], 1.0)
        else:
            items = np.maximum(arrays["published_items"], 1.0)
            rmr = np.minimum(1.0, arrays["reshares_received"] / items) + np.minimum(
                1.0, arrays["replies_received"] / items
            )
        return ir, np.maximum(rmr, 0.0)

    def _score_arrays(self, arrays, features=None) -> dict:
        ir, rmr = self._ratios(arrays)
        return {"score": (ir + rmr) / 2.0, "interactor_ratio": ir, "reshare_reply_ratio": rmr}

    def _contributions(self, arrays, scored, features) -> dict:
        return {
            "baseline": np.zeros(len(scored["score"])),
            "interactor_ratio": scored["interactor_ratio"] / 2.0,
            "reshare_reply_ratio": scored["reshare_reply_ratio"] / 2.0,
        }

    def _output_columns(self):
        return ("score", "interactor_ratio", "reshare_reply_ratio")


# --------------------------------------------------------------------------- Network


class NetworkScore(ScoreRecipe):
    """PageRank of the window's engagement graph (engager -> author, weighted by counts), 0-100.

    ``fit`` learns a log scale from the population's PageRank
    (:class:`influence_lab.scoring.graph.LogScale`: the smallest value maps to 0, the
    largest to 100, linearly in log PageRank: the "tweepcred" idea). Users
    outside the graph (no engagement given or received in the window) get 0.
    PageRank is a property of the whole graph, so this recipe has no
    incremental timeline.
    """

    name = "network"
    scale = (0.0, 100.0)
    required_features = ("pagerank",)

    def __init__(self, *, alpha: float = 0.85, window_days: float = WINDOW_DAYS) -> None:
        self.alpha = alpha
        self.window_days = window_days

    def feature_kwargs(self) -> dict:
        return {"with_pagerank": True, "pagerank_alpha": self.alpha}

    def _fit_arrays(self, arrays, features) -> None:
        from influence_lab.scoring.graph import LogScale

        ranks = arrays["pagerank"]
        known = ranks[np.isfinite(ranks) & (ranks > 0)]
        self.log_scale_ = LogScale().fit(known) if known.size else None

    def _score_arrays(self, arrays, features=None) -> dict:
        ranks = arrays["pagerank"]
        if self.log_scale_ is None:
            score = np.zeros(len(ranks))
        else:
            score = np.nan_to_num(self.log_scale_.transform(np.nan_to_num(ranks, nan=0.0)), nan=0.0)
        return {"score": score, "pagerank": ranks}

    def _contributions(self, arrays, scored, features) -> dict:
        return {"baseline": np.zeros(len(scored["score"])), "pagerank": scored["score"].copy()}

    def _output_columns(self):
        return ("score", "pagerank")


# ------------------------------------------------------------------------ Robust


class RobustScore(_CurveRecipe):
    """The project's own score, 1-100, built to resist bought followers, pods, rings and bots.

    Design:

    - Follower counts are ignored (bought followers change nothing).
    - ``reach`` = log(1 + credible engagers - ring_penalty * reciprocated
      credible engagers): each distinct engager counts by its credibility in
      [0, 1], the product of
      (a) independent standing: ``passive_credibility + (1 - passive_credibility)
      * (1 - exp(-k / credibility_engagers))`` where k = the engager's own
      engagers in the window whom the engager does not engage back (support
      from outside their reciprocal circle); fresh bots and pod members have k = 0;
      (b) selectivity: min(1, reaction_budget_per_day / reactions the
      engager gave per day) - accounts that react to everything count less;
      (c) account age: min(1, age / min_account_age_days) when ``created_at``
      is known (else 1).
      The ring penalty scales each pair by (1 - ring_penalty * reciprocation),
      reciprocation = min(1, reactions given back / reactions received): users
      the target engages back heavily count less.
    - ``amplification`` = log(1 + (credible reactions - ring_penalty *
      reciprocated credible reactions) / max(distinct published items, 1)):
      reactions on a post whose text the author posted k times count 1/k, and
      identical posts count once as published items.
    - Calibrated to 1-100 like :class:`KloutStyle` (``curve``).

    Known weaknesses (evaluated in the gaming notebook): rings longer than
    two (A -> B -> C -> A) are not reciprocal pairs, so each member keeps one
    independent engager; real passive fans are as credible as bought
    engagers that never get engaged (``passive_credibility`` trades one for
    the other); accounts that age before use, react sparingly, and buy
    engagement from established accounts pass every test; friends who
    engage each other are penalised like a pod; without ``created_at`` the age
    test is off, and without post ids/texts the duplicate test is off.
    Window mode only (credibility is a window-level property): no timeline.
    """

    name = "robust"
    components = ("reach", "amplification")
    required_features = (
        "credible_engagers",
        "credible_engagers_reciprocated",
        "credible_reactions",
        "credible_reactions_reciprocated",
        "distinct_published_items",
    )

    def __init__(
        self,
        *,
        reach_weight: float = 0.6,
        amplification_weight: float = 0.4,
        ring_penalty: float = 0.5,
        passive_credibility: float = 0.25,
        credibility_engagers: float = 3.0,
        reaction_budget_per_day: float = 20.0,
        min_account_age_days: float = 30.0,
        curve: str | CalibrationCurve = "pre2012",
        window_days: float = WINDOW_DAYS,
    ) -> None:
        self.reach_weight = reach_weight
        self.amplification_weight = amplification_weight
        self.ring_penalty = ring_penalty
        self.passive_credibility = passive_credibility
        self.credibility_engagers = credibility_engagers
        self.reaction_budget_per_day = reaction_budget_per_day
        self.min_account_age_days = min_account_age_days
        self.curve = curve
        self.window_days = window_days

    def feature_kwargs(self) -> dict:
        return {
            "passive_credibility": self.passive_credibility,
            "credibility_engagers": self.credibility_engagers,
            "reaction_budget_per_day": self.reaction_budget_per_day,
            "min_account_age_days": self.min_account_age_days,
        }

    def _arrays(self, features):
        arrays = super()._arrays(features)
        if np.isnan(arrays["credible_engagers"]).all() and len(features):
            raise ValueError(
                "RobustScore: the credibility features are NaN, which happens with half_life_days. "
                "The robust score is defined on a window only: pass window_days, not half_life_days."
            )
        return arrays

    def _engaged(self, arrays):
        return self._component_values(arrays)["reach"] > 0

    def _component_values(self, arrays):
        if not 0 <= self.ring_penalty <= 1:
            raise ValueError(f"RobustScore: ring_penalty must be in [0, 1]; got {self.ring_penalty}.")
        engagers = arrays["credible_engagers"] - self.ring_penalty * arrays["credible_engagers_reciprocated"]
        reactions = arrays["credible_reactions"] - self.ring_penalty * arrays["credible_reactions_reciprocated"]
        per_item = np.maximum(np.nan_to_num(reactions), 0.0) / np.maximum(arrays["distinct_published_items"], 1.0)
        return {
            "reach": np.log1p(np.maximum(np.nan_to_num(engagers), 0.0)),
            "amplification": np.log1p(per_item),
        }


# ----------------------------------------------------------------------- registry


RECIPES: dict[str, type[ScoreRecipe]] = {
    "klout": KloutStyle,
    "kred": KredStyle,
    "snp": SocialNetworkingPotential,
    "network": NetworkScore,
    "robust": RobustScore,
}


def make_recipe(recipe: str | ScoreRecipe = "klout", **params) -> ScoreRecipe:
    """A recipe instance from a name in :data:`RECIPES` (with hyperparameters) or an instance."""
    if isinstance(recipe, ScoreRecipe):
        if params:
            raise ValueError(
                f"pass hyperparameters either in the recipe instance or as keywords, not both (got {sorted(params)})."
            )
        return recipe
    if isinstance(recipe, str) and recipe in RECIPES:
        return RECIPES[recipe](**params)
    raise ValueError(f"unknown recipe {recipe!r}; choose one of {sorted(RECIPES)} or pass a ScoreRecipe instance.")


def _add_user_columns(features: pd.DataFrame, users, columns: list[str]) -> pd.DataFrame:
    """``features`` with the users-table ``columns`` a recipe needs (e.g. a community), joined on user_id."""
    if not columns:
        return features
    _refuse_ground_truth(columns, "score input")
    if not isinstance(users, pd.DataFrame):
        raise KeyError(
            f"the recipe needs users-table column(s) {columns}, but no users table was given. How to fix: "
            "score a Dataset (its users table is used) or pass users=<a users table with those columns>."
        )
    missing = [c for c in columns if c not in users.columns]
    if missing:
        raise KeyError(
            f"the users table lacks column(s) {missing} the recipe needs (it has {list(users.columns)}). "
            f"How to fix: add {missing} to the users table, or pass a recipe parameter naming a column it has "
            "(e.g. KredStyle(community=None) for one community)."
        )
    table = users.assign(user_id=users["user_id"].astype(str)).set_index("user_id")[columns]
    return features.join(table, how="left")


def score_dataset(
    dataset_or_events: Dataset | pd.DataFrame,
    recipe: str | ScoreRecipe = "klout",
    *,
    as_of=None,
    window_days: float | None = None,
    half_life_days: float | None = None,
    users=None,
    refit: bool | None = None,
    with_features: bool = False,
    **params,
) -> pd.DataFrame:
    """Score every user of a dataset (or events table) as of a time; one row per user.

    Rows are those of :func:`user_features`: the ids of ``users`` when it is
    a list; otherwise everyone in the events up to ``as_of`` plus the users
    table's other accounts, leaving out accounts created after ``as_of``.

    Computes :func:`user_features` for the window ``(as_of - window_days,
    as_of]`` (``as_of`` defaults to the last event; ``window_days`` to the
    recipe's, 90) or, with ``half_life_days``, an exponential decay, then
    fits the recipe on that population and transforms it. A recipe instance
    that is already fitted is only applied (calibration held fixed) unless
    ``refit=True``; ``refit=False`` demands a fitted recipe. ``params`` are the
    recipe's hyperparameters when ``recipe`` is a name. The result carries
    ``attrs`` ``recipe``, ``as_of``, ``window_days``, ``half_life_days`` and the
    fitted recipe (``attrs["model"]``); ``with_features=True`` adds the feature
    columns (those not already in the output).
    """
    model = make_recipe(recipe, **params)
    events, users_table, ids = resolve_users(dataset_or_events, users)
    window = float(model.window_days if window_days is None else window_days)
    features = user_features(
        dataset_or_events,  # a Dataset keeps its users table (created_at) even when users lists ids
        as_of=as_of,
        window_days=window,
        users=users,
        half_life_days=half_life_days,
        columns=None if with_features else model.required_features,
        **model.feature_kwargs(),
    )
    features = _add_user_columns(features, users_table, model.user_columns())
    fit_now = (not model.is_fitted) if refit is None else bool(refit)
    if refit is False and not model.is_fitted:
        raise RuntimeError("score_dataset(refit=False) needs a fitted recipe instance.")
    if fit_now:
        model.fit(features)
    scored = model.transform(features)
    if with_features:
        scored = scored.join(features[features.columns.difference(scored.columns, sort=False)])
    last = as_of if as_of is not None else (events["timestamp"].max() if len(events) else None)
    scored.attrs.update(
        recipe=model.name,
        as_of=pd.Timestamp(last) if last is not None else None,
        window_days=None if half_life_days is not None else window,
        half_life_days=half_life_days,
        model=model,
    )
    return scored
