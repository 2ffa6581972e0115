"""Unit tests of influence_lab.studies.decay on small hand-made worlds (fast: no sample, no real data)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from influence_lab.scoring.recipes import make_recipe
from influence_lab.studies import decay, stats
from influence_lab.contract import Dataset, validate_events

DAY = pd.Timedelta(days=1)
START = pd.Timestamp("2012-01-01", tz="UTC")


def _events(rows) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["timestamp", "actor_id", "target_id", "kind"])
    frame["target_id"] = frame["target_id"].fillna("")
    return validate_events(frame, source="test")


def _steady_world(days: int = 200, fans: int = 12) -> Dataset:
    """A star who posts daily and gets a like from each fan every day, and a control user with the same life."""
    rows = []
    for star in ("star", "control"):
        for d in range(days):
            t = START + d * DAY + pd.Timedelta(hours=9)
            rows.append((t, star, None, "post"))
            for f in range(fans):
                rows.append((t + pd.Timedelta(minutes=f + 1), f"{star}_fan{f}", star, "like"))
                # each fan has a friend who likes them daily: the fans have standing, so the network
                # component (a volume of standing-weighted reactions) falls when the star's reactions stop
                rows.append((t - pd.Timedelta(hours=2), f"{star}_friend{f}", f"{star}_fan{f}", "like"))
    # a population to calibrate on: users with different amounts of engagement
    for u in range(30):
        for d in range(0, days, 3):
            t = START + d * DAY + pd.Timedelta(hours=12)
            rows.append((t, f"p{u}", None, "post"))
            for e in range(u % 7 + 1):
                rows.append((t + pd.Timedelta(minutes=e + 1), f"p{u}_fan{e}", f"p{u}", "like"))
    events = _events(rows)
    users = pd.DataFrame({"user_id": sorted(set(events["actor_id"]) | set(events["target_id"]) - {""})})
    return Dataset("toy", users, events, pd.DataFrame(), {}, "toy")


@pytest.fixture(scope="module")
def steady():
    return _steady_world()


def _with_a_burst(world: Dataset, burst_days=range(100, 107), extra_posts: int = 20, fans: int = 12) -> Dataset:
    """``world`` plus "burst": a daily poster liked by ``fans`` fans every day, who also posts ``extra_posts``
    items nobody reacts to on each of ``burst_days``. Idling through the burst removes those items too, so
    the idle path's reactions per item, hence its score, rise ABOVE the unaltered one after the break."""
    rows = []
    for d in range(200):
        t = START + d * DAY + pd.Timedelta(hours=8)
        rows.append((t, "burst", None, "post"))
        rows += [(t + pd.Timedelta(minutes=f + 1), f"burst_fan{f}", "burst", "like") for f in range(fans)]
        if d in burst_days:
            rows += [(t + pd.Timedelta(hours=6, minutes=i), "burst", None, "post") for i in range(extra_posts)]
    events = pd.concat([world.events, _events(rows)], ignore_index=True)
    users = pd.DataFrame({"user_id": sorted(set(events["actor_id"]) | set(events["target_id"]) - {""})})
    return Dataset("toy+burst", users, events, pd.DataFrame(), {}, "toy")


# ------------------------------------------------------------------ recovery_days


def test_recovery_days_on_hand_made_paths():
    gap = np.array(
        [
            [3.0, 2.0, 1.5, 0.9, 0.5, 0.0],  # within 1 from column 3 on
            [0.5, 0.2, 0.0, 0.0, 0.0, 0.0],  # already within at the end of the break
            [3.0, 0.5, 2.0, 0.8, 0.1, 0.0],  # dips in, goes out, comes back: counts from column 3
            [3.0, 3.0, 3.0, 3.0, 3.0, 2.0],  # never: NaN (censored)
            [-3.0, -0.5, 0.4, 0.0, 0.0, 0.0],  # idle path above the unaltered one: no loss to recover
        ]
    )
    np.testing.assert_array_equal(decay.recovery_days(gap, 1.0), [3.0, 0.0, 3.0, np.nan, 0.0])
    np.testing.assert_array_equal(decay.recovery_days(gap[:1], 2.0), [1.0])


def test_recovery_days_ignores_an_overshoot():
    # the blogger's case: a small loss, then the idle path rises ABOVE the unaltered one for a while.
    # Only losses need recovering: |gap| would count the overshoot as "not recovered" until column 5.
    gap = np.array([[0.5, 0.3, -1.4, -1.4, -1.2, 0.0, 0.0], [2.0, 1.5, -3.0, -2.0, 0.5, 0.0, 0.0]])
    np.testing.assert_array_equal(decay.recovery_days(gap, 1.0), [0.0, 2.0])


# ------------------------------------------------------------------ counterfactual events


def test_idle_events_removes_only_the_break():
    rows = [
        (START + 0 * DAY, "a", None, "post"),
        (START + 1 * DAY, "a", None, "post"),  # inside: removed
        (START + 1 * DAY, "b", "a", "like"),  # engagement received inside: removed
        (START + 2 * DAY, "b", "a", "follow"),  # follow received inside: kept
        (START + 2 * DAY, "a", "b", "reply"),  # a acts inside: removed
        (START + 2 * DAY, "b", "c", "like"),  # other users: kept
        (START + 3 * DAY, "b", "a", "like"),  # after the break: kept
    ]
    events = _events(rows)
    kept = decay.idle_events(events, ["a"], START + DAY, 2)
    assert len(kept) == 4
    assert set(zip(kept["actor_id"], kept["kind"].astype(str))) == {("a", "post"), ("b", "follow"), ("b", "like")}
    pd.testing.assert_frame_equal(decay.idle_events(events, ["a"], START + DAY, 0), events)
    with pytest.raises(ValueError, match="whole number"):
        decay.idle_events(events, ["a"], START, 1.5)


# ------------------------------------------------------------------ the experiment


@pytest.fixture(scope="module")
def experiment(steady):
    return decay.idle_experiment(
        steady, ["star"], start=START + 100 * DAY, end=START + 199 * DAY, idle_days=(0, 3, 7, 14, 30),
        variants={"window": {"window_days": 30}, "decay": {"half_life_days": 10.0}},
    )


def test_loss_does_not_decrease_with_the_break(experiment):
    for _, group in experiment.groupby("variant"):
        losses = group.sort_values("idle_days")["loss"].to_numpy()
        assert losses[-1] > 0
        assert (np.diff(losses) >= -1e-9).all(), losses


def test_a_full_window_break_hits_the_floor_and_recovers_when_the_window_refills(experiment):
    window = experiment[experiment["variant"] == "window"].set_index("idle_days")
    # 30 idle days empty a 30-day window: the score is the floor (1), so the loss is the whole score above it
    assert window.loc[30, "loss"] == pytest.approx(window.loc[30, "score_before"] - 1.0)
    # back within a point at the latest when the idle days have left the window (here sooner: a steady user's
    # distinct engagers and reactions per post come back with the first day of activity)
    assert 1 <= window.loc[30, "recovery_days"] <= 30


def test_paths_agree_again_once_the_break_has_left_the_window(steady):
    first, last = START + 99 * DAY, START + 170 * DAY
    model = make_recipe("klout")
    unaltered = decay.score_paths(steady, ["star"], start=first, end=last, calibration_day=first, window_days=30,
                                  recipe=model)
    altered_events = decay.idle_events(steady.events, ["star"], START + 100 * DAY, 20)
    altered = decay.score_paths(altered_events, ["star"], start=first, end=last, recipe=model,
                                window_days=30)
    gap = (unaltered - altered).loc["star"]
    assert gap.iloc[20] > 0  # last idle day
    after = gap.index >= START + (100 + 20 + 30) * DAY  # every idle day has left the 30-day window
    assert np.allclose(gap[after], 0.0) and not np.allclose(gap[~after], 0.0)


def test_decay_loses_less_than_the_window_for_a_full_window_break(experiment):
    full = experiment[experiment["idle_days"] == 30].set_index("variant")["loss"]
    assert 0 < full["decay"] < full["window"]


def test_calibration_is_held_fixed_so_an_untouched_user_does_not_move(steady):
    both = decay.idle_experiment(steady, ["star"], start=START + 100 * DAY, end=START + 150 * DAY, idle_days=(14,),
                                 variants={"window": {"window_days": 30}})
    model = make_recipe("klout")
    alone = decay.score_paths(steady, ["control"], start=START + 99 * DAY, end=START + 150 * DAY,
                              calibration_day=START + 99 * DAY, window_days=30, recipe=model)
    altered = decay.idle_events(steady.events, ["star"], START + 100 * DAY, 14)
    moved = decay.score_paths(altered, ["control"], start=START + 99 * DAY, end=START + 150 * DAY,
                              recipe=model, window_days=30)
    pd.testing.assert_frame_equal(alone, moved, check_like=True)
    assert both["loss"].iloc[0] > 0


def test_break_past_the_end_is_an_error(steady):
    with pytest.raises(ValueError, match="runs past end"):
        decay.idle_experiment(steady, ["star"], start=START + 190 * DAY, end=START + 195 * DAY, idle_days=(10,),
                              variants={"window": {"window_days": 30}})


def test_idle_experiment_reports_the_gain_and_gain_summary_counts_it():
    results = pd.DataFrame(
        {
            "user_id": ["a", "b", "c", "a", "b", "c"],
            "variant": "w",
            "idle_days": [7, 7, 7, 30, 30, 30],
            "max_gain": [0.0, 1.5, 0.2, 3.0, 1.2, 0.0],
        }
    )
    table = decay.gain_summary(results, threshold=1.0)
    assert table.loc[("w", 7), "share_above"] == pytest.approx(1 / 3)
    assert table.loc[("w", 7), "median_gain_above"] == pytest.approx(1.5)
    assert table.loc[("w", 30), "share_above"] == pytest.approx(2 / 3)
    assert table.loc[("w", 30), "median_gain_above"] == pytest.approx(2.1)
    assert table.loc[("w", 30), "largest_gain"] == 3.0
    assert np.isnan(decay.gain_summary(results, threshold=5.0).loc[("w", 7), "median_gain_above"])


def test_experiment_columns_are_read_off_the_two_paths(steady):
    """Every column of idle_experiment, recomputed by date from the unaltered and the idle path scored here
    (one calibration, fitted on the eve of the break on the unaltered world), for k = 0 and k = 7, with a
    window (the gap stays flat after the break) and a half-life (it changes every day)."""
    tolerance = 0.1  # below the star's loss, so that its recovery takes days
    world = _with_a_burst(steady)
    users = ["star", "burst"]
    first, last = START + 100 * DAY, START + 160 * DAY
    eve = first - DAY
    variants = {"window": {"window_days": 30}, "decay": {"half_life_days": 10.0}}
    table = decay.idle_experiment(world, users, start=first, end=last, idle_days=(0, 7), variants=variants,
                                  tolerance=tolerance).set_index(["variant", "user_id", "idle_days"])
    for variant, memory in variants.items():
        model = make_recipe("klout")
        base = decay.score_paths(world, users, start=eve, end=last, calibration_day=eve, recipe=model, **memory)
        for k in (0, 7):
            idle = decay.score_paths(decay.idle_events(world.events, users, first, k), users, start=eve, end=last,
                                     recipe=model, **memory)
            last_idle = first + (k - 1) * DAY  # k = 0: the eve itself
            for user in users:
                gap = base.loc[user] - idle.loc[user]
                row = table.loc[(variant, user, k)]
                since_start, since_last = gap[gap.index >= first], gap[gap.index >= last_idle]
                recovered = next(
                    (offset for offset, day in enumerate(since_last.index)
                     if (since_last[since_last.index >= day] <= tolerance).all()),
                    np.nan,
                )
                expected = {
                    "score_before": base.loc[user, eve],
                    "loss": gap[last_idle],
                    "idle_score": idle.loc[user, last_idle],
                    "max_loss": since_start.max(),
                    "max_loss_day": (since_start.idxmax() - eve).days,
                    "max_gain": max(0.0, -since_last.min()),
                    "max_gain_day": ((-since_last).idxmax() - eve).days,
                    "recovery_days": recovered,
                    "horizon_days": (last - last_idle).days,
                }
                for column, value in expected.items():
                    assert row[column] == pytest.approx(value, abs=1e-9, nan_ok=True), (variant, user, k, column)
    seven = table.xs(("window", 7), level=["variant", "idle_days"])
    assert seven.loc["star", "loss"] > tolerance and seven.loc["star", "recovery_days"] > 0
    assert seven.loc["star", "max_gain"] == 0  # a steady user only loses
    assert seven.loc["burst", "max_gain"] > 1  # the burst of unanswered items left the window with the break
    assert (table.xs(0, level="idle_days")[["loss", "max_loss", "max_gain", "recovery_days"]] == 0).all().all()


# ------------------------------------------------------------------ summaries


def test_bootstrap_median_is_the_median_with_a_percentile_interval_of_seeded_resamples():
    values = np.random.default_rng(0).normal(5, 2, 200)
    median, low, high = stats.bootstrap_median(values, n_boot=500, seed=1)
    assert median == np.median(values)
    resampled = np.median(values[stats.bootstrap_indices(200, 500, 1)], axis=1)  # the medians of 500 resamples
    assert (low, high) == pytest.approx(tuple(np.quantile(resampled, [0.025, 0.975])), abs=1e-12)
    assert stats.bootstrap_median(values, n_boot=500, seed=1) == (median, low, high)
    assert stats.bootstrap_median(values, n_boot=500, seed=2)[1:] != (low, high)
    narrow = stats.bootstrap_median(values, n_boot=500, seed=1, level=0.5)
    assert low < narrow[1] < narrow[2] < high
    # non-finite values are left out before resampling
    assert stats.bootstrap_median(np.append(values, [np.nan, np.inf]), n_boot=500, seed=1) == (median, low, high)
    assert np.isnan(stats.bootstrap_median(np.array([np.nan]))[0])


def _summary(losses: dict[str, list[float]]) -> pd.DataFrame:
    ks = [0, 3, 7, 14, 30, 60, 90]
    rows = [{"variant": v, "idle_days": k, "median_loss": loss} for v, values in losses.items() for k, loss in zip(ks, values)]
    return pd.DataFrame(rows).set_index(["variant", "idle_days"])


def test_short_break_and_gradual_loss():
    summary = _summary({"steady": [0, 0.5, 1.0, 1.9, 4, 8, 12], "cliff": [0, 0.1, 0.2, 0.5, 1.0, 2.5, 40]})
    assert decay.short_break(summary, "steady") == 14
    assert decay.short_break(summary, "cliff") == 30
    assert decay.short_break(summary, "steady", threshold=0.1) == 0
    steady, cliff = decay.gradual_loss(summary, "steady"), decay.gradual_loss(summary, "cliff")
    assert steady["monotone"] and steady["largest_jump_share"] < 0.5
    assert cliff["steepest_step"] == (60, 90) and cliff["largest_jump_share"] > 0.9
    falling = decay.gradual_loss(_summary({"x": [0, 1, 0.5, 2, 3, 4, 5]}), "x")
    assert not falling["monotone"]


def test_dip_words_follow_the_number():
    assert decay.dip_words(-1) == "no dip at all"
    assert decay.dip_words(0.5) == "less than a point"
    assert decay.dip_words(3) == "a few points"
    assert decay.dip_words(25) == "a collapse"


def test_path_dip():
    days = pd.date_range("2012-01-01", periods=10, freq="D", tz="UTC")
    path = pd.Series([5, 6, 5, 6, 6, 4, 3, 5, 6, 2], index=days, dtype=float)
    dip = decay.path_dip(path, days[4], until=days[8], swing_days=3)
    assert dip["before_score"] == 6 and dip["low_score"] == 3 and dip["drop"] == 3 and dip["low_day"] == days[6]
    assert dip["swing_before"] == 1  # days 2-4: 5, 6, 6
    with pytest.raises(ValueError):
        decay.path_dip(path, days[-1])


# ------------------------------------------------------------------ quiet spells


def _messages(sends: dict[str, list[int]]) -> pd.DataFrame:
    rows = [(START + d * DAY + pd.Timedelta(hours=10), who, "hub", "mention") for who, days in sends.items() for d in days]
    rows += [(START + d * DAY + pd.Timedelta(hours=11), "hub", who, "mention") for who, days in sends.items() for d in days]
    return _events(rows)


def test_quiet_spells_finds_the_first_qualifying_spell():
    events = _messages(
        {
            "quiet": [0, 1, 2, 3, 4, 5, 20, 21],  # active 6 days, then 14 idle days (6..19)
            "late": [0, 10, 11, 12, 13, 14, 40],  # first gap not active enough; after day 14: 25 idle days
            "busy": list(range(0, 45)),  # never idle
            "gone": [30, 31, 32, 33, 34],  # active, then idle to the end of data (censored)
        }
    )
    spells = decay.quiet_spells(events, min_idle_days=10, lookback_days=30, min_active_days=5).set_index("user_id")
    assert spells.loc["quiet", "idle_days"] == 14 and spells.loc["quiet", "last_active"] == START + 5 * DAY
    assert spells.loc["late", "last_active"] == START + 14 * DAY and spells.loc["late", "idle_days"] == 25
    assert spells.loc["late", "active_days_before"] == 6  # days 0, 10..14 within the 30 days up to day 14
    assert "busy" not in spells.index and "hub" not in spells.index
    assert bool(spells.loc["gone", "censored"]) and spells.loc["gone", "idle_days"] == 44 - 34
    assert not bool(spells.loc["quiet", "censored"])


def test_excess_drops_subtracts_the_community():
    days = pd.date_range(START, periods=10, freq="D")
    scores = pd.DataFrame(
        [np.arange(10.0) * 0 + 10, np.arange(10.0), np.arange(10.0) * 2], index=["quiet", "a", "b"], columns=days
    )
    scores.loc["quiet", days[3:]] = 7.0  # drops 3 points after day 2
    events = _events(
        [(START + d * DAY, who, "x", "mention") for who in ("quiet", "a", "b") for d in range(3)]
        + [(START + d * DAY, who, "x", "mention") for who in ("a", "b") for d in range(3, 10)]
    )
    spells = pd.DataFrame({"user_id": ["quiet"], "last_active": [days[2]]})
    table = decay.excess_drops(scores, events, spells, 4, lookback_days=3, min_active_days=3).set_index("user_id")
    assert table.loc["quiet", "change"] == -3
    assert table.loc["quiet", "community_change"] == pytest.approx(6.0)  # median of a (+4) and b (+8)
    assert table.loc["quiet", "excess"] == pytest.approx(-9.0)
    assert decay.spell_score_changes(scores, spells, 20).empty  # later day outside the table


def test_send_days_follow_the_score_s_published_items():
    rows = [
        (START, "a", None, "post"),
        (START + DAY, "a", "a", "mention"),  # aimed at itself: not published
        (START + 2 * DAY, "a", "b", "like"),  # a like is a reaction, not an item
        (START + 3 * DAY, "a", "b", "reply"),
        (START + 4 * DAY, "b", "a", "mention"),
    ]
    sends = decay.send_days(_events(rows))
    day0 = int(START.value // (86_400 * 10**9))
    counts = decay.send_days_in(sends, np.array([["a"], ["b"], ["nobody"]], dtype=object), day0 + np.arange(5)[None, :], 5)
    np.testing.assert_array_equal(counts, [[1, 1, 1, 2, 2], [0, 0, 0, 0, 1], [0, 0, 0, 0, 0]])
    assert decay.send_days_in(sends, ["a"], [day0 + 3], 2)[0] == 1  # days 2-3: only the reply
    active = decay.is_active(sends, ["a", "b"], day0 + 4, lookback_days=5, min_active_days=2)
    np.testing.assert_array_equal(active, [True, False])
    assert list(decay.active_users(_events(rows), START + 5 * DAY, days=5, min_active_days=2)) == ["a"]


def test_experiment_users_needs_personas_only_to_exclude_them(steady):
    start = START + 100 * DAY
    with pytest.raises(ValueError, match="no 'persona' column.*exclude_personas=\\(\\)"):
        decay.experiment_users(steady, start, n=3, min_score=1.0)
    chosen = decay.experiment_users(steady, start, n=3, min_score=1.0, exclude_personas=(), exclude=["star"])
    assert len(chosen) == 3 and "star" not in chosen
    assert list(chosen) == list(decay.experiment_users(steady, start, n=3, min_score=1.0, exclude_personas=(),
                                                       exclude=["star"]))


def test_monthly_outcomes_leaves_the_split_month_out():
    periods = pd.date_range("2012-01-01", periods=6, freq="MS", tz="UTC")
    outcomes = pd.DataFrame({"user_id": "u", "period": periods, "metric": "referrals", "value": [1, 1, 1, 50, 3, 3.0]})
    table = decay.monthly_outcomes(outcomes, "u", "2012-04-16", metrics=("referrals",))
    assert table.loc["referrals", "before"] == 1 and table.loc["referrals", "after"] == 3


def test_busiest_post_names_the_post_and_the_typical_day():
    rows = [(START, "a", None, "post")]
    rows += [(START + pd.Timedelta(hours=h + 1), f"fan{h}", "a", "like") for h in range(6)]  # 6 on p1, day 0
    rows += [(START + 2 * DAY, "x", "a", "reshare")]  # 1 on p2, day 2
    events = _events(rows)
    events["post_id"] = pd.Series(["p1"] * 7 + ["p2"], dtype="str")
    top = decay.busiest_post(events, "a", START, START + 3 * DAY)
    assert top["post_id"] == "p1" and top["reactions"] == 6 and top["distinct_engagers"] == 6
    assert top["day"] == START
    assert top["median_daily_reactions"] == 0.5  # days 0-3: 6, 0, 1, 0
    with pytest.raises(ValueError, match="no engagement"):
        decay.busiest_post(events, "nobody", START, START + 3 * DAY)


def test_idle_pair_matches_the_experiment(steady, experiment):
    unaltered, idle = decay.idle_pair(steady, "star", start=START + 100 * DAY, idle_days=14,
                                      calibration_day=START + 99 * DAY, end=START + 199 * DAY, window_days=30)
    gap = unaltered.set_index("day")["score"] - idle.set_index("day")["score"]
    row = experiment[(experiment["variant"] == "window") & (experiment["idle_days"] == 14)].iloc[0]
    assert gap.iloc[14] == pytest.approx(row["loss"])
    assert {"reach", "amplification", "network"} <= set(idle.columns)
