"""The one bootstrap of the studies: seeded resamples of users and percentile intervals.

Every interval a notebook reports comes from here (:func:`bootstrap_indices`
draws the resamples; :func:`percentile_interval` reads the interval), so
``compare`` (correlations) and ``decay`` (medians) use the same rule.
Resampling users independently ignores the dependence the network creates
between them (a follower and the followed are not independent draws): the
intervals are a lower bound on the uncertainty, and the notebooks say so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

__all__ = [
    "Estimate",
    "bootstrap_correlation",
    "bootstrap_indices",
    "bootstrap_median",
    "bootstrap_spearman",
    "cluster_bootstrap_indices",
    "percentile_interval",
]


def percentile_interval(replicates: np.ndarray, level: float = 0.95) -> tuple[float, float]:
    """The central ``level`` interval of the finite replicates (NaN, NaN if there are none)."""
    replicates = np.asarray(replicates, dtype=np.float64)
    finite = replicates[np.isfinite(replicates)]
    tail = (1 - level) / 2
    if not finite.size:
        return float("nan"), float("nan")
    low, high = np.quantile(finite, [tail, 1 - tail])
    return float(low), float(high)


def bootstrap_median(values: np.ndarray, *, n_boot: int = 2000, seed: int = 3, level: float = 0.95) -> tuple:
    """Median of ``values`` and its percentile bootstrap interval (resampling users, explicit seed)."""
    values = np.asarray(values, dtype=np.float64)
    values = values[np.isfinite(values)]
    if values.size == 0:
        return float("nan"), float("nan"), float("nan")
    medians = np.median(values[bootstrap_indices(values.size, n_boot, seed)], axis=1)
    return (float(np.median(values)), *percentile_interval(medians, level))


@dataclass(frozen=True)
class Estimate:
    """A correlation with a bootstrap percentile interval.

    ``replicates`` are the resampled values (NaN where a resample was
    constant); ``n`` is the number of complete pairs used.
    """

    estimate: float
    low: float
    high: float
    n: int
    n_boot: int
    seed: int
    level: float
    method: str
    replicates: np.ndarray

    def as_dict(self) -> dict[str, float]:
        return {"estimate": self.estimate, "low": self.low, "high": self.high, "n": self.n}


def bootstrap_indices(n: int, n_boot: int, seed: int, sample_size: int | None = None) -> np.ndarray:
    """Row indices of ``n_boot`` resamples with replacement, shape (n_boot, sample_size or n)."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, size=(n_boot, n if sample_size is None else sample_size))


def cluster_bootstrap_indices(clusters, n_boot: int, seed: int) -> list[np.ndarray]:
    """Row indices of ``n_boot`` cluster resamples: whole clusters drawn with replacement, their rows concatenated.

    ``clusters`` holds one label per row (e.g. a community of the follower graph). Resampling clusters keeps the
    dependence inside each one, so the interval is wider and more honest than resampling rows one by one when rows
    of a cluster move together. Resamples differ in length (clusters differ in size).
    """
    codes, labels = np.unique(np.asarray(clusters), return_inverse=True)
    order = np.argsort(labels, kind="stable")
    counts = np.bincount(labels, minlength=len(codes))
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    rng = np.random.default_rng(seed)
    drawn = rng.integers(0, len(codes), size=(n_boot, len(codes)))
    out = []
    for row in drawn:  # one vectorised gather per replicate
        lengths = counts[row]
        offsets = np.repeat(starts[row] - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        out.append(order[offsets + np.arange(lengths.sum())])
    return out


def _rowwise_pearson(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    xc = x - x.mean(axis=1, keepdims=True)
    yc = y - y.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (xc * yc).sum(axis=1) / np.sqrt((xc**2).sum(axis=1) * (yc**2).sum(axis=1))


def _correlate(x: np.ndarray, y: np.ndarray, method: str) -> np.ndarray:
    """Row-wise correlation of 2-D arrays (Spearman: Pearson of average ranks, as scipy)."""
    if method == "spearman":
        x, y = stats.rankdata(x, axis=1), stats.rankdata(y, axis=1)
    return _rowwise_pearson(x, y)


def bootstrap_correlation(
    x,
    y,
    *,
    method: str = "spearman",
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    sample_size: int | None = None,
    block: int = 200,
    clusters=None,
) -> Estimate:
    """Correlation of x and y with a percentile bootstrap interval over resampled pairs.

    Pairs with a NaN are dropped first. ``method`` is ``"spearman"`` or
    ``"pearson"``. With ``sample_size`` each resample draws that many pairs
    (e.g. 39, the size of a published comparison) and the interval shows
    how much a study of that size could vary; the estimate is still the
    full-data value. Resamples are drawn by :func:`bootstrap_indices` with
    ``seed`` and processed ``block`` at a time to bound memory. With ``clusters`` (one label per pair, e.g. a
    community) whole clusters are resampled instead (:func:`cluster_bootstrap_indices`), one replicate at a time.
    """
    if method not in ("spearman", "pearson"):
        raise ValueError(f"bootstrap_correlation: method must be 'spearman' or 'pearson', got {method!r}.")
    x = np.asarray(x, dtype=float)
    y = np.asarray(y, dtype=float)
    if x.shape != y.shape or x.ndim != 1:
        raise ValueError(f"bootstrap_correlation: x and y must be 1-D of equal length; got {x.shape} and {y.shape}.")
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if len(x) < 3:
        raise ValueError(f"bootstrap_correlation: need at least 3 complete pairs, got {len(x)}.")
    estimate = float(_correlate(x[None, :], y[None, :], method)[0])
    if clusters is not None:
        labels = np.asarray(clusters)
        if labels.shape != keep.shape:
            raise ValueError(f"bootstrap_correlation: clusters must hold one label per pair; got {labels.shape}.")
        resamples = cluster_bootstrap_indices(labels[keep], n_boot, seed)
        replicates = np.array([_correlate(x[None, r], y[None, r], method)[0] for r in resamples])
        low, high = percentile_interval(replicates, level)
        return Estimate(estimate, low, high, int(len(x)), n_boot, seed, level, method, replicates)
    indices = bootstrap_indices(len(x), n_boot, seed, sample_size)
    replicates = np.concatenate(
        [_correlate(x[indices[i : i + block]], y[indices[i : i + block]], method) for i in range(0, n_boot, block)]
    )
    low, high = percentile_interval(replicates, level)
    return Estimate(estimate, low, high, int(len(x)), n_boot, seed, level, method, replicates)


def bootstrap_spearman(x, y, n_boot: int = 1000, seed: int = 0, level: float = 0.95) -> Estimate:
    """Spearman's rho with a percentile bootstrap interval (see :func:`bootstrap_correlation`)."""
    return bootstrap_correlation(x, y, method="spearman", n_boot=n_boot, seed=seed, level=level)
