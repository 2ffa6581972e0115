"""The DuckDB engine: the window features of :mod:`~influence_lab.scoring.engines.sql` out of core.

:class:`DuckDBEngine` reads an events table in the contract's columns from a pandas DataFrame, a Parquet or CSV
file, a folder of Parquet files or a glob (``"exports/*.parquet"``) without loading it into pandas; DuckDB
streams it and spills to disk past ``memory_limit``. Only the aggregated per-user features (and, for the network
recipe, the aggregated weighted edges) come back into memory, where the recipes calibrate and rank them.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from influence_lab.contract import EVENT_KINDS, ID_DTYPE, ContractError
from influence_lab.scoring.engines.sql import DAY_NS, ENGINE_FEATURES, edges_sql, klout_features_sql, users_sql
from influence_lab.scoring.features import DEFAULT_PARAMS, FeatureParams

__all__ = ["DuckDBEngine", "source_relation"]


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def source_relation(source) -> str:
    """The DuckDB table function reading ``source`` (a Parquet/CSV file, a folder of Parquet files, a glob)."""
    text = str(source)
    path = Path(text)
    if path.is_dir():
        return f"read_parquet({_quote(str(path / '**' / '*.parquet'))}, hive_partitioning = false)"
    lower = text.lower()
    if lower.endswith((".parquet", ".pq")) or (("*" in text or "?" in text) and ".parquet" in lower):
        return f"read_parquet({_quote(text)})"
    if lower.endswith((".csv", ".csv.gz")) or ("*" in text and ".csv" in lower):
        return f"read_csv({_quote(text)}, header = true, all_varchar = true)"
    raise ValueError(f"DuckDBEngine: cannot tell how to read {text!r}; give a .parquet or .csv file, a folder of "
                     "Parquet files, or a glob such as 'events/*.parquet'.")


class DuckDBEngine:
    """Compute window features in DuckDB from ``source`` (a DataFrame, or anything :func:`source_relation` reads).

    ``memory_limit`` (e.g. ``"4GB"``) and ``threads`` are passed to DuckDB. The source's ``timestamp`` must be a
    time-zone aware timestamp (or ISO 8601 text with a zone); the contract's other columns are read as text.
    """

    name = "duckdb"

    def __init__(self, source, *, memory_limit: str | None = None, threads: int | None = None) -> None:
        import duckdb

        self.connection = duckdb.connect()
        self.connection.execute("SET TimeZone = 'UTC'")
        self.connection.execute("SET enable_progress_bar = false")  # DuckDB's bar writes to stdout: not ours to use
        if memory_limit:
            self.connection.execute(f"SET memory_limit = {_quote(memory_limit)}")
        if threads:
            self.connection.execute(f"SET threads = {int(threads)}")
        if isinstance(source, pd.DataFrame):
            frame = source.assign(kind=source["kind"].astype(str))
            columns = [c for c in ("timestamp", "actor_id", "target_id", "kind", "post_id") if c in frame.columns]
            self.connection.register("raw_events", frame[columns])
            relation = "raw_events"
            has_post = "post_id" in columns
        else:
            relation = source_relation(source)
            names = [row[0] for row in self.connection.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()]
            has_post = "post_id" in names
        post = "CAST(post_id AS VARCHAR)" if has_post else "CAST(NULL AS VARCHAR)"
        self.connection.execute(f"""
            CREATE VIEW events AS
            SELECT epoch_ns(CAST(timestamp AS TIMESTAMPTZ)) AS ts_ns, CAST(actor_id AS VARCHAR) AS actor_id,
                   NULLIF(CAST(target_id AS VARCHAR), '') AS target_id, CAST(kind AS VARCHAR) AS kind,
                   NULLIF({post}, '') AS post_id
            FROM {relation}""")

        self.source = "DataFrame" if isinstance(source, pd.DataFrame) else str(source)
        self.check()

    def check(self) -> None:
        """The contract, checked in one scan: known kinds, an actor on every row, a target on every non-post, a
        time on every row. A :class:`ContractError` gives the count and the first offending rows' values."""
        kinds = ", ".join(_quote(k) for k in EVENT_KINDS)
        problems = {
            "kind": (f"kind IS NULL OR kind NOT IN ({kinds})", f"have a kind outside {list(EVENT_KINDS)}",
                     "map your platform's actions onto the contract's kinds before scoring."),
            "actor_id": ("actor_id IS NULL OR trim(actor_id) = ''", "have an empty or missing actor_id",
                         "give every row the id of who acted."),
            "target_id": ("kind <> 'post' AND target_id IS NULL", "are not posts but have no target_id",
                          "give every reaction and follow the id of who receives it."),
            "timestamp": ("ts_ns IS NULL", "have no timestamp", "give every row a time with its zone."),
        }
        for column, (condition, problem, fix) in problems.items():
            bad, = self.connection.execute(f"SELECT COUNT(*) FROM events WHERE {condition}").fetchone()
            if bad:
                shown = self.connection.execute(
                    f"SELECT actor_id, target_id, kind, ts_ns FROM events WHERE {condition} LIMIT 5").fetchall()
                rows = "\n".join(f"  actor_id={a!r} target_id={t!r} kind={k!r} ts_ns={n!r}" for a, t, k, n in shown)
                raise ContractError(f"{self.source} (events, read by DuckDB): column '{column}': {bad:,} rows "
                                    f"{problem}. First offending rows:\n{rows}\nHow to fix: {fix}",
                                    table="events", column=column, source=self.source)

    def span(self) -> tuple[pd.Timestamp, pd.Timestamp]:
        low, high = self.connection.execute("SELECT MIN(ts_ns), MAX(ts_ns) FROM events").fetchone()
        if high is None:
            raise ValueError("DuckDBEngine: the events table has no rows.")
        return pd.Timestamp(int(low), tz="UTC"), pd.Timestamp(int(high), tz="UTC")

    def last_event(self) -> pd.Timestamp:
        ns = self.connection.execute("SELECT MAX(ts_ns) FROM events").fetchone()[0]
        if ns is None:
            raise ValueError("DuckDBEngine: the events table has no rows.")
        return pd.Timestamp(int(ns), tz="UTC")

    def _bounds(self, as_of, window_days: float) -> tuple[int, int]:
        as_of = self.last_event() if as_of is None else pd.Timestamp(as_of)
        as_of = as_of.tz_localize("UTC") if as_of.tzinfo is None else as_of.tz_convert("UTC")
        as_of_ns = int(as_of.value)
        return as_of_ns, as_of_ns - int(round(window_days * DAY_NS))

    def features(self, *, as_of=None, window_days: float = 90.0, params: FeatureParams = DEFAULT_PARAMS
                 ) -> pd.DataFrame:
        """The :data:`~influence_lab.scoring.engines.sql.ENGINE_FEATURES` of every user seen up to ``as_of``."""
        as_of_ns, low_ns = self._bounds(as_of, window_days)
        query = klout_features_sql(as_of_ns=as_of_ns, low_ns=low_ns, activity_exponent=params.activity_exponent,
                                   standing_window_days=params.standing_window_days)
        found = self.connection.execute(query).df().set_index("user_id")
        users = self.connection.execute(users_sql(as_of_ns=as_of_ns)).df()["user_id"]
        index = pd.Index(users.astype(ID_DTYPE), name="user_id")
        out = found.reindex(index).fillna(0.0).astype(np.float64)
        return out[list(ENGINE_FEATURES)]

    def edges(self, *, as_of=None, window_days: float = 90.0) -> pd.DataFrame:
        """The window's weighted engagement edges (source, target, weight), aggregated in DuckDB."""
        as_of_ns, low_ns = self._bounds(as_of, window_days)
        return self.connection.execute(edges_sql(as_of_ns=as_of_ns, low_ns=low_ns)).df()

    def close(self) -> None:
        self.connection.close()
