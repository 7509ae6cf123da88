"""The apps are layers — jobs ← territories ← portal.accounts ← portal.knowledge ←
portal.committees — and a lower one never imports a higher one (DESIGN.md, Architecture).
A lower layer that must show what a higher one holds offers a hook instead (portrait sections,
the knowledge base's committee audience). String model references ("committees.Committee")
and migrations are not imports and are not checked."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["jobs", "territories", "portal.accounts", "portal.knowledge", "portal.committees"]


def imported_modules(path):
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module
            yield from (f"{node.module}.{alias.name}" for alias in node.names)


def belongs(module, layer):
    return module == layer or module.startswith(layer + ".")


@pytest.mark.parametrize("layer", LAYERS[:-1])
def test_no_layer_imports_a_higher_one(layer):
    higher = LAYERS[LAYERS.index(layer) + 1 :]
    folder = ROOT.joinpath(*layer.split("."))
    wrong = sorted(
        f"{path.relative_to(ROOT)} imports {module}"
        for path in folder.rglob("*.py")
        if "migrations" not in path.parts
        for module in imported_modules(path)
        if any(belongs(module, other) for other in higher)
    )
    assert wrong == []
