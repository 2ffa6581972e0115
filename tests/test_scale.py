"""The scale study (notebook 08): the slope fit, the on-paper estimate, the engine comparison and the record."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm

from influence_lab.studies import scale


def test_growth_slope_matches_statsmodels_ols_on_logs():
    rng = np.random.default_rng(3)
    events = np.array([1e6, 3e6, 1e7, 3e7, 5e7])
    seconds = 2e-7 * events ** 1.1 * np.exp(rng.normal(0, 0.05, len(events)))
    fit = scale.growth_slope(events, seconds)
    ols = sm.OLS(np.log(seconds), sm.add_constant(np.log(events))).fit()
    low, high = ols.conf_int(0.05)[1]
    assert fit["slope"] == pytest.approx(ols.params[1], abs=1e-12)
    assert (fit["low"], fit["high"]) == pytest.approx((low, high), abs=1e-12)
    with pytest.raises(ValueError, match="three different sizes"):
        scale.growth_slope([1e6, 1e6], [1.0, 2.0])


def test_the_estimate_scales_as_its_assumptions_say():
    base = dict(events_per_core_second=1e5, reference_events=5e7, shuffle_bytes_per_event=30.0)
    linear = scale.daily_run_estimate(slope=1.0, **base)
    events = 750e6 * 2.0 * 180
    assert linear["events_read"] == pytest.approx(events)
    assert linear["core_hours"] == pytest.approx(events / 1e5 / 3600)
    assert linear["cores"] == pytest.approx(linear["core_hours"] / (6.0 * 0.5))
    busier = scale.daily_run_estimate(slope=1.0, events_per_user_day=4.0, **base)
    assert busier["core_hours"] == pytest.approx(2 * linear["core_hours"])
    # a slope above 1 makes each event dearer in a bigger table, by (N / N0) ** (slope - 1)
    steeper = scale.daily_run_estimate(slope=1.1, **base)
    assert steeper["core_hours"] / linear["core_hours"] == pytest.approx((events / 5e7) ** 0.1)
    # the shuffle: bytes spread over the nodes, each sending its share over its link
    assert linear["shuffle_hours_at_full_link"] == pytest.approx(
        events * 30.0 / linear["nodes"] / (10e9 / 8) / 3600)
    with pytest.raises(ValueError, match="unknown assumptions"):
        scale.daily_run_estimate(slope=1.0, cores_per_rack=4, **base)


def test_scenarios_span_the_ranges_and_the_central_row_is_the_defaults():
    inputs = {"events_per_core_second": 1e5, "reference_events": 5e7, "shuffle_bytes_per_event": 30.0,
              "slope": 1.05, "slope_low": 0.95, "slope_high": 1.15}
    table = scale.daily_run_scenarios(inputs)
    assert len(table) == 27
    assert set(table["events_per_user_day"]) == {0.5, 2.0, 10.0}
    central = scale.central_scenario(table)
    direct = scale.daily_run_estimate(slope=1.05, **{k: inputs[k] for k in
                                                     ("events_per_core_second", "reference_events",
                                                      "shuffle_bytes_per_event")})
    assert central["cores"] == pytest.approx(direct["cores"])
    assert table["cores"].min() < central["cores"] < table["cores"].max()


def test_when_to_switch_reads_memory_per_event_and_the_engine_ratio():
    runs = pd.DataFrame({"engine": ["pandas", "pandas", "duckdb", "duckdb", "spark", "spark"],
                         "events": [1e6, 1e7, 1e6, 5e7, 1e6, 5e7], "seconds": [1, 12, 1, 40, 30, 200],
                         "peak_memory_gb": [0.5, 5.0, 0.4, 3.0, 2.0, 6.0]})
    switch = scale.when_to_switch(runs, memory_gb=16, usable_share=0.5)
    assert switch["pandas_gb_per_million"] == pytest.approx(0.5)
    assert switch["pandas_max_events"] == pytest.approx(16e6)
    assert switch["duckdb_peak_gb"] == 3.0 and switch["duckdb_largest_run"] == 50_000_000
    assert (switch["spark_to_duckdb_smallest"], switch["spark_to_duckdb_largest"]) == (30.0, 5.0)


def test_live_timing_scores_alike_on_pandas_and_duckdb():
    live = scale.time_engines([20_000, 60_000], engines=("count", "pandas", "duckdb"))
    assert len(live) == 6
    wide = live.pivot(index="events", columns="engine", values="mean_score")
    np.testing.assert_allclose(wide["pandas"], wide["duckdb"], atol=1e-9)
    assert (live.pivot(index="events", columns="engine", values="users")["pandas"] == [2_000, 6_000]).all()


def test_the_record_has_every_engine_and_its_provenance():
    recorded = scale.load_recorded()
    runs = scale.recorded_runs(recorded)
    assert {"pandas", "duckdb", "spark"} <= set(runs["engine"])
    assert runs.groupby("engine")["events"].nunique().min() >= 3  # a slope needs three sizes
    assert recorded["taken"] and recorded["environment"]["cpus"] >= 1
    inputs = scale.spark_inputs(recorded)
    assert inputs["shuffle_bytes_per_event"] > 0 and inputs["exchanges"]


def test_fixed_and_marginal_matches_statsmodels_and_finds_a_fixed_cost():
    events = np.array([1e6, 3e6, 1e7, 3e7, 5e7])
    seconds = 35.0 + 4e-6 * events + np.array([0.5, -0.7, 0.3, 0.6, -0.4])
    cost = scale.fixed_and_marginal(events, seconds)
    ols = sm.OLS(seconds, sm.add_constant(events)).fit()
    (f_low, f_high), (m_low, m_high) = ols.conf_int(0.05)
    assert (cost["fixed_s"], cost["marginal_s"]) == pytest.approx(tuple(ols.params), rel=1e-9)
    assert (cost["fixed_low"], cost["fixed_high"], cost["marginal_low"], cost["marginal_high"]) == pytest.approx(
        (f_low, f_high, m_low, m_high), rel=1e-9)
    assert cost["fixed_low"] > 30  # the 35 s start-up is found, not folded into the per-event cost
