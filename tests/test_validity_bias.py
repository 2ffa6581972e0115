"""studies.validity's omitted-variable bias, percentile standing and the narrowed later-period outcome, against
independent computations (statsmodels fitted here, scipy ranks, hand-counted events)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from influence_lab.contract import Dataset, users_from_events, validate_events
from influence_lab.datasets.world import WorldConfig, generate_world
from influence_lab.scoring.recipes import make_recipe
from influence_lab.studies import validity

BASE = pd.Timestamp("2012-01-01", tz="UTC")


def make_events(rows, *, base=BASE) -> pd.DataFrame:
    """Events from (seconds after base, actor, target, kind, post_id, text) tuples, validated (as test_features)."""
    frame = pd.DataFrame(rows, columns=["seconds", "actor_id", "target_id", "kind", "post_id", "text"])
    frame["timestamp"] = base + pd.to_timedelta(frame.pop("seconds"), unit="s")
    return validate_events(frame[["timestamp", "actor_id", "target_id", "kind", "post_id", "text"]])


DAY = 86_400


# ---------------------------------------------------------------- omitted_variable_bias


def _ovb_frame(rho: float, *, seed: int = 11, n: int = 800) -> pd.DataFrame:
    """Logs with a known structure: log y = 0.5 + 0.4 log s + 0.6 log o + noise, log o = 3 + rho (log s - 3) + noise.

    Values are expm1 of the logs (all positive), so log1p gives the structure back exactly: the long slope of
    the score is 0.4 and the short one 0.4 + 0.6 * (the slope of log o on log s, about rho).
    """
    rng = np.random.default_rng(seed)
    log_s = 3 + 0.6 * rng.normal(size=n)
    log_o = 3 + rho * (log_s - 3) + 0.4 * rng.normal(size=n)
    log_c = 2 + 0.4 * rng.normal(size=n)  # a control, unrelated to the rest
    log_y = 0.5 + 0.4 * log_s + 0.6 * log_o + 0.1 * log_c + 0.3 * rng.normal(size=n)
    logs = np.column_stack([log_s, log_o, log_c, log_y])
    assert logs.min() > 0  # expm1 > 0, so the function's clip at 0 does nothing
    return pd.DataFrame(np.expm1(logs), columns=["score", "offline", "control", "outcome"],
                        index=[f"u{i}" for i in range(n)])


def _fit(frame: pd.DataFrame, y: str, xs: list[str]):
    design = sm.add_constant(np.column_stack([np.log1p(frame[x].to_numpy()) for x in xs]))
    return sm.OLS(np.log1p(frame[y].to_numpy()), design).fit(cov_type="HC3")


@pytest.mark.parametrize("controls", [(), ("control",)])
def test_omitted_variable_bias_is_statsmodels_short_and_long_fits(controls):
    frame = _ovb_frame(0.7)
    got = validity.omitted_variable_bias(frame, "outcome", "score", "offline", controls=controls, level=0.9)
    short = _fit(frame, "outcome", ["score", *controls])
    long = _fit(frame, "outcome", ["score", "offline", *controls])
    aux = _fit(frame, "offline", ["score", *controls])
    s_ci, l_ci = short.conf_int(alpha=0.1)[1], long.conf_int(alpha=0.1)[1]
    expected = {
        "short": short.params[1], "short_low": s_ci[0], "short_high": s_ci[1],
        "long": long.params[1], "long_low": l_ci[0], "long_high": l_ci[1],
        "gamma": long.params[2], "delta": aux.params[1], "bias": short.params[1] - long.params[1],
        "r2_short": short.rsquared, "r2_long": long.rsquared, "n": len(frame),
    }
    assert list(got.index) == list(expected)
    for key, value in expected.items():
        assert got[key] == pytest.approx(value, rel=1e-10, abs=1e-12), key
    # HC3 by hand for the short model's slope: (X'X)^-1 X' diag(e^2 / (1 - h)^2) X (X'X)^-1, normal quantile
    x = sm.add_constant(np.column_stack([np.log1p(frame[c].to_numpy()) for c in ["score", *controls]]))
    y = np.log1p(frame["outcome"].to_numpy())
    bread = np.linalg.inv(x.T @ x)
    beta = bread @ x.T @ y
    e = y - x @ beta
    h = np.einsum("ij,jk,ik->i", x, bread, x)
    cov = bread @ (x.T * (e / (1 - h)) ** 2) @ x @ bread
    half = stats.norm.ppf(0.95) * np.sqrt(cov[1, 1])
    assert got["short_low"] == pytest.approx(beta[1] - half, rel=1e-9)
    assert got["short_high"] == pytest.approx(beta[1] + half, rel=1e-9)
    # the known structure: the long model recovers the true 0.4, the short one borrows from the omitted variable
    assert got["long"] == pytest.approx(0.4, abs=0.07) and got["gamma"] == pytest.approx(0.6, abs=0.07)
    assert got["short_low"] > got["long_high"] and got["short"] == pytest.approx(0.4 + 0.6 * 0.7, abs=0.07)


@pytest.mark.parametrize("rho", [0.8, 0.3, -0.6])
def test_short_is_long_plus_gamma_times_delta_and_the_bias_takes_delta_s_sign(rho):
    got = validity.omitted_variable_bias(_ovb_frame(rho), "outcome", "score", "offline")
    assert got["short"] - (got["long"] + got["gamma"] * got["delta"]) == pytest.approx(0, abs=1e-10)
    assert got["bias"] == pytest.approx(got["gamma"] * got["delta"], abs=1e-10)
    assert got["gamma"] > 0  # the omitted variable raises the outcome in every case
    assert np.sign(got["delta"]) == np.sign(rho)
    assert np.sign(got["bias"]) == np.sign(rho)  # with the score: borrowed; against it: hidden
    assert got["bias"] == pytest.approx(0.6 * rho, abs=0.08)
    with_control = validity.omitted_variable_bias(_ovb_frame(rho), "outcome", "score", "offline", ["control"])
    assert with_control["short"] == pytest.approx(with_control["long"] + with_control["gamma"] * with_control["delta"],
                                                  abs=1e-10)


def test_the_bias_on_a_negative_score_link_is_negative_and_covered_by_the_fits():
    frame = _ovb_frame(-0.6)
    got = validity.omitted_variable_bias(frame, "outcome", "score", "offline")
    assert got["bias"] < 0 and got["short"] < got["long"]
    assert got["short_high"] < got["long_low"]  # far enough apart that the intervals do not meet


@pytest.mark.filterwarnings("ignore:The design matrix is rank-deficient")  # a constant omitted column, on purpose
def test_a_constant_column_warns_naming_it_and_a_missing_one_raises():
    frame = _ovb_frame(0.5).assign(flat=4.0)
    with pytest.warns(UserWarning, match="omitted_variable_bias: predictor 'flat' is constant"):
        validity.omitted_variable_bias(frame, "outcome", "score", "offline", controls=("flat",))
    with pytest.warns(UserWarning, match="'flat' is constant"):
        validity.omitted_variable_bias(frame, "outcome", "score", "flat")
    with pytest.raises(KeyError, match="nowhere"):
        validity.omitted_variable_bias(frame, "outcome", "score", "nowhere")
    with pytest.raises(KeyError, match="absent"):
        validity.omitted_variable_bias(frame, "outcome", "score", "offline", controls=("absent",))


# ---------------------------------------------------------------- percentile_standing


def test_percentile_standing_is_the_mid_rank_percentile_with_ties():
    frame = pd.DataFrame({
        "score": [10.0, 20.0, 20.0, 20.0, 5.0, 40.0],
        "followers": [3, 3, 1, 0, 7, 9],
        "with_gap": [1.0, np.nan, 2.0, 2.0, 8.0, 0.5],
    }, index=list("abcdef"))
    columns = ["score", "followers", "with_gap"]
    for user in frame.index:
        got = validity.percentile_standing(frame, user, columns)
        assert got.name == user and list(got.index) == columns
        for column in columns:
            values = frame[column].dropna()
            if user not in values.index:
                assert np.isnan(got[column])
                continue
            ranks = stats.rankdata(values.to_numpy(), method="average")
            expected = (ranks[list(values.index).index(user)] - 0.5) / len(values) * 100
            assert got[column] == pytest.approx(expected, abs=1e-12), (user, column)
    # b, c and d tie on score at ranks 3-5 (mid-rank 4): (4 - 0.5) / 6
    assert validity.percentile_standing(frame, "c", ["score"])["score"] == pytest.approx(3.5 / 6 * 100)
    # c and d tie at 2.0 among the five known values (ranks 3 and 4)
    assert validity.percentile_standing(frame, "d", ["with_gap"])["with_gap"] == pytest.approx(3.0 / 5 * 100)
    with pytest.raises(KeyError, match="'zz'"):
        validity.percentile_standing(frame, "zz", columns)
    with pytest.raises(KeyError, match="nope"):
        validity.percentile_standing(frame, "a", ["nope"])


# ---------------------------------------------------------------- reactions_between and predictive_frame


@pytest.fixture(scope="module")
def tiny_events():
    """a, b and d post on January 31 and get reactions, then more reactions on April 1 and from April 10."""
    jan31 = 30 * DAY
    rows = [
        (jan31, "a", None, "post", "p1", "hello"),
        (jan31 + 60, "d", None, "post", "p2", "news"),
        (jan31 + 120, "b", None, "post", "p3", None),
        (jan31 + 3600, "b", "a", "reshare", "p1", None),
        (jan31 + 3700, "c", "a", "like", "p1", None),
        (jan31 + 3800, "b", "a", "reply", "p1", None),
        (jan31 + 3900, "c", "a", "mention", None, None),
        (jan31 + 4000, "a", "a", "reshare", "p1", None),  # self-engagement: never counted
        (jan31 + 4100, "b", "a", "follow", None, None),  # not engagement
        (jan31 + 4200, "b", "d", "like", "p2", None),
        (jan31 + 4300, "c", "b", "reshare", "p3", None),
        # after the split (end of March 31): day 91 is April 1, between the split and a later start
        (91 * DAY + 10, "b", "a", "reshare", "p1", None),
        (91 * DAY + 20, "c", "a", "like", "p1", None),
        (91 * DAY + 30, "c", "d", "reshare", "p2", None),
        # from April 10 on
        (100 * DAY, "c", "a", "reshare", "p1", None),
        (100 * DAY + 10, "b", "a", "reply", "p1", None),
        (100 * DAY + 20, "a", "a", "reshare", "p1", None),
        (101 * DAY, "b", "d", "like", "p2", None),
    ]
    return make_events(rows)


@pytest.fixture(scope="module")
def tiny(tiny_events):
    return Dataset("tiny", users_from_events(tiny_events), tiny_events)


def test_reactions_between_counts_only_the_kinds_asked_for(tiny):
    end = BASE + pd.Timedelta(days=200)
    everything = validity.reactions_between(tiny, BASE, end)
    assert everything.name == "reactions_later"
    # a: reshare, like, reply, mention in January, reshare and like on April 1, reshare and reply on April 10
    assert everything.to_dict() == {"a": 8, "d": 3, "b": 1}
    reshares = validity.reactions_between(tiny, BASE, end, kinds=("reshare",))
    assert reshares.to_dict() == {"a": 3, "b": 1, "d": 1}  # the self-reshares of a are not counted
    assert reshares.name == "reactions_later"
    two = validity.reactions_between(tiny, BASE, end, kinds=["like", "reply"])
    assert two.to_dict() == {"a": 4, "d": 2}
    january = validity.reactions_between(tiny, BASE, BASE + pd.Timedelta(days=31), kinds=("reshare",))
    assert january.to_dict() == {"a": 1, "b": 1}  # [start, end): the April reshares fall outside
    for wrong in (("follow",), ("reshare", "post")):
        with pytest.raises(ValueError, match=wrong[-1]):
            validity.reactions_between(tiny, BASE, end, kinds=wrong)
    with pytest.raises(ValueError, match="kinds is empty"):  # () would silently count nothing
        validity.reactions_between(tiny, BASE, end, kinds=())


def test_a_later_start_leaves_the_gap_after_the_split_out(tiny):
    split = "2012-03-31"
    default = validity.predictive_frame(tiny, split, recipes=("klout",), baselines=("reactions_received",))
    later = validity.predictive_frame(tiny, split, recipes=("klout",), baselines=("reactions_received",),
                                      start="2012-04-10")
    assert sorted(default.index) == ["a", "b", "d"]  # the users who received something in the first window
    assert default["reactions_later"].sort_index().to_dict() == {"a": 4, "b": 0, "d": 2}
    assert later["reactions_later"].sort_index().to_dict() == {"a": 2, "b": 0, "d": 1}  # April 1 left out
    pd.testing.assert_frame_equal(default.drop(columns="reactions_later"), later.drop(columns="reactions_later"))
    reshares = validity.predictive_frame(tiny, split, recipes=("klout",), baselines=("reactions_received",),
                                         start=pd.Timestamp("2012-04-10", tz="UTC"), kinds=("reshare",))
    assert reshares["reactions_later"].sort_index().to_dict() == {"a": 1, "b": 0, "d": 0}
    # the start exactly at the end of the split day is allowed and is the default
    at_split = validity.predictive_frame(tiny, split, recipes=("klout",), baselines=("reactions_received",),
                                         start=validity.day_end(split))
    pd.testing.assert_frame_equal(default, at_split)
    for early in ("2012-03-31", "2012-03-01"):
        with pytest.raises(ValueError, match="before the end of the split day"):
            validity.predictive_frame(tiny, split, recipes=("klout",), baselines=("reactions_received",), start=early)


def test_start_and_kinds_refuse_an_outcome_they_cannot_narrow_and_months_start_after_the_split_day():
    """start/kinds narrow reactions_later only (they used to be ignored for a metric); a metric's months start
    after the end of the split day, as outcome_table's do (a split on the 1st used to count that month)."""
    world = generate_world(WorldConfig(n_users=400, n_fake_followers=100))
    options = dict(recipes=("klout",), baselines=("reactions_received",))
    for extra in ({"start": "2012-07-05"}, {"kinds": ("reshare",)}):
        with pytest.raises(ValueError, match="narrow outcome='reactions_later' only"):
            validity.predictive_frame(world, "2012-07-01", outcome="clicks", **extra, **options)
    frame = validity.predictive_frame(world, "2012-07-01", outcome="clicks", **options)
    klout = make_recipe("klout").score(world, as_of=validity.day_end("2012-07-01"))["score"]
    table = validity.outcome_table(world, "2012-07-01", klout, metric="clicks")
    assert frame["clicks"].to_dict() == table.loc[frame.index, "clicks"].to_dict()


def test_predictive_validity_passes_start_and_kinds_to_its_frame():
    world = generate_world(WorldConfig(n_users=800, n_fake_followers=300))
    options = dict(recipes=("klout",), baselines=("followers", "reactions_received"))
    frame = validity.predictive_frame(world, "2012-06-30", start="2012-07-15", kinds=("reshare", "reply"), **options)
    table = validity.predictive_validity(world, "2012-06-30", start="2012-07-15", kinds=("reshare", "reply"),
                                         n_boot=50, **options).set_index(["measure", "method"])
    for measure in ("klout", "followers", "reactions_received"):
        assert table.loc[(measure, "spearman"), "estimate"] == pytest.approx(
            stats.spearmanr(frame[measure], frame["reactions_later"]).statistic, abs=1e-12)
        assert table.loc[(measure, "spearman"), "n"] == len(frame)
    default = validity.predictive_frame(world, "2012-06-30", **options)
    assert (frame["reactions_later"] <= default["reactions_later"]).all()
    assert frame["reactions_later"].sum() < default["reactions_later"].sum()
    expected = validity.reactions_between(world, "2012-07-15", world.events["timestamp"].max() + pd.Timedelta(seconds=1),
                                          kinds=("reshare", "reply")).reindex(frame.index, fill_value=0)
    np.testing.assert_array_equal(frame["reactions_later"].to_numpy(), expected.to_numpy())
