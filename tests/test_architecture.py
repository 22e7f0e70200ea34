"""The layout rules of DESIGN.md, enforced: layers, faces, no cycles, no dump or giant modules."""

from __future__ import annotations

import subprocess
import sys
from collections import defaultdict, deque
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

import grimp
import pytest

from lint.faces import deep_imports

SRC = Path(__file__).resolve().parents[1] / "src" / "tanzhi"
BANNED_NAMES = {"utils", "helpers", "common", "misc"}
# DESIGN.md: "no module over ~600 lines"; the tilde buys a little slack, not a second limit.
MAX_LINES = 650


def _modules() -> list[Path]:
    return sorted(p for p in SRC.rglob("*.py") if "static" not in p.parts)


def test_import_contracts_hold() -> None:
    """import-linter's contracts in pyproject.toml (domain layers, faces) all pass.

    Run from the repository root: import-linter puts the working directory on sys.path, which is
    how it finds the project's own contract type in lint/faces.py.
    """
    exe = Path(sys.executable).with_name("lint-imports")
    proc = subprocess.run(
        [str(exe), "--no-cache"], capture_output=True, text=True, cwd=SRC.parents[1], check=False
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert " 0 broken" in proc.stdout, proc.stdout


# --- no import cycle anywhere (issue #10 item 3) -------------------------------------------------


def strongly_connected(edges: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components of a directed graph, iteratively (module graphs are deep)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    for root in sorted(set(edges) | {t for ts in edges.values() for t in ts}):
        if root in index:
            continue
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(sorted(edges.get(root, ()))))]
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = len(index)
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(edges.get(w, ())))))
                    break
                if w in on_stack:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        comp.append(w)
                        if w == v:
                            break
                    out.append(sorted(comp))
    return out


def shortest_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """The shortest cycle (first node repeated at the end), or None; ties broken by name."""
    best: list[str] | None = None
    for comp in strongly_connected(edges):
        members = set(comp)
        for start in comp:
            prev: dict[str, str | None] = {start: None}
            queue, last = deque([start]), None
            while queue and last is None:
                v = queue.popleft()
                for w in sorted(edges.get(v, ())):
                    if w == start:
                        last = v
                        break
                    if w in members and w not in prev:
                        prev[w] = v
                        queue.append(w)
            if last is None:
                continue
            path = [last]
            while (p := prev[path[-1]]) is not None:
                path.append(p)
            cycle = [*reversed(path), start]
            if best is None or len(cycle) < len(best):
                best = cycle
    return best


def collapse(edges: dict[str, set[str]], node: Callable[[str], str | None]) -> dict[str, set[str]]:
    """The graph between groups of modules (node(m) names m's group, None leaves m out)."""
    out: dict[str, set[str]] = defaultdict(set)
    for m, targets in edges.items():
        for t in targets:
            a, b = node(m), node(t)
            if a is not None and b is not None and a != b:
                out[a].add(b)
    return out


@cache
def tanzhi_graph() -> grimp.ImportGraph:
    # Imports under `if TYPE_CHECKING:` never run, so they cannot close a cycle at import time
    # (kernel.factor_precedence names kernel.factors.Factor only in annotations).
    return grimp.build_graph("tanzhi", cache_dir=None, exclude_type_checking_imports=True)


@cache
def module_edges() -> dict[str, set[str]]:
    g = tanzhi_graph()
    return {m: set(g.find_modules_directly_imported_by(m)) & g.modules for m in g.modules}


def _packages() -> Iterable[str]:
    g = tanzhi_graph()
    return sorted(m for m in g.modules if g.find_children(m))


def test_no_module_cycle() -> None:
    cycle = shortest_cycle(module_edges())
    assert cycle is None, "import cycle between modules: " + " -> ".join(cycle or [])


def test_no_cycle_between_domains() -> None:
    cycle = shortest_cycle(collapse(module_edges(), lambda m: ".".join(m.split(".")[:2])))
    assert cycle is None, "import cycle between domains: " + " -> ".join(cycle or [])


@pytest.mark.parametrize("package", _packages())
def test_no_cycle_between_sibling_packages(package: str) -> None:
    """Inside each package its children (sub-packages taken whole) import one way only."""
    depth = package.count(".") + 2

    def child(m: str) -> str | None:
        return ".".join(m.split(".")[:depth]) if m.startswith(package + ".") else None

    cycle = shortest_cycle(collapse(module_edges(), child))
    assert cycle is None, f"import cycle inside {package}: " + " -> ".join(cycle or [])


def test_cycle_finder_names_the_shortest_cycle() -> None:
    edges = {"a": {"b"}, "b": {"c", "a"}, "c": {"d"}, "d": {"a"}, "e": {"e"}, "f": {"a"}}
    assert shortest_cycle(edges) == ["e", "e"]
    del edges["e"]
    assert shortest_cycle(edges) == ["a", "b", "a"]
    assert shortest_cycle({"a": {"b"}, "b": {"c"}}) is None


def test_faces_contract_flags_deep_cross_domain_imports_only() -> None:
    g = grimp.ImportGraph()
    for m in ["t", "t.k", "t.k.db", "t.k.units", "t.p", "t.p.calc", "t.cli"]:
        g.add_module(m)
    g.add_import(importer="t.p.calc", imported="t.k.db")  # deep: breaks
    g.add_import(importer="t.p.calc", imported="t.k")  # through the face: fine
    g.add_import(importer="t.k.db", imported="t.k.units")  # inside one domain: fine
    g.add_import(importer="t.cli", imported="t.p.calc")  # a top-level module reaching in: breaks
    assert deep_imports(g, "t") == [("t.cli", "t.p.calc"), ("t.p.calc", "t.k.db")]


@pytest.mark.parametrize("path", _modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_module_is_not_a_dump_and_not_too_long(path: Path) -> None:
    assert path.stem not in BANNED_NAMES, f"{path}: name a module after the concept it serves"
    n = len(path.read_text(encoding="utf-8").splitlines())
    assert n <= MAX_LINES, f"{path} has {n} lines; split it by concept or use case"


def test_every_module_has_a_docstring() -> None:
    import ast

    missing = [
        str(p.relative_to(SRC))
        for p in _modules()
        if p.stat().st_size and ast.get_docstring(ast.parse(p.read_text(encoding="utf-8"))) is None
    ]
    assert not missing, f"modules without a one-line docstring: {missing}"
