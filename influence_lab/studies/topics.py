"""Topics and misattribution (notebook 05): how often an engagement-weighted topic label is wrong, who is most
exposed, what a shrinkage rule fixes, and what keyword stuffing buys.

The attribution itself lives in :class:`~influence_lab.scoring.topics.TopicAttributor` and reads events only; this
module sets its labels against the synthetic world's truth (``users.true_topics``: the topics a person posts
about as an expert) and measures:

- :func:`judged_labels`: every label with ``correct`` (the topic is one of the user's true topics);
- :func:`rule_quality`: precision (share of labels that are right) and recall (share of users' true topics that
  get a label), for each rule, optionally over several worlds (seeds) with the spread;
- :func:`misattribution_by_evidence`: the share of wrong labels as the evidence a label needs grows;
- :func:`exposure`: the wrong-label rate by how much a user posts and whether the label rests on one post;
- :func:`stuffing_lift`: keyword stuffing (:func:`influence_lab.studies.gaming.keyword_stuffing`) against a rule:
  how many stuffed posts buy a label, and at what cost in the gamer's time.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from influence_lab.contract import Dataset
from influence_lab.scoring.events import day_end
from influence_lab.scoring.topics import TopicAttributor
from influence_lab.studies.gaming import apply_attacks, keyword_stuffing

__all__ = ["exposure", "joke_posters", "judged_labels", "misattribution_by_evidence", "rule_quality", "stuffing_lift"]


def _true_topics(users: pd.DataFrame) -> pd.Series:
    if "true_topics" not in users.columns:
        raise KeyError("the users table has no 'true_topics' column: judging labels needs the synthetic world's truth.")
    return users.set_index("user_id")["true_topics"].fillna("").astype(str).str.split(";").map(
        lambda topics: {t for t in topics if t})


def judged_labels(model: TopicAttributor, users: pd.DataFrame) -> pd.DataFrame:
    """The fitted model's labelled rows with ``correct`` (the topic is among the user's true topics)."""
    truth = _true_topics(users)
    labels = model.topics_[model.topics_["label"]].copy()
    labels["correct"] = [topic in truth.get(user, set()) for user, topic in zip(labels["user_id"], labels["topic"])]
    return labels.reset_index(drop=True)


def _quality(model: TopicAttributor, users: pd.DataFrame) -> dict[str, float]:
    truth = _true_topics(users)
    judged = judged_labels(model, users)
    seen = set(model.topics_["user_id"])  # users with any topical post in the window
    relevant = sum(len(truth.get(user, set())) for user in seen)
    correct = int(judged["correct"].sum())
    return {"labels": len(judged), "correct": correct, "precision": correct / len(judged) if len(judged) else np.nan,
            "recall": correct / relevant if relevant else np.nan, "misattribution": 1 - correct / len(judged)
            if len(judged) else np.nan, "users_seen": len(seen)}


def rule_quality(datasets: Mapping[object, Dataset] | Dataset, rules: Mapping[str, Mapping[str, object]], *,
                 as_of="2012-06-30") -> pd.DataFrame:
    """Precision, recall and misattribution of each rule (``TopicAttributor`` keyword arguments), one row per rule
    and dataset (``datasets``: one dataset, or a mapping seed -> dataset for several worlds)."""
    if isinstance(datasets, Dataset):
        datasets = {0: datasets}
    when = day_end(as_of)
    rows = []
    for seed, data in datasets.items():
        for name, params in rules.items():
            model = TopicAttributor(**dict(params)).fit(data.events, when)
            rows.append({"seed": seed, "rule": name, **_quality(model, data.users)})
    return pd.DataFrame(rows)


def misattribution_by_evidence(model: TopicAttributor, users: pd.DataFrame, *, by: str = "posts",
                               thresholds: Sequence[int] = (1, 2, 3, 5, 10)) -> pd.DataFrame:
    """The wrong-label share among the fitted model's labels that rest on at least each threshold of ``by``
    (``posts`` or ``engagers``): threshold, labels, wrong, misattribution."""
    if by not in ("posts", "engagers"):
        raise ValueError(f"misattribution_by_evidence: by must be 'posts' or 'engagers', got {by!r}.")
    judged = judged_labels(model, users)
    rows = []
    for threshold in thresholds:
        kept = judged[judged[by] >= threshold]
        rows.append({"threshold": threshold, "labels": len(kept), "wrong": int((~kept["correct"]).sum()),
                     "misattribution": float((~kept["correct"]).mean()) if len(kept) else np.nan})
    return pd.DataFrame(rows)


def exposure(model: TopicAttributor, users: pd.DataFrame, *, viral_engagers: int = 10, few_posts: int = 2,
             joke_posters: Sequence[str] | None = None) -> pd.DataFrame:
    """Who is most exposed: the wrong-label share by the user's number of topical posts in the window (bands), by
    whether the label rests on at most ``few_posts`` posts that drew at least ``viral_engagers`` engagers (a viral
    post or two), and, given ``joke_posters`` (:func:`joke_posters`), by whether the user posted a joke."""
    judged = judged_labels(model, users)
    volume = model.topics_.groupby("user_id")["posts"].sum()
    judged["user_posts"] = volume.reindex(judged["user_id"]).to_numpy()
    judged["volume"] = pd.cut(judged["user_posts"], [0, 5, 20, 60, np.inf], labels=["1-5", "6-20", "21-60", "61+"])
    judged["few_viral_posts"] = (judged["posts"] <= few_posts) & (judged["engagers"] >= viral_engagers)
    columns = ["volume", "few_viral_posts"]
    if joke_posters is not None:
        judged["posted_a_joke"] = judged["user_id"].isin(list(joke_posters))
        columns.append("posted_a_joke")
    out = []
    for column in columns:
        grouped = judged.groupby(column, observed=True)["correct"]
        part = pd.DataFrame({"labels": grouped.size(), "misattribution": 1 - grouped.mean()}).reset_index()
        part.insert(0, "by", column)
        out.append(part.rename(columns={column: "group"}).astype({"group": str}))
    return pd.concat(out, ignore_index=True)


def joke_posters(dataset: Dataset, as_of, window_days: float = 90) -> list[str]:
    """Users who posted at least one joke in the window ending ``as_of``, from the truth table
    ``true_post_topics`` (topic "joke"): who the jokes came from, which no attribution may read."""
    table = dataset.truth.get("true_post_topics")
    if table is None:
        raise KeyError("joke_posters: the dataset has no 'true_post_topics' truth table (synthetic worlds only).")
    when = day_end(as_of)
    ev = dataset.events
    posts = ev[(ev["kind"] == "post") & (ev["timestamp"] <= when) & (ev["timestamp"] > when - pd.Timedelta(days=window_days))]
    jokes = set(table.loc[table["topic"] == "joke", "post_id"])
    return sorted(set(posts.loc[posts["post_id"].isin(jokes), "actor_id"]))


def stuffing_lift(dataset: Dataset, targets: Sequence[str], topic: str, rules: Mapping[str, Mapping[str, object]], *,
                  n_posts: Sequence[int] = (5, 10, 20, 40), as_of="2012-06-30", start="2012-05-01",
                  seed: int = 0) -> pd.DataFrame:
    """Keyword stuffing against each rule: for each number of stuffed posts, the share of ``targets`` (accounts
    without the label before) that get the ``topic`` label, and the gamer's hours per label bought."""
    when = day_end(as_of)
    rows = []
    for name, params in rules.items():
        before = TopicAttributor(**dict(params)).fit(dataset.events, when)
        fresh = [t for t in targets if topic not in before.labels_for(t)]
        for n in n_posts:
            attacks = [keyword_stuffing(dataset, t, topic=topic, n_posts=n, start=start, days=30, seed=seed)
                       for t in fresh]
            model = TopicAttributor(**dict(params)).fit(apply_attacks(dataset, attacks).events, when)
            bought = sum(topic in model.labels_for(t) for t in fresh)
            hours = sum(a.ledger["hours"] for a in attacks)
            rows.append({"rule": name, "n_posts": n, "targets": len(fresh), "labelled": bought,
                         "share_labelled": bought / len(fresh) if fresh else np.nan,
                         "hours_per_label": hours / bought if bought else np.nan})
    return pd.DataFrame(rows)
