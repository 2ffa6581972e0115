"""The synthetic world: a seeded year (2012) of Twitter-like activity in which the truth is known.

:func:`generate_world` returns a :class:`~influence_lab.contract.Dataset` named
``"synthetic"``: users (with latent ``true_*`` columns), events (posts,
mentions, likes, reshares, replies, follows, unfollows) and monthly outcomes
(clicks, conversions, revenue, referrals, invitations), plus the ground-truth
table ``truth["true_life_events"]``.

The world does not contain the blog post's conclusions. Every outcome comes
from a stated mechanism with parameters (all in the frozen dataclasses of
:mod:`~influence_lab.datasets.world.config`, each field documented with
meaning, unit, default and source), so a notebook can move a parameter and
watch a verdict change. The mechanisms, in order:

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

The mechanisms live in one module each (lower modules never import higher ones):
:mod:`.config` (calendar, topics, the configuration dataclasses),
:mod:`.population` (1, accounts), :mod:`.follows` (2 and 3, the follower graph:
organic follows, follow-backs, rings and pods, bought followers, unfollows),
:mod:`.activity` (4, life events, availability and posts), :mod:`.engagement` (5),
:mod:`.outcomes` (6, expected influence and drawn outcomes), :mod:`.texts`
(vocabularies, handles and post texts), :mod:`.cases` (the case users and the
choice of the job candidates) and :mod:`.generate` (:func:`generate_world`, which
runs them in order on their random streams, and the summary helpers).
"""

from influence_lab.datasets.world.cases import (
    CASE_HANDLES,
    CASE_USER_DESCRIPTIONS,
    CASE_USERS,
    case_users_table,
)
from influence_lab.datasets.world.config import (
    CHAT_TOPIC,
    DEFAULT_PERSONAS,
    DEFAULT_TOPIC_WEIGHTS,
    ID_WIDTH,
    JOKE_TOPIC,
    N_DAYS,
    POST_ID_WIDTH,
    POST_TOPICS,
    SECONDS_PER_DAY,
    TOPIC_KEYWORDS,
    TOPICS,
    WORLD_END_SECONDS,
    WORLD_START,
    ActivityConfig,
    CaseConfig,
    EngagementConfig,
    GamingConfig,
    GraphConfig,
    LifeEventConfig,
    LifeEventType,
    OutcomeConfig,
    PersonaConfig,
    WorldConfig,
)
from influence_lab.datasets.world.generate import (
    engagement_percentiles,
    engagement_received,
    follower_edges,
    generate_world,
    reciprocity,
    world_summary,
)
from influence_lab.datasets.world.texts import (
    TOPIC_HASHTAGS,
)

__all__ = [
    "CASE_HANDLES",
    "CASE_USER_DESCRIPTIONS",
    "CASE_USERS",
    "CHAT_TOPIC",
    "DEFAULT_PERSONAS",
    "DEFAULT_TOPIC_WEIGHTS",
    "ID_WIDTH",
    "JOKE_TOPIC",
    "N_DAYS",
    "POST_ID_WIDTH",
    "POST_TOPICS",
    "SECONDS_PER_DAY",
    "TOPIC_HASHTAGS",
    "TOPIC_KEYWORDS",
    "TOPICS",
    "WORLD_END_SECONDS",
    "WORLD_START",
    "ActivityConfig",
    "CaseConfig",
    "EngagementConfig",
    "GamingConfig",
    "GraphConfig",
    "LifeEventConfig",
    "LifeEventType",
    "OutcomeConfig",
    "PersonaConfig",
    "WorldConfig",
    "case_users_table",
    "engagement_percentiles",
    "engagement_received",
    "follower_edges",
    "generate_world",
    "reciprocity",
    "world_summary",
]
