"""plan's shape holds (issue #10 item 1): no import cycle, no import seams, no hidden imports."""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

PLAN = Path(__file__).resolve().parents[2] / "src" / "tanzhi" / "plan"
MODULES = sorted(PLAN.rglob("*.py"))


def _id(path: Path) -> str:
    return str(path.relative_to(PLAN))


def test_no_import_cycle_inside_plan() -> None:
    graph = grimp.build_graph("tanzhi", cache_dir=None)
    plan = sorted(m for m in graph.modules if m.startswith("tanzhi.plan."))
    for module in plan:
        # A module that reaches itself through what it imports sits on a cycle.
        for imported in graph.find_modules_directly_imported_by(module):
            if imported.startswith("tanzhi.plan.") and imported != module:
                chain = graph.find_shortest_chain(importer=imported, imported=module)
                assert chain is None, f"cycle: {module} → {' → '.join(chain)}"


@pytest.mark.parametrize("path", MODULES, ids=_id)
def test_no_import_seams(path: Path) -> None:
    """No `except ImportError`, no imports inside functions (CLIs excepted: typer start-up)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.ExceptHandler) and node.type is not None:
            names = {n.id for n in ast.walk(node.type) if isinstance(n, ast.Name)}
            assert not names & {"ImportError", "ModuleNotFoundError"}, (
                f"{_id(path)}:{node.lineno} catches an import error")
        if path.name != "cli.py" and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for inner in ast.walk(node):
                assert not isinstance(inner, ast.Import | ast.ImportFrom), (
                    f"{_id(path)}:{inner.lineno} imports inside {node.name}()")


def test_plan_reaches_other_domains_through_their_faces() -> None:
    """kernel, access and inventory only through their `__init__` (the CLIs may start the engine
    through `tanzhi.kernel.cli`, which the kernel face leaves out)."""
    faces = (["tanzhi", "kernel"], ["tanzhi", "access"], ["tanzhi", "inventory"])
    deep = []
    for path in MODULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ImportFrom) or not node.module:
                continue
            parts = node.module.split(".")
            if parts[:2] in faces and len(parts) > 2 and not (
                    path.name == "cli.py" and node.module == "tanzhi.kernel.cli"):
                deep.append(f"{_id(path)}: {node.module}")
    assert not deep, deep
