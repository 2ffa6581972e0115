"""Maps from raw values to points: the calibration curves of the 1-100 scores and a log scale.

- :class:`CalibrationCurve` - a piecewise-linear map from a population's raw
  score quantiles to 1-100 whose mean and 95th percentile hit a target
  (:data:`CURVES`: Klout's pre-2012 curve, mean near 20, and the 2012 one,
  mean near 40).
- :class:`LogScale` - positive values (PageRank) to 0-100, linear in their
  log between a floor and a ceiling learned from a population (the
  "tweepcred" idea); :func:`log_scale_0_100` fits and applies it in one call.

Both follow the scikit-learn pattern: ``fit(population)`` then ``transform(values)``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import optimize, stats

__all__ = ["CURVES", "CalibrationCurve", "LogScale", "as_curve", "log_scale_0_100"]


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


def as_curve(curve) -> CalibrationCurve:
    if isinstance(curve, CalibrationCurve):
        return CalibrationCurve(curve.mean, curve.p95, low=curve.low, high=curve.high, max_knots=curve.max_knots)
    if isinstance(curve, str):
        return CalibrationCurve.named(curve)
    raise TypeError(f"curve must be a name in {sorted(CURVES)} or a CalibrationCurve, got {type(curve).__name__}.")


# ----------------------------------------------------------------------- log scale


class LogScale:
    """Map positive values (PageRank) to 0-100 on a log scale fitted on a population.

    ``fit`` learns ``floor_`` and ``ceiling_``: the given ``floor``/``ceiling``
    or else the ``lower_quantile``/``upper_quantile`` of the population's
    positive values (default: its minimum and maximum). ``transform`` maps
    ``floor_`` to 0 and ``ceiling_`` to 100, linearly in ``log(value)``, and
    clips: values outside the fitted range (e.g. users seen later) land on 0
    or 100, and values <= 0 get 0. NaN stays NaN. If ``floor_ == ceiling_``
    values at or above it get 100, others 0.
    """

    def __init__(
        self,
        *,
        floor: float | None = None,
        ceiling: float | None = None,
        lower_quantile: float = 0.0,
        upper_quantile: float = 1.0,
    ) -> None:
        self.floor = floor
        self.ceiling = ceiling
        self.lower_quantile = lower_quantile
        self.upper_quantile = upper_quantile

    def fit(self, values) -> LogScale:
        """Learn ``floor_`` and ``ceiling_`` from a population of values; returns self."""
        if not 0.0 <= self.lower_quantile <= self.upper_quantile <= 1.0:
            raise ValueError(
                f"LogScale: need 0 <= lower_quantile <= upper_quantile <= 1; got "
                f"{self.lower_quantile} and {self.upper_quantile}."
            )
        data = np.asarray(values, dtype=np.float64).ravel()
        positive = data[np.isfinite(data) & (data > 0)]
        needs_data = self.floor is None or self.ceiling is None
        if needs_data and positive.size == 0:
            raise ValueError(
                "LogScale.fit: no positive, finite values to learn the floor/ceiling from "
                f"({data.size} values given). How to fix: fit on the population's PageRank, or pass floor and ceiling."
            )
        floor = float(np.quantile(positive, self.lower_quantile)) if self.floor is None else float(self.floor)
        ceiling = float(np.quantile(positive, self.upper_quantile)) if self.ceiling is None else float(self.ceiling)
        if not (np.isfinite(floor) and np.isfinite(ceiling) and 0 < floor <= ceiling):
            raise ValueError(
                f"LogScale.fit: need 0 < floor <= ceiling (finite); got floor={floor!r}, ceiling={ceiling!r}."
            )
        self.floor_, self.ceiling_ = floor, ceiling
        return self

    def transform(self, values):
        """Scores in [0, 100] (same shape; a Series keeps its index)."""
        if not hasattr(self, "floor_"):
            raise RuntimeError("LogScale.transform: call fit(population) first.")
        data = np.asarray(values, dtype=np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            logs = np.log(np.where(data > 0, data, np.nan))
        low, high = np.log(self.floor_), np.log(self.ceiling_)
        if high > low:
            scores = 100.0 * (logs - low) / (high - low)
        else:
            scores = np.where(logs >= high, 100.0, 0.0)
        scores = np.clip(scores, 0.0, 100.0)
        scores = np.where(data <= 0, 0.0, scores)  # no rank: bottom of the scale
        scores = np.where(np.isnan(data), np.nan, scores)
        if isinstance(values, pd.Series):
            return pd.Series(scores, index=values.index, name=values.name)
        return scores

    def fit_transform(self, values):
        """``fit(values).transform(values)``."""
        return self.fit(values).transform(values)


def log_scale_0_100(values, *, floor: float | None = None, ceiling: float | None = None):
    """Map positive values to 0-100 on a log scale between ``floor`` and ``ceiling``.

    Unset bounds are learned from ``values`` (their smallest and largest
    positive value); see :class:`LogScale` to fit on one population and score
    another.
    """
    return LogScale(floor=floor, ceiling=ceiling).fit_transform(values)
