"""First looks at a dataset in the contract: what a row is, who is active, when.

Used by ``notebooks/00_the_data.ipynb``; every function takes contract tables
and returns tidy DataFrames for plotting.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from influence_lab.contract import ENGAGEMENT_KINDS, EVENT_KINDS, Dataset


def table_overview(dataset: Dataset) -> pd.DataFrame:
    """One row per table: rows, columns, and the columns that hold ground truth."""
    rows = []
    for name in ("users", "events", "outcomes"):
        table = getattr(dataset, name)
        truth = [c for c in table.columns if str(c).startswith("true_")]
        rows.append(
            {
                "table": name,
                "rows": len(table),
                "columns": ", ".join(c for c in map(str, table.columns) if c not in truth),
                "ground truth columns": ", ".join(truth) or "-",
            }
        )
    return pd.DataFrame(rows).set_index("table")


def events_by_kind(events: pd.DataFrame) -> pd.Series:
    """Events per kind in the contract's order (kinds a dataset lacks are shown as 0)."""
    return events["kind"].value_counts(sort=False).reindex(list(EVENT_KINDS), fill_value=0).rename("events")


def activity_over_time(events: pd.DataFrame, *, freq: str = "D", kinds=None) -> pd.DataFrame:
    """Events per period and kind (wide: one column per kind present), with empty periods as 0.

    ``freq`` is a pandas period alias ("h", "D", "W", "M"); the index holds
    each period's start in UTC.
    """
    kinds = list(kinds) if kinds is not None else [k for k in EVENT_KINDS if (events["kind"] == k).any()]
    subset = events[events["kind"].isin(kinds)]
    periods = subset["timestamp"].dt.tz_convert(None).dt.to_period(freq)
    counts = (
        pd.crosstab(periods, subset["kind"].astype(str)).reindex(columns=kinds, fill_value=0)
        if len(subset)
        else pd.DataFrame(columns=kinds)
    )
    if len(counts):
        full = pd.period_range(counts.index.min(), counts.index.max(), freq=counts.index.freq)
        counts = counts.reindex(full, fill_value=0)
        counts.index = counts.index.start_time.tz_localize("UTC")
    counts.index.name = "period"
    counts.columns.name = "kind"
    return counts


def busiest_period(events: pd.DataFrame, *, freq: str = "D") -> tuple[pd.Timestamp, int, float]:
    """The period with the most events, its count, and its ratio to the median period."""
    counts = activity_over_time(events, freq=freq).sum(axis=1)
    top = counts.idxmax()
    return top, int(counts.max()), float(counts.max() / counts.median())


def per_user_activity(events: pd.DataFrame, users: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per user: actions performed, engagement received from others, and net followers at the end.

    Self-engagement (actor == target) is not counted as received. ``followers``
    is NaN when the data hold no follow events at all (e.g. Higgs).
    """
    engaged = events[events["kind"].isin(ENGAGEMENT_KINDS)]
    engaged = engaged[engaged["actor_id"] != engaged["target_id"]]
    actions = events.groupby("actor_id", observed=True).size().rename("actions")
    received = engaged.groupby("target_id", observed=True).size().rename("engagement_received")
    engagers = engaged.groupby("target_id", observed=True)["actor_id"].nunique().rename("unique_engagers")
    posts = events[events["kind"] == "post"].groupby("actor_id", observed=True).size().rename("posts")
    out = pd.concat([actions, posts, received, engagers], axis=1)
    has_follows = bool((events["kind"] == "follow").any())
    if has_follows:
        sign = events["kind"].map({"follow": 1, "unfollow": -1}).astype("float64")
        net = sign.groupby(events["target_id"], observed=True).sum().rename("followers")
        out = out.join(net, how="outer")
    ids = users["user_id"] if users is not None else None
    if ids is not None:
        out = out.reindex(pd.Index(ids, name="user_id"))
    out.index.name = "user_id"
    out = out.fillna({"actions": 0, "posts": 0, "engagement_received": 0, "unique_engagers": 0})
    if has_follows:
        out["followers"] = out["followers"].fillna(0)
    else:
        out["followers"] = np.nan
    return out.astype({"actions": "int64", "posts": "int64", "engagement_received": "int64", "unique_engagers": "int64"})


def concentration(values: pd.Series, top_share: float = 0.01) -> float:
    """Share of the total held by the top ``top_share`` of users (heavy tails show as large values)."""
    v = np.sort(np.asarray(values, dtype=float))[::-1]
    if v.sum() == 0:
        return float("nan")
    k = max(1, int(round(top_share * len(v))))
    return float(v[:k].sum() / v.sum())


def passive_share(activity: pd.DataFrame) -> float:
    """Share of users who received no engagement from anyone (Romero et al. 2011: most users are passive)."""
    return float((activity["engagement_received"] == 0).mean())
