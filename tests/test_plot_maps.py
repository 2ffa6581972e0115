"""The verdict map's figure marks each cell with the winner the table names."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402

from influence_lab.course import plotting  # noqa: E402


def test_verdict_map_marks_each_cell_with_its_winner():
    table = pd.DataFrame({
        "sigma": [0.0, 0.0, 1.5, 1.5],
        "corr": [-1.0, 1.0, -1.0, 1.0],
        "mean_gap": [0.01, 0.02, -0.25, 0.18],
        "winner": ["neither (within seed noise)", "neither (within seed noise)", "followers", "klout"],
    })
    ax = plotting.plot_verdict_map(table, x="corr", y="sigma", first="Klout-style", title="t")
    texts = sorted(t.get_text() for t in ax.texts)
    assert texts == sorted(["+0.01\n=", "+0.02\n=", "-0.25\nfollowers", "+0.18\nKlout-style"])
    plt.close("all")


def test_verdict_panels_name_each_winner_through_labels_and_frame_marked_cells():
    """A winner whose measure name differs from its display label (reactions_received shown as "count") must
    still be named, not read as the first measure; marked cells get a frame, one axis per panel."""
    table = pd.DataFrame({
        "sigma": [0.0, 1.5] * 2, "share": [0.2, 0.2, 1.0, 1.0], "corr": [0.0] * 4,
        "mean_gap": [-0.2, 0.1, -0.01, 0.15],
        "winner": ["reactions_received", "klout", "neither (within seed noise)", "klout"],
    })
    marks = table[["sigma", "share", "corr"]].assign(reproduces=[False, True, False, False])
    fig = plotting.plot_verdict_panels(table, x="corr", y="sigma", panel="share", first="Klout-style",
                                       second="count", labels={"klout": "Klout-style", "reactions_received": "count"},
                                       marks=marks, title="t")
    heatmaps = [ax for ax in fig.axes if ax.get_title().startswith("share")]
    assert len(heatmaps) == 2
    texts = sorted(t.get_text() for ax in heatmaps for t in ax.texts)
    assert texts == sorted(["-0.20\ncount", "+0.10\nKlout-style", "-0.01\n=", "+0.15\nKlout-style"])
    frames = [p for ax in heatmaps for p in ax.patches if isinstance(p, matplotlib.patches.Rectangle) and not p.get_fill()]
    assert len(frames) == 1
    plt.close("all")


def test_weight_presets_sort_best_on_top_and_mark_the_shipped_setting():
    import numpy as np

    grid = pd.DataFrame({"reach_weight": [1.0, 0.0, 0.4], "amplification_weight": [0.0, 1.0, 0.3],
                         "network_weight": [0.0, 0.0, 0.3], "spearman_truth": [0.5, 0.2, 0.4], "u1": [60, 40, 55]})
    fig = plotting.plot_weight_presets(grid, [("spearman_truth", "tracking"), ("u1", "u1's score")], title="t",
                                       default={"reach_weight": 0.4, "amplification_weight": 0.3})
    left = fig.axes[0]
    labels = [t.get_text() for t in left.get_yticklabels()]
    # bottom to top: worst to best tracking, so the best-tracking setting is the top bar
    assert labels == ["reach 0.00 · ampl. 1.00 · network 0.00", "reach 0.40 · ampl. 0.30 · network 0.30 (shipped)",
                      "reach 1.00 · ampl. 0.00 · network 0.00"]
    widths = [bar.get_width() for bar in left.patches]
    assert widths == [0.2, 0.4, 0.5]
    dark = [tuple(np.round(bar.get_facecolor(), 3)) for bar in left.patches]
    assert dark[1] != dark[0] and dark[0] == dark[2]  # only the shipped bar differs
    assert [bar.get_width() for bar in fig.axes[1].patches] == [40, 55, 60]  # rows stay aligned across panels
    assert plotting.small_text(fig) == []
    plt.close(fig)


def test_engaged_means_figure_wraps_a_long_title_and_reads_at_10_points():
    days = pd.date_range("2004-04-15", periods=5, freq="D", tz="UTC")
    means = pd.DataFrame({"fixed": [10.0, 20, 18, 15, 12], "fixed users": [5, 9, 8, 6, 4],
                          "re-fitted": [20.0] * 5, "re-fitted users": [5, 9, 8, 6, 4]}, index=days)
    ax = plotting.plot_engaged_means(means, calibration_day=days[1], title="word " * 40)
    assert [line.get_label() for line in ax.get_lines()] == ["fixed", "re-fitted", "fixed calibration day"]
    assert "\n" in ax.get_title()
    assert plotting.small_text(ax.figure) == []
    plt.close(ax.figure)


def test_lift_heatmap_orders_strategies_by_mean_gain_and_reads_at_10_points():
    """Strategies sort by their mean gain across recipes (largest on top); each cell prints its gain and interval at
    10 pt or more (the site's figure audit once caught these at 9 pt)."""
    summary = pd.DataFrame({"strategy": ["a", "a", "b", "b"], "recipe": ["klout", "count"] * 2,
                            "mean": [1.0, 2.0, 40.0, 30.0], "low": [0.0, 1.0, 30.0, 20.0], "high": [2.0, 3.0, 50.0, 40.0]})
    ax = plotting.plot_lift_heatmap(summary, labels={"a": "strategy a", "b": "strategy b"}, title="t")
    assert [t.get_text() for t in ax.get_yticklabels()] == ["strategy b", "strategy a"]
    assert "+40\n[30, 50]" in [t.get_text() for t in ax.texts]
    rounding = summary.assign(mean=[-0.3, 2.0, 40.0, 30.0], low=[-0.4, 1.0, 30.0, 20.0])
    ax = plotting.plot_lift_heatmap(rounding, title="t")
    assert "+0\n[0, 2]" in [t.get_text() for t in ax.texts]  # never "-0"
    assert plotting.small_text(ax.figure) == []
    plt.close(ax.figure)


def test_memory_grid_states_each_dip_in_a_title_that_stands_clear_of_its_neighbours():
    """Notebook 03's eight small multiples: each panel's title names its setting and the dip it measures, and no
    title runs into the next (they once did, at four panels a row)."""
    import numpy as np

    days = pd.date_range("2012-01-01", "2012-12-31", freq="D", tz="UTC")
    base = 60 + 5 * np.sin(np.arange(len(days)) / 9)
    paths = {f"{n}-day window": pd.Series(base - (n % 7), index=days) for n in (14, 30, 90, 120)}
    paths |= {f"{n}-day half-life": pd.Series(base, index=days) for n in (7, 14, 30, 90)}
    fig = plotting.plot_memory_grid(paths, split="2012-04-15", suptitle="The finding, in one line")
    titles = [ax.get_title() for ax in fig.axes]
    assert titles[0].startswith("14-day window\ndip ") and "(swing before " in titles[0]
    assert plotting.overlapping_titles(fig) == [] and plotting.small_text(fig) == []
    plt.close(fig)
