"""Notebook 07 (your own data): what an export can support, the window's effect, scores against an outcome.

- :func:`floor_by_window` - the share of accounts at each recipe's floor for several windows.
- :func:`window_agreement` - how far the ranking over a short window agrees with the whole span's.
- :func:`outcome_frame` and :func:`validity_table` - each account's scores, the sceptic's plain counts and an
  outcome total (e.g. link clicks of an analytics export), and their Spearman correlations with bootstrap intervals.
- :func:`monthly_activity` - one account's outputs and the reactions it received, month by month (an archive).
- :func:`hostile_gallery` - small broken files written to a temporary folder (removed afterwards), each loaded,
  with the first line of the error it gets and its "How to fix".
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from influence_lab.contract import ContractError, Dataset
from influence_lab.datasets.importers import load_export
from influence_lab.scoring.recipes import make_recipe, score_dataset
from influence_lab.scoring.workflow import ScoreReport, named
from influence_lab.studies.validity import correlations

__all__ = ["floor_by_window", "window_agreement", "outcome_frame", "validity_table", "monthly_activity",
           "hostile_gallery", "named", "owner_of"]


def _span_days(dataset: Dataset, as_of: pd.Timestamp) -> float:
    return float(np.ceil((as_of - dataset.events["timestamp"].min()) / pd.Timedelta(days=1))) + 1.0


def floor_by_window(dataset: Dataset, recipes=("klout", "kred", "snp", "network", "robust"),
                    windows=(30, 90, "all"), as_of=None) -> pd.DataFrame:
    """One row per recipe and window: accounts scored, the share at the recipe's floor, accounts above it."""
    as_of = dataset.events["timestamp"].max() if as_of is None else pd.Timestamp(as_of)
    rows = []
    for name in recipes:
        for window in windows:
            model = make_recipe(name)  # a fresh recipe per window: a fitted one would keep the first calibration
            days = _span_days(dataset, as_of) if window == "all" else float(window)
            table = named(score_dataset(dataset, model, as_of=as_of, window_days=days))
            at_floor = table["score"] <= float(model.scale[0]) + 1e-9
            rows.append({"recipe": name, "window": "whole span" if window == "all" else f"{window:g} days",
                         "accounts": len(table), "floor_share": float(at_floor.mean()),
                         "above_floor": int((~at_floor).sum())})
    return pd.DataFrame(rows)


def window_agreement(dataset: Dataset, recipe: str = "klout", short: float = 90.0, top: int = 20,
                     as_of=None) -> dict[str, float]:
    """Spearman between a ``short``-day ranking and the whole span's (over accounts above the floor in either),
    and how many of the whole span's ``top`` accounts are also in the short window's top."""
    as_of = dataset.events["timestamp"].max() if as_of is None else pd.Timestamp(as_of)
    model = make_recipe(recipe)
    whole = named(score_dataset(dataset, model, as_of=as_of, window_days=_span_days(dataset, as_of)))["score"]
    part = named(score_dataset(dataset, make_recipe(recipe), as_of=as_of, window_days=short))["score"]
    part = part.reindex(whole.index).fillna(float(model.scale[0]))
    floor = float(model.scale[0]) + 1e-9
    either = (whole > floor) | (part > floor)
    rho = stats.spearmanr(whole[either], part[either]).statistic if either.sum() >= 3 else np.nan
    top_whole = set(whole.sort_values(ascending=False).index[:top])
    top_part = set(part.sort_values(ascending=False).index[:top])
    return {"spearman": float(rho), "accounts": int(either.sum()), "top": top,
            "top_shared": len(top_whole & top_part), "lost_to_floor": int(((whole > floor) & (part <= floor)).sum())}


def outcome_frame(report: ScoreReport, metric: str) -> pd.DataFrame:
    """Each ranked account's scores and baselines (``report.table``) with its total of ``metric`` over the data."""
    outcomes = report.dataset.outcomes
    if metric not in set(outcomes["metric"]):
        raise ValueError(f"outcome_frame: no outcome {metric!r} in {report.dataset.name}; it has "
                         f"{sorted(set(outcomes['metric']))}.")
    totals = outcomes[outcomes["metric"] == metric].groupby("user_id")["value"].sum()
    frame = report.table.drop(columns="rank").copy()
    frame[metric] = totals.reindex(frame.index).fillna(0.0).to_numpy()
    return frame


def validity_table(frame: pd.DataFrame, outcome: str, scores, baselines, *, n_boot: int = 1000,
                   seed: int = 0) -> pd.DataFrame:
    """Spearman of every score and baseline with ``outcome`` (bootstrap over accounts), labelled recipe/baseline;
    a column that is unknown for the data (followers without follow events) is left out and listed in attrs."""
    usable = [c for c in [*scores, *baselines] if c in frame.columns and frame[c].notna().sum() >= 3]
    table = correlations(frame, outcome, usable, n_boot=n_boot, seed=seed)
    table = table[table["method"] == "spearman"].reset_index(drop=True)
    table["kind"] = np.where(table["measure"].isin(list(scores)), "recipe", "baseline")
    table.attrs["left_out"] = [c for c in [*scores, *baselines] if c not in usable]
    return table


def owner_of(dataset: Dataset) -> str:
    """The account an archive belongs to: the one that posted most."""
    posts = dataset.events.loc[dataset.events["kind"] == "post", "actor_id"]
    if not len(posts):
        raise ValueError(f"owner_of: {dataset.name} has no posts, so no owner can be told.")
    return str(posts.value_counts().index[0])


def monthly_activity(dataset: Dataset, user: str) -> pd.DataFrame:
    """One account's posts, reactions it gave and reactions it received, per calendar month (UTC) with any of them."""
    ev = dataset.events
    month = ev["timestamp"].dt.tz_localize(None).dt.to_period("M")
    kind = ev["kind"].astype(str)
    engagement = kind.isin(["reshare", "like", "reply", "mention"])
    parts = {
        "posts": (ev["actor_id"] == user) & (kind == "post"),
        "reactions given": (ev["actor_id"] == user) & engagement & (ev["target_id"] != user),
        "reactions received": (ev["target_id"] == user) & engagement & (ev["actor_id"] != user),
    }
    out = pd.DataFrame({name: mask.groupby(month).sum() for name, mask in parts.items()}).astype(int)
    out = out[out.sum(axis=1) > 0]  # months with only follow events (archives date follows at the account's start)
    out.index = out.index.astype(str)
    out.index.name = "month"
    return out


_FORUM = "when,who,whom,what,post\n"
_MAPPING = {"columns": {"timestamp": "when", "actor_id": "who", "target_id": "whom", "kind": "what",
                        "post_id": "post"}, "kinds": {"question": "post", "answer": "reply"}, "timezone": "UTC"}


def _hostile_files(folder: Path) -> list[tuple[str, Path, dict]]:
    good = "2012-07-04 09:00,alice,,question,p1\n2012-07-04 10:00,bob,alice,answer,p1\n"
    cases = [
        ("an empty file", "empty.csv", b"", _MAPPING),
        ("binary data (a PNG renamed .csv)", "image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64), _MAPPING),
        ("the wrong delimiter named", "semicolons.csv", (_FORUM + good).replace(",", ";").encode(),
         {**_MAPPING, "delimiter": ","}),
        ("a column the mapping names is missing", "missing.csv", ("when,whom,what,post\n2012-07-04 09:00,,"
                                                                  "question,p1\n").encode(), _MAPPING),
        ("a row with an extra field", "ragged.csv", (_FORUM + good + "2012-07-05 10:00,carol,alice,answer,p1,x\n")
         .encode(), _MAPPING),
        ("naive times and no zone named", "naive.csv", (_FORUM + good).encode(),
         {**_MAPPING, "timezone": None}),
        ("an unreadable time", "badtime.csv", (_FORUM + good + "yesterday,carol,alice,answer,p1\n").encode(), _MAPPING),
        ("Windows-1252 text read as UTF-8", "latin.csv", (_FORUM + good + "2012-07-05 10:00,Jos\xe9,alice,answer,p1\n")
         .encode("cp1252"), _MAPPING),
        ("a kind the mapping does not know", "kinds.csv", (_FORUM + good + "2012-07-05 10:00,carol,alice,upvote,p1\n")
         .encode(), _MAPPING),
        ("an empty actor id", "noactor.csv", (_FORUM + good + "2012-07-05 10:00,,alice,answer,p1\n").encode(), _MAPPING),
    ]
    out = []
    for label, name, data, options in cases:
        path = folder / name
        path.write_bytes(data)
        out.append((label, path, {k: v for k, v in options.items() if v is not None}))
    bomb = folder / "bomb.zip"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("outbox.json", b"0" * (40 << 20))
    out.append(("a zip bomb (40 MB of zeros in a few KB)", bomb, {}))
    escape = folder / "escape.zip"
    with zipfile.ZipFile(escape, "w") as archive:
        archive.writestr("../../outbox.json", b"{}")
    out.append(("an archive entry escaping its folder", escape, {}))
    return out


def hostile_gallery() -> pd.DataFrame:
    """Each broken input, the first line of the error it gets (file names shortened) and the fix the error gives."""
    rows = []
    with tempfile.TemporaryDirectory(prefix="influence-lab-hostile-") as tmp:
        for label, path, options in _hostile_files(Path(tmp)):
            try:
                load_export(path, **options)
                error, fix = "(loaded: no error)", ""
            except ContractError as exc:
                text = str(exc).replace(str(path.parent) + "/", "")
                head = text.split("How to fix:", 1)[0].strip().splitlines()
                error = " ".join(line.strip() for line in head[:2]).replace("First offending rows: ", "first: ")
                fix = text.split("How to fix:", 1)[1].strip() if "How to fix:" in text else ""
            rows.append({"input": label, "error": error, "how to fix": fix})
    return pd.DataFrame(rows)
