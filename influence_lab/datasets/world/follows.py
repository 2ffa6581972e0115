"""Mechanisms 2 and 3 (graph part), the follower graph: organic follows by preferential attachment with
fitness and topic homophily, follow-backs, ring and pod follows, bought followers, and unfollows.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from influence_lab.datasets.world._common import (
    _Index,
    _contains,
    _first_occurrence,
    _lognormal,
    _merge,
    _pick_from_lists,
    _ranked_lists,
)
from influence_lab.datasets.world.config import (
    SECONDS_PER_DAY,
    WORLD_END_SECONDS,
    WORLD_START,
    _NEVER,
    _T,
    WorldConfig,
    _seconds,
)
from influence_lab.datasets.world.population import _Population

_ORIGIN_ORGANIC, _ORIGIN_BACK, _ORIGIN_RING, _ORIGIN_BOUGHT, _ORIGIN_EXPOSURE = range(5)


@dataclass
class _Edges:
    follower: np.ndarray
    followee: np.ndarray
    start: np.ndarray
    end: np.ndarray
    origin: np.ndarray
    #: Bought-follower package index for bought follows, ring or pod id for ring follows, -1 otherwise.
    group: np.ndarray

    @staticmethod
    def empty() -> "_Edges":
        z = np.zeros(0, dtype=np.int64)
        return _Edges(z, z, z, z, np.zeros(0, dtype=np.int8), z)

    def extend(self, other: "_Edges") -> None:
        self.follower = np.concatenate((self.follower, other.follower))
        self.followee = np.concatenate((self.followee, other.followee))
        self.start = np.concatenate((self.start, other.start))
        self.end = np.concatenate((self.end, other.end))
        self.origin = np.concatenate((self.origin, other.origin))
        self.group = np.concatenate((self.group, other.group))


def _new_edges(follower, followee, start, origin, group=None) -> _Edges:
    return _Edges(
        follower.astype(np.int64),
        followee.astype(np.int64),
        start.astype(np.int64),
        np.full(len(follower), _NEVER, dtype=np.int64),
        np.full(len(follower), origin, dtype=np.int8),
        np.full(len(follower), -1, dtype=np.int64) if group is None else np.asarray(group, dtype=np.int64),
    )


#: Names of the follow origins, by code (``truth["true_follows"].origin``).
ORIGIN_NAMES = ("organic", "follow_back", "ring", "bought", "exposure")


@dataclass
class _Packages:
    """Bought-follower packages: buyer index, purchase time (seconds), size ordered (followers)."""

    buyer: np.ndarray
    date: np.ndarray
    size: np.ndarray


def _fresh(keys_sorted: np.ndarray, follower: np.ndarray, followee: np.ndarray, n: int) -> np.ndarray:
    """Mask of candidate edges that are not self-loops, not already present and first of their kind."""
    key = follower * n + followee
    ok = (follower != followee) & ~_contains(keys_sorted, key)
    return ok & _first_occurrence(key)


def _segments(indptr: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """For segments given by starts ``indptr`` and lengths ``counts``, all positions, concatenated."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.repeat(indptr - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return starts + np.arange(total, dtype=np.int64)


def _batches() -> np.ndarray:
    quarterly = pd.date_range("2006-07-01", "2012-01-01", freq="QS", tz="UTC")
    monthly = pd.date_range("2012-02-01", "2013-01-01", freq="MS", tz="UTC")
    return ((quarterly.append(monthly)) - WORLD_START).total_seconds().astype(np.int64).to_numpy()


def _organic_graph(cfg: WorldConfig, pop: _Population, rng: np.random.Generator, rounds: int = 4) -> _Edges:
    """Follows from 2007 to 2012 by preferential attachment with fitness and topic homophily.

    Time runs in quarterly batches to 2012, then monthly. In each batch an
    account makes its share of its lifetime follows. A followee is drawn with
    weight (followers so far + k0) x popularity, either among all accounts or
    (with probability ``topic_homophily``) among accounts expert in one of the
    follower's interests. Bots instead target accounts that follow back (link
    farming, Ghosh et al. 2012). Duplicate picks are redrawn up to ``rounds``
    times.
    """
    n = pop.n
    bounds = _batches()
    lifetime = np.maximum(WORLD_END_SECONDS - np.maximum(pop.created, bounds[0]), SECONDS_PER_DAY)
    interest_lists, interest_counts = _ranked_lists(pop.interests)
    indeg = np.zeros(n)
    keys = np.zeros(0, dtype=np.int64)
    out = _Edges.empty()
    h = cfg.graph.topic_homophily
    global_row, farm_row = _T, _T + 1
    for b0, b1 in zip(bounds[:-1], bounds[1:]):
        overlap = np.clip(b1 - np.maximum(b0, pop.created), 0, None)
        wanted = np.repeat(np.arange(n), rng.poisson(pop.following * overlap / lifetime))
        if len(wanted) == 0:
            continue
        exists = pop.created < b1
        weight = (indeg + cfg.graph.attachment_offset) * pop.popularity * exists
        farm = pop.follow_back * exists * ~pop.is_fake
        rows = np.vstack((pop.expertise.T * weight[None, :], weight[None, :], farm[None, :]))
        flat = rows.ravel()
        cum = np.concatenate(([0.0], np.cumsum(flat)))
        row_total = rows.sum(axis=1)
        new_f, new_v = [], []
        for _ in range(rounds):
            if len(wanted) == 0:
                break
            row = np.full(len(wanted), global_row)
            topical = (rng.random(len(wanted)) < h) & (interest_counts[wanted] > 0)
            row[topical] = _pick_from_lists(rng, interest_lists, interest_counts, wanted[topical])
            row = np.where(row_total[row] > 0, row, global_row)
            row[pop.is_bot[wanted]] = farm_row
            x = cum[row * n] + rng.random(len(wanted)) * row_total[row]
            pos = np.clip(np.searchsorted(cum, x, side="right") - 1, row * n, row * n + n - 1)
            followee = pos - row * n
            ok = (flat[pos] > 0) & _fresh(keys, wanted, followee, n)
            new_f.append(wanted[ok])
            new_v.append(followee[ok])
            keys = _merge(keys, wanted[ok] * n + followee[ok])
            wanted = wanted[~ok]
        followers = np.concatenate(new_f)
        followee = np.concatenate(new_v)
        t0 = np.maximum(np.maximum(b0, pop.created[followers]), pop.created[followee])
        start = t0 + np.floor(rng.random(len(followers)) * np.maximum(b1 - t0, 1)).astype(np.int64)
        out.extend(_new_edges(followers, followee, np.minimum(start, b1 - 1), _ORIGIN_ORGANIC))
        indeg += np.bincount(followee, minlength=n)
    return out


def _follow_backs(
    cfg: WorldConfig, pop: _Population, edges: _Edges, keys: np.ndarray, rng: np.random.Generator
) -> _Edges:
    """Followees follow back with their persona's probability after a short delay."""
    back = rng.random(len(edges.follower)) < pop.follow_back[edges.followee] * ~pop.is_fake[edges.follower]
    f, v = edges.followee[back], edges.follower[back]
    start = edges.start[back] + np.floor(
        rng.exponential(cfg.graph.follow_back_delay_days * SECONDS_PER_DAY, back.sum())
    ).astype(np.int64)
    ok = _fresh(keys, f, v, pop.n) & (start < WORLD_END_SECONDS)
    return _new_edges(f[ok], v[ok], start[ok], _ORIGIN_BACK)


def _ring_edges(pop: _Population, keys: np.ndarray, rng: np.random.Generator) -> _Edges:
    """Members of a ring or pod follow each other when it forms."""
    members = np.flatnonzero(pop.ring >= 0)
    if len(members) == 0:
        return _Edges.empty()
    index = _Index(pop.ring[members], members, len(pop.ring_formed))
    f = np.repeat(members, index.degree[pop.ring[members]])
    v = index.members[_segments(index.indptr[pop.ring[members]], index.degree[pop.ring[members]])]
    start = pop.ring_formed[pop.ring[f]] + np.floor(rng.random(len(f)) * 3 * SECONDS_PER_DAY).astype(np.int64)
    ok = _fresh(keys, f, v, pop.n) & (start < WORLD_END_SECONDS)
    return _new_edges(f[ok], v[ok], start[ok], _ORIGIN_RING, pop.ring[f[ok]])


def _bought_edges(
    cfg: WorldConfig, pop: _Population, keys: np.ndarray, rng: np.random.Generator
) -> tuple[_Edges, _Packages]:
    """Packages of fake followers arriving in bursts; a share is purged later in 2012."""
    g = cfg.gaming
    fakes = np.flatnonzero(pop.is_fake)
    buyers = np.flatnonzero(pop.bought)
    buyers = buyers[buyers != 1]
    if len(fakes) == 0 or (len(buyers) == 0 and not pop.bought[1]):
        z = np.zeros(0, dtype=np.int64)
        return _Edges.empty(), _Packages(z, z, z)
    n_pack = 1 + rng.poisson(g.extra_packages, len(buyers))
    buyer = np.repeat(buyers, n_pack)
    p0 = _seconds(g.purchase_start)
    date = p0 + np.floor(rng.random(len(buyer)) * (WORLD_END_SECONDS - p0)).astype(np.int64)
    date = np.maximum(date, pop.created[buyer] + 7 * SECONDS_PER_DAY)
    size = np.round(_lognormal(rng, np.full(len(buyer), g.package_median), np.full(len(buyer), g.package_sigma)))
    if pop.bought[1]:
        buyer = np.concatenate(([1] * len(cfg.cases.bot_packages), buyer))
        date = np.concatenate(([_seconds(d) for d, _ in cfg.cases.bot_packages], date))
        size = np.concatenate(([s for _, s in cfg.cases.bot_packages], size))
    size = np.minimum(size, len(fakes)).astype(np.int64)
    # Each package takes `size` distinct fakes: the first `size` of a random order per package.
    order = np.argsort(rng.random((len(buyer), len(fakes))), axis=1)
    take = np.arange(len(fakes))[None, :] < size[:, None]
    pack, col = np.nonzero(take)
    f = fakes[order[pack, col]]
    v = buyer[pack]
    start = date[pack] + np.floor(rng.random(len(f)) * g.burst_days * SECONDS_PER_DAY).astype(np.int64)
    start = np.maximum(start, pop.created[f] + SECONDS_PER_DAY)
    ok = _fresh(keys, f, v, pop.n) & (start < WORLD_END_SECONDS)
    edges = _new_edges(f[ok], v[ok], start[ok], _ORIGIN_BOUGHT, pack[ok])
    purge = rng.random(len(edges.start)) < g.purge_share
    purge_at = np.maximum(edges.start, 0) + np.floor(
        (30 + rng.random(len(edges.start)) * 150) * SECONDS_PER_DAY
    ).astype(np.int64)
    edges.end = np.where(purge & (purge_at < WORLD_END_SECONDS), purge_at, _NEVER)
    return edges, _Packages(buyer.astype(np.int64), date.astype(np.int64), size)


def _schedule_unfollows(cfg: WorldConfig, edges: _Edges, mask: np.ndarray, rng: np.random.Generator) -> None:
    """Organic follows active in 2012 are undone during 2012 with probability ``unfollow_rate``."""
    m = mask & (edges.end == _NEVER)
    undo = m & (rng.random(len(edges.start)) < cfg.graph.unfollow_rate)
    lo = np.maximum(edges.start[undo], 0) + 1
    at = lo + np.floor(rng.random(undo.sum()) * np.maximum(WORLD_END_SECONDS - lo, 1)).astype(np.int64)
    edges.end[undo] = np.where(at < WORLD_END_SECONDS, at, _NEVER)
