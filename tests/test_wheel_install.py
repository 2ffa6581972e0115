"""The package installed from a wheel, away from the checkout, finds (generates) the sample and reads real data.

What a user does with ``pip install .``: the package lands in a ``site-packages``
with no ``data/`` beside it. This builds a wheel of the working tree, installs it
into a fresh virtual environment and runs that environment's Python from a
temporary folder with an empty cache, so nothing of the checkout is visible:
``load_sample()`` must generate the default world into the cache with the same
content hashes as the committed ``data/MANIFEST.json``, and the real loaders
must work from a mirror.

Slow (about half a minute: the default world is simulated once).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from influence_lab import paths

from conftest import find_mirror

pytestmark = pytest.mark.slow

ROOT = paths.project_root()
#: Everything the wheel is built from (pyproject.toml names README.md as the long description).
BUILD_INPUTS = ("pyproject.toml", "README.md", "influence_lab")

# Run by the new environment's Python; prints one JSON object on its last line.
PROBE = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path

    import influence_lab
    from influence_lab import paths
    from influence_lab.datasets import load_collegemsg, load_sample
    from influence_lab.datasets.hashing import sha256_of_content
    from influence_lab.datasets.sample import SAMPLE_FILES

    what, mirror = sys.argv[1], sys.argv[2]
    result = {
        "file": influence_lab.__file__,
        "version": influence_lab.__version__,
        "sys_path": sys.path,
        "checkout_root": str(paths.checkout_root()),
        "sample_dir": str(paths.sample_dir()),
    }
    if what == "sample":
        dataset = load_sample()
        result["users"] = len(dataset.users)
        result["events"] = len(dataset.events)
        result["sha256"] = {name: sha256_of_content(paths.sample_dir() / name) for name in SAMPLE_FILES.values()}
    else:
        dataset = load_collegemsg(mirror=mirror)
        result["users"] = len(dataset.users)
        result["events"] = len(dataset.events)
    print(json.dumps(result))
    """
)


def _has_wheel_builder() -> bool:
    """setuptools >= 70.1 builds wheels itself; older ones need the ``wheel`` package."""
    try:
        version = tuple(int(part) for part in metadata.version("setuptools").split(".")[:2])
    except (metadata.PackageNotFoundError, ValueError):
        return False
    if version >= (70, 1):
        return True
    try:
        metadata.version("wheel")
        return True
    except metadata.PackageNotFoundError:
        return False


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory):
    """A fresh venv with the project's wheel installed; returns (its python, a clean env, a work folder)."""
    if not _has_wheel_builder():
        pytest.fail(
            "building the wheel without build isolation needs setuptools>=70.1 in this environment "
            "(the `test` extra asks for it): run `.venv/bin/python -m pip install -e '.[test]'`."
        )
    base = tmp_path_factory.mktemp("wheel")
    # Build from a copy of the working tree: building in place would write build/ and *.egg-info
    # into the checkout, which is shared with whoever is editing it.
    source = base / "src"
    source.mkdir()
    for name in BUILD_INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
        else:
            shutil.copy2(ROOT / name, source / name)
    dist = base / "dist"
    built = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--quiet", "-w", str(dist),
         str(source)],
        capture_output=True, text=True, timeout=300, cwd=base,
    )
    assert built.returncode == 0, built.stdout + built.stderr
    (wheel,) = dist.glob("influence_lab-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    outside = [n for n in names if not (n.startswith("influence_lab/") or n.startswith("influence_lab-"))]
    assert not outside, f"the wheel holds files outside the package: {outside}"  # in particular no data/

    venv = base / "venv"
    # No --system-site-packages, and no pip inside (the running pip installs into it with --python).
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    installed = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", "--quiet",
         str(wheel)],
        capture_output=True, text=True, timeout=300,
    )
    assert installed.returncode == 0, installed.stdout + installed.stderr
    # The dependencies (pandas, pyarrow, ...) come from this test's environment rather than a new download:
    # a .pth file in the new site-packages appends this environment's site-packages to sys.path, AFTER the
    # new one, so the wheel's influence_lab is found first. A plain path line in a .pth only extends
    # sys.path: the .pth files of that folder (among them the editable install's finder that points at the
    # checkout) are not run, so the checkout stays invisible; the probe checks that.
    new_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()
    ours = sorted({sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]})
    (Path(new_site) / "zz_test_dependencies.pth").write_text("".join(f"{p}\n" for p in ours))

    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env[paths.CACHE_ENV] = str(base / "cache")
    env.pop(paths.MIRROR_ENV, None)
    work = base / "work"  # the cwd: not the checkout, so '' on sys.path shows nothing of it
    work.mkdir()
    return python, env, work, base / "cache"


def _probe(wheel_env, what: str, mirror: str = "") -> tuple[dict, str]:
    python, env, work, _ = wheel_env
    done = subprocess.run(
        [str(python), "-c", PROBE, what, mirror], capture_output=True, text=True, env=env, cwd=work, timeout=600
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout.strip().splitlines()[-1])
    venv = python.parent.parent
    assert Path(result["file"]).is_relative_to(venv), result["file"]
    assert not Path(result["file"]).is_relative_to(ROOT)
    assert str(ROOT) not in result["sys_path"] and result["checkout_root"] == "None"
    assert result["version"] == metadata.version("influence-lab")
    return result, done.stderr


def test_installed_wheel_generates_the_sample_into_the_cache(wheel_env):
    python, env, work, cache = wheel_env
    committed = json.loads((ROOT / "data" / "MANIFEST.json").read_text(encoding="utf-8"))["files"]
    result, err = _probe(wheel_env, "sample")
    assert result["sample_dir"] == str(cache / "sample")
    assert f"once into {cache / 'sample'}" in err and "3/3" in err  # the message and the progress bar
    assert result["sha256"] == {name: entry["sha256"] for name, entry in committed.items()}
    assert result["events"] == committed["events.csv.gz"]["rows"]
    assert sorted(p.name for p in cache.iterdir()) == ["sample"]  # no temporary folder left behind

    again, err = _probe(wheel_env, "sample")  # the second load reads the cache, without generating
    assert "generating" not in err and again["sha256"] == result["sha256"]

    # The installed command defaults to the same folder.
    verify = subprocess.run(
        [str(python.parent / "influence-lab"), "data", "verify"],
        capture_output=True, text=True, env=env, cwd=work, timeout=120,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    assert f"Synthetic sample ({cache / 'sample'})" in verify.stdout and "MISMATCH" not in verify.stdout


@pytest.mark.realdata
def test_installed_wheel_loads_collegemsg_from_a_mirror(wheel_env):
    mirror = find_mirror()  # $INFLUENCE_LAB_MIRROR or ../shared/datasets; skips (fails in CI) without one
    result, _ = _probe(wheel_env, "collegemsg", str(mirror))
    assert result["users"] == 1_899 and result["events"] == 59_835
