"""The one error every importer raises, and the limits it enforces on what it reads.

:class:`InputError` is a :class:`~influence_lab.contract.ContractError` (so a
``ValueError``): the command line prints it as one paragraph without a
traceback and exits 1. Its message always names the file (and, in an
archive, the entry), the row or line and the column when there is one, and
ends with ``How to fix:``. Its attributes carry the same facts for code:
``source``, ``entry``, ``line``, ``column``.

The limits are module constants so that a user with a legitimately large
export can raise them (``errors.MAX_LINE_BYTES = 8 << 20``) knowingly.
"""

from __future__ import annotations

from influence_lab.contract import ContractError

__all__ = [
    "InputError",
    "MAX_LINE_BYTES",
    "MAX_JSON_DEPTH",
    "MAX_ARCHIVE_BYTES",
    "MAX_ENTRY_BYTES",
    "MAX_COMPRESSION_RATIO",
    "MAX_ARCHIVE_ENTRIES",
]

#: The longest line a text export may have (1 MiB). A post is a few KB at most; a longer line is a file
#: that is not line-delimited text (a wrong delimiter would not cause it; a JSON dump or binary data would).
MAX_LINE_BYTES = 1 << 20
#: How deeply JSON may nest (64 levels). Real exports nest fewer than 10; Python's parser fails near 1,000.
MAX_JSON_DEPTH = 64
#: The most an archive may hold once decompressed (2 GiB in all), and any one entry of it (1 GiB).
MAX_ARCHIVE_BYTES = 2 << 30
MAX_ENTRY_BYTES = 1 << 30
#: The largest compression ratio an entry may have (200:1; text compresses about 5-20:1, a zip bomb 1000:1).
MAX_COMPRESSION_RATIO = 200
#: The most entries an archive may list (an X archive of many years holds a few thousand media files).
MAX_ARCHIVE_ENTRIES = 100_000


class InputError(ContractError):
    """An input file cannot be read as the export it claims to be.

    ``source`` is the file, ``entry`` the member of an archive (or None),
    ``line`` the 1-based line of a text file or the 0-based index of a JSON
    entry (``where`` says which), ``column`` the column or field.
    """

    def __init__(
        self,
        source,
        problem: str,
        *,
        fix: str,
        entry: str | None = None,
        line: int | None = None,
        where: str = "line",
        column: str | None = None,
        table: str = "input",
    ) -> None:
        place = str(source) + (f" [{entry}]" if entry else "")
        parts = [place]
        if line is not None:
            parts.append(f"{where} {line}")
        if column is not None:
            parts.append(f"column '{column}'")
        super().__init__(
            f"{', '.join(parts)}: {problem}\nHow to fix: {fix}",
            table=table,
            column=column,
            rows=[] if line is None else [line],
            source=str(source),
        )
        self.entry = entry
        self.line = line
        self.problem = problem
        self.fix = fix
