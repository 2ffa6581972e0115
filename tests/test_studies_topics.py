"""Judging topic labels against the truth (studies.topics): precision, recall, evidence thresholds, exposure, and
keyword stuffing against a rule."""

from __future__ import annotations

import pandas as pd
import pytest

from influence_lab.contract import Dataset, users_from_events
from influence_lab.scoring.events import day_end
from influence_lab.scoring.topics import TopicAttributor
from influence_lab.studies import topics

from test_topics import LEXICON, joker_and_expert


@pytest.fixture()
def hand_made():
    events = joker_and_expert()
    users = users_from_events(events)
    truth = {"joker": "food", "expert": "books"}
    users["true_topics"] = users["user_id"].map(truth).astype("str")
    return Dataset("hand", users, events)


def test_labels_are_judged_against_the_true_topics_and_precision_recall_follow(hand_made):
    when = hand_made.events["timestamp"].max()
    model = TopicAttributor(lexicon=LEXICON, min_share=0.5).fit(hand_made.events, when)
    judged = topics.judged_labels(model, hand_made.users).set_index("user_id")
    assert judged.loc["joker", "topic"] == "health" and not judged.loc["joker", "correct"]
    assert judged.loc["expert", "correct"]
    quality = topics.rule_quality(hand_made, {"naive": {"lexicon": LEXICON, "min_share": 0.5}},
                                  as_of=when.strftime("%Y-%m-%d")).iloc[0]
    assert quality["labels"] == 2 and quality["correct"] == 1
    assert quality["precision"] == pytest.approx(0.5) and quality["recall"] == pytest.approx(0.5)
    fixed = topics.rule_quality(hand_made, {"fix": {"lexicon": LEXICON, "min_share": 0.5, "prior_strength": 20,
                                                    "min_posts": 3}}, as_of=when.strftime("%Y-%m-%d")).iloc[0]
    assert fixed["precision"] == pytest.approx(1.0)  # the joke label is gone, the expertise stays


def test_judging_needs_the_truth(hand_made):
    model = TopicAttributor(lexicon=LEXICON).fit(hand_made.events, hand_made.events["timestamp"].max())
    with pytest.raises(KeyError, match="true_topics"):
        topics.judged_labels(model, hand_made.users.drop(columns="true_topics"))


def test_more_evidence_means_fewer_wrong_labels_and_low_volume_users_are_most_exposed(world):
    model = TopicAttributor().fit(world.events, day_end("2012-06-30"))
    by_posts = topics.misattribution_by_evidence(model, world.users)
    assert by_posts["misattribution"].is_monotonic_decreasing
    assert by_posts["labels"].is_monotonic_decreasing
    assert by_posts["misattribution"].iloc[0] > 3 * by_posts["misattribution"].iloc[-1]
    exposed = topics.exposure(model, world.users).set_index(["by", "group"])["misattribution"]
    assert exposed.loc[("volume", "1-5")] > exposed.loc[("volume", "61+")]
    with pytest.raises(ValueError, match="by must be"):
        topics.misattribution_by_evidence(model, world.users, by="likes")


def test_keyword_stuffing_buys_a_label_under_the_naive_rule(hand_made):
    when = hand_made.events["timestamp"].max()
    rules = {"naive": {"min_share": 0.5}}  # the world's lexicon: the one keyword stuffing draws its words from
    start = (when - pd.Timedelta(days=40)).strftime("%Y-%m-%d")  # all 30 days of stuffing inside the window
    table = topics.stuffing_lift(hand_made, ["expert"], "food", rules, n_posts=(1, 30), as_of=when.strftime("%Y-%m-%d"),
                                 start=start)
    table = table.set_index("n_posts")
    assert table.loc[1, "labelled"] == 0  # one stuffed post does not outweigh twenty points of books
    assert table.loc[30, "labelled"] == 1 and table.loc[30, "hours_per_label"] > 0
