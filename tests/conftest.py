"""Shared fixtures: the shipped synthetic world and the real datasets (through a local mirror), each loaded once
per test session.

The mirror is ``$INFLUENCE_LAB_MIRROR`` if set, else ``../shared/datasets`` beside
the checkout. Without it, real-data tests are skipped with the reason, except
when ``INFLUENCE_LAB_REQUIRE_REAL_DATA=1`` (CI), where they fail.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from influence_lab import paths
from influence_lab.datasets import snap
from influence_lab.datasets.sample import load_sample

DEFAULT_MIRROR = paths.project_root().parent / "shared" / "datasets"


def find_mirror() -> Path:
    """The folder holding both SNAP files, or skip (fail in CI) saying how to provide it."""
    value = os.environ.get(paths.MIRROR_ENV, "").strip()
    folder = Path(value).expanduser() if value else DEFAULT_MIRROR
    missing = [e.filename for e in snap.REGISTRY.values() if not (folder / e.filename).is_file()]
    if not missing:
        return folder
    reason = (
        f"real-data test needs the SNAP files {missing} in a local mirror; looked in {folder}. "
        f"Set {paths.MIRROR_ENV}=DIR (a folder with the original .gz files) to run it."
    )
    if os.environ.get(paths.REQUIRE_REAL_DATA_ENV) == "1":
        pytest.fail(reason + f" ({paths.REQUIRE_REAL_DATA_ENV}=1: real-data tests must run.)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def real_data_env(tmp_path_factory):
    """Session env: the mirror, and a cache (a temporary one unless INFLUENCE_LAB_CACHE is set)."""
    mirror = find_mirror()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(paths.MIRROR_ENV, str(mirror))
        if not os.environ.get(paths.CACHE_ENV):
            patch.setenv(paths.CACHE_ENV, str(tmp_path_factory.mktemp("cache")))
        yield mirror


@pytest.fixture(scope="session")
def higgs(real_data_env):
    """SNAP Higgs, loaded once per session (the slow part)."""
    return snap.load_higgs()


@pytest.fixture(scope="session")
def collegemsg(real_data_env):
    """SNAP CollegeMsg, loaded once per session."""
    return snap.load_collegemsg()


@pytest.fixture(scope="session")
def world():
    """The shipped synthetic sample (data/), loaded and validated once per session; tests must not modify it."""
    return load_sample()
