"""influence_lab.studies.compare: agreement and tracking statistics, checked against scipy and by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from influence_lab.studies import compare
from influence_lab.studies import stats as lab_stats

from influence_lab.scoring import features, recipes
from influence_lab.scoring.events import day_end
from influence_lab.scoring.recipes import KloutStyle, score_dataset


@pytest.fixture(scope="module")
def small_world():
    from influence_lab.datasets.world import WorldConfig, generate_world

    return generate_world(WorldConfig(n_users=300, n_fake_followers=300, seed=3))


@pytest.fixture
def tied_table():
    rng = np.random.default_rng(5)
    n = 400
    base = rng.poisson(2.0, n).astype(float)  # many ties
    return pd.DataFrame(
        {
            "a": base,
            "b": base + rng.poisson(1.0, n),
            "c": rng.normal(size=n),
            "d": -base + rng.normal(scale=3, size=n),
        },
        index=[f"u{i:04d}" for i in range(n)],
    )


# ------------------------------------------------------------------ spearman_matrix


def test_spearman_matrix_matches_scipy_with_ties(tied_table):
    matrix = compare.spearman_matrix(tied_table)
    expected = stats.spearmanr(tied_table.to_numpy()).statistic
    np.testing.assert_allclose(matrix.to_numpy(), expected, atol=1e-12)


def test_spearman_matrix_pairwise_complete_and_undefined_columns(tied_table):
    table = tied_table.copy()
    table.loc[table.index[:50], "b"] = np.nan
    table["followers"] = np.nan  # no follow data: unknown, not zero
    table["constant"] = 1.0
    matrix = compare.spearman_matrix(table)
    keep = table["b"].notna()
    expected = stats.spearmanr(table.loc[keep, "a"], table.loc[keep, "b"]).statistic
    assert matrix.loc["a", "b"] == pytest.approx(expected, abs=1e-12)
    assert matrix["followers"].isna().all() and matrix.loc["followers"].isna().all()
    assert np.isnan(matrix.loc["a", "constant"])
    assert matrix.attrs["n"].loc["a", "b"] == keep.sum()


# ------------------------------------------------------------------ top k


def test_top_k_breaks_ties_by_id_and_skips_zero():
    values = pd.Series([5.0, 3.0, 5.0, 0.0, np.nan, 3.0], index=["u6", "u5", "u1", "u2", "u3", "u4"])
    assert list(compare.top_k(values, 3)) == ["u1", "u6", "u4"]
    assert list(compare.top_k(values, 10)) == ["u1", "u6", "u4", "u5"]  # zero and NaN are never ranked


def test_top_k_overlap_and_distinct_by_hand():
    table = pd.DataFrame(
        {"x": [4, 3, 2, 1, 0], "y": [0, 1, 2, 3, 4], "z": [np.nan] * 5}, index=list("abcde"), dtype=float
    )
    overlap = compare.top_k_overlap(table, 2)
    assert overlap.attrs["skipped"] == ["z"]
    assert overlap.loc["x", "x"] == 2 and overlap.loc["x", "y"] == 0
    assert compare.distinct_in_top_k(table, 2) == 4
    assert compare.distinct_in_top_k(table, 3) == 5  # c is in both top-3 lists
    assert compare.top_k_overlap(table, 3).loc["x", "y"] == 1


# ------------------------------------------------------------------ bootstrap


def test_bootstrap_estimate_and_replicates_match_scipy(tied_table):
    x, y = tied_table["a"], tied_table["d"]
    est = lab_stats.bootstrap_correlation(x, y, n_boot=50, seed=11, block=7)
    assert est.estimate == pytest.approx(stats.spearmanr(x, y).statistic, abs=1e-12)
    indices = lab_stats.bootstrap_indices(len(x), 50, 11)
    for i in (0, 23, 49):  # blocks of 7: first, middle, last replicate
        expected = stats.spearmanr(x.to_numpy()[indices[i]], y.to_numpy()[indices[i]]).statistic
        assert est.replicates[i] == pytest.approx(expected, abs=1e-12)
    assert est.low <= est.estimate <= est.high
    assert np.quantile(est.replicates, 0.025) == pytest.approx(est.low)


def test_bootstrap_pearson_and_sample_size(tied_table):
    x, y = tied_table["a"], tied_table["b"]
    est = lab_stats.bootstrap_correlation(x, y, method="pearson", n_boot=30, seed=2, sample_size=39)
    assert est.estimate == pytest.approx(stats.pearsonr(x, y).statistic, abs=1e-12)
    indices = lab_stats.bootstrap_indices(len(x), 30, 2, 39)
    assert indices.shape == (30, 39)
    expected = stats.pearsonr(x.to_numpy()[indices[4]], y.to_numpy()[indices[4]]).statistic
    assert est.replicates[4] == pytest.approx(expected, abs=1e-12)
    # smaller samples: a wider interval than full-size resamples
    wide = est.high - est.low
    full = lab_stats.bootstrap_correlation(x, y, method="pearson", n_boot=30, seed=2)
    assert wide > full.high - full.low


def test_bootstrap_is_seeded_and_drops_nan_pairs(tied_table):
    x = tied_table["a"].copy()
    x.iloc[:10] = np.nan
    one = lab_stats.bootstrap_spearman(x, tied_table["c"], n_boot=40, seed=9)
    two = lab_stats.bootstrap_spearman(x, tied_table["c"], n_boot=40, seed=9)
    other = lab_stats.bootstrap_spearman(x, tied_table["c"], n_boot=40, seed=10)
    assert one.n == len(x) - 10
    np.testing.assert_array_equal(one.replicates, two.replicates)
    assert not np.array_equal(one.replicates, other.replicates)


def test_bootstrap_rejects_bad_input():
    with pytest.raises(ValueError, match="method"):
        lab_stats.bootstrap_correlation([1, 2, 3], [1, 2, 3], method="kendall")
    with pytest.raises(ValueError, match="at least 3"):
        lab_stats.bootstrap_correlation([1, np.nan, 3], [1, 2, 3])


def test_tracking_table_matches_scipy(tied_table):
    truth = tied_table["a"].rename("truth").iloc[::-1]  # alignment is by index, not position
    tracking = compare.tracking_table(tied_table[["b", "c", "d"]], truth, n_boot=40, seed=1)
    for column in ("b", "c", "d"):
        expected = stats.spearmanr(tied_table[column], tied_table["a"]).statistic
        assert tracking.loc[column, "spearman"] == pytest.approx(expected, abs=1e-12)
    assert (tracking["low"] <= tracking["high"]).all() and (tracking["n"] == len(tied_table)).all()
    stacked = compare.tracking_by_truth(
        tied_table[["b", "c"]], pd.DataFrame({0.1: truth, 0.9: -truth}).rename_axis(columns="share"), n_boot=20
    )
    assert set(stacked["share"]) == {0.1, 0.9}
    flipped = stacked.set_index(["share", "score"])["spearman"]
    assert flipped[(0.9, "b")] == pytest.approx(-flipped[(0.1, "b")])


# ------------------------------------------------------------------ profiles, weights, explanations


def test_feature_profile_percentiles():
    frame = pd.DataFrame({"f": [1.0, 2.0, 2.0, 4.0], "g": [np.nan] * 4}, index=["a", "b", "c", "d"])
    profile = compare.feature_profile(frame, "b", frame.index)
    assert profile.loc["f", "percentile"] == pytest.approx(100 * (1 + 2 / 2) / 4)
    assert profile.loc["f", "population_median"] == 2.0
    assert np.isnan(profile.loc["g", "percentile"])


def test_label():
    assert compare.label("klout") == "Klout-style"
    assert compare.label("unique_engagers") == "unique engagers"
    assert set(compare.RECIPE_LABELS) == set(recipes.RECIPES)  # one registry of recipes: every one has a label


def test_simplex_weights_are_every_point_of_the_grid_on_the_simplex():
    # by hand: (i, j, n - i - j) / n for i + j <= n; step 0.1 is where float noise (1 - 0.7 - 0.3 < 0) drops corners
    for step, n in ((0.5, 2), (0.25, 4), (0.1, 10)):
        grid = compare.simplex_weights(step)
        assert list(grid.columns) == ["reach_weight", "amplification_weight", "network_weight"]  # KloutStyle params
        expected = sorted((i / n, j / n, (n - i - j) / n) for i in range(n + 1) for j in range(n + 1 - i))
        assert len(grid) == len(expected) == (n + 1) * (n + 2) // 2
        np.testing.assert_allclose(sorted(map(tuple, grid.to_numpy())), expected, atol=1e-9)


def test_weight_grid_refits_and_reach_only_orders_by_engagers(small_world):
    as_of = day_end("2012-06-30")
    feats = features.user_features(small_world, as_of=as_of, columns=KloutStyle.required_features)
    engaged = feats.index[feats["reactions_received"] > 0]
    default = compare.weight_grid(feats, pd.DataFrame([KloutStyle().get_params()])[
        ["reach_weight", "amplification_weight", "network_weight"]], users=list(engaged[:3]))
    direct = score_dataset(small_world, "klout", as_of=as_of)["score"]
    for user in engaged[:3]:
        assert default.loc[0, user] == pytest.approx(direct[user])
    truth = pd.Series(feats["unique_engagers"].to_numpy(), index=feats.index)
    reach_only = pd.DataFrame([{"reach_weight": 1.0, "amplification_weight": 0.0, "network_weight": 0.0}])
    grid = compare.weight_grid(feats, reach_only, truth=truth, population=engaged)
    assert grid.loc[0, "spearman_truth"] == pytest.approx(1.0)  # score is monotone in distinct engagers


def test_explain_klout_splits_the_score_by_weighted_component():
    features = pd.DataFrame(
        {
            "unique_engagers": [3, 1, 7, 0],
            "reactions_received": [4, 1, 10, 0],
            "weighted_reactions": [4.0, 1.0, 6.0, 0.0],
            "published_items": [2, 1, 3, 5],
            "standing_weighted_reactions": [2.0, 0.5, 5.0, 0.0],
        },
        index=pd.Index(["a", "b", "c", "quiet"], name="user_id"),
        dtype=float,
    )
    model = KloutStyle().fit(features)
    score = model.transform(features)["score"]
    # by hand, from the recipe's definition: log1p components, each divided by its mean over the engaged users
    # (a, b, c), weighted 0.4 / 0.3 / 0.3; the points above the floor of 1 are split in proportion to the parts
    values = {
        "reach": np.log1p(features["unique_engagers"]),
        "amplification": np.log1p(features["weighted_reactions"] / features["published_items"].clip(lower=1)),
        "network": np.log1p(features["standing_weighted_reactions"]),
    }
    means = {c: v.loc[["a", "b", "c"]].mean() for c, v in values.items()}
    weights = {"reach": 0.4, "amplification": 0.3, "network": 0.3}
    for user in ("a", "c"):
        table = compare.explain_klout(features, model, user)
        parts = {c: weights[c] * values[c][user] / means[c] for c in weights}
        assert table.loc["baseline", "points"] == 1.0
        assert table.attrs["score"] == pytest.approx(score[user])
        for c in weights:
            assert table.loc[c, "component_value"] == pytest.approx(values[c][user])
            assert table.loc[c, "population_mean"] == pytest.approx(means[c])
            assert table.loc[c, "weight"] == weights[c]
            assert table.loc[c, "points"] == pytest.approx((score[user] - 1) * parts[c] / sum(parts.values()))
    table = compare.explain_klout(features, model, "a")
    assert table.loc["amplification", "reads"] == "weighted_reactions, published_items"
    assert table.loc["amplification", "feature_values"] == "4.0, 2.0"
    # no reaction received: the floor, and no component earns a point even where its feature is not 0
    assert compare.explain_klout(features, model, "quiet")["points"].tolist() == [1.0, 0.0, 0.0, 0.0]
    # a component with weight 0 earns nothing; the others share the (refitted) score
    no_reach = KloutStyle(reach_weight=0.0).fit(features)
    table = compare.explain_klout(features, no_reach, "a")
    assert table.loc["reach", "points"] == 0.0
    assert table.loc[["amplification", "network"], "points"].sum() == pytest.approx(
        no_reach.transform(features).loc["a", "score"] - 1
    )
    with pytest.raises(KeyError, match="not in the features"):
        compare.explain_klout(features, model, "nobody")


def test_score_all_recipes_and_curves(small_world):
    as_of = day_end("2012-06-30")
    table = compare.score_all_recipes(small_world, as_of)
    assert set(recipes.RECIPES) <= set(table.columns) and "followers" in table.columns
    direct = score_dataset(small_world, "kred", as_of=as_of)["score"]
    pd.testing.assert_series_equal(table["kred"], direct, check_names=False)
    curves = compare.score_on_curves(small_world, as_of)
    engaged = curves[curves["engaged"]]
    assert engaged["pre2012"].mean() == pytest.approx(20, abs=0.5)
    assert engaged["2012"].mean() == pytest.approx(40, abs=0.5)
    assert stats.spearmanr(engaged["pre2012"], engaged["2012"]).statistic == pytest.approx(1.0)


def test_truth_under_online_share_refuses_a_different_world(small_world):
    from influence_lab.datasets.world import WorldConfig

    with pytest.raises(ValueError, match="different events"):
        other_world = WorldConfig(n_users=300, n_fake_followers=300, seed=4)
        compare.truth_under_online_share(small_world, [0.8], config=other_world)
    config = WorldConfig(n_users=300, n_fake_followers=300, seed=3)
    truths = compare.truth_under_online_share(small_world, [0.5, 0.9], config=config)
    base = small_world.users.set_index("user_id")["true_influence"]
    pd.testing.assert_series_equal(truths[0.5], base, check_names=False)
    assert not truths[0.9].equals(base)


def test_curve_sweep_refits_each_curve_and_keeps_the_ranking(small_world):
    scored = score_dataset(small_world, "klout")
    sweep = compare.curve_sweep(scored["raw"], [50.0, 63.0, 80.0])
    np.testing.assert_allclose(
        sweep[63.0], score_dataset(small_world, "klout", curve="2012")["score"].loc[sweep.index], atol=1e-9
    )
    engaged = scored["raw"] > 0
    assert sweep.loc[engaged].mean().to_numpy() == pytest.approx([40.0] * 3, abs=0.05)
    assert (sweep.loc[~engaged] == 1.0).all().all()
    assert stats.spearmanr(sweep[50.0], sweep[80.0]).statistic == pytest.approx(1.0)
    with pytest.raises(ValueError, match="no Beta"):
        compare.curve_sweep(scored["raw"], [30.0])
