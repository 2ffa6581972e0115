"""First-look functions on a hand-made events table whose answers are known."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from influence_lab.studies import explore
from influence_lab.contract import Dataset, users_from_events, validate_events


@pytest.fixture
def events():
    rows = [
        ("2012-07-01T10:00:00Z", "a", None, "post"),
        ("2012-07-01T11:00:00Z", "b", "a", "reshare"),
        ("2012-07-01T12:00:00Z", "c", "a", "like"),
        ("2012-07-03T12:00:00Z", "c", "a", "like"),
        ("2012-07-03T13:00:00Z", "a", "a", "reshare"),  # self-engagement
        ("2012-07-03T14:00:00Z", "b", "a", "follow"),
        ("2012-07-03T15:00:00Z", "c", "a", "follow"),
        ("2012-07-03T16:00:00Z", "c", "a", "unfollow"),
    ]
    return validate_events(pd.DataFrame(rows, columns=["timestamp", "actor_id", "target_id", "kind"]))


def test_per_user_activity(events):
    act = explore.per_user_activity(events, users_from_events(events))
    assert act.loc["a", "engagement_received"] == 3  # self-reshare excluded
    assert act.loc["a", "unique_engagers"] == 2
    assert act.loc["a", "followers"] == 1
    assert act.loc["b", "engagement_received"] == 0
    assert act.loc["c", "actions"] == 4
    assert explore.unnoticed_share(act) == pytest.approx(2 / 3)
    assert act.loc["b", "reshares_given"] == 1 and act.loc["a", "reshares_given"] == 0  # self-reshare not counted
    assert explore.passivity(act, days=7) == {"post_less_than_weekly": pytest.approx(2 / 3),
                                              "reshare_less_than_monthly": pytest.approx(2 / 3)}


def test_no_follows_means_unknown_followers(events):
    act = explore.per_user_activity(events[~events["kind"].isin(["follow", "unfollow"])])
    assert act["followers"].isna().all()


def test_activity_over_time_fills_empty_days(events):
    daily = explore.activity_over_time(events, freq="D")
    assert len(daily) == 3  # 1, 2 (empty) and 3 July
    assert daily.sum(axis=1).tolist() == [3, 0, 5]
    day, count, ratio = explore.busiest_period(events)
    assert day == pd.Timestamp("2012-07-03", tz="UTC") and count == 5 and ratio == pytest.approx(5 / 3)


def test_events_by_kind_and_overview(events):
    kinds = explore.events_by_kind(events)
    assert kinds["like"] == 2 and kinds["mention"] == 0 and len(kinds) == 7
    users = users_from_events(events).assign(true_influence=1.0)
    ds = Dataset("t", users, events)
    ov = explore.table_overview(ds)
    assert ov.loc["users", "ground truth columns"] == "true_influence"
    assert ov.loc["events", "rows"] == 8


def test_concentration():
    assert explore.concentration(pd.Series([100] + [0] * 99), 0.01) == 1.0
    assert explore.concentration(pd.Series(np.ones(100)), 0.10) == pytest.approx(0.10)


def test_weekly_posts_full_weeks_only(events):
    rows = [(f"2012-01-{d:02d}T12:00:00Z", "a", None, "post") for d in (1, 2, 3, 9, 10, 20, 29)]
    ev = validate_events(pd.DataFrame(rows, columns=["timestamp", "actor_id", "target_id", "kind"]))
    weekly = explore.weekly_posts(ev, "a")
    # 1 Jan 2012 is a Sunday: the partial week of 26 Dec-1 Jan is dropped; 23-29 Jan ends on the last day: kept
    assert weekly.index[0] == pd.Timestamp("2012-01-02", tz="UTC")
    assert weekly.tolist() == [2, 2, 1, 1]
    assert explore.before_after(weekly, "2012-01-16") == {"before": 2.0, "after": 1.0}


def test_case_user_summary_percentiles():
    act = pd.DataFrame({"engagement_received": [0, 1, 2, 3]}, index=pd.Index(["a", "b", "c", "d"], name="user_id"))
    cases = pd.DataFrame({"role": ["x"], "user_id": ["c"]})
    out = explore.case_user_summary(act, cases)
    assert out["engagement_percentile"].tolist() == [75.0]
