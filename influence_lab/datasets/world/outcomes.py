"""Mechanism 6, outcomes: the expected influence (``true_*_influence``) and the drawn monthly
clicks, conversions, revenue, referrals and invitations.

Everything here runs after the events, on the outcome stream, so any :class:`~.config.OutcomeConfig`
field can be swept with the events (and every score) left identical.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from influence_lab.datasets.world.activity import _Posts
from influence_lab.datasets.world.config import (
    N_DAYS,
    SECONDS_PER_DAY,
    TOPICS,
    _MONTH_STARTS,
    _T,
    WorldConfig,
    _seconds,
)
from influence_lab.datasets.world.engagement import _Activity
from influence_lab.datasets.world.follows import _Edges
from influence_lab.datasets.world.population import (
    _Population,
    click_attention_of,
    offline_reach_of,
    order_value_of,
)

#: Days in the average month: the truth is a monthly rate.
MONTH_DAYS = 30.44
#: The day the truth's follower graph is read (mid-year).
TRUTH_DAY = "2012-07-01"


@dataclass
class _OutcomeDraws:
    """What the outcome stream draws before anything else: the click-attention noise eta per account."""

    eta: np.ndarray


def _outcome_draws(pop: _Population, rng: np.random.Generator) -> _OutcomeDraws:
    return _OutcomeDraws(eta=rng.standard_normal(pop.n))


def _attentive_followers_at(pop: _Population, edges: _Edges, dormant: np.ndarray, when: int) -> np.ndarray:
    """Non-dormant human followers of each account at ``when``: the people who can see its posts."""
    active = (edges.start <= when) & (edges.end > when) & pop.is_human[edges.follower] & ~dormant
    return np.bincount(edges.followee[active], minlength=pop.n)


def _organic_pair(pop: _Population, actor: np.ndarray, target: np.ndarray) -> np.ndarray:
    """True where ``actor`` engaging ``target`` is interest, not duty: a human, not the target, not in its ring or pod."""
    same_ring = (pop.ring[actor] >= 0) & (pop.ring[actor] == pop.ring[target])
    return pop.is_human[actor] & (actor != target) & ~same_ring


def _post_appeal_factor(cfg: WorldConfig, pop: _Population) -> np.ndarray:
    """Mean appeal multiplier of an account's posts over its own appeal: the lognormal's mean x the style mix."""
    a = cfg.activity
    lognormal_mean = np.exp(a.post_appeal_sigma**2 / 2.0)
    topical = a.expertise_post_share + a.interest_post_share
    style_mix = topical + a.chat_post_share * a.chat_appeal + a.joke_post_share * a.joke_appeal
    return lognormal_mean * np.where(pop.is_bot, 1.0, style_mix)


def _topic_mass(cfg: WorldConfig, pop: _Population, f: np.ndarray, v: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Per followee v: sum over its followers f of weight x reactivity_f x the expected topic factor.

    The topic factor is topic_match when the post's topic is one of the follower's interests, else
    topic_mismatch, averaged over the followee's post topics (expertise, other interests, chat and jokes in the
    ActivityConfig shares, as the posts are drawn; bots post deals).
    """
    a, e = cfg.activity, cfg.engagement
    n_expert = pop.expertise.sum(axis=1)
    other_interests = pop.interests & ~pop.expertise
    n_other = other_interests.sum(axis=1)
    topical = a.expertise_post_share + a.interest_post_share
    w_expert = np.where(n_expert > 0, np.where(n_other > 0, a.expertise_post_share, topical), 0.0)
    w_other = np.where(n_other > 0, np.where(n_expert > 0, a.interest_post_share, topical), 0.0)
    topic_p = (w_expert / np.maximum(n_expert, 1))[:, None] * pop.expertise
    topic_p = topic_p + (w_other / np.maximum(n_other, 1))[:, None] * other_interests
    topic_p[pop.is_bot] = 0.0
    topic_p[pop.is_bot, TOPICS.index("deals")] = 1.0
    react = pop.reactivity[f] * weight
    interested = np.stack(
        [np.bincount(v, weights=react * pop.interests[f, t], minlength=pop.n) for t in range(_T)], axis=1
    )
    total = np.bincount(v, weights=react, minlength=pop.n)
    match_mass = (topic_p * interested).sum(axis=1)
    return e.topic_mismatch * total + (e.topic_match - e.topic_mismatch) * match_mass


def _expected_cascade(
    cfg: WorldConfig, pop: _Population, f: np.ndarray, v: np.ndarray, audience: np.ndarray, appeal: np.ndarray
) -> np.ndarray:
    """Expected attentive audience that organic reshares add to one post of each author (all generations).

    A reshare by f shows the post to f's attentive audience; f's followers h react with chance view_rate x a_f x
    appeal x decay^g x reactivity_h x topic factor and reshare with the reshare share of reactions, as the events
    are drawn. The first generation uses the author's post topics (:func:`_topic_mass`); deeper ones use each
    follower's topic factor averaged over the topic mix of all posts (an approximation). Generations stop at
    ``max_generations``, as in the events.
    """
    e, act = cfg.engagement, cfg.activity
    p_reshare = dict(e.kind_probs).get("reshare", 0.0)
    base = np.array([dict(cfg.topic_weights).get(t, 0.1) for t in TOPICS], dtype=float)
    topical = act.expertise_post_share + act.interest_post_share
    interested = topical * (pop.interests @ (base / base.sum()))
    mean_factor = e.topic_mismatch + (e.topic_match - e.topic_mismatch) * interested
    # W[f, h] = view x a_f x reactivity_h x mean factor_h x p_reshare over the attentive organic pairs h -> f.
    w_edge = e.view_rate * pop.attention[v] * pop.reactivity[f] * mean_factor[f] * p_reshare
    levels = [audience.astype(float)]  # U_k = W^k H, k = 0 .. max_generations - 1
    for _ in range(1, e.max_generations):
        levels.append(np.bincount(v, weights=w_edge * levels[-1][f], minlength=pop.n))
    total = np.zeros(pop.n)
    step = np.ones(pop.n)
    sigma2 = act.post_appeal_sigma**2
    for k, level in enumerate(levels):  # reshares of generation k + 1 reach U_k further down
        if k > 0:
            step = step * appeal * e.cascade_decay**k
        # A post's appeal enters its clicks and its reshares: for its lognormal spread the mean of appeal^2 is
        # exp(sigma^2) times the squared mean. Deeper powers are not applied: a post's audience is finite (a follower
        # reacts once), which caps the gain of very appealing posts; the cap is what the events show.
        total += step * np.exp(sigma2) * _topic_mass(cfg, pop, f, v, level[f])
    return e.view_rate * pop.attention * appeal * p_reshare * total


def _expected_audience(
    cfg: WorldConfig, pop: _Population, edges: _Edges, dormant: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(attentive human followers on 1 July, the expected audience organic reshares add): events only.

    Nothing here reads OutcomeConfig, so the outcome variants of one world compute it once.
    """
    when = _seconds(TRUTH_DAY)
    first_hand = _attentive_followers_at(pop, edges, dormant, when).astype(float)
    active = (edges.start <= when) & (edges.end > when) & ~dormant & ~pop.is_fake[edges.follower]
    f, v = edges.follower[active], edges.followee[active]
    keep = _organic_pair(pop, f, v)
    f, v = f[keep], v[keep]
    appeal = pop.appeal * _post_appeal_factor(cfg, pop)
    return first_hand, _expected_cascade(cfg, pop, f, v, first_hand, appeal)


def _expected_influence(
    cfg: WorldConfig,
    pop: _Population,
    edges: _Edges,
    dormant: np.ndarray,
    eta: np.ndarray,
    audience: tuple[np.ndarray, np.ndarray] | None = None,
) -> dict[str, np.ndarray]:
    """true_influence: expected conversions per month (30.44 days) at full availability (see data/README.md).

    Online: online_share x posting_rate x 30.44 x mean post appeal x click_through x view_rate x c_j x
    (attentive human followers on 1 July + the expected attentive audience its organic reshares add,
    :func:`_expected_cascade`) x conversion_rate x credibility x (expertise share + rest x off_topic_conversion).
    Offline: ((1 - online_share) x offline_strength x offline_reach x referral_rate + online_share x
    visibility_referral_rate x log(1 + attentive human followers)) x credibility x referral_conversion.
    Invitations are opportunities, not business outcomes: they are in ``outcomes`` but not in the truth.
    The duty engagement of rings and pods is left out: the truth is a capacity of the account, not its
    realised year.
    """
    o, a, e = cfg.outcomes, cfg.activity, cfg.engagement
    s = o.online_share
    click = click_attention_of(pop, cfg.audience.attention_sigma, o.click_attention_corr, eta)
    first_hand, cascade = audience if audience is not None else _expected_audience(cfg, pop, edges, dormant)
    appeal = pop.appeal * _post_appeal_factor(cfg, pop)
    clicks = s * pop.posting_rate * MONTH_DAYS * appeal * o.click_through * e.view_rate * click
    clicks = clicks * (first_hand + cascade)
    expert_share = np.where(pop.expertise.any(axis=1), a.expertise_post_share, 0.0)
    mix = expert_share + (1 - expert_share) * o.off_topic_conversion
    online = clicks * o.conversion_rate * pop.credibility * mix
    reach = offline_reach_of(pop, o.offline_online_corr)
    referrals = (1 - s) * o.offline_strength * reach * o.referral_rate * pop.credibility
    visible = s * o.visibility_referral_rate * pop.credibility * np.log1p(first_hand)
    offline = (referrals + visible) * o.referral_conversion
    online[pop.is_fake] = 0.0
    offline[pop.is_fake] = 0.0
    return {
        "online": online,
        "offline": offline,
        "total": online + offline,
        "click_attention": click,
        "offline_reach": reach,
        "order_value": order_value_of(pop, o.order_value_sigma),
    }


def _draw_outcomes(
    cfg: WorldConfig,
    pop: _Population,
    avail: np.ndarray,
    edges: _Edges,
    dormant: np.ndarray,
    posts: _Posts,
    activity: _Activity,
    draws: _OutcomeDraws,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Monthly outcomes per real account: arrays user, month, metric code, value.

    Impressions of each post ~ Poisson(view_rate x c_author x its attentive audience); clicks ~
    Poisson(click_through x post appeal x impressions), summed per user and month; conversions ~
    Binomial(clicks, conversion_rate x credibility, lower off the author's expertise); referrals and
    invitations from offline reach and online visibility; revenue an order value per conversion.
    """
    o = cfg.outcomes
    s = o.online_share
    n = pop.n
    click = click_attention_of(pop, cfg.audience.attention_sigma, o.click_attention_corr, draws.eta)
    impressions = rng.poisson(cfg.engagement.view_rate * click[posts.author] * activity.audience)
    month = np.searchsorted(_MONTH_STARTS, posts.time, side="right") - 1
    mass = s * o.click_through * posts.appeal * impressions
    cell = posts.author * 12 + month
    mass_expert = np.bincount(cell, weights=mass * posts.on_expertise, minlength=n * 12).reshape(n, 12)
    mass_other = np.bincount(cell, weights=mass * ~posts.on_expertise, minlength=n * 12).reshape(n, 12)
    clicks_expert = rng.poisson(mass_expert)
    clicks_other = rng.poisson(mass_other)
    clicks = clicks_expert + clicks_other
    p_conv = np.clip(o.conversion_rate * pop.credibility, 0, 1)[:, None]
    conv_online = rng.binomial(clicks_expert, np.broadcast_to(p_conv, clicks.shape)) + rng.binomial(
        clicks_other, np.broadcast_to(np.clip(p_conv * o.off_topic_conversion, 0, 1), clicks.shape)
    )
    month_days = np.diff(np.append(_MONTH_STARTS // SECONDS_PER_DAY, N_DAYS))
    avail_month = np.add.reduceat(avail, _MONTH_STARTS[:12] // SECONDS_PER_DAY, axis=1) / month_days[None, :12]
    offline_factor = 1.0 - o.offline_availability_coupling * (1.0 - avail_month)
    attentive = np.stack(
        [_attentive_followers_at(pop, edges, dormant, int(t)) for t in _MONTH_STARTS[:12]], axis=1
    ).astype(float)
    visibility = s * pop.credibility[:, None] * np.log1p(attentive)
    reach = offline_reach_of(pop, o.offline_online_corr)
    offline = (1 - s) * o.offline_strength * reach[:, None] * pop.credibility[:, None] * offline_factor
    referrals = rng.poisson(offline * o.referral_rate + visibility * o.visibility_referral_rate)
    invitations = rng.poisson(offline * o.invitation_rate + visibility * o.visibility_invitation_rate)
    conv_offline = rng.binomial(referrals, o.referral_conversion)
    conversions = conv_online + conv_offline
    shape = o.order_value_shape
    order_value = order_value_of(pop, o.order_value_sigma)
    revenue = rng.gamma(np.maximum(conversions * shape, 1e-12), (order_value / shape)[:, None])
    revenue = np.where(conversions > 0, np.round(revenue, 2), 0.0)

    created_month = np.searchsorted(_MONTH_STARTS, np.maximum(pop.created, 0), side="right") - 1
    exists = (np.arange(12)[None, :] >= created_month[:, None]) & ~pop.is_fake[:, None]
    user, mon = np.nonzero(exists)
    values = np.stack(
        [clicks, conversions, revenue, referrals, invitations], axis=2
    )[user, mon]  # order of KNOWN_METRICS
    return {"user": user, "month": mon, "values": values.astype(float)}
