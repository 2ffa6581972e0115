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
