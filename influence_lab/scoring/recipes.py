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

from influence_lab.contract import Dataset
from influence_lab.scoring.calibration import CalibrationCurve, LogScale, as_curve
from influence_lab.scoring.events import WINDOW_DAYS
from influence_lab.scoring.features import DEFAULT_PARAMS, FeatureParams, features_of, prepare_input

__all__ = [
    "GROUND_TRUTH_COLUMNS",
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


# ------------------------------------------------------------------------ base class


class ScoreRecipe:
    """Base class: parameters, the public scoring protocol, and checks.

    The protocol, which :func:`score_dataset` (one window) and
    :func:`~influence_lab.scoring.timeline.score_timeline` (every day) both
    drive, so that neither reaches into a recipe:

    - ``required_features`` (the feature columns read, and nothing else),
      :meth:`feature_params` (the :class:`~influence_lab.scoring.features.FeatureParams`
      those features need) and :meth:`user_columns` (users-table columns, e.g. a community);
    - :meth:`with_user_columns` joins those columns to a features table;
    - :meth:`fit` learns the calibration from a population (``as_of`` recorded
      in ``fitted_as_of_``) and returns ``self``;
    - :meth:`prepare` computes the per-user constants of a run once (the
      timeline then scores every day with them);
    - :meth:`score_arrays` maps feature arrays to output arrays (numpy in,
      numpy out: the timeline calls it once per day).

    Subclasses define ``name``, ``scale`` (low, high), ``required_features``,
    and the hooks ``_fit_arrays``, ``score_arrays`` and ``_contributions``.
    """

    name = "base"
    scale: tuple[float, float] = (0.0, np.inf)
    #: feature columns read by the recipe (and nothing else)
    required_features: tuple[str, ...] = ()
    #: score_arrays treats each user (each element) on its own and ignores ``prepared``: a timeline may then
    #: score many days in one call, their arrays laid end to end
    elementwise: bool = False
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

    # -- the protocol
    def feature_params(self) -> FeatureParams:
        """The feature parameters this recipe's features depend on (the defaults unless a hyperparameter sets one)."""
        return DEFAULT_PARAMS

    def user_columns(self) -> list[str]:
        """Columns of the users table the recipe needs beside the features (e.g. a community)."""
        return []

    def with_user_columns(self, features: pd.DataFrame, users: pd.DataFrame | None) -> pd.DataFrame:
        """``features`` with the users-table columns of :meth:`user_columns`, joined on user_id."""
        columns = self.user_columns()
        if not columns:
            return features
        _refuse_ground_truth(columns, "score input")
        who = type(self).__name__
        if not isinstance(users, pd.DataFrame):
            raise KeyError(
                f"{who} needs users-table column(s) {columns}, but no users table was given. How to fix: "
                "score a Dataset (its users table is used) or pass users=<a users table with those columns>."
            )
        missing = [c for c in columns if c not in users.columns]
        if missing:
            raise KeyError(
                f"{who}: the users table lacks column(s) {missing} the recipe needs (it has {list(users.columns)}). "
                f"How to fix: add {missing} to the users table, or pass a recipe parameter naming a column it has "
                "(e.g. KredStyle(community=None) for one community)."
            )
        table = users.assign(user_id=users["user_id"].astype(str)).set_index("user_id")[columns]
        return features.join(table, how="left")

    def prepare(self, features: pd.DataFrame):
        """The per-user constants :meth:`score_arrays` needs besides the arrays, computed once per run.

        ``features`` needs only the index (user ids) and the :meth:`user_columns`."""
        return features

    @property
    def is_fitted(self) -> bool:
        return hasattr(self, "population_size_")

    def feature_arrays(self, features: pd.DataFrame) -> dict[str, np.ndarray]:
        """The ``required_features`` of a features table as float arrays (ground truth refused)."""
        who = type(self).__name__
        if not isinstance(features, pd.DataFrame):
            raise TypeError(
                f"{who}: features must be a DataFrame, got {type(features).__name__}. How to fix: compute them "
                f"with influence_lab.scoring.features.user_features(events, params=recipe.feature_params()), "
                "or score in one call with score_dataset(data, recipe)."
            )
        _refuse_ground_truth(list(self.required_features) + self.user_columns(), who)
        missing = [c for c in self.required_features if c not in features.columns]
        if missing:
            raise KeyError(
                f"{who}: features lack column(s) {missing}. How to fix: compute them with "
                f"influence_lab.scoring.features.user_features(events, params=recipe.feature_params()) "
                "or use score_dataset()."
            )
        return {c: features[c].to_numpy(dtype=np.float64, na_value=np.nan) for c in self.required_features}

    def fit(self, features: pd.DataFrame, y=None, *, as_of=None) -> "ScoreRecipe":
        """Learn the calibration from a population of users; returns self.

        ``as_of``, the time the population's features describe, is recorded in ``fitted_as_of_``."""
        arrays = self.feature_arrays(features)
        self._fit_arrays(arrays, features)
        self.population_size_ = int(len(features))
        self.fitted_as_of_ = None if as_of is None else pd.Timestamp(as_of)
        return self

    def _check_fitted(self, method: str) -> None:
        if not self.is_fitted:
            raise RuntimeError(
                f"{type(self).__name__}.{method}: the recipe is not fitted. How to fix: call "
                f"recipe.fit(features) on a population first, or score in one call with "
                f"score_dataset(data, recipe), which fits it."
            )

    def transform(self, features: pd.DataFrame) -> pd.DataFrame:
        """Scores and components, one row per user (same index as ``features``)."""
        self._check_fitted("transform")
        columns = self.score_arrays(self.feature_arrays(features), self.prepare(features))
        return pd.DataFrame(columns, index=features.index)

    def fit_transform(self, features: pd.DataFrame, y=None) -> pd.DataFrame:
        return self.fit(features).transform(features)

    def explain(self, features: pd.DataFrame) -> pd.DataFrame:
        """Contributions in score points (``baseline`` + one column per component) summing to ``score``."""
        self._check_fitted("explain")
        arrays = self.feature_arrays(features)
        scored = self.score_arrays(arrays, self.prepare(features))
        parts = self._contributions(arrays, scored, features)
        frame = pd.DataFrame(parts, index=features.index)
        frame["score"] = scored["score"]
        return frame

    def get_feature_names_out(self, input_features=None) -> np.ndarray:
        """Column names of ``transform``'s output (scikit-learn convention)."""
        return np.array(list(self._output_columns()), dtype=object)

    def score(
        self,
        data: Dataset | pd.DataFrame,
        *,
        as_of=None,
        window_days: float | None = None,
        half_life_days: float | None = None,
        users=None,
        refit: bool | None = None,
        with_features: bool = False,
    ) -> pd.DataFrame:
        """Score every user of a dataset (or events table) as of a time; see :func:`score_dataset`.

        Fits the recipe in place when it is not fitted (or ``refit=True``), so
        the fitted calibration stays on this object, scikit-learn style."""
        fit_now = (not self.is_fitted) if refit is None else bool(refit)
        if refit is False and not self.is_fitted:
            raise RuntimeError(
                f"score_dataset(refit=False) needs a fitted recipe; {type(self).__name__} is not fitted. "
                "How to fix: fit it first (score once with refit=None) or drop refit=False."
            )
        prepared = prepare_input(data, users)  # users resolved and events encoded once
        window = float(self.window_days if window_days is None else window_days)
        as_of = prepared.last_event() if as_of is None else as_of
        features = features_of(
            prepared,
            as_of=as_of,
            window_days=window,
            half_life_days=half_life_days,
            params=self.feature_params(),
            with_pagerank="pagerank" in self.required_features,
            columns=None if with_features else self.required_features,
        )
        features = self.with_user_columns(features, prepared.users)
        if fit_now:
            self.fit(features, as_of=as_of)
        scored = self.transform(features)
        if with_features:
            scored = scored.join(features[features.columns.difference(scored.columns, sort=False)])
        scored.attrs.update(
            recipe=self.name,
            as_of=pd.Timestamp(as_of),
            window_days=None if half_life_days is not None else window,
            half_life_days=half_life_days,
        )
        return scored

    # subclasses
    def _fit_arrays(self, arrays: dict[str, np.ndarray], features: pd.DataFrame) -> None:
        raise NotImplementedError

    def score_arrays(self, arrays: dict[str, np.ndarray], prepared=None) -> dict[str, np.ndarray]:
        """Output arrays (``score`` first) from feature arrays and the constants of :meth:`prepare`."""
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

    elementwise = True

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
        self.curve_ = as_curve(self.curve).fit(np.where(engaged, raw, 0.0))

    def _parts(self, components: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        weights = self._weights()
        return {c: weights[c] * components[c] / self.component_scale_[c] for c in self.components}

    def _raw(self, components: dict[str, np.ndarray]) -> np.ndarray:
        if not hasattr(self, "component_scale_"):
            self._check_fitted("score_arrays")
        return sum(self._parts(components).values())

    def score_arrays(self, arrays, prepared=None) -> dict:
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
        activity_exponent: float = DEFAULT_PARAMS.activity_exponent,
        standing_window_days: int = DEFAULT_PARAMS.standing_window_days,
    ) -> None:
        self.reach_weight = reach_weight
        self.amplification_weight = amplification_weight
        self.network_weight = network_weight
        self.curve = curve
        self.window_days = window_days
        self.activity_exponent = activity_exponent
        self.standing_window_days = standing_window_days

    def feature_params(self) -> FeatureParams:
        return DEFAULT_PARAMS.updated(
            activity_exponent=self.activity_exponent, standing_window_days=self.standing_window_days
        )

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
        big_actor_followers: int = DEFAULT_PARAMS.big_actor_followers,
        community=None,
        window_days: float = WINDOW_DAYS,
    ) -> None:
        self.points_per_action = points_per_action
        self.points_per_like = points_per_like
        self.big_actor_points = big_actor_points
        self.big_actor_followers = big_actor_followers
        self.community = community
        self.window_days = window_days

    def feature_params(self) -> FeatureParams:
        return DEFAULT_PARAMS.updated(big_actor_followers=self.big_actor_followers)

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

    def prepare(self, features: pd.DataFrame) -> _KredStatic:
        """Per-user constants of a scoring run (community codes and fitted tops), computed once."""
        communities = self._communities(features, len(features))
        codes, names = pd.factorize(pd.Series(communities, dtype=object))
        top_by_code = pd.Series(names).map(self.top_points_).to_numpy(dtype=np.float64, na_value=np.nan)
        return _KredStatic(codes, top_by_code)

    def score_arrays(self, arrays, prepared=None) -> dict:
        points = np.maximum(sum(self._points(arrays).values()), 0.0)
        if not isinstance(prepared, _KredStatic):
            raise TypeError(
                "KredStyle.score_arrays: pass the result of recipe.prepare(features) (community codes), "
                f"got {type(prepared).__name__}."
            )
        codes, top_by_code = prepared.codes, prepared.top_by_code
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

    def score_arrays(self, arrays, prepared=None) -> dict:
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

    def __init__(self, *, alpha: float = DEFAULT_PARAMS.pagerank_alpha, window_days: float = WINDOW_DAYS) -> None:
        self.alpha = alpha
        self.window_days = window_days

    def feature_params(self) -> FeatureParams:
        return DEFAULT_PARAMS.updated(pagerank_alpha=self.alpha)

    def _fit_arrays(self, arrays, features) -> None:
        ranks = arrays["pagerank"]
        known = ranks[np.isfinite(ranks) & (ranks > 0)]
        self.log_scale_ = LogScale().fit(known) if known.size else None

    def score_arrays(self, arrays, prepared=None) -> dict:
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
        passive_credibility: float = DEFAULT_PARAMS.passive_credibility,
        credibility_engagers: float = DEFAULT_PARAMS.credibility_engagers,
        reaction_budget_per_day: float = DEFAULT_PARAMS.reaction_budget_per_day,
        min_account_age_days: float = DEFAULT_PARAMS.min_account_age_days,
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

    def feature_params(self) -> FeatureParams:
        return DEFAULT_PARAMS.updated(
            passive_credibility=self.passive_credibility,
            credibility_engagers=self.credibility_engagers,
            reaction_budget_per_day=self.reaction_budget_per_day,
            min_account_age_days=self.min_account_age_days,
        )

    def feature_arrays(self, features):
        arrays = super().feature_arrays(features)
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

    Rows are those of :func:`~influence_lab.scoring.features.user_features`:
    the ids of ``users`` when it is a list; otherwise everyone in the events
    up to ``as_of`` plus the users table's other accounts, leaving out
    accounts created after ``as_of``.

    Computes the features of the window ``(as_of - window_days, as_of]``
    (``as_of`` defaults to the last event; ``window_days`` to the recipe's,
    90) or, with ``half_life_days``, an exponential decay, then fits the
    recipe on that population and transforms it. A recipe instance that is
    already fitted is only applied (calibration held fixed) unless
    ``refit=True``; ``refit=False`` demands a fitted recipe. ``params`` are
    the recipe's hyperparameters when ``recipe`` is a name.

    The fitted recipe stays on the instance passed (scikit-learn style): to
    keep it, pass one, e.g. ``model = KloutStyle(); score_dataset(data, model)``
    then ``model.curve_``. The result's ``attrs`` hold ``recipe``, ``as_of``,
    ``window_days`` and ``half_life_days``; ``with_features=True`` adds the
    feature columns (those not already in the output).
    """
    return make_recipe(recipe, **params).score(
        dataset_or_events,
        as_of=as_of,
        window_days=window_days,
        half_life_days=half_life_days,
        users=users,
        refit=refit,
        with_features=with_features,
    )
