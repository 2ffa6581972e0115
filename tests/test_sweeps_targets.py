"""studies.sweeps against the direct computation on small worlds: the targets of tracking_sweep, its cache, the
verdicts of one target, the cells that reproduce a value, the omitted-variable sweep; hiring.screen_by_recipe
against its parts; and the figures drawn from them."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.collections import LineCollection, PathCollection, QuadMesh  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402
from scipy import stats  # noqa: E402

from influence_lab import make_recipe  # noqa: E402
from influence_lab.course import plotting  # noqa: E402
from influence_lab.datasets.world import WorldConfig, engagement_received, generate_world  # noqa: E402
from influence_lab.scoring.events import day_end  # noqa: E402
from influence_lab.scoring.features import user_features  # noqa: E402
from influence_lab.studies import hiring, sweeps  # noqa: E402
from influence_lab.studies.validity import omitted_variable_bias  # noqa: E402

BASE = WorldConfig(n_users=800, n_fake_followers=300)
AS_OF = "2012-04-15"
AXES = {"outcomes__click_attention_corr": [-1.0, 1.0]}
SETTINGS = sweeps.grid_settings(AXES)
MEASURES = ("klout", "followers", "reactions_received")
MIN_REACTIONS = 5


@pytest.fixture(scope="module")
def sweep():
    return sweeps.tracking_sweep(SETTINGS, seeds=(1, 2), base=BASE, as_of=AS_OF, measures=MEASURES,
                                 targets=sweeps.TARGETS, min_reactions=MIN_REACTIONS)


@pytest.fixture(scope="module")
def worlds():
    """Seed 1 generated directly (not through generate_outcome_variants) for each value of the swept axis."""
    return {value: generate_world(BASE.replace(seed=1, outcomes__click_attention_corr=value))
            for value in AXES["outcomes__click_attention_corr"]}


def _populations(world, when, min_reactions):
    feats = user_features(world, as_of=when)
    users = world.users.set_index("user_id")
    real = feats.index.intersection(users.index[users["persona"] != "fake_follower"])
    received = feats.loc[real, "reactions_received"]
    return feats, {"all": real, "active": real[received >= min_reactions], "reacted": real[received >= 1]}


def test_every_target_is_scipy_s_spearman_on_the_world(sweep, worlds):
    when = day_end(AS_OF)
    assert set(sweep["target"]) == set(sweeps.TARGETS) and set(sweep["population"]) == {"all", "active", "reacted"}
    assert len(sweep) == 2 * 2 * 3 * len(MEASURES) * len(sweeps.TARGETS)
    for value, world in worlds.items():
        label = f"click_attention_corr={value:g}"
        feats, populations = _populations(world, when, MIN_REACTIONS)
        klout = make_recipe("klout").score(world, as_of=when)["score"]
        truth = world.users.set_index("user_id")
        months = world.outcomes[world.outcomes["period"] >= when]
        later = engagement_received(world.events, when, when + pd.Timedelta(days=90))
        got = (sweep[(sweep["seed"] == 1) & (sweep["setting"] == label)]
               .set_index(["population", "measure", "target"]).sort_index())
        for population, ids in populations.items():
            assert 2 < len(ids) and (got.xs(population, level="population")["n"] == len(ids)).all()
            targets = {
                "true_influence": truth.loc[ids, "true_influence"],
                "clicks": months[months["metric"] == "clicks"].groupby("user_id")["value"].sum().reindex(ids, fill_value=0),
                "conversions": months[months["metric"] == "conversions"].groupby("user_id")["value"].sum()
                .reindex(ids, fill_value=0),
                "reactions_later": later.reindex(ids, fill_value=0),
            }
            for measure, values in {"klout": klout.reindex(ids), "followers": feats.loc[ids, "followers"]}.items():
                for target, y in targets.items():
                    expected = stats.spearmanr(values.to_numpy(dtype=float), y.to_numpy(dtype=float)).statistic
                    assert got.loc[(population, measure, target), "spearman"] == pytest.approx(expected, abs=1e-12), (
                        label, population, measure, target)
            captured = got.xs("true_influence", level="target").loc[population, "offline_captured"]
            assert captured.notna().all()
            offline = truth.loc[ids, "true_offline_influence"]
            assert captured["klout"] == pytest.approx(
                sweeps.captured_share(klout.reindex(ids), offline), abs=1e-12)
    assert sweep.loc[sweep["target"] != "true_influence", "offline_captured"].isna().all()
    assert sweep.loc[sweep["target"] == "true_influence", "offline_captured"].notna().all()
    # the outcome parameter redraws the clicks, not the events: later engagement is the same in both cells
    first = sweep[sweep["seed"] == 1].set_index(["setting", "population", "measure", "target"])["spearman"]
    low, high = first.loc["click_attention_corr=-1"], first.loc["click_attention_corr=1"]
    pd.testing.assert_series_equal(low.xs("reactions_later", level="target"), high.xs("reactions_later", level="target"))
    assert (low.xs("clicks", level="target") - high.xs("clicks", level="target")).abs().max() > 0.05


def test_an_unknown_target_is_refused_naming_it():
    with pytest.raises(ValueError, match="'likes'"):
        sweeps.tracking_sweep(SETTINGS, seeds=(1,), base=BASE, targets=("true_influence", "likes"))


def test_a_cached_sweep_is_read_back_identical_and_keyed_by_its_arguments(tmp_path, monkeypatch):
    monkeypatch.setenv("INFLUENCE_LAB_CACHE", str(tmp_path))
    assert sweeps.sweep_cache_dir() == tmp_path / "sweeps"
    one = {"base": {"outcomes__click_attention_corr": 0.5}}
    options = dict(base=BASE, measures=("followers", "reactions_received"), targets=("true_influence", "clicks"))
    fresh = sweeps.tracking_sweep(one, seeds=(1,), **options)
    first = sweeps.tracking_sweep(one, seeds=(1,), cache=True, **options)
    files = sorted(sweeps.sweep_cache_dir().glob("*.parquet"))
    assert len(files) == 1 and not list(sweeps.sweep_cache_dir().glob("*.tmp"))
    pd.testing.assert_frame_equal(first, fresh)
    again = sweeps.tracking_sweep(one, seeds=(1,), cache=True, **options)
    pd.testing.assert_frame_equal(again, first)
    # the second call reads the file: a table written there is what comes back
    marked = first.assign(spearman=first["spearman"] + 1.0)
    marked.to_parquet(files[0], index=False)
    pd.testing.assert_frame_equal(sweeps.tracking_sweep(one, seeds=(1,), cache=True, **options), marked)
    other = sweeps.tracking_sweep(one, seeds=(2,), cache=True, **options)
    assert len(list(sweeps.sweep_cache_dir().glob("*.parquet"))) == 2
    assert not np.allclose(other["spearman"].to_numpy(), first["spearman"].to_numpy())


def test_verdicts_read_one_target(sweep):
    clicks = sweeps.verdicts(sweep, "klout", "followers", target="clicks")
    truth = sweeps.verdicts(sweep, "klout", "followers", target="true_influence")
    assert list(clicks.index) == list(truth.index)
    assert not np.allclose(clicks["mean_gap"].to_numpy(), truth["mean_gap"].to_numpy())
    rows = sweep[sweep["target"] == "clicks"].pivot_table(index=["population", "setting", "seed"],
                                                           columns="measure", values="spearman")
    gaps = (rows["klout"] - rows["followers"]).groupby(level=["population", "setting"]).agg(["mean", "min", "max"])
    for key, row in gaps.iterrows():
        assert clicks.loc[key, "mean_gap"] == pytest.approx(row["mean"], abs=1e-12)
        assert (clicks.loc[key, "low"], clicks.loc[key, "high"]) == pytest.approx((row["min"], row["max"]), abs=1e-12)
    # a sweep without a target column is read as all true_influence
    legacy = sweep[sweep["target"] == "true_influence"].drop(columns="target")
    pd.testing.assert_frame_equal(sweeps.verdicts(legacy, "klout", "followers"), truth)
    with pytest.raises(ValueError, match="'likes'"):
        sweeps.verdicts(sweep, "klout", "followers", target="likes")
    with pytest.raises(ValueError, match="'conversions'"):
        sweeps.verdicts(sweep[sweep["target"] != "conversions"], "klout", "followers", target="conversions")
    table = sweeps.map_verdicts(sweep, SETTINGS, AXES, "klout", "followers", population="reacted", target="clicks")
    assert list(table["outcomes__click_attention_corr"]) == [SETTINGS[s]["outcomes__click_attention_corr"]
                                                             for s in table["setting"]]
    np.testing.assert_allclose(table.set_index("setting")["mean_gap"],
                               clicks.loc["reacted"].loc[table["setting"], "mean_gap"], atol=1e-12)


def test_reproducing_cells_are_those_whose_seed_mean_is_in_the_interval(sweep):
    options = dict(measure="followers", target="clicks", population="reacted")
    rows = sweep[(sweep["measure"] == "followers") & (sweep["target"] == "clicks") & (sweep["population"] == "reacted")]
    means = rows.groupby("setting")["spearman"].agg(["mean", "min", "max"])
    lo_cell, hi_cell = means["mean"].idxmin(), means["mean"].idxmax()
    assert means.loc[hi_cell, "mean"] > means.loc[lo_cell, "mean"] + 0.02
    middle = means["mean"].mean()
    table = sweeps.reproducing_cells(sweep, SETTINGS, AXES, middle, 1.0, **options).set_index("setting")
    assert table.loc[hi_cell, "reproduces"] and not table.loc[lo_cell, "reproduces"]
    for cell in means.index:
        assert table.loc[cell, "mean"] == pytest.approx(means.loc[cell, "mean"], abs=1e-12)
        assert table.loc[cell, ["seed_low", "seed_high"]].tolist() == pytest.approx(
            means.loc[cell, ["min", "max"]].tolist(), abs=1e-12)
        assert table.loc[cell, "outcomes__click_attention_corr"] == SETTINGS[cell]["outcomes__click_attention_corr"]
    # the bounds are inclusive, and the other side of the interval works as well
    exact = sweeps.reproducing_cells(sweep, SETTINGS, AXES, means.loc[lo_cell, "mean"], means.loc[lo_cell, "mean"],
                                     **options).set_index("setting")
    assert exact["reproduces"].to_dict() == {lo_cell: True, hi_cell: False}
    below = sweeps.reproducing_cells(sweep, SETTINGS, AXES, -1.0, middle, **options).set_index("setting")
    assert below["reproduces"].to_dict() == {lo_cell: True, hi_cell: False}
    # the default relation (received then, received later) depends on the events only: both cells share it
    default = sweeps.reproducing_cells(sweep, SETTINGS, AXES, 0.0, 1.0)
    assert default["mean"].nunique() == 1 and default["reproduces"].all()
    with pytest.raises(ValueError, match="'posts'"):
        sweeps.reproducing_cells(sweep, SETTINGS, AXES, 0.0, 1.0, measure="posts")
    with pytest.raises(ValueError, match="'reactions_later'"):
        sweeps.reproducing_cells(sweep[sweep["target"] != "reactions_later"], SETTINGS, AXES, 0.0, 1.0)


def test_omitted_bias_sweep_is_the_direct_omitted_variable_bias():
    values = [-0.5, 1.0]
    table = sweeps.omitted_bias_sweep(values, seeds=(1,), base=BASE, as_of=AS_OF)
    assert list(table["offline_online_corr"]) == values and (table["seed"] == 1).all()
    when = day_end(AS_OF)
    for value in values:
        world = generate_world(BASE.replace(seed=1, outcomes__offline_online_corr=value))
        feats = user_features(world, as_of=when)
        users = world.users.set_index("user_id")
        real = [u for u in feats.index if users.loc[u, "persona"] != "fake_follower"]
        ids = [u for u in real if feats.loc[u, "reactions_received"] >= 1]
        klout = make_recipe("klout").score(world, as_of=when)["score"]
        months = world.outcomes[(world.outcomes["metric"] == "conversions") & (world.outcomes["period"] >= when)]
        frame = pd.DataFrame({
            "klout": klout.reindex(ids),
            "conversions": months.groupby("user_id")["value"].sum().reindex(ids, fill_value=0),
            "true_offline_reach": users.loc[ids, "true_offline_reach"],
        })
        expected = omitted_variable_bias(frame, "conversions", "klout", "true_offline_reach")
        row = table[table["offline_online_corr"] == value].iloc[0]
        assert row["n"] == len(ids) > 100
        for key, number in expected.items():
            assert row[key] == pytest.approx(number, rel=1e-9, abs=1e-12), (value, key)
    bias = table.set_index("offline_online_corr")["bias"]
    # offline reach tied to online popularity: the score borrows it (a larger positive bias)
    assert bias.loc[1.0] > bias.loc[-0.5], f"bias at 1.0 = {bias.loc[1.0]:.4f}, at -0.5 = {bias.loc[-0.5]:.4f}"
    assert bias.loc[1.0] > 0


def test_screen_by_recipe_is_its_parts(worlds):
    world = worlds[1.0]
    when = day_end("2012-06-30")
    _, populations = _populations(world, when, 1)
    ids = populations["reacted"]
    truth = world.users.set_index("user_id")["true_influence"]
    table = hiring.screen_by_recipe(world, truth, ["klout"], as_of="2012-06-30", previous="2012-03-31", users=ids,
                                    n_boot=100, seed=3)
    assert list(table["recipe"]) == ["klout"]
    row = table.iloc[0]
    score = make_recipe("klout").score(world, as_of=when)["score"].reindex(ids)
    pairs = hiring.pair_concordance(score, truth.reindex(ids), bins=(0.0, 30.0, 40.0, np.inf), n_boot=100, seed=3)
    gap = pairs.iloc[1]
    assert (gap["gap_low"], gap["gap_high"]) == (30.0, 40.0) and gap["pairs"] > 0
    assert row["gap_pairs"] == gap["pairs"]
    assert (row["concordance"], row["concordance_low"], row["concordance_high"]) == pytest.approx(
        (gap["concordance"], gap["low"], gap["high"]), abs=1e-12)
    cut = hiring.cutoff_errors(score, truth.reindex(ids), 35.0)
    assert row["users"] == cut["users"] == len(ids)
    for key in ("rejected_share", "wrong_order", "missed_top_decile"):
        assert row[key] == pytest.approx(cut[key], abs=1e-12), key
    retest = hiring.retest_agreement(world, "klout", "2012-03-31", "2012-06-30", users=ids, n_boot=100, seed=3)
    assert (row["retest_spearman"], row["retest_low"], row["retest_high"]) == pytest.approx(
        (retest["spearman"], retest["spearman_low"], retest["spearman_high"]), abs=1e-12)
    assert 0 < row["rejected_share"] < 1 and 0 < row["retest_spearman"] < 1


# ---------------------------------------------------------------- figures


def _panel_table():
    rows = []
    for share, gaps in ((0.2, [0.10, -0.20, 0.05, 0.30]), (0.8, [-0.40, 0.15, 0.00, 0.25])):
        for (sigma, corr), gap in zip([(0.0, -1.0), (0.0, 1.0), (1.5, -1.0), (1.5, 1.0)], gaps):
            winner = "klout" if gap > 0.12 else ("followers" if gap < -0.12 else "neither (within seed noise)")
            rows.append({"share": share, "sigma": sigma, "corr": corr, "mean_gap": gap, "winner": winner})
    return pd.DataFrame(rows)


def test_verdict_panels_draw_one_heatmap_per_panel_and_frame_the_marked_cells():
    table = _panel_table()
    marked = {(0.2, 1.5, 1.0), (0.8, 0.0, -1.0), (0.8, 1.5, 1.0)}
    marks = table[["share", "sigma", "corr"]].assign(
        reproduces=[(s, g, c) in marked for s, g, c in table[["share", "sigma", "corr"]].itertuples(index=False)])
    fig = plotting.plot_verdict_panels(table, x="corr", y="sigma", panel="share", first="klout", title="t",
                                       marks=marks)
    maps = [ax for ax in fig.axes if ax.texts and any(isinstance(c, QuadMesh) for c in ax.collections)]
    assert [ax.get_title() for ax in maps] == ["share = 0.2", "share = 0.8"]
    assert len(fig.axes) == 3  # the two maps and one shared colour bar
    for ax, share in zip(maps, (0.2, 0.8)):
        frames = [p for p in ax.patches if isinstance(p, Rectangle) and not p.get_fill()]
        expected = {(g, c) for s, g, c in marked if s == share}
        assert len(frames) == len(expected)
        texts = {(t.get_position()[0], t.get_position()[1]): t.get_text() for t in ax.texts}
        framed = set()
        for frame in frames:
            x, y = frame.get_xy()
            assert (frame.get_width(), frame.get_height()) == (1, 1)
            label = texts[(x + 0.5, y + 0.5)]  # the annotation of the framed cell
            cell = table[(table["share"] == share) & (np.isclose(table["mean_gap"], float(label.split("\n")[0])))]
            assert len(cell) == 1
            framed.add((cell["sigma"].iloc[0], cell["corr"].iloc[0]))
        assert framed == expected
    plt.close(fig)
    plain = plotting.plot_verdict_panels(table, x="corr", y="sigma", panel="share", title="t")
    assert not any(ax.patches for ax in plain.axes)
    plt.close("all")


def test_bias_by_parameter_draws_the_seed_means_and_the_seeds():
    table = pd.DataFrame({"offline_online_corr": [-0.5, -0.5, 0.0, 0.0, 1.0, 1.0], "seed": [1, 2] * 3,
                          "short": [0.30, 0.32, 0.35, 0.37, 0.45, 0.41], "long": [0.29, 0.27, 0.26, 0.28, 0.22, 0.20]})
    ax = plotting.plot_bias_by_parameter(table, parameter="offline_online_corr", title="t")
    assert len(ax.lines) == 3  # the two means and the zero line
    means = table.groupby("offline_online_corr")[["short", "long"]].mean()
    for line, column in zip(ax.lines[:2], ("short", "long")):
        np.testing.assert_allclose(np.asarray(line.get_xdata(), dtype=float), means.index)
        np.testing.assert_allclose(np.asarray(line.get_ydata(), dtype=float), means[column])
    dots = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(dots) == 2 and all(len(d.get_offsets()) == len(table) for d in dots)
    assert len(ax.get_legend().get_texts()) == 2
    plt.close("all")


def test_concordance_draws_the_bins_with_their_intervals():
    table = pd.DataFrame({"gap_low": [0.0, 10.0, 30.0], "gap_high": [10.0, 30.0, 50.0], "pairs": [90, 60, 20],
                          "concordance": [0.55, 0.68, 0.81], "low": [0.50, 0.60, 0.70], "high": [0.60, 0.75, 0.90]})
    ax = plotting.plot_concordance(table, mark_gap=33, title="t")
    data = ax.lines[0]
    np.testing.assert_allclose(np.asarray(data.get_xdata(), dtype=float), [5.0, 20.0, 40.0])
    np.testing.assert_allclose(np.asarray(data.get_ydata(), dtype=float), table["concordance"])
    assert len(ax.lines) == 5  # the points, the two rows of caps, the coin toss and the marked gap
    bars = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(bars) == 1
    np.testing.assert_allclose([seg[:, 1] for seg in bars[0].get_segments()], table[["low", "high"]].to_numpy())
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["a coin toss", "a 33-point gap"]
    plt.close("all")
    unmarked = plotting.plot_concordance(table, title="t")
    assert len(unmarked.lines) == 4 and len(unmarked.get_legend().get_texts()) == 1
    plt.close("all")
