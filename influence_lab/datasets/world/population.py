"""Mechanism 1, the accounts: personas, latent traits, topics of expertise and interest, gaming roles
(buyers, pods, bot rings) and the traits of the scripted case users.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from influence_lab.datasets.world._common import _lognormal
from influence_lab.datasets.world.config import (
    SECONDS_PER_DAY,
    TOPICS,
    WORLD_END_SECONDS,
    _T,
    WorldConfig,
    _seconds,
)

#: Roles of the scripted case users, at internal indices 0..4 (their ids: :data:`~.cases.CASE_USERS`).
_SCRIPTED_ROLES = ("blogger", "bot", "speaker", "asthma_joker", "dino_fan")


@dataclass
class _Population:
    """Latent traits of every account (internal index 0..n-1; case users first)."""

    n_real: int
    n: int
    persona_names: tuple[str, ...]
    persona: np.ndarray
    created: np.ndarray
    posting_rate: np.ndarray
    appeal: np.ndarray
    reactivity: np.ndarray
    popularity: np.ndarray
    following: np.ndarray
    follow_back: np.ndarray
    offline_reach: np.ndarray
    offline_median: np.ndarray
    offline_sigma: np.ndarray
    offline_eps: np.ndarray
    popularity_z: np.ndarray
    popularity_global_z: np.ndarray
    credibility: np.ndarray
    mention_rate: np.ndarray
    order_value_median: np.ndarray
    order_value_z: np.ndarray
    expertise: np.ndarray
    interests: np.ndarray
    bought: np.ndarray
    pod: np.ndarray
    ring: np.ndarray
    ring_is_bot: np.ndarray
    ring_formed: np.ndarray
    is_fake: np.ndarray
    is_bot: np.ndarray
    is_human: np.ndarray
    role: np.ndarray
    #: Standard normal behind each account's reaction attention (set by :func:`_draw_audience`).
    attention_u: np.ndarray | None = None
    #: Reaction attention a_j (mean 1 over accounts of the same popularity z when attention_popularity_corr = 0).
    attention: np.ndarray | None = None

    def code(self, name: str) -> int:
        return self.persona_names.index(name)


def _persona_counts(shares: np.ndarray, total: int) -> np.ndarray:
    """Largest-remainder apportionment of ``total`` accounts to personas."""
    raw = shares * total
    counts = np.floor(raw).astype(np.int64)
    rest = total - counts.sum()
    order = np.argsort(-(raw - counts), kind="stable")
    counts[order[:rest]] += 1
    return counts


def _draw_population(cfg: WorldConfig, rng: np.random.Generator) -> _Population:
    personas = cfg.personas
    names = tuple(p.name for p in personas) + ("fake_follower",)
    code = {name: i for i, name in enumerate(names)}
    n_case = len(_SCRIPTED_ROLES)
    n_real = cfg.n_users
    n = n_real + cfg.n_fake_followers
    case_personas = [code["pr_marketing"], code["bot"], code["speaker"], code["everyday"], code["everyday"]]
    counts = _persona_counts(np.array([p.share for p in personas]), n_real - n_case)
    persona = np.concatenate(
        [
            np.array(case_personas, dtype=np.int8),
            np.repeat(np.arange(len(personas), dtype=np.int8), counts),
            np.full(cfg.n_fake_followers, code["fake_follower"], dtype=np.int8),
        ]
    )
    is_fake = persona == code["fake_follower"]
    is_bot = persona == code["bot"]
    real = ~is_fake

    def table(attr: str, fake_value: float) -> np.ndarray:
        return np.array([getattr(p, attr) for p in personas] + [fake_value], dtype=float)[persona]

    posting_rate = _lognormal(rng, table("posting_rate", 0.0), table("posting_sigma", 0.0))
    appeal = _lognormal(rng, table("appeal", 0.0), table("appeal_sigma", 0.0))
    reactivity = np.minimum(_lognormal(rng, table("reactivity", 0.0), table("reactivity_sigma", 0.0)), 1.0)
    popularity = _lognormal(rng, table("popularity", 0.0), table("popularity_sigma", 0.0))
    following = _lognormal(rng, table("following", 1.0), table("following_sigma", 0.0))
    offline_median, offline_sigma = table("offline_reach", 0.0), table("offline_sigma", 0.0)
    offline_eps = rng.standard_normal(n)  # combined with popularity in offline_reach_of (OutcomeConfig)
    offline_reach = np.full(n, np.nan)  # nan: drawn from offline_eps; set for the scripted case users
    follow_back = np.clip(table("follow_back", 0.0) * cfg.graph.follow_back_scale, 0.0, 1.0)
    cred_mean = np.clip(table("credibility", 0.0), 1e-3, 1 - 1e-3)
    credibility = np.where(real, rng.beta(10 * cred_mean, 10 * (1 - cred_mean)), 0.0)
    mention_rate = table("mention_rate", 0.0)
    order_value_median = table("order_value", 0.0)
    order_value_z = rng.standard_normal(n)  # the spread (OutcomeConfig.order_value_sigma) is applied in order_value_of
    following = np.where(is_fake, rng.poisson(cfg.gaming.fake_camouflage_follows, n), following)

    # Creation dates: real accounts by year weights, fakes in the sellers' range.
    years = np.array([y for y, _ in cfg.graph.created_year_weights])
    yw = np.array([w for _, w in cfg.graph.created_year_weights], dtype=float)
    year = years[rng.choice(len(years), size=n, p=yw / yw.sum())]
    year_start = np.array([_seconds(f"{y}-01-01") for y in years])[np.searchsorted(years, year)]
    year_len = np.where(year % 4 == 0, 366, 365) * SECONDS_PER_DAY
    created = year_start + np.floor(rng.random(n) * year_len).astype(np.int64)
    created = np.minimum(created, WORLD_END_SECONDS - 7 * SECONDS_PER_DAY)
    f0, f1 = _seconds(cfg.gaming.fake_created_start), _seconds(cfg.gaming.fake_created_end)
    created = np.where(is_fake, f0 + np.floor(rng.random(n) * (f1 - f0)).astype(np.int64), created)

    # Topics: expertise by Gumbel top-k on persona-boosted weights; extra interests on base weights.
    base = np.array([dict(cfg.topic_weights).get(t, 0.1) for t in TOPICS], dtype=float)
    boosted = np.tile(base, (len(personas) + 1, 1))
    for i, p in enumerate(personas):
        for topic, mult in p.topic_boosts:
            boosted[i, TOPICS.index(topic)] *= mult
    keys = np.log(boosted[persona]) + rng.gumbel(size=(n, _T))
    rank = np.argsort(np.argsort(-keys, axis=1), axis=1)
    k_expert = np.array([p.expertise_topics for p in personas] + [0])[persona]
    expertise = rank < k_expert[:, None]
    keys2 = np.log(base)[None, :] + rng.gumbel(size=(n, _T))
    keys2[expertise] = -np.inf
    rank2 = np.argsort(np.argsort(-keys2, axis=1), axis=1)
    k_extra = rng.poisson(cfg.graph.extra_interests, n)
    k_extra = np.where(is_bot, 0, np.where(is_fake, np.maximum(k_extra, 1), k_extra))
    interests = expertise | (rank2 < k_extra[:, None])

    # Gaming: buyers and pod members by persona shares (exclusive), bots in rings.
    bought_p = np.array([dict(cfg.gaming.bought_share).get(nm, 0.0) for nm in names])[persona]
    pod_p = np.array([dict(cfg.gaming.pod_share).get(nm, 0.0) for nm in names])[persona]
    u = rng.random(n)
    bought = u < bought_p
    pod = (~bought) & (u >= bought_p) & (u < bought_p + pod_p)
    role = np.full(n, "", dtype=object)
    role[:n_case] = _SCRIPTED_ROLES

    # Case users (indices 0..4): traits from CaseConfig, the rest drawn like everyone.
    c = cfg.cases
    t = {name: TOPICS.index(name) for name in TOPICS}
    # 0 blogger
    posting_rate[0], appeal[0], reactivity[0] = c.blogger_posting_rate, c.blogger_appeal, c.blogger_reactivity
    offline_reach[0], credibility[0], following[0] = c.blogger_offline_reach, c.blogger_credibility, c.blogger_following
    popularity[0] = np.quantile(popularity[real & ~is_bot], c.blogger_popularity_quantile)
    created[0] = _seconds(c.blogger_created)
    expertise[0] = False
    expertise[0, [t["pr"], t["social_media"], t["marketing"]]] = True
    interests[0] = expertise[0]
    interests[0, [t["books"], t["parenting"], t["food"]]] = True
    bought[0] = pod[0] = False
    # 1 bot
    posting_rate[1], following[1], created[1] = c.bot_posting_rate, c.bot_following, _seconds(c.bot_created)
    bought[1], pod[1] = True, False
    # 2 speaker
    posting_rate[2], appeal[2] = c.speaker_posting_rate, c.speaker_appeal
    offline_reach[2], credibility[2] = c.speaker_offline_reach, c.speaker_credibility
    expertise[2] = False
    expertise[2, [t["education"], t["marketing"], t["books"]]] = True
    interests[2] = expertise[2] | interests[2]
    bought[2] = pod[2] = False
    # 3 asthma joker, 4 dino fan: everyday users; the scripted topics are not their expertise.
    scripted_topics = ((3, ("food", "travel"), ("film_tv",)), (4, ("music", "film_tv"), ("dinosaurs",)))
    for i, exp_topics, extra in scripted_topics:
        expertise[i] = False
        expertise[i, [t[x] for x in exp_topics]] = True
        interests[i] = expertise[i]
        interests[i, [t[x] for x in extra]] = True
        bought[i] = pod[i] = False
    interests[3, t["health"]] = False
    expertise[3, t["health"]] = False
    posting_rate[3], posting_rate[4] = c.joker_posting_rate, c.dino_posting_rate
    # The scripted accounts exist before 2012 so that their stories fall inside the year.
    created[2:5] = np.minimum(created[2:5], _seconds("2011-06-30"))
    popularity[3] = np.quantile(popularity[real & ~is_bot], c.joker_popularity_quantile)
    popularity[4] = np.quantile(popularity[real & ~is_bot], c.dino_popularity_quantile)

    # Rings: bots in rings of bot_ring_size, pod members in pods of pod_size (shuffled membership).
    ring = np.full(n, -1, dtype=np.int64)
    ring_is_bot: list[bool] = []
    ring_formed: list[np.ndarray] = []
    next_ring = 0
    for members, size, bot_ring in (
        (np.flatnonzero(is_bot), cfg.gaming.bot_ring_size, True),
        (np.flatnonzero(pod), cfg.gaming.pod_size, False),
    ):
        if len(members) < 2:
            continue
        members = rng.permutation(members)
        if bot_ring:  # the case bot is always in a ring
            members = np.concatenate(([1], members[members != 1])) if 1 in members else members
        n_rings = max(1, len(members) // max(size, 2))
        ids = np.minimum(np.arange(len(members)) // max(size, 2), n_rings - 1)
        ring[members] = next_ring + ids
        latest = np.full(n_rings, np.iinfo(np.int64).min // 2, dtype=np.int64)  # formed after its last member joined
        np.maximum.at(latest, ids, created[members])
        if bot_ring:
            formed = latest + SECONDS_PER_DAY
        else:
            p0, p1 = _seconds(cfg.gaming.pod_formed_start), _seconds(cfg.gaming.pod_formed_end)
            drawn = p0 + np.floor(rng.random(n_rings) * (p1 - p0)).astype(np.int64)
            formed = np.maximum(latest + SECONDS_PER_DAY, drawn)
        ring_is_bot.extend([bot_ring] * n_rings)
        ring_formed.append(formed)
        next_ring += n_rings
    pod = pod & (ring >= 0)
    pop_median, pop_sigma = table("popularity", 1.0), table("popularity_sigma", 0.0)
    popularity_z = np.where(
        pop_sigma > 0, np.log(np.maximum(popularity, 1e-300) / pop_median) / np.where(pop_sigma > 0, pop_sigma, 1.0), 0.0
    )
    popularity_z = np.where(is_fake, 0.0, popularity_z)
    log_pop = np.log(np.maximum(popularity, 1e-300))
    humans = real & ~is_bot
    popularity_global_z = np.where(
        humans, (log_pop - log_pop[humans].mean()) / max(log_pop[humans].std(), 1e-12), 0.0
    )

    return _Population(
        n_real=n_real,
        n=n,
        persona_names=names,
        persona=persona,
        created=created.astype(np.int64),
        posting_rate=posting_rate,
        appeal=appeal,
        reactivity=np.where(is_bot | is_fake, 0.0, reactivity),
        popularity=np.where(is_fake, 0.0, popularity),
        following=following,
        follow_back=np.where(is_fake, 0.0, follow_back),
        offline_reach=offline_reach,
        offline_median=offline_median,
        offline_sigma=offline_sigma,
        offline_eps=offline_eps,
        popularity_z=popularity_z,
        popularity_global_z=popularity_global_z,
        credibility=credibility,
        mention_rate=mention_rate,
        order_value_median=order_value_median,
        order_value_z=order_value_z,
        expertise=expertise,
        interests=interests,
        bought=bought,
        pod=pod,
        ring=ring,
        ring_is_bot=np.array(ring_is_bot, dtype=bool),
        ring_formed=np.concatenate(ring_formed) if ring_formed else np.zeros(0, dtype=np.int64),
        is_fake=is_fake,
        is_bot=is_bot,
        is_human=real & ~is_bot,
        role=role,
    )


def order_value_of(pop: _Population, sigma: float) -> np.ndarray:
    """Mean revenue per conversion per account: persona median x exp(``order_value_sigma`` x its own draw)."""
    return pop.order_value_median * np.exp(sigma * pop.order_value_z)


def offline_reach_of(pop: _Population, corr: float) -> np.ndarray:
    """Offline reach per account for ``OutcomeConfig.offline_online_corr`` = ``corr``.

    Each account's persona draw ``log r0 = log median + sigma x eps`` is standardised over the accounts that
    have offline reach (``e0``, mean m and standard deviation s of log r0) and mixed with the account's
    standardised log popularity over all humans (``z``): ``log r = m + s x (corr x z + sqrt(1 - corr^2) x e0)``.
    At 0 offline reach is the persona draw (speakers and celebrities high, whatever their audience); at 1 it
    is a function of online popularity alone, so the people popular online are the ones with offline reach.
    The spread and the typical level of offline reach stay the same at every value. The scripted case users
    keep their set reach; bots and fake followers have none.
    """
    has = (pop.offline_median > 0) & ~pop.is_fake
    base = np.log(np.where(has, pop.offline_median, 1.0)) + pop.offline_sigma * pop.offline_eps
    m, s = base[has].mean(), max(base[has].std(), 1e-12)
    e0 = (base - m) / s
    mix = corr * pop.popularity_global_z + np.sqrt(max(1.0 - corr * corr, 0.0)) * e0
    drawn = np.where(has, np.exp(m + s * mix), 0.0)
    return np.where(np.isnan(pop.offline_reach), drawn, pop.offline_reach)


#: Scripted case users whose attention draw is set to the median (u = 0): the blogger, the speaker, the asthma
#: joker and the dinosaur fan. Their attention is then exp(-sigma^2 / 2) (0.73 at the default sigma 0.8), so
#: their placement still moves with ``attention_sigma``: the blogger's calibration holds at the default only.
_MEDIAN_ATTENTION = (0, 2, 3, 4)


def _draw_audience(cfg: WorldConfig, pop: _Population, rng: np.random.Generator) -> None:
    """Reaction attention per account (:class:`~.config.AudienceConfig`), on its own random stream."""
    a = cfg.audience
    rho = a.attention_popularity_corr
    eps = rng.standard_normal(pop.n)
    u = rho * pop.popularity_z + np.sqrt(max(1.0 - rho * rho, 0.0)) * eps
    u[list(_MEDIAN_ATTENTION)] = 0.0
    pop.attention_u = u
    pop.attention = np.exp(a.attention_sigma * u - a.attention_sigma**2 / 2.0)


def click_attention_of(pop: _Population, sigma: float, corr: float, eta: np.ndarray) -> np.ndarray:
    """Click attention c_j: log c = sigma x (corr x u + sqrt(1 - corr^2) x eta) - sigma^2 / 2 (mean 1)."""
    mix = corr * pop.attention_u + np.sqrt(max(1.0 - corr * corr, 0.0)) * eta
    mix[list(_MEDIAN_ATTENTION)] = 0.0
    return np.exp(sigma * mix - sigma**2 / 2.0)
