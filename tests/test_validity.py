"""studies.validity against independent computations (numpy, scipy, statsmodels) on small data with known answers."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from influence_lab import make_recipe
from influence_lab.datasets.world import WorldConfig, generate_world
from influence_lab.scoring.events import day_end
from influence_lab.studies import validity
from influence_lab.contract import Dataset
from influence_lab.studies.stats import bootstrap_correlation, cluster_bootstrap_indices


@pytest.fixture(scope="module")
def linear():
    """outcome = 2 log1p(score) + log1p(followers) + noise, with followers correlated with the score."""
    rng = np.random.default_rng(5)
    n = 600
    followers = rng.poisson(np.exp(rng.normal(3, 1, n)))
    score = rng.poisson(np.exp(0.6 * np.log1p(followers) + rng.normal(0, 0.8, n)))
    log_y = 0.2 + 0.5 * np.log1p(score) + 0.3 * np.log1p(followers) + rng.normal(0, 0.5, n)
    clicks = rng.poisson(np.exp(-1 + 0.4 * np.log1p(score) + 0.2 * np.log1p(followers)))
    return pd.DataFrame({
        "score": score, "followers": followers, "published_items": rng.poisson(20, n),
        "reactions_received": score + rng.poisson(2, n), "outcome": np.expm1(log_y).clip(0), "clicks": clicks,
        "noise": rng.normal(size=n),
    }, index=[f"u{i}" for i in range(n)])


def test_correlations_are_scipy_s_with_intervals_around_them(linear):
    table = validity.correlations(linear, "outcome", ["score", "noise"], n_boot=300, seed=1)
    row = table.set_index(["measure", "method"])
    assert row.loc[("score", "pearson"), "estimate"] == pytest.approx(stats.pearsonr(linear["score"], linear["outcome"])[0])
    assert row.loc[("score", "spearman"), "estimate"] == pytest.approx(
        stats.spearmanr(linear["score"], linear["outcome"]).statistic)
    assert (table["low"] < table["estimate"]).all() and (table["estimate"] < table["high"]).all()
    assert row.loc[("noise", "spearman"), "low"] < 0 < row.loc[("noise", "spearman"), "high"]
    assert row.loc[("score", "spearman"), "low"] > 0.3


def test_cluster_resamples_are_whole_clusters():
    labels = np.array(["a"] * 3 + ["b"] * 5 + ["c"] + ["d"] * 2)
    for resample in cluster_bootstrap_indices(labels, 50, seed=2):
        counts = pd.Series(labels[resample]).value_counts()
        sizes = pd.Series(labels).value_counts()
        assert ((counts % sizes.reindex(counts.index)) == 0).all()  # every cluster drawn whole, maybe several times
        assert len(resample) == sum(sizes[k] * (counts[k] // sizes[k]) for k in counts.index)


def test_cluster_bootstrap_is_wider_when_clusters_move_together():
    rng = np.random.default_rng(0)
    groups = np.repeat(np.arange(20), 30)
    shared = rng.normal(size=20)[groups]  # each cluster shares a common shift in both x and y
    x = shared + 0.3 * rng.normal(size=len(groups))
    y = shared + 0.3 * rng.normal(size=len(groups))
    users = bootstrap_correlation(x, y, method="pearson", n_boot=400, seed=1)
    clustered = bootstrap_correlation(x, y, method="pearson", n_boot=400, seed=1, clusters=groups)
    assert clustered.estimate == users.estimate
    assert clustered.high - clustered.low > 2 * (users.high - users.low)


def test_partial_correlation_matches_the_inverse_correlation_matrix(linear):
    got = validity.partial_correlation(linear, "score", "outcome", ["followers", "published_items"])
    data = linear[["score", "outcome", "followers", "published_items"]].astype(float)
    precision = np.linalg.inv(np.corrcoef(data.to_numpy().T))
    expected = -precision[0, 1] / np.sqrt(precision[0, 0] * precision[1, 1])
    assert got["estimate"] == pytest.approx(expected, abs=1e-10)
    assert got["zero_order"] == pytest.approx(np.corrcoef(data["score"], data["outcome"])[0, 1])
    ranked = validity.partial_correlation(linear, "score", "outcome", ["followers"], method="spearman")
    r = data[["score", "outcome", "followers"]].rank().corr().to_numpy()
    expected_rank = (r[0, 1] - r[0, 2] * r[1, 2]) / np.sqrt((1 - r[0, 2] ** 2) * (1 - r[1, 2] ** 2))
    assert ranked["estimate"] == pytest.approx(expected_rank, abs=1e-10)


def test_ols_log_is_statsmodels_ols_with_hc3_and_recovers_the_slopes(linear):
    table = validity.ols_log(linear, "outcome", ["score", "followers"]).set_index("term")
    x = sm.add_constant(np.log1p(linear[["score", "followers"]]))
    direct = sm.OLS(np.log1p(linear["outcome"]), x).fit(cov_type="HC3")
    np.testing.assert_allclose(table["coef"].to_numpy(), direct.params.to_numpy())
    np.testing.assert_allclose(table["se"].to_numpy(), direct.bse.to_numpy())
    assert table.loc["log1p(score)", "low"] < 0.5 < table.loc["log1p(score)", "high"]
    assert table["r2"].iloc[0] == pytest.approx(direct.rsquared)


def test_count_models_match_statsmodels_and_recover_the_rate(linear):
    poisson = validity.count_model(linear, "clicks", ["score", "followers"]).set_index("term")
    x = sm.add_constant(np.log1p(linear[["score", "followers"]].astype(float)))
    direct = sm.GLM(linear["clicks"], x, family=sm.families.Poisson()).fit(cov_type="HC1")
    np.testing.assert_allclose(poisson["coef"].to_numpy(), direct.params.to_numpy(), rtol=1e-6)
    assert poisson.loc["log1p(score)", "low"] < 0.4 < poisson.loc["log1p(score)", "high"]
    with pytest.warns(UserWarning, match="no overdispersion"):  # Poisson counts: alpha runs to 0
        negbin = validity.count_model(linear, "clicks", ["score", "followers"], family="negbin").set_index("term")
    assert "alpha" in negbin.index
    assert negbin.loc["log1p(score)", "coef"] == pytest.approx(poisson.loc["log1p(score)", "coef"], abs=0.1)
    with pytest.raises(ValueError, match="whole non-negative counts"):
        validity.count_model(linear.assign(clicks=linear["clicks"] + 0.5), "clicks", ["score"])


def test_negative_binomial_recovers_heavy_overdispersion():
    """Heavy-tailed counts (alpha 4, as the sample's conversions): statsmodels' default start can stall at the
    Poisson solution (alpha ~ 0); the fit must find the overdispersion and the slope."""
    rng = np.random.default_rng(11)
    n = 3000
    score = rng.uniform(1, 80, n)
    mu = np.exp(-1.0 + 0.8 * np.log1p(score))
    alpha = 4.0
    counts = rng.poisson(rng.gamma(1 / alpha, alpha * mu))  # NB2: variance mu + alpha mu^2
    frame = pd.DataFrame({"score": score, "clicks": counts})
    table = validity.count_model(frame, "clicks", ["score"], family="negbin").set_index("term")
    assert table.loc["alpha", "coef"] == pytest.approx(alpha, rel=0.2)
    assert table.loc["log1p(score)", "low"] < 0.8 < table.loc["log1p(score)", "high"]
    x = sm.add_constant(np.log1p(frame[["score"]]))
    fitted = sm.NegativeBinomial(frame["clicks"], x, loglike_method="nb2").fit(
        start_params=np.r_[table.loc[["const", "log1p(score)"], "coef"].to_numpy(), table.loc["alpha", "coef"]],
        maxiter=0, disp=False, warn_convergence=False)
    assert table["aic"].iloc[0] == pytest.approx(fitted.aic, rel=1e-9)  # the reported fit is that likelihood


def test_incremental_validity_is_the_difference_of_two_r2(linear):
    table = validity.incremental_validity(linear, "outcome", "score", ["followers", "published_items"], n_boot=200)
    row = table.set_index("baselines").loc["followers"]
    logs = np.log1p(linear[["outcome", "score", "followers"]])
    r2 = lambda cols: sm.OLS(logs["outcome"], sm.add_constant(logs[cols])).fit().rsquared  # noqa: E731
    assert row["r2_baseline"] == pytest.approx(r2(["followers"]))
    assert row["r2_with_score"] == pytest.approx(r2(["followers", "score"]))
    assert row["delta_low"] > 0.05  # the score carries signal beyond followers
    useless = validity.incremental_validity(linear, "outcome", "noise", ["followers"], n_boot=200).iloc[0]
    assert useless["delta_low"] <= 0.001 and useless["delta_r2"] < 0.01
    assert list(table["baselines"]) == ["followers", "published_items", "all baselines"]


def test_uninformative_inputs_warn_naming_the_column(linear):
    with pytest.warns(UserWarning, match="'flat' is constant"):
        validity.ols_log(linear.assign(flat=3.0), "outcome", ["score", "flat"])
    rare = linear.assign(rare=(np.arange(len(linear)) % 10 == 0).astype(int))
    with pytest.warns(UserWarning, match="'rare' is zero for 90%"):
        validity.count_model(rare, "rare", ["score"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        validity.ols_log(linear, "outcome", ["score"])  # nothing to warn about


def test_outcome_table_and_communities_on_a_small_world():
    world = generate_world(WorldConfig(n_users=400, n_fake_followers=200))
    klout = make_recipe("klout").score(world, as_of=day_end("2012-06-30"))["score"]
    frame = validity.outcome_table(world, "2012-06-30", klout, metric="clicks")
    assert set(validity.BASELINES) <= set(frame.columns) and "score" in frame.columns
    o = world.outcomes
    later = o[(o["metric"] == "clicks") & (o["period"] >= pd.Timestamp("2012-07-01", tz="UTC"))]
    expected = later.groupby("user_id")["value"].sum().reindex(frame.index, fill_value=0)
    np.testing.assert_allclose(frame["clicks"].to_numpy(), expected.to_numpy())
    labels = validity.communities(world, seed=1, resolution=5)
    assert labels.index.is_unique and set(frame.index) <= set(labels.index)
    assert 1 < labels.nunique() < len(labels) / 2  # real communities, not one blob nor singletons
    table = validity.correlations(frame, "clicks", ["score", "followers"], n_boot=100, seed=0,
                                  clusters=labels.reindex(frame.index))
    assert (table["resampling"] == "clusters").all() and np.isfinite(table["estimate"]).all()


def test_a_cluster_bootstrap_over_too_few_clusters_warns(linear):
    """Two clusters (what Louvain at resolution 1 finds on the dense sample graph) cannot give an interval."""
    halves = pd.Series(np.arange(len(linear)) % 2, index=linear.index)
    with pytest.warns(UserWarning, match="resamples 2 clusters"):
        validity.correlations(linear, "outcome", ["score"], n_boot=50, clusters=halves)
    many = pd.Series(np.arange(len(linear)) % 40, index=linear.index)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        validity.correlations(linear, "outcome", ["score"], n_boot=50, clusters=many)


def test_paired_gaps_are_differences_of_spearman_on_the_same_resamples(linear):
    gaps = validity.paired_gaps(linear, "outcome", ["score", "noise"], "followers", n_boot=300, seed=4).set_index("measure")
    rho = lambda c: stats.spearmanr(linear[c], linear["outcome"]).statistic  # noqa: E731
    assert gaps.loc["score", "gap"] == pytest.approx(rho("score") - rho("followers"))
    assert gaps.loc["noise", "high"] < 0 < gaps.loc["score", "low"]  # the score adds over followers; noise loses
    same = validity.paired_gaps(linear, "outcome", ["followers"], "followers", n_boot=50).iloc[0]
    assert same["gap"] == 0 and same["low"] == 0 and same["high"] == 0  # paired: identical measures never differ


def test_predictive_validity_on_collegemsg_is_the_direct_computation(collegemsg):
    split = day_end("2004-06-30")
    table = validity.predictive_validity(collegemsg, "2004-06-30", recipes=("klout",),
                                         baselines=("published_items", "reactions_received"), n_boot=100)
    row = table.set_index(["measure", "method"])
    ev = collegemsg.events
    before = ev[ev["timestamp"] <= split]
    window = before[before["timestamp"] > split - pd.Timedelta(days=90)]
    received = window.loc[window["actor_id"] != window["target_id"], "target_id"].value_counts()
    users = received.index  # the users with at least one reaction in the first window
    later = ev[(ev["timestamp"] > split) & (ev["actor_id"] != ev["target_id"])]["target_id"].value_counts()
    outcome = later.reindex(users, fill_value=0)
    assert row.loc[("reactions_received", "spearman"), "n"] == len(users)
    expected = stats.spearmanr(received.reindex(users), outcome).statistic
    assert row.loc[("reactions_received", "spearman"), "estimate"] == pytest.approx(expected, abs=1e-12)
    klout = make_recipe("klout").score(collegemsg, as_of=split)["score"].reindex(users)
    assert row.loc[("klout", "spearman"), "estimate"] == pytest.approx(stats.spearmanr(klout, outcome).statistic)
    assert set(table["kind"]) == {"recipe", "baseline"}


# ------------------------------------------------------------------ studies.stats: the cluster bootstrap as counts
# (bootstrap_counts / bootstrap_count_blocks / weighted_correlation: every replicate at once, no expanded resamples)


def _cluster_data():
    rng = np.random.default_rng(11)
    labels = np.repeat(np.array(["k", "b", "x", "a", "q", "z", "m"], dtype=object), [1, 4, 2, 7, 3, 5, 2])
    x = rng.poisson(2.0, len(labels)).astype(float)  # many ties, for the midranks
    y = x + rng.poisson(1.5, len(labels))
    return labels, x, y


def test_counts_are_the_index_resamples_users_and_clusters():
    from influence_lab.studies import stats as lab_stats

    indices = lab_stats.bootstrap_indices(37, 60, 5)
    counts = lab_stats.bootstrap_counts(37, 60, 5)
    assert counts.shape == (60, 37)
    np.testing.assert_array_equal(counts, np.stack([np.bincount(row, minlength=37) for row in indices]))
    labels, _, _ = _cluster_data()
    resamples = cluster_bootstrap_indices(labels, 80, seed=3)
    cluster_counts = lab_stats.bootstrap_counts(len(labels), 80, 3, clusters=labels)
    np.testing.assert_array_equal(cluster_counts, np.stack([np.bincount(r, minlength=len(labels)) for r in resamples]))
    # whole clusters: every member of a cluster is drawn the same number of times, and the clusters drawn
    # add up to as many draws as there are clusters
    per_cluster = pd.DataFrame(cluster_counts.T).groupby(labels)
    assert (per_cluster.nunique() == 1).all().all()
    assert (per_cluster.first().sum(axis=0) == 7).all()
    # blocks of any size concatenate to the one full draw
    for block in (1, 7, 80):
        blocks = list(lab_stats.bootstrap_count_blocks(len(labels), 80, 3, clusters=labels, block=block))
        np.testing.assert_array_equal(np.concatenate(blocks), cluster_counts)
    with pytest.raises(ValueError, match="no cluster label"):
        lab_stats.bootstrap_counts(3, 5, 0, clusters=np.array(["a", None, "b"], dtype=object))


@pytest.mark.parametrize("method", ["pearson", "spearman"])
def test_weighted_correlation_is_the_correlation_of_the_expanded_resample(method):
    from influence_lab.studies import stats as lab_stats

    labels, x, y = _cluster_data()
    resamples = cluster_bootstrap_indices(labels, 200, seed=8)
    counts = lab_stats.bootstrap_counts(len(labels), 200, 8, clusters=labels)
    got = lab_stats.weighted_correlation(x, y, counts, method)
    direct = stats.spearmanr if method == "spearman" else stats.pearsonr
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy warns on a constant resample; both sides give NaN there
        expected = np.array([direct(x[r], y[r])[0] if np.ptp(x[r]) and np.ptp(y[r]) else np.nan for r in resamples])
    np.testing.assert_allclose(got, expected, atol=1e-12, equal_nan=True)
    est = bootstrap_correlation(x, y, method=method, n_boot=200, seed=8, clusters=labels)
    np.testing.assert_allclose(est.replicates, expected, atol=1e-12, equal_nan=True)
    assert est.resampling == "clusters" and est.n_clusters == 7
    assert bootstrap_correlation(x, y, method=method, n_boot=20, seed=8).resampling == "users"
    with pytest.raises(ValueError, match="do not combine"):
        bootstrap_correlation(x, y, n_boot=20, seed=8, clusters=labels, sample_size=10)


# ---------------------------------------------------------------- edge cases (constant predictor, aware times, no follows)

@pytest.fixture(scope="module")
def small_frame():
    rng = np.random.default_rng(21)
    n = 400
    s = rng.poisson(np.exp(rng.normal(2, 0.8, n)))
    return pd.DataFrame({"s": s, "p": rng.poisson(9, n), "flat": 3.0, "followers": np.nan,
                         "y": rng.poisson(np.exp(0.3 + 0.4 * np.log1p(s)))}, index=[f"u{i}" for i in range(n)])


@pytest.fixture(scope="module")
def world_without_follows():
    world = generate_world(WorldConfig(n_users=400, n_fake_followers=200))
    events = world.events[~world.events["kind"].isin(["follow", "unfollow"])].reset_index(drop=True)
    return world, Dataset(world.name, world.users, events, world.outcomes)


def test_a_constant_predictor_is_left_out_not_fitted(small_frame):
    with pytest.warns(UserWarning, match="'flat' is constant.*left out of the fit"):
        table = validity.ols_log(small_frame, "y", ["s", "flat"]).set_index("term")
    assert list(table.index) == ["const", "log1p(s)", "log1p(flat)"]
    assert table.loc["log1p(flat)", ["coef", "se", "p"]].isna().all()
    x = np.column_stack([np.ones(len(small_frame)), np.log1p(small_frame["s"])])
    coef, *_ = np.linalg.lstsq(x, np.log1p(small_frame["y"]), rcond=None)
    np.testing.assert_allclose(table.loc[["const", "log1p(s)"], "coef"], coef, rtol=1e-10)
    assert (table["n"] == len(small_frame)).all() and table["r2"].notna().all()
    with pytest.warns(UserWarning, match="'flat' is constant"):
        poisson = validity.count_model(small_frame, "y", ["flat", "s"]).set_index("term")
    direct = sm.GLM(small_frame["y"], sm.add_constant(np.log1p(small_frame[["s"]].astype(float))),
                    family=sm.families.Poisson()).fit()
    np.testing.assert_allclose(poisson.loc[["const", "log1p(s)"], "coef"], direct.params.to_numpy(), rtol=1e-6)
    assert np.isnan(poisson.loc["log1p(flat)", "coef"])


def test_tz_aware_and_naive_ends_agree(world_without_follows):
    world, _ = world_without_follows
    klout = validity.make_recipe("klout").score(world, as_of=validity.day_end("2012-06-30"))["score"]
    naive = validity.outcome_table(world, "2012-06-30", klout, metric="clicks", end="2012-10-01")
    aware = validity.outcome_table(world, "2012-06-30", klout, metric="clicks",
                                   end=pd.Timestamp("2012-10-01", tz="UTC"), start=pd.Timestamp("2012-07-01", tz="UTC"))
    pd.testing.assert_frame_equal(naive, aware)


def test_data_without_follow_events_gives_nan_followers_not_an_error(world_without_follows, small_frame):
    _, nofollow = world_without_follows
    table = validity.predictive_validity(nofollow, "2012-06-30", recipes=("klout",), n_boot=50)
    row = table.set_index(["measure", "method"])
    assert row.loc["followers", "estimate"].isna().all() and (row.loc["followers", "n"] == 0).all()
    others = table[table["measure"] != "followers"]
    assert np.isfinite(others[["estimate", "low", "high"]].to_numpy()).all()
    with pytest.warns(UserWarning, match=r"\['followers'\] are missing for every user"):
        got = validity.incremental_validity(small_frame, "y", "s", ["followers", "p"], n_boot=50)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        expected = validity.incremental_validity(small_frame, "y", "s", ["p"], n_boot=50)
    pd.testing.assert_frame_equal(got, expected)
