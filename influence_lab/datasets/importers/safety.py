"""Reading untrusted exports safely: text files, JSON and zip archives.

Every function here either returns what was asked or raises
:class:`~influence_lab.datasets.importers.errors.InputError` naming the file,
the line (or archive entry) and how to fix it. Nothing is written to disk:
archives are read in memory, entry by entry, never extracted.

- :func:`read_input_bytes`: a file that exists, is a regular file (not a
  device or pipe) and is not empty.
- :func:`decode_text`: bytes to text. A byte-order mark (UTF-8, UTF-16 or
  UTF-32) is honoured and removed; otherwise UTF-8 is required unless an
  ``encoding`` is named (a text codec; UTF-16/32 are checked after decoding);
  NUL bytes (binary data) and lines over ``MAX_LINE_BYTES`` are refused with
  their line number.
- :func:`parse_json`: JSON text to Python objects, refusing nesting deeper
  than ``MAX_JSON_DEPTH`` and saying where a syntax error is.
- :class:`SafeArchive`: a zip read entry by entry, refusing paths that escape
  the archive (``..``, absolute paths, drive letters), links, encrypted
  entries, and zip bombs (declared or actual sizes beyond
  ``MAX_ENTRY_BYTES`` / ``MAX_ARCHIVE_BYTES``, ratios beyond
  ``MAX_COMPRESSION_RATIO``).
"""

from __future__ import annotations

import codecs
import json
import os
import stat
import zipfile
from pathlib import Path, PurePosixPath

import numpy as np

from influence_lab.datasets.importers import errors
from influence_lab.datasets.importers.errors import InputError

__all__ = ["read_input_bytes", "decode_text", "parse_json", "json_depth", "SafeArchive", "line_of_offset"]

_CHUNK = 1 << 24  # 16 MiB: the unit of the UTF-8 check and the newline scan
_BOMS = (  # UTF-32's marks first: UTF-32-LE's begins with UTF-16-LE's
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def read_input_bytes(path, *, what: str = "export") -> bytes:
    """The bytes of ``path``, or :class:`InputError` for a missing, non-file or empty path."""
    path = Path(path)
    if not path.exists():
        raise InputError(path, f"no such file (the {what} to read).",
                         fix="check the path; relative paths are read from the current folder "
                             f"({Path.cwd()}).")
    if path.is_dir():
        raise InputError(path, "is a folder, not a file.",
                         fix="name the export file itself (or, for an X or Mastodon archive, the .zip).")
    if not path.is_file():  # a device (/dev/zero never ends), a named pipe (blocks), a socket
        raise InputError(path, "is not a regular file (a device, pipe or socket).",
                         fix="save the export to a file and name that file.")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(path, f"cannot be read ({exc.strerror or exc}).",
                         fix="check the file's permissions.") from None
    if not data.strip():
        raise InputError(path, "is empty (no bytes, or only white space).",
                         fix="export the data again; the file holds nothing to import.")
    return data


def line_of_offset(data: bytes, offset: int) -> int:
    """The 1-based line of a byte offset."""
    return data.count(b"\n", 0, offset) + 1


def _check_lines(data: bytes, source, entry: str | None) -> None:
    """Refuse NUL bytes (binary data) and lines longer than ``MAX_LINE_BYTES``."""
    nul = data.find(b"\x00")
    if nul >= 0:
        raise InputError(
            source, f"holds binary data (a NUL byte at byte {nul:,}); it is not a text export.",
            fix="check that this is the CSV/JSON export itself, not a spreadsheet (.xlsx), an image or a "
                "compressed file; save spreadsheets as CSV (UTF-8).",
            entry=entry, line=line_of_offset(data, nul),
        )
    limit = errors.MAX_LINE_BYTES
    previous_end = -1
    for start in range(0, len(data), _CHUNK):
        chunk = np.frombuffer(data, dtype=np.uint8, count=min(_CHUNK, len(data) - start), offset=start)
        ends = np.flatnonzero(chunk == 10) + start
        bounds = np.concatenate(([previous_end], ends))
        gaps = np.diff(bounds)
        if len(gaps) and gaps.max() - 1 > limit:
            at = int(bounds[int(np.argmax(gaps))]) + 1
            _too_long(data, at, int(gaps.max()) - 1, source, entry)
        if len(ends):
            previous_end = int(ends[-1])
    if len(data) - previous_end - 1 > limit:
        _too_long(data, previous_end + 1, len(data) - previous_end - 1, source, entry)


def _too_long(data: bytes, at: int, length: int, source, entry) -> None:
    raise InputError(
        source, f"has a line of {length:,} bytes (the limit is {errors.MAX_LINE_BYTES:,}).",
        fix="a line this long is not a row of an export: check the file is line-delimited text with the "
            "expected delimiter; if it really is, raise influence_lab.datasets.importers.errors.MAX_LINE_BYTES.",
        entry=entry, line=line_of_offset(data, at),
    )


def decode_text(data: bytes, source, *, encoding: str | None = None, entry: str | None = None) -> tuple[str, str]:
    """Text of an export's bytes and the encoding used: (text, encoding).

    A BOM decides the encoding (and is removed); else ``encoding`` if given,
    else strict UTF-8. Line ends stay as they are (CRLF is fine for CSV)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            data, found = data[len(bom):], name
            break
    else:
        found = None
    name = found or encoding or "utf-8"
    try:
        codec = codecs.lookup(name)
        if not getattr(codec, "_is_text_encoding", True):  # base64, rot13, zlib: bytes-to-bytes, not text
            raise LookupError(name)
    except (LookupError, TypeError):
        raise _unknown_encoding(source, name, entry) from None
    if codec.name.startswith(("utf-16", "utf-32")):
        # Two or four bytes a character: the NUL and line checks apply to the text, not to the bytes
        # (a BOM-less UTF-16 file named with encoding='utf-16-le' is full of NUL bytes).
        text = _decode_all(data, codec.name, source, entry)
        _check_lines(text.encode("utf-8", "surrogatepass"), source, entry)
        return text, (found or codec.name)
    _check_lines(data, source, entry)
    if codec.name == "utf-8":
        decoder = codecs.getincrementaldecoder("utf-8")()
        parts = []
        for start in range(0, len(data), _CHUNK):
            try:
                parts.append(decoder.decode(data[start:start + _CHUNK], final=start + _CHUNK >= len(data)))
            except UnicodeDecodeError as exc:
                exc.start += start
                raise _decode_error(data, exc, source, "utf-8", entry) from None
        return "".join(parts), "utf-8"
    return _decode_all(data, codec.name, source, entry), codec.name


def _unknown_encoding(source, name, entry) -> InputError:
    return InputError(source, f"names an unknown text encoding {name!r}.",
                      fix="use a Python codec name such as utf-8, cp1252, latin-1 or utf-16.", entry=entry)


def _decode_all(data: bytes, encoding: str, source, entry) -> str:
    """``data`` decoded with a codec known to exist, every failure an :class:`InputError`."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise _decode_error(data, exc, source, encoding, entry) from None
    except LookupError:  # a codec that is not a text encoding
        raise _unknown_encoding(source, encoding, entry) from None
    except (UnicodeError, ValueError) as exc:  # codecs such as punycode or idna raise plain UnicodeError
        raise InputError(source, f"cannot be decoded as {encoding} ({exc}).",
                         fix="name the file's encoding (encoding='cp1252', --encoding cp1252), or save the file "
                             "as UTF-8.", entry=entry) from None


def _decode_error(data: bytes, exc: UnicodeDecodeError, source, encoding: str, entry) -> InputError:
    offset = exc.start
    line_start = data.rfind(b"\n", 0, offset) + 1
    byte = data[offset:offset + 1].hex().upper()
    sample = data[:4096]
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32 or b == 127)
    if controls > len(sample) // 20:
        problem = f"does not look like text (many control bytes; byte 0x{byte} at byte {offset:,} is not {encoding})."
        fix = "check that this is the export itself, not a compressed or binary file."
    else:
        problem = (f"is not valid {encoding}: byte 0x{byte} at character {offset - line_start + 1} of the line "
                   f"(byte {offset:,} of the file).")
        fix = ("name the file's encoding (Python API encoding='cp1252', command line --encoding cp1252; "
               "Excel on Windows writes cp1252, older Macs mac_roman), or save the file as UTF-8.")
    return InputError(source, problem, fix=fix, entry=entry, line=line_of_offset(data, offset))


def json_depth(value) -> int:
    """How deeply a parsed JSON value nests (a scalar is 0, ``[]`` is 1), without recursion."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            depth += 1
            stack.extend((v, depth) for v in item.values())
        elif isinstance(item, list):
            depth += 1
            stack.extend((v, depth) for v in item)
        deepest = max(deepest, depth)
    return deepest


def parse_json(text: str, source, *, entry: str | None = None):
    """Parse JSON text, refusing syntax errors (with their line) and nesting deeper than ``MAX_JSON_DEPTH``."""
    fix_depth = ("no export nests this deeply: check the file; if it really is an export, raise "
                 "influence_lab.datasets.importers.errors.MAX_JSON_DEPTH.")
    try:
        value = json.loads(text)
    except RecursionError:
        raise InputError(source, f"nests JSON deeper than {errors.MAX_JSON_DEPTH} levels.", fix=fix_depth,
                         entry=entry) from None
    except json.JSONDecodeError as exc:
        raise InputError(source, f"is not valid JSON: {exc.msg} (character {exc.colno} of the line).",
                         fix="export the file again; a truncated download or a hand edit breaks JSON.",
                         entry=entry, line=exc.lineno) from None
    except ValueError as exc:  # e.g. an integer of more digits than Python converts
        raise InputError(source, f"is not valid JSON ({exc}).",
                         fix="export the file again; no export writes such values.", entry=entry) from None
    if json_depth(value) > errors.MAX_JSON_DEPTH:
        raise InputError(source, f"nests JSON deeper than {errors.MAX_JSON_DEPTH} levels.", fix=fix_depth,
                         entry=entry)
    _check_strings(value, source, entry)
    return value


def _check_strings(value, source, entry) -> None:
    """Refuse strings (and keys) that are not encodable text, such as a lone surrogate escape (``"\\ud800"``)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise InputError(source, f"holds a string that is not text (an unpaired surrogate escape in "
                                 f"{item[:40]!r}).", fix="export the file again; a broken emoji escape is not "
                                 "valid text.", entry=entry) from None


class SafeArchive:
    """A zip archive checked entry by entry before anything is read; read entries with :meth:`read`.

    Refused, each with its entry named: absolute paths and drive letters,
    ``..`` components, symbolic links, encrypted entries, more than
    ``MAX_ARCHIVE_ENTRIES`` entries, a declared size over ``MAX_ENTRY_BYTES``
    (one entry) or ``MAX_ARCHIVE_BYTES`` (all), a compression ratio over
    ``MAX_COMPRESSION_RATIO`` for entries over 1 MiB; and, while reading,
    an entry that inflates past its declared size (a forged header).
    """

    def __init__(self, path) -> None:
        self.path = Path(path)
        read_input_bytes(self.path, what="archive")
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
            raise InputError(self.path, f"is not a readable zip archive ({exc}).",
                             fix="download the archive again; pass the .zip as it came, not a renamed file.") from None
        infos = self._zip.infolist()
        if len(infos) > errors.MAX_ARCHIVE_ENTRIES:
            raise InputError(self.path, f"lists {len(infos):,} entries (the limit is {errors.MAX_ARCHIVE_ENTRIES:,}).",
                             fix="this is not an account export; check the file.")
        total = 0
        self._infos: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            self._check_entry(info)
            total += info.file_size
            if total > errors.MAX_ARCHIVE_BYTES:
                raise InputError(self.path, f"declares more than {errors.MAX_ARCHIVE_BYTES:,} bytes once "
                                 "decompressed (a zip bomb, or an archive with media).",
                                 fix="remove the media folders from the archive, or raise "
                                     "influence_lab.datasets.importers.errors.MAX_ARCHIVE_BYTES.", entry=info.filename)
            if not info.is_dir():
                self._infos[PurePosixPath(info.filename.replace("\\", "/")).as_posix()] = info

    def _check_entry(self, info: zipfile.ZipInfo) -> None:
        name = info.filename
        posix = name.replace("\\", "/")
        fix = "this archive was not made by the platform's export; do not use it (re-download the export)."
        if posix.startswith("/") or (len(posix) > 1 and posix[1] == ":"):
            raise InputError(self.path, "has an entry with an absolute path.", fix=fix, entry=name)
        if ".." in PurePosixPath(posix).parts:
            raise InputError(self.path, "has an entry whose path escapes the archive ('..').", fix=fix, entry=name)
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise InputError(self.path, "has an entry that is a symbolic link.", fix=fix, entry=name)
        if info.flag_bits & 0x1:
            raise InputError(self.path, "has an encrypted entry.",
                             fix="export the archive again without a password.", entry=name)
        if info.file_size > errors.MAX_ENTRY_BYTES:
            raise InputError(self.path, f"has an entry of {info.file_size:,} bytes decompressed "
                             f"(the limit is {errors.MAX_ENTRY_BYTES:,}).",
                             fix="raise influence_lab.datasets.importers.errors.MAX_ENTRY_BYTES if it is real.",
                             entry=name)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > (1 << 20) and ratio > errors.MAX_COMPRESSION_RATIO:
            raise InputError(self.path, f"has an entry that inflates {ratio:,.0f} times (the limit is "
                             f"{errors.MAX_COMPRESSION_RATIO}): a zip bomb.", fix=fix, entry=name)

    def names(self) -> list[str]:
        """The file entries, as POSIX paths."""
        return list(self._infos)

    def find(self, suffix: str) -> str | None:
        """The shortest entry whose path ends with ``suffix`` (e.g. ``data/tweets.js``), or None."""
        hits = [n for n in self._infos if n == suffix or n.endswith("/" + suffix)]
        return min(hits, key=len) if hits else None

    def read(self, name: str) -> bytes:
        """An entry's bytes, stopping (with an error) if it inflates past its declared size or the limits."""
        info = self._infos[name]
        limit = min(info.file_size, errors.MAX_ENTRY_BYTES)
        out = bytearray()
        try:
            with self._zip.open(info) as handle:
                while chunk := handle.read(1 << 20):
                    out += chunk
                    if len(out) > limit:
                        raise InputError(self.path, "has an entry that inflates past its declared size "
                                         "(a forged header: a zip bomb).",
                                         fix="do not use this archive; re-download the export.", entry=name)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
            if isinstance(exc, InputError):
                raise
            raise InputError(self.path, f"has an entry that cannot be decompressed ({exc}).",
                             fix="download the archive again.", entry=name) from None
        return bytes(out)

    def close(self) -> None:
        self._zip.close()

    def __enter__(self) -> "SafeArchive":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def safe_folder_file(folder, relative: str) -> Path | None:
    """A file inside an extracted export folder, refusing links that lead outside it; None if absent."""
    folder = Path(folder)
    candidate = folder / relative
    if not candidate.exists() and not candidate.is_symlink():
        return None
    if candidate.is_symlink() or os.path.realpath(candidate) != os.path.join(os.path.realpath(folder), relative):
        raise InputError(folder, f"'{relative}' is a link (it may point outside the export folder).",
                         fix="replace the link by the file itself.", entry=relative)
    return candidate
