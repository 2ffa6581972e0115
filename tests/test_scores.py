"""Score recipes: scales, monotonicity, permutation, explanations, curves, SNP/Kred by hand."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from influence_lab.contract import Dataset
from influence_lab.scoring.features import user_features
from influence_lab.scoring.calibration import CURVES, CalibrationCurve, LogScale
from influence_lab.scoring.recipes import (
    RECIPES,
    KloutStyle,
    KredStyle,
    NetworkScore,
    RobustScore,
    SocialNetworkingPotential,
    make_recipe,
    score_dataset,
)
from test_features import BASE, event_tables, make_events, relabel_users

DAY = 86_400
FAST = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def features_for(model, events, **kwargs):
    return user_features(events, params=model.feature_params(), with_pagerank="pagerank" in model.required_features, **kwargs)


def expected_points(model, features: pd.DataFrame, scored: pd.DataFrame) -> pd.DataFrame:
    """What ``model.explain`` must return, from each recipe's documented rule (not from its code).

    Klout-style and Robust: the points above the floor of 1 split in proportion to each
    component's weighted part, weight * component / population mean (``component_scale_``).
    Kred-style: the points above 1 split in proportion to the points each kind of action
    earned (10 per reshare, reply, mention or follow, 1 per like, +10 per big-actor action).
    SNP: half of each ratio. Network: the whole score is PageRank's.
    """
    score = scored["score"]
    if isinstance(model, SocialNetworkingPotential):  # SNP = (Ir + RMr) / 2
        np.testing.assert_allclose(score, (scored["interactor_ratio"] + scored["reshare_reply_ratio"]) / 2, atol=1e-12)
        return pd.DataFrame({"baseline": 0.0, "interactor_ratio": scored["interactor_ratio"] / 2,
                             "reshare_reply_ratio": scored["reshare_reply_ratio"] / 2}, index=score.index)
    if isinstance(model, NetworkScore):
        return pd.DataFrame({"baseline": 0.0, "pagerank": score}, index=score.index)
    if isinstance(model, KredStyle):
        params = model.get_params()
        act, like = params["points_per_action"], params["points_per_like"]
        bonus = max(params["big_actor_points"] - act, 0.0)  # a big actor's action earns big_actor_points in all
        parts = pd.DataFrame({
            "reshares": act * features["reshares_received"],
            "replies": act * features["replies_received"],
            "mentions": act * features["mentions_received"],
            "follows": act * features["follows_received"],
            "likes": like * features["likes_received"],
            "big_actor_bonus": bonus * features["big_actor_actions_received"],
        })
        np.testing.assert_allclose(scored["points"], parts.sum(axis=1), atol=1e-9)
    else:  # the 1-100 curve recipes
        params = model.get_params()
        parts = pd.DataFrame({c: params[f"{c}_weight"] * scored[c] / model.component_scale_[c] for c in model.components})
    total = parts.sum(axis=1)
    share = parts.div(total.where(total > 0), axis=0).fillna(0.0)
    out = share.mul(score - 1.0, axis=0)
    out.insert(0, "baseline", 1.0)
    return out


def assert_explained(model, features: pd.DataFrame) -> None:
    scored = model.transform(features)
    explained = model.explain(features)
    expected = expected_points(model, features, scored)
    assert list(explained.columns) == list(expected.columns) + ["score"]
    np.testing.assert_array_equal(explained["score"].to_numpy(), scored["score"].to_numpy())
    for column in expected.columns:
        np.testing.assert_allclose(explained[column].to_numpy(), expected[column].to_numpy(), rtol=1e-9, atol=1e-9,
                                   err_msg=f"{model.name}: {column}")


# ------------------------------------------------------------------- all recipes


@FAST
@given(events=event_tables(), name=st.sampled_from(sorted(RECIPES)))
def test_scores_stay_on_their_scale_and_explanations_follow_each_recipe_s_rule(events, name):
    model = make_recipe(name)
    features = features_for(model, events)
    scored = model.fit(features).transform(features)
    low, high = model.scale
    assert scored["score"].notna().all()
    assert ((scored["score"] >= low - 1e-12) & (scored["score"] <= high + 1e-9)).all()
    assert_explained(model, features)  # the split is the documented one (so the points add up to the score)
    if name == "kred":
        levels = scored["outreach_level"]
        assert levels.between(1, 12).all()


@FAST
@given(events=event_tables(), name=st.sampled_from(sorted(RECIPES)), seed=st.integers(0, 2**32 - 1))
def test_permuting_user_ids_permutes_scores(events, name, seed):
    renamed, mapping = relabel_users(events, np.random.default_rng(seed), "w")
    before = score_dataset(events, name)
    after = score_dataset(renamed, name).rename(index={v: k for k, v in mapping.items()}).loc[before.index]
    pd.testing.assert_frame_equal(before, after, check_exact=False, rtol=1e-9, atol=1e-9, check_names=False)


@FAST
@given(events=event_tables(), name=st.sampled_from(sorted(RECIPES)))
def test_ground_truth_columns_change_nothing(events, name):
    ids = sorted(set(events["actor_id"]) | set(events["target_id"].dropna()))
    users = pd.DataFrame({"user_id": ids, "created_at": BASE - pd.Timedelta(days=400)})
    rng = np.random.default_rng(1)
    truth = users.assign(
        true_influence=rng.random(len(ids)) * 1e6, true_is_bot=rng.random(len(ids)) > 0.5, true_community="x"
    )
    plain = score_dataset(Dataset("plain", users, events), name)
    with_truth = score_dataset(Dataset("truth", truth, events), name)
    pd.testing.assert_frame_equal(plain, with_truth)


def test_true_columns_cannot_be_recipe_inputs(small_dataset):
    with pytest.raises(ValueError, match="ground truth"):
        score_dataset(small_dataset, "kred", community="true_community")


@pytest.fixture
def small_dataset():
    events = make_events(
        [
            (0, "a", None, "post", "p1", None),
            (10, "b", "a", "reshare", "p1", None),
            (20, "c", "b", "mention", None, None),
        ]
    )
    users = pd.DataFrame({"user_id": ["a", "b", "c"], "true_community": ["x", "y", "x"], "community": ["x", "y", "x"]})
    return Dataset("small", users, events)


# ------------------------------------------------------------------------ Klout


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    events=event_tables(days=100),
    actor=st.integers(0, 5),
    target=st.integers(0, 5),
    kind=st.sampled_from(["reshare", "like", "reply", "mention"]),
    when=st.floats(0.0, 1.0),
    repeat=st.one_of(st.none(), st.integers(0, 1_000)),
    curve=st.sampled_from(sorted(CURVES)),
)
def test_more_engagement_received_never_lowers_the_klout_score(events, actor, target, kind, when, repeat, curve):
    """Calibration held fixed: adding one reaction to X (anywhere in time) never lowers X's score.

    ``repeat`` copies an existing engagement (same engager, same target, same day), the case
    where the engager's activity weight changes."""
    as_of = events["timestamp"].max()
    model = KloutStyle(curve=curve)
    before = features_for(model, events, as_of=as_of)
    model.fit(before)
    is_engagement = events["kind"].isin(["reshare", "like", "reply", "mention"])
    engaged = events[is_engagement & (events["actor_id"] != events["target_id"])]
    if repeat is not None and len(engaged):
        row = engaged.iloc[repeat % len(engaged)]
        a, x = row["actor_id"], row["target_id"]
        same_day = row["timestamp"].floor("D") + pd.Timedelta(seconds=(repeat * 37) % 86_400)
        seconds = int((min(same_day, as_of) - BASE).total_seconds())
    else:
        if actor == target:
            target = (target + 1) % 6
        a, x = f"u{actor}", f"u{target}"
        seconds = int(((as_of - BASE) * when).total_seconds())
    extra = make_events([(seconds, a, x, kind, None, None)])
    after = features_for(model, pd.concat([events, extra], ignore_index=True), as_of=as_of)
    new = model.transform(after).loc[x]
    if x in before.index:
        old = model.transform(before).loc[x]
        # each component, hence the raw value and (the curve being monotone) the score
        for column in ("reach", "amplification", "network", "raw", "score"):
            assert new[column] >= old[column] - 1e-9, column
    assert new["score"] >= 1.0


def test_a_reaction_outside_the_window_does_not_dilute_one_inside_it():
    """The window's first day is partial when ``as_of`` is mid-day: a reaction just before the
    window's start (same engager, same UTC day) must not lower the activity weight of one inside.

    Found by the property test above (CI, stop 16): the activity count used to include it."""
    rows = [(0, "x", None, "post", "p0", None), (1, "e", "x", "mention", None, None)]
    rows += [(90 * DAY, "x", None, "post", "p1", None)]  # as_of: 90 days after t=0, so t=0 is just outside
    base = make_events(rows)
    as_of = base["timestamp"].max()
    extra = make_events([(0, "e", "x", "reshare", "p0", None)])
    before = user_features(base, as_of=as_of).loc["x"]
    after = user_features(pd.concat([base, extra], ignore_index=True), as_of=as_of).loc["x"]
    assert before["reactions_received"] == after["reactions_received"] == 1  # the extra one is outside
    assert after["weighted_reactions"] == pytest.approx(before["weighted_reactions"], rel=1e-12)
    assert before["weighted_reactions"] == pytest.approx(1.0)  # alone on its (partial) day: g = 1


def test_amplification_follows_the_klout_example():
    """100 reshares from 10 posts beat 100 reshares from 1,000 posts (FACTS.md)."""
    rows = [(i, "few", None, "post", f"f{i}", None) for i in range(10)]
    rows += [(i, "many", None, "post", f"m{i}", None) for i in range(1000)]
    # each user gets 100 reshares from the same 100 people, one a day
    rows += [(DAY * (i % 80) + 5000, f"fan{i}", "few", "reshare", f"f{i % 10}", None) for i in range(100)]
    rows += [(DAY * (i % 80) + 5001, f"fan{i}", "many", "reshare", f"m{i % 1000}", None) for i in range(100)]
    rows += [(i, "z", None, "post", f"z{i}", None) for i in range(3)] + [(50, "few", "z", "like", "z0", None)]
    scored = score_dataset(make_events(rows), "klout")
    assert scored.loc["few", "reach"] == scored.loc["many", "reach"]
    assert scored.loc["few", "amplification"] > scored.loc["many", "amplification"]
    assert scored.loc["few", "score"] > scored.loc["many", "score"]


def test_no_engagement_gets_the_floor_and_weights_matter():
    rows = [(0, "a", None, "post", "p1", None), (10, "b", "a", "like", "p1", None), (20, "c", "b", "like", None, None)]
    rows += [(30 + i, f"f{i}", "c", "reply", None, None) for i in range(3)]
    events = make_events(rows)
    model = KloutStyle()
    scored = score_dataset(events, model)
    assert scored.loc["f0", "score"] == 1.0
    assert model.is_fitted and model.curve_.population_size_ == 3
    reach_only = score_dataset(events, "klout", reach_weight=1, amplification_weight=0, network_weight=0)
    assert reach_only.loc["c", "score"] > reach_only.loc["a", "score"]
    model.set_params(reach_weight=0.9)
    assert not model.is_fitted
    with pytest.raises(ValueError, match="weights"):
        score_dataset(events, "klout", reach_weight=-1)


def test_fitted_recipe_keeps_its_calibration():
    rows = [(DAY * i, f"e{i % 4}", f"t{i % 3}", "like", None, None) for i in range(30)]
    events = make_events(rows)
    model = KloutStyle().fit(user_features(events))
    knots = model.curve_.knots_.copy()
    later = score_dataset(events, model, as_of=BASE + pd.Timedelta(days=10))
    np.testing.assert_array_equal(model.curve_.knots_, knots)
    assert model.population_size_ == len(user_features(events))  # not refitted on the later population
    assert "model" not in later.attrs  # the fitted recipe stays on the instance, not in the frame
    with pytest.raises(RuntimeError, match="fitted"):
        score_dataset(events, KloutStyle(), refit=False)
    with pytest.raises(ValueError, match="not both"):
        score_dataset(events, model, reach_weight=1)


# ------------------------------------------------------------------------ curves


@pytest.mark.parametrize("name", sorted(CURVES))
def test_curves_hit_their_mean_and_95th_percentile_on_a_large_population(name):
    rng = np.random.default_rng(7)
    raw = np.concatenate([rng.lognormal(0, 1.5, 60_000), np.zeros(5_000)])  # zeros: no engagement
    curve = CalibrationCurve.named(name).fit(raw)
    scores = curve.transform(raw)
    engaged = scores[raw > 0]
    target = CURVES[name]
    assert abs(engaged.mean() - target["mean"]) < 0.2
    assert abs(np.percentile(engaged, 95) - target["p95"]) < 0.3
    assert (scores[raw == 0] == 1.0).all() and scores.max() <= 100 and scores.min() >= 1
    assert curve.floor_share_ == pytest.approx(5_000 / 65_000)
    # the fitted target distribution itself
    a, b = curve.a_, curve.b_
    from scipy import stats

    assert 1 + 99 * a / (a + b) == pytest.approx(target["mean"])
    assert 1 + 99 * stats.beta.ppf(0.95, a, b) == pytest.approx(target["p95"], abs=1e-6)


@pytest.mark.parametrize("name", sorted(CURVES))
def test_curve_mean_is_exact_even_with_heavy_ties(name):
    raw = np.random.default_rng(11).geometric(0.3, 50_000).astype(float)  # ~20 distinct values
    scores = CalibrationCurve.named(name).fit(raw).transform(raw)
    assert scores.mean() == pytest.approx(CURVES[name]["mean"], abs=1e-6)
    assert len(np.unique(scores)) == len(np.unique(raw))  # ties share one score


def test_curve_is_monotone_and_rejects_impossible_targets():
    rng = np.random.default_rng(3)
    curve = CalibrationCurve.named("2012").fit(rng.exponential(size=1_000))
    grid = np.linspace(-1, 12, 2_000)
    assert (np.diff(curve.transform(grid)) >= 0).all()
    with pytest.raises(ValueError, match="no Beta"):
        CalibrationCurve(mean=50, p95=40).fit([1.0, 2.0])
    with pytest.raises(ValueError, match="unknown curve"):
        CalibrationCurve.named("2013")


# ------------------------------------------------------------------------- Kred


def test_kred_points_communities_and_bonus():
    day = DAY
    rows = [(0, "a", None, "post", "p1", None)]
    rows += [(10 + i, f"f{i}", "star", "follow", None, None) for i in range(3)]  # star: 3 followers
    rows += [(day, "star", "a", "reshare", "p1", None), (day + 1, "b", "a", "reply", None, None)]
    rows += [(day + 2, "b", "a", "like", None, None), (day + 3, "a", "b", "mention", None, None)]
    events = make_events(rows)
    model = KredStyle(big_actor_followers=2, community={"a": "one", "star": "one", "b": "two"})
    features = user_features(events, params=model.feature_params(), with_pagerank="pagerank" in model.required_features)
    scored = model.fit(features).transform(features)
    # a: reshare by star (3 followers > 2: 20 points) + reply (10) + like (1)
    assert scored.loc["a", "points"] == 31
    assert scored.loc["star", "points"] == 30  # three follows
    assert scored.loc["a", "score"] == 1000  # top of community "one"
    assert scored.loc["b", "score"] == 1000  # b: one mention, alone at the top of "two"
    assert scored.loc["star", "score"] == pytest.approx(1 + 999 * np.log(31) / np.log(32))
    assert scored.loc["f0", "score"] == 1  # unassigned, no points
    assert model.top_points_ == {"one": 31.0, "two": 10.0, "unassigned": 0.0}
    assert scored.loc["a", "outreach_level"] == 2 and scored.loc["b", "outreach_level"] == 2


def test_kred_community_column_from_users_table(small_dataset):
    scored = score_dataset(small_dataset, "kred", community="community")
    assert scored.loc["a", "score"] == 1000 and scored.loc["b", "score"] == 1000


def test_kred_integer_communities_keep_the_fitted_top():
    # fit on a population with integer community labels; a subpopulation must be normalised by the fitted tops
    features = pd.DataFrame(0.0, index=pd.Index(list("abcd"), name="user_id"), columns=KredStyle.required_features)
    features["reshares_received"] = [10.0, 2.0, 5.0, 1.0]  # 100, 20, 50, 10 points
    features["community"] = [1, 1, 2, 2]
    model = KredStyle(community="community").fit(features)
    assert model.top_points_ == {1: 100.0, 2: 50.0}
    subset = model.transform(features.loc[["b", "d"]])
    assert subset.loc["b", "score"] == pytest.approx(1 + 999 * np.log(21) / np.log(101))
    assert subset.loc["d", "score"] == pytest.approx(1 + 999 * np.log(11) / np.log(51))
    # a float copy of the labels (as a left join with a missing user makes them) still finds the tops
    floats = features.loc[["b", "d"]].assign(community=[1.0, 2.0])
    np.testing.assert_allclose(model.transform(floats)["score"], subset["score"])


def test_persona_and_topic_cannot_be_score_inputs(small_dataset):
    users = small_dataset.users.assign(persona=["bot", "everyday", "bot"], topic=["a", "b", "a"])
    dataset = Dataset("labels", users, small_dataset.events)
    for column in ("persona", "topic"):
        with pytest.raises(ValueError, match=f"'{column}'.*How to fix"):
            score_dataset(dataset, "kred", community=column)
    features = user_features(small_dataset.events).assign(persona=["bot", "everyday", "bot"])
    with pytest.raises(ValueError, match="ground truth"):
        KredStyle(community="persona").fit(features)
    with pytest.raises(ValueError, match="ground truth"):
        KredStyle(community=users.set_index("user_id")["persona"]).fit(features)

    class TopicReader(KloutStyle):
        required_features = KloutStyle.required_features + ("topic",)

    with pytest.raises(ValueError, match="'topic'"):
        TopicReader().fit(features.assign(topic="x"))


def test_missing_user_columns_say_how_to_fix(small_dataset):
    with pytest.raises(KeyError, match="lacks column.*'region'.*How to fix"):
        score_dataset(small_dataset, "kred", community="region")
    with pytest.raises(KeyError, match="no users table was given.*How to fix"):
        score_dataset(small_dataset.events, "kred", community="community")


def test_ids_with_a_dataset_keep_its_community_column(small_dataset):
    scored = score_dataset(small_dataset, "kred", community="community", users=["b", "a"])
    assert list(scored.index) == ["b", "a"] and scored.loc["a", "score"] == 1000


@settings(max_examples=30, deadline=None)
@given(events=event_tables(), cuts=st.lists(st.floats(0, 1), min_size=2, max_size=5))
def test_kred_outreach_never_falls(events, cuts):
    first, last = events["timestamp"].min(), events["timestamp"].max()
    levels = []
    for cut in sorted(cuts):
        scored = score_dataset(events, "kred", as_of=first + (last - first) * cut, window_days=7)
        levels.append(scored["outreach_level"])
    for earlier, later in zip(levels, levels[1:]):
        common = earlier.index
        assert (later.reindex(common).to_numpy() >= earlier.to_numpy()).all()


# -------------------------------------------------------------------------- SNP


def test_snp_by_hand():
    rows = [(i, "A", None, "post", f"p{i}", None) for i in range(4)]
    rows += [(10 + i, follower, "A", "follow", None, None) for i, follower in enumerate("BCD")]
    rows += [(20, "B", "A", "reshare", "p0", None), (21, "C", "A", "reshare", "p0", None)]
    rows += [(22, "C", "A", "reply", "p1", None), (23, "D", "A", "mention", None, None)]
    model = SocialNetworkingPotential()
    scored = score_dataset(make_events(rows), model)
    # Ir = {B, C, D} / 3 followers = 1; RMr = (1 reshared + 1 replied) / 4 posts = 0.5
    assert scored.loc["A", "interactor_ratio"] == 1.0
    assert scored.loc["A", "reshare_reply_ratio"] == 0.5
    assert scored.loc["A", "score"] == 0.75
    assert model.basis_["followers"] == "follow events"


def test_snp_without_followers_or_post_ids_uses_documented_proxies():
    # Higgs-like: reshares and mentions only, no post ids, no follows
    rows = [(0, "B", "A", "reshare", None, None), (1, "C", "A", "mention", None, None)]
    rows += [(2, "A", "C", "reply", None, None), (3, "B", "A", "reshare", None, None)]
    model = SocialNetworkingPotential()
    scored = score_dataset(make_events(rows), model)
    assert not model.uses_followers_ and not model.uses_post_ids_
    assert "proxy" in model.basis_["followers"] and "proxy" in model.basis_["posts"]
    # A: Ir = 2 interactors / audience 2; RMr = min(1, 2 reshares / 1 item) + 0 replies
    assert scored.loc["A", "interactor_ratio"] == 1.0
    assert scored.loc["A", "reshare_reply_ratio"] == 1.0
    # C: received a reply; published one mention: RMr = 0 + min(1, 1/1) = 1; Ir = 0 / 1
    assert scored.loc["C", "score"] == 0.5
    assert scored["score"].notna().all()


# ------------------------------------------------------------------------ Network


def test_network_score_is_log_scaled_networkx_pagerank():
    rows = [(i, f"u{i % 5}", f"u{(i * 3 + 1) % 7}", "like", None, None) for i in range(40)]
    events = make_events(rows)
    scored = score_dataset(events, "network")
    graph = nx.DiGraph()
    for (a, b), n in events.groupby(["actor_id", "target_id"]).size().items():
        if a != b:
            graph.add_edge(a, b, weight=float(n))
    expected = pd.Series(nx.pagerank(graph, alpha=0.85, tol=1e-12, max_iter=1000))
    np.testing.assert_allclose(scored.loc[expected.index, "pagerank"], expected, rtol=1e-6)
    mapped = LogScale().fit(expected.to_numpy()).transform(expected.to_numpy())
    np.testing.assert_allclose(scored.loc[expected.index, "score"], mapped, atol=1e-4)


# ------------------------------------------------------------------------ Robust


def _ring_and_fans():
    rows = []
    # a ring of 5 who all engage each other daily; a "real" user r with 5 fans who themselves have fans
    ring = [f"ring{i}" for i in range(5)]
    for d in range(20):
        for i, a in enumerate(ring):
            for b in ring:
                if a != b:
                    rows.append((d * DAY + i, a, b, "like", None, None))
    for i in range(5):
        rows.append((DAY * i + 100, f"fan{i}", "r", "like", None, None))
        for j in range(4):
            rows.append((DAY * i + 200 + j, f"fanfan{i}{j}", f"fan{i}", "like", None, None))
    return make_events(rows)


def test_robust_score_discounts_a_reciprocal_ring():
    events = _ring_and_fans()
    klout = score_dataset(events, "klout")
    robust = score_dataset(events, "robust")
    assert klout.loc["ring0", "score"] > klout.loc["r", "score"]  # the ring games Klout-style
    assert robust.loc["r", "score"] > robust.loc["ring0", "score"]  # not the robust score
    softer = score_dataset(events, "robust", ring_penalty=0.0)
    assert softer.loc["ring0", "reach"] > robust.loc["ring0", "reach"]


def test_robust_score_ignores_followers_and_discounts_young_accounts():
    rows = [(i, f"bot{i}", "buyer", "follow", None, None) for i in range(200)]
    rows += [(1000 + i, f"bot{i}", "buyer", "like", None, None) for i in range(5)]
    rows += [(1000 + i, f"old{i}", "honest", "like", None, None) for i in range(5)]
    events = make_events(rows)
    created = {f"bot{i}": BASE - pd.Timedelta(days=2) for i in range(200)}
    created.update({f"old{i}": BASE - pd.Timedelta(days=900) for i in range(5)})
    users = pd.DataFrame({"user_id": list(created), "created_at": list(created.values())})
    users = pd.concat([users, pd.DataFrame({"user_id": ["buyer", "honest"], "created_at": BASE})], ignore_index=True)
    scored = score_dataset(Dataset("bots", users, events), "robust", with_features=True)
    assert scored.loc["honest", "score"] > scored.loc["buyer", "score"]
    without_follows = score_dataset(Dataset("bots", users, events[events["kind"] != "follow"]), "robust")
    assert without_follows.loc["buyer", "raw"] == pytest.approx(scored.loc["buyer", "raw"])


def test_robust_score_refuses_decay():
    events = _ring_and_fans()
    with pytest.raises(ValueError, match="window"):
        score_dataset(events, "robust", half_life_days=10)


def test_unknown_recipe_and_missing_features():
    with pytest.raises(ValueError, match="unknown recipe"):
        make_recipe("peerindex")
    with pytest.raises(KeyError, match="lack"):
        SocialNetworkingPotential().fit(pd.DataFrame({"posts": [1.0]}))
    with pytest.raises(RuntimeError, match="fit"):
        RobustScore().transform(pd.DataFrame())


# ------------------------------------------------------- a small synthetic world


@pytest.fixture(scope="module")
def generated_world():
    from influence_lab.datasets.world import WorldConfig, generate_world

    return generate_world(WorldConfig(n_users=300, n_fake_followers=300, seed=3))


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_every_recipe_on_a_generated_world(generated_world, name):
    world = generated_world
    model = make_recipe(name)
    scored = score_dataset(world, model)
    low, high = model.scale
    assert len(scored) == len(world.users)
    assert scored["score"].notna().all() and scored["score"].between(low, high).all()
    # the ground truth is in the users table; removing it changes nothing
    pd.testing.assert_frame_equal(scored, score_dataset(world.without_truth(), name))
    assert_explained(model, features_for(model, world))


def test_generated_world_floor_and_robust_score_against_bots(generated_world):
    world = generated_world
    klout = score_dataset(world, "klout", with_features=True)
    robust = score_dataset(world, "robust")
    persona = world.users.set_index("user_id")["persona"].astype(str)
    # the floor is exactly the users with no reaction received (bought followers among them)
    floor = klout["score"] == 1
    pd.testing.assert_series_equal(floor, klout["reactions_received"] == 0, check_names=False)
    assert 0 < floor.sum() < len(klout)
    engaged = klout["reach"] > 0
    assert klout.loc[engaged, "score"].mean() == pytest.approx(20, abs=0.5)  # the pre-2012 curve's mean
    bots = persona.index[persona == "bot"]
    assert len(bots) > 0
    # bots sit lower in the population under the robust score than under the Klout-style one
    assert robust["score"].rank(pct=True)[bots].mean() < klout["score"].rank(pct=True)[bots].mean()
