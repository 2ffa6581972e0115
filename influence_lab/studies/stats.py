"""The one bootstrap of the studies: seeded resamples of users and percentile intervals.

Every interval a notebook reports comes from here (:func:`bootstrap_indices`
draws the resamples; :func:`percentile_interval` reads the interval), so
``compare`` (correlations) and ``decay`` (medians) use the same rule.
Resampling users independently ignores the dependence the network creates
between them (a follower and the followed are not independent draws): the
intervals are a lower bound on the uncertainty, and the notebooks say so.

The cluster bootstrap is the same rule one level up: whole clusters (e.g.
communities of the engagement graph) are drawn with replacement, so users
who depend on each other are resampled together.
:func:`cluster_bootstrap_indices` gives the rows of each resample;
:func:`bootstrap_counts` / :func:`bootstrap_count_blocks` give the same
resamples as counts (how many times each row is drawn), the form in which
resamples of unequal size stay one rectangular array, so a statistic can be
computed on every resample at once (:func:`weighted_correlation`;
``bootstrap_correlation(..., clusters=...)`` uses it). Without clusters the
counts describe exactly the resamples of :func:`bootstrap_indices` with the
same seed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np
import pandas as pd
from scipy import stats

__all__ = [
    "Estimate",
    "BLOCK_ELEMENTS",
    "bootstrap_correlation",
    "bootstrap_count_blocks",
    "bootstrap_counts",
    "bootstrap_indices",
    "bootstrap_median",
    "bootstrap_spearman",
    "cluster_bootstrap_indices",
    "cluster_codes",
    "percentile_interval",
    "weighted_correlation",
]

#: Counts in one (replicates x rows) block of :func:`bootstrap_count_blocks`: bounds the memory of count-based statistics.
BLOCK_ELEMENTS = 1 << 22


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
    constant); ``n`` is the number of complete pairs used. ``resampling``
    says what was drawn: ``"users"`` (independently) or ``"clusters"``
    (whole clusters, ``n_clusters`` of them among the complete pairs).
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
    resampling: str = "users"
    n_clusters: int | None = None

    def as_dict(self) -> dict[str, float]:
        return {"estimate": self.estimate, "low": self.low, "high": self.high, "n": self.n}


def bootstrap_indices(n: int, n_boot: int, seed: int, sample_size: int | None = None) -> np.ndarray:
    """Row indices of ``n_boot`` resamples with replacement, shape (n_boot, sample_size or n)."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, size=(n_boot, n if sample_size is None else sample_size))


def cluster_codes(clusters) -> tuple[np.ndarray, int]:
    """Integer codes 0..k-1 of cluster labels (in sorted label order) and the number of clusters ``k``.

    A missing label is a ValueError: every row must belong to a cluster (a
    user outside every community gets a cluster of its own).
    """
    labels = pd.Series(clusters) if isinstance(clusters, pd.Series) else pd.Series(np.asarray(clusters, dtype=object))
    missing = labels.isna().to_numpy()
    if missing.any():
        raise ValueError(
            f"cluster bootstrap: {int(missing.sum())} row(s) have no cluster label (first at position "
            f"{int(np.flatnonzero(missing)[0])}). How to fix: give every row a label; a user outside every "
            "community gets a cluster of its own (as studies.validity.communities does)."
        )
    codes, uniques = pd.factorize(labels.to_numpy(), sort=True)
    return codes.astype(np.int64), int(len(uniques))


def cluster_bootstrap_indices(clusters, n_boot: int, seed: int) -> list[np.ndarray]:
    """Row indices of ``n_boot`` cluster resamples: whole clusters drawn with replacement, their rows concatenated.

    ``clusters`` holds one label per row (e.g. a community of the follower graph). Resampling clusters keeps the
    dependence inside each one, so the interval is wider and more honest than resampling rows one by one when rows
    of a cluster move together. Resamples differ in length (clusters differ in size). The k clusters (sorted
    labels) are drawn as ``bootstrap_indices(k, n_boot, seed)``; the same resamples, as counts, are
    ``bootstrap_counts(len(clusters), n_boot, seed, clusters=clusters)``.
    """
    codes, k = cluster_codes(clusters)
    order = np.argsort(codes, kind="stable")
    sizes = np.bincount(codes, minlength=k)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    out = []
    for row in bootstrap_indices(k, n_boot, seed):  # one vectorised gather per replicate
        lengths = sizes[row]
        offsets = np.repeat(starts[row] - np.concatenate(([0], np.cumsum(lengths)[:-1])), lengths)
        out.append(order[offsets + np.arange(lengths.sum())])
    return out


def _unit_draws(n_units: int, n_boot: int, seed: int, block: int) -> Iterator[np.ndarray]:
    """The rows of ``bootstrap_indices(n_units, n_boot, seed)``, ``block`` replicates at a time.

    numpy's generator draws row after row, so the blocks concatenate to exactly
    the one full draw (a test checks it).
    """
    rng = np.random.default_rng(seed)
    for start in range(0, n_boot, block):
        yield rng.integers(0, n_units, size=(min(block, n_boot - start), n_units))


def _row_counts(draws: np.ndarray, n_units: int) -> np.ndarray:
    """How many times each unit occurs in each row of ``draws``: shape (rows, n_units)."""
    offsets = (np.arange(len(draws), dtype=np.int64) * n_units)[:, None]
    return np.bincount((draws + offsets).ravel(), minlength=len(draws) * n_units).reshape(len(draws), n_units)


def bootstrap_count_blocks(
    n: int, n_boot: int, seed: int, *, clusters=None, block: int | None = None
) -> Iterator[np.ndarray]:
    """The resamples of :func:`bootstrap_counts`, as consecutive blocks of replicates (rows).

    ``block`` replicates per block (default: as many as keep a block under
    :data:`BLOCK_ELEMENTS` counts); the blocks concatenate to
    :func:`bootstrap_counts` with the same arguments.
    """
    if block is None:
        block = max(1, min(n_boot, BLOCK_ELEMENTS // max(n, 1)))
    if clusters is None:
        for draws in _unit_draws(n, n_boot, seed, block):
            yield _row_counts(draws, n)
        return
    codes, k = cluster_codes(clusters)
    if len(codes) != n:
        raise ValueError(f"cluster bootstrap: {len(codes)} cluster labels for {n} rows; give one label per row.")
    for draws in _unit_draws(k, n_boot, seed, block):
        yield _row_counts(draws, k)[:, codes]


def bootstrap_counts(n: int, n_boot: int, seed: int, *, clusters=None) -> np.ndarray:
    """Resamples as counts: entry (b, i) is how many times row ``i`` is drawn in resample ``b``; shape (n_boot, n).

    Without ``clusters``: the resamples of ``bootstrap_indices(n, n_boot, seed)``
    (row b is the bincount of that function's row b), users drawn
    independently, which ignores the dependence between connected users (the
    interval is probably too narrow). With ``clusters`` (one label per row):
    whole clusters drawn, as :func:`cluster_bootstrap_indices` does, each row
    counted as often as its cluster is drawn; resample sizes then vary.
    """
    return np.concatenate(list(bootstrap_count_blocks(n, n_boot, seed, clusters=clusters)), axis=0)


def _weighted_midranks(values: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Per resample (row of counts), the average rank each value would get in the expanded resample.

    A value with ``c`` drawn copies and ``b`` drawn values below it gets
    ``b + (c + 1) / 2`` (ties share the average rank, as scipy's rankdata).
    """
    order = np.argsort(values, kind="stable")
    ordered = values[order]
    new_group = np.r_[True, ordered[1:] != ordered[:-1]]
    group_of_row = np.empty(len(values), dtype=np.int64)
    group_of_row[order] = np.cumsum(new_group) - 1
    group_counts = np.add.reduceat(counts[:, order], np.flatnonzero(new_group), axis=1).astype(np.float64)
    below = np.cumsum(group_counts, axis=1) - group_counts
    return (below + (group_counts + 1) / 2)[:, group_of_row]


def _weighted_pearson(x: np.ndarray, y: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Row-wise Pearson of x, y (2-D, or 1-D shared by all rows) with weights w (2-D); NaN where a row is constant."""
    x, y = np.broadcast_to(x, w.shape), np.broadcast_to(y, w.shape)
    drawn = w > 0
    constant = np.zeros(len(w), dtype=bool)
    for v in (x, y):
        constant |= np.where(drawn, v, np.inf).min(axis=1) == np.where(drawn, v, -np.inf).max(axis=1)
    total = w.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        xc = x - ((w * x).sum(axis=1) / total)[:, None]
        yc = y - ((w * y).sum(axis=1) / total)[:, None]
        r = (w * xc * yc).sum(axis=1) / np.sqrt((w * xc**2).sum(axis=1) * (w * yc**2).sum(axis=1))
    return np.where(constant, np.nan, np.clip(r, -1.0, 1.0))


def weighted_correlation(x, y, counts, method: str = "pearson") -> np.ndarray:
    """The correlation of x and y in each resample given as counts: one value per row of ``counts``.

    Row b of ``counts`` (shape (replicates, len(x))) says how many copies of
    each pair resample b holds; the value is the correlation of the expanded
    resample, computed without expanding it: a weighted Pearson, and for
    ``"spearman"`` a weighted Pearson of the average ranks the values would
    have in the expanded resample (ties averaged, as scipy). NaN where x or y
    is constant in a resample. ``x`` and ``y`` must be finite.
    """
    if method not in ("spearman", "pearson"):
        raise ValueError(f"weighted_correlation: method must be 'spearman' or 'pearson', got {method!r}.")
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    counts = np.atleast_2d(np.asarray(counts))
    if method == "spearman":
        return _weighted_pearson(_weighted_midranks(x, counts), _weighted_midranks(y, counts), counts)
    return _weighted_pearson(x, y, counts)


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
    ``seed`` and processed ``block`` at a time to bound memory.

    Independent resampling of pairs ignores network dependence (connected
    users move together), so its interval is probably too narrow. With
    ``clusters`` (one label per pair, e.g. a community) whole clusters are
    resampled instead, the resamples of :func:`cluster_bootstrap_indices`,
    all evaluated at once from :func:`bootstrap_counts` by
    :func:`weighted_correlation`; the result then has
    ``resampling="clusters"`` and ``n_clusters``. Pairs with a NaN are dropped
    first (with their labels). ``sample_size`` does not combine with
    ``clusters``.
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
        labels = np.asarray(clusters, dtype=object)
        if labels.shape != keep.shape:
            raise ValueError(f"bootstrap_correlation: clusters must hold one label per pair; got {labels.shape}.")
        if sample_size is not None:
            raise ValueError("bootstrap_correlation: sample_size and clusters do not combine; pass one of them.")
        labels = labels[keep]
        replicates = np.concatenate([
            weighted_correlation(x, y, counts, method)
            for counts in bootstrap_count_blocks(len(x), n_boot, seed, clusters=labels)
        ])
        low, high = percentile_interval(replicates, level)
        return Estimate(estimate, low, high, int(len(x)), n_boot, seed, level, method, replicates, "clusters",
                        cluster_codes(labels)[1])
    indices = bootstrap_indices(len(x), n_boot, seed, sample_size)
    replicates = np.concatenate(
        [_correlate(x[indices[i : i + block]], y[indices[i : i + block]], method) for i in range(0, n_boot, block)]
    )
    low, high = percentile_interval(replicates, level)
    return Estimate(estimate, low, high, int(len(x)), n_boot, seed, level, method, replicates)


def bootstrap_spearman(x, y, n_boot: int = 1000, seed: int = 0, level: float = 0.95) -> Estimate:
    """Spearman's rho with a percentile bootstrap interval (see :func:`bootstrap_correlation`)."""
    return bootstrap_correlation(x, y, method="spearman", n_boot=n_boot, seed=seed, level=level)


def with_progress(items, enabled: bool, *, desc: str, unit: str):
    """``items`` as a list, wrapped in a tqdm progress bar when ``enabled`` (the loops over worlds and seeds)."""
    items = list(items)
    if not enabled:
        return items
    from tqdm.auto import tqdm

    return tqdm(items, desc=desc, unit=unit)
