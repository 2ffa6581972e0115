"""The generic CSV/Parquet importer (``read_table``): the good path, hostile inputs, and hypothesis properties.

Every file is small, written by the test in ``tmp_path`` under a forum-like header
``when,who,whom,what,post`` mapped onto the contract (``timestamp``, ``actor_id``, ``target_id``,
``kind``, ``text``) with the kinds ``answer`` -> reply and ``question`` -> post. Expected instants are
worked out by hand in the comments, not by the importer's code.

Each hostile input must raise :class:`InputError` or :class:`ContractError` (the test says which),
naming the file, the line and column where there is one, and saying "How to fix"; and the importer
must write nothing next to the inputs.
"""

from __future__ import annotations

import os
import random
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from influence_lab.contract import EVENT_KINDS, TIMESTAMP_DTYPE, ContractError, Dataset
from influence_lab.datasets.importers import errors
from influence_lab.datasets.importers.errors import InputError
from influence_lab.datasets.importers.safety import decode_text
from influence_lab.datasets.importers.tabular import read_table

HEADER = ("when", "who", "whom", "what", "post")
COLUMNS = {"timestamp": "when", "actor_id": "who", "target_id": "whom", "kind": "what", "text": "post"}
KINDS = {"answer": "reply", "question": "post"}

#: A small forum: a question, an answer to it, a like of it and a reshare of the answer.
ROWS = [
    ("2012-07-04T09:00:00Z", "alice", "", "question", "Why is the sky blue?"),
    ("2012-07-04T09:30:00Z", "bob", "alice", "answer", "Rayleigh scattering"),
    ("2012-07-04T10:00:00Z", "carol", "alice", "like", ""),
    ("2012-07-04T10:15:00Z", "carol", "bob", "reshare", ""),
]
#: ROWS as the contract should hold them: (UTC instant, actor, target, kind, text); empty cells missing.
EXPECTED = [
    ("2012-07-04T09:00:00+00:00", "alice", None, "post", "Why is the sky blue?"),
    ("2012-07-04T09:30:00+00:00", "bob", "alice", "reply", "Rayleigh scattering"),
    ("2012-07-04T10:00:00+00:00", "carol", "alice", "like", None),
    ("2012-07-04T10:15:00+00:00", "carol", "bob", "reshare", None),
]


# ------------------------------------------------------------------ helpers


def _quote(cell: str, delimiter: str) -> str:
    # By hand, not csv.writer: Python 3.11's writer leaves a lone "\r" unquoted when the line end is "\n".
    if any(c in cell for c in (delimiter, '"', "\r", "\n")):
        return '"' + cell.replace('"', '""') + '"'
    return cell


def csv_text(rows, *, header=HEADER, delimiter=",", newline="\n") -> str:
    """Rows as CSV text (RFC 4180): a cell holding the delimiter, a quote or a line break is quoted."""
    return "".join(delimiter.join(_quote(c, delimiter) for c in r) + newline for r in [header, *rows])


def raw_text(rows, *, header=HEADER, delimiter=",") -> str:
    """Rows joined as written, without any quoting (for hand-made broken files)."""
    return "".join(delimiter.join(r) + "\n" for r in [header, *rows])


def load(path, **options) -> Dataset:
    options.setdefault("columns", COLUMNS)
    options.setdefault("kinds", KINDS)
    return read_table(path, **options)


def _missing(value):
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def events_as_tuples(events: pd.DataFrame) -> list[tuple]:
    """(ISO UTC instant, actor, target, kind, text) per event, missing cells as None."""
    assert events["timestamp"].dtype == TIMESTAMP_DTYPE
    text = events["text"] if "text" in events.columns else pd.Series([None] * len(events))
    return [
        (ts.isoformat(), _missing(a), _missing(t), str(k), _missing(x))
        for ts, a, t, k, x in zip(events["timestamp"], events["actor_id"], events["target_id"],
                                  events["kind"], text)
    ]


def parquet_frame(rows) -> pd.DataFrame:
    """Rows as a DataFrame of text columns, empty cells missing (as a CSV reads them)."""
    return pd.DataFrame([[c if c else None for c in r] for r in rows], columns=list(HEADER))


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text).tz_convert("UTC")


class Inputs:
    """Files a test writes in its folder, and the check that the importer wrote nothing beside them."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.names: set[str] = set()

    def write(self, name: str, content: str | bytes) -> Path:
        path = self.folder / name
        path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
        self.names.add(name)
        return path

    def parquet(self, name: str, frame: pd.DataFrame) -> Path:
        path = self.folder / name
        frame.to_parquet(path)
        self.names.add(name)
        return path

    def assert_untouched(self) -> None:
        found = {p.relative_to(self.folder).as_posix() for p in self.folder.rglob("*")}
        assert found == self.names, f"the importer wrote {sorted(found - self.names)}"

    def refuse(self, path: Path, error: type, *, line: int | None = None, column: str | None = None,
               says=(), **options) -> ContractError:
        """Load ``path``; it must raise exactly ``error`` naming the file, line, column, with 'How to fix'."""
        with pytest.raises(ContractError) as info:
            load(path, **options)
        exc = info.value
        message = str(exc)
        if error is InputError:
            assert isinstance(exc, InputError), f"expected an InputError, got {type(exc).__name__}: {message}"
        else:
            assert type(exc) is ContractError, f"expected a plain ContractError, got {type(exc).__name__}"
        assert str(path) in message
        assert "How to fix" in message
        if line is not None:
            assert f"line {line}" in message, message
        if column is not None:
            assert f"column '{column}'" in message, message
        for fragment in [says] if isinstance(says, str) else says:
            assert fragment in message, message
        self.assert_untouched()
        return exc


@pytest.fixture
def inputs(tmp_path) -> Inputs:
    return Inputs(tmp_path)


# ------------------------------------------------------------------ the good path


def test_mapping_and_kind_mapping(inputs):
    ds = load(inputs.write("forum.csv", csv_text(ROWS)))
    assert isinstance(ds, Dataset)
    assert events_as_tuples(ds.events) == EXPECTED
    assert list(ds.events.columns[:4]) == ["timestamp", "actor_id", "target_id", "kind"]
    assert list(ds.users["user_id"]) == ["alice", "bob", "carol"]
    assert ds.removed == {} and ds.notes == []
    assert ds.name == "forum"
    inputs.assert_untouched()


def test_kind_mapped_to_ignore_is_counted_in_removed(inputs):
    rows = ROWS + [("2012-07-04T11:00:00Z", "dave", "bob", "vote", "+1"),
                   ("2012-07-04T11:05:00Z", "erin", "bob", "vote", "+1")]
    ds = load(inputs.write("forum.csv", csv_text(rows)), kinds={**KINDS, "vote": "ignore"})
    assert events_as_tuples(ds.events) == EXPECTED
    assert ds.removed == {"kinds ignored by the mapping": 2}
    assert any("vote" in note and "2" in note for note in ds.notes), ds.notes
    # dave and erin only voted: they are not users of the events that remain
    assert "dave" not in set(ds.users["user_id"])


def test_naive_times_read_in_new_york(inputs):
    rows = [
        ("2012-07-04 09:00", "alice", "", "question", "summer"),  # EDT, UTC-4 -> 13:00Z
        ("2012-01-15 09:00:00", "bob", "alice", "answer", "winter"),  # EST, UTC-5 -> 14:00Z
        ("2012-11-04 00:30", "carol", "alice", "like", ""),  # still EDT (clocks go back at 02:00) -> 04:30Z
        ("2012-11-04 03:30", "carol", "bob", "like", ""),  # EST from 02:00 -> 08:30Z
    ]
    ds = load(inputs.write("ny.csv", csv_text(rows)), timezone="America/New_York")
    # events come sorted by instant
    assert [(ts, a) for ts, a, *_ in events_as_tuples(ds.events)] == [
        ("2012-01-15T14:00:00+00:00", "bob"),
        ("2012-07-04T13:00:00+00:00", "alice"),
        ("2012-11-04T04:30:00+00:00", "carol"),
        ("2012-11-04T08:30:00+00:00", "carol"),
    ]
    assert any("America/New_York" in note and "4" in note for note in ds.notes), ds.notes


def test_times_with_offsets_mixed_with_naive_times(inputs):
    rows = [
        ("2012-07-04T11:00:00+02:00", "alice", "", "question", "paris"),  # -> 09:00Z
        ("2012-07-04 09:00:00 -0500", "bob", "alice", "answer", "space before offset"),  # -> 14:00Z
        ("2012-07-04T09:00:00Z", "carol", "alice", "like", "zulu"),  # -> 09:00Z
        ("2012-07-04 09:00", "dave", "alice", "like", "naive"),  # New York EDT -> 13:00Z
    ]
    ds = load(inputs.write("mixed.csv", csv_text(rows)), timezone="America/New_York")
    by_text = {x: ts for ts, _, _, _, x in events_as_tuples(ds.events)}
    assert by_text == {
        "paris": "2012-07-04T09:00:00+00:00",
        "space before offset": "2012-07-04T14:00:00+00:00",
        "zulu": "2012-07-04T09:00:00+00:00",
        "naive": "2012-07-04T13:00:00+00:00",
    }
    # only the one naive time was read in the zone
    assert any(note.startswith("1 times had no zone") for note in ds.notes), ds.notes


def test_unix_times_in_seconds(inputs):
    # 2012-07-04T09:00:00Z = 15525 days * 86400 + 9 * 3600 = 1341392400 (15525 days from 1970-01-01)
    assert (datetime(2012, 7, 4, tzinfo=timezone.utc) - datetime(1970, 1, 1, tzinfo=timezone.utc)).days == 15525
    stamps = ["1341392400", "1341394200", "1341396000", "1341396900"]
    rows = [(s, *r[1:]) for s, r in zip(stamps, ROWS)]
    ds = load(inputs.write("unix.csv", csv_text(rows)), timestamp_unit="s")
    assert events_as_tuples(ds.events) == EXPECTED


def test_timestamp_format_day_first(inputs):
    # Day first: 04/07 is the 4th of July; 13/07 proves it is not read month first.
    rows = [("04/07/2012 09:00", "alice", "", "question", "a"), ("13/07/2012 18:30", "bob", "alice", "answer", "b")]
    ds = load(inputs.write("dayfirst.csv", csv_text(rows)), timestamp_format="%d/%m/%Y %H:%M", timezone="UTC")
    assert list(ds.events["timestamp"]) == [utc("2012-07-04T09:00Z"), utc("2012-07-13T18:30Z")]
    with_offset = [("04/07/2012 11:00 +0200", "alice", "", "question", "a")]
    ds = load(inputs.write("offset.csv", csv_text(with_offset)), timestamp_format="%d/%m/%Y %H:%M %z")
    assert list(ds.events["timestamp"]) == [utc("2012-07-04T09:00Z")]


def test_unmapped_columns_are_named_in_notes(inputs):
    header = HEADER + ("score", "lang")
    rows = [r + ("12", "en") for r in ROWS]
    ds = load(inputs.write("extra.csv", csv_text(rows, header=header)))
    assert events_as_tuples(ds.events) == EXPECTED
    assert "score" not in ds.events.columns
    assert any("['score', 'lang']" in note for note in ds.notes), ds.notes


@pytest.mark.parametrize("delimiter", [";", "\t", "|"], ids=["semicolon", "tab", "pipe"])
def test_delimiter_is_detected(inputs, delimiter):
    # a comma inside a cell of a non-comma file is data, not a delimiter
    rows = [r[:4] + (r[4].replace(" ", ", "),) for r in ROWS]
    ds = load(inputs.write("forum.csv", raw_text(rows, delimiter=delimiter)))
    expected = [e[:4] + (None if e[4] is None else e[4].replace(" ", ", "),) for e in EXPECTED]
    assert events_as_tuples(ds.events) == expected


def test_bom_and_crlf_load_the_same_dataset(inputs):
    plain = load(inputs.write("forum.csv", csv_text(ROWS)))
    bom = b"\xef\xbb\xbf" + csv_text(ROWS, newline="\r\n").encode("utf-8")
    other = load(inputs.write("forum_bom.csv", bom))
    pd.testing.assert_frame_equal(other.events, plain.events)
    pd.testing.assert_frame_equal(other.users, plain.users)
    assert (other.removed, other.notes) == (plain.removed, plain.notes)
    assert "forum_bom" == other.name


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_with_bom_loads(inputs, codec):
    rows = ROWS[:1] + [("2012-07-04T09:30:00Z", "bob", "alice", "answer", "Caf\u00e9 \u2615 \U0001F600")]
    data = csv_text(rows).encode(codec)
    if codec == "utf-16-be":
        data = b"\xfe\xff" + data  # "utf-16" writes its own BOM; the BE codec does not
    ds = load(inputs.write("u16.csv", data))
    assert list(ds.events["text"]) == ["Why is the sky blue?", "Caf\u00e9 \u2615 \U0001F600"]


def test_utf16_without_bom_loads_when_named(inputs):
    # Fixed in safety.decode_text: the NUL check ran on the UTF-16 bytes and refused them as binary.
    ds = load(inputs.write("u16le.csv", csv_text(ROWS).encode("utf-16-le")), encoding="utf-16-le")
    assert events_as_tuples(ds.events) == EXPECTED


def test_utf32_with_bom_loads(inputs):
    # Fixed in safety: UTF-32-LE's BOM begins with UTF-16-LE's, so it was decoded as UTF-16 (NULs: "binary").
    ds = load(inputs.write("u32.csv", csv_text(ROWS).encode("utf-32")))
    assert events_as_tuples(ds.events) == EXPECTED


def test_cp1252_loads_when_named(inputs):
    text = "Caf\u00e9 \u2013 na\u00efve \u20ac5"  # é, en dash, ï and the euro sign: bytes E9 96 EF 80 in cp1252
    data = csv_text([ROWS[0][:4] + (text,)]).encode("cp1252")
    assert b"\x96" in data and b"\x80" in data
    ds = load(inputs.write("excel.csv", data), encoding="cp1252")
    assert list(ds.events["text"]) == [text]


def test_quoted_fields_with_commas_newlines_and_quotes(inputs):
    tricky = ['He said "hi", then left', "line one\nline two", "a,b,c", 'only ""quotes""', "crlf\r\ninside"]
    rows = [(f"2012-07-04T0{i}:00:00Z", "alice", "", "question", t) for i, t in enumerate(tricky)]
    content = csv_text(rows)
    assert content.count("\n") > len(rows) + 1  # records really span lines
    ds = load(inputs.write("quoted.csv", content))
    assert list(ds.events["text"]) == tricky


def test_parquet_gives_the_same_events_as_the_csv(inputs):
    from_csv = load(inputs.write("forum.csv", csv_text(ROWS)))
    frame = parquet_frame(ROWS)
    from_parquet = load(inputs.parquet("forum.parquet", frame))
    pd.testing.assert_frame_equal(from_parquet.events, from_csv.events)
    pd.testing.assert_frame_equal(from_parquet.users, from_csv.users)
    assert from_parquet.removed == from_csv.removed
    # with real tz-aware times (not text) the instants are the same
    typed = frame.assign(when=pd.to_datetime(frame["when"], utc=True).dt.tz_convert("Europe/Paris"))
    from_typed = load(inputs.parquet("typed.parquet", typed))
    assert events_as_tuples(from_typed.events) == EXPECTED


def test_posts_only_without_a_target_column(inputs):
    header = ("when", "who", "what", "post")
    rows = [("2012-07-04T09:00:00Z", "alice", "question", "one"), ("2012-07-04T10:00:00Z", "bob", "post", "two")]
    ds = load(inputs.write("posts.csv", csv_text(rows, header=header)))
    assert list(ds.events["kind"]) == ["post", "post"]
    assert ds.events["target_id"].isna().all()
    assert list(ds.users["user_id"]) == ["alice", "bob"]


# ------------------------------------------------------------------ hostile inputs


def test_empty_file(inputs):
    inputs.refuse(inputs.write("empty.csv", b""), InputError, says="is empty")


def test_whitespace_only_file(inputs):
    inputs.refuse(inputs.write("blank.csv", b"  \r\n\t\n \n"), InputError, says="is empty")


def _never_read(monkeypatch):
    """Fail at once if the importer reads the path (a regression would hang or exhaust memory, not fail)."""
    def read_bytes(self):
        pytest.fail(f"read_input_bytes read {self}, which is not a regular file")
    monkeypatch.setattr(Path, "read_bytes", read_bytes)


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_a_device_is_not_read(inputs, monkeypatch):
    # Fixed in safety.read_input_bytes: /dev/zero was read until memory ran out.
    _never_read(monkeypatch)
    inputs.refuse(Path("/dev/zero"), InputError, says="not a regular file")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_is_not_opened(inputs, monkeypatch):
    # Fixed in safety.read_input_bytes: opening a pipe nobody writes to blocked for ever.
    os.mkfifo(inputs.folder / "pipe.csv")
    inputs.names.add("pipe.csv")
    _never_read(monkeypatch)
    inputs.refuse(inputs.folder / "pipe.csv", InputError, says="not a regular file")


def test_header_without_rows(inputs):
    inputs.refuse(inputs.write("header.csv", ",".join(HEADER) + "\n"), InputError, says="header but no rows")


def test_random_bytes(inputs):
    data = random.Random(0).randbytes(4096)
    exc = inputs.refuse(inputs.write("random.csv", data), InputError, says="binary data")
    assert exc.line == data.count(b"\n", 0, data.index(b"\x00")) + 1
    assert f"line {exc.line}" in str(exc)


def test_png_header_with_nuls(inputs):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00" + bytes(64)
    # the first NUL is at byte 8, after the two \n of the PNG signature (\r\n and \x1a\n): line 3
    inputs.refuse(inputs.write("image.csv", png), InputError, line=3, says=("binary data", "byte 8"))


def test_wrong_delimiter_named_suggests_the_right_one(inputs):
    path = inputs.write("semicolons.csv", raw_text(ROWS, delimiter=";"))
    inputs.refuse(path, InputError, line=1, says=("delimiter=';'", "semicolon"), delimiter=",")


def test_mapping_names_a_column_not_in_the_file(inputs):
    path = inputs.write("forum.csv", csv_text(ROWS))
    exc = inputs.refuse(path, InputError, column="author", says=("actor_id (looked for 'author')", "'who'"),
                        columns={**COLUMNS, "actor_id": "author"})
    assert exc.column == "author"


def test_row_with_more_fields_than_the_header(inputs):
    rows = ROWS[:2] + [ROWS[2] + ("surplus",)] + ROWS[3:]
    inputs.refuse(inputs.write("more.csv", raw_text(rows)), InputError, line=4, says="line 4 has 6")


def test_row_with_fewer_fields_than_the_header(inputs):
    rows = ROWS[:1] + [ROWS[1][:3]] + ROWS[2:] + [ROWS[3][:2]]
    exc = inputs.refuse(inputs.write("fewer.csv", raw_text(rows)), InputError, line=3,
                        says=("2 rows", "line 3 has 3", "line 6 has 2"))
    assert exc.line == 3


def test_invalid_timestamps(inputs):
    rows = ROWS[:2] + [("2012-13-45T99:00:00Z",) + ROWS[2][1:], ("yesterday",) + ROWS[3][1:]]
    path = inputs.write("badtimes.csv", raw_text(rows))
    exc = inputs.refuse(path, ContractError, line=4, column="when",
                        says=("2 of 4 rows", "cannot be read", "line 5 of the file", "'yesterday'"), timezone="UTC")
    assert exc.rows == [2, 3]


def test_invalid_timestamp_without_timezone_is_called_unreadable(inputs):
    rows = ROWS[:1] + [("yesterday",) + ROWS[1][1:]]
    inputs.refuse(inputs.write("badtime.csv", raw_text(rows)), ContractError, line=3, column="when",
                  says="cannot be read")


def test_naive_times_without_timezone(inputs):
    rows = [("2012-07-04 09:00",) + ROWS[0][1:], ROWS[1], ("2012-07-04T10:00:00",) + ROWS[2][1:]]
    inputs.refuse(inputs.write("naive.csv", raw_text(rows)), ContractError, column="when",
                  says=("2 of 3 rows", "naive", "line 2 of the file", "line 4 of the file", "--timezone"))


def test_unknown_time_zone(inputs):
    rows = [("2012-07-04 09:00",) + ROWS[0][1:]]
    inputs.refuse(inputs.write("naive.csv", raw_text(rows)), InputError, column="when",
                  says="unknown time zone 'Mars/Olympus_Mons'", timezone="Mars/Olympus_Mons")


def test_local_times_in_a_dst_gap(inputs):
    # New York skipped from 02:00 to 03:00 on 11 March 2012: 02:30 never happened there.
    rows = ROWS[:1] + [("2012-03-11 02:30",) + ROWS[1][1:]]
    inputs.refuse(inputs.write("gap.csv", raw_text(rows)), ContractError, line=3, column="when",
                  says=("do not exist in America/New_York", "'2012-03-11 02:30'"), timezone="America/New_York")


def test_local_times_repeated_when_clocks_go_back(inputs):
    # 01:30 happened twice in New York on 4 November 2012: 05:30Z (EDT) and 06:30Z (EST).
    rows = ROWS[:1] + [("2012-11-04 01:30",) + ROWS[1][1:]]
    path = inputs.write("twice.csv", raw_text(rows))
    inputs.refuse(path, ContractError, line=3, column="when", says=("occur twice", "ambiguous_times='earlier'"),
                  timezone="America/New_York")
    earlier = load(path, timezone="America/New_York", ambiguous_times="earlier")
    later = load(path, timezone="America/New_York", ambiguous_times="later")
    assert earlier.events["timestamp"].iloc[1] == utc("2012-11-04T05:30Z")
    assert later.events["timestamp"].iloc[1] == utc("2012-11-04T06:30Z")


def test_non_utf8_bytes_without_encoding(inputs):
    data = csv_text(ROWS[:2] + [ROWS[2][:4] + ("caf\u00e9",)]).encode("cp1252")
    inputs.refuse(inputs.write("excel.csv", data), InputError, line=4,
                  says=("not valid utf-8", "0xE9", "--encoding cp1252"))


@pytest.mark.parametrize("encoding", ["no-such-codec", "base64", "rot13", "punycode"])
def test_unknown_or_non_text_encoding(inputs, encoding):
    # Fixed in safety.decode_text: bytes-to-bytes codecs raised LookupError, punycode a bare UnicodeError.
    inputs.refuse(inputs.write("forum.csv", csv_text(ROWS)), InputError, encoding=encoding,
                  says=repr(encoding) if encoding in ("no-such-codec", "base64") else "")


def test_unknown_event_kinds_are_listed_with_counts(inputs):
    rows = ROWS + [("2012-07-04T11:00:00Z", "dave", "bob", "upvote", ""),
                   ("2012-07-04T11:01:00Z", "erin", "bob", "upvote", ""),
                   ("2012-07-04T11:02:00Z", "erin", "alice", "flag", "")]
    exc = inputs.refuse(inputs.write("kinds.csv", csv_text(rows)), ContractError, line=6, column="what",
                        says=("3 of 7 rows", "'upvote' (2 rows)", "'flag' (1 rows)", "line 8 of the file"))
    assert exc.rows == [4, 5, 6]


def test_empty_actor_ids(inputs):
    rows = ROWS[:1] + [("2012-07-04T09:30:00Z", "", "alice", "answer", "x"),
                       ("2012-07-04T09:40:00Z", "   ", "alice", "answer", "y")] + ROWS[2:]
    inputs.refuse(inputs.write("actors.csv", csv_text(rows)), ContractError, line=3, column="actor_id",
                  says=("(the file's 'who')", "empty or missing id", "line 4 of the file"))


def test_duplicate_rows_are_removed_and_counted(inputs):
    rows = ROWS[:2] + [ROWS[1], ROWS[1]] + ROWS[2:] + [ROWS[0]]  # lines 4, 5 and 8 repeat earlier rows
    path = inputs.write("dups.csv", csv_text(rows))
    ds = load(path)
    assert events_as_tuples(ds.events) == EXPECTED
    assert ds.removed == {"duplicate rows": 3}
    assert any("3 rows repeat" in n and "[4, 5, 8]" in n and "keep_duplicates=True" in n for n in ds.notes), ds.notes
    kept = load(path, keep_duplicates=True)
    assert len(kept.events) == len(rows) and kept.removed == {}
    assert Counter(map(str, kept.events["kind"])) == {"post": 2, "reply": 3, "like": 1, "reshare": 1}
    inputs.assert_untouched()


def test_enormous_line_over_a_lowered_limit(inputs, monkeypatch):
    monkeypatch.setattr(errors, "MAX_LINE_BYTES", 1000)
    rows = ROWS[:2] + [ROWS[2][:4] + ("x" * 1001,)] + ROWS[3:]
    inputs.refuse(inputs.write("long.csv", csv_text(rows)), InputError, line=4,
                  says=("the limit is 1,000", "MAX_LINE_BYTES"))
    # a line of exactly the limit is fine
    exact = 1000 - len(",".join(ROWS[2][:4]) + ",")
    ok = load(inputs.write("edge.csv", csv_text(ROWS[:2] + [ROWS[2][:4] + ("y" * exact,)])))
    assert len(ok.events) == 3


def test_two_megabyte_line_with_the_real_limit(inputs):
    assert errors.MAX_LINE_BYTES == 1 << 20
    rows = ROWS[:1] + [ROWS[1][:4] + ("z" * (2 << 20),)]
    inputs.refuse(inputs.write("huge.csv", csv_text(rows)), InputError, line=3,
                  says=f"the limit is {1 << 20:,}")


def test_repeated_header_names(inputs):
    header = ("when", "who", "who", "what", "post")
    inputs.refuse(inputs.write("repeat.csv", csv_text(ROWS, header=header)), InputError, line=1,
                  says=("repeated column names", "['who']"))


def test_kind_mapped_onto_a_kind_the_contract_does_not_know(inputs):
    inputs.refuse(inputs.write("forum.csv", csv_text(ROWS)), InputError, says=("['comment']", "not contract kinds"),
                  kinds={**KINDS, "answer": "comment"})


def test_truncated_parquet(inputs):
    frame = parquet_frame(ROWS)
    whole = inputs.parquet("whole.parquet", frame).read_bytes()
    assert whole[:4] == b"PAR1"
    for name, data in [("cut.parquet", whole[: len(whole) // 2]), ("tail.parquet", whole[:-5]),
                       ("magic_only.csv", b"PAR1" + bytes(3))]:  # the magic bytes decide, not the suffix
        inputs.refuse(inputs.write(name, data), InputError, says="not a readable Parquet file")


# ------------------------------------------------------------------ bugs pinned for tabular.py / common.py


@pytest.mark.parametrize("when", ["9999-01-01T00:00:00Z", "1000-01-01T00:00:00Z"])
def test_iso_time_outside_the_nanosecond_range(inputs, when):
    rows = ROWS[:1] + [(when,) + ROWS[1][1:]]
    inputs.refuse(inputs.write("far.csv", raw_text(rows)), ContractError, line=3, column="when")


@pytest.mark.parametrize("when", ["100000000000000000000", "inf"])
def test_unix_time_out_of_range(inputs, when):
    rows = [("1341392400",) + ROWS[0][1:], (when,) + ROWS[1][1:]]
    inputs.refuse(inputs.write("far.csv", raw_text(rows)), ContractError, line=3, column="when",
                  timestamp_unit="s")


def test_timestamp_format_with_mixed_offsets(inputs):
    rows = [("04/07/2012 11:00 +0200",) + ROWS[0][1:], ("04/07/2012 09:30 +0000",) + ROWS[1][1:]]
    ds = load(inputs.write("offsets.csv", raw_text(rows)), timestamp_format="%d/%m/%Y %H:%M %z")
    assert list(ds.events["timestamp"]) == [utc("2012-07-04T09:00Z"), utc("2012-07-04T09:30Z")]


def test_ragged_row_after_a_long_quoted_field(inputs):
    text = csv_text(ROWS[:1] + [ROWS[1][:4] + ("w" * 200_000,)]) + ",".join(ROWS[2][:3]) + "\n"
    inputs.refuse(inputs.write("long_ragged.csv", text), InputError, line=4, says="line 4 has 3")


def test_null_like_words_are_kept_as_text(inputs):
    rows = [("2012-07-04T09:00:00Z", "NA", "", "question", "N/A"),
            ("2012-07-04T09:30:00Z", "null", "NA", "answer", "nan")]
    ds = load(inputs.write("na.csv", csv_text(rows)))
    assert events_as_tuples(ds.events) == [("2012-07-04T09:00:00+00:00", "NA", None, "post", "N/A"),
                                           ("2012-07-04T09:30:00+00:00", "null", "NA", "reply", "nan")]


@pytest.mark.parametrize("layout", ["quoted newline", "blank lines"])
def test_error_lines_after_multiline_records(inputs, layout):
    if layout == "quoted newline":
        text = csv_text(ROWS[:1] + [ROWS[1][:4] + ("two\nlines",)])  # the second record spans lines 3-4
    else:
        text = csv_text(ROWS[:2]) + "\n"  # a blank line 4
    text += "2012-07-04T11:00:00Z,dave,bob,upvote,\n"  # line 5
    inputs.refuse(inputs.write("lines.csv", text), ContractError, column="what", says="line 5 of the file")


def test_duplicate_lines_after_an_ignored_kind(inputs):
    rows = [ROWS[0], ("2012-07-04T11:00:00Z", "dave", "bob", "vote", ""), ROWS[0]]  # line 4 repeats line 2
    ds = load(inputs.write("dups.csv", csv_text(rows)), kinds={**KINDS, "vote": "ignore"})
    assert ds.removed == {"kinds ignored by the mapping": 1, "duplicate rows": 1}
    assert any("first at lines [4]" in note for note in ds.notes), ds.notes


def test_semicolon_file_with_unicode_line_separators_in_posts(inputs):
    rows = [r[:4] + ("first\u2028second",) for r in ROWS]
    ds = load(inputs.write("ls.csv", raw_text(rows, delimiter=";")))
    assert list(ds.events["text"]) == ["first\u2028second"] * 4


def test_semicolon_file_with_long_posts_sniffed(inputs):
    header = ";".join(HEADER) + "\n"
    row = "2012-07-04T09:00:00Z;alice;;question;"
    first = "".join(f"2012-07-04T0{i}:00:00Z;u{i};;question;" + "p" * 20_000 + "\n" for i in range(3))
    pad = 65536 - len(header) - len(first) - len(row + "\n") - 10  # the fourth record ends 10 chars short of the cut
    text = header + first + row + "q" * pad + "\n" + "2012-07-04T05:00:00Z;bob;alice;answer;short\n"
    assert len(text) > 65536 and text[65525:65536] == "\n2012-07-04"
    ds = load(inputs.write("long_semicolons.csv", text))
    assert len(ds.events) == 5


def test_parquet_posts_with_empty_string_targets(inputs):
    frame = parquet_frame(ROWS)
    frame.loc[0, "whom"] = ""  # '' (not None) for the post's target, as pandas writes a column read without NaN
    ds = load(inputs.parquet("empty_targets.parquet", frame))
    assert events_as_tuples(ds.events) == EXPECTED
    assert "" not in set(ds.users["user_id"])


def test_parquet_naive_datetimes_in_a_dst_gap(inputs):
    frame = parquet_frame(ROWS[:2])
    frame["when"] = pd.to_datetime(["2012-07-04 09:00", "2012-03-11 02:30"])
    path = inputs.parquet("gap.parquet", frame)
    inputs.refuse(path, ContractError, column="when", says="do not exist", timezone="America/New_York")


def test_parquet_missing_datetime(inputs):
    frame = parquet_frame(ROWS[:2])
    frame["when"] = pd.to_datetime(["2012-07-04 09:00", None]).tz_localize("UTC")
    inputs.refuse(inputs.parquet("nat.parquet", frame), ContractError, column="when")


def test_parquet_naive_datetimes_with_an_unknown_zone(inputs):
    frame = parquet_frame(ROWS[:1])
    frame["when"] = pd.to_datetime(["2012-07-04 09:00"])
    inputs.refuse(inputs.parquet("naive.parquet", frame), InputError, column="when", says="unknown time zone",
                  timezone="Mars/Olympus_Mons")


def test_parquet_errors_name_rows_not_lines(inputs):
    frame = parquet_frame(ROWS)
    frame["when"] = [1341392400, 1341394200, 1341396000, 1341396900]  # Unix seconds without timestamp_unit
    exc = inputs.refuse(inputs.parquet("unix.parquet", frame), ContractError, column="when", says="timestamp_unit")
    assert "(line" not in str(exc), str(exc)


# ------------------------------------------------------------------ properties

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
ZONES = st.sampled_from([None, "UTC", "America/New_York"])
#: Cells that make CSV hard, mixed with arbitrary text.
SPECIAL = st.sampled_from([",", ";", "\t", "|", '"', '""', "\n", "\r\n", "\r", " ", "", "\ufeff", "\u2028",
                           "2012-07-04T09:00:00Z", "2012-07-04 09:00", "1341392400", "answer", "question", "like",
                           "ignore", "NA", "null", "é", "\U0001F600"])
CELLS = st.one_of(SPECIAL, st.text(max_size=12), st.lists(SPECIAL, max_size=4).map("".join))


def _mostly(*plausible):
    """A plausible value for a column three times in four, else an arbitrary cell."""
    choice = st.sampled_from(plausible)
    return st.integers(0, 3).flatmap(lambda i: CELLS if i == 0 else choice)


#: A row of the header's five columns, each cell mostly plausible for its column.
FORUM_CELLS = st.tuples(
    _mostly("2012-07-04T09:00:00Z", "2012-07-04 11:00:00+02:00", "2012-07-04 09:00", "2012-03-11 02:30",
            "2012-11-04 01:30", "1341392400"),
    _mostly("alice", "bob", "0", "é"),
    _mostly("alice", "bob", ""),
    _mostly("question", "answer", "like", "Answer", "ignore"),
    CELLS,
).map(list)


def _outcome(path: Path, **options) -> None:
    """read_table returns a Dataset or raises a ContractError (InputError is one); anything else fails the test."""
    try:
        ds = load(path, **options)
    except ContractError as exc:
        assert str(path) in str(exc)
        event(f"refused: {type(exc).__name__}")
        return
    event("loaded")
    assert isinstance(ds, Dataset)
    assert ds.events["timestamp"].dtype == TIMESTAMP_DTYPE
    assert set(map(str, ds.events["kind"].unique())) <= set(EVENT_KINDS)


#: Byte pieces that reach past the decoder: delimiters, quotes, line ends, BOMs, times, kinds, valid and invalid
#: UTF-8, the Parquet magic.
PIECES = st.sampled_from([b",", b";", b"\t", b"|", b'"', b"\n", b"\r\n", b"\r", b" ", b"a", b"0", b"\xef\xbb\xbf",
                          b"\xff\xfe", b"\xc3\xa9", b"\xe9", b"\x00", b"PAR1", b"2012-07-04T09:00:00Z",
                          b"2012-07-04 09:00", b"answer", b"question", b"like",
                          b"2012-07-04T09:00:00Z,alice,,question,hi\n", b"2012-07-04T09:30:00Z,bob,alice,answer,\n"])
HEADER_BYTES = (",".join(HEADER) + "\n").encode()


@PROPERTY
@given(data=st.one_of(st.binary(max_size=600),
                      st.binary(max_size=300).map(lambda b: HEADER_BYTES + b),
                      st.lists(PIECES, max_size=60).map(b"".join),
                      st.lists(PIECES, max_size=60).map(lambda p: HEADER_BYTES + b"".join(p))),
       zone=ZONES)
def test_property_arbitrary_bytes(tmp_path, data, zone):
    path = tmp_path / "any.csv"
    path.write_bytes(data)
    _outcome(path, timezone=zone)


@PROPERTY
@given(rows=st.one_of(st.lists(FORUM_CELLS, min_size=1, max_size=6),
                      st.lists(st.one_of(FORUM_CELLS, st.lists(CELLS, min_size=3, max_size=7)), min_size=1, max_size=6)),
       delimiter=st.sampled_from([",", ";", "\t", "|"]), quoted=st.booleans(), zone=ZONES,
       named=st.booleans())
def test_property_arbitrary_text_cells(tmp_path, rows, delimiter, quoted, zone, named):
    if quoted:
        text = csv_text(rows, delimiter=delimiter)
    else:
        text = raw_text([tuple(r) for r in rows], delimiter=delimiter)
    path = tmp_path / "cells.csv"
    path.write_bytes(text.encode("utf-8", "surrogatepass"))
    _outcome(path, timezone=zone, delimiter=delimiter if named else None,
             kinds={**KINDS, "ignore": "ignore"})


#: Only the empty cell is missing (null_values=[""]): "NA", "null", "nan" are text like any other.
NULL_WORDS = {""}
#: Any character but NUL (binary) and surrogates (not encodable): quotes, commas, line breaks, U+2028 (harmless in
#: a comma file, see test_semicolon_file_with_unicode_line_separators_in_posts), emoji.
TEXT_CHARS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
IDS = st.text(TEXT_CHARS, min_size=1, max_size=8).filter(lambda s: s.strip() != "" and s not in NULL_WORDS)
POST_TEXT = st.text(TEXT_CHARS, max_size=20).filter(lambda s: s == "" or s not in NULL_WORDS)
RAW_KINDS = {"question": "post", "answer": "reply", "Answer": "reply", "LIKE": "like", "reshare": "reshare",
             "mention": "mention", "follow": "follow"}
TIMES = st.datetimes(min_value=datetime(1970, 1, 1), max_value=datetime(2100, 1, 1))


@st.composite
def forum_rows(draw):
    n = draw(st.integers(1, 12))
    rows = []
    for _ in range(n):
        kind = draw(st.sampled_from(sorted(RAW_KINDS)))
        target = draw(IDS) if RAW_KINDS[kind] != "post" or draw(st.booleans()) else ""
        when = draw(TIMES).isoformat() + "Z"
        rows.append((when, draw(IDS), target, kind, draw(POST_TEXT)))
    return rows + draw(st.lists(st.sampled_from(rows), max_size=3))  # some exact repeats


@PROPERTY
@given(rows=forum_rows())
def test_property_round_trip(tmp_path, rows):
    path = tmp_path / "round.csv"
    path.write_bytes(csv_text(rows).encode("utf-8"))
    ds = load(path)
    expected = []
    for when, actor, target, kind, text in rows:
        instant = pd.Timestamp(when).tz_convert("UTC").isoformat()
        expected.append((instant, actor, target or None, RAW_KINDS[kind], text or None))
    unique = list(dict.fromkeys(expected))  # exact repeats are removed, the first kept
    order = np.argsort([pd.Timestamp(e[0]) for e in unique], kind="stable")
    assert events_as_tuples(ds.events) == [unique[i] for i in order]
    assert ds.removed == ({"duplicate rows": len(expected) - len(unique)} if len(unique) < len(expected) else {})
    assert Counter(map(str, ds.events["kind"])) == Counter(e[3] for e in unique)
    assert set(ds.users["user_id"]) == {e[1] for e in unique} | {e[2] for e in unique if e[2]}


def test_decode_text_keeps_its_contract():
    """The safety fixes keep decode_text's results for the cases others rely on."""
    assert decode_text(b"a,b\n1,2\n", "x.csv") == ("a,b\n1,2\n", "utf-8")
    assert decode_text(b"\xef\xbb\xbfa,b\n", "x.csv", encoding="cp1252") == ("a,b\n", "utf-8")
    assert decode_text("a,b\n".encode("utf-16"), "x.csv") == ("a,b\n", "utf-16-le")
    assert decode_text(b"caf\xe9", "x.csv", encoding="latin-1") == ("caf\u00e9", "iso8859-1")
    with pytest.raises(InputError, match="binary data"):
        decode_text(b"a\x00b", "x.csv")
    with pytest.raises(InputError, match=r"\[inner.csv\].*unknown text encoding"):
        decode_text(b"a,b\n", "x.zip", encoding="nope", entry="inner.csv")
