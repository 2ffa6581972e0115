"""The synthetic world: determinism, contract, graph shape, behaviour of personas, mechanisms, case users.

Most tests use a small world (300 real accounts); the properties that need the
default size (reciprocity near 22%, the case users' percentiles) are checked
on the committed sample in ``data/``, which ``test_sample.py`` proves is
exactly what ``generate_world()`` makes.
"""

from __future__ import annotations

import ast
import dataclasses
import inspect
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from influence_lab.contract import (
    ENGAGEMENT_KINDS,
    EVENT_KINDS,
    KNOWN_METRICS,
    TIMESTAMP_DTYPE,
    validate_events,
    validate_outcomes,
    validate_users,
)
from influence_lab.datasets import world as world_model
from influence_lab.datasets.sample import load_sample
from influence_lab.datasets.world import (
    CASE_USERS,
    WorldConfig,
    engagement_percentiles,
    follower_edges,
    generate_world,
    reciprocity,
    world_summary,
)

SMALL = WorldConfig(n_users=300, n_fake_followers=400)
YEAR_START = pd.Timestamp("2012-01-01", tz="UTC")
YEAR_END = pd.Timestamp("2013-01-01", tz="UTC")


@pytest.fixture(scope="module")
def small():
    return generate_world(SMALL)


@pytest.fixture(scope="module")
def sample():
    return load_sample()


def _posts_per_user(events: pd.DataFrame, ids) -> pd.Series:
    return events.loc[events["kind"] == "post", "actor_id"].value_counts().reindex(ids, fill_value=0)


# ---------------------------------------------------------------- determinism and contract


def test_same_seed_gives_identical_tables(small):
    again = generate_world(SMALL)
    pd.testing.assert_frame_equal(small.users, again.users)
    pd.testing.assert_frame_equal(small.events, again.events)
    pd.testing.assert_frame_equal(small.outcomes, again.outcomes)
    pd.testing.assert_frame_equal(small.truth["true_life_events"], again.truth["true_life_events"])


def test_different_seed_gives_a_different_world(small):
    other = generate_world(SMALL.replace(seed=SMALL.seed + 1))
    assert not small.events.equals(other.events)
    assert not small.outcomes.equals(other.outcomes)


def test_tables_follow_the_contract(small):
    assert small.name == "synthetic"
    pd.testing.assert_frame_equal(validate_users(small.users), small.users)
    pd.testing.assert_frame_equal(validate_events(small.events), small.events)
    pd.testing.assert_frame_equal(validate_outcomes(small.outcomes), small.outcomes)
    ev = small.events
    assert ev["timestamp"].dtype == TIMESTAMP_DTYPE
    assert set(ev["kind"].astype(str).unique()) == set(EVENT_KINDS)
    assert ev["timestamp"].is_monotonic_increasing
    # target_id is empty exactly for posts; every non-follow event happens in 2012.
    assert (ev["target_id"].isna() == (ev["kind"] == "post")).all()
    activity = ev[~ev["kind"].isin(["follow"])]
    assert activity["timestamp"].between(YEAR_START, YEAR_END, inclusive="left").all()
    assert (ev["timestamp"] < YEAR_END).all()
    assert not (ev["actor_id"] == ev["target_id"]).any()
    users = set(small.users["user_id"])
    assert set(ev["actor_id"]) <= users and set(ev["target_id"].dropna()) <= users
    assert set(small.outcomes["metric"]) == set(KNOWN_METRICS)
    assert (small.outcomes["period"].dt.day == 1).all()


def test_engagement_points_at_the_original_post_and_its_author(small):
    ev = small.events
    posts = ev[ev["kind"] == "post"]
    assert posts["post_id"].is_unique and posts["text"].notna().all() and posts["topic"].notna().all()
    author = posts.set_index("post_id")["actor_id"]
    reactions = ev[ev["kind"].isin(["like", "reshare", "reply"])]
    assert reactions["post_id"].notna().all()
    assert (reactions["post_id"].map(author) == reactions["target_id"]).all()
    mentions = ev[ev["kind"] == "mention"]
    assert (mentions["post_id"].map(author) == mentions["actor_id"]).all()
    # Reactions come after the post; nobody reacts twice to one post with the same kind.
    post_time = posts.set_index("post_id")["timestamp"]
    assert (reactions["timestamp"] >= reactions["post_id"].map(post_time)).all()
    assert not reactions.duplicated(["post_id", "actor_id"]).any()


def test_follows_start_after_both_accounts_exist(small):
    created = small.users.set_index("user_id")["created_at"]
    follows = small.events[small.events["kind"] == "follow"]
    assert (follows["timestamp"] >= follows["actor_id"].map(created)).all()
    assert (follows["timestamp"] >= follows["target_id"].map(created)).all()
    assert (follows["timestamp"] < YEAR_START).mean() > 0.5  # the graph mostly predates 2012
    unfollows = small.events[small.events["kind"] == "unfollow"]
    assert len(unfollows) > 0
    pair_first_follow = follows.groupby(["actor_id", "target_id"])["timestamp"].min()
    first = pd.MultiIndex.from_frame(unfollows[["actor_id", "target_id"]])
    assert (unfollows["timestamp"].to_numpy() > pair_first_follow.reindex(first).to_numpy()).all()


def test_truth_columns_and_life_events_table(small):
    truth = {c for c in small.users.columns if c.startswith("true_")}
    assert {
        "true_appeal", "true_posting_rate", "true_offline_reach", "true_topics", "true_gaming", "true_influence",
    } <= truth
    assert set(small.users["persona"].cat.categories) == {
        "lurker", "everyday", "pr_marketing", "journalist", "brand", "celebrity", "speaker", "bot", "fake_follower",
    }
    assert set(small.users["true_gaming"]) <= {"none", "bought_followers", "pod", "bot", "bot;bought_followers",
                                                "fake_follower"}
    life = small.truth["true_life_events"]
    assert list(life.columns) == ["user_id", "event", "start", "end", "availability"]
    assert (life["end"] > life["start"]).all() and life["availability"].between(0, 1).all()
    assert set(life["user_id"]) <= set(small.users["user_id"])
    stripped = small.without_truth()
    assert not any(c.startswith("true_") for c in stripped.users.columns)


# ---------------------------------------------------------------- graph


def test_reciprocity_of_the_default_world_is_near_22_percent(sample):
    r = reciprocity(follower_edges(sample.events))
    assert 0.18 <= r["pairs"] <= 0.26
    assert r["edges"] == pytest.approx(2 * r["pairs"] / (1 + r["pairs"]), rel=1e-9)


def test_small_world_still_reciprocates_some_follows(small):
    assert 0.12 <= reciprocity(follower_edges(small.events))["pairs"] <= 0.45


def test_follower_counts_are_heavy_tailed(sample):
    summary = world_summary(sample)
    assert summary["followers_top1pct_share"] > 0.2  # the top 1% hold over a fifth of all follows
    assert summary["followers_max"] > 50 * summary["followers_median"]


def test_reciprocity_definitions_on_a_hand_built_graph():
    edges = pd.DataFrame({"follower_id": ["a", "b", "a", "c"], "followee_id": ["b", "a", "c", "d"]})
    r = reciprocity(edges)
    assert r["pairs"] == pytest.approx(1 / 3)  # pairs a-b (mutual), a-c, c-d
    assert r["edges"] == pytest.approx(2 / 4)


def test_follower_edges_replays_follows_and_unfollows():
    ts = pd.to_datetime(["2012-01-01", "2012-02-01", "2012-03-01", "2012-04-01"], utc=True)
    events = pd.DataFrame(
        {"timestamp": ts, "actor_id": ["a", "a", "b", "a"], "target_id": ["b", "b", "a", "b"],
         "kind": ["follow", "unfollow", "follow", "follow"]}
    )
    assert set(map(tuple, follower_edges(events).to_numpy())) == {("b", "a"), ("a", "b")}
    assert set(map(tuple, follower_edges(events, at="2012-02-15").to_numpy())) == set()
    assert set(map(tuple, follower_edges(events, at="2012-03-15").to_numpy())) == {("b", "a")}


# ---------------------------------------------------------------- behaviour


def test_most_users_are_passive(small):
    real = small.users.loc[small.users["persona"] != "fake_follower", "user_id"]
    posts = _posts_per_user(small.events, real)
    assert (posts < 52).mean() > 0.5  # most accounts post less than once a week
    given = small.events.loc[small.events["kind"].isin(["like", "reshare", "reply"]), "actor_id"]
    given = given.value_counts().reindex(real, fill_value=0)
    assert given.median() < given.mean() / 2  # a few react a lot, most hardly at all


def test_fake_followers_only_follow(small):
    fakes = set(small.users.loc[small.users["persona"] == "fake_follower", "user_id"])
    acting = small.events[small.events["actor_id"].isin(fakes)]
    assert set(acting["kind"].astype(str)) <= {"follow", "unfollow"}
    assert len(acting) > 0
    assert not small.events["target_id"].isin(fakes).any() or (
        small.events.loc[small.events["target_id"].isin(fakes), "kind"].astype(str).isin(["follow", "unfollow"]).all()
    )


def test_bots_are_engaged_mostly_by_bots(small):
    persona = small.users.set_index("user_id")["persona"].astype(str)
    reactions = small.events[small.events["kind"].isin(["like", "reshare", "reply"])]
    on_bots = reactions[reactions["target_id"].map(persona) == "bot"]
    assert len(on_bots) > 100
    assert (on_bots["actor_id"].map(persona) == "bot").mean() > 0.8
    bots = persona[persona == "bot"].index
    bot_posts = _posts_per_user(small.events, bots)
    humans = persona[persona.isin(["everyday", "pr_marketing", "journalist"])].index
    assert bot_posts.median() > _posts_per_user(small.events, humans).median() * 5


def test_bought_followers_arrive_in_bursts(small):
    persona = small.users.set_index("user_id")["persona"].astype(str)
    bot = CASE_USERS["bot"]
    follows = small.events[(small.events["kind"] == "follow") & (small.events["target_id"] == bot)]
    from_fakes = follows[follows["actor_id"].map(persona) == "fake_follower"]
    package_days = [pd.Timestamp(d, tz="UTC") for d, _ in SMALL.cases.bot_packages]
    window = pd.Timedelta(days=SMALL.gaming.burst_days + 1)
    in_burst = np.zeros(len(from_fakes), dtype=bool)
    for day in package_days:
        in_burst |= from_fakes["timestamp"].between(day, day + window).to_numpy()
    assert len(from_fakes) >= 0.5 * SMALL.n_fake_followers
    assert in_burst.mean() > 0.95


def test_life_events_lower_posting_during_the_event(small):
    life = small.truth["true_life_events"]
    deep = life[(life["availability"] < 0.5) & (life["start"] >= YEAR_START) & (life["end"] <= YEAR_END)
                & (life["end"] - life["start"] >= pd.Timedelta(days=20))]
    posts = small.events[small.events["kind"] == "post"][["actor_id", "timestamp"]]
    joined = deep.reset_index().merge(posts, left_on="user_id", right_on="actor_id")
    during = joined["timestamp"].between(joined["start"], joined["end"], inclusive="left")
    days_during = (deep["end"] - deep["start"]).dt.days
    flags = pd.DataFrame({"index": joined["index"], "during": during})
    per_event = flags.groupby("index")["during"].agg(["sum", "size"])
    per_event = per_event.reindex(deep.index, fill_value=0)
    rate_during = per_event["sum"].sum() / days_during.sum()
    rate_outside = (per_event["size"] - per_event["sum"]).sum() / (366 - days_during).sum()
    assert len(deep) >= 10
    assert rate_during < 0.7 * rate_outside


# ---------------------------------------------------------------- outcomes


def _totals(dataset) -> pd.Series:
    return dataset.outcomes.groupby("metric")["value"].sum()


def test_outcomes_respond_to_online_share_and_behaviour_does_not_move(small):
    online = generate_world(SMALL.replace(outcomes__online_share=0.9))
    offline = generate_world(SMALL.replace(outcomes__online_share=0.1))
    # Outcome parameters have their own random stream: the behaviour is the same world.
    pd.testing.assert_frame_equal(online.events, offline.events)
    hi, lo = _totals(online), _totals(offline)
    assert hi["clicks"] > 3 * lo["clicks"]
    assert hi["referrals"] < lo["referrals"] and hi["invitations"] < lo["invitations"]
    speaker = CASE_USERS["speaker"]
    def conv(ds):
        o = ds.outcomes
        return o.loc[(o["user_id"] == speaker) & (o["metric"] == "conversions"), "value"].sum()
    assert conv(offline) > conv(online)
    infl = lambda ds: ds.users.set_index("user_id").loc[speaker, "true_offline_influence"]  # noqa: E731
    assert infl(offline) > infl(online)


def test_offline_strength_scales_offline_outcomes(small):
    strong = generate_world(SMALL.replace(outcomes__offline_strength=3.0))
    assert _totals(strong)["referrals"] > 2 * _totals(small)["referrals"]
    assert _totals(strong)["clicks"] == _totals(small)["clicks"]


#: Rates raised (all clicks online, 10x click rates) so Poisson noise does not blur the ranks compared below.
LOUD_CLICKS = SMALL.replace(
    outcomes__online_share=1.0, outcomes__click_through=0.2, outcomes__clicks_per_engagement=10.0
)


@pytest.fixture(scope="module")
def by_engaged_share():
    """Small worlds at engaged_click_share 0 and 1, with yearly clicks, reactions, followers and posts."""
    out = {}
    for share in (0.0, 1.0):
        world = generate_world(LOUD_CLICKS.replace(outcomes__engaged_click_share=share))
        users, events = world.users, world.events
        real = users.loc[users["persona"] != "fake_follower", "user_id"].to_numpy()
        outcomes = world.outcomes
        reacted = events[events["kind"].isin(["like", "reshare", "reply"]) & (events["actor_id"] != events["target_id"])]
        out[share] = {
            "world": world,
            "clicks": outcomes[outcomes["metric"] == "clicks"].groupby("user_id")["value"].sum().reindex(real,
                                                                                                      fill_value=0),
            "reactions": reacted["target_id"].value_counts().reindex(real, fill_value=0),
            "followers": follower_edges(events, "2012-07-01")["followee_id"].value_counts().reindex(real, fill_value=0),
            "posts": _posts_per_user(events, real),
        }
    return out


def test_engaged_click_share_moves_outcomes_not_behaviour(by_engaged_share):
    passive, engaged = by_engaged_share[0.0]["world"], by_engaged_share[1.0]["world"]
    pd.testing.assert_frame_equal(passive.events, engaged.events)
    pd.testing.assert_frame_equal(passive.truth["true_life_events"], engaged.truth["true_life_events"])
    behaviour = [c for c in passive.users.columns if c not in {"true_influence", "true_online_influence"}]
    pd.testing.assert_frame_equal(passive.users[behaviour], engaged.users[behaviour])
    assert not passive.outcomes.equals(engaged.outcomes)
    online_passive, online_engaged = passive.users["true_online_influence"], engaged.users["true_online_influence"]
    has_online = online_passive > 1e-3
    assert has_online.sum() > 50
    assert (np.abs(online_passive - online_engaged)[has_online] > 1e-6).mean() > 0.9
    assert passive.users["true_offline_influence"].equals(engaged.users["true_offline_influence"])
    u = engaged.users
    assert np.allclose(u["true_influence"], u["true_online_influence"] + u["true_offline_influence"], atol=2e-6)


def test_fully_engaged_clicks_need_reactions(by_engaged_share):
    unreacted = by_engaged_share[1.0]["reactions"] == 0
    seen = unreacted & (by_engaged_share[1.0]["posts"] > 0) & (by_engaged_share[1.0]["followers"] > 0)
    assert seen.sum() >= 5
    assert (by_engaged_share[1.0]["clicks"][unreacted] == 0).all()
    assert (by_engaged_share[0.0]["clicks"][seen] > 0).any()  # passive impressions click without reactions


def test_clicks_follow_reactions_when_engaged_and_exposure_when_passive(by_engaged_share):
    def rho(share, against):
        d = by_engaged_share[share]
        x = d["followers"] * d["posts"] if against == "exposure" else d[against]
        return d["clicks"].corr(x, method="spearman")

    assert rho(1.0, "reactions") > 0.95
    assert rho(1.0, "reactions") > rho(1.0, "exposure") + 0.1 > rho(1.0, "followers") + 0.1
    assert rho(0.0, "exposure") > rho(0.0, "reactions")
    assert rho(0.0, "reactions") < rho(1.0, "reactions") - 0.05


def test_outcomes_are_not_computed_from_scores():
    # No module of the world imports anything that computes scores or features: outcomes cannot read them.
    modules = sorted(Path(world_model.__file__).parent.glob("*.py"))
    assert {p.stem for p in modules} >= {"__init__", "config", "population", "follows", "activity", "engagement",
                                         "outcomes", "texts", "cases", "generate"}
    imported = set()
    for path in modules:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                imported.add("." * node.level + (node.module or ""))
            elif isinstance(node, ast.Import):
                imported.update(alias.name for alias in node.names)
    assert not {m for m in imported if m.startswith(".")}, "the world's modules import by absolute path"
    project = {m for m in imported if m.startswith("influence_lab")}
    outside = {m for m in project if not m.startswith("influence_lab.datasets.world.")}
    assert outside == {"influence_lab.contract"}


def test_revenue_comes_with_conversions(small):
    wide = small.outcomes.pivot_table(index=["user_id", "period"], columns="metric", values="value")
    assert ((wide["conversions"] == 0) == (wide["revenue"] == 0)).all()
    assert (wide["clicks"] >= 0).all() and (wide["conversions"] <= wide["clicks"] + wide["referrals"]).all()


def test_true_influence_is_the_sum_of_its_channels(small):
    u = small.users
    assert np.allclose(u["true_influence"], u["true_online_influence"] + u["true_offline_influence"], atol=2e-6)
    fakes = u["persona"] == "fake_follower"
    assert (u.loc[fakes, "true_influence"] == 0).all()


# ---------------------------------------------------------------- case users


def test_case_users_exist_with_their_roles(small):
    users = small.users.set_index("user_id")
    for role, uid in CASE_USERS.items():
        assert users.loc[uid, "true_case_role"] == role
        assert users.loc[uid, "handle"] == world_model.CASE_HANDLES[role]
    assert users["true_case_role"].notna().sum() == len(CASE_USERS)
    table = world_model.case_users_table()
    assert list(table["user_id"]) == list(CASE_USERS.values())
    assert users.loc[CASE_USERS["candidate_34"], "persona"] in SMALL.cases.candidate_personas
    assert users.loc[CASE_USERS["candidate_67"], "persona"] in SMALL.cases.candidate_personas


def test_blogger_posts_less_after_mid_april_while_his_traits_hold(small):
    blogger = CASE_USERS["blogger"]
    posts = small.events[(small.events["kind"] == "post") & (small.events["actor_id"] == blogger)]["timestamp"]
    cut = pd.Timestamp("2012-04-16", tz="UTC")
    before = (posts < cut).sum() / (cut - YEAR_START).days
    after = (posts >= cut).sum() / (YEAR_END - cut).days
    assert before > 0.8 * WorldConfig().cases.blogger_posting_rate and after < 0.5 * before
    life = small.truth["true_life_events"]
    events = set(life.loc[life["user_id"] == blogger, "event"])
    assert {"busy_job", "house_hunt", "new_baby", "book_series"} <= events
    baby = life[(life["user_id"] == blogger) & (life["event"] == "new_baby")]
    assert baby["start"].dt.month.iloc[0] == 8


def test_the_bot_posts_about_fifty_near_identical_tweets_a_day(small):
    bot = CASE_USERS["bot"]
    posts = small.events[(small.events["kind"] == "post") & (small.events["actor_id"] == bot)]
    per_day = posts.groupby(posts["timestamp"].dt.floor("D")).size()
    assert 45 <= per_day.mean() <= 55
    skeleton = posts["text"].str.replace(r"@\w+ |\d+|http://t\.co/\w+", "", regex=True)
    assert skeleton.nunique() == 1
    gaming = small.users.set_index("user_id").loc[bot, "true_gaming"]
    assert "bought_followers" in gaming and "bot" in gaming


def test_speaker_has_offline_reach_and_little_online_activity(small):
    users = small.users.set_index("user_id")
    speaker = CASE_USERS["speaker"]
    real = users[users["persona"] != "fake_follower"]
    assert users.loc[speaker, "true_offline_reach"] >= real["true_offline_reach"].quantile(0.99)
    posts = _posts_per_user(small.events, [speaker]).iloc[0]
    assert posts < 60
    o = small.outcomes[small.outcomes["user_id"] == speaker].groupby("metric")["value"].sum()
    assert o["invitations"] > 0 and o["referrals"] > o["clicks"]


def test_asthma_joke_is_the_jokers_most_engaged_post(small):
    joker = CASE_USERS["asthma_joker"]
    ev = small.events
    posts = ev[(ev["kind"] == "post") & (ev["actor_id"] == joker)].set_index("post_id")
    engagement = ev[ev["kind"].isin(["like", "reshare", "reply"]) & (ev["target_id"] == joker)]
    per_post = engagement["post_id"].value_counts().reindex(posts.index, fill_value=0)
    top = per_post.idxmax()
    assert "asthma" in posts.loc[top, "text"] and posts.loc[top, "topic"] == "joke"
    assert per_post[top] > 5 * per_post.drop(top).max()
    topics = small.users.set_index("user_id").loc[joker, "true_topics"]
    assert "health" not in topics.split(";")


def test_dino_fan_gets_more_engagement_on_dinosaurs_than_on_their_topics(small):
    dino = CASE_USERS["dino_fan"]
    ev = small.events
    posts = ev[(ev["kind"] == "post") & (ev["actor_id"] == dino)].set_index("post_id")
    engagement = ev[ev["kind"].isin(["like", "reshare", "reply"]) & (ev["target_id"] == dino)]
    per_topic = engagement["post_id"].map(posts["topic"]).value_counts()
    assert per_topic.idxmax() == "dinosaurs"
    assert "dinosaurs" not in small.users.set_index("user_id").loc[dino, "true_topics"].split(";")
    assert posts["text"].str.contains("dinosaur|T. rex|fossil|Jurassic", case=False, regex=True).sum() >= 8


def test_case_users_in_the_default_world_sit_where_the_story_needs_them(sample):
    story = engagement_percentiles(sample, "2012-01-01", "2012-04-16").set_index("user_id")["percentile"]
    hiring = engagement_percentiles(sample, *WorldConfig().cases.candidate_window).set_index("user_id")["percentile"]
    assert 98.0 <= story[CASE_USERS["blogger"]] <= 100.0  # "in the top 1%"
    low, high = WorldConfig().cases.candidate_percentiles
    assert abs(hiring[CASE_USERS["candidate_34"]] - low) < 3
    assert abs(hiring[CASE_USERS["candidate_67"]] - high) < 0.5
    users = sample.users.set_index("user_id")
    bot_fakes = sample.events[(sample.events["kind"] == "follow") & (sample.events["target_id"] == CASE_USERS["bot"])]
    assert (bot_fakes["actor_id"].map(users["persona"]) == "fake_follower").sum() > 2000  # thousands bought


def test_engagement_percentiles_are_mid_ranks(small):
    table = engagement_percentiles(small, "2012-01-01", "2012-04-01")
    assert table["percentile"].between(0, 100).all()
    assert len(table) == (small.users["persona"] != "fake_follower").sum()
    ranked = table.sort_values("engagement_received")
    assert ranked["percentile"].is_monotonic_increasing


# ---------------------------------------------------------------- configuration


def test_config_round_trips_through_a_dict():
    config = WorldConfig().replace(seed=9, outcomes__online_share=0.8, graph__topic_homophily=0.3)
    assert config.seed == 9 and config.outcomes.online_share == 0.8 and config.graph.topic_homophily == 0.3
    assert WorldConfig.from_dict(config.to_dict()) == config
    assert WorldConfig.from_dict(WorldConfig().to_dict()) == WorldConfig()


def test_every_config_field_is_documented():
    """Each config field has a ``#:`` comment above it (consecutive fields may share one)."""
    for cls in (world_model.PersonaConfig, world_model.GraphConfig, world_model.ActivityConfig,
                world_model.EngagementConfig, world_model.LifeEventType, world_model.LifeEventConfig,
                world_model.GamingConfig, world_model.OutcomeConfig, world_model.CaseConfig, world_model.WorldConfig):
        # Read the module the dataclass is defined in (influence_lab/datasets/world/config.py).
        lines = Path(inspect.getsourcefile(cls)).read_text(encoding="utf-8").splitlines()
        begin = lines.index(f"class {cls.__name__}:")
        for f in dataclasses.fields(cls):
            if cls is world_model.WorldConfig and f.name in {"graph", "activity", "engagement", "life_events",
                                                             "gaming", "outcomes", "cases", "personas"}:
                continue  # sections, documented in their own classes
            at = next(i for i in range(begin, len(lines)) if lines[i].startswith(f"    {f.name}:"))
            above = at - 1
            while not lines[above].strip().startswith("#:"):
                text = lines[above].strip()
                assert text and not text.startswith(('"""', "class ")), f"{cls.__name__}.{f.name} is undocumented"
                above -= 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"n_users": 10}, "at least 50"),
        ({"outcomes__online_share": 1.5}, "online_share"),
        ({"outcomes__engaged_click_share": 1.5}, "engaged_click_share"),
        ({"outcomes__engaged_click_share": -0.1}, "engaged_click_share"),
        ({"outcomes__clicks_per_engagement": -1.0}, "clicks_per_engagement"),
        ({"n_users": 60_000, "n_fake_followers": 50_000}, "id space"),
        ({"activity__joke_post_share": 0.5}, "post shares"),
    ],
)
def test_bad_configs_are_refused_with_the_field_named(change, message):
    with pytest.raises(ValueError, match=message):
        generate_world(WorldConfig().replace(**change))


def test_engagement_kinds_are_the_contracts():
    assert set(ENGAGEMENT_KINDS) == {"reshare", "like", "reply", "mention"}
