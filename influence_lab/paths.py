"""Where Influence Lab reads and writes files.

Nothing is written outside the places named here or chosen by the user:
- the shipped sample lives in the package checkout's ``data/`` folder;
- downloads go to a cache folder: ``$INFLUENCE_LAB_CACHE`` if set, else
  ``$XDG_CACHE_HOME/influence-lab``, else ``~/.cache/influence-lab``;
- a local mirror of the real datasets (a folder holding the original ``.gz``
  files) is read from ``$INFLUENCE_LAB_MIRROR`` or a ``--mirror`` argument.
Notebooks resolve data through these functions, never relative to themselves.
"""

from __future__ import annotations

import os
from pathlib import Path

CACHE_ENV = "INFLUENCE_LAB_CACHE"
MIRROR_ENV = "INFLUENCE_LAB_MIRROR"
REQUIRE_REAL_DATA_ENV = "INFLUENCE_LAB_REQUIRE_REAL_DATA"


def project_root() -> Path:
    """The checkout that holds the package (where ``data/`` and ``notebooks/`` live)."""
    return Path(__file__).resolve().parent.parent


def sample_dir() -> Path:
    """The folder of the shipped synthetic sample (``data/`` at the project root)."""
    return project_root() / "data"


def cache_dir() -> Path:
    """The download cache for the real datasets (created on first use by the fetcher)."""
    explicit = os.environ.get(CACHE_ENV)
    if explicit:
        return Path(explicit).expanduser()
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg).expanduser() if xdg else Path.home() / ".cache"
    return base / "influence-lab"


def mirror_dir() -> Path | None:
    """The local mirror named by ``$INFLUENCE_LAB_MIRROR``, or None."""
    value = os.environ.get(MIRROR_ENV, "").strip()
    return Path(value).expanduser() if value else None
