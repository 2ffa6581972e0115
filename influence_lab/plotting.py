"""One look for every figure, and the few figure types the notebooks share.

Every figure's title states its finding; axes carry labels and units.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

PALETTE = "colorblind"


def set_theme() -> None:
    """The suite's seaborn theme (call once at the top of a notebook)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    plt.rcParams.update({"figure.figsize": (7.5, 4.2), "figure.dpi": 100, "axes.titleweight": "bold"})


def ccdf(values: pd.Series | np.ndarray) -> pd.DataFrame:
    """Complementary CDF of positive values: share of users with at least x (for log-log plots)."""
    x = np.sort(np.asarray(values, dtype=float))
    x = x[x > 0]
    if len(x) == 0:
        return pd.DataFrame({"x": [], "share_at_least": []})
    unique, first = np.unique(x, return_index=True)
    share = 1.0 - first / len(x)
    return pd.DataFrame({"x": unique, "share_at_least": share})


def plot_ccdf(series: dict[str, pd.Series], *, ax=None, xlabel: str, title: str):
    """Log-log CCDFs of several positive distributions on one axis."""
    ax = ax or plt.subplots()[1]
    for label, values in series.items():
        curve = ccdf(values)
        ax.plot(curve["x"], curve["share_at_least"], marker=".", linestyle="none", markersize=3, label=label)
    ax.set(xscale="log", yscale="log", xlabel=xlabel, ylabel="share of users with at least x", title=title)
    ax.legend(frameon=False)
    return ax


def plot_life_events(ax, life_events: pd.DataFrame, user_id: str):
    """One user's life events (from the ground-truth table) as labelled bars on a time axis."""
    mine = life_events[life_events["user_id"] == user_id].sort_values("start").reset_index(drop=True)
    colours = sns.color_palette(PALETTE, n_colors=max(len(mine), 1))
    for row, colour in zip(mine.itertuples(), colours):
        ax.barh(row.Index, row.end - row.start, left=row.start, color=colour, alpha=0.6, height=0.7)
    labels = [f"{e.replace('_', ' ')} (x{a:.2f})" for e, a in zip(mine["event"], mine["availability"])]
    ax.set_yticks(range(len(mine)), labels)
    ax.invert_yaxis()
    ax.set_ylabel("")
    ax.grid(axis="y", visible=False)
    return ax
