"""Notebook 03 (inactivity and decay): every claim its prose and figure titles make, recomputed.

Same package calls and parameters as the notebook (influence_lab.studies.decay). Each test names the sentence it
guards. Synthetic checks test the claim ("small", "bigger", "slow"); CollegeMsg checks use the real file.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from influence_lab.scoring.recipes import make_recipe
from influence_lab.studies import decay

from influence_lab.datasets import world as simulate

SPLIT = pd.Timestamp("2012-04-15", tz="UTC")
BREAK_START = SPLIT + pd.Timedelta(days=1)
SPRING = SPLIT + pd.Timedelta(days=91)
BLOGGER = simulate.CASE_USERS["blogger"]


@pytest.fixture(scope="module")
def story_models():
    return {name: make_recipe("klout") for name in decay.VARIANTS}


@pytest.fixture(scope="module")
def story(world, story_models):
    return {
        name: decay.score_paths(world, [BLOGGER], start="2012-01-01", end="2012-12-31", calibration_day=SPLIT,
                                recipe=story_models[name], components=True, **memory)
        for name, memory in decay.VARIANTS.items()
    }


@pytest.fixture(scope="module")
def spring_dips(story):
    return {name: decay.path_dip(p.set_index("day")["score"], SPLIT, until=SPRING) for name, p in story.items()}


WEIGHTINGS = {
    "default": {},
    "amplification 0": {"amplification_weight": 0.0},
    "reach only": {"reach_weight": 1.0, "amplification_weight": 0.0, "network_weight": 0.0},
    "network only": {"reach_weight": 0.0, "amplification_weight": 0.0, "network_weight": 1.0},
    "amplification only": {"reach_weight": 0.0, "amplification_weight": 1.0, "network_weight": 0.0},
}


@pytest.fixture(scope="module")
def weighted_dips(world):
    return {
        label: decay.path_dip(
            decay.score_paths(world, [BLOGGER], start="2012-01-01", end="2012-12-31", calibration_day=SPLIT,
                              window_days=90, **weights).loc[BLOGGER], SPLIT, until=SPRING)["drop"]
        for label, weights in WEIGHTINGS.items()
    }


@pytest.fixture(scope="module")
def experiment(world):
    sample = decay.experiment_users(world, BREAK_START, n=60, seed=3, exclude=simulate.CASE_USERS.values())
    results = decay.idle_experiment(world, [BLOGGER, *sample], start=BREAK_START, end="2012-12-31")
    summary = decay.loss_summary(results[results["user_id"] != BLOGGER], seed=3)
    return sample, results, summary


# ------------------------------------------------- the numbers the prose states (same calls as the notebook)


def story_numbers(world, story) -> dict:
    """First say() cell: the blogger's spring and year dips, referrals and clicks; the July post's cell."""
    scores = {name: p.set_index("day")["score"] for name, p in story.items()}
    spring = {name: decay.path_dip(s, SPLIT, until=SPRING) for name, s in scores.items()}
    year = decay.path_dip(scores["90-day window"], SPLIT)
    offline = decay.monthly_outcomes(world.outcomes, BLOGGER, BREAK_START)
    referrals = world.outcomes.query("user_id == @BLOGGER and metric == 'referrals'").set_index("period")["value"]
    first = SPLIT.normalize().replace(day=1)
    before, after = referrals[referrals.index < first], referrals[referrals.index >= first + pd.offsets.MonthBegin(1)]
    p_value = stats.binomtest(int(before.sum()), int(before.sum() + after.sum()),
                              len(before) / (len(before) + len(after))).pvalue
    viral = decay.busiest_post(world.events, BLOGGER, BREAK_START, "2012-12-31")
    rises = {name: s.shift(-1) - s.shift(1) for name, s in scores.items()}
    window = spring["90-day window"]
    return {
        "before": window["before_score"], "before_hl": spring["30-day half-life"]["before_score"],
        "low": window["low_score"], "low_day": window["low_day"], "drop": window["drop"],
        "swing": window["swing_before"], "year_low": year["low_score"], "year_drop": year["drop"],
        "ref_before": offline.loc["referrals", "before"], "ref_after": offline.loc["referrals", "after"],
        "ref_n_before": before.sum(), "ref_n_after": after.sum(), "ref_p": p_value,
        "ref_months": (len(before), len(after)),
        "clicks_before": offline.loc["clicks", "before"], "clicks_after": offline.loc["clicks", "after"],
        "viral_day": viral["day"], "viral_reactions": viral["reactions"], "viral_people": viral["distinct_engagers"],
        "median_daily_reactions": viral["median_daily_reactions"],
        "viral_ratio": viral["reactions"] / viral["median_daily_reactions"],
        "jump_w": rises["90-day window"][viral["day"]], "jump_h": rises["30-day half-life"][viral["day"]],
        "largest_rise_day_after": rises["30-day half-life"][BREAK_START:].idxmax(),
        "largest_rise_day": rises["30-day half-life"].idxmax(),
        "memory_full_day": world.events.loc[world.events["kind"] != "follow", "timestamp"].min() + pd.Timedelta(days=90),
    }


def experiment_numbers(sample, results, summary) -> dict:
    """The experiment's say() cells and the loss figure's title."""
    wd, hl = summary.loc["90-day window"], summary.loc["30-day half-life"]
    mine = results[results["user_id"] == BLOGGER].set_index(["variant", "idle_days"])
    gains = decay.gain_summary(results[results["user_id"] != BLOGGER], threshold=1.0)
    share = gains["share_above"].unstack("variant")
    values = {"n": len(sample), "kmax": int(wd.index.max()), "cliff": wd.loc[90, "median_loss"] - wd.loc[60, "median_loss"]}
    for prefix, table in (("w", wd), ("h", hl)):
        values |= {f"{prefix}{k}": table.loc[k, "median_loss"] for k in (7, 30, 60, 90)}
        values |= {f"{prefix}7_low": table.loc[7, "loss_low"], f"{prefix}7_high": table.loc[7, "loss_high"]}
        values |= {f"r{k}{prefix}": table.loc[k, "median_recovery_days"] for k in (14, 30)}
    values |= {"b30w": mine.loc[("90-day window", 30), "loss"], "b30h": mine.loc[("30-day half-life", 30), "loss"],
               "b30w_gain": mine.loc[("90-day window", 30), "max_gain"]}
    values |= {
        "gain30w": gains.loc[("90-day window", 30), "share_above"],
        "gain30h": gains.loc[("30-day half-life", 30), "share_above"],
        "gain30w_max": gains.loc[("90-day window", 30), "largest_gain"],
        "gain30h_max": gains.loc[("30-day half-life", 30), "largest_gain"],
        "gain_share_low": share.drop(index=0).min().min(), "gain_share_high": share.max().max(),
    }
    return values


def example_numbers(world) -> dict:
    """The blogger's month off (figure title and the say() cells after it): components on his largest-loss day."""
    models = {name: make_recipe("klout") for name in decay.VARIANTS}
    example = {name: decay.idle_pair(world, BLOGGER, start=BREAK_START, idle_days=30, calibration_day=SPLIT,
                                     end="2012-12-31", recipe=models[name], **memory)
               for name, memory in decay.VARIANTS.items()}
    gap = example["90-day window"][0].set_index("day")["score"] - example["90-day window"][1].set_index("day")["score"]
    normal, idle = (decay.dip_components(p, SPLIT, gap.idxmax(), model=models["90-day window"]).iloc[1]
                    for p in example["90-day window"])
    moved = idle / normal - 1
    after = gap.to_numpy()[None, 30:]
    return {
        "max_loss": gap.max(), "loss_day": gap.idxmax(), "max_gain": -gap.min(), "gain_day": gap.idxmin(),
        "reach": moved["distinct_engagers"], "network": moved["standing_weighted_reactions"],
        "amp": moved["reactions_per_item"],
        "recovery": decay.recovery_days(after)[0], "recovery_abs": decay.recovery_days(np.abs(after))[0],
    }


# ---------------------------------------------------------------- the blogger's story


def test_nb03_blogger_starts_in_the_low_sixties(spring_dips):
    # brief and data/README: "in the low 60s before mid-April" (pre-2012 curve, calibration on 15 April)
    for dip in spring_dips.values():
        assert 59.5 <= dip["before_score"] <= 64.5  # rounds to the low 60s (same bounds as test_case_scores)


def test_nb03_the_spring_dip_is_real_but_small(spring_dips, weighted_dips):
    # "This world's verdict on the blog post's dip: real (every recipe's dip exceeds the ... points the default score
    # moved in the four weeks before), a few points at the largest"; story: "a few points, more than the ... points"
    swing = spring_dips["90-day window"]["swing_before"]
    for drop in [d["drop"] for d in spring_dips.values()] + list(weighted_dips.values()):
        assert 0 < drop < 10
    assert min(weighted_dips.values()) > swing
    assert spring_dips["90-day window"]["drop"] > spring_dips["90-day window"]["swing_before"]
    assert decay.dip_words(max(weighted_dips.values())) == "a few points"


def test_nb03_without_amplification_the_dip_grows(weighted_dips):
    # figure title "Without amplification the spring dip grows from ... to ..." and "bigger"
    assert weighted_dips["amplification 0"] > weighted_dips["default"]


def test_nb03_reactions_per_post_fall_less_than_counts(story, story_models, spring_dips):
    # "his distinct engagers changed by -x%, standing-weighted reactions by -y%, while his reactions per published
    # item changed by -z%: the ratio fell less than either count, because he posts less ..."
    table = decay.dip_components(story["90-day window"], SPLIT, spring_dips["90-day window"]["low_day"],
                                 model=story_models["90-day window"])
    change = table.iloc[1] / table.iloc[0] - 1
    assert change["distinct_engagers"] < 0 and change["standing_weighted_reactions"] < 0
    assert max(change["distinct_engagers"], change["standing_weighted_reactions"]) < change["reactions_per_item"] < 0
    # "his percentile only moved from a to b"
    assert abs(table["percentile"].diff().iloc[1]) < 1


def test_nb03_he_posts_less_after_mid_april(world):
    # "he posts less"; figure: posts per week fall
    posts = world.events[(world.events["actor_id"] == BLOGGER) & (world.events["kind"] == "post")]
    before = (posts["timestamp"] < SPLIT).sum() / (SPLIT - pd.Timestamp("2012-01-01", tz="UTC")).days
    after = ((posts["timestamp"] > SPLIT) & (posts["timestamp"] <= SPRING)).sum() / 91
    assert after < before / 2


def test_nb03_clicks_fall_while_influence_is_a_capacity(world):
    # "his clicks (an online outcome ...) went from x to y" and the ASSUMPTION cell: offline reach does not
    # depend on availability unless offline_availability_coupling > 0; true influence is one number per user
    table = decay.monthly_outcomes(world.outcomes, BLOGGER, BREAK_START)
    assert table.loc["clicks", "after"] < table.loc["clicks", "before"]
    assert simulate.WorldConfig().outcomes.offline_availability_coupling == 0
    assert world.users.set_index("user_id").loc[BLOGGER, "true_influence"] > 0


# ---------------------------------------------------------------- the idle experiment


def test_nb03_idle_losses_grow_and_a_full_window_break_hits_the_floor(experiment):
    _, results, summary = experiment
    window = results[(results["variant"] == "90-day window") & (results["idle_days"] == 90)]
    # "after 90 idle days the window score falls to the floor of the scale"
    np.testing.assert_allclose(window["idle_score"], 1.0)
    # figure title: "A 90-day window loses little until the break empties it; decay loses steadily"
    assert decay.gradual_loss(summary, "90-day window")["largest_jump_share"] > 0.5
    assert decay.gradual_loss(summary, "90-day window")["steepest_step"] == (60, 90)
    assert decay.gradual_loss(summary, "30-day half-life")["largest_jump_share"] < 0.5
    assert summary.loc[("30-day half-life", 90), "median_loss"] < summary.loc[("90-day window", 90), "median_loss"]


def test_nb03_recovery_is_slow(experiment):
    # "Recovery is slow: after a month off the median user needs N days"; "Why does recovery take longer
    # than the break?"
    _, _, summary = experiment
    for variant in decay.VARIANTS:
        for k in (14, 30):
            assert summary.loc[(variant, k), "median_recovery_days"] > k


def test_nb03_blogger_loses_less_than_the_median_user(experiment):
    _, results, summary = experiment
    mine = results[results["user_id"] == BLOGGER].set_index(["variant", "idle_days"])["loss"]
    for variant in decay.VARIANTS:
        assert mine.loc[(variant, 30)] < summary.loc[(variant, 30), "median_loss"]


def test_nb03_the_blogger_does_not_rise_but_others_do(experiment):
    # "He does not rise more than a point above his unaltered path; others do." (a month off, 90-day window)
    sample, results, summary = experiment
    values = experiment_numbers(sample, results, summary)
    assert values["b30w_gain"] <= 1.0
    assert values["gain30w"] > 0 and values["gain30w_max"] > 1.0


def test_nb03_the_shared_break_does_not_matter(world, experiment):
    # "Taking the break together with the sample rather than alone changes ... : does not matter here"
    _, results, _ = experiment
    alone = decay.idle_experiment(world, [BLOGGER], start=BREAK_START, end="2012-12-31", idle_days=(30,))
    mine = results[results["user_id"] == BLOGGER].set_index(["variant", "idle_days"])
    alone = alone.set_index(["variant", "idle_days"])
    for column in ("loss", "max_loss"):
        assert (alone[column] - mine[column]).abs().dropna().max() < 0.1


def test_nb03_klout_guidance(experiment):
    # "a short break has no major effect with either memory (a break of up to N days costs under two points)"
    _, _, summary = experiment
    for variant in decay.VARIANTS:
        assert decay.short_break(summary, variant, threshold=2.0) >= 7
        assert decay.gradual_loss(summary, variant)["monotone"]


# ---------------------------------------------------------------- memory grid


def test_nb03_shorter_memories_dip_more_and_swing_more(world):
    # "shorter windows and shorter half-lives dip more than longer ones"; "short memories are also noisy"
    def path(**memory):
        return decay.score_paths(world, [BLOGGER], start="2012-01-01", end="2012-12-31", calibration_day=SPLIT,
                                 **memory).loc[BLOGGER]

    windows = {w: decay.path_dip(path(window_days=w), SPLIT, until=SPRING) for w in (14, 30, 90, 120)}
    lives = {h: decay.path_dip(path(half_life_days=h), SPLIT, until=SPRING) for h in (7, 14, 30, 90)}
    for dips in (windows, lives):
        drops = [d["drop"] for d in dips.values()]
        assert drops == sorted(drops, reverse=True)
    assert windows[14]["swing_before"] > windows[90]["swing_before"]


# ---------------------------------------------------------------- CollegeMsg


@pytest.fixture(scope="module")
def college_quiet(collegemsg):
    community = decay.community_scores(collegemsg)
    quiet = decay.quiet_spell_changes(collegemsg, community, idle_days=(7, 14, 30))
    return community, quiet


def test_nb03_collegemsg_fixed_window_cannot_fall_for_a_while(college_quiet):
    # "a student who goes quiet keeps every message already received, so for months their fixed-calibration
    # score cannot fall"; figure title "median fixed-window score changes by 0.0 points"
    _, quiet = college_quiet
    fixed = quiet[quiet["scoring"] == "90-day window, fixed"]
    for k in (7, 14):
        changes = fixed.loc[fixed["idle_days"] == k, "change"]
        assert (changes < 0).mean() < 0.05 and changes.median() == 0


def test_nb03_collegemsg_decay_and_refitting_show_the_drop(college_quiet):
    # "A half-life forgets a little every day, so quiet users drift down at once"; re-fitted: falling behind
    _, quiet = college_quiet
    medians = quiet.groupby(["idle_days", "scoring"])[["change", "excess"]].median()
    for k in (7, 14, 30):
        assert medians.loc[(k, "30-day half-life, fixed"), "change"] < 0
        assert medians.loc[(k, "90-day window, re-fitted"), "change"] < 0
    # "the quiet users fell behind by a median x points" (fixed window, 30 days)
    assert medians.loc[(30, "90-day window, fixed"), "excess"] < 0


def test_nb03_collegemsg_community_peaks_then_sinks_and_refitting_pins_the_mean(college_quiet):
    community, _ = college_quiet
    means = decay.engaged_means(community)
    # figure title: "Calibrated once (18 July), the active users' mean sinks from 20 to 12 by 26 October; re-fitted
    # daily, it stays at 20"; How to read this: "on the dotted day ... every line reads the curve's mean"
    fixed, refitted = means["90-day window, fixed"], means["90-day window, re-fitted"]
    day = community["90-day window, fixed"].attrs["calibration_day"]
    assert f"{fixed.max():.0f}" == "20" and f"{fixed.iloc[-1]:.0f}" == "12"
    assert means.index[-1] == pd.Timestamp("2004-10-26", tz="UTC")
    assert f"{refitted.mean():.0f}" == "20"
    for name in ("90-day window, fixed", "30-day half-life, fixed"):
        assert means.loc[day, name] == pytest.approx(20.0, abs=0.05), name
    # the mechanism the text names: re-fitting pins the mean of the users with engagement on every day, a fixed
    # calibration lets it move (here by more than 5 points)
    assert (refitted - 20.0).abs().max() < 0.5
    assert fixed.max() - fixed.iloc[-1] > 5
    # the users it averages are those above the floor of 1, counted per day
    wide = community["90-day window, fixed"]
    assert (means["90-day window, fixed users"] == (wide > 1).sum()).all()
    assert fixed.loc[day] == pytest.approx(wide[day][wide[day] > 1].mean())


# ---------------------------------------------------------------- every number the prose states, pinned
# The committed sample and the SNAP file are deterministic: these are the values the say() cells and figure titles
# print (tolerances well inside their rounding). If a parameter moves, update the number here AND reread the prose.



def test_nb03_story_numbers(world, story):
    values = story_numbers(world, story)
    expected = {"before": 61.233, "before_hl": 61.675, "low": 58.669, "drop": 2.565, "swing": 0.773,
                "year_low": 58.669, "year_drop": 2.565, "ref_before": 2.667, "ref_after": 1.75,
                "ref_n_before": 8.0, "ref_n_after": 14.0, "ref_p": 0.343,
                "clicks_before": 196.667, "clicks_after": 90.875, "median_daily_reactions": 2.0,
                "viral_ratio": 10.5, "jump_w": 1.532, "jump_h": 2.563}
    for name, value in expected.items():
        assert values[name] == pytest.approx(value, abs=0.005), name
    assert values["low_day"] == pd.Timestamp("2012-06-10", tz="UTC")
    # "a dip of 2.6 points, a few points, more than the 0.8 points it moved in the four weeks before"
    assert decay.dip_words(values["drop"]) == "a few points" and values["drop"] > values["swing"]
    # "the lowest point is 58.7 (2.6 points below 15 April), no lower than the spring's"
    assert values["year_low"] >= values["low"]
    # "referrals averaged 2.7 a month ... and 1.8 from May on (8 referrals in 3 months, 14 in 8): a difference chance
    # alone often gives (p = 0.34 ...; 0.05 the threshold)"; the clicks' fall is in
    # test_nb03_clicks_fall_while_influence_is_a_capacity
    assert values["ref_months"] == (3, 8) and values["ref_p"] >= 0.05
    # "His busiest post from mid-April to December came on 8 October: 21 reactions from 21 different people, 10.5
    # times his median day"
    assert values["viral_day"] == pd.Timestamp("2012-10-08", tz="UTC")
    assert values["viral_reactions"] == 21 and values["viral_people"] == 21
    # "the largest two-day rise of the half-life path from mid-April on (in 2012 as a whole, the largest came on
    # 10 January, while the memory was still filling)"
    assert values["largest_rise_day_after"] == values["viral_day"]
    assert values["largest_rise_day"] == pd.Timestamp("2012-01-10", tz="UTC")
    assert values["largest_rise_day"] < values["memory_full_day"]


def test_nb03_component_numbers(story, story_models, spring_dips):
    table = decay.dip_components(story["90-day window"], SPLIT, spring_dips["90-day window"]["low_day"],
                                 model=story_models["90-day window"])
    change = table.iloc[1] / table.iloc[0] - 1
    assert change["distinct_engagers"] == pytest.approx(-0.237, abs=0.003)
    assert change["standing_weighted_reactions"] == pytest.approx(-0.385, abs=0.003)
    assert change["reactions_per_item"] == pytest.approx(-0.063, abs=0.003)
    assert table["percentile"].tolist() == pytest.approx([98.429, 97.896], abs=0.005)


def test_nb03_weighting_numbers(weighted_dips):
    # "the spring dip is 2.6 points; with amplification weighted zero it is 5.5; network alone drops 7.5; the largest
    # dip of these recipes is 7.5 points"
    assert weighted_dips["default"] == pytest.approx(2.565, abs=0.005)
    assert weighted_dips["amplification 0"] == pytest.approx(5.535, abs=0.005)
    assert weighted_dips["network only"] == pytest.approx(7.537, abs=0.005)
    assert max(weighted_dips, key=weighted_dips.get) == "network only"


def test_nb03_experiment_numbers(experiment):
    values = experiment_numbers(*experiment)
    expected = {"n": 60, "kmax": 90, "cliff": 30.930,
                "w7": 0.367, "w7_low": 0.071, "w7_high": 0.602, "h7": 0.961, "h7_low": 0.445, "h7_high": 1.382,
                "w30": 2.310, "h30": 4.634, "w60": 7.884, "h60": 12.101, "w90": 38.814, "h90": 18.720,
                "r14w": 39.0, "r14h": 24.5, "r30w": 73.5, "r30h": 50.5, "b30w": 1.246, "b30h": 2.396,
                "b30w_gain": 0.0, "gain30w": 3 / 60, "gain30h": 2 / 60, "gain30w_max": 3.790, "gain30h_max": 3.471,
                "gain_share_low": 1 / 60, "gain_share_high": 9 / 60}
    for name, value in expected.items():
        assert values[name] == pytest.approx(value, abs=0.005), name


def test_nb03_the_blogger_month_off_does_not_overshoot(world):
    # figure title: "costs at most 1.4 points (90-day window); his idle path is never more than 0.02 points above the
    # normal one"; say(): "His loss peaks on 16 July at 1.4 points ... -18% distinct engagers and -28%
    # standing-weighted reactions ... and +7% reactions per item: ... which cushions the loss. His idle path rises at
    # most 0.02 points above the normal one, within the one-point tolerance; he needs 64 days ..., as a clock that
    # counted any gap, above or below, would say too"
    values = example_numbers(world)
    assert values["max_loss"] == pytest.approx(1.391, abs=0.005)
    assert values["loss_day"] == pd.Timestamp("2012-07-16", tz="UTC")
    assert values["max_gain"] == pytest.approx(0.018, abs=0.005) and values["max_gain"] <= 1.0
    assert values["reach"] == pytest.approx(-0.184, abs=0.003)
    assert values["network"] == pytest.approx(-0.284, abs=0.003)
    assert values["amp"] == pytest.approx(0.073, abs=0.003) and values["amp"] > 0
    assert values["recovery"] == 64 and values["recovery_abs"] == values["recovery"]


def test_nb03_the_shared_break_number(world, experiment):
    # "changes his loss, and his largest gap over the rest of the year, by at most 0.023 points"
    _, results, _ = experiment
    alone = decay.idle_experiment(world, [BLOGGER], start=BREAK_START, end="2012-12-31", idle_days=(30,))
    mine = results[results["user_id"] == BLOGGER].set_index(["variant", "idle_days"])[["loss", "max_loss"]]
    gap = (alone.set_index(["variant", "idle_days"])[["loss", "max_loss"]] - mine).abs().dropna().to_numpy().max()
    assert gap == pytest.approx(0.0225, abs=0.00005)


def test_nb03_guidance_numbers(experiment):
    # "with the 90-day window a break of up to 14 days costs under two points, with the 30-day half-life up to 7
    # days"; "80% of the loss ... from 60 to 90 days"; "(largest step 40%)"; "either memory (... up to 7 days ...)"
    _, _, summary = experiment
    assert decay.short_break(summary, "90-day window", threshold=2.0) == 14
    assert decay.short_break(summary, "30-day half-life", threshold=2.0) == 7
    assert decay.gradual_loss(summary, "90-day window")["largest_jump_share"] == pytest.approx(0.797, abs=0.005)
    assert decay.gradual_loss(summary, "30-day half-life")["largest_jump_share"] == pytest.approx(0.399, abs=0.005)
    assert decay.gradual_loss(summary, "30-day half-life")["steepest_step"] == (30, 60)


def test_nb03_memory_grid_numbers(world):
    # "The spring dip ranges from 1.4 points (120-day window, a few points) to 12.1 (14-day window, a collapse) ...
    # swung by 9.5 points, so its spring dip is 1.3 times an ordinary four weeks' swing: it can hardly tell ...";
    # the grid title names the same two memories
    def path(**memory):
        return decay.score_paths(world, [BLOGGER], start="2012-01-01", end="2012-12-31", calibration_day=SPLIT,
                                 **memory).loc[BLOGGER]

    grid = {f"{w}-day window": path(window_days=w) for w in (14, 30, 90, 120)}
    grid |= {f"{h}-day half-life": path(half_life_days=h) for h in (7, 14, 30, 90)}
    dips = pd.Series({label: decay.path_dip(p, SPLIT, until=SPRING)["drop"] for label, p in grid.items()})
    assert (dips.idxmin(), dips.idxmax()) == ("120-day window", "14-day window")
    assert dips.min() == pytest.approx(1.372, abs=0.005) and dips.max() == pytest.approx(12.085, abs=0.005)
    assert (decay.dip_words(dips.min()), decay.dip_words(dips.max())) == ("a few points", "a collapse")
    swing = decay.path_dip(grid["14-day window"], SPLIT)["swing_before"]
    assert swing == pytest.approx(9.502, abs=0.005)
    assert dips.max() / swing == pytest.approx(1.272, abs=0.005) and dips.max() / swing < 2


def test_nb03_collegemsg_numbers(college_quiet):
    community, quiet = college_quiet
    fixed = community["90-day window, fixed"]
    day = fixed.attrs["calibration_day"]
    # "On the calibration day (18 July 2004) 1,718 users had a message in their window"
    assert day == pd.Timestamp("2004-07-18", tz="UTC") and int((fixed[day] > 1).sum()) == 1718
    medians = quiet.groupby(["idle_days", "scoring"])[["change", "community_change", "excess"]].median()
    expected = {
        (30, "90-day window, fixed", "change"): 0.0, (30, "30-day half-life, fixed", "change"): -10.904,
        (30, "90-day window, re-fitted", "change"): -0.937, (30, "90-day window, fixed", "community_change"): 2.088,
        (30, "90-day window, fixed", "excess"): -1.802, (7, "90-day window, fixed", "change"): 0.0,
        (7, "30-day half-life, fixed", "change"): -2.310, (7, "90-day window, re-fitted", "change"): -0.264,
    }
    for (k, scoring, column), value in expected.items():
        assert medians.loc[(k, scoring), column] == pytest.approx(value, abs=0.005), (k, scoring, column)
