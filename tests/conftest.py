"""Shared fixtures: the real datasets, read through the mirror, loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from influence_lab import datasets, paths

SHARED_MIRROR = Path(__file__).resolve().parents[2] / "shared" / "datasets"


def _real_data(loader):
    mirror = paths.mirror_dir() or (SHARED_MIRROR if SHARED_MIRROR.is_dir() else None)
    try:
        return loader(mirror=mirror)
    except datasets.DatasetError as exc:
        if os.environ.get(paths.REQUIRE_REAL_DATA_ENV) == "1":
            raise
        pytest.skip(f"real data not available here ({exc}); set INFLUENCE_LAB_MIRROR to run these tests")


@pytest.fixture(scope="session")
def higgs():
    return _real_data(datasets.load_higgs)


@pytest.fixture(scope="session")
def collegemsg():
    return _real_data(datasets.load_collegemsg)
