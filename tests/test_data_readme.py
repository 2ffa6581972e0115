"""Every number data/README.md states about the shipped sample, recomputed from the sample.

The README describes the committed data; when the world changes and `influence-lab data generate` rewrites
data/, a number that moved fails here, and the README must follow.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from influence_lab import make_recipe, paths
from influence_lab.datasets.world import (
    CASE_USERS,
    WorldConfig,
    engagement_percentiles,
    follower_edges,
    reciprocity,
    world_summary,
)
from influence_lab.datasets.world.ledger import ledger_markdown
from influence_lab.scoring.events import day_end


@pytest.fixture(scope="module")
def readme() -> str:
    return re.sub(r"\s+", " ", (paths.sample_dir() / "README.md").read_text(encoding="utf-8"))


def _says(readme: str, text: str) -> None:
    assert re.sub(r"\s+", " ", text) in readme, f"data/README.md does not say: {text!r}"


def test_the_ledger_table_is_the_ledger():
    raw = (paths.sample_dir() / "README.md").read_text(encoding="utf-8")
    assert ledger_markdown() in raw


def test_events_and_graph_numbers(world, readme):
    summary = world_summary(world)
    kinds = summary["events_by_kind"]
    _says(readme, "Events by kind: " + "; ".join(f"{k} {kinds[k]:,}" for k in
                                                  ("post", "reshare", "like", "reply", "mention", "follow", "unfollow")))
    r = reciprocity(follower_edges(world.events))
    _says(readme, f"**{100 * r['pairs']:.1f}% of linked pairs are mutual** ({100 * r['edges']:.1f}% of follows")
    _says(readme, f"median {summary['followers_median']:.0f}, maximum {summary['followers_max']:,}; the top 1% of "
                  f"accounts hold {100 * summary['followers_top1pct_share']:.0f}% of all follows")
    _says(readme, f"{100 * summary['share_posting_under_weekly']:.0f}% post less than once a week")
    ev = world.events
    persona = world.users.set_index("user_id")["persona"].astype(str)
    reactions = ev[ev["kind"].isin(["like", "reshare", "reply"])]
    on_bots = reactions[reactions["target_id"].map(persona) == "bot"]
    _says(readme, f"({100 * (on_bots['actor_id'].map(persona) == 'bot').mean():.0f}% of the reactions bots receive")
    posts = ev.loc[ev["kind"] == "post", "post_id"]
    per_post = reactions["post_id"].value_counts().reindex(posts, fill_value=0)
    _says(readme, f"({100 * (per_post == 0).mean():.0f}% of posts get none; the top 0.1% get "
                  f"{per_post.quantile(0.999):.0f} or more)")


def test_truth_numbers(world, readme):
    users = world.users.set_index("user_id")
    real = users[users["persona"] != "fake_follower"]
    pct = real["true_influence"].rank(pct=True) * 100
    _says(readme, f"(the case bot at percentile {pct[CASE_USERS['bot']]:.1f} of the real accounts)")
    year = pd.Timestamp("2012-01-01", tz="UTC")
    old = real.index[real["created_at"] < year]
    o = world.outcomes
    conv = o[o["metric"] == "conversions"].groupby("user_id")["value"].sum().reindex(old, fill_value=0)
    expected = 12 * users.loc[old, "true_influence"]
    _says(readme, f"the realised conversions are {conv.sum() / expected.sum():.1f} times 12 x `true_influence`")
    _says(readme, f"with a Spearman correlation of {stats.spearmanr(conv, expected).statistic:.2f} per account")
    online, offline = real["true_online_influence"].sum(), real["true_offline_influence"].sum()
    assert 0.67 < online / offline < 1.5  # "about the same number of conversions"


def test_case_user_numbers(world, readme):
    story = engagement_percentiles(world, "2012-01-01", "2012-04-16").set_index("user_id")["percentile"]
    hiring = engagement_percentiles(world, *WorldConfig().cases.candidate_window).set_index("user_id")["percentile"]
    users = world.users.set_index("user_id")
    real = users[users["persona"] != "fake_follower"]
    truth_pct = real["true_influence"].rank(pct=True) * 100
    blogger, bot, speaker = CASE_USERS["blogger"], CASE_USERS["bot"], CASE_USERS["speaker"]
    klout = make_recipe("klout").score(world, as_of=day_end("2012-04-15"))["score"]
    _says(readme, f"{story[blogger]:.1f}th percentile in Jan to mid-April, a Klout-style {klout[blogger]:.0f} on "
                  "15 April (calibrated)")
    posts = world.events[world.events["kind"] == "post"]
    monthly = posts[posts["actor_id"] == blogger].groupby(posts["timestamp"].dt.month).size()
    _says(readme, f"from about {monthly[1]} (January) to about {monthly[10]} (October)")
    follows = world.events[(world.events["kind"] == "follow") & (world.events["target_id"] == bot)]
    fakes = follows.loc[follows["actor_id"].map(users["persona"]) == "fake_follower", "actor_id"].nunique()
    _says(readme, f"{fakes:,} distinct bought followers")
    _says(readme, f"{story[bot]:.1f}th percentile of engagement, yet true influence near zero "
                  f"(percentile {truth_pct[bot]:.1f})")
    _says(readme, f"{(posts['actor_id'] == speaker).sum()} posts in the year; {story[speaker]:.1f}th percentile of "
                  f"engagement, {truth_pct[speaker]:.1f}th of true influence")
    _says(readme, f"(here {hiring[CASE_USERS['candidate_34']]:.1f})")
    _says(readme, f"(here {hiring[CASE_USERS['candidate_67']]:.1f})")
    assert np.isfinite(klout[blogger])
