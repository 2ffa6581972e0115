"""Importers: a user's own exports to the events contract; each returns a validated Dataset.

- :mod:`~influence_lab.datasets.importers.tabular` - any CSV or Parquet events table,
  through a column mapping and a kind mapping (``read_table``).
- :mod:`~influence_lab.datasets.importers.x_archive` - the X/Twitter account archive zip
  (``read_x_archive``).
- :mod:`~influence_lab.datasets.importers.mastodon` - a Mastodon account export
  (``read_mastodon``).
- :mod:`~influence_lab.datasets.importers.analytics` - the per-post analytics export:
  posts with counted reactions, impressions and link clicks as outcomes (``read_analytics``).
- :mod:`~influence_lab.datasets.importers.examples` - small realistic exports to learn on.
- :mod:`~influence_lab.datasets.importers.safety` and ``errors`` - reading untrusted files:
  :class:`InputError` (file, entry, line, column, how to fix) and the limits.

:func:`load_export` picks the importer from the file (``format="auto"``) or by name.
"""

from __future__ import annotations

from pathlib import Path

from influence_lab.contract import Dataset
from influence_lab.datasets.importers.errors import InputError

__all__ = ["FORMATS", "InputError", "detect_format", "load_export"]

#: The formats :func:`load_export` reads.
FORMATS: tuple[str, ...] = ("auto", "csv", "parquet", "x-archive", "mastodon", "analytics")
_TABLE_OPTIONS = {"columns", "kinds", "timezone", "delimiter", "encoding", "timestamp_unit", "timestamp_format",
                  "keep_duplicates", "ambiguous_times"}
_ANALYTICS_OPTIONS = {"columns", "timezone", "delimiter", "encoding", "account"}


def detect_format(path) -> str:
    """The format of an export: a zip or folder by its entries, Parquet by its magic bytes, a CSV by its header."""
    from influence_lab.datasets.importers.analytics import looks_like_analytics
    from influence_lab.datasets.importers.safety import SafeArchive, decode_text, read_input_bytes
    from influence_lab.datasets.importers.tabular import DELIMITERS

    path = Path(path)
    if path.is_dir():
        names = {p.relative_to(path).as_posix() for p in path.rglob("*") if p.is_file()}
    else:
        data = read_input_bytes(path)
        if data[:4] == b"PAR1":
            return "parquet"
        if data[:4] != b"PK\x03\x04":
            text, _ = decode_text(data[:65536].rsplit(b"\n", 1)[0] if len(data) > 65536 else data, path)
            first = text.splitlines()[0] if text else ""
            header = first
            for d in DELIMITERS:
                header = header.replace(d, ",")
            return "analytics" if looks_like_analytics(header.split(",")) else "csv"
        with SafeArchive(path) as archive:
            names = set(archive.names())
    if any(n.endswith(("data/tweets.js", "data/tweet.js")) or "data/tweets-part" in n for n in names):
        return "x-archive"
    if any(n == "outbox.json" or n.endswith("/outbox.json") for n in names):
        return "mastodon"
    raise InputError(path, "is neither an X archive (no data/tweets.js) nor a Mastodon export (no outbox.json).",
                     fix="pass the archive the platform gave you, or name the format (--format csv, ...).")


def load_export(path, format: str = "auto", **options) -> Dataset:
    """Read any supported export into a validated Dataset; ``options`` go to the importer.

    Options: for ``csv``/``parquet`` those of :func:`tabular.read_table`; for
    ``analytics`` those of :func:`analytics.read_analytics`; the archives take
    none. An option the chosen importer does not take is an error (never ignored)."""
    if format not in FORMATS:
        raise ValueError(f"unknown format {format!r}; choose one of {list(FORMATS)}.")
    if format == "auto":
        format = detect_format(path)
    given = {k for k, v in options.items() if v not in (None, {}, False, "raise")}
    allowed = {"csv": _TABLE_OPTIONS, "parquet": _TABLE_OPTIONS, "analytics": _ANALYTICS_OPTIONS}.get(format, set())
    extra = sorted(given - allowed)
    if extra:
        raise InputError(path, f"is read as {format}, which takes no option {extra}.",
                         fix=f"drop {extra}, or name another format (--format ...); {format} takes "
                             f"{sorted(allowed) or 'no options'}.")
    options = {k: v for k, v in options.items() if k in allowed}
    if format in ("csv", "parquet"):
        from influence_lab.datasets.importers.tabular import read_table

        return read_table(path, format=format, **options)
    if format == "analytics":
        from influence_lab.datasets.importers.analytics import read_analytics

        return read_analytics(path, **options)
    if format == "x-archive":
        from influence_lab.datasets.importers.x_archive import read_x_archive

        return read_x_archive(path)
    from influence_lab.datasets.importers.mastodon import read_mastodon

    return read_mastodon(path)
