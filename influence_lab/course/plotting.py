"""One look for every figure, and one function per figure a notebook draws (a figure is one call).

Every figure's title states its finding; axes carry labels and units.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path
from typing import Mapping

import matplotlib.dates as mdates
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from influence_lab.contract import Dataset
from influence_lab.studies import decay

PALETTE = "colorblind"
ONE_DAY = pd.Timedelta(days=1)



def set_theme() -> None:
    """The suite's seaborn theme (call once at the top of a notebook); in a notebook, 200-dpi figures."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    plt.rcParams.update({"figure.figsize": (7.5, 4.2), "figure.dpi": 100, "axes.titleweight": "bold"})
    # In a notebook, figures are stored at twice the screen resolution (200 dpi at this size), so the report's
    # figures (reports/figures/) are sharp on slides; they still display at their usual size.
    try:
        from IPython import get_ipython
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # no IPython: a script, nothing to configure
        return
    shell = get_ipython()
    if shell is not None:
        set_matplotlib_formats("retina")
        if os.environ.get(FIGURE_AUDIT_ENV):
            _audit_displayed_figures(shell, Path(os.environ[FIGURE_AUDIT_ENV]))


#: Set to a file path (the report builder does, per notebook), every figure a notebook displays is checked for
#: text under 10 pt and for titles drawn over each other, and each offender is appended to that file as a JSON line.
FIGURE_AUDIT_ENV = "INFLUENCE_LAB_FIGURE_AUDIT"


def _audit_displayed_figures(shell, log: Path) -> None:
    """Wrap IPython's PNG formatter for figures so each displayed figure is checked by :func:`small_text`."""
    from matplotlib.figure import Figure

    formatter = shell.display_formatter.formatters["image/png"]
    original = formatter.lookup_by_type(Figure)
    if getattr(original, "audits_to", None) == log:
        return

    def audited(fig):
        renderer = _laid_out(fig)  # one layout serves both checks
        found = _small_text(fig, min_points=10.0, scale=_slide_scale(fig, renderer, SLIDE_INCHES))
        clashes = _overlapping_titles(fig, renderer)
        if found or clashes:
            title = fig.get_suptitle() or next((ax.get_title() for ax in fig.axes if ax.get_title()), "")
            with log.open("a", encoding="utf-8") as handle:
                handle.write(json.dumps({"figure": title, "small_text": found, "overlapping": clashes}) + "\n")
        return original(fig)

    audited.audits_to = log
    formatter.for_type(Figure, audited)


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


# ------------------------------------------------ figures of notebooks 01 and 03


def plot_waterfall(ax, points: pd.Series, *, total_label: str = "score", unit: str = "score points"):
    """Waterfall of contributions (first entry the baseline) ending in a bar for their total."""
    steps = points.to_numpy(dtype=float)
    starts = np.r_[0.0, np.cumsum(steps)[:-1]]
    labels = list(points.index) + [total_label]
    colours = ["0.6"] + ["C0" if s >= 0 else "C3" for s in steps[1:]]
    ax.bar(labels[:-1], steps, bottom=starts, color=colours)
    ax.bar(labels[-1], steps.sum(), color="C2")
    for x, (start, step) in enumerate(zip(starts, steps)):
        ax.text(x, start + step, f"{step:+.1f}" if x else f"{step:.0f}", ha="center", va="bottom")
    ax.text(len(steps), steps.sum(), f"{steps.sum():.1f}", ha="center", va="bottom", fontweight="bold")
    ax.set(ylabel=unit)
    return ax


def plot_idle_gaps(gaps: Mapping[str, pd.Series], *, start, idle_days: int, tolerance: float = 1.0, title: str, ax=None):
    """Unaltered minus idle score per day (positive: points lost, negative: the idle path is ABOVE), per memory."""
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 3.8))
    first = decay.utc_day(start)
    ax.axvspan(first, first + idle_days * ONE_DAY, color="grey", alpha=0.15, label=f"the {idle_days} idle days")
    ax.axhspan(-tolerance, tolerance, color="green", alpha=0.07, label=f"within {tolerance:g} point")
    for name, gap in gaps.items():
        ax.plot(gap.index, gap.to_numpy(), label=name)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set(xlabel="2012 (UTC)", ylabel="points lost: unaltered - idle\n(< 0: idle path higher)", title=title)
    ax.legend(frameon=False, fontsize=10)
    return ax


def plot_loss_curves(summary: pd.DataFrame, blogger: pd.DataFrame | None = None, *, axes=None, title: str = ""):
    """Median points lost (with bootstrap interval) and median recovery days against idle days, per variant."""
    if axes is None:
        fig, axes = plt.subplots(1, 2, figsize=(12, 4.6))
        fig.suptitle(title, fontweight="bold")
    for variant, table in summary.groupby(level="variant", sort=False):
        table = table.droplevel("variant")
        k = table.index.to_numpy()
        line = axes[0].plot(k, table["median_loss"], marker="o", label=f"{variant}: median of sample")[0]
        axes[0].fill_between(k, table["loss_low"], table["loss_high"], color=line.get_color(), alpha=0.2)
        axes[1].plot(k, table["median_recovery_days"], marker="o", color=line.get_color(), label=variant)
        if blogger is not None:
            mine = blogger[blogger["variant"] == variant].sort_values("idle_days")
            axes[0].plot(mine["idle_days"], mine["loss"], marker="x", linestyle=":", color=line.get_color(),
                         label=f"{variant}: the blogger")
    axes[0].set(xlabel="idle days (break length)", ylabel="points lost on the last idle day",
                title="Points lost (band: 95% bootstrap interval)")
    axes[1].set(xlabel="idle days (break length)", ylabel="days to recover (within 1 point)",
                title="Days after the break until back within 1 point")
    axes[0].legend(frameon=False, fontsize=10)
    axes[1].legend(frameon=False, fontsize=10)
    return axes


def plot_memory_grid(paths: Mapping[str, pd.Series], *, split, ncols: int = 4, suptitle: str = ""):
    """Small multiples: one score path per memory setting, the day of ``split`` marked, dip stated per panel."""
    nrows = int(np.ceil(len(paths) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.3 * ncols, 3.0 * nrows), sharex=True, sharey=True)
    for ax, (label, path) in zip(np.ravel(axes), paths.items()):
        dip = decay.path_dip(path, split, until=decay.utc_day(split) + 90 * ONE_DAY)
        ax.plot(path.index, path.to_numpy(), linewidth=1)
        ax.axvline(decay.utc_day(split), color="grey", linestyle=":")
        ax.set_title(f"{label}\ndip {dip['drop']:.1f} (swing before {dip['swing_before']:.1f})", fontsize=10)
        ax.xaxis.set_major_locator(mdates.MonthLocator(bymonth=[1, 4, 7, 10]))
        ax.xaxis.set_major_formatter(mdates.DateFormatter("%b %Y"))
        ax.tick_params(axis="x", labelrotation=45, labelsize=10)
    for ax in np.ravel(axes)[len(paths):]:
        ax.set_visible(False)
    for ax in np.atleast_2d(axes)[:, 0]:
        ax.set_ylabel("score (1-100)")
    fig.suptitle(suptitle, fontweight="bold")
    fig.tight_layout()
    return fig


def plot_blogger_story(world: Dataset, user_id: str, scores: Mapping[str, pd.Series], *, split, title: str):
    """Four aligned panels: score paths, life events (ground truth), posts per week, monthly outcomes
    with the constant true influence. Ground truth is only drawn, never scored."""
    events = world.events
    posts = events[(events["actor_id"] == user_id) & (events["kind"] == "post")]
    weekly = posts.set_index("timestamp").resample("W-MON", label="left", closed="left").size()
    mine = world.outcomes[world.outcomes["user_id"] == user_id]
    monthly = mine.pivot(index="period", columns="metric", values="value")
    true_influence = float(world.users.set_index("user_id").loc[user_id, "true_influence"])
    fig, axes = plt.subplots(4, 1, figsize=(10, 6.9), sharex=True, height_ratios=[3, 1.5, 1.5, 2])
    for name, path in scores.items():
        axes[0].plot(path.index, path.to_numpy(), label=name)
    axes[0].axvline(decay.utc_day(split), color="grey", linestyle=":")
    first = events.loc[~events["kind"].isin(["follow", "unfollow"]).to_numpy(), "timestamp"].min().normalize()
    axes[0].axvspan(first, first + 90 * ONE_DAY, color="grey", alpha=0.12, label="90-day window still filling")
    axes[0].set_ylabel("score (1-100)")
    fig.suptitle(title, fontweight="bold", wrap=True)
    axes[0].set_xlim(first, decay.utc_day(events["timestamp"].max()) + ONE_DAY)
    axes[0].legend(frameon=False)
    plot_life_events(axes[1], world.truth["true_life_events"], user_id)
    axes[2].bar(weekly.index, weekly.to_numpy(), width=5)
    axes[2].set(ylabel="posts\nper week")
    middle = monthly.index + pd.Timedelta(days=14)
    for metric, style in [("referrals", "o-"), ("invitations", "s-")]:
        axes[3].plot(middle, monthly[metric].to_numpy(), style, label=f"{metric} (realised, per month)")
    axes[3].axhline(true_influence, color="black", linestyle="--",
                    label="true influence: expected conversions per month at full availability")
    axes[3].set(ylabel="per month", xlabel="2012 (UTC)")
    fig.align_ylabels(axes)
    axes[3].legend(frameon=False, fontsize=10, loc="upper center", bbox_to_anchor=(0.5, -0.55), ncol=2)
    fig.tight_layout()
    return fig


def plot_sweep(sweep: pd.DataFrame, *, value: str = "spearman", population: str = "active", labels=None,
               xlabel: str = "Spearman correlation with true_influence", title: str, ax=None):
    """One row per setting of :func:`influence_lab.studies.sweeps.tracking_sweep`: each measure's seeds as dots and
    their mean as a bar mark, so the reader sees both the verdict and how much it moves from seed to seed."""
    rows = sweep[sweep["population"] == population]
    settings = list(dict.fromkeys(rows["setting"]))
    measures = list(dict.fromkeys(rows["measure"]))
    labels = labels or {}
    if ax is None:
        _, ax = plt.subplots(figsize=(9.5, 1.6 + 0.9 * len(settings)))
    colors = dict(zip(measures, sns.color_palette(PALETTE, len(measures))))
    offsets = np.linspace(-0.25, 0.25, len(measures)) if len(measures) > 1 else np.zeros(1)
    for i, setting in enumerate(settings):
        for offset, measure in zip(offsets, measures):
            values = rows.loc[(rows["setting"] == setting) & (rows["measure"] == measure), value].to_numpy()
            y = i + offset
            ax.scatter(values, np.full(len(values), y), color=colors[measure], s=18, alpha=0.8,
                       label=labels.get(measure, measure) if i == 0 else None)
            ax.plot([values.mean()] * 2, [y - 0.1, y + 0.1], color=colors[measure], linewidth=3)
    ax.set_yticks(range(len(settings)), settings)
    ax.invert_yaxis()
    ax.axvline(0, color="grey", linewidth=0.8)
    ax.set_xlabel(xlabel)
    ax.set_title(title, fontsize=11)
    ax.legend(frameon=False, fontsize=10, loc="upper center", bbox_to_anchor=(0.5, -0.22), ncol=len(measures))
    plt.tight_layout()
    return ax


def _winner_label(winner: str, labels: Mapping[str, str] | None, first: str, second: str) -> str:
    """The text of a cell's winner: '=' within seed noise, else its display label (``labels`` maps measure names;
    without it, the second measure keeps its name and any other winner reads ``first``)."""
    if winner.startswith("neither"):
        return "="
    if labels is not None:
        return labels.get(winner, winner)
    return second if winner == second else first


def _verdict_heatmap(ax, part: pd.DataFrame, *, x: str, y: str, limit: float, cbar: bool, gap_label: str,
                     labels: Mapping[str, str] | None, first: str, second: str, fontsize: float = 11):
    gap = part.pivot(index=y, columns=x, values="mean_gap").sort_index(ascending=False)
    winner = part.pivot(index=y, columns=x, values="winner").reindex_like(gap)
    text = np.empty(gap.shape, dtype=object)
    for i, r in enumerate(gap.index):
        for j, c in enumerate(gap.columns):
            text[i, j] = f"{gap.loc[r, c]:+.2f}\n{_winner_label(winner.loc[r, c], labels, first, second)}"
    sns.heatmap(gap.astype(float), annot=text, fmt="", cmap="vlag", center=0, vmin=-limit, vmax=limit, cbar=cbar,
                annot_kws={"fontsize": fontsize}, cbar_kws={"label": gap_label}, ax=ax)
    ax.set(xlabel=x.split("__")[-1], ylabel=y.split("__")[-1])
    return gap


def _gap_limit(table: pd.DataFrame) -> float:
    return max(float(np.nanmax(np.abs(table["mean_gap"].to_numpy(dtype=float)))), 0.05)


def plot_verdict_map(table: pd.DataFrame, *, x: str, y: str, first: str = "score", second: str = "followers",
                     title: str, labels: Mapping[str, str] | None = None, ax=None):
    """A heatmap of :func:`influence_lab.studies.sweeps.verdict_map`: the mean gap (first minus second) per cell,
    each cell marked with who wins there (``labels`` maps the table's measure names to what the cells say; "="
    when the seeds cannot tell them apart)."""
    n_rows, n_cols = table[y].nunique(), table[x].nunique()
    if ax is None:
        _, ax = plt.subplots(figsize=(max(7.5, 2.5 + 1.5 * n_cols), 1.4 + 1.0 * n_rows))
    _verdict_heatmap(ax, table, x=x, y=y, limit=_gap_limit(table), cbar=True, labels=labels, first=first,
                     second=second, gap_label=f"Spearman gap: {first} - {second}")
    ax.set_title(title, fontsize=11)
    plt.tight_layout()
    return ax


def plot_verdict_panels(table: pd.DataFrame, *, x: str, y: str, panel: str, first: str = "score",
                        second: str = "followers", title: str, labels: Mapping[str, str] | None = None,
                        marks: pd.DataFrame | None = None):
    """:func:`plot_verdict_map` side by side, one heatmap per value of ``panel``, on one colour scale.

    ``labels`` maps the table's measure names to the cells' text (see :func:`plot_verdict_map`). ``marks``: a
    table with the axis columns and a boolean ``reproduces`` (from
    :func:`influence_lab.studies.sweeps.reproducing_cells`); its true cells get a black frame. Returns the figure.
    """
    values = sorted(table[panel].unique())
    limit = _gap_limit(table)
    ncols = len(values)
    fig, axes = plt.subplots(1, ncols, figsize=(3.9 * ncols + 1.0, 4.2), sharey=True, squeeze=False)
    for k, (value, ax) in enumerate(zip(values, axes[0])):
        gap = _verdict_heatmap(ax, table[table[panel] == value], x=x, y=y, limit=limit, cbar=k == ncols - 1,
                               labels=labels, first=first, second=second,
                               gap_label=f"Spearman gap: {first} - {second}")
        if marks is not None:
            hit = marks[(marks[panel] == value) & marks["reproduces"]]
            for _, row in hit.iterrows():
                i, j = list(gap.index).index(row[y]), list(gap.columns).index(row[x])
                ax.add_patch(plt.Rectangle((j, i), 1, 1, fill=False, edgecolor="black", linewidth=3))
        shown = f"{value:g}" if isinstance(value, (int, float, np.number)) else str(value)
        ax.set_title(f"{panel.split('__')[-1]} = {shown}", fontsize=12)
        if k > 0:
            ax.set_ylabel("")
    fig.suptitle(title, fontweight="bold", fontsize=13, wrap=True)
    fig.tight_layout()
    return fig


def plot_bias_by_parameter(table: pd.DataFrame, *, parameter: str, title: str, ax=None):
    """The short and long slopes of :func:`influence_lab.studies.sweeps.omitted_bias_sweep` against the
    parameter: the mean over seeds, with the seeds as dots."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.2))
    mean = table.groupby(parameter)[["short", "long"]].mean()
    for column, label, colour in (("short", "score alone (offline reach left out)", "C3"),
                                  ("long", "score with offline reach in the model", "C0")):
        ax.plot(mean.index, mean[column], marker="o", color=colour, label=label)
        ax.scatter(table[parameter], table[column], color=colour, alpha=0.35, s=14)
    ax.axhline(0, color="black", linewidth=0.8)
    ax.set(xlabel=parameter.split("__")[-1] + " (correlation of offline reach with online popularity)",
           ylabel="slope of log conversions on log score")
    ax.set_title(title, fontsize=11)
    ax.legend(frameon=False, fontsize=10)
    return ax


def plot_concordance(table: pd.DataFrame, *, mark_gap: float | None = None, title: str, ax=None):
    """Pair concordance by score gap (:func:`influence_lab.studies.hiring.pair_concordance`): the chance that the
    higher score belongs to the more influential person, with its interval; ``mark_gap`` draws a line there."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.2))
    mid = (table["gap_low"] + table["gap_high"]) / 2
    ax.errorbar(mid, table["concordance"], yerr=[table["concordance"] - table["low"], table["high"] - table["concordance"]],
                marker="o", capsize=3, color="C0")
    ax.axhline(0.5, color="grey", linestyle="--", linewidth=1, label="a coin toss")
    if mark_gap is not None:
        ax.axvline(mark_gap, color="C3", linewidth=1.2, label=f"a {mark_gap:g}-point gap")
    ax.set(xlabel="score gap between two candidates (points)",
           ylabel="chance the higher score is\nthe more influential person",
           ylim=(min(0.4, float(np.nanmin(table["low"])) - 0.05), 1.0))
    ax.set_title(title, fontsize=11)
    ax.legend(frameon=False, fontsize=10)
    return ax


def plot_validity(table: pd.DataFrame, *, title: str, labels: Mapping[str, str] | None = None, ax=None):
    """Correlations with their intervals (:func:`influence_lab.studies.validity.correlations` rows of one method),
    one bar per measure, scores and the sceptic's baselines in two colours."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.9 + 0.45 * len(table)))
    rows = table.reset_index(drop=True)
    names = [(labels or {}).get(m, m) for m in rows["measure"]]
    colours = ["C0" if kind == "recipe" else "C7" for kind in rows.get("kind", pd.Series(["recipe"] * len(rows)))]
    y = np.arange(len(rows))[::-1]
    ax.barh(y, rows["estimate"], color=colours, alpha=0.8)
    ax.errorbar(rows["estimate"], y, xerr=[rows["estimate"] - rows["low"], rows["high"] - rows["estimate"]],
                fmt="none", ecolor="black", capsize=3, linewidth=1)
    ax.set_yticks(y, names)
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set(xlabel="Spearman correlation with the outcome (95% bootstrap interval)")
    ax.set_title(title, fontsize=11)
    ax.grid(axis="y", visible=False)
    return ax


def plot_reproduction(cells: pd.DataFrame, real: Mapping[str, tuple[float, float, float]], *, x: str, title: str,
                      ax=None):
    """Tie the map to real data: the world's value of a relation in each grid cell (dots with the seed range,
    against axis ``x``) beside the value real datasets give (``real``: name -> (estimate, low, high), drawn as
    bands)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.2))
    for k, (name, (estimate, low, high)) in enumerate(real.items()):
        colour = f"C{k + 1}"
        ax.axhspan(low, high, color=colour, alpha=0.2)
        ax.axhline(estimate, color=colour, linewidth=1.2, label=f"{name}: {estimate:.2f}")
    jitter = np.linspace(-0.04, 0.04, len(cells)) * (cells[x].max() - cells[x].min() or 1)
    ax.errorbar(cells[x] + jitter, cells["mean"], yerr=[cells["mean"] - cells["seed_low"],
                cells["seed_high"] - cells["mean"]], fmt="o", color="C0", capsize=2, markersize=4,
                label="the world (cells that share their events share the value)")
    ax.set(xlabel=x.split("__")[-1], ylabel="Spearman: received in one period\nvs received in the next", ylim=(0, 1))
    ax.set_title(title, fontsize=11)
    ax.legend(frameon=False, fontsize=10, loc="lower right")
    return ax


def plot_lift_heatmap(summary: pd.DataFrame, *, title: str, labels: Mapping[str, str] | None = None,
                      value: str = "mean", unit: str = "percentile points gained", ax=None):
    """The lift table (:func:`influence_lab.studies.gaming.lift_summary`) as a heatmap: strategies down, recipes
    across, each cell the mean gain with its interval below."""
    names = labels or {}
    wide = summary.pivot(index="strategy", columns="recipe", values=value)
    low = summary.pivot(index="strategy", columns="recipe", values="low").reindex_like(wide)
    high = summary.pivot(index="strategy", columns="recipe", values="high").reindex_like(wide)
    order = wide.mean(axis=1).sort_values(ascending=False).index
    wide, low, high = wide.loc[order], low.loc[order], high.loc[order]
    text = np.empty(wide.shape, dtype=object)
    for i in range(wide.shape[0]):
        for j in range(wide.shape[1]):
            mean, lo, hi = (int(np.rint(v)) for v in (wide.iat[i, j], low.iat[i, j], high.iat[i, j]))
            text[i, j] = f"{mean:+d}\n[{lo}, {hi}]"  # whole points, so no "-0"
    if ax is None:
        _, ax = plt.subplots(figsize=(2.4 + 2.1 * wide.shape[1], 1.3 + 0.65 * wide.shape[0]))
    limit = max(float(np.nanmax(np.abs(wide.to_numpy(dtype=float)))), 1.0)
    sns.heatmap(wide.astype(float), annot=text, fmt="", cmap="vlag", center=0, vmin=-limit, vmax=limit,
                annot_kws={"fontsize": 10}, cbar_kws={"label": unit}, ax=ax)
    ax.set_yticks(np.arange(len(order)) + 0.5, [names.get(s, s) for s in order], rotation=0)
    ax.set_xticks(np.arange(wide.shape[1]) + 0.5, [names.get(r, r) for r in wide.columns], rotation=0)
    ax.set(xlabel="", ylabel="")
    ax.set_title("\n".join(textwrap.wrap(title, 90)), fontsize=11)
    return ax


def plot_cost_per_point(table: pd.DataFrame, *, recipe: str, title: str, labels: Mapping[str, str] | None = None,
                        ax=None):
    """Median dollars per percentile point gained (gaming.lift_table rows of one recipe; a gamer's hour priced in),
    one bar per strategy that gains, on a log scale."""
    names = labels or {}
    part = table[(table["recipe"] == recipe) & (table["gain_pct"] > 0.5)]
    cost = (part["cost_usd"] / part["gain_pct"]).groupby(part["strategy"]).median().sort_values()
    cost = cost[cost > 0]
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 0.8 + 0.42 * max(len(cost), 1)))
    ax.barh([names.get(s, s) for s in cost.index][::-1], cost.to_numpy()[::-1], color="C0")
    for y, v in enumerate(cost.to_numpy()[::-1]):
        ax.text(v, y, f" ${v:,.2f}", va="center", fontsize=10)
    ax.set(xscale="log", xlabel="dollars per percentile point (median over attacks; time at the stated rate)")
    ax.set_title(title, fontsize=11)
    ax.grid(axis="y", visible=False)
    return ax


def plot_defence_tradeoff(tradeoff: pd.DataFrame, *, title: str, ax=None):
    """Each defence as a point: the share of the gamers' lift it removes (x) against the honest users it wrongly
    pushes down (y); ``tradeoff`` has columns defence, removed, wrongly_penalised."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.2))
    ax.scatter(tradeoff["removed"] * 100, tradeoff["wrongly_penalised"], s=60, color="C3", zorder=3)
    for _, row in tradeoff.iterrows():
        ax.annotate(f"  {row['defence']}", (row["removed"] * 100, row["wrongly_penalised"]), fontsize=10,
                    va="center")
    ax.set(xlabel="share of the gamers' percentile gain removed (%)",
           ylabel="honest accounts wrongly pushed down\n(more than 20 percentile points)", xlim=(0, 100),
           ylim=(0, max(10.0, float(tradeoff["wrongly_penalised"].max()) * 1.15)))
    ax.set_title(title, fontsize=11)
    return ax


def plot_precision_recall(curves: Mapping[str, pd.DataFrame], *, prevalence: float, title: str, ax=None):
    """Precision-recall curves (columns precision, recall), with the base rate a detector guessing at random gets."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.2))
    for k, (name, curve) in enumerate(curves.items()):
        ax.plot(curve["recall"], curve["precision"], color=f"C{k}", label=name, drawstyle="steps-post")
    ax.axhline(prevalence, color="grey", linestyle="--", linewidth=1, label=f"guessing: {prevalence:.1%}")
    ax.set(xlabel="recall (share of the gamers found)", ylabel="precision (share of flagged who game)",
           xlim=(0, 1), ylim=(0, 1.02))
    ax.set_title(title, fontsize=11)
    ax.legend(frameon=False, fontsize=10)
    return ax


def plot_misattribution(table: pd.DataFrame, *, title: str, xlabel: str = "posts a label needs at least", ax=None):
    """The share of wrong topic labels (bars) and the number of labels left (line, right axis) as the evidence a
    label needs grows (:func:`influence_lab.studies.topics.misattribution_by_evidence`)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.2))
    positions = np.arange(len(table))
    ax.bar(positions, table["misattribution"] * 100, color="C3", alpha=0.8, label="wrong labels (%)")
    ax.set_xticks(positions, [f"{t:g}" for t in table["threshold"]])
    ax.set(xlabel=xlabel, ylabel="labels not among the user's true topics (%)")
    right = ax.twinx()
    right.plot(positions, table["labels"], color="C0", marker="o", label="labels given")
    right.set_ylabel("labels given")
    right.grid(False)
    ax.set_title(title, fontsize=11)
    return ax


def plot_rule_curve(quality: pd.DataFrame, *, title: str, ax=None):
    """Each labelling rule as a point of precision against recall (:func:`influence_lab.studies.topics.rule_quality`
    over several worlds): the mean over seeds, with the seed range as error bars."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.6))
    grouped = quality.groupby("rule", sort=False)
    for k, (rule, part) in enumerate(grouped):
        p, r = part["precision"], part["recall"]
        ax.errorbar(r.mean(), p.mean(), xerr=[[r.mean() - r.min()], [r.max() - r.mean()]],
                    yerr=[[p.mean() - p.min()], [p.max() - p.mean()]], fmt="o", color=f"C{k}", capsize=3, label=rule)
    ax.set(xlabel="recall (share of true topics labelled)", ylabel="precision (share of labels that are right)",
           xlim=(0, 1), ylim=(0, 1.02))
    ax.set_title(title, fontsize=11)
    ax.legend(frameon=False, fontsize=10, loc="lower left")
    return ax


def plot_score_timeline(timeline: pd.DataFrame, *, title: str, ylabel: str = "score", ax=None):
    """Each user's score day by day (a long :func:`influence_lab.scoring.timeline.score_timeline` table:
    day, user_id, score), one line per user."""
    if ax is None:
        _, ax = plt.subplots(figsize=(8.0, 4.2))
    for k, (user, part) in enumerate(timeline.groupby("user_id", sort=False, observed=True)):
        ax.plot(pd.to_datetime(part["day"]), part["score"], color=f"C{k % 10}", lw=1.6, label=str(user))
    ax.set(xlabel="day (UTC)", ylabel=ylabel)
    ax.set_title(title, fontsize=11)
    ax.legend(frameon=False, fontsize=10, loc="best")
    ax.figure.autofmt_xdate()
    return ax


def plot_outcome_scatter(table: pd.DataFrame, *, x: str, y: str, title: str, xlabel: str, ylabel: str,
                         log: bool = True, ax=None):
    """One point per user: a score or count (``x``) against an outcome (``y``), log1p axes by default."""
    if ax is None:
        _, ax = plt.subplots(figsize=(6.0, 4.4))
    ax.scatter(table[x], table[y], s=18, alpha=0.7, color="C0")
    if log:
        ax.set_yscale("symlog", linthresh=1)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    ax.set_title(title, fontsize=11)
    return ax


def plot_floor_by_window(table: pd.DataFrame, *, title: str, ax=None):
    """The share of accounts at each recipe's floor, one bar per window (:func:`influence_lab.studies.own_data.
    floor_by_window`)."""
    if ax is None:
        _, ax = plt.subplots(figsize=(7.5, 4.0))
    wide = table.pivot(index="recipe", columns="window", values="floor_share").reindex(
        columns=list(dict.fromkeys(table["window"])), index=list(dict.fromkeys(table["recipe"])))
    (wide * 100).plot.bar(ax=ax, rot=0, width=0.8, alpha=0.85)
    ax.axhline(50, color="black", lw=0.8, ls="--", label="half of the accounts")
    ax.set(xlabel="recipe", ylabel="accounts at the floor (%)", ylim=(0, 100))
    ax.legend(title="window", frameon=False, fontsize=10, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    ax.set_title(title, fontsize=11)
    return ax


ENGINE_LABELS = {"pandas": "pandas (in memory)", "duckdb": "DuckDB (out of core)", "spark": "Spark (local mode)",
                 "count": "a plain count (pandas)"}
ENGINE_COLOURS = {"duckdb": "C0", "pandas": "C1", "spark": "C2", "count": "C7"}


def plot_scaling(runs: pd.DataFrame, slopes: Mapping[str, Mapping[str, float]] | None = None, *, title: str,
                 time_goal: float | None = None, memory_goal: float | None = None):
    """Time and peak memory against the events table, log-log, one line per engine (a table of
    :func:`influence_lab.studies.scale.recorded_runs` or :func:`~influence_lab.studies.scale.time_engines`), with
    each engine's fitted slope in its label and the goals as dashed lines."""
    has_memory = "peak_memory_gb" in runs
    fig, axes = plt.subplots(1, 2 if has_memory else 1, figsize=(11.0 if has_memory else 6.5, 4.4), squeeze=False)
    for k, (engine, part) in enumerate(runs.groupby("engine", sort=False)):
        part = part.sort_values("events")
        label = ENGINE_LABELS.get(engine, engine)
        if slopes and engine in slopes:
            fit = slopes[engine]
            label += f": time ~ N^{fit['slope']:.2f} [{fit['low']:.2f}, {fit['high']:.2f}]"
        colour = ENGINE_COLOURS.get(engine, f"C{k}")
        axes[0, 0].plot(part["events"], part["seconds"], marker="o", color=colour, label=label)
        if has_memory:
            axes[0, 1].plot(part["events"], part["peak_memory_gb"], marker="o", color=colour)
    axes[0, 0].set(xscale="log", yscale="log", xlabel="events in the table", ylabel="seconds for one scoring")
    if time_goal:
        axes[0, 0].axhline(time_goal, color="black", lw=0.8, ls="--", label=f"goal: {time_goal:g} s")
    handles, labels = axes[0, 0].get_legend_handles_labels()
    fig.legend(handles, labels, frameon=False, fontsize=10, loc="lower center", ncol=2)
    if has_memory:
        axes[0, 1].set(xscale="log", yscale="log", xlabel="events in the table", ylabel="peak memory (GB)")
        if memory_goal:
            axes[0, 1].axhline(memory_goal, color="black", lw=0.8, ls="--")
            axes[0, 1].annotate(f"goal: {memory_goal:g} GB", (runs["events"].min(), memory_goal), fontsize=10,
                                xytext=(0, 4), textcoords="offset points")
    fig.suptitle(title, fontsize=12, fontweight="bold")
    fig.tight_layout(rect=(0, 0.06 * (1 + (len(labels) + 1) // 2), 1, 1))
    return fig


# ------------------------------------------------------------------------------ notebook 06: the claims

#: Colours of the four verdicts (:data:`influence_lab.studies.claims.VERDICTS`).
VERDICT_COLOURS = {"supported": "#1b7837", "partly supported": "#f1a340", "not supported": "#b2182b",
                   "not testable with this data": "#bdbdbd"}


def plot_claim_checks(defaults: pd.DataFrame, *, title: str, labels: Mapping[str, str] | None = None,
                      ncols: int = 4):
    """One small panel per check of :func:`influence_lab.studies.claims.scorecard`'s ``defaults`` table: the
    Klout-style estimate with its 95% interval (coloured by the claim's verdict), the sceptic's baselines beside
    it, and the declared threshold as a dashed line with the claim's side shaded. Returns the figure."""
    labels = dict(labels or {})
    checks = defaults.drop_duplicates(["claim", "check"])[["claim", "check", "quantity", "op", "threshold"]]
    nrows = int(np.ceil(len(checks) / ncols))
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.2 * ncols, 2.3 * nrows + 0.2), squeeze=False)
    markers = {"klout": "o", "followers": "s", "reactions_received": "^"}
    for ax, (_, check) in zip(axes.flat, checks.iterrows()):
        rows = defaults[(defaults["claim"] == check["claim"]) & (defaults["check"] == check["check"])]
        rows = rows.set_index("of").reindex([m for m in markers if m in set(rows["of"])])
        y = np.arange(len(rows))[::-1]
        for yi, (of, row) in zip(y, rows.iterrows()):
            colour = VERDICT_COLOURS.get(row["verdict"], "black") if of == "klout" else "#4d4d4d"
            ax.errorbar(row["estimate"], yi, xerr=[[row["estimate"] - row["low"]], [row["high"] - row["estimate"]]],
                        fmt=markers[of], color=colour, capsize=3, markersize=7)
        ax.set_yticks(y, [labels.get(of, of) for of in rows.index], fontsize=10)
        low, high = ax.get_xlim()
        span = max(high, check["threshold"]) - min(low, check["threshold"])
        low, high = min(low, check["threshold"]) - 0.1 * span, max(high, check["threshold"]) + 0.1 * span
        ax.axvline(check["threshold"], color="black", linestyle="--", linewidth=1)
        side = (check["threshold"], high) if check["op"] == ">=" else (low, check["threshold"])
        ax.axvspan(*side, color="#1b7837", alpha=0.08)
        ax.set_xlim(low, high)
        ax.set_ylim(-0.7, len(rows) - 0.3)
        quantity = textwrap.wrap(check["quantity"], 34)
        if len(quantity) > 2:
            quantity = [quantity[0], textwrap.shorten(" ".join(quantity[1:]), 34, placeholder="…")]
        ax.set_title("\n".join([check["claim"], *quantity]), fontsize=10)
        ax.tick_params(axis="x", labelsize=10)
    for ax in list(axes.flat)[len(checks):]:
        ax.set_visible(False)
    fig.suptitle(title, fontweight="bold", fontsize=13)
    fig.tight_layout()
    return fig


def plot_claim_sweep(sweep: pd.DataFrame, *, title: str, order=None):
    """Which verdict each claim gets in each swept setting (:func:`influence_lab.studies.claims.sweep_claims`):
    one row per claim, one column per setting it rests on, coloured by verdict; blank where the setting does
    not bear on the claim. Returns the figure."""
    rows = sweep[(sweep["check"] == 0) & (sweep.get("of", "klout") == "klout")]
    codes = {v: i for i, v in enumerate(VERDICT_COLOURS)}
    wide = rows.pivot_table(index="claim", columns="setting", values="verdict", aggfunc="first")
    wide = wide.reindex([c for c in (order or wide.index) if c in wide.index])
    settings = ["defaults", *sorted(c for c in wide.columns if c != "defaults")]
    wide = wide[settings]
    numbers = wide.apply(lambda column: column.map(codes)).astype(float)
    from matplotlib.colors import ListedColormap

    fig, ax = plt.subplots(figsize=(max(9.0, 0.31 * len(settings) + 3.2), 0.36 * len(wide) + 3.0))
    ax.imshow(numbers.to_numpy(), cmap=ListedColormap(list(VERDICT_COLOURS.values())), vmin=-0.5,
              vmax=len(codes) - 0.5, aspect="auto")
    names = [s.replace("life_events__rate_per_year", "life_events_per_year").split("__")[-1] for s in settings]
    ax.set_xticks(range(len(settings)), names, rotation=60, ha="right", fontsize=10)
    ax.set_yticks(range(len(wide)), wide.index, fontsize=11)
    ax.set_xticks(np.arange(-0.5, len(settings)), minor=True)
    ax.set_yticks(np.arange(-0.5, len(wide)), minor=True)
    ax.grid(which="minor", color="white", linewidth=1.5)
    ax.grid(which="major", visible=False)
    handles = [plt.Rectangle((0, 0), 1, 1, color=c) for c in VERDICT_COLOURS.values()]
    ax.legend(handles, list(VERDICT_COLOURS), loc="lower center", bbox_to_anchor=(0.5, 1.01), ncol=4,
              frameon=False, fontsize=10)
    ax.set_title(title, fontsize=12, fontweight="bold", pad=30)
    fig.tight_layout()
    return fig


def plot_formula_recovery(curve: pd.DataFrame, recovery: pd.DataFrame, *, title: str, mark_n: int = 99):
    """Two panels: each guess's out-of-sample R^2 by the number of accounts sampled (median and the central 90%
    of draws, :func:`influence_lab.studies.formula.learning_curve`), and the largest error of the recovered
    weights by sample size (:func:`influence_lab.studies.formula.weight_recovery`). Returns the figure."""
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 4.6))
    for guess, part in curve.groupby("guess", sort=False):
        by_n = part.groupby("n")["r2_out"]
        mid, low, high = by_n.median(), by_n.quantile(0.05), by_n.quantile(0.95)
        left.plot(mid.index, mid.to_numpy(), marker="o", label=guess)
        left.fill_between(mid.index, low.clip(lower=-0.5).to_numpy(), high.to_numpy(), alpha=0.15)
    sizes = sorted(curve["n"].unique())
    left.set(xscale="log", xlabel="accounts the outsider collected", ylabel="R² on the accounts not used",
             ylim=(-0.5, 1.02))
    for ax in (left, right):
        ax.set_xticks(sizes, [f"{n:,}" for n in sizes])
        ax.minorticks_off()
    left.axvline(mark_n, color="grey", linestyle=":", linewidth=1)
    left.legend(frameon=False, fontsize=10, loc="lower right")
    left.set_title("How much of the score each guess explains", fontsize=11)
    by_n = recovery.groupby("n")["error"]
    right.plot(by_n.median().index, by_n.median().to_numpy(), marker="o", color="black")
    right.fill_between(by_n.median().index, by_n.quantile(0.05).to_numpy(), by_n.quantile(0.95).to_numpy(),
                       color="black", alpha=0.12)
    right.axhline(0.05, color="grey", linestyle="--", linewidth=1)
    right.axvline(mark_n, color="grey", linestyle=":", linewidth=1)
    right.set(xscale="log", xlabel="accounts the outsider collected",
              ylabel="largest weight error (0.05 = five points in 100)")
    right.set_title("How close the recovered weights come", fontsize=11)
    fig.suptitle(title, fontweight="bold", fontsize=13)
    fig.tight_layout()
    return fig


def plot_engaged_means(means: pd.DataFrame, *, calibration_day, title: str, ax=None):
    """The mean score of the users with engagement in their window, per day and scoring
    (:func:`influence_lab.studies.decay.engaged_means`), with the fixed calibration day marked."""
    if ax is None:
        _, ax = plt.subplots(figsize=(10, 4.0))
    for name in [c for c in means.columns if not c.endswith(" users")]:
        ax.plot(means.index, means[name].to_numpy(), label=name, linewidth=2)
    ax.axvline(calibration_day, color="grey", linestyle=":", label="fixed calibration day")
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b"))
    ax.set(xlabel=f"{means.index[0]:%Y} (UTC)", ylabel="mean score of users with a\nmessage in their window")
    ax.set_title("\n".join(textwrap.wrap(title, 95)), fontsize=11)
    ax.legend(frameon=False, fontsize=10)
    plt.tight_layout()
    return ax


def plot_weight_presets(grid: pd.DataFrame, panels, *, title: str, default: Mapping[str, float] | None = None,
                        sort_by: str | None = None):
    """:func:`influence_lab.studies.compare.weight_grid` as bars: one row per weight setting (reach /
    amplification / network), one panel per measure in ``panels`` ((column, label) pairs). Rows are sorted by
    ``sort_by`` (default: the first panel's column), best at the top. The row whose weights equal ``default``
    (if any) is drawn dark and labelled "(shipped)". Returns the figure."""
    table = grid.sort_values(sort_by or panels[0][0]).reset_index(drop=True)
    is_default = np.zeros(len(table), dtype=bool)
    if default is not None:
        is_default = np.isclose(table["reach_weight"], default["reach_weight"]) & np.isclose(
            table["amplification_weight"], default["amplification_weight"])
    names = [f"reach {r:.2f} · ampl. {a:.2f} · network {n:.2f}" + (" (shipped)" if d else "") for r, a, n, d in
             zip(table["reach_weight"], table["amplification_weight"], table["network_weight"], is_default)]
    colours = np.where(is_default, "#1a4f8b", "#9ecae1")
    fig, axes = plt.subplots(1, len(panels), figsize=(2.9 * len(panels) + 3.4, 0.3 * len(table) + 1.9),
                             sharey=True)
    for ax, (column, label) in zip(np.atleast_1d(axes), panels):
        ax.barh(np.arange(len(table)), table[column].to_numpy(), color=colours)
        ax.set_title(label, fontsize=11)
        ax.axvline(0, color="black", linewidth=0.8)
        ax.tick_params(labelsize=10)
        ax.grid(axis="y", visible=False)
    first = np.atleast_1d(axes)[0]
    first.set_yticks(np.arange(len(table)), names, fontsize=10)
    first.set_ylim(-0.6, len(table) - 0.4)
    fig.suptitle(title, fontweight="bold", fontsize=13)
    fig.tight_layout()
    return fig


def plot_rank_agreement(matrices: Mapping[str, pd.DataFrame], *, title: str,
                        labels: Mapping[str, str] | None = None):
    """Rank correlations (``compare.spearman_matrix``) as lower-triangle heatmaps, one panel per entry of
    ``matrices`` (panel title -> square matrix). Each panel's subtitle names its own weakest pair, read from the
    matrix drawn, so the subtitle and the cells always agree. Returns the figure."""
    labels = labels or {}
    size = max(len(m) for m in matrices.values())
    fig, axes = plt.subplots(1, len(matrices), figsize=(1.15 * size * len(matrices) + 2.0, 0.9 * size + 1.9))
    for ax, (panel, rho) in zip(np.atleast_1d(axes), matrices.items()):
        names = [labels.get(c, c) for c in rho.columns]
        upper = np.triu(np.ones(rho.shape, dtype=bool))
        sns.heatmap(rho.set_axis(names).set_axis(names, axis=1), mask=upper, vmin=-1, vmax=1, cmap="vlag",
                    annot=True, fmt=".2f", annot_kws={"size": 11}, square=True, ax=ax, cbar=False, linewidths=0.5)
        ax.tick_params(labelsize=10)
        ax.grid(False)
        pairs = rho.where(~upper).stack()
        if len(pairs):
            weakest = pairs.idxmin()
            ax.set_title(f"{panel}\nweakest pair: {labels.get(weakest[0], weakest[0])} / "
                         f"{labels.get(weakest[1], weakest[1])} ({pairs.min():.2f})", fontsize=11)
        else:
            ax.set_title(panel, fontsize=11)
    fig.suptitle(title, fontweight="bold", fontsize=13)
    fig.tight_layout()
    return fig


#: A 16:9 slide in inches (PowerPoint's and Google Slides' default widescreen size).
SLIDE_INCHES = (13.33, 7.5)


def _laid_out(fig):
    """Lay ``fig`` out (tick labels exist only then) and return the renderer its texts are measured with."""
    fig.draw_without_rendering()
    return fig.canvas.get_renderer()


def _slide_scale(fig, renderer, slide: tuple[float, float]) -> float:
    box = fig.get_tightbbox(renderer)
    return min(1.0, slide[0] / box.width, slide[1] / box.height)


def _small_text(fig, *, min_points: float, scale: float) -> list[tuple[str, float]]:
    from matplotlib.text import Text

    found = []
    for text in fig.findobj(Text):
        content = text.get_text().strip()
        if content and text.get_visible() and text.get_size() * scale < min_points - 1e-9:
            found.append((content[:60], round(float(text.get_size() * scale), 1)))
    return found


def _overlapping_titles(fig, renderer) -> list[tuple[str, str]]:
    titles = [t for t in [getattr(fig, "_suptitle", None), *(ax.title for ax in fig.axes if ax.get_visible())]
              if t is not None and t.get_visible() and t.get_text().strip()]
    boxes = [t.get_window_extent(renderer).padded(-1.0) for t in titles]
    return [(titles[i].get_text()[:60], titles[j].get_text()[:60])
            for i in range(len(titles)) for j in range(i + 1, len(titles)) if boxes[i].overlaps(boxes[j])]


def slide_scale(fig, slide: tuple[float, float] = SLIDE_INCHES) -> float:
    """The factor by which ``fig`` (its drawn extent, as the site saves it: tight bounding box) shrinks to fit
    on a slide of ``slide`` inches; 1.0 when it fits (a small figure is not credited for being enlarged)."""
    return _slide_scale(fig, _laid_out(fig), slide)


def small_text(fig, *, min_points: float = 10.0, slide: tuple[float, float] | None = SLIDE_INCHES,
               ) -> list[tuple[str, float]]:
    """The visible texts of ``fig`` (title, labels, ticks, legends, annotations) that read below ``min_points``
    once the figure is shrunk to fit a slide of ``slide`` inches (see :func:`slide_scale`; ``slide=None``: at the
    figure's own size): (text, size in points as it reads there). Empty when every text is readable."""
    renderer = _laid_out(fig)
    scale = 1.0 if slide is None else _slide_scale(fig, renderer, slide)
    return _small_text(fig, min_points=min_points, scale=scale)


def overlapping_titles(fig) -> list[tuple[str, str]]:
    """Pairs of titles (the figure's and each visible panel's) whose drawn boxes overlap, so neither can be read:
    (first text, second text), each cut to 60 characters. Empty when every title stands clear of the others."""
    return _overlapping_titles(fig, _laid_out(fig))
