"""Topic attribution as the era's tools did it: the words of a user's posts, weighted by the engagement the posts
receive, over a 90-day window.

Klout's expertise work (Spasojevic et al. 2014, docs/literature.md [checked]) used a 90-day window and the
engagement on a user's posts; its reported misattributions ("hurricanes" from one tweet with 2 retweets and 1
reply) and the blog commenters' "asthma" and "dinosaurs" came from that design: one joke that draws many reactions
outweighs steady expertise that draws few. :class:`TopicAttributor` reproduces it with scikit-learn's text tools
and a topic lexicon (phrases per topic; by default the synthetic world's public vocabulary, which a 2012 tool's
curated keyword lists stand in for), and offers the fix notebook 05 tests: Bayesian shrinkage of a user's topic
shares toward the population's base rates, with a minimum-evidence rule.

It reads the events' text, post ids and engagement only, never a ``true_*`` column or a truth table.

Per post: the lexicon phrases it contains (``CountVectorizer`` over 1-3 word n-grams, binary) spread its weight
evenly over the topics they belong to; a post's weight is ``1 + engagement_weight x reactions it received in the
window``. Per user and topic: ``strength`` (summed weight), ``share`` (strength over the user's total over topics),
``posts`` (posts that mention the topic) and ``engagers`` (distinct accounts that reacted to those posts).

Labels. The naive rule (``prior_strength=0, min_posts=1``): a user is labelled with every topic whose share is at
least ``min_share``, as the era's tools listed a user's top topics. The fix: ``share`` is replaced by
``(strength + prior_strength x base_rate) / (total + prior_strength)``, the base rate being the population's
share of the topic, so that a little evidence stays near what is common, and a label needs ``min_posts`` posts.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from influence_lab.datasets.world.vocabulary import TOPIC_VOCABULARY
from influence_lab.scoring.events import as_utc_timestamp

__all__ = ["TopicAttributor", "default_lexicon"]

ENGAGEMENT_KINDS = ("reshare", "like", "reply", "mention")


def default_lexicon() -> dict[str, tuple[str, ...]]:
    """The synthetic world's topic vocabulary (phrases per topic), the lexicon :class:`TopicAttributor` uses."""
    return {topic: tuple(words) for topic, words in TOPIC_VOCABULARY.items()}


class TopicAttributor:
    """Engagement-weighted topic attribution over a window, scikit-learn style (``fit`` then ``topics_``).

    Parameters: ``lexicon`` (topic -> phrases), ``window_days`` (90, Klout's), ``engagement_weight`` (how much one
    reaction adds to a post's weight: 1), ``min_share`` (a label's minimum share: 0.2), ``prior_strength``
    (pseudo-weight of the shrinkage toward base rates: 0 is the naive rule), ``min_posts`` (posts a label needs:
    1 is the naive rule).

    After ``fit(events, as_of)``: ``topics_`` (one row per user and topic with any evidence: user_id, topic,
    strength, share, posts, engagers, label), ``base_rates_`` (population share per topic) and ``labels_`` (user
    -> list of labelled topics, strongest first).
    """

    def __init__(self, *, lexicon: Mapping[str, Sequence[str]] | None = None, window_days: float = 90,
                 engagement_weight: float = 1.0, min_share: float = 0.2, prior_strength: float = 0.0,
                 min_posts: int = 1) -> None:
        self.lexicon = lexicon
        self.window_days = window_days
        self.engagement_weight = engagement_weight
        self.min_share = min_share
        self.prior_strength = prior_strength
        self.min_posts = min_posts

    # ------------------------------------------------------------------ fitting

    def _check(self) -> None:
        if not self.window_days > 0:
            raise ValueError(f"TopicAttributor: window_days must be positive, got {self.window_days!r}.")
        for name in ("engagement_weight", "prior_strength"):
            if getattr(self, name) < 0:
                raise ValueError(f"TopicAttributor: {name} must be >= 0, got {getattr(self, name)!r}.")
        if not 0 < self.min_share <= 1:
            raise ValueError(f"TopicAttributor: min_share must be in (0, 1], got {self.min_share!r}.")

    def _vocabulary(self) -> tuple[list[str], np.ndarray, list[str]]:
        lexicon = default_lexicon() if self.lexicon is None else {t: tuple(w) for t, w in self.lexicon.items()}
        topics = list(lexicon)
        phrases = sorted({w.lower() for words in lexicon.values() for w in words})
        index = {p: i for i, p in enumerate(phrases)}
        member = np.zeros((len(phrases), len(topics)))
        for j, topic in enumerate(topics):
            for word in lexicon[topic]:
                member[index[word.lower()], j] = 1.0
        return phrases, member, topics

    def fit(self, events: pd.DataFrame, as_of) -> "TopicAttributor":
        """Attribute topics from the posts in the window ``(as_of - window_days, as_of]`` and their reactions."""
        from sklearn.feature_extraction.text import CountVectorizer

        self._check()
        for column in ("timestamp", "actor_id", "target_id", "kind", "post_id", "text"):
            if column not in events.columns:
                raise KeyError(f"TopicAttributor.fit: the events table has no {column!r} column; topics need posts "
                               "with text and post ids.")
        end = as_utc_timestamp(as_of, "as_of")
        start = end - pd.Timedelta(days=self.window_days)
        in_window = (events["timestamp"] > start) & (events["timestamp"] <= end)
        posts = events.loc[in_window & (events["kind"] == "post") & events["text"].notna(),
                           ["actor_id", "post_id", "text"]]
        phrases, member, topics = self._vocabulary()
        self.topic_names_ = topics
        if posts.empty:
            self.topics_ = pd.DataFrame(columns=["user_id", "topic", "strength", "share", "posts", "engagers",
                                                 "label"])
            self.base_rates_ = pd.Series(0.0, index=topics)
            self.labels_ = {}
            return self
        vectorizer = CountVectorizer(vocabulary=phrases, ngram_range=(1, 3), binary=True, lowercase=True,
                                     token_pattern=r"(?u)\b\w[\w']*\b")
        hits = vectorizer.transform(posts["text"].astype(str))  # posts x phrases
        per_topic = np.asarray((hits @ member) > 0, dtype=float)  # posts x topics: the topics a post names
        named = per_topic.sum(axis=1)
        spread = np.divide(per_topic, named[:, None], out=np.zeros_like(per_topic), where=named[:, None] > 0)

        reacting = events.loc[in_window & events["kind"].isin(ENGAGEMENT_KINDS) & events["post_id"].notna()
                              & (events["actor_id"] != events["target_id"]), ["actor_id", "post_id"]]
        reacting = reacting[reacting["post_id"].isin(posts["post_id"])]
        reactions = reacting["post_id"].value_counts().reindex(posts["post_id"], fill_value=0).to_numpy()
        weight = 1.0 + self.engagement_weight * reactions

        users, user_code = np.unique(posts["actor_id"].to_numpy(dtype=str), return_inverse=True)
        n_users, n_topics = len(users), len(topics)
        strength = np.zeros((n_users, n_topics))
        np.add.at(strength, user_code, spread * weight[:, None])
        counts = np.zeros((n_users, n_topics))
        np.add.at(counts, user_code, per_topic)
        engagers = self._engagers(posts, reacting, per_topic, user_code, n_users, n_topics)

        total = strength.sum(axis=1, keepdims=True)
        base = strength.sum(axis=0) / max(strength.sum(), 1e-300)
        k = self.prior_strength
        share = (strength + k * base[None, :]) / np.maximum(total + k, 1e-300)
        label = (share >= self.min_share) & (counts >= self.min_posts) & (strength > 0)

        rows, cols = np.nonzero(strength > 0)
        self.topics_ = pd.DataFrame({
            "user_id": pd.array(users[rows], dtype="str"), "topic": pd.array(np.array(topics)[cols], dtype="str"),
            "strength": strength[rows, cols], "share": share[rows, cols], "posts": counts[rows, cols].astype(int),
            "engagers": engagers[rows, cols].astype(int), "label": label[rows, cols],
        }).sort_values(["user_id", "strength"], ascending=[True, False], kind="stable", ignore_index=True)
        self.base_rates_ = pd.Series(base, index=topics, name="base_rate")
        labelled = self.topics_[self.topics_["label"]]
        self.labels_ = {u: list(g["topic"]) for u, g in labelled.groupby("user_id", sort=False)}
        return self

    @staticmethod
    def _engagers(posts, reacting, per_topic, user_code, n_users, n_topics) -> np.ndarray:
        """Distinct accounts that reacted to a user's posts on each topic."""
        out = np.zeros((n_users, n_topics))
        if reacting.empty:
            return out
        position = pd.Series(np.arange(len(posts)), index=posts["post_id"].to_numpy())
        post_pos = position.reindex(reacting["post_id"].to_numpy()).to_numpy()
        post_user, post_topics = user_code[post_pos], per_topic[post_pos]
        actor = pd.factorize(reacting["actor_id"])[0]
        for t in range(n_topics):
            on = post_topics[:, t] > 0
            if on.any():
                pairs = np.unique(post_user[on] * (actor.max() + 1) + actor[on])
                out[:, t] = np.bincount(pairs // (actor.max() + 1), minlength=n_users)
        return out

    # ------------------------------------------------------------------ reading

    def labels_for(self, user_id: str) -> list[str]:
        """The topics labelled for a user (strongest first; empty when none)."""
        if not hasattr(self, "topics_"):
            raise RuntimeError("TopicAttributor: call fit(events, as_of) first.")
        return list(self.labels_.get(user_id, []))
