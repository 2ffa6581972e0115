"""Notebook 04 (scores versus outcomes): every claim its prose and figure titles make, recomputed.

Same package calls and parameters as the notebook (influence_lab.studies.validity, sweeps, hiring). Each test names
the sentence it guards and checks the claim the sentence makes (trails, adds nothing, never beats, none standing),
so a change of the world or the scores that turns a claim false fails here before the notebook says it.
"""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from influence_lab import make_recipe
from influence_lab.datasets.world import CASE_USERS, WorldConfig
from influence_lab.scoring.events import day_end
from influence_lab.studies import hiring, sweeps, validity

AS_OF, SEED = day_end("2012-04-15"), 0
RECIPES = ("klout", "kred", "robust")
MEASURES = [*RECIPES, *validity.BASELINES]
SMALL = WorldConfig(n_users=1500, n_fake_followers=500)
AXES = {"audience__attention_sigma": [0.3, 0.8, 1.5], "outcomes__click_attention_corr": [-1.0, 0.0, 1.0],
        "outcomes__online_share": [0.2, 0.5, 1.0]}
GRID = sweeps.grid_settings(AXES)
SEEDS = (1, 2, 3, 4)
OFFLINE = [-0.5, 0.0, 0.3, 0.6, 1.0]


@pytest.fixture(scope="module")
def scores(world):
    return pd.DataFrame({name: make_recipe(name).score(world, as_of=AS_OF)["score"] for name in RECIPES})


@pytest.fixture(scope="module")
def frame(world, scores):
    table = validity.outcome_table(world, AS_OF, scores, metric="conversions")
    table = table[table["reactions_received"] >= 1].copy()
    table["true_offline_reach"] = world.users.set_index("user_id").loc[table.index, "true_offline_reach"]
    return table


@pytest.fixture(scope="module")
def spearman(frame):
    table = validity.correlations(frame, "conversions", MEASURES, n_boot=1000, seed=SEED)
    return table[table["method"] == "spearman"].set_index("measure")


@pytest.fixture(scope="module")
def grid(real_data_env):  # real_data_env: a temporary cache for the session
    return sweeps.tracking_sweep(GRID, seeds=SEEDS, base=SMALL, targets=("true_influence", "conversions",
                                 "reactions_later"), measures=(*RECIPES, "followers", "reactions_received"), cache=True)


@pytest.fixture(scope="module")
def real(higgs, collegemsg):
    frames = {"Higgs": validity.predictive_frame(higgs, "2012-07-03", start="2012-07-05", kinds=("reshare",),
                                                 recipes=RECIPES),
              "CollegeMsg": validity.predictive_frame(collegemsg, "2004-06-30", recipes=RECIPES)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tables = {name: validity.correlations(f, "reactions_later", MEASURES, n_boot=1000, seed=SEED)
                  .query("method == 'spearman'").set_index("measure") for name, f in frames.items()}
    return frames, tables


# ------------------------------------------------------------------ section 1: validity at the defaults


def test_the_klout_score_trails_every_baseline_against_conversions(spearman):
    """Figure title: "... the Klout-style score (0.30) trails every baseline"; say: the best measure is a count."""
    baselines = spearman.loc[list(validity.BASELINES), "estimate"]
    assert spearman.loc["klout", "estimate"] < baselines.min()
    assert spearman.loc["klout", "high"] < baselines.max()  # clearly below the best count, not just by noise
    assert spearman["estimate"].idxmax() in validity.BASELINES
    assert 0.2 < spearman.loc["klout", "estimate"] < 0.4  # "0.30": a modest, positive correlation


def test_community_resampling_barely_widens_the_intervals(world, frame, spearman):
    """"... changes the intervals' widths by a factor of ... in this world the dependence barely widens them"."""
    groups = validity.communities(world, resolution=5, seed=SEED)
    assert groups.reindex(frame.index).nunique() >= validity.MIN_CLUSTERS
    clustered = validity.correlations(frame, "conversions", MEASURES, n_boot=1000, seed=SEED, clusters=groups)
    clustered = clustered[clustered["method"] == "spearman"].set_index("measure")
    ratio = (clustered["high"] - clustered["low"]) / (spearman["high"] - spearman["low"])
    assert ratio.max() < 1.5 and ratio.median() == pytest.approx(1.0, abs=0.2)


def test_the_score_adds_nothing_measurable_over_the_three_counts(frame):
    """"... a gain of 0.003 ... For a client the score adds nothing measurable to what the three counts say"."""
    row = validity.incremental_validity(frame, "conversions", "klout", n_boot=1000, seed=SEED).set_index(
        "baselines").loc["all baselines"]
    assert row["delta_r2"] < 0.01 and row["delta_low"] <= 0.001
    assert row["partial_r"] < 0.1


def test_the_negative_binomial_finds_no_clear_klout_effect_given_the_counts(frame):
    """"... goes with no clearly different conversions ... The counts are overdispersed"."""
    table = validity.count_model(frame, "conversions", ["klout", *validity.BASELINES], family="negbin").set_index("term")
    assert table.loc["log1p(klout)", "low"] < 0 < table.loc["log1p(klout)", "high"]
    assert table.loc["alpha", "low"] > 1  # far from Poisson


# ------------------------------------------------------------------ section 2: the map


def test_the_map_has_both_winners_and_followers_win_only_where_clicks_run_against_reactions(grid):
    """Figure title: "the score beats followers in 9 of 27 settings, followers win in 3: the verdict is an
    assumption"; say: the score's wins are at click_attention_corr >= 0, followers' at sigma 1.5 with -1."""
    table = sweeps.map_verdicts(grid, GRID, AXES, "klout", "followers", target="conversions")
    wins, losses = table[table["winner"] == "klout"], table[table["winner"] == "followers"]
    assert len(wins) >= 3 and len(losses) >= 1  # either side wins somewhere inside the ledger's ranges
    assert (losses["outcomes__click_attention_corr"] == -1.0).all()
    assert (losses["audience__attention_sigma"] == 1.5).all()
    assert (wins["outcomes__click_attention_corr"] >= 0).sum() >= len(wins) - 1


def test_over_all_accounts_followers_win_almost_everywhere(grid):
    """"Over all real accounts, followers win in 26 of the 27 cells." (the floor ties most accounts)"""
    table = sweeps.map_verdicts(grid, GRID, AXES, "klout", "followers", population="all", target="conversions")
    assert (table["winner"] == "followers").sum() >= len(table) - 3


def test_the_score_never_beats_a_plain_count_of_reactions(grid):
    """Figure title: "The score never beats a plain count of reactions: the count wins in 11 of 27 settings"."""
    table = sweeps.map_verdicts(grid, GRID, AXES, "klout", "reactions_received", target="conversions")
    assert (table["winner"] == "klout").sum() == 0
    assert (table["winner"] == "reactions_received").sum() >= 5


def test_the_full_size_middle_cell_lies_in_the_half_size_seed_range(grid, real_data_env):
    """"At full size the middle cell's gap ... the half-size world agrees"."""
    middle = {"audience__attention_sigma": 0.8, "outcomes__click_attention_corr": 0.0, "outcomes__online_share": 0.5}
    full = sweeps.tracking_sweep({"full size": middle}, seeds=SEEDS, targets=("conversions",),
                                 measures=("klout", "followers"), cache=True)
    full_cell = sweeps.verdicts(full, "klout", "followers", target="conversions").loc[("active", "full size")]
    small = sweeps.map_verdicts(grid, GRID, AXES, "klout", "followers", target="conversions").set_index(list(AXES))
    cell = small.loc[tuple(middle.values())]
    assert cell["low"] <= full_cell["mean_gap"] <= cell["high"]
    assert full_cell["winner"] != "followers"  # the half-size '=' is conservative, not the other side


def test_solution_6_few_cells_change_between_truth_and_conversions(grid):
    """Answer 6: "Few cells change ... The cells that change sit near zero gap"."""
    on_truth = sweeps.map_verdicts(grid, GRID, AXES, "klout", "followers", target="true_influence").set_index(list(AXES))
    on_conv = sweeps.map_verdicts(grid, GRID, AXES, "klout", "followers", target="conversions").set_index(list(AXES))
    changed = on_truth["winner"] != on_conv["winner"]
    assert changed.sum() <= 5
    assert (on_conv.loc[changed, "mean_gap"].abs() < 0.1).all()


# ------------------------------------------------------------------ section 3: offline influence


def test_leaving_offline_reach_out_inflates_the_score_s_slope(frame):
    """"Left out, offline reach inflates the score's slope from 0.29 to 0.41 ... most of what explains conversions
    is what the score cannot see"."""
    bias = validity.omitted_variable_bias(frame, "conversions", "klout", "true_offline_reach")
    assert bias["short_low"] > bias["long"]  # the short slope is clearly above the long one
    assert 0.1 < bias["bias"] / bias["short"] < 0.6
    assert bias["r2_long"] > 2 * bias["r2_short"] and bias["r2_long"] > 0.5


def test_the_speaker_converts_far_above_her_score(frame):
    """The speaker's case: her conversions and offline reach sit well above her score's percentile."""
    standing = validity.percentile_standing(frame, CASE_USERS["speaker"], ["klout", "followers", "conversions",
                                                                          "true_offline_reach"])
    assert standing["conversions"] > standing["klout"] + 10 and standing["true_offline_reach"] > 95


def test_the_bias_grows_with_offline_online_correlation():
    """Figure title: "The more offline reach follows online popularity, the more of the score's slope is borrowed";
    say: negative or near zero at -0.5, clearly positive at 1."""
    table = sweeps.omitted_bias_sweep(OFFLINE, seeds=(1, 2, 3), base=SMALL)
    mean = table.groupby("offline_online_corr")["bias"].mean()
    assert mean.loc[1.0] > mean.loc[-0.5] + 0.1
    assert mean.loc[-0.5] < 0.03 < mean.loc[0.3]


# ------------------------------------------------------------------ section 4: real data


def test_no_recipe_adds_more_than_a_sliver_over_counting_on_real_data(real):
    """"Only robust score on Higgs beats the count, by at most 0.015: a sliver, not a different picture"."""
    frames, tables = real
    for name, f in frames.items():
        best = tables[name].loc[list(validity.BASELINES), "estimate"].idxmax()
        gaps = validity.paired_gaps(f, "reactions_later", list(RECIPES), best, n_boot=1000, seed=SEED)
        assert (gaps["gap"] < 0.05).all(), name
        if name == "CollegeMsg":
            assert (gaps["high"] < 0).all()  # every recipe below items published there


def test_followers_are_missing_in_both_real_datasets(real):
    """"Followers are missing for both real datasets here": the baseline is NaN, not zero."""
    _, tables = real
    for name, table in tables.items():
        assert pd.isna(table.loc["followers", "estimate"]) and table.loc["followers", "n"] == 0, name


def test_no_cell_of_the_world_is_as_unpredictable_as_real_users(grid, real):
    """Figure title: "No cell of the world is as unpredictable as real users: the real data leave none standing"."""
    _, tables = real
    world_values = sweeps.reproducing_cells(grid, GRID, AXES, 0, 0)["mean"]
    for name, table in tables.items():
        low, high = table.loc["reactions_received", ["low", "high"]]
        cells = sweeps.reproducing_cells(grid, GRID, AXES, low, high)
        assert not cells["reproduces"].any(), name
        assert world_values.min() > high + 0.1, name  # the world is clearly more persistent


# ------------------------------------------------------------------ section 5: the hiring decision


def test_a_33_point_gap_is_right_about_two_times_in_three(world, frame, scores):
    """Figure title: "What a 33-point gap tells you: the higher score is the more influential person 69% of the
    time"; say: "about one such decision in 3 points the wrong way"."""
    truth = world.users.set_index("user_id")["true_influence"]
    pairs = hiring.pair_concordance(scores.loc[frame.index, "klout"], truth.loc[frame.index],
                                    bins=(0, 5, 10, 20, 30, 40, 60, 100), seed=SEED)
    at_33 = pairs[(pairs["gap_low"] <= 33) & (pairs["gap_high"] > 33)].iloc[0]
    assert 0.6 < at_33["concordance"] < 0.75
    assert round(1 / (1 - at_33["concordance"])) == 3
    assert pairs["concordance"].is_monotonic_increasing  # larger gaps mislead less


def test_a_35_cutoff_rejects_most_candidates_and_many_of_the_best(world, frame):
    """"... rejects 84% of these candidates and 36% of the truly most influential tenth ... retest agreement is
    only 0.46"; answer 7: the robust score's gaps are less trustworthy at every gap."""
    truth = world.users.set_index("user_id")["true_influence"]
    screen = hiring.screen_by_recipe(world, truth, ["klout", "robust", "network"], as_of=AS_OF,
                                     previous="2012-01-15", users=frame.index, cutoff=35, seed=SEED).set_index("recipe")
    k = screen.loc["klout"]
    assert k["rejected_share"] > 0.75 and 0.2 < k["missed_top_decile"] < 0.6
    assert k["retest_high"] < 0.6  # a noisy measurement of a person
    assert screen.loc["robust", "concordance"] < k["concordance"]


def test_solution_5_counts_gain_more_from_clicks_than_the_score(world, scores, spearman):
    """Answer 5: the counts rank much better against clicks, the Klout-style score only a little better, and it
    still trails every count."""
    clicks = validity.outcome_table(world, AS_OF, scores, metric="clicks")
    clicks = clicks[clicks["reactions_received"] >= 1]
    on_clicks = validity.correlations(clicks, "clicks", MEASURES, n_boot=200, seed=SEED).query(
        "method == 'spearman'").set_index("measure")["estimate"]
    gain = on_clicks - spearman["estimate"]
    assert gain["klout"] > 0 and (gain[list(validity.BASELINES)] > gain["klout"]).all()
    assert on_clicks["klout"] < on_clicks[list(validity.BASELINES)].min()


def test_every_recipe_tally_and_kred_is_the_only_one_to_beat_the_count_anywhere(real_data_env):
    """The tally of every recipe against both baselines: Klout-style and robust never beat the count of reactions;
    each recipe both wins and loses against followers somewhere (both sides win inside the ledger's ranges)."""
    grid = sweeps.tracking_sweep(GRID, seeds=SEEDS, base=SMALL, targets=("true_influence", "conversions",
                                 "reactions_later"), measures=(*RECIPES, "followers", "reactions_received"), cache=True)
    tally = sweeps.verdict_tally(grid, GRID, RECIPES, ("followers", "reactions_received"), target="conversions")
    tally = tally.set_index(["measure", "baseline"])
    assert (tally["wins"] + tally["losses"] + tally["ties"] == tally["cells"]).all()
    for recipe in RECIPES:
        assert tally.loc[(recipe, "followers"), "wins"] > 0 and tally.loc[(recipe, "followers"), "losses"] > 0
    assert tally.loc[("klout", "reactions_received"), "wins"] == 0
    assert tally.loc[("robust", "reactions_received"), "wins"] == 0
    # the klout rows are the map of the figures (same sweep cells, the extra measures change nothing)
    direct = sweeps.map_verdicts(grid, GRID, AXES, "klout", "followers", target="conversions")
    assert tally.loc[("klout", "followers"), "wins"] == (direct["winner"] == "klout").sum()


def test_followers_catch_up_only_where_offline_reach_follows_fame_and_persuasion_is_partly_offline(real_data_env):
    """Offline map: "At default attention the score beats followers in 8 of 9 offline settings"; the exceptions have
    offline_online_corr = 1 and online_share below 1."""
    axes = {"outcomes__offline_online_corr": [-0.5, 0.3, 1.0], "outcomes__online_share": [0.2, 0.5, 1.0]}
    settings = sweeps.grid_settings(axes)
    sweep = sweeps.tracking_sweep(settings, seeds=SEEDS, base=SMALL, targets=("conversions",),
                                  measures=("klout", "followers"), cache=True)
    table = sweeps.map_verdicts(sweep, settings, axes, "klout", "followers", target="conversions")
    others = table[table["winner"] != "klout"]
    assert (table["winner"] == "klout").sum() >= 6
    assert (others["outcomes__offline_online_corr"] == 1.0).all() and (others["outcomes__online_share"] < 1.0).all()
    assert (table["winner"] != "followers").all()
