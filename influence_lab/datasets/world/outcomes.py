"""Mechanism 6, outcomes: the expected influence (``true_*_influence``) and the drawn monthly
clicks, conversions, revenue, referrals and invitations.
"""

from __future__ import annotations

import numpy as np

from influence_lab.datasets.world.activity import _Posts
from influence_lab.datasets.world.config import (
    N_DAYS,
    SECONDS_PER_DAY,
    TOPICS,
    WORLD_END_SECONDS,
    _MONTH_STARTS,
    _T,
    WorldConfig,
    _seconds,
)
from influence_lab.datasets.world.engagement import _Activity
from influence_lab.datasets.world.follows import _Edges
from influence_lab.datasets.world.population import _Population


def _human_followers_at(pop: _Population, edges: _Edges, when: int) -> np.ndarray:
    active = (edges.start <= when) & (edges.end > when) & pop.is_human[edges.follower]
    return np.bincount(edges.followee[active], minlength=pop.n)


def _organic_pair(pop: _Population, actor: np.ndarray, target: np.ndarray) -> np.ndarray:
    """True where ``actor`` engaging ``target`` can bring a click: a human, not the target, not in its ring or pod."""
    same_ring = (pop.ring[actor] >= 0) & (pop.ring[actor] == pop.ring[target])
    return pop.is_human[actor] & (actor != target) & ~same_ring


def _expected_reactions_per_post(cfg: WorldConfig, pop: _Population, edges: _Edges, when: int) -> np.ndarray:
    """Expected first-hand organic human reactions to one post of each author, at full availability.

    view_rate x author appeal x sum over the author's human followers at ``when`` (not in the author's ring
    or pod) of reactivity x expected topic factor; the topic factor is topic_match when the post's topic is
    one of the follower's interests, else topic_mismatch, averaged over the author's post topics (expertise,
    other interests, chat and jokes in the ActivityConfig shares, as the posts are drawn; bots post deals).
    """
    a, e = cfg.activity, cfg.engagement
    active = (edges.start <= when) & (edges.end > when)
    f, v = edges.follower[active], edges.followee[active]
    keep = _organic_pair(pop, f, v)
    f, v = f[keep], v[keep]
    n_expert = pop.expertise.sum(axis=1)
    other_interests = pop.interests & ~pop.expertise
    n_other = other_interests.sum(axis=1)
    topical = a.expertise_post_share + a.interest_post_share
    # Post-topic probabilities per author, with the same fallbacks as _draw_posts.
    w_expert = np.where(n_expert > 0, np.where(n_other > 0, a.expertise_post_share, topical), 0.0)
    w_other = np.where(n_other > 0, np.where(n_expert > 0, a.interest_post_share, topical), 0.0)
    topic_p = (w_expert / np.maximum(n_expert, 1))[:, None] * pop.expertise
    topic_p = topic_p + (w_other / np.maximum(n_other, 1))[:, None] * other_interests
    topic_p[pop.is_bot] = 0.0
    topic_p[pop.is_bot, TOPICS.index("deals")] = 1.0
    # Reactivity of followers interested in each topic, summed per followee (a loop over topics).
    react = pop.reactivity[f]
    interested = np.stack(
        [np.bincount(v, weights=react * pop.interests[f, t], minlength=pop.n) for t in range(_T)], axis=1
    )
    total = np.bincount(v, weights=react, minlength=pop.n)
    match_mass = (topic_p * interested).sum(axis=1)
    factor_mass = e.topic_mismatch * total + (e.topic_match - e.topic_mismatch) * match_mass
    return e.view_rate * pop.appeal * factor_mass


def _expected_influence(cfg: WorldConfig, pop: _Population, edges: _Edges) -> dict[str, np.ndarray]:
    """true_influence: expected conversions per 30.44-day month at full availability (definition, see docs).

    Online part: expected clicks x conversion_rate x credibility x (expertise share + rest x
    off_topic_conversion), where expected clicks = online_share x posting_rate x 30.44 days x
    [(1 - engaged_click_share) x click_through x appeal x view_rate x human followers on 2012-07-01
    + engaged_click_share x clicks_per_engagement x expected organic reactions per post
    (:func:`_expected_reactions_per_post`: followers on 2012-07-01, everyone fully available)].
    At engaged_click_share = 1 the online truth rests on the reactivity and interests of the people who
    follow, not on their number. Offline part: ((1 - online_share) x offline_strength x offline_reach x
    referral_rate x credibility + online_share x visibility_referral_rate x log(1 + human followers))
    x referral_conversion. Second-hand (reshare) audiences and reactions are left out: the definition is
    the first-hand expectation; it is a capacity, not the realised activity.
    """
    o = cfg.outcomes
    a = cfg.activity
    s = o.online_share
    share = o.engaged_click_share
    july = _seconds("2012-07-01")
    hf = _human_followers_at(pop, edges, july).astype(float)
    impressions = pop.posting_rate * 30.44 * cfg.engagement.view_rate * hf
    expert_share = np.where(pop.expertise.any(axis=1), a.expertise_post_share, 0.0)
    mix = expert_share + (1 - expert_share) * o.off_topic_conversion
    passive_clicks = s * o.click_through * (1.0 - share) * pop.appeal * impressions
    engaged_clicks = np.zeros(pop.n)
    if share > 0:
        reactions = pop.posting_rate * 30.44 * _expected_reactions_per_post(cfg, pop, edges, july)
        engaged_clicks = s * share * o.clicks_per_engagement * reactions
    online = (passive_clicks + engaged_clicks) * o.conversion_rate * pop.credibility * mix
    referrals = (1 - s) * o.offline_strength * pop.offline_reach * o.referral_rate * pop.credibility
    referrals = referrals + s * o.visibility_referral_rate * np.log1p(hf)
    offline = referrals * o.referral_conversion
    online[pop.is_fake] = 0.0
    offline[pop.is_fake] = 0.0
    return {"online": online, "offline": offline, "total": online + offline}


def _draw_outcomes(
    cfg: WorldConfig,
    pop: _Population,
    avail: np.ndarray,
    edges: _Edges,
    posts: _Posts,
    activity: _Activity,
    rng: np.random.Generator,
) -> dict[str, np.ndarray]:
    """Monthly outcomes per real account: arrays user, month, metric code, value."""
    o = cfg.outcomes
    s = o.online_share
    n = pop.n
    month = np.searchsorted(_MONTH_STARTS, posts.time, side="right") - 1
    mass = activity.impressions * pop.appeal[posts.author]
    cell = posts.author * 12 + month
    mass_expert = np.bincount(cell, weights=mass * posts.on_expertise, minlength=n * 12).reshape(n, 12)
    mass_other = np.bincount(cell, weights=mass * ~posts.on_expertise, minlength=n * 12).reshape(n, 12)
    # Engaged clicks: organic human reactions in 2012 (the ones in the events), by the month they happen.
    share = o.engaged_click_share
    eng_author = posts.author[activity.eng_post]
    organic = _organic_pair(pop, activity.eng_actor, eng_author) & (activity.eng_time < WORLD_END_SECONDS)
    eng_cell = eng_author[organic] * 12 + np.searchsorted(_MONTH_STARTS, activity.eng_time[organic], side="right") - 1
    eng_expert = posts.on_expertise[activity.eng_post[organic]]
    reactions_expert = np.bincount(eng_cell[eng_expert], minlength=n * 12).reshape(n, 12)
    reactions_other = np.bincount(eng_cell[~eng_expert], minlength=n * 12).reshape(n, 12)
    passive_rate = s * o.click_through * (1.0 - share)  # equals s x click_through exactly when share = 0
    engaged_rate = s * share * o.clicks_per_engagement
    clicks_expert = rng.poisson(passive_rate * mass_expert + engaged_rate * reactions_expert)
    clicks_other = rng.poisson(passive_rate * mass_other + engaged_rate * reactions_other)
    clicks = clicks_expert + clicks_other
    p_conv = np.clip(o.conversion_rate * pop.credibility, 0, 1)[:, None]
    conv_online = rng.binomial(clicks_expert, np.broadcast_to(p_conv, clicks.shape)) + rng.binomial(
        clicks_other, np.broadcast_to(np.clip(p_conv * o.off_topic_conversion, 0, 1), clicks.shape)
    )
    month_days = np.diff(np.append(_MONTH_STARTS // SECONDS_PER_DAY, N_DAYS))
    avail_month = np.add.reduceat(avail, _MONTH_STARTS[:12] // SECONDS_PER_DAY, axis=1) / month_days[None, :12]
    offline_factor = 1.0 - o.offline_availability_coupling * (1.0 - avail_month)
    hf = np.stack([_human_followers_at(pop, edges, int(t)) for t in _MONTH_STARTS[:12]], axis=1).astype(float)
    visibility = s * np.log1p(hf)
    offline = (1 - s) * o.offline_strength * pop.offline_reach[:, None] * pop.credibility[:, None] * offline_factor
    referrals = rng.poisson(offline * o.referral_rate + visibility * o.visibility_referral_rate)
    invitations = rng.poisson(offline * o.invitation_rate + visibility * o.visibility_invitation_rate)
    conv_offline = rng.binomial(referrals, o.referral_conversion)
    conversions = conv_online + conv_offline
    shape = o.order_value_shape
    revenue = rng.gamma(np.maximum(conversions * shape, 1e-12), (pop.order_value / shape)[:, None])
    revenue = np.where(conversions > 0, np.round(revenue, 2), 0.0)

    created_month = np.searchsorted(_MONTH_STARTS, np.maximum(pop.created, 0), side="right") - 1
    exists = (np.arange(12)[None, :] >= created_month[:, None]) & ~pop.is_fake[:, None]
    user, mon = np.nonzero(exists)
    values = np.stack(
        [clicks, conversions, revenue, referrals, invitations], axis=2
    )[user, mon]  # order of KNOWN_METRICS
    return {"user": user, "month": mon, "values": values.astype(float)}
