"""Daily timelines: day d equals a direct score at the end of day d, for windows and half-lives."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from influence_lab.scoring.events import day_end
from influence_lab.scoring.recipes import KloutStyle, make_recipe, score_dataset
from influence_lab.scoring.timeline import score_timeline
from test_features import event_tables, make_events

DAY = 86_400
BASE_DAY = pd.Timestamp("2012-01-01", tz="UTC")


def _compare_day(timeline: pd.DataFrame, events: pd.DataFrame, day: pd.Timestamp, model, **kwargs) -> None:
    direct = score_dataset(events, model, as_of=day_end(day), refit=False, **kwargs)
    on_day = timeline[timeline["day"] == day].set_index("user_id")
    assert sorted(on_day.index) == sorted(direct.index)
    for column in on_day.columns.drop("day"):
        np.testing.assert_allclose(
            on_day.loc[direct.index, column].to_numpy(dtype=float),
            direct[column].to_numpy(dtype=float),
            rtol=1e-9,
            atol=1e-9,
            err_msg=f"{model.name} {column} on {day.date()}",
        )


CASES = [
    ("klout", {"window_days": 30}),
    ("klout", {"window_days": 90}),
    ("klout", {"half_life_days": 10}),
    ("kred", {"window_days": 14}),
    ("kred", {"window_days": 14, "big_actor_followers": 1}),  # the big-actor bonus: actors with 2+ followers
    ("kred", {"half_life_days": 3, "big_actor_followers": 1}),
    ("kred", {"half_life_days": 3}),
    ("snp", {"window_days": 20}),
]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=event_tables(max_events=60, days=120),
    case=st.sampled_from(CASES),
    picks=st.lists(st.integers(0, 10_000), min_size=2, max_size=4),
)
def test_timeline_day_equals_direct_scoring(events, case, picks):
    recipe, kwargs = case
    first = events["timestamp"].min().floor("D")
    last = events["timestamp"].max().floor("D") + pd.Timedelta(days=5)
    memory = {k: v for k, v in kwargs.items() if k in ("window_days", "half_life_days")}
    model = make_recipe(recipe, **{k: v for k, v in kwargs.items() if k not in memory})
    timeline = score_timeline(events, model, start=first, end=last, components=True, **memory)
    days = pd.date_range(first, last, freq="D")
    direct_kwargs = {"half_life_days": kwargs["half_life_days"]} if "half_life_days" in kwargs else {
        "window_days": kwargs["window_days"]
    }
    # random days, and days at the edge of an event's window (where off-by-one errors live)
    chosen = {days[pick % len(days)] for pick in picks}
    if "window_days" in kwargs:
        event_days = events["timestamp"].dt.floor("D").drop_duplicates().sort_values()
        edges = pd.concat([event_days + pd.Timedelta(days=kwargs["window_days"] + k) for k in (-1, 0)])
        edges = edges[(edges >= first) & (edges <= last)].drop_duplicates()
        chosen |= set(edges.sample(min(len(edges), 8), random_state=picks[0]))
    for day in sorted(chosen):
        _compare_day(timeline, events, day, model, **direct_kwargs)


def test_calibration_is_fitted_once_on_the_reference_day():
    rows = [(DAY * (i % 50) + i, f"e{i % 9}", f"t{i % 4}", "like", None, None) for i in range(200)]
    events = make_events(rows)
    model = KloutStyle()
    timeline = score_timeline(events, model, start="2012-01-10", end="2012-02-10", calibration_day="2012-01-20")
    assert timeline.attrs["calibration_day"] == pd.Timestamp("2012-01-20", tz="UTC")
    assert model.fitted_as_of_ == day_end("2012-01-20")
    reference = KloutStyle()
    score_dataset(events, reference, as_of=day_end("2012-01-20"))
    np.testing.assert_allclose(model.curve_.knots_, reference.curve_.knots_)
    _compare_day(timeline, events, pd.Timestamp("2012-02-03", tz="UTC"), model)


def test_wide_and_long_agree_and_users_restrict_rows():
    rows = [(DAY * (i % 40) + 7 * i, f"e{i % 6}", f"t{i % 3}", "reshare", None, None) for i in range(120)]
    rows += [(DAY * 60, "late", "t0", "like", None, None)]
    events = make_events(rows)
    long = score_timeline(events, "klout", window_days=30)
    wide = score_timeline(events, "klout", window_days=30, format="wide")
    pivot = long.pivot(index="user_id", columns="day", values="score")
    pd.testing.assert_frame_equal(
        pivot.loc[wide.index, wide.columns], wide, check_names=False, check_column_type=False, check_index_type=False
    )
    assert np.isnan(wide.loc["late"].iloc[0])  # not seen yet
    assert wide.loc["late"].iloc[-1] == 1.0  # seen, never engaged: the floor
    few = score_timeline(events, "klout", window_days=30, users=["t1", "t2"], format="wide")
    np.testing.assert_allclose(few.to_numpy(), wide.loc[["t1", "t2"]].to_numpy())


def test_users_table_rows_follow_account_creation_as_direct_scoring_does():
    from influence_lab.contract import Dataset

    rows = [(DAY * (i % 30) + 11 * i, f"e{i % 5}", f"t{i % 3}", "reshare", None, None) for i in range(90)]
    rows += [(DAY * 40, "newcomer", "t0", "like", None, None)]
    events = make_events(rows)
    ids = sorted(set(events["actor_id"]) | set(events["target_id"].dropna()))
    created = {u: BASE_DAY - pd.Timedelta(days=10) for u in ids}
    created.update(newcomer=BASE_DAY + pd.Timedelta(days=20, hours=5), idle_new=BASE_DAY + pd.Timedelta(days=25))
    users = pd.DataFrame({"user_id": list(created) + ["idle_unknown"], "created_at": list(created.values()) + [pd.NaT]})
    data = Dataset("t", users, events)
    model = KloutStyle()
    wide = score_timeline(data, model, window_days=30, start="2012-01-01", end="2012-02-20", format="wide")
    assert wide.loc["idle_new"].notna().sum() == (pd.Timestamp("2012-02-20", tz="UTC") - pd.Timestamp(
        "2012-01-26", tz="UTC")).days + 1  # from the day the account exists
    assert wide.loc["idle_unknown"].notna().all()  # unknown creation: every day
    for day in ("2012-01-05", "2012-01-21", "2012-01-26", "2012-02-15"):
        direct = score_dataset(data, model, as_of=day_end(day), refit=False)["score"]
        column = wide[pd.Timestamp(day, tz="UTC")].dropna()
        assert sorted(column.index) == sorted(direct.index), day
        np.testing.assert_allclose(column.loc[direct.index], direct, atol=1e-9)


def test_inactive_user_decays_and_drops_out_of_the_window():
    rows = [(i * 600, f"fan{i}", "star", "reshare", None, None) for i in range(30)]
    rows += [(DAY * d, "x", "y", "like", None, None) for d in range(200)]
    events = make_events(rows)
    decay = score_timeline(events, "klout", half_life_days=14, components=True, users=["star"])
    assert (np.diff(decay["raw"].to_numpy()) <= 1e-12).all()  # nothing new: never rises
    window = score_timeline(events, "klout", window_days=90, users=["star"], format="wide")
    assert window.iloc[0, 89] > 1 and window.iloc[0, 90] == 1  # day 90: the reactions of day 0 have left


def test_kred_outreach_never_falls_over_the_timeline():
    rng = np.random.default_rng(4)
    rows = [
        (int(rng.integers(0, 100 * DAY)), f"u{rng.integers(8)}", f"u{rng.integers(8)}", kind, None, None)
        for kind in rng.choice(["reshare", "reply", "mention", "like"], 300)
    ]
    events = make_events(rows)
    timeline = score_timeline(events, "kred", window_days=7, components=True, format="long")
    levels = timeline.pivot(index="user_id", columns="day", values="outreach_level")
    assert (levels.diff(axis=1).fillna(0) >= 0).all().all()
    # by hand: level = min(12, 1 + floor(log2(1 + reshares, replies and mentions given to others so far)))
    given = events[events["kind"].isin(["reshare", "reply", "mention"]) & (events["actor_id"] != events["target_id"])]
    per_day = given.groupby(["actor_id", given["timestamp"].dt.floor("D")]).size().unstack(fill_value=0)
    so_far = per_day.reindex(index=levels.index, columns=levels.columns, fill_value=0).cumsum(axis=1)
    expected = np.minimum(12, 1 + np.floor(np.log2(1 + so_far)))
    seen = levels.notna()
    np.testing.assert_array_equal(levels[seen].to_numpy(), expected[seen].to_numpy())
    assert levels.max().max() >= 5  # 16+ actions: the rule is exercised past its first steps


def test_unsupported_recipes_say_so():
    events = make_events([(0, "a", "b", "like", None, None)])
    for recipe in ("network", "robust"):
        with pytest.raises(NotImplementedError, match="score_dataset"):
            score_timeline(events, recipe)
    with pytest.raises(NotImplementedError, match="window only"):
        score_timeline(events, "snp", half_life_days=3)
    with pytest.raises(ValueError, match="whole number"):
        score_timeline(events, "klout", window_days=2.5)


def test_generated_world_timeline_matches_direct_scoring():
    from influence_lab.datasets.world import WorldConfig, generate_world

    world = generate_world(WorldConfig(n_users=200, n_fake_followers=100, seed=11))
    model = KloutStyle()
    timeline = score_timeline(world, model, start="2012-03-01", end="2012-06-30", components=True)
    for day in ("2012-03-01", "2012-04-17", "2012-06-30"):
        day = pd.Timestamp(day, tz="UTC")
        direct = score_dataset(world, model, as_of=day_end(day), refit=False)
        on_day = timeline[timeline["day"] == day].set_index("user_id").loc[direct.index]
        np.testing.assert_allclose(on_day["score"], direct["score"], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(on_day["raw"], direct["raw"], rtol=1e-9, atol=1e-12)
