"""Constants and configuration of the synthetic world: the calendar of 2012, the topics, and the
frozen dataclasses :class:`PersonaConfig` ... :class:`WorldConfig` that hold every parameter.

Each dataclass field is documented (``#:``) with meaning, unit, default and source.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd

from influence_lab.contract import EVENT_KINDS

# --------------------------------------------------------------------------------------
# Calendar
# --------------------------------------------------------------------------------------

SECONDS_PER_DAY = 86_400
#: First instant of the simulated year (UTC).
WORLD_START = pd.Timestamp("2012-01-01T00:00:00Z")
#: Days simulated: 2012-01-01 .. 2012-12-31 (2012 is a leap year).
N_DAYS = 366
WORLD_END_SECONDS = N_DAYS * SECONDS_PER_DAY
_NEVER = np.int64(2**62)
_WEEK = 7 * SECONDS_PER_DAY
_N_WEEKS = math.ceil(N_DAYS / 7)
#: Month starts of 2012 in seconds after WORLD_START.
_MONTH_STARTS = (
    (pd.date_range("2012-01-01", periods=13, freq="MS", tz="UTC") - WORLD_START).total_seconds().astype(np.int64)
).to_numpy()
#: Width of the numeric part of user ids ("u00001"); a world has at most 99,999 accounts.
ID_WIDTH = 5
POST_ID_WIDTH = 7


def _seconds(iso: str) -> int:
    """Seconds from WORLD_START to an ISO date or time (UTC)."""
    ts = pd.Timestamp(iso)
    ts = ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")
    return int((ts - WORLD_START).total_seconds())


# --------------------------------------------------------------------------------------
# Topics
# --------------------------------------------------------------------------------------

#: Topic names in a fixed order (the index is the topic code inside the generator).
TOPICS: tuple[str, ...] = (
    "pr", "marketing", "social_media", "journalism", "politics", "technology", "sports", "food", "travel",
    "music", "film_tv", "books", "parenting", "health", "finance", "dinosaurs", "education", "deals",
)
#: Post topics that are nobody's expertise: everyday chat and jokes.
CHAT_TOPIC = "chat"
JOKE_TOPIC = "joke"
POST_TOPICS: tuple[str, ...] = TOPICS + (CHAT_TOPIC, JOKE_TOPIC)
_T = len(TOPICS)
_CHAT = _T
_JOKE = _T + 1


# --------------------------------------------------------------------------------------
# Configuration
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PersonaConfig:
    """How accounts of one persona behave.

    Lognormal traits are given by their median and the sigma of their log
    (so ``median * exp(sigma * N(0, 1))``). Unless a field cites FACTS.md, its
    default is an assumption chosen to give 2012-like orders of magnitude; the
    notebooks state it as such.
    """

    #: Persona name, stored in ``users.persona``.
    name: str
    #: Share of the real (non-fake) accounts with this persona; shares sum to 1.
    share: float
    #: Median posts per day at full availability (true_posting_rate).
    posting_rate: float
    #: Sigma of log posting rate.
    posting_sigma: float
    #: Median content appeal (1 = typical): multiplies every viewer's chance to react and the click-through.
    appeal: float
    #: Sigma of log appeal.
    appeal_sigma: float
    #: Median reactivity: probability of reacting to a post of appeal 1 on a topic of interest that the
    #: account sees while fully available. Most users are passive (Romero et al. 2011, FACTS.md [checked]).
    reactivity: float
    #: Sigma of log reactivity.
    reactivity_sigma: float
    #: Median popularity (fitness): how attractive the account is to follow, relative to 1.
    popularity: float
    #: Sigma of log popularity; the heavy tail of follower counts comes from this and attachment.
    popularity_sigma: float
    #: Median number of accounts followed by the end of 2012 (follows made over the account's life).
    following: float
    #: Sigma of log following.
    following_sigma: float
    #: Probability of following back a new (real) follower.
    follow_back: float
    #: Median people reached offline per month in a way that can persuade (talks, classes, clients).
    offline_reach: float
    #: Sigma of log offline reach.
    offline_sigma: float
    #: Mean credibility in [0, 1] (Beta with concentration 10): multiplies conversion and referral rates.
    credibility: float
    #: Number of topics of real expertise (true_topics).
    expertise_topics: int
    #: Multipliers of the base topic weights when drawing expertise (e.g. (("pr", 8.0),)).
    topic_boosts: tuple[tuple[str, float], ...]
    #: Share of posts that mention another account (a followee).
    mention_rate: float
    #: Median revenue per conversion, USD (the value of what the account promotes).
    order_value: float


def _p(*args: Any) -> PersonaConfig:
    return PersonaConfig(*args)


#: Default personas of the real accounts (fake followers are configured in :class:`GamingConfig`).
#: Shares: most accounts are lurkers or everyday users (passivity, Romero et al. 2011 [checked]);
#: a few celebrities; bots at 0.5%. All other numbers are assumptions.
DEFAULT_PERSONAS: tuple[PersonaConfig, ...] = (
    # name, share, posts/day, sd, appeal, sd, reactivity, sd, popularity, sd, following, sd, follow_back,
    # offline_reach, sd, credibility, expertise_topics, topic_boosts, mention_rate, order_value
    _p("lurker",       0.55, 0.01, 1.0, 0.6, 0.5, 0.008, 0.8, 0.3, 1.0, 40, 0.9, 0.14, 5, 1.0, 0.35, 1, (), 0.05, 40.0),
    _p("everyday",     0.30, 0.12, 1.0, 1.0, 0.5, 0.030, 0.8, 1.0, 1.0, 70, 0.8, 0.35, 20, 1.0, 0.40, 2, (),
       0.25, 40.0),
    _p("pr_marketing", 0.06, 0.90, 0.8, 1.2, 0.5, 0.050, 0.6, 2.5, 1.0, 220, 0.7, 0.45, 60, 0.8, 0.50, 3,
       (("pr", 12.0), ("marketing", 10.0), ("social_media", 10.0)), 0.30, 150.0),
    _p("journalist",   0.03, 1.20, 0.7, 1.4, 0.5, 0.020, 0.6, 6.0, 1.0, 200, 0.7, 0.20, 80, 0.8, 0.60, 2,
       (("journalism", 12.0), ("politics", 4.0), ("technology", 2.0), ("sports", 2.0), ("finance", 2.0)),
       0.20, 60.0),
    _p("brand",        0.03, 0.80, 0.6, 0.8, 0.5, 0.005, 0.5, 4.0, 1.0, 100, 0.8, 0.10, 30, 0.8, 0.50, 1,
       (("deals", 15.0), ("food", 3.0), ("technology", 2.0), ("travel", 2.0)), 0.15, 80.0),
    _p("celebrity",    0.005, 1.5, 0.6, 2.5, 0.4, 0.005, 0.5, 60.0, 0.7, 80, 0.7, 0.02, 3000, 0.8, 0.40, 1,
       (("music", 5.0), ("film_tv", 5.0), ("sports", 4.0)), 0.10, 50.0),
    _p("speaker",      0.02, 0.10, 0.8, 1.3, 0.5, 0.020, 0.6, 2.0, 1.0, 120, 0.7, 0.30, 600, 0.7, 0.75, 2,
       (("education", 10.0), ("marketing", 3.0), ("pr", 3.0), ("books", 3.0), ("technology", 2.0)),
       0.20, 300.0),
    _p("bot",          0.005, 4.0, 0.6, 0.05, 0.3, 0.0, 0.0, 0.1, 0.5, 600, 0.5, 0.90, 0, 0.0, 0.005, 0, (),
       0.05, 20.0),
)

#: Base weight of each topic when drawing expertise and interests (how common the topic is). Assumption.
DEFAULT_TOPIC_WEIGHTS: tuple[tuple[str, float], ...] = (
    ("pr", 0.3), ("marketing", 0.5), ("social_media", 0.6), ("journalism", 0.3), ("politics", 1.0),
    ("technology", 1.2), ("sports", 1.5), ("food", 1.2), ("travel", 1.0), ("music", 1.3), ("film_tv", 1.3),
    ("books", 0.8), ("parenting", 0.8), ("health", 0.8), ("finance", 0.6), ("dinosaurs", 0.15),
    ("education", 0.5), ("deals", 0.1),
)


@dataclass(frozen=True)
class GraphConfig:
    """The follower graph: preferential attachment with fitness, topic homophily, follow-back."""

    #: Share of a user's follows drawn among accounts expert in one of the user's interests (topic
    #: homophily); the rest are drawn among all accounts. Assumption.
    topic_homophily: float = 0.5
    #: k0 in the attachment weight (followers + k0) x popularity: larger k0 weakens "rich get richer".
    attachment_offset: float = 1.0
    #: Multiplies every persona's follow_back probability. Calibrates reciprocity near 22% of linked pairs
    #: (Kwak et al. 2010; FACTS.md marks the 22.1% as [unchecked]).
    follow_back_scale: float = 1.1
    #: Mean delay before a follow-back, days.
    follow_back_delay_days: float = 2.0
    #: Probability that an organic follow active in 2012 is undone during 2012 (unfollow events).
    unfollow_rate: float = 0.03
    #: Relative number of accounts created in each year (uniform within the year). Twitter launched in
    #: 2006 and grew fastest in 2009-2011. Assumption.
    created_year_weights: tuple[tuple[int, float], ...] = (
        (2007, 0.04), (2008, 0.10), (2009, 0.28), (2010, 0.26), (2011, 0.24), (2012, 0.08)
    )
    #: Expected extra topics of interest per account beyond its expertise.
    extra_interests: float = 1.5


@dataclass(frozen=True)
class ActivityConfig:
    """Posting: when, how often and about what."""

    #: Posting multiplier per weekday, Monday..Sunday (mean 1). Assumption: weekends quieter.
    weekday_factors: tuple[float, ...] = (1.08, 1.12, 1.12, 1.08, 1.0, 0.82, 0.78)
    #: Relative posting weight per UTC hour 0..23 (a US-centred day). Assumption.
    hour_weights: tuple[float, ...] = (
        3, 2, 1.5, 1, 1, 1, 1.5, 2, 3, 4, 5, 5.5, 6, 6.5, 7, 7, 7, 6.5, 6, 6, 5.5, 5, 4.5, 4
    )
    #: Share of a human's posts about a topic of their expertise.
    expertise_post_share: float = 0.60
    #: Share about one of their other interests (they know it less well).
    interest_post_share: float = 0.15
    #: Share of off-topic everyday chat (topic "chat").
    chat_post_share: float = 0.17
    #: Share of jokes (topic "joke"), which borrow a keyword from a random topic: realistic topic noise.
    joke_post_share: float = 0.08
    #: Sigma of the log of a post's appeal around its author's appeal: heavy-tailed engagement.
    post_appeal_sigma: float = 0.9
    #: Appeal multiplier of jokes (they travel further than shop talk). Assumption.
    joke_appeal: float = 1.5
    #: Appeal multiplier of everyday chat.
    chat_appeal: float = 0.5


@dataclass(frozen=True)
class EngagementConfig:
    """How posts are seen, reacted to and passed on."""

    #: Probability that a non-dormant follower sees a given post (or reshare) of an author of attention 1
    #: (:class:`AudienceConfig`). With 40% of follows dormant, 0.15 lets about 9% of all followers see a post:
    #: Klout's 2010 primer put "True Reach" at about 10% of followers (FACTS.md [checked]); we use that order
    #: of magnitude (our assumption).
    view_rate: float = 0.15
    #: Topic factor of a reaction when the post's topic is one of the viewer's interests.
    topic_match: float = 1.0
    #: Topic factor otherwise (chat, jokes and other topics).
    topic_mismatch: float = 0.35
    #: Kinds of a follower's reaction and their probabilities (like = a 2012 "favorite").
    kind_probs: tuple[tuple[str, float], ...] = (("like", 0.55), ("reshare", 0.30), ("reply", 0.15))
    #: Appeal multiplier per reshare generation (novelty wears off); keeps cascades finite.
    cascade_decay: float = 0.6
    #: Reshare generations followed at most.
    max_generations: int = 8
    #: Mean delay of a reaction after the post or reshare is made, hours.
    delay_hours: float = 3.0
    #: Probability that a second-hand engager who does not follow the author starts following.
    follow_on_engage: float = 0.10
    #: Probability that a second-hand viewer of a post of appeal 1 follows its author (exposure follows).
    follow_per_view: float = 0.004
    #: Probability that each other bot of a ring engages with a ring member's post.
    bot_ring_engage: float = 0.12
    #: Kinds of ring engagement among bots.
    bot_ring_kinds: tuple[tuple[str, float], ...] = (("reshare", 0.6), ("like", 0.4))
    #: Probability that each other member of an engagement pod engages with a member's post.
    pod_engage: float = 0.5
    #: Kinds of pod engagement.
    pod_kinds: tuple[tuple[str, float], ...] = (("like", 0.6), ("reply", 0.25), ("reshare", 0.15))
    #: Mean delay of ring and pod engagement, hours (automated or committed).
    ring_delay_hours: float = 0.5


@dataclass(frozen=True)
class TextConfig:
    """How post texts are written from the topic vocabularies (:mod:`~influence_lab.datasets.world.vocabulary`).

    A topic method must read these texts to find a post's topic: the true topic is in
    ``truth["true_post_topics"]`` only. All numbers are assumptions.
    """

    #: Probability that a word of a topic post is drawn from a random other topic instead (noise), any
    #: of the 17 others with equal chance. Probability per content word; default 0.10. Assumption.
    keyword_noise: float = 0.10
    #: Probability that a word of a topic post comes from one of the topic's related topics
    #: (``vocabulary.RELATED_TOPICS``: a PR post talks marketing). Probability per content word; default
    #: 0.15. Assumption.
    related_word_share: float = 0.15
    #: Probability that a content slot after the first holds a generic phrase ("the future", "my team")
    #: instead of a topic word. Probability per slot; default 0.20. Assumption.
    filler_word_share: float = 0.20
    #: Exponent s of the rank-frequency law of a topic's words (and hashtags): the word of rank r is drawn
    #: with probability proportional to r**-s (Zipf's law has s near 1). Dimensionless; default 1.0;
    #: 0 draws uniformly. Assumption.
    zipf_exponent: float = 1.0
    #: Fewest content (topic) words in a topic post. Words; default 2. Assumption.
    min_words: int = 2
    #: Most content words in a topic post (2..4: the frames of ``vocabulary.POST_TEMPLATES``). Words;
    #: default 4; the count is uniform between min_words and max_words. Assumption.
    max_words: int = 4
    #: Share of topic posts ending with a hashtag. Probability; default 0.30. Assumption (a 2012-like order
    #: of magnitude, not a measured rate).
    hashtag_share: float = 0.30
    #: Share of those hashtags that are the topic's own (``vocabulary.TOPIC_HASHTAGS``); the rest are generic
    #: (#FF, #tgif). Probability; default 0.65. Assumption.
    topic_hashtag_share: float = 0.65
    #: Share of topic posts that carry a link (``http://t.co/`` + 8 characters). Probability; default 0.30.
    #: Assumption.
    link_share: float = 0.30
    #: Share of topic posts ending with an emoticon or interjection (" :)", " lol"). Probability; default
    #: 0.20. Assumption.
    closer_share: float = 0.20
    #: Share of chat posts that drop one word of a random topic casually ("Off to the gym. Then brunch
    #: later."). Probability; default 0.15. Assumption.
    chat_topic_word_share: float = 0.15
    #: Share of chat posts ending with a generic hashtag. Probability; default 0.10. Assumption.
    chat_hashtag_share: float = 0.10
    #: Share of chat posts that carry a link (a photo). Probability; default 0.10. Assumption.
    chat_link_share: float = 0.10

    def check(self) -> None:
        """Raise ValueError naming the field when texts cannot be written with these numbers."""
        for name in ("keyword_noise", "related_word_share", "filler_word_share", "hashtag_share",
                     "topic_hashtag_share", "link_share", "closer_share", "chat_topic_word_share",
                     "chat_hashtag_share", "chat_link_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"TextConfig.{name}={value} must be in [0, 1].")
        if not self.zipf_exponent >= 0.0:
            raise ValueError(f"TextConfig.zipf_exponent={self.zipf_exponent} must be >= 0.")
        if not 2 <= self.min_words <= self.max_words <= 4:
            raise ValueError(
                f"TextConfig: need 2 <= min_words <= max_words <= 4 (the post frames hold 2-4 words), "
                f"got min_words={self.min_words}, max_words={self.max_words}."
            )


@dataclass(frozen=True)
class LifeEventType:
    """One kind of life event that lowers a person's availability."""

    #: Name stored in ``true_life_events.event``.
    name: str
    #: Relative frequency among life events.
    weight: float
    #: Median duration, days.
    median_days: float
    #: Sigma of log duration.
    sigma: float
    #: Availability during the event is uniform in [availability_low, availability_high] (1 = unaffected).
    availability_low: float
    availability_high: float


@dataclass(frozen=True)
class LifeEventConfig:
    """Life events of people (not brands, bots or fake accounts). All numbers are assumptions."""

    #: Life events per person per year.
    rate_per_year: float = 0.8
    #: Events can start this many days before 2012 (and still be going on in January).
    lookback_days: int = 180
    #: The kinds of event, after the blog post: "several major projects", "my wife's pregnancy",
    #: "searching for a new house", "the Game of Thrones series"; plus holidays.
    types: tuple[LifeEventType, ...] = (
        LifeEventType("busy_job", 0.35, 75, 0.6, 0.30, 0.70),
        LifeEventType("new_baby", 0.12, 150, 0.3, 0.15, 0.50),
        LifeEventType("house_hunt", 0.18, 60, 0.5, 0.50, 0.80),
        LifeEventType("book_series", 0.15, 45, 0.5, 0.60, 0.90),
        LifeEventType("vacation", 0.20, 10, 0.4, 0.05, 0.30),
    )


@dataclass(frozen=True)
class GamingConfig:
    """Bought followers, engagement pods and bot rings."""

    #: Share of accounts per persona that buy followers (true_gaming "bought_followers").
    bought_share: tuple[tuple[str, float], ...] = (
        ("pr_marketing", 0.08), ("everyday", 0.01), ("brand", 0.10), ("journalist", 0.02), ("bot", 0.3)
    )
    #: Share of accounts per persona in engagement pods (true_gaming "pod").
    pod_share: tuple[tuple[str, float], ...] = (("pr_marketing", 0.15), ("everyday", 0.01))
    #: Median size of a bought-follower package (followers); sigma of its log.
    package_median: float = 600.0
    package_sigma: float = 0.6
    #: Expected extra packages per buyer beyond the first.
    extra_packages: float = 0.5
    #: Packages are bought between this date and the end of 2012.
    purchase_start: str = "2011-07-01"
    #: A package's follows arrive within this many days (a burst).
    burst_days: float = 2.0
    #: Share of bought follows removed later in 2012 (the platform purges fake accounts).
    purge_share: float = 0.10
    #: Bots per ring; members per pod.
    bot_ring_size: int = 8
    pod_size: int = 8
    #: Pods form at a date uniform in this range (engagement starts then).
    pod_formed_start: str = "2011-06-01"
    pod_formed_end: str = "2012-09-30"
    #: Expected accounts a fake follower follows of its own accord (camouflage).
    fake_camouflage_follows: float = 3.0
    #: Fake accounts are created (and sold) in this date range.
    fake_created_start: str = "2010-01-01"
    fake_created_end: str = "2011-06-30"


@dataclass(frozen=True)
class AudienceConfig:
    """Audience SIZE apart from audience ATTENTION: who of an author's followers looks, and how closely.

    Each author j draws a latent reaction attention ``a_j`` (lognormal with mean 1): the chance that a
    follower sees one of j's posts is ``view_rate x a_j``, so two authors with the same follower count can
    have audiences that attend very differently. A share of follows is dormant: the follower never looks
    (Romero et al. 2011, FACTS.md [checked]: most users are passive, and accounting for passivity predicts
    clicks better than follower counts). Sweeping these fields changes the events.
    """

    #: Sigma of log attention: a_j = exp(sigma x u_j - sigma^2 / 2) with u_j ~ N(0, 1), so E[a_j] = 1.
    #: 0 gives every author the same attention (audience size is then all that differs). Our assumption;
    #: notebooks sweep 0-1.5.
    attention_sigma: float = 0.8
    #: Correlation in [-1, 1] of u_j with the author's standardised log popularity (its draw within the
    #: persona). Negative: the more popular, the less closely each follower attends ("high popularity does
    #: not necessarily imply high influence", Romero et al. 2011 [checked]; the value is our assumption).
    attention_popularity_corr: float = -0.3
    #: Share of follows that are dormant: the follower never sees the followee's posts (a per-pair property,
    #: the same at any share, so a larger share only adds dormant pairs). Our assumption; swept 0-0.8.
    dormant_follower_share: float = 0.4


@dataclass(frozen=True)
class OutcomeConfig:
    """Monthly outcomes and the truth. Every field here is drawn or applied after the events, in the outcome
    stream: sweeping any of them leaves ``events`` (and so every score) identical, and
    ``generate_outcome_variants`` gives exactly what ``generate_world`` gives (a test checks every field). All
    rates are assumptions.
    """

    #: Share s of a user's persuasion that flows through online channels: clicks scale with s, offline
    #: referrals and invitations with (1 - s).
    online_share: float = 0.5
    #: Multiplier of the offline channel (strength of offline reach).
    offline_strength: float = 1.0
    #: Weight in [-1, 1] that mixes an account's standardised log popularity (over all humans) into its log
    #: offline reach (see population.offline_reach_of). 0: offline reach is the persona draw alone, invisible
    #: online beyond the persona medians; 1: offline reach is a function of online popularity (the persona
    #: medians no longer matter). Our assumption; swept -0.5 to 1.
    offline_online_corr: float = 0.3
    #: Correlation in [-1, 1] of the click attention c_j with the reaction attention a_j
    #: (:class:`AudienceConfig`): log c_j = sigma x (r x u_j + sqrt(1 - r^2) x eta_j) - sigma^2 / 2, eta_j drawn
    #: in the outcome stream. 1: the audience that reacts is the one that clicks; 0: unrelated; -1: opposite.
    #: Klout said click-through was "highly correlated" with its score (FACTS.md [checked], no number); Romero et
    #: al. 2011 [checked] found attention predicts clicks. The value is our assumption; swept -1-1.
    click_attention_corr: float = 0.5
    #: Clicks per impression of a post of appeal 1. Impressions of a post are drawn from its attentive human
    #: audience (non-dormant human followers of the author, and of each resharer) at rate view_rate x c_j.
    #: Our assumption, set so that at online_share 0.5 the default world's online and offline conversions are of
    #: the same size (a neutral start: neither channel dominates the truth before a notebook moves it).
    click_through: float = 0.035
    #: Conversions per click at credibility 1 when the post is on the author's expertise.
    conversion_rate: float = 0.05
    #: Conversion multiplier for clicks on posts off the author's expertise (jokes, chat, hobbies).
    off_topic_conversion: float = 0.2
    #: Referrals per offline person reached per month at credibility 1 (before 1 - online_share).
    referral_rate: float = 0.02
    #: Share of referrals that convert.
    referral_conversion: float = 0.3
    #: Speaking/teaching invitations per offline person reached per month at credibility 1.
    invitation_rate: float = 0.002
    #: Referrals per month per unit of credibility x log(1 + attentive human followers), scaled by online_share:
    #: being seen online brings some word-of-mouth. 0 switches it off. Our assumption; swept 0-0.1.
    visibility_referral_rate: float = 0.03
    #: Invitations per month per unit of credibility x log(1 + attentive human followers), scaled by online_share.
    visibility_invitation_rate: float = 0.005
    #: How much a drop in availability also lowers offline reach (0 = offline reach holds, 1 = falls
    #: as much as availability).
    offline_availability_coupling: float = 0.0
    #: Sigma of the log of a user's order value around the persona median.
    order_value_sigma: float = 0.5
    #: Gamma shape of single order values (revenue per conversion varies around the user's mean).
    order_value_shape: float = 2.0


@dataclass(frozen=True)
class CaseConfig:
    """The named case users (see :data:`CASE_USER_DESCRIPTIONS`)."""

    #: The PR blogger: posts/day at full availability, appeal, offline reach, credibility.
    blogger_posting_rate: float = 3.0
    blogger_appeal: float = 2.2
    blogger_reactivity: float = 0.10
    blogger_offline_reach: float = 300.0
    blogger_credibility: float = 0.7
    #: His popularity is set to this quantile of the real accounts' popularity.
    blogger_popularity_quantile: float = 0.96
    #: His accounts follows, and creation date.
    blogger_following: float = 600.0
    blogger_created: str = "2009-03-02"
    #: His life events: (event, start, end (exclusive), availability). After the blog post: projects,
    #: house hunt and the book series from mid-April, the baby in August.
    blogger_life_events: tuple[tuple[str, str, str, float], ...] = (
        ("busy_job", "2012-04-16", "2012-11-01", 0.5),
        ("house_hunt", "2012-04-16", "2012-07-16", 0.7),
        ("book_series", "2012-05-01", "2012-07-01", 0.85),
        ("new_baby", "2012-08-12", "2013-02-01", 0.4),
    )
    #: The bot: posts/day (Messias et al. 2013 used about 50 a day, FACTS.md [checked]).
    bot_posting_rate: float = 50.0
    bot_following: float = 1500.0
    bot_created: str = "2011-05-20"
    #: Its bought-follower packages: (date, size); "thousands of bought followers".
    bot_packages: tuple[tuple[str, int], ...] = (("2011-09-01", 1200), ("2012-01-20", 1000), ("2012-06-05", 1000))
    #: The speaker/author/teacher: high offline reach, little online activity.
    speaker_posting_rate: float = 0.06
    speaker_appeal: float = 1.5
    speaker_offline_reach: float = 2500.0
    speaker_credibility: float = 0.9
    #: The asthma joker: when the joke was posted and its appeal multiplier (it went viral).
    asthma_joke_time: str = "2012-05-09T15:12:00"
    asthma_joke_appeal: float = 150.0
    #: The asthma joker's and dinosaur fan's posts/day and popularity (quantile of real accounts').
    joker_posting_rate: float = 0.3
    joker_popularity_quantile: float = 0.85
    dino_posting_rate: float = 0.25
    dino_popularity_quantile: float = 0.98
    #: The dinosaur fan: days of the dinosaur posts and their appeal multiplier (they got reshared).
    dino_post_times: tuple[str, ...] = (
        "2012-02-11T17:20:00", "2012-03-03T16:05:00", "2012-03-24T18:40:00", "2012-04-21T15:30:00",
        "2012-05-19T19:10:00", "2012-06-16T14:45:00", "2012-07-14T20:00:00", "2012-09-08T16:25:00",
    )
    dino_appeal: float = 30.0
    #: Job candidates are the accounts (among these personas, not gaming, not another case) closest to these
    #: percentiles of engagement received in the window (Wired, April 2012: scores 34 and 67).
    candidate_personas: tuple[str, ...] = ("pr_marketing", "journalist")
    candidate_percentiles: tuple[float, float] = (93.0, 99.7)
    candidate_window: tuple[str, str] = ("2012-01-01", "2012-04-01")


@dataclass(frozen=True)
class WorldConfig:
    """Every parameter of the synthetic world. ``WorldConfig()`` is the shipped sample's world."""

    #: Real accounts (personas in ``personas``), including the five scripted case users.
    n_users: int = 3000
    #: Dormant fake-follower accounts (persona "fake_follower"); they only follow.
    n_fake_followers: int = 4000
    #: Seed of every random draw; same seed and config give identical tables.
    seed: int = 2012
    personas: tuple[PersonaConfig, ...] = DEFAULT_PERSONAS
    #: Base topic weights (see DEFAULT_TOPIC_WEIGHTS).
    topic_weights: tuple[tuple[str, float], ...] = DEFAULT_TOPIC_WEIGHTS
    graph: GraphConfig = field(default_factory=GraphConfig)
    activity: ActivityConfig = field(default_factory=ActivityConfig)
    engagement: EngagementConfig = field(default_factory=EngagementConfig)
    life_events: LifeEventConfig = field(default_factory=LifeEventConfig)
    gaming: GamingConfig = field(default_factory=GamingConfig)
    audience: AudienceConfig = field(default_factory=AudienceConfig)
    outcomes: OutcomeConfig = field(default_factory=OutcomeConfig)
    cases: CaseConfig = field(default_factory=CaseConfig)
    texts: TextConfig = field(default_factory=TextConfig)

    def replace(self, **changes: Any) -> "WorldConfig":
        """A copy with some fields changed; nested fields as ``section__field``.

        Example: ``WorldConfig().replace(seed=7, outcomes__online_share=0.9)``.
        """
        top: dict[str, Any] = {}
        nested: dict[str, dict[str, Any]] = {}
        for key, value in changes.items():
            if "__" in key:
                section, name = key.split("__", 1)
                nested.setdefault(section, {})[name] = value
            else:
                top[key] = value
        for section, values in nested.items():
            if not hasattr(self, section):
                raise TypeError(f"WorldConfig has no section {section!r}")
            top[section] = dataclasses.replace(getattr(self, section), **values)
        return dataclasses.replace(self, **top)

    def to_dict(self) -> dict[str, Any]:
        """Plain nested dict (for MANIFEST.json)."""
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> "WorldConfig":
        """Rebuild a config written by :meth:`to_dict` (lists become tuples again)."""
        return _from_dict(cls, data)

    def check(self) -> None:
        """Raise ValueError naming the field when the configuration cannot make a world."""
        names = [p.name for p in self.personas]
        shares = sum(p.share for p in self.personas)
        if abs(shares - 1.0) > 1e-6:
            raise ValueError(f"WorldConfig.personas: shares sum to {shares:.6f}, not 1; adjust PersonaConfig.share.")
        for needed in ("pr_marketing", "bot", "speaker", "everyday"):
            if needed not in names:
                raise ValueError(f"WorldConfig.personas: the case users need a persona named {needed!r}.")
        if "fake_follower" in names:
            raise ValueError("WorldConfig.personas: 'fake_follower' is reserved for n_fake_followers.")
        if self.n_users < 50:
            raise ValueError(f"WorldConfig.n_users={self.n_users}: need at least 50 real accounts.")
        if self.n_users + self.n_fake_followers > 10**ID_WIDTH - 1:
            raise ValueError(
                f"WorldConfig: {self.n_users + self.n_fake_followers:,} accounts exceed the id space "
                f"(u00001..u99999); lower n_users or n_fake_followers."
            )
        if not 0.0 <= self.outcomes.online_share <= 1.0:
            raise ValueError(f"OutcomeConfig.online_share={self.outcomes.online_share} must be in [0, 1].")
        for label, value, low, high in (
            ("AudienceConfig.attention_sigma", self.audience.attention_sigma, 0.0, 3.0),
            ("AudienceConfig.attention_popularity_corr", self.audience.attention_popularity_corr, -1.0, 1.0),
            ("AudienceConfig.dormant_follower_share", self.audience.dormant_follower_share, 0.0, 0.99),
            ("OutcomeConfig.click_attention_corr", self.outcomes.click_attention_corr, -1.0, 1.0),
            ("OutcomeConfig.offline_online_corr", self.outcomes.offline_online_corr, -1.0, 1.0),
            ("OutcomeConfig.visibility_referral_rate", self.outcomes.visibility_referral_rate, 0.0, math.inf),
            ("OutcomeConfig.visibility_invitation_rate", self.outcomes.visibility_invitation_rate, 0.0, math.inf),
            ("OutcomeConfig.click_through", self.outcomes.click_through, 0.0, 1.0),
        ):
            if not low <= value <= high:
                raise ValueError(f"{label}={value} must be in [{low}, {high}].")
        shares_post = (
            self.activity.expertise_post_share
            + self.activity.interest_post_share
            + self.activity.chat_post_share
            + self.activity.joke_post_share
        )
        if abs(shares_post - 1.0) > 1e-6:
            raise ValueError(f"ActivityConfig: post shares sum to {shares_post:.6f}, not 1.")
        for label, probs in (
            ("kind_probs", self.engagement.kind_probs),
            ("bot_ring_kinds", self.engagement.bot_ring_kinds),
            ("pod_kinds", self.engagement.pod_kinds),
        ):
            if abs(sum(p for _, p in probs) - 1.0) > 1e-6 or any(k not in EVENT_KINDS for k, _ in probs):
                raise ValueError(f"EngagementConfig.{label}: probabilities must sum to 1 over contract kinds.")
        known = set(TOPICS)
        for p in self.personas:
            for topic, _ in p.topic_boosts:
                if topic not in known:
                    raise ValueError(f"PersonaConfig({p.name}).topic_boosts: unknown topic {topic!r}.")
        if len(self.activity.weekday_factors) != 7 or len(self.activity.hour_weights) != 24:
            raise ValueError("ActivityConfig: weekday_factors needs 7 values and hour_weights 24.")
        self.texts.check()


def _from_dict(cls: type, data: Mapping[str, Any]) -> Any:
    """Rebuild nested frozen dataclasses from a dict of plain JSON values."""
    kwargs = {}
    hints = {f.name: f for f in dataclasses.fields(cls)}
    for name, value in data.items():
        if name not in hints:
            continue
        kwargs[name] = _coerce(value, name)
    return cls(**kwargs)


_SECTION_TYPES: dict[str, type] = {}


def _coerce(value: Any, name: str) -> Any:
    section = _SECTION_TYPES.get(name)
    if section is not None and isinstance(value, Mapping):
        return _from_dict(section, value)
    if name == "personas":
        return tuple(_from_dict(PersonaConfig, v) for v in value)
    if name == "types":
        return tuple(_from_dict(LifeEventType, v) for v in value)
    return _tuplify(value)


def _tuplify(value: Any) -> Any:
    if isinstance(value, list):
        return tuple(_tuplify(v) for v in value)
    return value


_SECTION_TYPES.update(
    graph=GraphConfig,
    activity=ActivityConfig,
    engagement=EngagementConfig,
    life_events=LifeEventConfig,
    gaming=GamingConfig,
    audience=AudienceConfig,
    outcomes=OutcomeConfig,
    cases=CaseConfig,
    texts=TextConfig,
)
