"""Mechanism 4, availability and posting: life events that lower availability, and the posts
(when, how often, on which topic, with what appeal) including the scripted case posts.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from influence_lab.datasets.world._common import _lognormal, _pick_from_lists, _ranked_lists
from influence_lab.datasets.world.config import (
    N_DAYS,
    SECONDS_PER_DAY,
    TOPICS,
    _CHAT,
    _JOKE,
    _T,
    WorldConfig,
    _seconds,
)
from influence_lab.datasets.world.population import _Population

# --------------------------------------------------------------------------------------
# Life events and availability
# --------------------------------------------------------------------------------------


def _draw_life_events(cfg: WorldConfig, pop: _Population, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Life events of people: user, type, start/end (seconds), availability multiplier."""
    lec = cfg.life_events
    people = np.flatnonzero(pop.is_human & (np.array(pop.persona_names)[pop.persona] != "brand"))
    people = people[people != 0]  # the blogger's events are scripted below
    span_days = N_DAYS + lec.lookback_days
    n_events = rng.poisson(lec.rate_per_year * span_days / 365.0, len(people))
    user = np.repeat(people, n_events)
    weights = np.array([e.weight for e in lec.types], dtype=float)
    kind = rng.choice(len(lec.types), size=len(user), p=weights / weights.sum())
    median = np.array([e.median_days for e in lec.types])[kind]
    sigma = np.array([e.sigma for e in lec.types])[kind]
    lo = np.array([e.availability_low for e in lec.types])[kind]
    hi = np.array([e.availability_high for e in lec.types])[kind]
    start_day = rng.integers(-lec.lookback_days, N_DAYS, len(user))
    duration = np.maximum(1, np.round(_lognormal(rng, median, sigma))).astype(np.int64)
    availability = lo + rng.random(len(user)) * (hi - lo)
    start = np.maximum(start_day * SECONDS_PER_DAY, pop.created[user] // SECONDS_PER_DAY * SECONDS_PER_DAY)
    end = start_day * SECONDS_PER_DAY + duration * SECONDS_PER_DAY
    keep = end > np.maximum(start, 0)
    names = np.array([e.name for e in lec.types], dtype=object)
    script = cfg.cases.blogger_life_events
    return {
        "user": np.concatenate((np.zeros(len(script), dtype=np.int64), user[keep])),
        "event": np.concatenate((np.array([s[0] for s in script], dtype=object), names[kind[keep]])),
        "start": np.concatenate((np.array([_seconds(s[1]) for s in script], dtype=np.int64), start[keep])),
        "end": np.concatenate((np.array([_seconds(s[2]) for s in script], dtype=np.int64), end[keep])),
        "availability": np.concatenate((np.array([s[3] for s in script], dtype=float), availability[keep])),
    }


def _availability(pop: _Population, life: dict[str, np.ndarray]) -> np.ndarray:
    """Availability per account per day of 2012: product of active life events, 0 before the account exists."""
    delta = np.zeros((pop.n, N_DAYS + 1))
    d0 = np.clip(np.floor_divide(life["start"], SECONDS_PER_DAY), 0, N_DAYS)
    d1 = np.clip(-np.floor_divide(-life["end"], SECONDS_PER_DAY), 0, N_DAYS)
    ok = d1 > d0
    log_a = np.log(np.maximum(life["availability"], 1e-3))
    np.add.at(delta, (life["user"][ok], d0[ok]), log_a[ok])
    np.add.at(delta, (life["user"][ok], d1[ok]), -log_a[ok])
    avail = np.exp(np.cumsum(delta[:, :N_DAYS], axis=1))
    born_day = np.floor_divide(pop.created, SECONDS_PER_DAY)
    avail[np.arange(N_DAYS)[None, :] < born_day[:, None]] = 0.0
    avail[pop.is_fake] = 0.0
    return avail


# --------------------------------------------------------------------------------------
# Posts
# --------------------------------------------------------------------------------------


@dataclass
class _Posts:
    author: np.ndarray
    time: np.ndarray
    topic: np.ndarray
    on_expertise: np.ndarray
    appeal: np.ndarray
    style: np.ndarray  # 0 topic, 1 chat, 2 joke, 3 bot, 4 scripted
    script: np.ndarray  # index into scripted texts, -1 otherwise
    mention: np.ndarray  # wants to mention someone
    mention_target: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))


def _draw_posts(cfg: WorldConfig, pop: _Population, avail: np.ndarray, rng: np.random.Generator) -> _Posts:
    a = cfg.activity
    day = np.arange(N_DAYS)
    weekday = (day + 6) % 7  # 2012-01-01 was a Sunday; Monday = 0
    factor = np.array(a.weekday_factors)[weekday]
    posting = np.flatnonzero(pop.posting_rate > 0)
    counts = rng.poisson(pop.posting_rate[posting, None] * avail[posting] * factor[None, :])
    uu, dd = np.nonzero(counts)
    c = counts[uu, dd]
    author = np.repeat(posting[uu], c)
    day_of = np.repeat(dd, c)
    hours_p = np.array(a.hour_weights, dtype=float)
    hour = rng.choice(24, size=len(author), p=hours_p / hours_p.sum())
    hour = np.where(pop.is_bot[author], rng.integers(0, 24, len(author)), hour)
    time = day_of * SECONDS_PER_DAY + hour * 3600 + rng.integers(0, 3600, len(author))

    # Topic: expertise, another interest, chat or joke.
    exp_lists, exp_counts = _ranked_lists(pop.expertise)
    int_lists, int_counts = _ranked_lists(pop.interests & ~pop.expertise)
    cuts = np.cumsum([a.expertise_post_share, a.interest_post_share, a.chat_post_share])
    cat = np.searchsorted(cuts, rng.random(len(author)), side="right")
    cat = np.where((cat == 1) & (int_counts[author] == 0), 0, cat)
    cat = np.where((cat == 0) & (exp_counts[author] == 0), np.where(int_counts[author] > 0, 1, 2), cat)
    topic = np.full(len(author), _CHAT, dtype=np.int64)
    m0, m1 = cat == 0, cat == 1
    topic[m0] = _pick_from_lists(rng, exp_lists, exp_counts, author[m0])
    topic[m1] = _pick_from_lists(rng, int_lists, int_counts, author[m1])
    topic[cat == 3] = _JOKE
    style = np.select([cat <= 1, cat == 2], [0, 1], 2)
    bot = pop.is_bot[author]
    topic[bot] = TOPICS.index("deals")
    style[bot] = 3
    on_exp = pop.expertise[author, np.minimum(topic, _T - 1)] & (topic < _T)
    appeal = pop.appeal[author] * np.exp(a.post_appeal_sigma * rng.standard_normal(len(author)))
    appeal *= np.select([style == 2, style == 1], [a.joke_appeal, a.chat_appeal], 1.0)
    script = np.full(len(author), -1, dtype=np.int64)

    # Scripted posts: the asthma joke and the dinosaur posts.
    c = cfg.cases
    s_time = np.array([_seconds(c.asthma_joke_time)] + [_seconds(x) for x in c.dino_post_times], dtype=np.int64)
    s_author = np.array([3] + [4] * len(c.dino_post_times), dtype=np.int64)
    s_topic = np.array([_JOKE] + [TOPICS.index("dinosaurs")] * len(c.dino_post_times), dtype=np.int64)
    s_appeal = np.concatenate(
        ([pop.appeal[3] * c.asthma_joke_appeal], np.full(len(c.dino_post_times), pop.appeal[4] * c.dino_appeal))
    )
    s_script = np.arange(len(s_time), dtype=np.int64)
    keep_s = s_time >= pop.created[s_author]
    author = np.concatenate((author, s_author[keep_s]))
    time = np.concatenate((time, s_time[keep_s]))
    topic = np.concatenate((topic, s_topic[keep_s]))
    on_exp = np.concatenate((on_exp, np.zeros(keep_s.sum(), dtype=bool)))
    appeal = np.concatenate((appeal, s_appeal[keep_s]))
    style = np.concatenate((style, np.full(keep_s.sum(), 4)))
    script = np.concatenate((script, s_script[keep_s]))
    mention = rng.random(len(author)) < pop.mention_rate[author]
    mention &= style != 4

    order = np.lexsort((author, time))
    return _Posts(
        author=author[order],
        time=time[order].astype(np.int64),
        topic=topic[order],
        on_expertise=on_exp[order],
        appeal=appeal[order],
        style=style[order].astype(np.int8),
        script=script[order],
        mention=mention[order],
    )
