"""Notebook 01 (building a score): every claim its prose makes, recomputed with the same package calls.

Each test names the sentence it guards. Seeds and bootstrap sizes are the
notebook's, so intervals are the ones the reader sees. Every number a say()
sentence states is pinned with ``pytest.approx`` to the precision it is
printed with (half a unit of the last digit shown), against the committed,
deterministic sample and the real SNAP Higgs file: a change in the data or
the package that moves a printed number fails here, and the prose must follow.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from influence_lab.studies import compare
from influence_lab.studies import stats as lab_stats

from influence_lab.scoring import features, recipes
from influence_lab.scoring.calibration import CURVES
from influence_lab.scoring.events import day_end

from influence_lab.datasets import world as simulate

AS_OF = day_end("2012-04-15")
SEED = 2012
BLOGGER = simulate.CASE_USERS["blogger"]
CAND_34, CAND_67 = simulate.CASE_USERS["candidate_34"], simulate.CASE_USERS["candidate_67"]
RECIPES = list(recipes.RECIPES)
TRACKED = RECIPES + ["followers", "unique_engagers"]


def shown(value: float, decimals: int = 2):
    """pytest.approx of a number printed with ``decimals`` decimals (percentages: as fractions, decimals + 2)."""
    return pytest.approx(value, abs=0.5 * 10**-decimals + 1e-12)


@pytest.fixture(scope="module")
def window(world):
    return features.user_features(world, as_of=AS_OF)


@pytest.fixture(scope="module")
def all_real(world):
    return pd.Index(world.users.loc[world.users["persona"] != "fake_follower", "user_id"])


@pytest.fixture(scope="module")
def real(window, all_real):
    return window.index.intersection(all_real)  # the real accounts that existed by 15 April


@pytest.fixture(scope="module")
def models():
    return compare.make_recipes()


@pytest.fixture(scope="module")
def table(world, models):
    return compare.score_all_recipes(world, AS_OF, recipes=models)


@pytest.fixture(scope="module")
def synthetic(table, real):
    return table.loc[real]


@pytest.fixture(scope="module")
def engaged(synthetic):
    return synthetic.index[synthetic["reactions_received"] > 0]


@pytest.fixture(scope="module")
def truth(world):
    return world.users.set_index("user_id")["true_influence"]


@pytest.fixture(scope="module")
def higgs_models():
    return compare.make_recipes()


@pytest.fixture(scope="module")
def higgs_table(higgs, higgs_models):
    return compare.score_all_recipes(higgs, recipes=higgs_models)


# ----------------------------------------------------------------- 1. the features


def test_blogger_profile_sentence(window, real, all_real, engaged):
    # "the blogger published 318 items and received 563 reactions from 215 distinct people; the median engaged
    # account received 2 from 2. He sits at the 99th percentile ... among the 1,623 engaged real accounts (57% of
    # the 2,836 real accounts that existed by then ...; 164 real accounts were created later and are not scored)"
    profile = compare.feature_profile(window, BLOGGER, engaged)
    assert profile.loc["published_items", "value"] == 318
    assert profile.loc["reactions_received", "value"] == 563
    assert profile.loc["unique_engagers", "value"] == 215
    assert int(profile.loc["reactions_received", "population_median"]) == 2
    assert int(profile.loc["unique_engagers", "population_median"]) == 2
    assert profile.loc["reactions_received", "percentile"] == shown(99, 0)
    assert len(engaged) == 1623 and len(real) == 2836 and len(all_real) - len(real) == 164
    assert len(engaged) / len(real) == shown(0.57, 2)


def test_accounts_created_after_as_of_are_not_scored(world, window, real):
    created = world.users.set_index("user_id")["created_at"]
    assert (created.reindex(window.index) <= AS_OF).all()  # every row existed by 15 April
    assert (created.drop(window.index) > AS_OF).all()  # every account left out was created later


# ----------------------------------------------------------------- 2. five recipes


def test_klout_mean_on_engaged_is_the_curve_target(synthetic, engaged):
    # "the Klout-style mean is 20.0, as the pre-2012 curve demands"
    assert synthetic.loc[engaged, "klout"].mean() == shown(20.0, 1)


def test_silent_accounts_sit_at_the_floor_except_kred(synthetic, engaged, real, models):
    # "Of the 1,213 real accounts with no reaction in the window, 100% sit at the Klout-style floor, 100% at Robust's,
    # 100% at SNP's and 100% at Network's; Kred-style also pays for follows received, so only 31% ..."
    silent = real.difference(engaged)
    assert len(silent) == 1213
    at_floor = (synthetic.loc[silent, RECIPES] == synthetic[RECIPES].min()).mean()
    assert (at_floor[["klout", "snp", "network", "robust"]] == 1.0).all()
    assert at_floor["kred"] == shown(0.31, 2)
    assert at_floor["kred"] < 0.5  # "only": a minority


# ----------------------------------------------------------------- 3. the blogger's score


@pytest.fixture(scope="module")
def breakdown(window, table, models):
    return compare.explain_klout(window, models["klout"], BLOGGER)


def test_blogger_points_add_up_and_reach_gives_most(breakdown, table, synthetic, engaged):
    # "1 (floor) + 28.3 (reach) + 14.6 (amplification) + 17.3 (network) = 61.2, the score score_dataset gives him
    # (61.2). His reach component is 3.7 times the population's mean, ... a score above 98% of engaged accounts."
    points = breakdown["points"]
    assert points.sum() == pytest.approx(table.loc[BLOGGER, "klout"], abs=1e-9)  # "the points add up"
    assert points.drop("baseline").idxmax() == "reach"  # figure title
    assert points["baseline"] == 1.0
    assert points[["reach", "amplification", "network"]].to_numpy() == pytest.approx([28.3, 14.6, 17.3], abs=0.05)
    assert points.sum() == shown(61.2, 1) and table.loc[BLOGGER, "klout"] == shown(61.2, 1)
    reach = breakdown.loc["reach"]
    assert reach["component_value"] / reach["population_mean"] == shown(3.7, 1)
    assert (synthetic.loc[engaged, "klout"] < table.loc[BLOGGER, "klout"]).mean() == shown(0.98, 2)


def test_amplification_worked_out(window, breakdown):
    # "445.0 weighted reactions / 318 items published = 1.40 per item; log(1 + 1.40) = 0.88, which is 2.5 times the
    # population's mean of 0.35 and, at weight 0.3, earns 14.6 points"
    row = window.loc[BLOGGER]
    amplification = breakdown.loc["amplification"]
    per_item = row["weighted_reactions"] / max(row["published_items"], 1)
    assert row["weighted_reactions"] == shown(445.0, 1) and row["published_items"] == 318
    assert per_item == shown(1.40, 2)
    assert amplification["component_value"] == pytest.approx(np.log1p(per_item))
    assert amplification["component_value"] == shown(0.88, 2)
    assert amplification["population_mean"] == shown(0.35, 2)
    assert amplification["component_value"] / amplification["population_mean"] == shown(2.5, 1)
    assert amplification["weight"] == 0.3 and amplification["points"] == shown(14.6, 1)
    assert amplification["reads"] == "weighted_reactions, published_items"  # the table shows both features


# ----------------------------------------------------------------- 4. two curves


@pytest.fixture(scope="module")
def curves(world, real):
    return compare.score_on_curves(world, AS_OF).loc[real]


@pytest.fixture(scope="module")
def typical(curves):
    on_curve = curves[curves["engaged"]]
    return (on_curve["pre2012"] - on_curve["pre2012"].mean()).abs().idxmin()


def test_curves_same_ranking_means_20_and_40(curves):
    on_curve = curves[curves["engaged"]]
    assert on_curve["pre2012"].mean() == pytest.approx(20, abs=0.05)  # title "mean 20 becomes 40"
    assert on_curve["2012"].mean() == pytest.approx(40, abs=0.05)
    # "The ranking cannot change"
    assert stats.spearmanr(on_curve["pre2012"], on_curve["2012"]).statistic == pytest.approx(1.0)


def test_section_4_sentence(curves, typical):
    # "The engaged account closest to the old average (u01561) scores 20 on the pre-2012 curve and 43 on the 2012
    # curve. The blogger goes from 61 to 70; the first candidate goes from 33.4 to 52.5 and now clears the job
    # advert's 35 ... The lounge's 40 admitted 11% of engaged accounts on the old curve and 48% on the new one."
    assert typical == "u01561"
    assert curves.loc[typical, ["pre2012", "2012"]].to_numpy() == pytest.approx([20, 43], abs=0.5)
    assert curves.loc[BLOGGER, ["pre2012", "2012"]].to_numpy() == pytest.approx([61, 70], abs=0.5)
    assert curves.loc[CAND_34, ["pre2012", "2012"]].to_numpy() == pytest.approx([33.4, 52.5], abs=0.05)
    assert curves.loc[CAND_34, "pre2012"] < 35 <= curves.loc[CAND_34, "2012"]  # "now clears"
    lounge = (curves.loc[curves["engaged"], ["pre2012", "2012"]] >= 40).mean()
    assert lounge.to_numpy() == pytest.approx([0.11, 0.48], abs=0.005)
    assert lounge["2012"] > 2 * lounge["pre2012"]


def test_typical_account_is_a_20_something_then_a_40_something(curves, typical):
    assert 20 <= round(curves.loc[typical, "pre2012"]) < 30
    assert 40 <= round(curves.loc[typical, "2012"]) < 50


# ----------------------------------------------------------------- 5. agreement


def test_higgs_has_no_followers_and_snp_uses_proxies(higgs_table, higgs_models):
    # "Higgs: 304,691 users appear in the week and 59,075 of them received a reaction. Follower counts are known
    # for 0 of them"
    assert len(higgs_table) == 304_691
    assert int((higgs_table["reactions_received"] > 0).sum()) == 59_075
    assert higgs_table["followers"].notna().sum() == 0
    basis = higgs_models["snp"].basis_
    assert basis["followers"].startswith("audience_proxy") and "proxy" in basis["posts"]
    engaged = higgs_table[higgs_table["reactions_received"] > 0]
    rho = compare.spearman_matrix(engaged, ["klout", "followers"])
    assert np.isnan(rho.loc["klout", "followers"])  # "every correlation with followers is undefined there"


def test_no_two_recipes_rank_alike(synthetic, engaged, higgs_table):
    # suptitle "No two recipes rank alike" (synthetic and Higgs)
    for frame in (synthetic.loc[engaged], higgs_table[higgs_table["reactions_received"] > 0]):
        rho = compare.spearman_matrix(frame, RECIPES)
        off = rho.where(~np.eye(len(RECIPES), dtype=bool)).stack()
        assert off.max() < 0.95


def test_agreement_figure_names_its_weakest_recipe_pair(synthetic, engaged, higgs_table):
    # suptitle "pairs range from 0.28 to 0.93 (synthetic) and 0.22 to 0.82 (Higgs)"; panel subtitles "weakest pair:
    # SNP / Kred-style (0.28)" and "Network (PageRank) / SNP (0.22)". The subtitle's pair is a pair of recipes, one
    # of the pairs the title's range covers (the old 8x8 figure named a pair outside it).
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from influence_lab.course import plotting

    expected = {"synthetic": (0.28, 0.93, ("snp", "kred")), "Higgs": (0.22, 0.82, ("network", "snp"))}
    frames = {"synthetic": synthetic.loc[engaged], "Higgs": higgs_table[higgs_table["reactions_received"] > 0]}
    matrices = {}
    for name, frame in frames.items():
        rho = compare.spearman_matrix(frame, RECIPES)
        pairs = rho.where(np.tril(np.ones(rho.shape, dtype=bool), -1)).stack()
        lo, hi, weakest = expected[name]
        assert (pairs.min(), pairs.max()) == (shown(lo), shown(hi)), name
        assert pairs.idxmin() == weakest, name
        matrices[name] = rho
    fig = plotting.plot_rank_agreement(matrices, title="t", labels={c: compare.label(c) for c in RECIPES})
    titles = [ax.get_title() for ax in fig.axes if ax.get_title()]
    assert titles == ["synthetic\nweakest pair: SNP / Kred-style (0.28)",
                      "Higgs\nweakest pair: Network (PageRank) / SNP (0.22)"]
    assert plotting.small_text(fig) == []
    plt.close(fig)


def test_cha_pairs(synthetic, engaged, higgs_table):
    # "followers-retweets 0.50 (synthetic), followers-mentions 0.64 (synthetic), retweets-mentions 0.36 (synthetic)
    # and -0.21 (Higgs), against the unchecked 0.55, 0.29 and 0.64"
    cha = ["followers", "reshares_received", "mentions_received"]
    world = compare.spearman_matrix(synthetic.loc[engaged], cha)
    higgs = compare.spearman_matrix(higgs_table[higgs_table["reactions_received"] > 0], cha)
    assert world.loc[cha[0], cha[1]] == shown(0.50)
    assert world.loc[cha[0], cha[2]] == shown(0.64)
    assert world.loc[cha[1], cha[2]] == shown(0.36)
    assert higgs.loc[cha[1], cha[2]] == shown(-0.21)


def test_top_100_lists(synthetic, higgs_table, real):
    # "Followers, retweets and mentions give 163 distinct accounts ... our world has 2,836 accounts ... On Higgs ...
    # only two lists can be drawn and they hold 156. The five recipes' top-100 lists hold 213 distinct synthetic
    # accounts; the Klout-style and Kred-style lists share 69 of their 100."
    cha = ["followers", "reshares_received", "mentions_received"]
    assert compare.distinct_in_top_k(synthetic, 100, cha) == 163
    assert compare.distinct_in_top_k(higgs_table, 100, cha) == 156
    assert compare.distinct_in_top_k(synthetic, 100, RECIPES) == 213  # takeaway: "many more accounts than one list"
    assert int(compare.top_k_overlap(synthetic, 100, RECIPES).loc["klout", "kred"]) == 69
    assert len(real) == 2836
    overlap = compare.top_k_overlap(higgs_table, 100, cha)
    assert overlap.attrs["skipped"] == ["followers"]


# ----------------------------------------------------------------- 6. Klout vs Kred


def test_klout_kred_r_and_39_account_samples(synthetic, engaged):
    # "r = 0.74 (95% bootstrap interval 0.71 to 0.78, 1,623 engaged accounts, seed 2012), below the 0.846 reported
    # ... With only 39 accounts, 95% of samples land between 0.41 and 0.89"
    pair = synthetic.loc[engaged, ["klout", "kred"]]
    full = lab_stats.bootstrap_correlation(pair["klout"], pair["kred"], method="pearson", n_boot=2000, seed=SEED)
    small = lab_stats.bootstrap_correlation(pair["klout"], pair["kred"], method="pearson", n_boot=2000, seed=SEED,
                                          sample_size=39)
    assert (full.estimate, full.low, full.high) == (shown(0.74), shown(0.71), shown(0.78))
    assert full.n == 1623
    assert (small.low, small.high) == (shown(0.41), shown(0.89))
    assert full.high < 0.846  # "below the 0.846 reported"
    # "a single 39-account study cannot tell two such values apart": both inside the 39-sample range
    assert small.low < full.estimate < small.high and small.low < 0.846 < small.high


# ----------------------------------------------------------------- 7. tracking


@pytest.fixture(scope="module")
def sweep(world, synthetic, truth):
    truths = compare.truth_under_online_share(world, [0.2, 0.8])
    truths[simulate.WorldConfig().outcomes.online_share] = truth
    truths = truths[sorted(truths.columns)].rename_axis(columns="online_share")
    return compare.tracking_by_truth(synthetic, truths, columns=TRACKED, n_boot=1000, seed=SEED)


def test_followers_track_truth_best_with_separate_intervals(synthetic, truth):
    # "Over the 2,836 real accounts the Klout-style score tracks true influence at rho = 0.41 (0.37 to 0.44); the
    # plain follower count reaches 0.56 (0.53 to 0.58), and the intervals do not overlap."
    tracking = compare.tracking_table(synthetic, truth, columns=TRACKED, n_boot=1000, seed=SEED)
    assert tracking.loc["klout", "n"] == 2836
    assert tuple(tracking.loc["klout", ["spearman", "low", "high"]]) == (shown(0.41), shown(0.37), shown(0.44))
    assert tuple(tracking.loc["followers", ["spearman", "low", "high"]]) == (shown(0.56), shown(0.53), shown(0.58))
    # takeaway: "the plain follower count tracks true influence better than any recipe"
    assert (tracking.loc["followers", "spearman"] > tracking.loc[RECIPES, "spearman"]).all()
    assert tracking.loc["followers", "low"] > tracking.loc["klout", "high"]  # "the intervals do not overlap"


def test_every_score_tracks_better_when_influence_flows_online(sweep):
    # "From online_share 0.2 to 0.8 every score tracks better: Klout-style from 0.37 to 0.46, Robust from 0.32 to
    # 0.41. The best tracker changes from Kred-style to followers."
    wide = sweep.pivot(index="online_share", columns="score", values="spearman")
    assert list(wide.index) == [0.2, 0.5, 0.8]
    assert (wide.iloc[-1] > wide.iloc[0]).all()  # "every score tracks better"
    assert (wide.loc[0.2, "klout"], wide.loc[0.8, "klout"]) == (shown(0.37), shown(0.46))
    assert (wide.loc[0.2, "robust"], wide.loc[0.8, "robust"]) == (shown(0.32), shown(0.41))
    leaders = wide.idxmax(axis=1)
    assert (leaders.iloc[0], leaders.iloc[-1]) == ("kred", "followers")  # "changes from Kred-style to followers"
    klout = sweep[sweep["score"] == "klout"].set_index("online_share")
    assert klout.loc[0.2, "high"] < klout.loc[0.8, "low"]  # the change is beyond the bootstrap noise


# ----------------------------------------------------------------- 8. weights


@pytest.fixture(scope="module")
def klout_features(world):
    return features.user_features(world, as_of=AS_OF, columns=recipes.KloutStyle.required_features)


def test_weight_grid_claims(klout_features, real, truth):
    # "Over the grid the blogger scores from 44 to 68 and tracking of true influence runs from 0.26 to 0.52. The gap
    # between the candidates runs from 27 to 54 points: the one who was a 67 stays ahead under every setting."
    grid = compare.weight_grid(klout_features, compare.simplex_weights(0.25), users=[BLOGGER, CAND_34, CAND_67],
                               truth=truth, population=real)
    gap = grid[CAND_67] - grid[CAND_34]
    assert (grid[BLOGGER].min(), grid[BLOGGER].max()) == (shown(44, 0), shown(68, 0))
    assert (grid["spearman_truth"].min(), grid["spearman_truth"].max()) == (shown(0.26), shown(0.52))
    assert (gap.min(), gap.max()) == (shown(27, 0), shown(54, 0))
    assert (gap > 0).all()  # "the one who was a 67 stays ahead under every setting"
    best = grid.loc[grid["spearman_truth"].idxmax()]
    assert best["reach_weight"] == 1.0  # title "tracking is best with reach weight 1.00"


def test_candidates_are_picked_by_engagement_and_compared_on_truth(real, truth):
    # "the world picks the two candidates as the accounts nearest percentiles 93 and 99.7 of engagement received ...
    # the one who was a 67 sits at percentile 100.0 of the real accounts and the one who was a 34 at percentile 92.3:
    # the higher score also points to the more influential person here"
    assert simulate.WorldConfig().cases.candidate_percentiles == (93.0, 99.7)
    truth_pct = truth.loc[real].rank(pct=True) * 100
    assert truth_pct[CAND_67] == shown(100.0, 1)
    assert truth_pct[CAND_34] == shown(92.3, 1)
    assert truth[CAND_67] > truth[CAND_34]


# ----------------------------------------------------------------- what this notebook assumes


def test_curve_claims_hold_for_every_assumed_95th_percentile(world, table, klout_features, curves, typical, models):
    # "We set the 2012 curve's 95th percentile at 63. Refitted with every 95th percentile from 41 to 99 (steps of
    # 1), the claims of section 4 hold at 59 of 59 settings: all of them. Kred-style: 20 points ... and 1 per like
    # are ours; Klout-style weights 0.4, 0.3 and 0.3 likewise."
    curve_2012 = CURVES["2012"]
    assert curve_2012 == {"mean": 40.0, "p95": 63.0}
    raw = models["klout"].transform(klout_features)["raw"]
    sweep = compare.curve_sweep(raw, np.arange(41.0, 99.01, 1.0), mean=curve_2012["mean"])
    on_curve = curves[curves["engaged"]]
    lounge_old = (on_curve["pre2012"] >= 40).mean()
    typical_new = sweep.loc[typical].round()
    holds = (
        (sweep.loc[CAND_34] >= 35)
        & ((sweep.loc[on_curve.index] >= 40).mean() > 2 * lounge_old)
        & (typical_new >= 40)
        & (typical_new < 50)
    )
    assert len(holds) == 59 and holds.all()
    # the sweep's 63 column is the notebook's 2012 curve
    np.testing.assert_allclose(sweep.loc[curves.index, 63.0], curves["2012"], atol=1e-9)
    kred = recipes.KredStyle()
    assert (kred.big_actor_points, kred.points_per_like) == (20.0, 1.0)
    klout = recipes.KloutStyle()
    assert (klout.reach_weight, klout.amplification_weight, klout.network_weight) == (0.4, 0.3, 0.3)


# ----------------------------------------------------------------- 7b. followers or the score: attention


@pytest.fixture(scope="module")
def attention_gaps():
    from influence_lab.studies import sweeps

    settings = {
        "shipped settings": {},
        "clicks follow reactions": {"audience__attention_sigma": 1.5, "outcomes__online_share": 1.0,
                                    "outcomes__click_attention_corr": 1.0},
        "clicks oppose reactions": {"audience__attention_sigma": 1.5, "outcomes__online_share": 1.0,
                                    "outcomes__click_attention_corr": -1.0},
    }
    attention = sweeps.tracking_sweep(settings, seeds=(1, 2, 3), measures=("klout", "followers", "posts"))
    return sweeps.verdicts(attention, "klout", "followers")


def test_the_attention_behind_clicks_decides_followers_or_the_score(attention_gaps):
    # "Among the active accounts, when the attention that clicks is the attention that reacts, the Klout-style
    # score's correlation with true influence is +0.33 above the follower count's (the score ahead; mean of three
    # seeds); when the two oppose, -0.16 (followers ahead). With the shipped settings: +0.14 (the score ahead).
    # Over all real accounts followers lead in every setting, by 0.14 to 0.24"
    active = attention_gaps.loc["active"]
    assert active.loc["clicks follow reactions", "mean_gap"] == shown(0.33)
    assert active.loc["clicks oppose reactions", "mean_gap"] == shown(-0.16)
    assert active.loc["shipped settings", "mean_gap"] == shown(0.14)
    assert list(active.loc[["clicks follow reactions", "clicks oppose reactions", "shipped settings"], "winner"]) == [
        "klout", "followers", "klout"]  # title: "the verdict flips"
    everywhere = attention_gaps.loc["all"]
    assert (everywhere["winner"] == "followers").all()  # "followers lead in every setting"
    assert (-everywhere["mean_gap"].max(), -everywhere["mean_gap"].min()) == (shown(0.14), shown(0.24))
