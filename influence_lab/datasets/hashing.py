"""SHA-256 of file contents, as the project checks them.

Compressed files are hashed on their DECOMPRESSED bytes: gzip output differs
between compressors and settings, the content does not.
"""

from __future__ import annotations

import gzip
import hashlib
from pathlib import Path

_CHUNK = 1 << 20


def sha256_of_content(path: str | Path) -> str:
    """Hex SHA-256 of a file's content, decompressing ``.gz`` files first."""
    path = Path(path)
    digest = hashlib.sha256()
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def sha256_of_bytes(data: bytes) -> str:
    """Hex SHA-256 of bytes in memory."""
    return hashlib.sha256(data).hexdigest()
