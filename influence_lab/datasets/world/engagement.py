"""Mechanism 5, engagement, week by week: mentions, first-hand reactions, ring and pod engagement,
reshare cascades and the exposure follows they bring.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from influence_lab.contract import EVENT_KINDS
from influence_lab.datasets.world._common import _Index, _contains, _first_occurrence, _merge, _pair_uniform
from influence_lab.datasets.world.activity import _Posts
from influence_lab.datasets.world.config import N_DAYS, WORLD_END_SECONDS, _N_WEEKS, _T, _WEEK, WorldConfig
from influence_lab.datasets.world.follows import (
    _ORIGIN_EXPOSURE,
    _Edges,
    _follow_backs,
    _fresh,
    _new_edges,
    _schedule_unfollows,
)
from influence_lab.datasets.world.population import _Population


def _pick(rng: np.random.Generator, probs: tuple[tuple[str, float], ...], size: int) -> np.ndarray:
    """Event-kind codes drawn from (kind, probability) pairs."""
    codes = np.array([EVENT_KINDS.index(k) for k, _ in probs], dtype=np.int8)
    p = np.array([w for _, w in probs], dtype=float)
    return codes[rng.choice(len(codes), size=size, p=p / p.sum())]


@dataclass
class _Activity:
    """Everything the weekly loop produces."""

    eng_time: np.ndarray
    eng_actor: np.ndarray
    eng_post: np.ndarray
    eng_kind: np.ndarray
    #: Attentive human audience of each post: non-dormant human followers of the author when it was posted,
    #: plus those of every resharer (second hand). Impressions are drawn from it in the outcome stream.
    audience: np.ndarray
    #: Dormancy of every follow edge, aligned with the edges as the loop leaves them (exposure follows appended).
    dormant: np.ndarray


def _dormant(cfg: WorldConfig, follower: np.ndarray, followee: np.ndarray, salt: int) -> np.ndarray:
    """Mask of dormant follows (the follower never looks): a per-pair draw below ``dormant_follower_share``."""
    return _pair_uniform(follower, followee, salt) < cfg.audience.dormant_follower_share


def _simulate_engagement(
    cfg: WorldConfig,
    pop: _Population,
    avail: np.ndarray,
    edges: _Edges,
    posts: _Posts,
    rng: np.random.Generator,
    salt: int,
) -> _Activity:
    e = cfg.engagement
    n = pop.n
    view = e.view_rate
    attention = pop.attention
    delay = e.delay_hours * 3600.0
    ring_delay = e.ring_delay_hours * 3600.0
    n_posts = len(posts.time)
    audience = np.zeros(n_posts)
    dormant = _dormant(cfg, edges.follower, edges.followee, salt)
    posts.mention_target = np.full(n_posts, -1, dtype=np.int64)
    week_of_post = posts.time // _WEEK
    post_bounds = np.searchsorted(week_of_post, np.arange(_N_WEEKS + 1))
    ring_members = np.flatnonzero(pop.ring >= 0)
    ring_index = _Index(pop.ring[ring_members], ring_members, max(len(pop.ring_formed), 1))
    ring_p = np.where(pop.ring_is_bot, e.bot_ring_engage, e.pod_engage) if len(pop.ring_formed) else np.zeros(1)
    out_time, out_actor, out_post, out_kind = [], [], [], []
    keys = np.sort(edges.follower * n + edges.followee)

    for week in range(_N_WEEKS):
        t0 = week * _WEEK
        d0, d1 = week * 7, min(week * 7 + 7, N_DAYS)
        active = (edges.start <= t0) & (edges.end > t0)
        act_f, act_v = edges.follower[active], edges.followee[active]
        looks = ~pop.is_fake[act_f] & ~dormant[active]
        weight = pop.reactivity * avail[:, d0:d1].mean(axis=1)
        followers = _Index(act_v[looks], act_f[looks], n, weight)
        attentive = np.bincount(act_v[looks & pop.is_human[act_f]], minlength=n)
        p_lo, p_hi = post_bounds[week], post_bounds[week + 1]
        if p_hi == p_lo:
            continue
        pid = np.arange(p_lo, p_hi)
        author = posts.author[pid]
        topic = posts.topic[pid]
        appeal = posts.appeal[pid]
        ptime = posts.time[pid]

        # Mentions: a uniform pick among the accounts the author follows.
        wants = pid[posts.mention[pid]]
        if len(wants):
            followees = _Index(act_f, act_v, n)
            target, ok = followees.uniform(rng, posts.author[wants])
            posts.mention_target[wants[ok]] = target[ok]

        # First-hand reactions: Poisson thinning of follower picks weighted by reactivity x availability.
        lam = view * attention[author] * appeal * e.topic_match * followers.total[author]
        k = rng.poisson(lam)
        owner = np.repeat(np.arange(len(pid)), k)
        engager, ok = followers.weighted(rng, author[owner])
        match = pop.interests[engager, np.minimum(topic[owner], _T - 1)] & (topic[owner] < _T)
        accept = ok & (rng.random(len(owner)) < np.where(match, e.topic_match, e.topic_mismatch) / e.topic_match)
        owner, engager = owner[accept], engager[accept]
        kind = _pick(rng, e.kind_probs, len(owner))
        when = ptime[owner] + rng.exponential(delay, len(owner))

        # Ring and pod engagement (formed rings only).
        in_ring = np.flatnonzero((pop.ring[author] >= 0))
        if len(in_ring):
            r = pop.ring[author[in_ring]]
            formed = pop.ring_formed[r] <= ptime[in_ring]
            in_ring, r = in_ring[formed], r[formed]
            size = ring_index.degree[r]
            k_r = rng.binomial(np.maximum(size - 1, 0), ring_p[r])
            r_owner = np.repeat(in_ring, k_r)
            member, ok_r = ring_index.uniform(rng, pop.ring[author[r_owner]])
            ok_r &= (member != author[r_owner]) & (pop.created[member] <= ptime[r_owner])
            r_owner, member = r_owner[ok_r], member[ok_r]
            is_bot_ring = pop.ring_is_bot[pop.ring[author[r_owner]]]
            r_kind = np.where(
                is_bot_ring, _pick(rng, e.bot_ring_kinds, len(r_owner)), _pick(rng, e.pod_kinds, len(r_owner))
            )
            owner = np.concatenate((owner, r_owner))
            engager = np.concatenate((engager, member))
            kind = np.concatenate((kind, r_kind))
            when = np.concatenate((when, ptime[r_owner] + rng.exponential(ring_delay, len(r_owner))))

        seen = pid[owner] * n + engager
        first = _first_occurrence(seen)
        owner, engager, kind, when = owner[first], engager[first], kind[first], when[first]
        seen_keys = np.sort(seen[first])
        audience[pid] += attentive[author]
        out_time.append(when)
        out_actor.append(engager)
        out_post.append(pid[owner])
        out_kind.append(kind)

        # Second-hand: each reshare exposes the resharer's followers; novelty decays per generation.
        reshare_code = EVENT_KINDS.index("reshare")
        is_re = kind == reshare_code
        parent_owner, parent_who, parent_when = owner[is_re], engager[is_re], when[is_re]
        new_f, new_v, new_t = [], [], []
        for generation in range(1, e.max_generations + 1):
            if len(parent_owner) == 0:
                break
            decay = e.cascade_decay**generation
            p_author = author[parent_owner]
            audience[pid] += np.bincount(parent_owner, weights=attentive[parent_who], minlength=len(pid))
            seen = view * attention[parent_who]  # the resharer's followers attend to the resharer
            # Viewers who follow the author because they saw the reshare.
            n_follow = rng.poisson(seen * followers.degree[parent_who] * e.follow_per_view * appeal[parent_owner] * decay)
            f_owner = np.repeat(np.arange(len(parent_who)), n_follow)
            newcomer, ok_f = followers.uniform(rng, parent_who[f_owner])
            new_f.append(newcomer[ok_f])
            new_v.append(p_author[f_owner[ok_f]])
            new_t.append(parent_when[f_owner[ok_f]] + rng.exponential(delay, ok_f.sum()))
            # Reactions of the resharer's followers, credited to the original author.
            lam = seen * appeal[parent_owner] * decay * e.topic_match * followers.total[parent_who]
            k = rng.poisson(lam)
            rep = np.repeat(np.arange(len(parent_owner)), k)
            engager, ok = followers.weighted(rng, parent_who[rep])
            o = parent_owner[rep]
            match = pop.interests[engager, np.minimum(topic[o], _T - 1)] & (topic[o] < _T)
            ok &= rng.random(len(rep)) < np.where(match, e.topic_match, e.topic_mismatch) / e.topic_match
            ok &= engager != author[o]
            key = pid[o] * n + engager
            ok &= ~_contains(seen_keys, key)
            ok &= _first_occurrence(key)
            rep, o, engager, key = rep[ok], o[ok], engager[ok], key[ok]
            seen_keys = _merge(seen_keys, key)
            kind = _pick(rng, e.kind_probs, len(o))
            when = parent_when[rep] + rng.exponential(delay, len(o))
            out_time.append(when)
            out_actor.append(engager)
            out_post.append(pid[o])
            out_kind.append(kind)
            joins = rng.random(len(o)) < e.follow_on_engage
            new_f.append(engager[joins])
            new_v.append(author[o][joins])
            new_t.append(when[joins] + rng.exponential(delay, joins.sum()))
            is_re = kind == reshare_code
            parent_owner, parent_who, parent_when = o[is_re], engager[is_re], when[is_re]

        # Exposure follows join the graph (effective from next week), with follow-backs and unfollows.
        if new_f:
            f = np.concatenate(new_f).astype(np.int64)
            v = np.concatenate(new_v).astype(np.int64)
            t = np.floor(np.concatenate(new_t)).astype(np.int64)
            ok = _fresh(keys, f, v, n) & (t < WORLD_END_SECONDS)
            fresh = _new_edges(f[ok], v[ok], t[ok], _ORIGIN_EXPOSURE)
            keys = _merge(keys, fresh.follower * n + fresh.followee)
            back = _follow_backs(cfg, pop, fresh, keys, rng)
            keys = _merge(keys, back.follower * n + back.followee)
            fresh.extend(back)
            _schedule_unfollows(cfg, fresh, np.ones(len(fresh.start), dtype=bool), rng)
            edges.extend(fresh)
            dormant = np.concatenate((dormant, _dormant(cfg, fresh.follower, fresh.followee, salt)))

    return _Activity(
        eng_time=np.floor(np.concatenate(out_time)).astype(np.int64) if out_time else np.zeros(0, np.int64),
        eng_actor=np.concatenate(out_actor).astype(np.int64) if out_actor else np.zeros(0, np.int64),
        eng_post=np.concatenate(out_post).astype(np.int64) if out_post else np.zeros(0, np.int64),
        eng_kind=np.concatenate(out_kind).astype(np.int8) if out_kind else np.zeros(0, np.int8),
        audience=audience,
        dormant=dormant,
    )
