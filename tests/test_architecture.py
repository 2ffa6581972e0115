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
    tree = ast.parse(MODULES[name].read_text(encoding="utf-8"))
    package = name if is_package(name) else name.rpartition(".")[0]
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
                found.append((sub, None, node.lineno) if sub in MODULES else (base, alias.name, node.lineno))
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


def test_no_module_imports_a_module_that_imports_it_back():
    cycles = []

    def visit(node, stack, on_stack, done):
        stack.append(node)
        on_stack.add(node)
        for nxt in GRAPH[node]:
            if nxt in on_stack:
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in done:
                visit(nxt, stack, on_stack, done)
        on_stack.discard(node)
        stack.pop()
        done.add(node)

    done: set[str] = set()
    for name in MODULES:
        if name not in done:
            visit(name, [], set(), done)
    assert not cycles, "import circles: " + "; ".join(" -> ".join(c) for c in cycles)


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_private_name_from_another_subpackage(name):
    reach_ins = [f"line {line}: {target}.{imported}" for target, imported, line in imports_of(name)
                 if imported and imported.startswith("_") and not imported.startswith("__")
                 and subpackage(target) != subpackage(name)]
    assert not reach_ins, f"{name} imports private names from another subpackage: {reach_ins}"


def test_the_checks_see_imports_inside_functions(tmp_path):
    """The walker reads function-level imports too (the lazy ones are where circles hid)."""
    lazy = [target for target, _, _ in imports_of("influence_lab.studies.explore")]  # imported inside a function
    assert "influence_lab.scoring.features" in lazy
