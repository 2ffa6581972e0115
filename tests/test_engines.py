"""Engines beyond pandas: the DuckDB features equal the pandas ones, and the scores built on them are the same."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import influence_lab as il
from influence_lab.contract import validate_events
from influence_lab.scoring.engines.duckdb_engine import DuckDBEngine
from influence_lab.scoring.engines.run import ENGINE_RECIPES, score_on_engine, timeline_on_engine
from influence_lab.scoring.engines.sql import ENGINE_FEATURES
from influence_lab.scoring.events import day_end
from influence_lab.scoring.features import DEFAULT_PARAMS, user_features
from influence_lab.scoring.timeline import score_timeline



@pytest.fixture(scope="module")
def events(world):
    return world.without_truth().events


def _close(engine: pd.DataFrame, pandas: pd.DataFrame) -> None:
    engine = engine.reindex(pandas.index)
    assert not engine.isna().any().any(), "the engine misses users the pandas path reports"
    np.testing.assert_allclose(engine.to_numpy(float), pandas.to_numpy(float), rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize("as_of,window,params", [
    (None, 90, DEFAULT_PARAMS),
    ("2012-06-30", 30, DEFAULT_PARAMS),
    ("2012-03-15", 90, DEFAULT_PARAMS.updated(activity_exponent=1.0, standing_window_days=14)),
])
def test_duckdb_features_equal_the_pandas_features(events, as_of, window, params):
    as_of = None if as_of is None else day_end(as_of)
    engine = DuckDBEngine(events).features(as_of=as_of, window_days=window, params=params)
    pandas = user_features(events, as_of=as_of, window_days=window, params=params)[list(ENGINE_FEATURES)]
    _close(engine, pandas)


@pytest.mark.parametrize("recipe", ENGINE_RECIPES)
def test_scores_on_duckdb_equal_the_pandas_scores(events, recipe):
    engine = score_on_engine(events, recipe, engine="duckdb")
    pandas = il.score_dataset(events, recipe)
    assert engine.attrs["engine"] == "duckdb"
    np.testing.assert_allclose(engine["score"].reindex(pandas.index), pandas["score"], rtol=0, atol=1e-9)


def test_parquet_file_folder_and_glob_read_the_same_as_the_frame(events, tmp_path):
    recent = events[events["timestamp"] >= "2012-10-01"]
    recent.to_parquet(tmp_path / "all.parquet")
    folder = tmp_path / "parts"
    folder.mkdir()
    for k, part in enumerate(np.array_split(np.arange(len(recent)), 3)):
        recent.iloc[part].to_parquet(folder / f"part-{k}.parquet")
    expected = DuckDBEngine(recent).features(window_days=60)
    for source in (tmp_path / "all.parquet", folder, str(folder / "part-*.parquet")):
        _close(DuckDBEngine(source).features(window_days=60), expected)


def _same_timeline(engine: pd.DataFrame, pandas: pd.DataFrame) -> None:
    assert engine.shape == pandas.shape
    engine = engine.reindex(index=pandas.index, columns=pandas.columns)
    assert (engine.isna() == pandas.isna()).all().all(), "the engine reports other users on some days"
    np.testing.assert_allclose(engine.to_numpy(float), pandas.to_numpy(float), rtol=0, atol=1e-9, equal_nan=True)


@pytest.mark.parametrize("start,end,window", [("2012-10-01", None, 90), ("2012-02-01", "2012-05-15", 30)])
def test_the_timeline_on_duckdb_equals_the_pandas_timeline(events, start, end, window):
    # daily running sums from the engine's per-day deltas, against the pandas ledgers, day by day
    kwargs = dict(start=start, end=end, window_days=window, format="wide")
    _same_timeline(timeline_on_engine(events, "klout", engine="duckdb", **kwargs),
                   score_timeline(events, "klout", **kwargs))


def test_the_engine_timeline_reports_components_and_refuses_what_it_cannot_run(events):
    long = timeline_on_engine(events, "klout", start="2012-12-15", components=True)
    pandas = score_timeline(events, "klout", start="2012-12-15", components=True)
    merged = pandas.merge(long, on=["day", "user_id"], suffixes=("", "_engine"), validate="one_to_one")
    assert len(merged) == len(pandas) == len(long)
    for column in ("score", "reach", "amplification", "network"):
        np.testing.assert_allclose(merged[f"{column}_engine"], merged[column], atol=1e-9)
    assert long.attrs["engine"] == "duckdb"
    with pytest.raises(NotImplementedError, match="pandas only"):
        timeline_on_engine(events, "kred")


def test_activity_weight_and_standing_by_hand():
    """b reacts twice to a on day 2 (weight 2**-0.5 each); c, who engaged b on day 1, reacts once to a on day 2:
    c's standing is 0 (nobody engaged c), b's is 1 (c engaged b the day before)."""
    rows = [("2012-01-01T10:00:00Z", "c", "b", "like"), ("2012-01-02T10:00:00Z", "b", "a", "like"),
            ("2012-01-02T11:00:00Z", "b", "a", "reshare"), ("2012-01-02T12:00:00Z", "c", "a", "reply"),
            ("2012-01-02T13:00:00Z", "a", "", "post")]
    ev = validate_events(pd.DataFrame(rows, columns=["timestamp", "actor_id", "target_id", "kind"]).replace("", None))
    f = DuckDBEngine(ev).features(window_days=10).loc["a"]
    assert f["reactions_received"] == 3 and f["unique_engagers"] == 2 and f["posts"] == 1
    assert f["weighted_reactions"] == pytest.approx(2 * 2 ** -0.5 + 1)
    assert f["standing_weighted_reactions"] == pytest.approx(2 * 2 ** -0.5 * np.log(2))


def test_recipes_not_written_in_sql_say_so(events):
    for recipe in ("kred", "snp", "robust"):
        with pytest.raises(NotImplementedError, match="pandas only"):
            score_on_engine(events.head(100), recipe)


def test_score_and_the_command_on_duckdb_rank_as_the_pandas_path(events, tmp_path, monkeypatch, capsys):
    from influence_lab import cli
    from influence_lab.contract import Dataset, users_from_events

    recent = events[events["timestamp"] >= "2012-09-01"]
    recent.to_parquet(tmp_path / "events.parquet")
    engine = il.score(str(tmp_path / "events.parquet"), ["klout", "network"], engine="duckdb", warn=False)
    pandas = il.score(Dataset("x", users_from_events(recent), recent), ["klout", "network"], warn=False)
    assert engine.dataset is None and "engine" in engine.diagnostics.codes()
    np.testing.assert_allclose(engine.table[["klout_score", "network_score"]],
                               pandas.table.loc[engine.table.index, ["klout_score", "network_score"]], atol=1e-9)
    with pytest.raises(ValueError, match="pandas only"):
        il.score(str(tmp_path / "events.parquet"), "kred", engine="duckdb")
    monkeypatch.chdir(tmp_path)
    assert cli.main(["score", "events.parquet", "--engine", "duckdb", "--recipe", "all", "--out", "r.csv"]) == 0
    written = pd.read_csv(tmp_path / "r.csv", index_col="user_id")
    assert list(written.index[:20]) == list(engine.table.index[:20].astype(str))
    assert cli.main(["score", "events.parquet", "--engine", "duckdb", "--plot", "t.png", "--user",
                     str(engine.table.index[0])]) == 0
    assert (tmp_path / "t.png").stat().st_size > 10_000
    assert cli.main(["score", "events.parquet", "--engine", "duckdb", "--timezone", "UTC"]) == 2
    assert "drop the import options" in capsys.readouterr().err


def test_a_table_breaking_the_contract_is_refused_by_the_engine(tmp_path):
    from influence_lab.contract import ContractError

    bad = pd.DataFrame({"timestamp": pd.to_datetime(["2012-01-01T00:00:00Z"] * 2), "actor_id": ["a", "b"],
                        "target_id": ["b", None], "kind": ["like", "upvote"]})
    bad.to_parquet(tmp_path / "bad.parquet")
    with pytest.raises(ContractError, match="column 'kind': 1 rows have a kind outside"):
        DuckDBEngine(tmp_path / "bad.parquet")


@pytest.fixture(scope="module")
def spark_events(events):
    from influence_lab.scoring.engines.spark_engine import java_available

    if not java_available():
        pytest.skip("the Spark engine needs Java 17 (no `java` on PATH and no JAVA_HOME): "
                    "install openjdk-17-jre-headless to run these tests")
    return events[events["timestamp"] >= "2012-12-01"]


def test_spark_features_and_scores_equal_the_pandas_path(spark_events):
    from influence_lab.scoring.engines.run import make_engine

    spark = make_engine("spark", spark_events)
    _close(spark.features(window_days=30), user_features(spark_events, window_days=30)[list(ENGINE_FEATURES)])
    for recipe in ENGINE_RECIPES:
        on_spark = score_on_engine(None, recipe, engine=spark, window_days=30)
        pandas = il.score_dataset(spark_events, recipe, window_days=30)
        np.testing.assert_allclose(on_spark["score"].reindex(pandas.index), pandas["score"], rtol=0, atol=1e-9)


def test_spark_reads_the_parquet_pandas_writes(spark_events, tmp_path):
    # pandas writes nanosecond timestamps, a Parquet type Spark refuses unless told to read it as INT64
    from influence_lab.scoring.engines.run import make_engine

    spark_events.to_parquet(tmp_path / "events.parquet")
    spark = make_engine("spark", tmp_path / "events.parquet")
    _close(spark.features(window_days=30), user_features(spark_events, window_days=30)[list(ENGINE_FEATURES)])


def test_the_timeline_on_spark_equals_the_pandas_timeline(spark_events):
    from influence_lab.scoring.engines.run import make_engine

    spark = make_engine("spark", spark_events)
    kwargs = dict(start="2012-12-10", window_days=30, format="wide")
    _same_timeline(timeline_on_engine(None, "klout", engine=spark, **kwargs),
                   score_timeline(spark_events, "klout", **kwargs))
