"""Where Influence Lab reads and writes files.

Nothing is written outside the places named here or chosen by the user:
- the shipped sample lives in the checkout's ``data/`` folder; a package
  installed without a checkout (``pip install .``, a wheel) has no ``data/``
  and uses ``sample/`` in the cache instead, generated there on first use;
- downloads go to a cache folder: ``$INFLUENCE_LAB_CACHE`` if set, else
  ``$XDG_CACHE_HOME/influence-lab``, else ``~/.cache/influence-lab``;
- a local mirror of the real datasets (a folder holding the original ``.gz``
  files) is read from ``$INFLUENCE_LAB_MIRROR`` or a ``--mirror`` argument.
Notebooks resolve data through these functions, never relative to themselves.
"""

from __future__ import annotations

import os
import shlex
import tomllib
from pathlib import Path

CACHE_ENV = "INFLUENCE_LAB_CACHE"
MIRROR_ENV = "INFLUENCE_LAB_MIRROR"
REQUIRE_REAL_DATA_ENV = "INFLUENCE_LAB_REQUIRE_REAL_DATA"
PROJECT_NAME = "influence-lab"
SAMPLE_FOLDER = "data"
CACHE_SAMPLE_FOLDER = "sample"
MANIFEST_NAME = "MANIFEST.json"


def project_root() -> Path:
    """The folder above the package: the checkout when run from one, ``site-packages`` when installed."""
    return Path(__file__).resolve().parent.parent


def checkout_root() -> Path | None:
    """The checkout the package runs from, or None when it is installed (no checkout beside it).

    A checkout is a :func:`project_root` whose ``pyproject.toml`` names the
    ``influence-lab`` project: ``site-packages`` has none.
    """
    root = project_root()
    try:
        project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8")).get("project", {})
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return root if isinstance(project, dict) and project.get("name") == PROJECT_NAME else None


def checkout_sample_dir() -> Path | None:
    """The checkout's ``data/`` when it holds the sample (a ``MANIFEST.json``), else None."""
    root = checkout_root()
    if root is None or not (root / SAMPLE_FOLDER / MANIFEST_NAME).is_file():
        return None
    return root / SAMPLE_FOLDER


def cache_sample_dir() -> Path:
    """The sample's folder in the user cache, used when there is no checkout with ``data/``."""
    return cache_dir() / CACHE_SAMPLE_FOLDER


def sample_dir() -> Path:
    """Where the synthetic sample is read from by default.

    The checkout's ``data/`` when the package runs from a checkout that holds
    it; otherwise :func:`cache_sample_dir` (which
    :func:`influence_lab.datasets.sample.load_sample` fills on first use).
    """
    shipped = checkout_sample_dir()
    return shipped if shipped is not None else cache_sample_dir()


def generate_dir() -> Path:
    """Where ``influence-lab data generate`` writes without ``--out``.

    The checkout's ``data/`` when there is a checkout (even if ``data/`` is
    missing: the command restores it), otherwise :func:`cache_sample_dir`.
    """
    root = checkout_root()
    return root / SAMPLE_FOLDER if root is not None else cache_sample_dir()


def _same_folder(a: Path, b: Path) -> bool:
    return Path(a).expanduser().resolve() == Path(b).expanduser().resolve()


def generate_command(directory: str | os.PathLike[str] | None = None) -> str:
    """The shell command that (re)writes the sample in ``directory`` (default: :func:`sample_dir`).

    ``influence-lab data generate`` when that is where it writes by default,
    else the same with ``--out DIR``; error messages suggest this, so the
    command they name writes where the sample was looked for.
    """
    target = Path(directory) if directory is not None else sample_dir()
    command = f"{PROJECT_NAME} data generate"
    if _same_folder(target, generate_dir()):
        return command
    return f"{command} --out {shlex.quote(str(target))}"


def regenerate_hint(directory: str | os.PathLike[str] | None = None) -> str:
    """``regenerate it with `...```: the fix error messages give for a missing or damaged sample."""
    target = Path(directory) if directory is not None else sample_dir()
    hint = f"regenerate it with `{generate_command(target)}`"
    root = checkout_root()
    if root is not None and _same_folder(target, root / SAMPLE_FOLDER):
        hint += " (or `make data`)"
    return hint


def cache_dir() -> Path:
    """The user cache: the real datasets' downloads and, without a checkout, the sample (created on first use)."""
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
