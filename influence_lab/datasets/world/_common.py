"""Small vectorised helpers shared by the world's mechanisms: lognormal draws, picks from ranked
lists, a CSR edge index for weighted sampling, and sorted integer key sets.
"""

from __future__ import annotations

import numpy as np


def _lognormal(rng: np.random.Generator, median: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(len(median)))


def _ranked_lists(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the column indices where ``mask`` is True first, and their count."""
    order = np.argsort(~mask, axis=1, kind="stable")
    return order, mask.sum(axis=1)


def _pick_from_lists(rng: np.random.Generator, lists: np.ndarray, counts: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """A uniform random entry of each row's list (rows must have count > 0)."""
    col = np.floor(rng.random(len(rows)) * counts[rows]).astype(np.int64)
    return lists[rows, col]


class _Index:
    """A CSR index of edges grouped by one end, for vectorised sampling.

    ``members`` holds the other ends grouped by ``owner``; ``cum`` is a global
    cumulative weight array with a leading zero, so a weighted pick in one
    owner's segment is one ``np.searchsorted``.
    """

    def __init__(self, owner: np.ndarray, member: np.ndarray, n: int, weight: np.ndarray | None = None):
        order = np.argsort(owner, kind="stable")
        self.members = member[order]
        counts = np.bincount(owner, minlength=n)
        self.indptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(counts, out=self.indptr[1:])
        self.degree = counts
        if weight is not None:
            w = weight[self.members]
            self.cum = np.concatenate(([0.0], np.cumsum(w)))
            self.total = self.cum[self.indptr[1:]] - self.cum[self.indptr[:-1]]
            self.weight = w

    def weighted(self, rng: np.random.Generator, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Members drawn with probability proportional to weight; also a validity mask."""
        lo = self.indptr[owners]
        hi = self.indptr[owners + 1]
        x = self.cum[lo] + rng.random(len(owners)) * (self.cum[hi] - self.cum[lo])
        pos = np.searchsorted(self.cum, x, side="right") - 1
        pos = np.clip(pos, lo, np.maximum(hi - 1, lo))
        ok = (hi > lo) & (self.weight[np.minimum(pos, len(self.weight) - 1)] > 0) if len(self.weight) else hi > lo
        return self.members[np.minimum(pos, max(len(self.members) - 1, 0))], ok

    def uniform(self, rng: np.random.Generator, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Members drawn uniformly; also a mask of owners that have any member."""
        lo = self.indptr[owners]
        deg = self.indptr[owners + 1] - lo
        pos = lo + np.floor(rng.random(len(owners)) * deg).astype(np.int64)
        ok = deg > 0
        return self.members[np.minimum(pos, max(len(self.members) - 1, 0))], ok


# --------------------------------------------------------------------------------------
# Sorted key sets (follower x n + followee, post x n + engager)
# --------------------------------------------------------------------------------------


def _contains(keys_sorted: np.ndarray, key: np.ndarray) -> np.ndarray:
    """Mask of ``key`` values present in the sorted array ``keys_sorted``."""
    if len(keys_sorted) == 0:
        return np.zeros(len(key), dtype=bool)
    pos = np.minimum(np.searchsorted(keys_sorted, key), len(keys_sorted) - 1)
    return keys_sorted[pos] == key


def _first_occurrence(key: np.ndarray) -> np.ndarray:
    """Mask of the first occurrence of each value of ``key`` (in array order)."""
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    first = np.ones(len(key), dtype=bool)
    first[order[1:]] = sorted_key[1:] != sorted_key[:-1]
    return first


def _merge(keys_sorted: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Sorted union of a large sorted key array and a few new keys (an insert, not a re-sort)."""
    new = np.sort(new)
    if len(new) > 1:
        new = new[np.concatenate(([True], new[1:] != new[:-1]))]
    new = new[~_contains(keys_sorted, new)]
    return np.insert(keys_sorted, np.searchsorted(keys_sorted, new), new)


# --------------------------------------------------------------------------------------
# Per-pair uniforms (a property of a pair, not of the order edges are made in)
# --------------------------------------------------------------------------------------


def _pair_uniform(first: np.ndarray, second: np.ndarray, salt: int) -> np.ndarray:
    """A uniform in [0, 1) for each (first, second) pair: the splitmix64 finaliser of the pair and a salt.

    The value depends only on the pair and the salt, so a pair gets the same draw whichever stage of the
    generator creates it, and a threshold on it gives nested sets (a larger share only adds pairs).
    """
    with np.errstate(over="ignore"):
        x = (first.astype(np.uint64) << np.uint64(32)) ^ second.astype(np.uint64) ^ np.uint64(salt)
        x = x + np.uint64(0x9E3779B97F4A7C15)
        x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        x = x ^ (x >> np.uint64(31))
    return (x >> np.uint64(11)).astype(np.float64) / float(1 << 53)
