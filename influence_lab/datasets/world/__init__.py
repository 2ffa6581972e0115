"""The synthetic world: a seeded year (2012) of Twitter-like activity in which the truth is known.

:func:`generate_world` returns a :class:`~influence_lab.contract.Dataset` named
``"synthetic"``: users (with latent ``true_*`` columns), events (posts,
mentions, likes, reshares, replies, follows, unfollows) and monthly outcomes
(clicks, conversions, revenue, referrals, invitations), plus the ground-truth
tables ``truth["true_life_events"]``, ``truth["true_post_topics"]``,
``truth["true_follows"]`` and ``truth["true_gaming"]``.

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
   Post texts are drawn from per-topic vocabularies (:mod:`.vocabulary`) with
   shared words, filler, hashtags and links, off-topic chat, and jokes that use
   a topic word out of context; the true topic is in a truth table only.
5. **Audience attention** (:class:`AudienceConfig`). Each account's followers
   attend with a latent multiplier (lognormal, mean 1,
   ``attention_sigma``, correlated with popularity); a share of follows is
   dormant (the follower never looks). A non-dormant follower sees a post
   with probability ``view_rate`` x attention, so audience size and audience
   attention are apart.
6. **Engagement** (:class:`EngagementConfig`). A viewer reacts with
   probability reactivity x availability x post appeal x topic factor.
   Reshares expose the resharer's followers (second-hand engagement, credited
   to the original author), with novelty decaying per generation. Seeing a
   reshare can make a viewer follow the author. Rings and pods add their own
   engagement. Fake followers never engage.
7. **Outcomes** (:class:`OutcomeConfig`), drawn after the events on their own
   stream (so sweeping any of these leaves ``events`` identical; see
   :func:`generate_outcome_variants`). Impressions of a post are drawn from its
   attentive human audience (the author's and every resharer's non-dormant
   human followers) at ``view_rate`` x the click attention, which correlates
   with the reaction attention at ``click_attention_corr``; clicks ~
   Poisson(click-through x appeal x impressions x ``online_share``);
   conversions ~ Binomial(clicks, rate x credibility, lower off the user's
   expertise); referrals and speaking invitations come from offline reach
   (correlated with popularity at ``offline_online_corr``) x credibility x (1 -
   ``online_share``) x ``offline_strength``, plus word of mouth from being
   seen online (x credibility); revenue sums an order value per conversion.
   ``true_influence`` is the expected conversions per month at full
   availability from the same mechanism. No outcome reads a score.

Every parameter a notebook's verdict rests on is in the assumption ledger
(:data:`ASSUMPTIONS`, :func:`assumption_ledger`), with its source and the range
the notebooks sweep.

Named case users (:data:`CASE_USERS`) carry the blog post's stories; see
:data:`CASE_USER_DESCRIPTIONS`. Everything is vectorised: the only Python
loops run over the weeks of 2012, the time batches of graph growth, cascade
generations and configuration entries, never over users, posts or events.

The mechanisms live in one module each (lower modules never import higher ones):
:mod:`.config` (calendar, topics, the configuration dataclasses),
:mod:`.population` (1 and 5, accounts and their audience attention), :mod:`.follows`
(2 and 3, the follower graph: organic follows, follow-backs, rings and pods,
bought followers, unfollows), :mod:`.activity` (4, life events, availability and
posts), :mod:`.engagement` (6, and the dormant follows), :mod:`.outcomes` (7,
expected influence and drawn outcomes), :mod:`.texts` and :mod:`.vocabulary`
(handles and post texts), :mod:`.ledger` (the assumption ledger), :mod:`.cases` (the case users and the
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
    TOPICS,
    WORLD_END_SECONDS,
    WORLD_START,
    ActivityConfig,
    AudienceConfig,
    CaseConfig,
    EngagementConfig,
    GamingConfig,
    GraphConfig,
    LifeEventConfig,
    LifeEventType,
    OutcomeConfig,
    PersonaConfig,
    TextConfig,
    WorldConfig,
)
from influence_lab.datasets.world.follows import ORIGIN_NAMES
from influence_lab.datasets.world.ledger import ASSUMPTIONS, Assumption, assumption_ledger
from influence_lab.datasets.world.generate import (
    OUTCOME_FIELDS,
    engagement_percentiles,
    engagement_received,
    follower_edges,
    generate_outcome_variants,
    generate_world,
    reciprocity,
    world_summary,
)
from influence_lab.datasets.world.texts import compose_texts
from influence_lab.datasets.world.vocabulary import (
    FILLER_WORDS,
    GENERIC_HASHTAGS,
    IDIOMS,
    RELATED_TOPICS,
    SHARED_WORDS,
    TOPIC_HASHTAGS,
    TOPIC_VOCABULARY,
)

__all__ = [
    "ASSUMPTIONS",
    "Assumption",
    "assumption_ledger",
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
    "FILLER_WORDS",
    "GENERIC_HASHTAGS",
    "IDIOMS",
    "RELATED_TOPICS",
    "SHARED_WORDS",
    "TOPIC_HASHTAGS",
    "TOPIC_VOCABULARY",
    "TOPICS",
    "WORLD_END_SECONDS",
    "WORLD_START",
    "ActivityConfig",
    "AudienceConfig",
    "CaseConfig",
    "EngagementConfig",
    "GamingConfig",
    "GraphConfig",
    "LifeEventConfig",
    "LifeEventType",
    "OutcomeConfig",
    "ORIGIN_NAMES",
    "OUTCOME_FIELDS",
    "PersonaConfig",
    "TextConfig",
    "WorldConfig",
    "case_users_table",
    "compose_texts",
    "engagement_percentiles",
    "engagement_received",
    "follower_edges",
    "generate_outcome_variants",
    "generate_world",
    "reciprocity",
    "world_summary",
]
