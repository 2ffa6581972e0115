"""The synthetic world: a seeded year (2012) of Twitter-like activity in which the truth is known.

:func:`generate_world` returns a :class:`~influence_lab.contract.Dataset` named
``"synthetic"``: users (with latent ``true_*`` columns), events (posts,
mentions, likes, reshares, replies, follows, unfollows) and monthly outcomes
(clicks, conversions, revenue, referrals, invitations), plus the ground-truth
table ``truth["true_life_events"]``.

The world does not contain the blog post's conclusions. Every outcome comes
from a stated mechanism with parameters (all in the frozen dataclasses below,
each field documented with meaning, unit, default and source), so a notebook
can move a parameter and watch a verdict change. The mechanisms, in order:

1. **Accounts.** ``n_users`` real accounts in personas (:class:`PersonaConfig`)
   and ``n_fake_followers`` dormant bought-follower accounts. Each account draws
   latent traits: content appeal, posting rate, reactivity (how readily it
   reacts to posts it sees), popularity (how attractive it is to follow),
   offline reach, credibility, topics of real expertise and of interest.
2. **Follower graph** (:class:`GraphConfig`). Accounts follow in time batches
   from 2007 on; a followee is drawn with weight (followers + k0) x popularity
   (preferential attachment with fitness), and a share of follows is drawn
   among accounts expert in a topic the follower is interested in (topic
   homophily). Followees follow back with a persona probability; that is the
   only source of reciprocity, calibrated near 22% (Kwak et al. 2010, a figure
   FACTS.md marks as unchecked). Some follows are undone during 2012.
3. **Gaming** (:class:`GamingConfig`). Bots sit in rings that engage with each
   other's posts; some humans join engagement pods; some accounts buy
   followers, which arrive from the fake pool in bursts.
4. **Availability and posting** (:class:`LifeEventConfig`,
   :class:`ActivityConfig`). Life events (busy job, new baby, house hunt, a
   long book series, holidays) multiply a person's availability for their
   duration. Posts per day ~ Poisson(rate x availability x weekday factor).
   Post texts are built from topic keywords, with off-topic chat, jokes that
   borrow other topics' words, and keyword noise.
5. **Engagement** (:class:`EngagementConfig`). A post is seen by each follower
   with probability ``view_rate``; a viewer reacts with probability
   reactivity x availability x post appeal x topic factor. Reshares expose
   the resharer's followers (second-hand engagement, credited to the original
   author), with novelty decaying per generation. Seeing a reshare can make a
   viewer follow the author. Rings and pods add their own engagement. Fake
   followers never engage.
6. **Outcomes** (:class:`OutcomeConfig`). Clicks come from human followers
   who saw the user's posts (first or second hand) x click-through x appeal x
   ``online_share`` x (1 - ``engaged_click_share``), plus, for the share
   ``engaged_click_share`` (default 0), from the organic human reactions the
   posts received x ``clicks_per_engagement`` x ``online_share``;
   conversions ~ Binomial(clicks, rate x credibility, lower
   off the user's expertise); referrals and speaking invitations come from
   offline reach x credibility x (1 - ``online_share``) x ``offline_strength``
   plus a small online-visibility term; revenue sums an order value per
   conversion. No outcome reads a score.

Named case users (:data:`CASE_USERS`) carry the blog post's stories; see
:data:`CASE_USER_DESCRIPTIONS`. Everything is vectorised: the only Python
loops run over the weeks of 2012, the time batches of graph growth, cascade
generations and configuration entries, never over users, posts or events.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from influence_lab.contract import (
    ENGAGEMENT_KINDS,
    EVENT_KINDS,
    ID_DTYPE,
    KIND_DTYPE,
    KNOWN_METRICS,
    Dataset,
    validate_events,
    validate_outcomes,
    validate_users,
)

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
# Topics and vocabulary
# --------------------------------------------------------------------------------------

#: Topics of expertise and interest. Each has 12 keywords that posts about it use.
TOPIC_KEYWORDS: dict[str, tuple[str, ...]] = {
    "pr": ("press release", "media relations", "crisis comms", "PR pitch", "publicist", "earned media",
           "reputation", "press kit", "spokesperson", "embargo", "news hook", "PRSA"),
    "marketing": ("brand strategy", "campaign", "ROI", "sales funnel", "content marketing", "segmentation",
                  "conversion rate", "customer journey", "B2B", "lead generation", "positioning", "CMO"),
    "social_media": ("Twitter", "Facebook", "hashtag", "Klout", "community manager", "engagement", "retweets",
                     "Pinterest", "LinkedIn", "social analytics", "viral video", "Google+"),
    "journalism": ("newsroom", "editor", "byline", "scoop", "fact-check", "front page", "investigative",
                   "AP style", "deadline", "sources", "op-ed", "reporter"),
    "politics": ("election", "Congress", "campaign trail", "poll", "Senate", "debate", "primary", "ballot",
                 "White House", "swing state", "policy", "Obama"),
    "technology": ("startup", "iPhone", "Android", "cloud", "app", "coding", "Silicon Valley", "gadget",
                   "open source", "big data", "tablet", "API"),
    "sports": ("playoffs", "touchdown", "NBA", "World Series", "Olympics", "fantasy football", "goal", "coach",
               "draft pick", "MVP", "marathon", "London 2012"),
    "food": ("recipe", "brunch", "cupcakes", "farmers market", "food truck", "BBQ", "vegan", "espresso",
             "sushi", "craft beer", "baking", "chef"),
    "travel": ("flight", "airport", "road trip", "hotel", "passport", "beach", "backpacking", "itinerary",
               "jet lag", "Paris", "frequent flyer", "cruise"),
    "music": ("album", "concert", "playlist", "guitar", "festival", "vinyl", "setlist", "indie band",
              "Grammys", "tour dates", "Spotify", "lyrics"),
    "film_tv": ("premiere", "box office", "trailer", "season finale", "Oscars", "Netflix", "sitcom",
                "director", "Mad Men", "episode", "binge watch", "cast"),
    "books": ("novel", "Kindle", "bestseller", "book club", "author", "chapter", "library", "Game of Thrones",
              "paperback", "memoir", "reading list", "publisher"),
    "parenting": ("toddler", "diapers", "bedtime", "daycare", "newborn", "playground", "school run",
                  "car seat", "nap time", "parenting tips", "stroller", "first steps"),
    "health": ("asthma", "allergies", "inhaler", "flu shot", "fitness", "nutrition", "yoga", "running",
               "sleep", "doctor", "wellness", "blood pressure"),
    "finance": ("stocks", "mortgage", "interest rates", "Wall Street", "budget", "401k", "the Fed", "earnings",
                "investing", "IPO", "credit score", "dividends"),
    "dinosaurs": ("dinosaur", "T. rex", "fossil", "Jurassic", "velociraptor", "paleontology", "triceratops",
                  "Cretaceous", "museum dig", "stegosaurus", "bones", "extinction"),
    "education": ("classroom", "syllabus", "lecture", "students", "curriculum", "grading", "keynote",
                  "workshop", "teaching", "campus", "online course", "seminar"),
    "deals": ("free", "giveaway", "discount", "coupon", "promo code", "sale", "win", "limited offer",
              "followers", "bonus", "cheap", "click here"),
}
#: Topic names in a fixed order (the index is the topic code inside the generator).
TOPICS: tuple[str, ...] = tuple(TOPIC_KEYWORDS)
#: Post topics that are nobody's expertise: everyday chat and jokes.
CHAT_TOPIC = "chat"
JOKE_TOPIC = "joke"
POST_TOPICS: tuple[str, ...] = TOPICS + (CHAT_TOPIC, JOKE_TOPIC)
_T = len(TOPICS)
_CHAT = _T
_JOKE = _T + 1

#: Hashtag used for each topic.
TOPIC_HASHTAGS: dict[str, str] = {
    "pr": "PR", "marketing": "marketing", "social_media": "socialmedia", "journalism": "journalism",
    "politics": "politics", "technology": "tech", "sports": "sports", "food": "foodie", "travel": "travel",
    "music": "music", "film_tv": "tv", "books": "books", "parenting": "parenting", "health": "health",
    "finance": "finance", "dinosaurs": "dinosaurs", "education": "edchat", "deals": "deals",
}
_TOPIC_OPENERS = ("Great read on", "Thoughts on", "New post:", "5 tips on", "Why", "Interesting take on",
                  "Just published: notes on", "Must-read on", "Talking", "Quick thoughts:", "Loved this piece on",
                  "Big news in")
_CONNECTORS = ("and", "meets", "vs.", "for", "with", "beyond", "after", "without")
_CHAT_OPENERS = ("Need more", "Can't believe it's", "Loving this", "Ugh,", "Finally", "Who else loves",
                 "So much", "Off to", "Happy", "Another day, another")
_CHAT_WORDS = ("coffee", "Monday", "weekend", "traffic", "rain", "lunch", "nap", "pizza", "the gym", "my cat",
               "my dog", "Friday", "sunshine", "laundry", "snow day", "commute")
_JOKE_OPENERS = ("LOL at", "haha,", "I can't even with", "laughed so hard at", "best joke ever about",
                 "who knew about", "dying over", "ROFL")
_JOKE_TAILS = ("!", " :)", " lol", " haha", "")
_CHAT_TAILS = ("", "!", " :)", "...")
_BOT_LINES = (
    ("Get", "new followers fast! Limited offer #followback"),
    ("Win", "free followers today only! #teamfollowback"),
    ("Grab", "followers for $5, no password needed #follow"),
    ("Claim your", "bonus followers now! #autofollow"),
    ("Instant", "real followers guaranteed #followback"),
)
_BOT_AMOUNTS = ("100", "500", "1000", "2000", "5000")
_LINK_PREFIX = " http://t.co/"


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
    _p("bot",          0.005, 4.0, 0.6, 0.05, 0.3, 0.0, 0.0, 0.1, 0.5, 600, 0.5, 0.90, 0, 0.0, 0.02, 0, (),
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
    #: Probability that a topic post's second keyword comes from a random other topic.
    keyword_noise: float = 0.10
    #: Sigma of the log of a post's appeal around its author's appeal: heavy-tailed engagement.
    post_appeal_sigma: float = 0.9
    #: Appeal multiplier of jokes (they travel further than shop talk). Assumption.
    joke_appeal: float = 1.5
    #: Appeal multiplier of everyday chat.
    chat_appeal: float = 0.5


@dataclass(frozen=True)
class EngagementConfig:
    """How posts are seen, reacted to and passed on."""

    #: Probability that a follower sees a given post (or reshare). Klout's 2010 primer put "True Reach" at
    #: about 10% of followers (FACTS.md [checked]); we use that order of magnitude.
    view_rate: float = 0.10
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
class OutcomeConfig:
    """Monthly outcomes. All rates are assumptions; the notebooks sweep them."""

    #: Share s of a user's persuasion that flows through online channels: clicks scale with s, offline
    #: referrals and invitations with (1 - s).
    online_share: float = 0.5
    #: Multiplier of the offline channel (strength of offline reach).
    offline_strength: float = 1.0
    #: Clicks per human impression of a post of appeal 1 (before online_share and the passive share
    #: 1 - engaged_click_share).
    click_through: float = 0.02
    #: Share e in [0, 1] of the online channel's clicks that come from people who engaged with the post
    #: (reacted: liked, reshared or replied), the rest (1 - e) from passive impressions. Unitless. Engaged
    #: clicks ~ Poisson(online_share x e x clicks_per_engagement x organic human reactions); reactions by
    #: bots, and between members of the same bot ring or engagement pod (duty, not interest), bring none.
    #: Default 0 keeps the shipped sample exactly as generated (clicks from impressions only); notebook 04
    #: sweeps it to move the online channel from exposure (follower counts) to engaged audience.
    engaged_click_share: float = 0.0
    #: Clicks per organic human reaction (like, reshare, reply) when e = 1 (before online_share). Default 1.0:
    #: in the default world the ~226,000 organic human reactions of 2012 match the ~222,000 clicks per unit of
    #: online_share that impressions give, so a sweep of e moves who gets the clicks, not how many.
    clicks_per_engagement: float = 1.0
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
    #: Referrals per month per unit of log(1 + human followers) (online visibility; scaled by online_share).
    visibility_referral_rate: float = 0.05
    #: Invitations per month per unit of log(1 + human followers) (scaled by online_share).
    visibility_invitation_rate: float = 0.01
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
    outcomes: OutcomeConfig = field(default_factory=OutcomeConfig)
    cases: CaseConfig = field(default_factory=CaseConfig)

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
        if not 0.0 <= self.outcomes.engaged_click_share <= 1.0:
            raise ValueError(
                f"OutcomeConfig.engaged_click_share={self.outcomes.engaged_click_share} must be in [0, 1]."
            )
        if not self.outcomes.clicks_per_engagement >= 0.0:
            raise ValueError(
                f"OutcomeConfig.clicks_per_engagement={self.outcomes.clicks_per_engagement} must be >= 0."
            )
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
    outcomes=OutcomeConfig,
    cases=CaseConfig,
)


# --------------------------------------------------------------------------------------
# Case users
# --------------------------------------------------------------------------------------

#: Role -> user_id of the named case users the notebooks follow (fixed across seeds and sizes).
CASE_USERS: dict[str, str] = {
    "blogger": "u00001",
    "bot": "u00002",
    "speaker": "u00003",
    "asthma_joker": "u00004",
    "dino_fan": "u00005",
    "candidate_34": "u00006",
    "candidate_67": "u00007",
}
#: Fictional handles of the case users.
CASE_HANDLES: dict[str, str] = {
    "blogger": "dan_prdispatch",
    "bot": "FollowersFast4U",
    "speaker": "prof_keynote_kim",
    "asthma_joker": "punchline_pete",
    "dino_fan": "rexy_rita",
    "candidate_34": "alex_morgan_comms",
    "candidate_67": "sam_rivera_comms",
}
#: What each case user is, for the notebooks.
CASE_USER_DESCRIPTIONS: dict[str, str] = {
    "blogger": (
        "A PR blogger: very active and well engaged (in the top 1% by engagement received, Jan to mid-April). "
        "From mid-April a busy job, a house hunt and a long book series, in August a new baby: his availability "
        "and posting fall while his appeal, offline reach and credibility (his true influence) do not change."
    ),
    "bot": (
        "A high-volume bot posting about 50 near-identical tweets a day, with thousands of bought followers in "
        "bursts, engaged by a ring of other bots. Its credibility and human audience are tiny."
    ),
    "speaker": (
        "A speaker, author and teacher: large offline reach and high credibility (referrals, invitations), "
        "little online activity."
    ),
    "asthma_joker": (
        "An everyday user whose one joke ('laughed so hard I had an asthma attack') went viral in May. "
        "Asthma is not among their topics of expertise."
    ),
    "dino_fan": (
        "An everyday user with occasional dinosaur posts that get reshared. Dinosaurs are an interest, not one "
        "of their topics of expertise."
    ),
    "candidate_34": (
        "A job candidate drawn by the same mechanisms as everyone: the account (PR/marketing or journalist, not "
        "gaming) nearest the 93rd percentile of engagement received in Jan-Mar 2012 (a Klout-style 34 there)."
    ),
    "candidate_67": (
        "The other job candidate: the account nearest the 99.7th percentile of engagement received in Jan-Mar "
        "2012 (a Klout-style 67). Their outcomes come from the same mechanisms, not set by hand."
    ),
}
_SCRIPTED_ROLES = ("blogger", "bot", "speaker", "asthma_joker", "dino_fan")
_ASTHMA_JOKE_TEXT = "OMG laughed so hard I had an asthma attack"
_DINO_TEXTS = (
    "Saw a T. rex skeleton at the museum today and nearly cried. Dinosaurs are the best",
    "Velociraptors were the size of turkeys. Jurassic Park lied to me #dinosaurs",
    "New fossil find: a triceratops in Montana! #dinosaurs",
    "Stegosaurus brain the size of a walnut, still cooler than my Monday",
    "Took the kids to the dinosaur bones exhibit, I had more fun than they did",
    "Cretaceous mood today. Somebody send fossils #dinosaurs",
    "Rewatching Jurassic Park for the 40th time, the T. rex scene still holds up",
    "Paleontology fact of the day: birds are dinosaurs. Every pigeon is a velociraptor",
)


def case_users_table() -> pd.DataFrame:
    """The case users as a small table: role, user_id, handle, description."""
    return pd.DataFrame(
        {
            "role": list(CASE_USERS),
            "user_id": [CASE_USERS[r] for r in CASE_USERS],
            "handle": [CASE_HANDLES[r] for r in CASE_USERS],
            "description": [CASE_USER_DESCRIPTIONS[r] for r in CASE_USERS],
        }
    ).astype({"role": ID_DTYPE, "user_id": ID_DTYPE, "handle": ID_DTYPE, "description": ID_DTYPE})


# --------------------------------------------------------------------------------------
# Small vectorised helpers
# --------------------------------------------------------------------------------------


def _lognormal(rng: np.random.Generator, median: np.ndarray, sigma: np.ndarray) -> np.ndarray:
    return median * np.exp(sigma * rng.standard_normal(len(median)))


def _pick(rng: np.random.Generator, probs: tuple[tuple[str, float], ...], size: int) -> np.ndarray:
    """Event-kind codes drawn from (kind, probability) pairs."""
    codes = np.array([EVENT_KINDS.index(k) for k, _ in probs], dtype=np.int8)
    p = np.array([w for _, w in probs], dtype=float)
    return codes[rng.choice(len(codes), size=size, p=p / p.sum())]


def _ranked_lists(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the column indices where ``mask`` is True first, and their count."""
    order = np.argsort(~mask, axis=1, kind="stable")
    return order, mask.sum(axis=1)


def _pick_from_lists(rng: np.random.Generator, lists: np.ndarray, counts: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """A uniform random entry of each row's list (rows must have count > 0)."""
    col = np.floor(rng.random(len(rows)) * counts[rows]).astype(np.int64)
    return lists[rows, col]


def _segments(indptr: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """For segments given by starts ``indptr`` and lengths ``counts``, all positions, concatenated."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    starts = np.repeat(indptr - np.concatenate(([0], np.cumsum(counts)[:-1])), counts)
    return starts + np.arange(total, dtype=np.int64)


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
# The population
# --------------------------------------------------------------------------------------


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
    credibility: np.ndarray
    mention_rate: np.ndarray
    order_value: np.ndarray
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
    offline_reach = _lognormal(rng, table("offline_reach", 0.0), table("offline_sigma", 0.0))
    follow_back = np.clip(table("follow_back", 0.0) * cfg.graph.follow_back_scale, 0.0, 1.0)
    cred_mean = np.clip(table("credibility", 0.0), 1e-3, 1 - 1e-3)
    credibility = np.where(real, rng.beta(10 * cred_mean, 10 * (1 - cred_mean)), 0.0)
    mention_rate = table("mention_rate", 0.0)
    order_value = _lognormal(rng, table("order_value", 0.0), np.full(n, cfg.outcomes.order_value_sigma))
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
        latest = np.zeros(n_rings, dtype=np.int64)
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
        credibility=credibility,
        mention_rate=mention_rate,
        order_value=order_value,
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
# The follower graph
# --------------------------------------------------------------------------------------

_ORIGIN_ORGANIC, _ORIGIN_BACK, _ORIGIN_RING, _ORIGIN_BOUGHT, _ORIGIN_EXPOSURE = range(5)


@dataclass
class _Edges:
    follower: np.ndarray
    followee: np.ndarray
    start: np.ndarray
    end: np.ndarray
    origin: np.ndarray

    @staticmethod
    def empty() -> "_Edges":
        z = np.zeros(0, dtype=np.int64)
        return _Edges(z, z, z, z, np.zeros(0, dtype=np.int8))

    def extend(self, other: "_Edges") -> None:
        self.follower = np.concatenate((self.follower, other.follower))
        self.followee = np.concatenate((self.followee, other.followee))
        self.start = np.concatenate((self.start, other.start))
        self.end = np.concatenate((self.end, other.end))
        self.origin = np.concatenate((self.origin, other.origin))


def _new_edges(follower, followee, start, origin) -> _Edges:
    return _Edges(
        follower.astype(np.int64),
        followee.astype(np.int64),
        start.astype(np.int64),
        np.full(len(follower), _NEVER, dtype=np.int64),
        np.full(len(follower), origin, dtype=np.int8),
    )


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


def _fresh(keys_sorted: np.ndarray, follower: np.ndarray, followee: np.ndarray, n: int) -> np.ndarray:
    """Mask of candidate edges that are not self-loops, not already present and first of their kind."""
    key = follower * n + followee
    ok = (follower != followee) & ~_contains(keys_sorted, key)
    return ok & _first_occurrence(key)


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
    return _new_edges(f[ok], v[ok], start[ok], _ORIGIN_RING)


def _bought_edges(cfg: WorldConfig, pop: _Population, keys: np.ndarray, rng: np.random.Generator) -> _Edges:
    """Packages of fake followers arriving in bursts; a share is purged later in 2012."""
    g = cfg.gaming
    fakes = np.flatnonzero(pop.is_fake)
    buyers = np.flatnonzero(pop.bought)
    buyers = buyers[buyers != 1]
    if len(fakes) == 0 or (len(buyers) == 0 and not pop.bought[1]):
        return _Edges.empty()
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
    edges = _new_edges(f[ok], v[ok], start[ok], _ORIGIN_BOUGHT)
    purge = rng.random(len(edges.start)) < g.purge_share
    purge_at = np.maximum(edges.start, 0) + np.floor(
        (30 + rng.random(len(edges.start)) * 150) * SECONDS_PER_DAY
    ).astype(np.int64)
    edges.end = np.where(purge & (purge_at < WORLD_END_SECONDS), purge_at, _NEVER)
    return edges


def _schedule_unfollows(cfg: WorldConfig, edges: _Edges, mask: np.ndarray, rng: np.random.Generator) -> None:
    """Organic follows active in 2012 are undone during 2012 with probability ``unfollow_rate``."""
    m = mask & (edges.end == _NEVER)
    undo = m & (rng.random(len(edges.start)) < cfg.graph.unfollow_rate)
    lo = np.maximum(edges.start[undo], 0) + 1
    at = lo + np.floor(rng.random(undo.sum()) * np.maximum(WORLD_END_SECONDS - lo, 1)).astype(np.int64)
    edges.end[undo] = np.where(at < WORLD_END_SECONDS, at, _NEVER)


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


# --------------------------------------------------------------------------------------
# Engagement, week by week
# --------------------------------------------------------------------------------------


@dataclass
class _Activity:
    """Everything the weekly loop produces."""

    eng_time: np.ndarray
    eng_actor: np.ndarray
    eng_post: np.ndarray
    eng_kind: np.ndarray
    impressions: np.ndarray  # human impressions per post (first and second hand)


def _simulate_engagement(
    cfg: WorldConfig, pop: _Population, avail: np.ndarray, edges: _Edges, posts: _Posts, rng: np.random.Generator
) -> _Activity:
    e = cfg.engagement
    n = pop.n
    view = e.view_rate
    delay = e.delay_hours * 3600.0
    ring_delay = e.ring_delay_hours * 3600.0
    n_posts = len(posts.time)
    impressions = np.zeros(n_posts)
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
        real = ~pop.is_fake[act_f]
        weight = pop.reactivity * avail[:, d0:d1].mean(axis=1)
        followers = _Index(act_v[real], act_f[real], n, weight)
        human_followers = np.bincount(act_v[pop.is_human[act_f]], minlength=n)
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
        lam = view * appeal * e.topic_match * followers.total[author]
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
        impressions[pid] += view * human_followers[author]
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
            seen_second_hand = view * human_followers[parent_who]
            impressions[pid] += np.bincount(parent_owner, weights=seen_second_hand, minlength=len(pid))
            # Viewers who follow the author because they saw the reshare.
            n_follow = rng.poisson(
                view * followers.degree[parent_who] * e.follow_per_view * appeal[parent_owner] * decay
            )
            f_owner = np.repeat(np.arange(len(parent_who)), n_follow)
            newcomer, ok_f = followers.uniform(rng, parent_who[f_owner])
            new_f.append(newcomer[ok_f])
            new_v.append(p_author[f_owner[ok_f]])
            new_t.append(parent_when[f_owner[ok_f]] + rng.exponential(delay, ok_f.sum()))
            # Reactions of the resharer's followers, credited to the original author.
            lam = view * appeal[parent_owner] * decay * e.topic_match * followers.total[parent_who]
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

    return _Activity(
        eng_time=np.floor(np.concatenate(out_time)).astype(np.int64) if out_time else np.zeros(0, np.int64),
        eng_actor=np.concatenate(out_actor).astype(np.int64) if out_actor else np.zeros(0, np.int64),
        eng_post=np.concatenate(out_post).astype(np.int64) if out_post else np.zeros(0, np.int64),
        eng_kind=np.concatenate(out_kind).astype(np.int8) if out_kind else np.zeros(0, np.int8),
        impressions=impressions,
    )


# --------------------------------------------------------------------------------------
# Outcomes
# --------------------------------------------------------------------------------------


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


# --------------------------------------------------------------------------------------
# Ids, texts and tables
# --------------------------------------------------------------------------------------


def _join(*parts: Any) -> pa.Array:
    return pc.binary_join_element_wise(*parts, "")


def _handles(pop: _Population, rng: np.random.Generator) -> pa.Array:
    first = pa.array(
        ["amy", "ben", "cara", "dave", "erin", "finn", "gina", "hank", "ivy", "jake", "kate", "liam", "maya",
         "nate", "olga", "paul", "quinn", "rosa", "sam", "tess", "uma", "vic", "wes", "xena", "yuri", "zoe",
         "jen", "matt", "lisa", "tom", "nina", "omar", "priya", "raj", "sofia", "tyler", "abby", "chris"]
    )
    word = pa.array(
        ["_writes", "_pr", "_media", "_news", "_eats", "_runs", "_reads", "_codes", "_travels", "_says", "_daily",
         "_online", "_talks", "_life", "_mktg", "_live", "_notes", "_hq", "_thinks", "_plays"]
    )
    n = pop.n
    name_i = rng.integers(0, len(first), n)
    word_i = rng.integers(0, len(word), n)
    number = pc.cast(pa.array(rng.integers(1, 1000, n)), pa.string())
    fake_number = pc.cast(pa.array(rng.integers(10000, 99999, n)), pa.string())
    persona = np.array(pop.persona_names)[pop.persona]
    handle = _join(first.take(pa.array(name_i)), word.take(pa.array(word_i)), number)
    brand_words = pa.array(["Acme", "Bright", "Nova", "Peak", "Urban", "Green", "Blue", "Metro", "Prime", "Sunny"])
    brand = _join(brand_words.take(pa.array(rng.integers(0, 10, n))), pa.scalar("Official"), number)
    bot = _join(pa.scalar("free_followers_"), fake_number)
    fake = _join(first.take(pa.array(name_i)), fake_number)
    celeb = _join(pa.scalar("Real"), first.take(pa.array(name_i)), pa.scalar("Star"), number)
    out = pc.if_else(pa.array(persona == "brand"), brand, handle)
    out = pc.if_else(pa.array(persona == "bot"), bot, out)
    out = pc.if_else(pa.array(persona == "fake_follower"), fake, out)
    out = pc.if_else(pa.array(persona == "celebrity"), celeb, out)
    return out


def _texts(cfg: WorldConfig, pop: _Population, posts: _Posts, handles: pa.Array, rng: np.random.Generator) -> pa.Array:
    """Post texts from topic keywords, with noise; mentions prefix the text with @handle."""
    n = len(posts.time)
    kw = np.array([TOPIC_KEYWORDS[t] for t in TOPICS], dtype=object)  # (T, 12)
    n_kw = kw.shape[1]
    flat_kw = pa.array(kw.ravel().tolist())
    topic = np.minimum(posts.topic, _T - 1)
    kw1 = flat_kw.take(pa.array(topic * n_kw + rng.integers(0, n_kw, n)))
    noisy = rng.random(n) < cfg.activity.keyword_noise
    topic2 = np.where(noisy, rng.integers(0, _T - 1, n), topic)
    kw2 = flat_kw.take(pa.array(topic2 * n_kw + rng.integers(0, n_kw, n)))
    random_kw = flat_kw.take(pa.array(rng.integers(0, _T - 1, n) * n_kw + rng.integers(0, n_kw, n)))

    def choose(options: tuple[str, ...]) -> pa.Array:
        return pa.array(options).take(pa.array(rng.integers(0, len(options), n)))

    alphabet = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789"))
    codes = np.ascontiguousarray(alphabet[rng.integers(0, 36, (n, 8))]).view("<U8").ravel()
    link = _join(pa.scalar(_LINK_PREFIX), pa.array(codes))
    tags = pa.array([" #" + TOPIC_HASHTAGS[t] for t in TOPICS]).take(pa.array(topic))
    tail_kind = rng.integers(0, 6, n)
    tail = pc.if_else(
        pa.array(tail_kind == 0), tags,
        pc.if_else(pa.array(tail_kind == 1), link,
                   pc.if_else(pa.array(tail_kind == 2), pa.scalar(" - what do you think?"),
                              pc.if_else(pa.array(tail_kind == 3), pa.scalar("!"), pa.scalar("")))),
    )
    sp = pa.scalar(" ")
    topical = _join(choose(_TOPIC_OPENERS), sp, kw1, sp, choose(_CONNECTORS), sp, kw2, tail)
    chat = _join(choose(_CHAT_OPENERS), sp, choose(_CHAT_WORDS), choose(_CHAT_TAILS))
    joke = _join(choose(_JOKE_OPENERS), sp, random_kw, choose(_JOKE_TAILS))
    line = (posts.author * 7 + 3) % len(_BOT_LINES)
    bot_prefix = pa.array([b[0] for b in _BOT_LINES]).take(pa.array(line))
    bot_suffix = pa.array([b[1] for b in _BOT_LINES]).take(pa.array(line))
    bot = _join(bot_prefix, sp, choose(_BOT_AMOUNTS), sp, bot_suffix, link)
    n_dino = len(cfg.cases.dino_post_times)
    scripted_texts = pa.array([_ASTHMA_JOKE_TEXT] + [_DINO_TEXTS[i % len(_DINO_TEXTS)] for i in range(n_dino)])
    scripted = scripted_texts.take(pa.array(np.maximum(posts.script, 0)))
    style = posts.style
    text = pc.if_else(pa.array(style == 0), topical, chat)
    text = pc.if_else(pa.array(style == 2), joke, text)
    text = pc.if_else(pa.array(style == 3), bot, text)
    text = pc.if_else(pa.array(style == 4), scripted, text)
    has_mention = posts.mention_target >= 0
    at = _join(pa.scalar("@"), handles.take(pa.array(np.maximum(posts.mention_target, 0))), sp)
    return pc.if_else(pa.array(has_mention), _join(at, text), text)


def _engagement_received(
    pop: _Population, posts: _Posts, activity: _Activity, mention_time: np.ndarray, mention_target: np.ndarray,
    start: int, end: int,
) -> np.ndarray:
    """Engagement received per account (likes, reshares, replies on its posts, and mentions) in [start, end)."""
    in_win = (activity.eng_time >= start) & (activity.eng_time < end)
    counts = np.bincount(posts.author[activity.eng_post[in_win]], minlength=pop.n)
    m = (mention_time >= start) & (mention_time < end)
    counts += np.bincount(mention_target[m], minlength=pop.n)
    return counts


def _mid_percentile(values: np.ndarray, population: np.ndarray) -> np.ndarray:
    """Percentile (0-100, mid-rank for ties) of each value within ``population``."""
    sorted_pop = np.sort(population)
    below = np.searchsorted(sorted_pop, values, side="left")
    upto = np.searchsorted(sorted_pop, values, side="right")
    return 100.0 * (below + upto) / 2.0 / len(sorted_pop)


def _select_candidates(cfg: WorldConfig, pop: _Population, received: np.ndarray) -> tuple[int, int]:
    """The two job candidates: pool accounts nearest the target percentiles of engagement received."""
    real = ~pop.is_fake
    pct = _mid_percentile(received, received[real])
    names = np.array(pop.persona_names)[pop.persona]
    w0 = _seconds(cfg.cases.candidate_window[0])
    pool = (
        np.isin(names, cfg.cases.candidate_personas)
        & ~pop.bought
        & ~pop.pod
        & (pop.role == "")
        & (pop.created < w0)
    )
    pool_idx = np.flatnonzero(pool)
    if len(pool_idx) < 2:
        raise ValueError("WorldConfig: too few accounts to choose the two job candidates; raise n_users.")
    chosen = []
    for target in cfg.cases.candidate_percentiles:
        gap = np.abs(pct[pool_idx] - target)
        gap[np.isin(pool_idx, chosen)] = np.inf
        chosen.append(int(pool_idx[np.argmin(gap)]))
    return chosen[0], chosen[1]


def _round6(x: np.ndarray) -> np.ndarray:
    return np.round(np.asarray(x, dtype=float), 6)


def _timestamps(seconds: np.ndarray) -> pd.Series:
    values = np.datetime64("2012-01-01T00:00:00", "s") + seconds.astype("timedelta64[s]")
    return pd.Series(pd.DatetimeIndex(values.astype("datetime64[ns]")).tz_localize("UTC"))


def _str(array: pa.Array | pa.ChunkedArray) -> pd.Series:
    return pd.Series(pd.array(array, dtype=ID_DTYPE))


def generate_world(config: WorldConfig | None = None) -> Dataset:
    """Generate the synthetic world described by ``config`` (default: the shipped sample's world).

    Returns a validated :class:`Dataset` named ``"synthetic"`` with
    ``truth["true_life_events"]``. Same config and seed give identical tables.
    """
    cfg = config or WorldConfig()
    cfg.check()
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(cfg.seed).spawn(10)]
    pop = _draw_population(cfg, streams[0])
    life = _draw_life_events(cfg, pop, streams[1])
    avail = _availability(pop, life)

    edges = _organic_graph(cfg, pop, streams[2])
    keys = np.sort(edges.follower * pop.n + edges.followee)
    back = _follow_backs(cfg, pop, edges, keys, streams[2])
    edges.extend(back)
    organic = np.ones(len(edges.start), dtype=bool)
    keys = np.sort(edges.follower * pop.n + edges.followee)
    ring = _ring_edges(pop, keys, streams[3])
    edges.extend(ring)
    keys = _merge(keys, ring.follower * pop.n + ring.followee)
    bought = _bought_edges(cfg, pop, keys, streams[3])
    edges.extend(bought)
    organic = np.concatenate((organic, np.zeros(len(ring.start) + len(bought.start), dtype=bool)))
    _schedule_unfollows(cfg, edges, organic, streams[2])

    posts = _draw_posts(cfg, pop, avail, streams[4])
    activity = _simulate_engagement(cfg, pop, avail, edges, posts, streams[5])

    mention_posts = np.flatnonzero(posts.mention_target >= 0)
    w0, w1 = (_seconds(x) for x in cfg.cases.candidate_window)
    received = _engagement_received(
        pop, posts, activity, posts.time[mention_posts], posts.mention_target[mention_posts], w0, w1
    )
    cand_34, cand_67 = _select_candidates(cfg, pop, received)
    pop.role[cand_34], pop.role[cand_67] = "candidate_34", "candidate_67"

    # Ids: case users get their fixed ids, everyone else a shuffled number (ids reveal nothing).
    case_index = np.array([0, 1, 2, 3, 4, cand_34, cand_67])
    others = np.setdiff1d(np.arange(pop.n), case_index)
    id_number = np.zeros(pop.n, dtype=np.int64)
    id_number[case_index] = [int(CASE_USERS[r][1:]) for r in CASE_USERS]
    id_number[others] = len(case_index) + 1 + streams[6].permutation(len(others))
    user_ids = pc.utf8_lpad(pc.cast(pa.array(id_number), pa.string()), ID_WIDTH, "0")
    user_ids = _join(pa.scalar("u"), user_ids)
    handles = _handles(pop, streams[6])
    is_case = np.zeros(pop.n, dtype=bool)
    is_case[case_index] = True
    case_handles = pa.array([CASE_HANDLES[role] for role in CASE_USERS]).take(
        pa.array(np.argsort(case_index, kind="stable"))
    )
    handles = pc.replace_with_mask(handles, pa.array(is_case), case_handles)

    texts = _texts(cfg, pop, posts, handles, streams[7])
    outcomes = _draw_outcomes(cfg, pop, avail, edges, posts, activity, streams[8])
    influence = _expected_influence(cfg, pop, edges)

    events = _events_table(pop, edges, posts, activity, texts, user_ids, id_number)
    users = _users_table(cfg, pop, handles, user_ids, influence)
    outcome_table = _outcomes_table(outcomes, user_ids, id_number)
    life_table = _life_table(life, user_ids, id_number)
    description = (
        f"Synthetic Twitter-like world for 2012 (influence_lab.datasets.world, seed {cfg.seed}): "
        f"{cfg.n_users:,} real accounts and {cfg.n_fake_followers:,} fake followers."
    )
    return Dataset(
        name="synthetic",
        users=validate_users(users, source="generate_world"),
        events=validate_events(events, source="generate_world"),
        outcomes=validate_outcomes(outcome_table, source="generate_world"),
        removed={},
        description=description,
        truth={"true_life_events": life_table},
    )


def _events_table(
    pop: _Population,
    edges: _Edges,
    posts: _Posts,
    activity: _Activity,
    texts: pa.Array,
    user_ids: pa.Array,
    id_number: np.ndarray,
) -> pd.DataFrame:
    """All events in a deterministic order: time, kind, actor id, target id, post."""
    code = {k: i for i, k in enumerate(EVENT_KINDS)}
    n_posts = len(posts.time)
    m = np.flatnonzero(posts.mention_target >= 0)
    e_ok = activity.eng_time < WORLD_END_SECONDS
    f_ok = edges.start < WORLD_END_SECONDS
    u_ok = edges.end < WORLD_END_SECONDS
    time = np.concatenate(
        (posts.time, posts.time[m], activity.eng_time[e_ok], edges.start[f_ok], edges.end[u_ok])
    )
    actor = np.concatenate(
        (posts.author, posts.author[m], activity.eng_actor[e_ok], edges.follower[f_ok], edges.follower[u_ok])
    )
    target = np.concatenate(
        (np.full(n_posts, -1), posts.mention_target[m], posts.author[activity.eng_post[e_ok]],
         edges.followee[f_ok], edges.followee[u_ok])
    )
    kind = np.concatenate(
        (np.full(n_posts, code["post"]), np.full(len(m), code["mention"]), activity.eng_kind[e_ok],
         np.full(f_ok.sum(), code["follow"]), np.full(u_ok.sum(), code["unfollow"]))
    ).astype(np.int8)
    post = np.concatenate(
        (np.arange(n_posts), m, activity.eng_post[e_ok], np.full(f_ok.sum() + u_ok.sum(), -1))
    )
    target_number = np.where(target >= 0, id_number[np.maximum(target, 0)], -1)
    order = np.lexsort((post, target_number, id_number[actor], kind, time))
    time, actor, target, kind, post = time[order], actor[order], target[order], kind[order], post[order]
    is_post = kind == code["post"]
    numbers = pc.cast(pa.array(np.arange(1, n_posts + 1)), pa.string())
    post_ids = _join(pa.scalar("p"), pc.utf8_lpad(numbers, POST_ID_WIDTH, "0"))
    topic_names = pa.array(list(POST_TOPICS))
    post_idx = pa.array(np.maximum(post, 0), mask=post < 0)
    only_posts = pa.array(np.where(is_post, post, 0), mask=~is_post)
    return pd.DataFrame(
        {
            "timestamp": _timestamps(time),
            "actor_id": _str(user_ids.take(pa.array(actor))),
            "target_id": _str(user_ids.take(pa.array(np.maximum(target, 0), mask=target < 0))),
            "kind": pd.Categorical.from_codes(kind, dtype=KIND_DTYPE),
            "post_id": _str(post_ids.take(post_idx)),
            "topic": _str(topic_names.take(pa.array(posts.topic).take(only_posts))),
            "text": _str(texts.take(only_posts)),
        }
    )


def _users_table(
    cfg: WorldConfig, pop: _Population, handles: pa.Array, user_ids: pa.Array, influence: dict[str, np.ndarray]
) -> pd.DataFrame:
    """One row per account, sorted by user_id, with the latent truth in ``true_*`` columns."""

    def joined(mask: np.ndarray) -> pa.Array:
        # ';'-joined topic names per row (empty -> missing), built column by column.
        running = np.cumsum(mask, axis=1)
        out = pa.array(np.full(pop.n, ""))
        for j, name in enumerate(TOPICS):  # a loop over the 18 topics, not over users
            piece = pc.if_else(pa.array(mask[:, j]), pa.scalar(name), pa.scalar(""))
            sep = pc.if_else(pa.array(mask[:, j] & (running[:, j] > 1)), pa.scalar(";"), pa.scalar(""))
            out = _join(out, sep, piece)
        return pc.if_else(pc.equal(out, ""), pa.scalar(None, pa.string()), out)

    gaming = np.full(pop.n, "none", dtype=object)
    gaming[pop.bought] = "bought_followers"
    gaming[pop.pod] = "pod"
    gaming[pop.is_bot] = "bot"
    gaming[pop.is_bot & pop.bought] = "bot;bought_followers"
    gaming[pop.is_fake] = "fake_follower"
    persona_dtype = pd.CategoricalDtype(list(pop.persona_names))
    table = pd.DataFrame(
        {
            "user_id": _str(user_ids),
            "handle": _str(handles),
            "created_at": _timestamps(pop.created),
            "persona": pd.Categorical.from_codes(pop.persona.astype(np.int64), dtype=persona_dtype),
            "true_appeal": _round6(pop.appeal),
            "true_posting_rate": _round6(pop.posting_rate),
            "true_reactivity": _round6(pop.reactivity),
            "true_popularity": _round6(pop.popularity),
            "true_offline_reach": _round6(pop.offline_reach),
            "true_credibility": _round6(pop.credibility),
            "true_order_value": _round6(np.where(pop.is_fake, 0.0, pop.order_value)),
            "true_topics": _str(joined(pop.expertise)),
            "true_interests": _str(joined(pop.interests)),
            "true_gaming": pd.Series(gaming, dtype=ID_DTYPE),
            "true_ring": pop.ring.astype(np.int64),
            "true_influence": _round6(influence["total"]),
            "true_online_influence": _round6(influence["online"]),
            "true_offline_influence": _round6(influence["offline"]),
            "true_case_role": pd.Series(np.where(pop.role == "", None, pop.role), dtype=ID_DTYPE),
        }
    )
    return table.sort_values("user_id", kind="stable").reset_index(drop=True)


def _outcomes_table(outcomes: dict[str, np.ndarray], user_ids: pa.Array, id_number: np.ndarray) -> pd.DataFrame:
    user = np.repeat(outcomes["user"], len(KNOWN_METRICS))
    month = np.repeat(outcomes["month"], len(KNOWN_METRICS))
    metric = np.tile(np.arange(len(KNOWN_METRICS)), len(outcomes["user"]))
    value = outcomes["values"].ravel()
    order = np.lexsort((metric, month, id_number[user]))
    user, month, metric, value = user[order], month[order], metric[order], value[order]
    return pd.DataFrame(
        {
            "user_id": _str(user_ids.take(pa.array(user))),
            "period": _timestamps(_MONTH_STARTS[month]),
            "metric": _str(pa.array(list(KNOWN_METRICS)).take(pa.array(metric))),
            "value": value,
        }
    )


def _life_table(life: dict[str, np.ndarray], user_ids: pa.Array, id_number: np.ndarray) -> pd.DataFrame:
    """The ground-truth life events: user_id, event, start, end (exclusive), availability."""
    start_day = np.floor_divide(life["start"], SECONDS_PER_DAY) * SECONDS_PER_DAY
    end_day = -np.floor_divide(-life["end"], SECONDS_PER_DAY) * SECONDS_PER_DAY
    event_names = np.array(life["event"], dtype=object)
    order = np.lexsort((event_names.astype(str), start_day, id_number[life["user"]]))
    return pd.DataFrame(
        {
            "user_id": _str(user_ids.take(pa.array(life["user"][order]))),
            "event": pd.Series(event_names[order], dtype=ID_DTYPE),
            "start": _timestamps(start_day[order]),
            "end": _timestamps(end_day[order]),
            "availability": np.round(life["availability"][order], 4),
        }
    )


# --------------------------------------------------------------------------------------
# Diagnostics the notebooks and tests use
# --------------------------------------------------------------------------------------


def _utc(when: str | pd.Timestamp) -> pd.Timestamp:
    ts = pd.Timestamp(when)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def follower_edges(events: pd.DataFrame, at: pd.Timestamp | str | None = None) -> pd.DataFrame:
    """The follower graph at time ``at`` (default: after the last event), from follow/unfollow events.

    Returns columns ``follower_id``, ``followee_id`` (one row per follow standing at ``at``).
    A pair's latest follow or unfollow before ``at`` decides (events are put in time order first;
    ties keep table order, as in :func:`influence_lab.scoring.features.follow_state_deltas`).
    """
    ev = events[events["kind"].isin(["follow", "unfollow"])].sort_values("timestamp", kind="stable")
    if at is not None:
        ev = ev[ev["timestamp"] < _utc(at)]
    ev = ev[ev["actor_id"] != ev["target_id"]]  # self-follows change nothing (as in features)
    last = ev.drop_duplicates(["actor_id", "target_id"], keep="last")
    standing = last[last["kind"] == "follow"]
    return pd.DataFrame(
        {"follower_id": standing["actor_id"].to_numpy(), "followee_id": standing["target_id"].to_numpy()}
    ).astype(ID_DTYPE)


def reciprocity(edges: pd.DataFrame) -> dict[str, float]:
    """Reciprocity of a follower graph, in both common definitions.

    ``pairs``: share of linked pairs that link both ways (Kwak et al.'s 22.1%,
    FACTS.md [unchecked]); ``edges``: share of follows that are returned
    (networkx's overall_reciprocity), 2p / (1 + p) for pair share p.
    """
    a = edges["follower_id"].to_numpy(dtype=object)
    b = edges["followee_id"].to_numpy(dtype=object)
    codes, uniques = pd.factorize(np.concatenate((a, b)))
    n = len(uniques)
    f, v = codes[: len(a)].astype(np.int64), codes[len(a):].astype(np.int64)
    key = np.unique(f * n + v)
    rev = np.unique(v * n + f)
    mutual_edges = np.isin(key, rev, assume_unique=True).sum()
    total = len(key)
    mutual_pairs = mutual_edges / 2
    pairs = total - mutual_pairs
    return {
        "pairs": float(mutual_pairs / pairs) if pairs else float("nan"),
        "edges": float(mutual_edges / total) if total else float("nan"),
    }


def engagement_received(events: pd.DataFrame, start: str | pd.Timestamp, end: str | pd.Timestamp) -> pd.Series:
    """Engagement events (reshare, like, reply, mention) received from others per user in [start, end).

    Self-engagement (actor == target) is not counted, as everywhere in the package.
    """
    t0, t1 = _utc(start), _utc(end)
    ts = events["timestamp"]
    mask = (
        events["kind"].isin(ENGAGEMENT_KINDS)
        & (ts >= t0)
        & (ts < t1)
        & (events["actor_id"] != events["target_id"])
    )
    return events.loc[mask, "target_id"].value_counts().rename("engagement_received")


def engagement_percentiles(
    dataset: Dataset, start: str | pd.Timestamp, end: str | pd.Timestamp
) -> pd.DataFrame:
    """Engagement received in [start, end) and its mid-rank percentile among real (non-fake) accounts."""
    users = dataset.users
    real = users.loc[users["persona"] != "fake_follower", "user_id"]
    counts = engagement_received(dataset.events, start, end).reindex(real.to_numpy(), fill_value=0)
    values = counts.to_numpy()
    pct = _mid_percentile(values, values)
    return pd.DataFrame(
        {"user_id": real.to_numpy(), "engagement_received": values, "percentile": pct}
    ).astype({"user_id": ID_DTYPE})


def world_summary(dataset: Dataset) -> dict[str, Any]:
    """Headline numbers of a world: sizes, events by kind, reciprocity, degree tail, passivity."""
    users = dataset.users
    events = dataset.events
    edges = follower_edges(events)
    real_ids = users.loc[users["persona"] != "fake_follower", "user_id"]
    followers = edges["followee_id"].value_counts().reindex(real_ids.to_numpy(), fill_value=0)
    f = np.sort(followers.to_numpy())[::-1]
    top1 = max(1, len(f) // 100)
    posts = events.loc[events["kind"] == "post", "actor_id"].value_counts().reindex(real_ids.to_numpy(), fill_value=0)
    return {
        "users": int(len(users)),
        "real_accounts": int(len(real_ids)),
        "events": int(len(events)),
        "events_by_kind": {str(k): int(v) for k, v in events["kind"].value_counts(sort=False).items()},
        "reciprocity": reciprocity(edges),
        "followers_median": float(np.median(f)),
        "followers_max": int(f.max()) if len(f) else 0,
        "followers_top1pct_share": float(f[:top1].sum() / max(f.sum(), 1)),
        "share_posting_under_weekly": float((posts.to_numpy() < 52).mean()),
    }
