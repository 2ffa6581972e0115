"""What a dataset can support: ``diagnose_data``, ``diagnose_scores``, ``choose_window`` and ``influence_lab.score``.

Each finding is checked both ways on small hand-made datasets: it fires when its condition holds
and stays silent when it does not. The forum example then shows the findings a real-looking
export triggers, and the shipped sample that a rich dataset does not trigger them.
"""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import influence_lab
from influence_lab.contract import ANONYMOUS_PREFIX, ContractError, Dataset, users_from_events, validate_events
from influence_lab.datasets.importers.examples import example_path
from influence_lab.scoring import workflow
from influence_lab.scoring.diagnostics import (
    FLOOR_WARNING_SHARE,
    choose_window,
    diagnose_data,
    diagnose_scores,
)
from influence_lab.scoring.recipes import make_recipe, score_dataset

T0 = pd.Timestamp("2012-07-01 09:00", tz="UTC")

FORUM_OPTIONS = dict(
    columns=dict(timestamp="when", actor_id="who", target_id="whom", kind="what", post_id="post"),
    kinds=dict(question="post", answer="reply", comment="reply"),
    timezone="America/New_York",
)


def dataset(rows, name: str = "hand") -> Dataset:
    """A validated Dataset from ``(day, actor, target, kind, post_id)`` rows (target None for posts)."""
    frame = pd.DataFrame(rows, columns=["day", "actor_id", "target_id", "kind", "post_id"])
    frame.insert(0, "timestamp", T0 + pd.to_timedelta(frame.pop("day"), unit="D"))
    events = validate_events(frame)
    return Dataset(name, users_from_events(events), events)


#: Four accounts, ten posts (at most three by one account), every engagement kind and a follow,
#: no self-engagement, every reaction on a post of the data.
BALANCED = [
    *[(i, "abcd"[i % 4] if i < 8 else "abc"[i - 8], None, "post", f"p{i}") for i in range(10)],
    (1, "b", "a", "reply", "p0"),
    (2, "c", "a", "reshare", "p0"),
    (3, "d", "b", "like", "p1"),
    (4, "a", "c", "mention", "p2"),
    (5, "d", "a", "follow", None),
]


def replies_only(n_authors: int = 12, reshares=()) -> Dataset:
    """Authors u01..uNN post once each; author i receives i replies from distinct repliers r1..ri."""
    rows = []
    for i in range(1, n_authors + 1):
        author = f"u{i:02d}"
        rows.append((i, author, None, "post", f"p{i}"))
        rows.extend((i + 0.5, f"r{j}", author, "reply", f"p{i}") for j in range(1, i + 1))
    rows.extend(reshares)
    return dataset(rows, "replies")


def codes(findings) -> list[str]:
    return [f.code for f in findings]


def finding(findings, code: str, recipe: str | None = None):
    found = [f for f in findings if f.code == code and (recipe is None or f.recipe == recipe)]
    assert len(found) == 1, (code, recipe, [str(f) for f in findings])
    return found[0]


# --------------------------------------------------------------------------- diagnose_data


def test_a_balanced_dataset_raises_no_warning():
    findings = diagnose_data(dataset(BALANCED))
    assert [f for f in findings if f.level == "warning"] == []
    kinds = finding(findings, "kinds")
    assert "post 10" in kinds.message and "follow 1" in kinds.message


def test_self_engagement_fires_only_when_someone_reacts_to_themselves():
    assert "self-engagement" not in codes(diagnose_data(dataset(BALANCED)))
    found = finding(diagnose_data(dataset([*BALANCED, (6, "a", "a", "reply", "p0")])), "self-engagement")
    assert found.level == "warning" and found.message.startswith("1 reactions (20% of all reactions)")


def test_a_reply_to_a_post_not_in_the_data_is_flagged():
    assert "unknown-posts" not in codes(diagnose_data(dataset(BALANCED)))
    found = finding(diagnose_data(dataset([*BALANCED, (6, "b", "a", "reply", "p999")])), "unknown-posts")
    assert found.level == "warning" and found.message.startswith("1 reactions")


def test_anonymous_stand_ins_are_flagged():
    assert "anonymous-reactors" not in codes(diagnose_data(dataset(BALANCED)))
    rows = [*BALANCED, (6, f"{ANONYMOUS_PREFIX}p0:like:1", "a", "like", "p0"),
            (6, f"{ANONYMOUS_PREFIX}p0:like:2", "a", "like", "p0")]
    found = finding(diagnose_data(dataset(rows)), "anonymous-reactors")
    assert found.level == "warning" and found.message.startswith("2 reactions")


def test_one_accounts_view_is_flagged_at_ninety_percent_of_posts():
    nine_of_ten = [(i, "a" if i < 9 else "b", None, "post", f"p{i}") for i in range(10)] + BALANCED[10:]
    found = finding(diagnose_data(dataset(nine_of_ten)), "one-account")
    assert found.level == "warning" and "90%" in found.message and "(a)" in found.message
    eight_of_ten = [(i, "a" if i < 8 else "b", None, "post", f"p{i}") for i in range(10)] + BALANCED[10:]
    assert "one-account" not in codes(diagnose_data(dataset(eight_of_ten)))
    assert "one-account" not in codes(diagnose_data(dataset(BALANCED)))


def test_absent_kinds_name_what_is_missing():
    assert "absent-kinds" not in codes(diagnose_data(dataset(BALANCED)))
    found = finding(diagnose_data(replies_only()), "absent-kinds")
    assert found.level == "warning"
    assert "no reshare, like, mention events" in found.message and "no follow events" in found.message


def test_loader_notes_and_removed_rows_are_reported_first():
    data = dataset(BALANCED)
    data.notes.append("12 times had no zone and were read as UTC local time.")
    data.removed["duplicate rows"] = 3
    findings = diagnose_data(data)
    assert codes(findings)[:2] == ["loader", "removed"]
    assert findings[0].message == data.notes[0] and "3 rows: duplicate rows" in findings[1].message


# --------------------------------------------------------------------------- diagnose_scores


def hand_scores(n_floor: int, n: int = 10) -> pd.DataFrame:
    values = [1.0] * n_floor + list(np.linspace(10, 90, n - n_floor))
    return pd.DataFrame({"score": values}, index=[f"u{i}" for i in range(n)])


@pytest.mark.parametrize("n_floor, level", [(6, "warning"), (5, "info"), (2, "info")])
def test_floor_is_a_warning_only_above_half_the_users(n_floor, level):
    assert FLOOR_WARNING_SHARE == 0.5
    found = finding(diagnose_scores(hand_scores(n_floor), "klout", floor=1.0, window_label="over a test"), "floor")
    assert found.level == level and found.recipe == "klout"
    assert found.message.startswith(f"{n_floor * 10}% of 10 users are at the floor (1) over a test")


def snp_findings(data: Dataset):
    table = score_dataset(data, make_recipe("snp"), window_days=365, with_features=True)
    return table, diagnose_scores(table, "snp", floor=0.0, window_label="over a year")


def test_snp_interactor_ratio_is_constant_on_reply_only_data():
    table, findings = snp_findings(replies_only())
    assert (table["interactor_ratio"] == 0).all()
    found = finding(findings, "constant-component", "snp")
    assert "'interactor_ratio'" in found.message and "reshare, mention, follow" in found.message


def test_snp_interactor_ratio_varies_once_there_are_reshares():
    reshares = [(20, "r1", "u01", "reshare", "p1"), (20, "r2", "u01", "reshare", "p1"),
                (20, "r1", "u02", "reshare", "p2")]
    table, findings = snp_findings(replies_only(reshares=reshares))
    assert table.loc["u01", "interactor_ratio"] > table.loc["u02", "interactor_ratio"] > 0
    assert not any(f.code == "constant-component" and "interactor_ratio" in f.message for f in findings)


def test_kred_ranks_like_a_plain_count_on_reply_only_data():
    report = influence_lab.score(replies_only(), "kred", warn=False)
    found = finding(report.diagnostics.findings, "same-as-count", "kred")
    assert "'reactions_received'" in found.message and "12 users above the floor" in found.message


@pytest.fixture(scope="module")
def sample():
    return influence_lab.load_sample()


def test_kred_is_not_just_a_count_on_the_shipped_sample(sample):
    report = influence_lab.score(sample, "kred", warn=False)
    assert report.window_days == 90  # more than a year of data: the recipe's own window
    assert "same-as-count" not in codes(report.diagnostics.findings)
    assert "floor" in codes(report.diagnostics.findings)


def test_no_user_in_the_window_is_a_warning():
    empty = pd.DataFrame({"score": pd.Series([], dtype=float)})
    assert codes(diagnose_scores(empty, "klout", floor=1.0, window_label="")) == ["no-users"]


# --------------------------------------------------------------------------- windows


def span(days: float) -> pd.DataFrame:
    return pd.DataFrame({"timestamp": [T0, T0 + pd.Timedelta(days=days)]})


@pytest.mark.parametrize("days", [184, 365])
def test_choose_window_scores_a_year_or_less_whole(days):
    window, reason = choose_window(span(days))
    assert window is None
    assert f"({days} days)" in reason and "--window 90D" in reason


@pytest.mark.parametrize("days", [366, 400])
def test_choose_window_uses_the_recipes_window_beyond_a_year(days):
    window, reason = choose_window(span(days))
    assert window == 90
    assert f"spans {days} days" in reason and "--window all" in reason


def two_eras(total_days: int) -> Dataset:
    """'old' is engaged only in the first ten days, 'new' only in the last ten; as of the last event."""
    rows = [(0, "old", None, "post", "p0"), (total_days - 10, "new", None, "post", "p1")]
    rows += [(1 + i, f"f{i}", "old", "reply", "p0") for i in range(5)]
    rows += [(total_days - 4 + i, f"f{i}", "new", "reply", "p1") for i in range(5)]  # the last at total_days
    return dataset(rows, f"span{total_days}")


def window_finding(report):
    return finding(report.diagnostics.findings, "window").message


def test_score_window_90d_all_and_auto():
    data = two_eras(200)
    short = influence_lab.score(data, "klout", window="90D", warn=False)
    whole = influence_lab.score(data, "klout", window="all", warn=False)
    auto = influence_lab.score(data, "klout", window="auto", warn=False)
    assert short.window_days == 90 and "90 days (as asked)" in window_finding(short)
    assert whole.window_days is None and "whole span of the data (as asked)" in window_finding(whole)
    assert auto.window_days is None and "(200 days)" in window_finding(auto)
    # 'old' was engaged 195 days before the end: outside a 90-day window, inside the whole span.
    assert short.table.loc["old", "klout_score"] == 1.0 and short.table.loc["old", "reactions_received"] == 0
    assert whole.table.loc["old", "klout_score"] > 1.0 and whole.table.loc["old", "reactions_received"] == 5
    pd.testing.assert_frame_equal(auto.table, whole.table)
    assert "window-effect" in codes(whole.diagnostics.findings)  # 200 days > 90: what the choice changed
    assert "window-effect" not in codes(short.diagnostics.findings)


def test_score_auto_window_on_more_than_a_year_is_the_recipes_90_days():
    data = two_eras(400)
    auto = influence_lab.score(data, "klout", window="auto", warn=False)
    short = influence_lab.score(data, "klout", window=90, warn=False)
    assert auto.window_days == 90 and "the recipe's own 90 days" in window_finding(auto)
    pd.testing.assert_frame_equal(auto.table, short.table)
    assert auto.table.loc["old", "klout_score"] == 1.0


def test_a_bad_window_is_refused():
    with pytest.raises(ValueError, match="90D"):
        influence_lab.score(dataset(BALANCED), window="ninety", warn=False)


# --------------------------------------------------------------------------- score()


def test_anonymous_accounts_are_scored_but_not_ranked():
    rows = [*BALANCED, *[(6, f"{ANONYMOUS_PREFIX}p0:like:{i}", "a", "like", "p0") for i in range(1, 4)]]
    report = influence_lab.score(dataset(rows), ["klout", "kred"], warn=False)
    anon = [f"{ANONYMOUS_PREFIX}p0:like:{i}" for i in range(1, 4)]
    assert not report.table.index.str.startswith(ANONYMOUS_PREFIX).any()
    assert set(report.table.index) == {"a", "b", "c", "d"}
    for name in ("klout", "kred"):
        assert set(anon) <= set(report.scores[name].index)
    assert list(report.table["rank"]) == list(range(1, 5))
    assert report.table.loc["a", "reactions_received"] == 2 + 3  # b's reply, c's reshare and the stand-ins' likes
    assert "anonymous-reactors" in codes(report.diagnostics.findings)


def test_warn_issues_each_warning_as_a_data_warning():
    data = dataset([*BALANCED, (6, "a", "a", "reply", "p0")])
    with pytest.warns(workflow.DataWarning) as record:
        report = influence_lab.score(data, "klout", warn=True)
    issued = [str(w.message) for w in record if issubclass(w.category, workflow.DataWarning)]
    assert issued == [str(f) for f in report.warnings] and report.warnings
    assert any("self-engagement" == f.code for f in report.warnings)


def test_warn_false_issues_no_data_warning():
    data = dataset([*BALANCED, (6, "a", "a", "reply", "p0")])
    with warnings.catch_warnings():
        warnings.simplefilter("error", workflow.DataWarning)
        report = influence_lab.score(data, "klout", warn=False)
    assert report.warnings  # still reported, just not issued


def test_import_options_are_refused_for_a_dataset():
    with pytest.raises(ValueError, match="only apply to a file"):
        influence_lab.score(dataset(BALANCED), timezone="UTC", warn=False)


# --------------------------------------------------------------------------- the forum example


@pytest.fixture(scope="module")
def forum():
    with warnings.catch_warnings(record=True) as record:
        warnings.simplefilter("always")
        report = influence_lab.score(example_path("forum_export.csv"), ["klout", "kred", "snp"],
                                     ambiguous_times="earlier", **FORUM_OPTIONS)
    return report, [w for w in record if issubclass(w.category, workflow.DataWarning)]


def test_forum_example_findings(forum):
    report, _ = forum
    found = report.diagnostics.findings
    assert finding(found, "self-engagement").level == "warning"
    assert finding(found, "absent-kinds").level == "warning"
    assert finding(found, "floor", "klout").level == "warning"
    constant = finding(found, "constant-component", "snp")
    assert "'interactor_ratio'" in constant.message
    assert finding(found, "same-as-count", "kred").level == "warning"
    assert report.window_days is None  # July to December: a year or less, scored whole
    assert any("earlier" in f.message for f in found if f.code == "loader")


def test_forum_example_warnings_are_issued(forum):
    report, issued = forum
    assert sorted(str(w.message) for w in issued) == sorted(str(f) for f in report.warnings)


def test_forum_example_without_ambiguous_times_names_the_line():
    with pytest.raises(ContractError) as info:
        influence_lab.score(example_path("forum_export.csv"), "klout", warn=False, **FORUM_OPTIONS)
    message = str(info.value)
    assert "line 29901" in message and "--ambiguous-times" in message
    assert "line" in message and "occur twice in America/New_York" in message
