"""The per-post analytics importer (``read_analytics``): posts, counted reactions as anonymous events, outcomes.

Small exports are written by hand in ``tmp_path`` with X's "Tweet activity" column names; every
expected number (events per kind, impressions and link clicks per account and calendar month) is
worked out by hand in the test, not by the importer's code. The shipped example is checked against
its own CSV read independently with ``pandas.read_csv``.
"""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from influence_lab.contract import ANONYMOUS_PREFIX, ContractError
from influence_lab.datasets.importers import InputError, detect_format, load_export
from influence_lab.datasets.importers.analytics import read_analytics
from influence_lab.datasets.importers.examples import example_path

X_HEADER = ("Tweet id,Tweet permalink,Tweet text,time,impressions,engagements,engagement rate,"
            "retweets,replies,likes,url clicks")

# One account (alice), named only by the permalinks. Post 103 is at 23:30 -02:00 on 31 July, i.e.
# 01:30 UTC on 1 August: its outcomes belong to August. Post 104's impressions use a thousands separator.
ONE_ACCOUNT = X_HEADER + """
101,https://twitter.com/alice/status/101,First post,2012-07-04 09:00 +0000,120,9,0.075,2,1,3,3
102,https://twitter.com/alice/status/102,"Second, with a comma",2012-07-20 18:30 +0000,80,2,0.025,0,0,1,1
103,https://twitter.com/alice/status/103,Late on the last of July,2012-07-31 23:30 -0200,50,4,0.08,1,2,0,1
104,https://twitter.com/alice/status/104,August,2012-08-15 12:00 +0000,"1,000",7,0.007,0,0,0,7
"""
#: (retweets, replies, likes) per post of ONE_ACCOUNT, as written above.
ONE_COUNTS = {"101": (2, 1, 3), "102": (0, 0, 1), "103": (1, 2, 0), "104": (0, 0, 0)}
ONE_TIMES = {
    "101": "2012-07-04 09:00Z",
    "102": "2012-07-20 18:30Z",
    "103": "2012-08-01 01:30Z",
    "104": "2012-08-15 12:00Z",
}
#: By hand: July = posts 101, 102; August = posts 103 (in UTC) and 104.
ONE_OUTCOMES = {
    ("alice", "2012-07-01", "impressions"): 120 + 80,
    ("alice", "2012-08-01", "impressions"): 50 + 1000,
    ("alice", "2012-07-01", "link_clicks"): 3 + 1,
    ("alice", "2012-08-01", "link_clicks"): 1 + 7,
}

# An agency's export: an account column, no permalink and no text.
AGENCY = """account,Tweet id,time,impressions,engagements,engagement rate,retweets,replies,likes,url clicks
alice,201,2012-07-01 00:30 +0000,10,1,0.1,1,0,0,0
bob,202,2012-07-02 10:00 +0000,20,4,0.2,0,1,1,2
alice,203,2012-09-30 23:59 +0000,30,7,0.23,0,0,2,5
bob,204,2012-07-28 10:00 +0000,40,1,0.025,0,0,0,1
"""
AGENCY_OUTCOMES = {
    ("alice", "2012-07-01", "impressions"): 10,
    ("alice", "2012-09-01", "impressions"): 30,
    ("bob", "2012-07-01", "impressions"): 20 + 40,
    ("alice", "2012-07-01", "link_clicks"): 0,
    ("alice", "2012-09-01", "link_clicks"): 5,
    ("bob", "2012-07-01", "link_clicks"): 2 + 1,
}

KIND_OF = {"retweets": "reshare", "replies": "reply", "likes": "like"}


def write(tmp_path, text: str, name: str = "export.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def without_columns(text: str, columns: list[str]) -> str:
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    return frame.drop(columns=columns).to_csv(index=False)


def outcome_dict(outcomes: pd.DataFrame) -> dict:
    return {(row.user_id, f"{row.period:%Y-%m-%d}", row.metric): row.value for row in outcomes.itertuples()}


def reactions(events: pd.DataFrame) -> pd.DataFrame:
    return events[events["kind"].astype(str) != "post"]


# --------------------------------------------------------------------------- a small export by hand


def test_posts_are_the_rows_with_their_account_time_and_text(tmp_path):
    data = read_analytics(write(tmp_path, ONE_ACCOUNT))
    posts = data.events[data.events["kind"] == "post"].set_index("post_id").sort_index()
    assert list(posts.index) == ["101", "102", "103", "104"]
    assert (posts["actor_id"] == "alice").all() and posts["target_id"].isna().all()
    expected = pd.Series({k: pd.Timestamp(v) for k, v in ONE_TIMES.items()})
    assert (posts["timestamp"] == expected.loc[posts.index]).all()
    assert str(posts["timestamp"].dt.tz) == "UTC"
    assert posts.loc["102", "text"] == "Second, with a comma"
    assert any("engagements" in note and "engagement rate" in note for note in data.notes)


def test_each_counted_reaction_is_one_event_from_a_distinct_anonymous_account(tmp_path):
    data = read_analytics(write(tmp_path, ONE_ACCOUNT))
    rx = reactions(data.events)
    assert len(rx) == sum(sum(c) for c in ONE_COUNTS.values()) == 10
    assert rx["actor_id"].is_unique  # every reaction from someone else
    for post, counts in ONE_COUNTS.items():
        for column, n in zip(("retweets", "replies", "likes"), counts):
            kind = KIND_OF[column]
            these = rx[(rx["post_id"] == post) & (rx["kind"] == kind)]
            assert len(these) == n, (post, kind)
            assert sorted(these["actor_id"]) == sorted(f"{ANONYMOUS_PREFIX}{post}:{kind}:{i}" for i in range(1, n + 1))
            assert (these["target_id"] == "alice").all()
            assert (these["timestamp"] == pd.Timestamp(ONE_TIMES[post])).all()  # the post's time
    by_kind = rx["kind"].astype(str).value_counts().to_dict()
    assert by_kind == {"reshare": 3, "reply": 3, "like": 4}
    # The stand-ins are accounts of the users table like any other.
    assert set(rx["actor_id"]) | {"alice"} == set(data.users["user_id"])


def test_impressions_and_link_clicks_are_summed_per_account_and_utc_month(tmp_path):
    data = read_analytics(write(tmp_path, ONE_ACCOUNT))
    assert outcome_dict(data.outcomes) == ONE_OUTCOMES
    assert str(data.outcomes["period"].dt.tz) == "UTC"


def test_an_account_column_names_whose_each_post_is(tmp_path):
    data = read_analytics(write(tmp_path, AGENCY))
    posts = data.events[data.events["kind"] == "post"].set_index("post_id")
    assert posts["actor_id"].to_dict() == {"201": "alice", "202": "bob", "203": "alice", "204": "bob"}
    rx = reactions(data.events)
    assert sorted(zip(rx["actor_id"], rx["target_id"])) == [
        ("anon:201:reshare:1", "alice"),
        ("anon:202:like:1", "bob"),
        ("anon:202:reply:1", "bob"),
        ("anon:203:like:1", "alice"),
        ("anon:203:like:2", "alice"),
    ]
    assert outcome_dict(data.outcomes) == AGENCY_OUTCOMES


def test_account_argument_names_the_account_of_an_export_without_one(tmp_path):
    text = without_columns(ONE_ACCOUNT, ["Tweet permalink", "Tweet text"])
    assert "permalink" not in text and "status" not in text
    data = read_analytics(write(tmp_path, text), account="carol")
    assert set(data.events.loc[data.events["kind"] == "post", "actor_id"]) == {"carol"}
    assert set(reactions(data.events)["target_id"]) == {"carol"}
    assert outcome_dict(data.outcomes) == {("carol", *key[1:]): v for key, v in ONE_OUTCOMES.items()}


def test_no_account_anywhere_is_an_error_saying_how_to_name_it(tmp_path):
    text = without_columns(ONE_ACCOUNT, ["Tweet permalink", "Tweet text"])
    with pytest.raises(InputError, match="account") as info:
        read_analytics(write(tmp_path, text))
    assert "--account" in str(info.value)


def test_an_account_column_and_account_argument_together_are_refused(tmp_path):
    path = write(tmp_path, AGENCY)
    with pytest.raises(InputError) as info:
        read_analytics(path, account="carol")
    message = str(info.value)
    assert "'account'" in message and "carol" in message and str(path) in message


def test_load_export_detects_the_analytics_export(tmp_path):
    path = write(tmp_path, ONE_ACCOUNT)
    assert detect_format(path) == "analytics"
    direct, detected = read_analytics(path), load_export(path)
    pd.testing.assert_frame_equal(direct.events, detected.events)
    pd.testing.assert_frame_equal(direct.outcomes, detected.outcomes)


# --------------------------------------------------------------------------- hostile input


@pytest.mark.parametrize("column", ["retweets", "replies", "likes", "impressions", "url clicks"])
@pytest.mark.parametrize("value", ["-1", "1.5", "", "many"], ids=["negative", "fractional", "empty", "text"])
def test_a_count_that_is_not_a_whole_number_names_the_line_and_column(tmp_path, column, value):
    rows = list(csv.reader(io.StringIO(ONE_ACCOUNT)))
    rows[2][rows[0].index(column)] = value  # rows[2] is line 3 of the file (post 102)
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    with pytest.raises(ContractError) as info:
        read_analytics(write(tmp_path, out.getvalue()))
    message = str(info.value)
    assert info.value.column == column
    assert f"column '{column}'" in message
    assert "line 3 of the file" in message
    assert "whole number" in message
    assert "line 2 of the file" not in message and "line 4 of the file" not in message


@pytest.mark.parametrize("column", ["Tweet id", "time", "retweets", "replies", "likes", "impressions", "url clicks"])
def test_a_missing_required_column_is_named(tmp_path, column):
    path = write(tmp_path, without_columns(ONE_ACCOUNT, [column]))
    with pytest.raises(InputError) as info:
        read_analytics(path)
    assert info.value.column == column
    assert f"'{column}'" in str(info.value) and "How to fix" in str(info.value)


def test_naive_times_are_refused_without_a_timezone(tmp_path):
    naive = ONE_ACCOUNT.replace(" +0000", "").replace(" -0200", "")
    path = write(tmp_path, naive)
    with pytest.raises(ContractError) as info:
        read_analytics(path)
    message = str(info.value)
    assert info.value.column == "time" and "naive" in message
    assert "line 2 of the file" in message and "--timezone" in message


def test_naive_times_with_a_timezone_are_read_as_local_time(tmp_path):
    naive = ONE_ACCOUNT.replace(" +0000", "").replace(" -0200", "")
    data = read_analytics(write(tmp_path, naive), timezone="Europe/Paris")
    posts = data.events[data.events["kind"] == "post"].set_index("post_id")
    assert posts.loc["101", "timestamp"] == pd.Timestamp("2012-07-04 07:00Z")  # CEST is UTC+2
    assert any("Europe/Paris" in note for note in data.notes)


# --------------------------------------------------------------------------- the shipped example


@pytest.fixture(scope="module")
def shipped():
    path = example_path("analytics_export.csv")
    return read_analytics(path), pd.read_csv(path, dtype={"account": str, "Tweet id": str})


def test_shipped_example_has_sixty_accounts_and_every_post(shipped):
    data, csv = shipped
    posts = data.events[data.events["kind"] == "post"]
    assert csv["account"].nunique() == 60
    assert posts["actor_id"].nunique() == 60
    assert len(posts) == len(csv) and set(posts["post_id"]) == set(csv["Tweet id"])
    named = data.users["user_id"][~data.users["user_id"].str.startswith(ANONYMOUS_PREFIX)]
    assert set(named) == set(csv["account"])


def test_shipped_example_events_by_kind_are_the_csv_column_sums(shipped):
    data, csv = shipped
    by_kind = data.events["kind"].astype(str).value_counts()
    for column, kind in KIND_OF.items():
        assert by_kind[kind] == csv[column].sum(), column
    rx = reactions(data.events)
    assert rx["actor_id"].str.startswith(ANONYMOUS_PREFIX).all() and rx["actor_id"].is_unique
    per_post = rx.groupby("post_id").size()
    expected = csv.set_index("Tweet id")[list(KIND_OF)].sum(axis=1)
    expected = expected[expected > 0]
    pd.testing.assert_series_equal(per_post.sort_index(), expected.sort_index(), check_names=False,
                                   check_index_type=False, check_dtype=False)


def test_shipped_example_outcomes_are_the_csv_monthly_sums(shipped):
    data, csv = shipped
    month = pd.to_datetime(csv["time"].str.replace(" +0000", "Z", regex=False), utc=True)
    csv = csv.assign(period=month.dt.tz_localize(None).dt.to_period("M").dt.start_time.dt.tz_localize("UTC"))
    for column, metric in (("impressions", "impressions"), ("url clicks", "link_clicks")):
        expected = csv.groupby(["account", "period"])[column].sum().astype(float)
        got = data.outcomes[data.outcomes["metric"] == metric].set_index(["user_id", "period"])["value"]
        assert got.sum() == csv[column].sum()
        assert dict(got) == pytest.approx(dict(expected)), metric
    assert np.isfinite(data.outcomes["value"]).all()


def test_a_post_listed_twice_is_refused_or_counted_once_everywhere(tmp_path):
    rows = ONE_ACCOUNT.splitlines()
    path = write(tmp_path, "\n".join([*rows[:2], rows[1], *rows[2:]]) + "\n")  # post 101 again, at line 3
    try:
        data = read_analytics(path)
    except InputError as exc:  # refusing is fine, if it says where
        assert "101" in str(exc) and "line 3" in str(exc)
        return
    assert len(reactions(data.events)) == 10  # as without the repeated row
    assert outcome_dict(data.outcomes) == ONE_OUTCOMES
