"""The installed package's version, read from its metadata (pyproject.toml is the one source)."""

from __future__ import annotations

from importlib import metadata

try:
    __version__ = metadata.version("influence-lab")
except metadata.PackageNotFoundError:  # a source tree on sys.path without an install
    __version__ = "0+unknown"
