"""The data contract: every bad input named in the foundation issue gets one clear error."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from influence_lab.contract import (
    EVENT_KINDS,
    ContractError,
    Dataset,
    TIMESTAMP_DTYPE,
    users_from_events,
    validate_events,
    validate_outcomes,
    validate_users,
)


def good_events() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "timestamp": ["2012-07-04T09:00:00Z", "2012-07-04T09:05:00+00:00", "2012-07-04T11:00:00+02:00"],
            "actor_id": ["a", "b", "c"],
            "target_id": [None, "a", "a"],
            "kind": ["post", "reshare", "like"],
            "post_id": ["p1", "p1", "p1"],
        }
    )


def test_valid_events_get_contract_dtypes():
    out = validate_events(good_events())
    assert out["timestamp"].dtype == TIMESTAMP_DTYPE
    assert isinstance(out["kind"].dtype, pd.CategoricalDtype)
    assert list(out["kind"].cat.categories) == list(EVENT_KINDS)
    assert pd.api.types.is_string_dtype(out["actor_id"])
    assert pd.api.types.is_string_dtype(out["post_id"])
    # +02:00 is converted, not relabelled
    assert out["timestamp"].iloc[2] == pd.Timestamp("2012-07-04T09:00:00Z")
    assert len(out) == 3  # nothing dropped


def test_validation_does_not_mutate_input():
    df = good_events()
    before = df.copy()
    validate_events(df)
    pd.testing.assert_frame_equal(df, before)


def test_missing_column_named_with_fix():
    df = good_events().drop(columns=["target_id"])
    with pytest.raises(ContractError) as err:
        validate_events(df, source="export.csv")
    msg = str(err.value)
    assert "export.csv" in msg and "target_id" in msg and "How to fix" in msg
    assert err.value.column == "target_id"


def test_unparseable_timestamp_names_row_and_line():
    df = good_events()
    df.loc[1, "timestamp"] = "yesterday-ish"
    with pytest.raises(ContractError) as err:
        validate_events(df, source="export.csv", line_offset=2)
    msg = str(err.value)
    assert "column 'timestamp'" in msg
    assert "row 1 (line 3 of the file)" in msg
    assert "yesterday-ish" in msg
    assert err.value.rows == [1]


def test_naive_string_timestamp_rejected():
    df = good_events()
    df.loc[2, "timestamp"] = "2012-07-04 11:00:00"
    with pytest.raises(ContractError, match="naive timestamps") as err:
        validate_events(df)
    assert err.value.rows == [2]


def test_naive_datetime_column_rejected_with_tz_localize_hint():
    df = good_events()
    df["timestamp"] = pd.to_datetime(["2012-07-04 09:00"] * 3)
    with pytest.raises(ContractError, match="tz_localize"):
        validate_events(df)


def test_numeric_timestamps_get_unit_hint():
    df = good_events()
    df["timestamp"] = [1341392400, 1341392500, 1341392600]
    with pytest.raises(ContractError, match="unit='s'"):
        validate_events(df)


def test_unknown_kind_shows_values_and_mapping_hint():
    df = good_events()
    df.loc[1, "kind"] = "RT"
    with pytest.raises(ContractError) as err:
        validate_events(df)
    msg = str(err.value)
    assert "kind='RT'" in msg and "map" in msg
    assert err.value.column == "kind" and err.value.rows == [1]


def test_categorical_kind_checked_by_category():
    df = good_events()
    df["kind"] = pd.Categorical(["post", "RT", "like"])
    with pytest.raises(ContractError) as err:
        validate_events(df)
    assert err.value.rows == [1]
    df["kind"] = pd.Categorical(["post", None, "like"])
    with pytest.raises(ContractError) as err:
        validate_events(df)
    assert err.value.rows == [1]
    df["kind"] = pd.Categorical(["post", "reshare", "like"])
    out = validate_events(df)
    assert out["kind"].dtype == validate_events(good_events())["kind"].dtype
    assert out["kind"].tolist() == ["post", "reshare", "like"]


@pytest.mark.parametrize("empty", [None, "", "   "])
def test_empty_actor_id_rejected(empty):
    df = good_events()
    df.loc[2, "actor_id"] = empty
    with pytest.raises(ContractError, match="empty or missing id") as err:
        validate_events(df)
    assert err.value.column == "actor_id" and err.value.rows == [2]


def test_empty_target_allowed_only_for_posts():
    df = good_events()
    validate_events(df)  # the post has no target: fine
    df.loc[1, "target_id"] = None
    with pytest.raises(ContractError) as err:
        validate_events(df)
    assert err.value.column == "target_id" and err.value.rows == [1]


def test_many_bad_rows_are_counted_and_truncated():
    n = 50
    df = pd.DataFrame(
        {
            "timestamp": ["2012-01-01T00:00:00Z"] * n,
            "actor_id": [""] * n,
            "target_id": ["x"] * n,
            "kind": ["like"] * n,
        }
    )
    with pytest.raises(ContractError) as err:
        validate_events(df)
    msg = str(err.value)
    assert "50 of 50 rows" in msg and "and 45 more" in msg


def test_float_ids_become_whole_number_strings():
    df = good_events()
    df["actor_id"] = [1.0, 2.0, 3.0]
    out = validate_events(df)
    assert out["actor_id"].tolist() == ["1", "2", "3"]


def test_users_duplicates_and_types():
    users = pd.DataFrame({"user_id": ["a", "b", "a"], "persona": ["x", "y", "x"]})
    with pytest.raises(ContractError, match="repeat a user_id") as err:
        validate_users(users, source="users.csv", line_offset=2)
    assert err.value.rows == [2]
    ok = validate_users(users.iloc[:2])
    assert isinstance(ok["persona"].dtype, pd.CategoricalDtype)


def test_outcomes_non_numeric_value():
    out = pd.DataFrame(
        {"user_id": ["a"], "period": ["2012-01-01T00:00:00Z"], "metric": ["clicks"], "value": ["lots"]}
    )
    with pytest.raises(ContractError, match="non-numeric value"):
        validate_outcomes(out)


def test_not_a_dataframe():
    with pytest.raises(ContractError, match="expected a pandas DataFrame"):
        validate_events([1, 2, 3])


def test_dataset_info_and_truth_kept_apart():
    events = validate_events(good_events())
    users = users_from_events(events)
    users = users.assign(true_influence=np.arange(len(users), dtype=float))
    ds = Dataset("tiny", users, events, removed={"self-loops": 0})
    info = ds.info()
    assert info["events"] == 3 and info["users"] == 3
    assert info["events_by_kind"] == {"post": 1, "reshare": 1, "like": 1}
    assert "true_influence" not in ds.without_truth().users.columns
    assert users_from_events(events)["user_id"].tolist() == ["a", "b", "c"]
    numeric = validate_events(good_events().assign(actor_id=["10", "9", "100"], target_id=[None, "9", "2"]))
    assert users_from_events(numeric)["user_id"].tolist() == ["2", "9", "10", "100"]  # numbers sort as numbers
