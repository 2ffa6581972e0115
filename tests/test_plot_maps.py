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
