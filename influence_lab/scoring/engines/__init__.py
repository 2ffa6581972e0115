"""Engines beyond pandas: the same window features computed out of core (DuckDB) or distributed (Spark, to come).

- :mod:`~influence_lab.scoring.engines.sql` - the features written once as SQL, with each engine's dialect.
- :mod:`~influence_lab.scoring.engines.duckdb_engine` - :class:`DuckDBEngine`, reading DataFrames, Parquet or CSV
  files, folders and globs.
"""
