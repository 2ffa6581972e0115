"""The Spark engine: the window features of :mod:`~influence_lab.scoring.engines.sql`, distributed.

:class:`SparkEngine` runs the same SQL text as DuckDB (Spark's dialect switch: integer division through doubles
with an exact integer correction) on a Spark session: local mode by default (``local[*]``), a real cluster by its
master URL (``spark://host:7077``, ``yarn``). It reads a pandas DataFrame, a Parquet file or folder, or a CSV
file in the contract's columns. Only the aggregated features and edges come back to the driver.

Spark needs Java 17 or later (``java -version``); without it, creating the engine raises a RuntimeError saying
what to install.
"""

from __future__ import annotations

import re
import shutil

import pandas as pd

from influence_lab.scoring.engines.base import SQLEngine
from influence_lab.scoring.features import DEFAULT_PARAMS, FeatureParams

__all__ = ["SparkEngine", "java_available"]


def java_available() -> bool:
    """Whether a ``java`` executable is on the PATH (or JAVA_HOME is set), as Spark needs."""
    import os

    return shutil.which("java") is not None or bool(os.environ.get("JAVA_HOME"))


class SparkEngine(SQLEngine):
    """Compute window features with Spark SQL from ``source`` (a DataFrame, a Parquet file or folder, a CSV file).

    ``master`` is the Spark master URL (default ``local[*]``); ``driver_memory`` the driver's JVM heap (Spark's
    default of 1g cannot hold a pandas DataFrame of the sample's size; it takes effect only when this call starts
    the session); ``config`` extra Spark settings."""

    name = "spark"
    dialect = "spark"

    def __init__(self, source, *, master: str = "local[*]", driver_memory: str = "4g",
                 config: dict | None = None) -> None:
        if not java_available():
            raise RuntimeError("Spark needs Java 17 or later, and no `java` is on the PATH (nor JAVA_HOME set). "
                               "How to fix: install a JDK (Debian/Ubuntu: apt-get install openjdk-17-jre-headless; "
                               "macOS: brew install openjdk@17), or use --engine duckdb.")
        from pyspark.sql import SparkSession

        builder = (SparkSession.builder.master(master).appName("influence-lab")
                   .config("spark.sql.session.timeZone", "UTC")
                   .config("spark.sql.shuffle.partitions", "8")
                   .config("spark.ui.enabled", "false")
                   .config("spark.ui.showConsoleProgress", "false")
                   .config("spark.driver.memory", driver_memory)
                   .config("spark.sql.execution.arrow.pyspark.enabled", "true")
                   # pandas writes nanosecond timestamps, which Spark cannot type: read them as INT64 nanoseconds
                   .config("spark.sql.legacy.parquet.nanosAsLong", "true"))
        for key, value in (config or {}).items():
            builder = builder.config(key, value)
        self.spark = builder.getOrCreate()
        self.spark.sparkContext.setLogLevel("ERROR")
        if isinstance(source, pd.DataFrame):
            frame = pd.DataFrame({
                "ts_ns": source["timestamp"].dt.as_unit("ns").array.asi8,
                "actor_id": source["actor_id"].astype(object),
                "target_id": source["target_id"].astype(object).where(source["target_id"].notna(), None),
                "kind": source["kind"].astype(str).astype(object),
                "post_id": (source["post_id"].astype(object).where(source["post_id"].notna(), None)
                            if "post_id" in source.columns else None),
            })
            raw = self.spark.createDataFrame(frame, schema="ts_ns long, actor_id string, target_id string, "
                                                           "kind string, post_id string")
            raw.createOrReplaceTempView("raw_events")
            select = "ts_ns, actor_id, target_id, kind, post_id"
        else:
            path = str(source)
            reader = self.spark.read
            raw = reader.option("header", "true").csv(path) if path.lower().endswith(".csv") else reader.parquet(path)
            raw.createOrReplaceTempView("raw_events")
            post = "CAST(post_id AS STRING)" if "post_id" in raw.columns else "CAST(NULL AS STRING)"
            if dict(raw.dtypes).get("timestamp") in ("bigint", "long"):  # nanoseconds (see nanosAsLong above)
                ts = "CAST(timestamp AS BIGINT)"
            else:  # microseconds: Spark's timestamps carry no nanoseconds
                ts = "unix_micros(CAST(timestamp AS TIMESTAMP)) * 1000"
            select = (f"{ts} AS ts_ns, CAST(actor_id AS STRING) AS "
                      f"actor_id, CAST(target_id AS STRING) AS target_id, CAST(kind AS STRING) AS kind, {post} AS post_id")
        self.spark.sql(f"""
            CREATE OR REPLACE TEMP VIEW events AS
            SELECT ts_ns, actor_id, NULLIF(target_id, '') AS target_id, kind, NULLIF(post_id, '') AS post_id
            FROM (SELECT {select} FROM raw_events)""")
        self.source = "DataFrame" if isinstance(source, pd.DataFrame) else str(source)
        self.check()

    def _df(self, query: str) -> pd.DataFrame:
        return self.spark.sql(query).toPandas()

    def _stage(self, name: str, query: str) -> None:
        self.spark.sql(f"CREATE OR REPLACE TEMP VIEW {name} AS {query}")  # Spark plans the two queries as one

    def shuffle_bytes(self) -> int:
        """Bytes this session's executors have written to the shuffle so far (Spark's status store): what a
        cluster would move between nodes, the cost that grows with the table when the engine runs distributed."""
        executors = self.spark.sparkContext._jsc.sc().statusStore().executorList(False).iterator()
        total = 0
        while executors.hasNext():
            total += int(executors.next().totalShuffleWrite())
        return total

    def exchanges(self, *, as_of=None, window_days: float = 90.0, params: FeatureParams = DEFAULT_PARAMS
                  ) -> list[str]:
        """The shuffles of the feature query's physical plan, one per ``Exchange``: its partitioning keys
        (``"sender, receiver, day"``), or ``"broadcast"`` for a small side sent whole to every task."""
        query, _ = self.features_query(as_of=as_of, window_days=window_days, params=params)
        plan = self.spark.sql(query)._jdf.queryExecution().executedPlan().toString()
        found = []
        for line in plan.splitlines():
            if "BroadcastExchange" in line:
                found.append("broadcast")
            elif match := re.search(r"Exchange hashpartitioning\(([^)]*)\)", line):
                keys = [re.sub(r"#\d+L?$", "", k.strip()) for k in match.group(1).split(",")[:-1]]
                found.append(", ".join(keys))
        return found

    def close(self) -> None:
        self.spark.catalog.dropTempView("events")
