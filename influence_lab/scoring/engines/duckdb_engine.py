"""The DuckDB engine: the window features of :mod:`~influence_lab.scoring.engines.sql` out of core.

:class:`DuckDBEngine` reads an events table in the contract's columns from a pandas DataFrame, a Parquet or CSV
file, a folder of Parquet files or a glob (``"exports/*.parquet"``) without loading it into pandas; DuckDB
streams it and spills to disk past ``memory_limit``. Only the aggregated per-user features (and, for the network
recipe, the aggregated weighted edges) come back into memory, where the recipes calibrate and rank them.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from influence_lab.scoring.engines.base import SQLEngine

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


class DuckDBEngine(SQLEngine):
    """Compute window features in DuckDB from ``source`` (a DataFrame, or anything :func:`source_relation` reads).

    ``memory_limit`` (e.g. ``"4GB"``) and ``threads`` are passed to DuckDB. The source's ``timestamp`` must be a
    time-zone aware timestamp (or ISO 8601 text with a zone); the contract's other columns are read as text.
    """

    name = "duckdb"
    dialect = "duckdb"

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

    def _df(self, query: str) -> pd.DataFrame:
        return self.connection.execute(query).df()

    def _stage(self, name: str, query: str) -> None:
        # a temporary table: the features of the active users are computed once, under the memory limit, before
        # the scan that lists every user reads them (one query doing both held more in memory at once)
        self.connection.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS {query}")

    def close(self) -> None:
        self.connection.close()
