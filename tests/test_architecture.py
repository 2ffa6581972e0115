"""The house rules of docs/architecture.md, checked on the source: layers, no circles, no private reach-ins.

Every ``import`` statement of every module (also those inside functions) is
read with :mod:`ast`, resolved to the module it loads, and checked:

- a module imports only from its own layer or those below it
  (contract, paths, _version < datasets < scoring < studies < course, cli);
- no module imports, directly or through others, a module that imports it back;
- no module imports a name starting with ``_`` from another subpackage.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import influence_lab

PACKAGE = Path(influence_lab.__file__).resolve().parent
ROOT = "influence_lab"

#: Layer of each top-level piece; a module may import from layers <= its own.
LAYERS = {
    "contract": 0,
    "paths": 0,
    "_version": 0,
    "datasets": 1,
    "scoring": 2,
    "studies": 3,
    "course": 4,
    "cli": 4,
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_package(name: str) -> bool:
    return MODULES.get(name, Path()).name == "__init__.py"


def imports_of(name: str) -> list[tuple[str, str | None, int]]:
    """(module loaded, name imported from it or None, line) for every import statement of module ``name``."""
    return imports_in(MODULES[name].read_text(encoding="utf-8"), name, is_package(name), MODULES)


def imports_in(source: str, name: str, package_init: bool, modules) -> list[tuple[str, str | None, int]]:
    """:func:`imports_of` for the source text of a module ``name`` (``package_init``: it is a package's
    ``__init__``), resolving submodules among the names in ``modules``."""
    tree = ast.parse(source)
    package = name if package_init else name.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, None, node.lineno) for alias in node.names if alias.name.startswith(ROOT)]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([base] if base else []))
            if not base.startswith(ROOT):
                continue
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                # "from influence_lab.datasets import snap" loads the submodule snap
                found.append((sub, None, node.lineno) if sub in modules else (base, alias.name, node.lineno))
    return found


def layer(name: str) -> int | None:
    parts = name.split(".")
    return LAYERS.get(parts[1]) if len(parts) > 1 else None


def subpackage(name: str) -> str:
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


GRAPH = {name: sorted({target for target, _, _ in imports_of(name) if target in MODULES and target != name})
         for name in MODULES}


def test_every_module_has_a_layer():
    unplaced = [name for name in MODULES if name != ROOT and layer(name) is None]
    assert not unplaced, f"add these to the layers of docs/architecture.md and LAYERS here: {unplaced}"


@pytest.mark.parametrize("name", sorted(n for n in MODULES if n != ROOT))
def test_imports_only_from_its_layer_or_below(name):
    upward = [f"line {line}: {target}" for target, _, line in imports_of(name)
              if target != ROOT and layer(target) is not None and layer(target) > layer(name)]
    assert not upward, f"{name} imports from a higher layer: {upward}"


def find_cycles(graph: dict[str, list[str]]) -> list[list[str]]:
    """Import circles of ``graph`` (module -> modules it imports), each as a path back to its start."""
    cycles = []

    def visit(node, stack, on_stack, done):
        stack.append(node)
        on_stack.add(node)
        for nxt in graph[node]:
            if nxt in on_stack:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in done:
                visit(nxt, stack, on_stack, done)
        on_stack.discard(node)
        stack.pop()
        done.add(node)

    done: set[str] = set()
    for name in graph:
        if name not in done:
            visit(name, [], set(), done)
    return cycles


def test_no_module_imports_a_module_that_imports_it_back():
    cycles = find_cycles(GRAPH)
    assert not cycles, "import circles: " + "; ".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_name_from_another_subpackage(name):
    reach_ins = [f"line {line}: {target}.{imported}" for target, imported, line in imports_of(name)
                 if imported and imported.startswith("_") and not imported.startswith("__")
                 and subpackage(target) != subpackage(name)]
    assert not reach_ins, f"{name} imports private names from another subpackage: {reach_ins}"


def test_the_checks_see_every_kind_of_import_and_find_circles():
    """The walker on a hand-made module: absolute, relative, submodule and function-level imports; the layer,
    private-name and circle checks on what it finds."""
    source = (
        "import os\n"
        "import influence_lab.scoring.graph as g\n"
        "from influence_lab.studies import compare\n"
        "from ..scoring.features import _private_helper, user_features\n"
        "from . import stats\n"
        "def later():\n"
        "    from influence_lab.course import plotting  # a lazy import, where circles hid\n"
    )
    modules = {"influence_lab.scoring.graph", "influence_lab.studies.compare", "influence_lab.datasets.stats",
               "influence_lab.course.plotting", "influence_lab.scoring.features"}
    found = imports_in(source, "influence_lab.datasets.fake", False, modules)
    assert found == [
        ("influence_lab.scoring.graph", None, 2),
        ("influence_lab.studies.compare", None, 3),
        ("influence_lab.scoring.features", "_private_helper", 4),
        ("influence_lab.scoring.features", "user_features", 4),
        ("influence_lab.datasets.stats", None, 5),
        ("influence_lab.course.plotting", None, 7),
    ]
    upward = sorted({target for target, _, _ in found if layer(target) > layer("influence_lab.datasets.fake")})
    assert upward == ["influence_lab.course.plotting", "influence_lab.scoring.features", "influence_lab.scoring.graph",
                      "influence_lab.studies.compare"]
    private = [(t, i) for t, i, _ in found if i and i.startswith("_") and subpackage(t) != "datasets"]
    assert private == [("influence_lab.scoring.features", "_private_helper")]
    # the package's own __init__ resolves "from . import x" inside itself
    assert imports_in("from . import stats\n", "influence_lab.datasets", True, modules) == [
        ("influence_lab.datasets.stats", None, 1)
    ]
    assert find_cycles({"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"], "e": []}) == [["a", "b", "c", "a"]]
    assert find_cycles({"a": ["b"], "b": [], "c": ["a", "b"]}) == []
