"""Per-user features: hand-made cases, a brute-force reference, and hypothesis properties.

``event_tables`` (a hypothesis strategy for small contract-valid events
tables) is imported by test_scores.py and test_timeline.py too.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from influence_lab.contract import Dataset, validate_events
from influence_lab.scoring.events import day_end
from influence_lab.scoring.features import FEATURES, features_table, user_features

BASE = pd.Timestamp("2012-01-01", tz="UTC")
KINDS = ["post", "reshare", "like", "reply", "mention", "follow", "unfollow"]


def make_events(rows, *, base=BASE) -> pd.DataFrame:
    """Events from (seconds after base, actor, target, kind, post_id, text) tuples, validated."""
    frame = pd.DataFrame(rows, columns=["seconds", "actor_id", "target_id", "kind", "post_id", "text"])
    frame["timestamp"] = base + pd.to_timedelta(frame.pop("seconds"), unit="s")
    return validate_events(frame[["timestamp", "actor_id", "target_id", "kind", "post_id", "text"]])


@st.composite
def event_tables(draw, *, max_users: int = 6, max_events: int = 40, days: int = 150, follows: bool = True):
    """A small contract-valid events table: posts with ids and texts, engagement aimed at
    existing posts (reshare, like, reply) or users (mention), follows and unfollows,
    self-engagement included."""
    n_users = draw(st.integers(2, max_users))
    kinds = KINDS if follows else KINDS[:5]
    raw = draw(
        st.lists(
            st.tuples(
                st.integers(0, days * 86_400 - 1),
                st.integers(0, n_users - 1),
                st.integers(0, n_users - 1),
                st.sampled_from(kinds),
                st.integers(0, 1_000),
                st.integers(0, 2),
            ),
            min_size=1,
            max_size=max_events,
        )
    )
    posts = [(i, r[1]) for i, r in enumerate(raw) if r[3] == "post"]
    rows = []
    for i, (seconds, actor, target, kind, pick, text) in enumerate(raw):
        post_id, body = None, None
        if kind == "post":
            target_id, post_id, body = None, f"p{i}", ["same old", "news", None][text]
        elif kind in ("reshare", "like", "reply") and posts:
            j, author = posts[pick % len(posts)]
            target_id, post_id = f"u{author}", f"p{j}"
        elif kind == "mention" and pick % 2 == 0 and any(a == actor for _, a in posts):
            # a mention inside one of the actor's own posts (as the simulator writes them)
            own = [j for j, a in posts if a == actor]
            target_id, post_id = f"u{target}", f"p{own[pick % len(own)]}"
        else:
            target_id = f"u{target}"
        rows.append((seconds, f"u{actor}", target_id, kind, post_id, body))
    return make_events(rows)


def reference_counts(events: pd.DataFrame, as_of: pd.Timestamp, window_days: float) -> pd.DataFrame:
    """A slow, obvious pandas version of the main windowed counts, for comparison."""
    low = as_of - pd.Timedelta(days=window_days)
    win = events[(events["timestamp"] > low) & (events["timestamp"] <= as_of)]
    kind = win["kind"].astype(str)
    engage = win[kind.isin(["reshare", "like", "reply", "mention"]) & (win["actor_id"] != win["target_id"])]
    ids = sorted(set(events.loc[events["timestamp"] <= as_of, "actor_id"]) | set(
        events.loc[(events["timestamp"] <= as_of) & events["target_id"].notna(), "target_id"]
    ))
    out = pd.DataFrame(index=pd.Index(ids, name="user_id"))
    out["reactions_received"] = engage.groupby("target_id").size()
    out["unique_engagers"] = engage.groupby("target_id")["actor_id"].nunique()
    out["posts"] = win[kind == "post"].groupby("actor_id").size()
    authors = events[events["kind"] == "post"].set_index("post_id")["actor_id"]
    in_own_post = (engage["kind"] == "mention") & (engage["post_id"].map(authors) == engage["actor_id"])
    given = engage[engage["kind"].astype(str).isin(["reshare", "reply", "mention"]) & ~in_own_post]
    given = given.groupby("actor_id").size()
    out["published_items"] = out["posts"].fillna(0) + given.reindex(out.index).fillna(0)
    selfish = win[(kind != "post") & (win["actor_id"] == win["target_id"])]
    out["self_engagements"] = selfish.groupby("actor_id").size()
    return out.fillna(0.0)


# ------------------------------------------------------------------------ hand-made


@pytest.fixture
def small_events() -> pd.DataFrame:
    day = 86_400
    return make_events(
        [
            (0 * day + 3600, "a", None, "post", "p1", "hello"),
            (0 * day + 7200, "b", "a", "reshare", "p1", None),
            (1 * day, "c", "a", "like", "p1", None),
            (1 * day + 60, "a", "a", "like", "p1", None),  # self-engagement
            (2 * day, "b", "a", "follow", None, None),
            (2 * day + 60, "a", "b", "reply", None, None),
            (2 * day + 120, "c", "b", "follow", None, None),
            (3 * day, "b", "c", "mention", None, None),
            (3 * day + 10, "d", "a", "follow", None, None),
            (3 * day + 20, "d", "a", "unfollow", None, None),
            (3 * day + 30, "d", "a", "unfollow", None, None),  # repeated: no change
        ]
    )


def test_hand_made_counts(small_events):
    f = user_features(small_events)
    assert f.loc["a", "posts"] == 1
    assert f.loc["a", "reactions_received"] == 2  # reshare by b, like by c; own like is not counted
    assert f.loc["a", "self_engagements"] == 1
    assert f.loc["a", "unique_engagers"] == 2
    assert f.loc["a", "published_items"] == 2  # a post and a reply
    assert f.loc["b", "published_items"] == 2  # a reshare and a mention
    assert f.loc["c", "published_items"] == 0  # a like publishes nothing
    assert f.loc["a", "followers"] == 1  # b follows; d followed then unfollowed
    assert f.loc["a", "follows_received"] == 2 and f.loc["a", "unfollows_received"] == 2
    assert f.loc["b", "followers"] == 1
    assert f.loc["a", "engager_reciprocity"] == 0.5  # a engaged b back, not c
    assert f.loc["a", "posts_reshared"] == 1 and f.loc["a", "posts_replied"] == 0
    assert f.loc["a", "outreach_actions"] == 1  # the reply
    assert f.loc["a", "audience_proxy"] == 2
    # standing: b's reply from a on day 2 counts log(1 + a's engagers before day 2) = log(1 + 2)
    assert f.loc["b", "standing_weighted_reactions"] == pytest.approx(np.log(3))
    # nobody had engagers before day 0/1, so a's reactions carry no standing
    assert f.loc["a", "standing_weighted_reactions"] == 0
    assert set(f.index) == {"a", "b", "c", "d"}


def test_window_is_open_on_the_left_closed_on_the_right(small_events):
    as_of = BASE + pd.Timedelta(days=3, seconds=10)
    # window (as_of - 1 day, as_of]: from day 2 + 10 s on
    f = user_features(small_events, as_of=as_of, window_days=1)
    assert f.loc["b", "reactions_received"] == 1  # a's reply at day 2 + 60 s
    assert f.loc["a", "follows_received"] == 1  # d's follow at exactly as_of is in; b's at day 2 + 0 s is out
    # a window starting exactly at the reply's time leaves it out
    f2 = user_features(small_events, as_of=as_of, window_days=(86_400 - 50) / 86_400)
    assert f2.loc["b", "reactions_received"] == 0
    assert f2.loc["a", "follows_received"] == 1


def test_a_mention_inside_a_post_is_one_published_item():
    events = make_events(
        [
            (0, "a", None, "post", "p1", "@b look"),
            (0, "a", "b", "mention", "p1", None),  # the same post: not a second item
            (5, "a", "c", "mention", None, None),  # a mention without a post id: an item
            (9, "c", "a", "mention", "p9", None),  # p9 is not c's post: an item
        ]
    )
    f = user_features(events)
    assert f.loc["a", "published_items"] == 2 and f.loc["a", "mentions_given"] == 2
    assert f.loc["c", "published_items"] == 1


def test_follower_columns_are_nan_without_follow_data():
    events = make_events([(0, "a", None, "post", "p1", None), (10, "b", "a", "reshare", "p1", None)])
    f = user_features(events)
    assert f["followers"].isna().all() and f["followers_gained"].isna().all()
    assert f.loc["a", "audience_proxy"] == 1


def test_top_five_share_and_reciprocity():
    rows = [(i, f"e{i % 7}", "x", "like", None, None) for i in range(7 * 3)]  # 7 engagers, 3 likes each
    rows += [(100, "x", "e0", "like", None, None)]
    f = user_features(make_events(rows))
    assert f.loc["x", "top5_engager_share"] == pytest.approx(15 / 21)
    assert f.loc["x", "engager_reciprocity"] == pytest.approx(1 / 7)


def test_activity_weight_discounts_engagers_who_react_to_everything():
    rows = [(10, "busy", "x", "like", None, None), (20, "calm", "y", "like", None, None)]
    rows += [(30 + i, "busy", f"other{i}", "like", None, None) for i in range(15)]
    f = user_features(make_events(rows))
    assert f.loc["x", "weighted_reactions"] == pytest.approx(16**-0.5)
    assert f.loc["y", "weighted_reactions"] == pytest.approx(1.0)


def test_duplicate_texts_and_credibility():
    rows = [(i, "spam", None, "post", f"s{i}", "buy now") for i in range(5)]
    rows += [(10 + i, f"fan{i}", "spam", "like", f"s{i}", None) for i in range(5)]
    f = user_features(make_events(rows))
    assert f.loc["spam", "distinct_post_texts"] == 1 and f.loc["spam", "duplicate_posts"] == 4
    assert f.loc["spam", "distinct_published_items"] == 1
    # each like is on a text posted 5 times: 1/5 each; fans have no standing: credibility 0.25
    assert f.loc["spam", "credible_reactions"] == pytest.approx(5 * 0.25 / 5)
    assert f.loc["spam", "credible_engagers"] == pytest.approx(5 * 0.25)


def test_account_age_from_users_table_and_truth_is_ignored(small_events):
    users = pd.DataFrame(
        {
            "user_id": ["a", "b", "c", "d", "e"],
            "created_at": pd.to_datetime(["2011-01-01", "2011-12-31", None, "2011-06-01", "2011-01-01"], utc=True),
        }
    )
    f = user_features(small_events, users=users)
    assert list(f.index) == ["a", "b", "c", "d", "e"]  # the users asked for, with e inactive
    assert f.loc["e", "reactions_received"] == 0
    assert np.isnan(f.loc["c", "account_age_days"])
    assert f.loc["a", "account_age_days"] == pytest.approx(365 + 3 + 30 / 86_400)
    rng = np.random.default_rng(0)
    truth = users.assign(true_influence=rng.random(5), true_is_bot=rng.random(5) > 0.5)
    pd.testing.assert_frame_equal(f, user_features(small_events, users=truth))
    dataset = Dataset("t", truth, small_events)
    pd.testing.assert_frame_equal(f, user_features(dataset))


def test_a_list_of_ids_gives_exactly_those_rows_in_order(small_events):
    assert list(user_features(small_events, users=["b"]).index) == ["b"]
    f = user_features(small_events, users=["nobody", "c", "a"])
    assert list(f.index) == ["nobody", "c", "a"]
    assert f.loc["nobody", "reactions_received"] == 0 and f.loc["nobody", "posts"] == 0
    full = user_features(small_events)
    pd.testing.assert_series_equal(f.loc["a"], full.loc["a"])


def test_ids_with_a_dataset_keep_its_created_at(small_events):
    users = pd.DataFrame({"user_id": list("abcd"), "created_at": pd.Timestamp("2011-01-01", tz="UTC")})
    f = user_features(Dataset("t", users, small_events), users=["d", "a"])
    assert list(f.index) == ["d", "a"]
    assert f["account_age_days"].notna().all()


def test_accounts_created_after_as_of_are_left_out(small_events):
    as_of = BASE + pd.Timedelta(days=4)
    users = pd.DataFrame(
        {
            "user_id": ["a", "b", "c", "d", "later", "unknown", "early_idle"],
            "created_at": pd.to_datetime(
                ["2011-01-01", "2011-01-01", "2011-01-01", "2011-01-01", "2012-02-01", None, "2011-01-01"], utc=True
            ),
        }
    )
    f = user_features(Dataset("t", users, small_events), as_of=as_of)
    # "later" did not exist yet; an unknown creation date counts as existing; idle accounts stay
    assert sorted(f.index) == ["a", "b", "c", "d", "early_idle", "unknown"]
    # exactly at the day boundary (float nanoseconds would round day_end up to midnight)
    assert "later" not in user_features(Dataset("t", users, small_events), as_of=day_end("2012-01-31")).index
    assert "later" in user_features(Dataset("t", users, small_events), as_of=day_end("2012-02-01")).index
    # asked for by id, an account is returned whatever its creation date
    assert list(user_features(Dataset("t", users, small_events), as_of=as_of, users=["later"]).index) == ["later"]


def test_bad_ids_are_named(small_events):
    with pytest.raises(ValueError, match=r"repeated id\(s\) \['b'\].*How to fix"):
        user_features(small_events, users=["a", "b", "b"])
    with pytest.raises(ValueError, match="1 missing"):
        user_features(small_events, users=["a", None])
    with pytest.raises(TypeError, match="single string"):
        user_features(small_events, users="a")


def test_every_documented_column_is_computed_and_columns_selects_them(small_events):
    f = user_features(small_events, with_pagerank=True)
    assert list(f.columns) == list(FEATURES)  # each documented feature is computed (a missing one is a KeyError)
    table = features_table()
    assert (table["meaning"].str.len() > 10).all() and (table["unit"].str.len() > 0).all()
    # a subset comes back in FEATURES order with the full table's values, computed without the rest
    some = user_features(small_events, columns=["unique_engagers", "posts", "followers"])
    assert list(some.columns) == ["posts", "unique_engagers", "followers"]
    pd.testing.assert_frame_equal(some, f[["posts", "unique_engagers", "followers"]])
    assert "pagerank" not in user_features(small_events).columns  # only when asked for
    with pytest.raises(ValueError, match=r"unknown feature\(s\) \['reach'\].*features_table\(\)"):
        user_features(small_events, columns=["posts", "reach"])


def test_decay_weights_by_age(small_events):
    as_of = BASE + pd.Timedelta(days=5)
    f = user_features(small_events, as_of=as_of, half_life_days=2)
    ages = np.array([5 - 7200 / 86_400, 4.0])  # reshare by b, like by c
    assert f.loc["a", "reactions_received"] == pytest.approx(np.exp2(-ages / 2).sum())
    assert f.loc["a", "unique_engagers"] == pytest.approx(np.exp2(-ages / 2).sum())
    assert f.loc["a", "followers"] == 1  # a state, not decayed
    assert np.isnan(f.loc["a", "credible_engagers"])


def test_day_end_is_the_last_nanosecond():
    end = day_end("2012-07-04")
    assert end == pd.Timestamp("2012-07-05", tz="UTC") - pd.Timedelta(1, "ns")
    assert day_end(pd.Timestamp("2012-07-04 13:00", tz="UTC")) == end


# ----------------------------------------------------------------------- properties


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=event_tables(), window=st.sampled_from([1, 7, 30, 90]), cut=st.floats(0.0, 1.0))
def test_counts_match_a_brute_force_reference(events, window, cut):
    first, last = events["timestamp"].min(), events["timestamp"].max()
    as_of = first + (last - first) * cut
    f = user_features(events, as_of=as_of, window_days=window)
    ref = reference_counts(events, as_of, window)
    assert sorted(f.index) == sorted(ref.index)
    for column in ref.columns:
        np.testing.assert_allclose(f.loc[ref.index, column].to_numpy(), ref[column].to_numpy(), err_msg=column)
    assert (f["weighted_reactions"] <= f["reactions_received"] + 1e-12).all()
    assert (f["unique_engagers"] <= f["reactions_received"]).all()
    assert (f["credible_engagers"] <= f["unique_engagers"] + 1e-12).all()


def relabel_users(events: pd.DataFrame, rng: np.random.Generator, prefix: str) -> tuple[pd.DataFrame, dict]:
    """The events with every user id replaced by a random new one; also the old -> new mapping."""
    ids = sorted(set(events["actor_id"]) | set(events["target_id"].dropna()))
    mapping = dict(zip(ids, rng.permutation([f"{prefix}{i:03d}" for i in range(len(ids))])))
    renamed = events.assign(
        actor_id=events["actor_id"].map(mapping).astype("str"),
        target_id=events["target_id"].map(mapping).astype("str"),
    )
    return renamed, mapping


@settings(max_examples=40, deadline=None)
@given(events=event_tables(), seed=st.integers(0, 2**32 - 1))
def test_relabelling_users_and_shuffling_rows_changes_nothing(events, seed):
    follow_times = events.loc[events["kind"].isin(["follow", "unfollow"]), "timestamp"]
    assume(not follow_times.duplicated().any())  # same-instant follow/unfollow are replayed in table order
    rng = np.random.default_rng(seed)
    renamed, mapping = relabel_users(events, rng, "v")
    renamed = renamed.iloc[rng.permutation(len(events))]
    f = user_features(events, with_pagerank=True)
    g = user_features(renamed, with_pagerank=True)
    g = g.rename(index={v: k for k, v in mapping.items()}).loc[f.index]
    pd.testing.assert_frame_equal(f, g, check_exact=False, rtol=1e-9, atol=1e-12, check_names=False)
