"""Notebook 05 (topics and misattribution): every claim its prose, figure titles and written answers make,
recomputed with the same package calls and parameters."""

from __future__ import annotations

import pytest

from influence_lab.datasets.world import CASE_USERS, WorldConfig, generate_world
from influence_lab.scoring.events import day_end
from influence_lab.scoring.topics import TopicAttributor
from influence_lab.studies import gaming, topics

AS_OF = day_end("2012-06-30")
RULES = {"naive": {}, "fix: shrink 5, min 3 posts": {"prior_strength": 5, "min_posts": 3}}
GRID = {"naive": {}, "min 2 posts": {"min_posts": 2}, "min 3 posts": {"min_posts": 3},
        "shrink 5": {"prior_strength": 5}, "shrink 5, min 3 posts": {"prior_strength": 5, "min_posts": 3},
        "shrink 20, min 5 posts": {"prior_strength": 20, "min_posts": 5}}


@pytest.fixture(scope="module")
def naive(world):
    return TopicAttributor().fit(world.events, AS_OF)


def test_the_joker_is_labelled_with_the_joke_and_the_fan_with_dinosaurs(world, naive):
    """"The joker's true topics are food and travel; the naive rule labels them health ... rests on 2 posts that
    drew 79 different engagers"; answer 5: without engagement weights the label moves to their real subjects."""
    joker, fan = CASE_USERS["asthma_joker"], CASE_USERS["dino_fan"]
    truth = world.users.set_index("user_id")["true_topics"]
    labels = naive.labels_for(joker)
    assert labels and not set(labels) & set(truth[joker].split(";"))
    top = naive.topics_[naive.topics_["user_id"] == joker].iloc[0]
    assert top["posts"] <= 2 and top["engagers"] >= 20
    assert "dinosaurs" in naive.labels_for(fan) and "dinosaurs" not in truth[fan]
    flat = TopicAttributor(engagement_weight=0).fit(world.events, AS_OF)
    assert set(flat.labels_for(joker)) <= set(truth[joker].split(";")) and flat.labels_for(joker)


def test_a_third_of_naive_labels_are_wrong_and_the_fix_cuts_them(world):
    """"the naive rule gives 3,523 labels, and 32% of them are wrong; it finds 71% of the users' true topics"."""
    quality = topics.rule_quality(world, RULES, as_of="2012-06-30").set_index("rule")
    assert 0.2 < quality.loc["naive", "misattribution"] < 0.45 and quality.loc["naive", "recall"] > 0.5
    assert quality.loc["fix: shrink 5, min 3 posts", "misattribution"] < quality.loc["naive", "misattribution"] / 3


def test_labels_on_thin_evidence_are_wrong_more_often_and_low_volume_users_are_exposed(world, naive):
    """Figure title: "Labels resting on one post are wrong 32% of the time; with ten posts, 3%"; say: users with
    one to five posts 50% against 5% above sixty; the viral-post group is too small for a rate; answer 6: engagers
    guard less well than posts."""
    by_posts = topics.misattribution_by_evidence(naive, world.users, thresholds=(1, 2, 3, 5, 10))
    assert by_posts["misattribution"].iloc[0] > 5 * by_posts["misattribution"].iloc[-1]
    exposed = topics.exposure(naive, world.users).set_index(["by", "group"])
    assert exposed.loc[("volume", "1-5"), "misattribution"] > 5 * exposed.loc[("volume", "61+"), "misattribution"]
    assert exposed.loc[("few_viral_posts", "True"), "labels"] < 20
    jokers = topics.joke_posters(world, "2012-06-30")
    with_jokes = topics.exposure(naive, world.users, joke_posters=jokers).set_index(["by", "group"])
    # "joke posters are the more active users, and volume protects them more than jokes expose them"
    assert with_jokes.loc[("posted_a_joke", "True"), "misattribution"] < with_jokes.loc[("posted_a_joke", "False"),
                                                                                        "misattribution"]
    volume = naive.topics_.groupby("user_id")["posts"].sum()
    assert volume.reindex(jokers).median() > volume.drop(jokers, errors="ignore").median()
    by_engagers = topics.misattribution_by_evidence(naive, world.users, by="engagers", thresholds=(1, 2, 3, 5, 10))
    assert by_engagers["misattribution"].iloc[-1] > by_posts["misattribution"].iloc[-1]


def test_shrinkage_buys_precision_with_recall_over_three_worlds():
    """Figure title: "Shrinkage buys precision with recall: from 70% right at 72% recall to 98% at 22%"; say:
    "shrink 5, min 3 posts" raises precision to 95% and lowers recall to 42%."""
    worlds = {seed: generate_world(WorldConfig(n_users=1500, n_fake_followers=500, seed=seed)) for seed in (1, 2, 3)}
    curve = topics.rule_quality(worlds, GRID, as_of="2012-06-30")
    means = curve.groupby("rule", sort=False)[["precision", "recall"]].mean()
    assert means.loc["shrink 20, min 5 posts", "precision"] > means.loc["naive", "precision"] + 0.2
    assert means.loc["shrink 20, min 5 posts", "recall"] < means.loc["naive", "recall"] - 0.3
    fix = curve[curve["rule"] == "shrink 5, min 3 posts"]
    assert (fix["precision"].to_numpy() > curve[curve["rule"] == "naive"]["precision"].to_numpy()).all()
    assert means.loc["shrink 5, min 3 posts", "recall"] < means.loc["naive", "recall"]


def test_the_fix_does_not_stop_keyword_stuffing(world):
    """"Ten stuffed posts buy the finance label for 78% ... under the naive rule and 78% under the fix; with forty
    posts, 100% and 100%"."""
    targets = gaming.pick_targets(world, "2012-06-30", n=10, seed=0)
    table = topics.stuffing_lift(world, targets, "finance", RULES, n_posts=(10, 40), as_of="2012-06-30",
                                 start="2012-05-01", seed=0).set_index(["rule", "n_posts"])
    assert table.loc[("fix: shrink 5, min 3 posts", 10), "share_labelled"] >= 0.5
    assert table.loc[("fix: shrink 5, min 3 posts", 40), "share_labelled"] >= 0.9
    assert table.loc[("naive", 40), "share_labelled"] >= 0.9


def test_solution_7_a_higher_share_threshold_trades_recall_for_precision(world):
    base = topics.rule_quality(world, {"naive": {}}, as_of="2012-06-30").iloc[0]
    strict = topics.rule_quality(world, {"s": {"min_share": 0.4}}, as_of="2012-06-30").iloc[0]
    assert strict["precision"] > base["precision"] and strict["recall"] < base["recall"]
