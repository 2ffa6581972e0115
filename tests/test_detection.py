"""studies.detection: each gaming signal on hand-made events, a brute-force reference for the graph signals, the
truth kept out of the signals, and the detector on the shipped sample (train on April, test on August)."""

from __future__ import annotations

import dataclasses
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from sklearn.metrics import average_precision_score, precision_score, recall_score

from influence_lab.contract import Dataset
from influence_lab.scoring.events import day_end
from influence_lab.studies import detection
from influence_lab.studies.detection import (
    SIGNALS,
    detector_errors,
    detector_scores,
    errors_by_persona,
    evaluate_detector,
    gaming_labels,
    gaming_signals,
    precision_recall_table,
    train_detector,
)
from test_features import BASE, event_tables, make_events

AS_OF = pd.Timestamp("2012-03-01", tz="UTC")  # BASE is 2012-01-01: every hand-made event falls in the window
TRAIN, TEST = day_end("2012-04-15"), day_end("2012-08-15")


def signals_of(rows) -> pd.DataFrame:
    """gaming_signals of hand-made events, without the constant-signal warnings a tiny table always triggers."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return gaming_signals(make_events(rows), AS_OF)


def engage(pairs, kind="like", start=0):
    """One reaction per (actor, target) pair, a minute apart."""
    return [(start + 60 * i, a, b, kind, None, None) for i, (a, b) in enumerate(pairs)]


# ------------------------------------------------------------------------------------ graph signals


def test_a_three_cycle_is_not_reciprocal_and_each_member_has_one_engager():
    s = signals_of(engage([("A", "B"), ("B", "C"), ("C", "A")]))
    assert list(s.index) == ["A", "B", "C"]
    assert (s["reciprocity"] == 0).all()  # A's engager is C, and A engaged B, not C: rings > 2 are not reciprocal
    assert (s["engager_overlap"] == 0).all()
    assert s["ring_density"].isna().all()  # one engager each: no pair of engagers to look at (documented NaN)


def test_ring_density_sees_a_ring_that_reciprocity_misses():
    # each of five accounts likes the next two: i's engagers are i-1 and i-2, and i-2 likes i-1 (not back)
    members = list("ABCDE")
    pairs = [(members[i], members[(i + k) % 5]) for i in range(5) for k in (1, 2)]
    s = signals_of(engage(pairs))
    assert (s["reciprocity"] == 0).all()
    assert s["ring_density"].tolist() == [0.5] * 5


def test_a_pod_is_dense_and_reciprocal_and_strangers_are_not():
    pod = list("PQRS")
    pairs = [(a, b) for a in pod for b in pod if a != b]
    pairs += [("x1", "star"), ("x2", "star"), ("x3", "star")]  # three strangers who never engage each other
    pairs += [("m1", "m2"), ("m2", "m1"), ("m1", "X"), ("m2", "X")]  # X is engaged by a mutual pair it ignores
    s = signals_of(engage(pairs))
    assert s.loc[pod, ["ring_density", "reciprocity", "engager_overlap"]].eq(1).all().all()
    assert s.loc["star", "ring_density"] == 0 and s.loc["star", "reciprocity"] == 0
    assert s.loc["X", "ring_density"] == 1 and s.loc["X", "reciprocity"] == 0
    assert s.loc[["m1", "m2"], "reciprocity"].eq(1).all()  # the mutual pair


def test_a_mutual_pair_is_reciprocal_and_self_engagement_does_not_count():
    rows = engage([("A", "B"), ("B", "A"), ("A", "A"), ("C", "A")], kind="mention")
    s = signals_of(rows)
    assert s.loc["B", "reciprocity"] == 1
    assert s.loc["A", "reciprocity"] == pytest.approx(0.5)  # engagers B (engaged back) and C (not); not A itself
    assert s.loc["A", "engager_overlap"] == pytest.approx(1 / 2)  # {B, C} and {B}
    assert s.loc["C", "reciprocity"] != s.loc["C", "reciprocity"]  # nobody engaged C: NaN


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event_tables(max_users=6, max_events=40, days=80))
def test_graph_signals_match_a_brute_force_reference(events):
    as_of = BASE + pd.Timedelta(days=80)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        s = gaming_signals(events, as_of)
    eng = events[events["kind"].isin(["reshare", "like", "reply", "mention"]) & events["target_id"].notna()
                 & (events["actor_id"] != events["target_id"])]
    edges = set(zip(eng["actor_id"], eng["target_id"]))
    for user in s.index:
        into = {a for a, b in edges if b == user}
        out = {b for a, b in edges if a == user}
        recip = len(into & out) / len(into) if into else np.nan
        union = into | out
        overlap = len(into & out) / len(union) if union else np.nan
        ordered = [(a, c) for a in into for c in into if a != c]
        density = sum((a, c) in edges for a, c in ordered) / len(ordered) if len(into) >= 2 else np.nan
        got = s.loc[user, ["reciprocity", "engager_overlap", "ring_density"]].to_numpy(dtype=float)
        np.testing.assert_allclose(got, [recip, overlap, density], equal_nan=True, err_msg=user)


# ------------------------------------------------------------------------------------ other signals


def test_duplicate_texts_churn_and_reactions_per_day():
    rows = [(i, "spam", None, "post", f"s{i}", "buy now") for i in range(5)]
    rows += [(10 + i, "honest", None, "post", f"h{i}", f"news {i}") for i in range(5)]
    rows += [(20 + i, "quiet", None, "post", f"q{i}", None) for i in range(3)]  # no text: never a duplicate
    rows += [(30, "churner", "x", "follow", None, None), (31, "churner", "y", "follow", None, None),
             (40, "churner", "x", "unfollow", None, None), (41, "churner", "y", "unfollow", None, None)]
    rows += [(50 + i, "f", "g", "follow", None, None) for i in range(4)] + [(60, "f", "g", "unfollow", None, None)]
    rows += [(100 + i, "fan", "honest", "like", f"h{i % 5}", None) for i in range(9)]
    s = signals_of(rows)
    assert s.loc["spam", "duplicate_text_share"] == pytest.approx(0.8)
    assert s.loc["honest", "duplicate_text_share"] == 0
    assert s.loc["quiet", "duplicate_text_share"] == 0
    assert np.isnan(s.loc["fan", "duplicate_text_share"])  # no posts
    assert s.loc["churner", "follow_churn"] == 1
    assert s.loc["f", "follow_churn"] == pytest.approx(0.25)
    assert s.loc["fan", "reactions_given_per_day"] == pytest.approx(9 / 90)
    assert s.loc["x", "follow_churn"] == 0  # active as a target: in the table, nothing given


def test_follower_engagement_ratio_reads_followers_at_as_of_and_reactions_in_the_window():
    old = -200 * 86_400  # before the 90-day window: still counts for followers
    rows = [(old + i, f"fan{i}", "bought", "follow", None, None) for i in range(3)]
    rows += [(0, "bought", None, "post", "p", "hello"), (5, "loved", None, "post", "q", "hi")]
    rows += [(10 + i, f"fan{i}", "loved", "like", "q", None) for i in range(3)]
    s = signals_of(rows)
    assert s.loc["bought", "follower_engagement_ratio"] == pytest.approx(np.log1p(3))
    assert s.loc["loved", "follower_engagement_ratio"] == pytest.approx(-np.log1p(3))


def test_burstiness_orders_regular_poisson_like_and_bursty_actions():
    hour = 3600
    rows = [(i * hour, "clock", None, "post", f"c{i}", None) for i in range(10)]
    rows += [(i * hour, "clock", "friend", "mention", f"c{i}", None) for i in range(10)]  # same instant: one action
    bursts = [day * 86_400 + second for day in (0, 3, 20) for second in range(10)]  # three bursts of ten
    rows += [(t, "bursty", None, "post", f"b{i}", None) for i, t in enumerate(bursts)]
    gaps = np.random.default_rng(0).exponential(hour, 60).cumsum().astype(int)
    rows += [(int(t), "poisson", None, "post", f"p{i}", None) for i, t in enumerate(gaps)]
    rows += [(0, "twice", None, "post", "t0", None), (99, "twice", None, "post", "t1", None)]
    s = signals_of(rows)["burstiness"]
    assert s["clock"] == pytest.approx(-1)
    assert -0.3 < s["poisson"] < 0.3
    assert s["bursty"] > 0.5
    assert s["clock"] < s["poisson"] < s["bursty"]
    assert np.isnan(s["twice"])  # fewer than 3 actions


def test_the_window_is_open_on_the_left_closed_on_the_right():
    as_of = BASE + pd.Timedelta(days=90)
    rows = [(0, "early", "x", "like", None, None), (90 * 86_400, "edge", "x", "like", None, None)]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        s = gaming_signals(make_events(rows), as_of)
    assert list(s.index) == ["edge", "x"]


def test_a_constant_signal_warns_naming_it():
    rows = engage([("A", "B"), ("B", "C"), ("C", "A")])
    with pytest.warns(UserWarning) as caught:
        gaming_signals(make_events(rows), AS_OF)
    messages = [str(w.message) for w in caught]
    assert any("'reciprocity' is 0 for every one" in m for m in messages)
    assert any("'follow_churn' is missing everywhere" in m for m in messages)  # no follow events at all


def test_errors_name_the_problem():
    with pytest.raises(ValueError, match="time zone"):
        gaming_signals(make_events(engage([("A", "B")])), "2012-03-01")
    with pytest.raises(TypeError, match="Dataset or an events DataFrame"):
        gaming_signals([1, 2], AS_OF)


# ------------------------------------------------------------------------------------ truth


def test_signals_never_read_the_truth(world):
    blind = dataclasses.replace(
        world, users=world.users.drop(columns=[c for c in world.users.columns if c.startswith("true_")]), truth={}
    )
    pd.testing.assert_frame_equal(gaming_signals(blind, TRAIN), gaming_signals(world, TRAIN))


def test_labels_follow_the_truth_table_and_its_dates():
    users = pd.DataFrame({
        "user_id": ["bot", "pod", "ring", "fake", "buyer", "honest"],
        "persona": ["bot", "pr_marketing", "everyday", "fake_follower", "brand", "everyday"],
    })
    truth = pd.DataFrame({
        "user_id": ["pod", "ring", "fake", "buyer"],
        "strategy": ["pod", "bot_ring", "bought_followers", "bought_followers"],
        "start": pd.to_datetime([pd.Timestamp("2012-06-01"), pd.NaT, pd.Timestamp("2011-01-01"),
                                 pd.Timestamp("2012-04-15 12:00")]).tz_localize("UTC"),
    })
    data = Dataset("toy", users, make_events(engage([("bot", "pod")])), truth={"true_gaming": truth})
    april, august = gaming_labels(data, TRAIN), gaming_labels(data, TEST)
    assert april.dtype == bool and list(april.index) == ["bot", "pod", "ring", "buyer", "honest"]  # no fake account
    assert april.to_dict() == {"bot": True, "pod": False, "ring": True, "buyer": True, "honest": False}
    assert august.to_dict() == {"bot": True, "pod": True, "ring": True, "buyer": True, "honest": False}
    with pytest.raises(KeyError, match="true_gaming"):
        gaming_labels(dataclasses.replace(data, truth={}), TRAIN)


# ------------------------------------------------------------------------------------ detector


@pytest.fixture(scope="module")
def periods(world):
    """Signals and labels of the April (train) and August (test) windows of the sample."""
    return (gaming_signals(world, TRAIN), gaming_labels(world, TRAIN),
            gaming_signals(world, TEST), gaming_labels(world, TEST))


@pytest.fixture(scope="module")
def logistic_scores(periods):
    train_x, train_y, test_x, _ = periods
    return detector_scores(train_detector(train_x, train_y, model="logistic", seed=0), test_x)


def test_signals_cover_the_active_accounts_with_every_signal(periods):
    train_x, train_y, test_x, _ = periods
    assert list(train_x.columns) == list(SIGNALS)
    assert train_x.index.is_unique and train_x.index.is_monotonic_increasing
    assert len(train_x.index.intersection(train_y.index)) > 2000


def test_logistic_detector_ranks_next_period_gamers_far_above_chance(periods, logistic_scores):
    result = evaluate_detector(logistic_scores, periods[3])
    assert result["positives"] >= 10
    assert result["average_precision"] >= 3 * result["prevalence"]
    assert result["recall"] > 0.5


def test_detectors_are_reproducible_for_a_seed(periods, logistic_scores):
    train_x, train_y, test_x, _ = periods
    again = detector_scores(train_detector(train_x, train_y, model="logistic", seed=0), test_x)
    pd.testing.assert_series_equal(again, logistic_scores)
    forest = [detector_scores(train_detector(train_x, train_y, model="forest", seed=s), test_x) for s in (0, 0, 1)]
    pd.testing.assert_series_equal(forest[0], forest[1])
    assert not forest[0].equals(forest[2])  # the seed reaches the forest


def test_evaluation_matches_sklearn(periods, logistic_scores):
    labels = periods[3]
    both = pd.concat([logistic_scores, labels], axis=1, join="inner").dropna()
    y, s = both["gaming"].astype(bool).to_numpy(), both["gaming_score"].to_numpy()
    result = evaluate_detector(logistic_scores, labels, threshold=0.3)
    assert result["n"] == len(y) and result["positives"] == y.sum()
    assert result["prevalence"] == pytest.approx(y.mean())
    assert result["average_precision"] == pytest.approx(average_precision_score(y, s))
    assert result["precision"] == pytest.approx(precision_score(y, s >= 0.3))
    assert result["recall"] == pytest.approx(recall_score(y, s >= 0.3))
    table = precision_recall_table(logistic_scores, labels)
    assert list(table.columns) == ["precision", "recall", "threshold"]
    assert table["threshold"].iloc[-1] != table["threshold"].iloc[-1] and table["recall"].iloc[-1] == 0


def test_errors_are_the_flagged_honest_and_the_missed_gamers(world, periods, logistic_scores):
    labels, test_x = periods[3], periods[2]
    errors = detector_errors(logistic_scores, labels, world.users, signals=test_x)
    both = pd.concat([logistic_scores, labels], axis=1, join="inner").dropna()
    flagged = both["gaming_score"] >= 0.5
    assert (errors["error"] == "false_positive").sum() == (flagged & ~both["gaming"]).sum()
    assert (errors["error"] == "false_negative").sum() == (~flagged & both["gaming"]).sum()
    fp = errors[errors["error"] == "false_positive"]
    assert fp["persona"].ne("bot").all()
    # a flagged account that games at all starts only after the test date (by then it is honest)
    later = fp.index[fp["true_gaming"].ne("none")]
    truth = world.truth["true_gaming"]
    assert (truth.loc[truth["user_id"].isin(later), "start"] > TEST).all()
    assert {"persona", "true_gaming", *SIGNALS} <= set(errors.columns)
    assert fp["score"].is_monotonic_decreasing
    summary = errors_by_persona(errors)
    assert summary.groupby("error")["share"].sum().round(9).eq(1).all()


def test_training_warns_with_few_positives_or_a_constant_signal_and_refuses_one_class():
    rng = np.random.default_rng(0)
    ids = pd.Index([f"u{i}" for i in range(200)], name="user_id")
    signals = pd.DataFrame({"a": rng.normal(size=200), "flat": 1.0}, index=ids)
    labels = pd.Series(np.arange(200) < 5, index=ids, name="gaming")
    with pytest.warns(UserWarning) as caught:
        model = train_detector(signals, labels)
    messages = " ".join(str(w.message) for w in caught)
    assert "only 5 gaming account(s)" in messages and "'flat'" in messages
    with pytest.raises(ValueError, match="all honest"):
        train_detector(signals, labels & False)
    with pytest.raises(ValueError, match="no user_id"):
        train_detector(signals, labels.set_axis([f"v{i}" for i in range(200)]))
    with pytest.raises(ValueError, match="model must be one of"):
        train_detector(signals, labels, model="svm")
    with pytest.raises(KeyError, match="'flat'"):
        detector_scores(model, signals[["a"]])
    assert detection.MIN_POSITIVES == 10
