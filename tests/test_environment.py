"""environment.yml (conda) and pyproject.toml (pip) must ask for the same packages."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Conda-forge names that differ from PyPI names.
CONDA_TO_PYPI: dict[str, str] = {"python-igraph": "igraph", "python-duckdb": "duckdb"}


def _name_and_spec(requirement: str) -> tuple[str, str]:
    match = re.match(r"\s*([A-Za-z0-9_.\-]+)\s*(.*)$", requirement)
    assert match, requirement
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def pyproject_requirements() -> dict[str, str]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    reqs = list(data["project"]["dependencies"]) + list(data["project"]["optional-dependencies"]["test"])
    return dict(_name_and_spec(r) for r in reqs)


def environment_requirements() -> dict[str, str]:
    deps = {}
    in_deps = False
    for raw in (ROOT / "environment.yml").read_text().splitlines():
        line = raw.split("#", 1)[0].rstrip()
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        if not in_deps:
            continue
        match = re.match(r"^  - ([^\s].*)$", line)
        if match:
            name, spec = _name_and_spec(match.group(1))
            if name in ("python", "pip"):
                continue
            deps[CONDA_TO_PYPI.get(name, name)] = spec
    return deps


def test_every_conda_dependency_has_a_comment():
    text = (ROOT / "environment.yml").read_text()
    block = text.split("dependencies:", 1)[1].splitlines()
    deps = [line for line in block if re.match(r"^  - [a-z]", line) and not line.rstrip().endswith(":")]
    assert len(deps) > 10
    missing = [line for line in deps if "#" not in line]
    assert not missing, f"environment.yml lines without a 'why' comment: {missing}"


def test_environment_and_pyproject_agree():
    pip = pyproject_requirements()
    conda = environment_requirements()
    assert set(pip) == set(conda), (
        f"only in pyproject: {sorted(set(pip) - set(conda))}; only in environment.yml: {sorted(set(conda) - set(pip))}"
    )
    differing = {name: (pip[name], conda[name]) for name in pip if pip[name] != conda[name]}
    assert not differing, f"version bounds differ (pyproject, environment.yml): {differing}"


def test_python_floor_agrees():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    floor = data["project"]["requires-python"]
    assert f"python{floor}" in (ROOT / "environment.yml").read_text().replace(" ", "")
