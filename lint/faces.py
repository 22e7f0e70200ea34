"""import-linter contract `faces`: another domain is reached only through its package face.

DESIGN.md (Layout): "A domain imports only lower layers, only through their package `__init__`,
which names the public API" (issue #10 item 3). The built-in contract types check direction
(layers) but not depth, so this one walks the grimp graph: an import from a module of domain X
of `<root>.Y.<anything>` with Y a package and Y != X is a deep import and breaks the contract.
Imports inside one domain use module paths and are not looked at.

Options:
    root:   the package whose direct sub-packages are the domains (e.g. tanzhi).
    allow:  "importer -> imported" patterns (fnmatch: `*` spans dots) for deep imports that are
            part of the design, each with its reason in a comment next to it in pyproject.
"""

from __future__ import annotations

from collections import defaultdict
from fnmatch import fnmatchcase

import grimp
from importlinter import Contract, ContractCheck, fields, output


def domain_of(module: str) -> str:
    """`tanzhi.plan.assess.store` -> `tanzhi.plan`; top-level modules are their own domain."""
    return ".".join(module.split(".")[:2])


def deep_imports(graph: grimp.ImportGraph, root: str) -> list[tuple[str, str]]:
    """Every (importer, imported) pair reaching below another domain's package face."""
    packages = {m for m in graph.find_children(root) if graph.find_children(m)}
    out = []
    for importer in sorted(graph.find_descendants(root) | {root}):
        for imported in graph.find_modules_directly_imported_by(importer):
            target = domain_of(imported)
            if imported != target and target in packages and target != domain_of(importer):
                out.append((importer, imported))
    return sorted(out)


class FacesContract(Contract):
    """Forbid deep cross-domain imports (see the module docstring)."""

    type_name = "faces"

    root = fields.StringField()
    allow = fields.ListField(subfield=fields.StringField(), required=False, default=[])

    def _allowed(self, importer: str, imported: str) -> bool:
        for rule in self.allow:  # type: ignore[attr-defined]
            left, _, right = (part.strip() for part in rule.partition("->"))
            if fnmatchcase(importer, left) and fnmatchcase(imported, right):
                return True
        return False

    def check(self, graph: grimp.ImportGraph, verbose: bool) -> ContractCheck:
        bad = []
        for importer, imported in deep_imports(graph, self.root):  # type: ignore[arg-type]
            if self._allowed(importer, imported):
                continue
            details = graph.get_import_details(importer=importer, imported=imported)
            lines = sorted(d["line_number"] for d in details)
            bad.append({"importer": importer, "imported": imported, "lines": lines})
        return ContractCheck(kept=not bad, metadata={"deep": bad})

    def render_broken_contract(self, check: ContractCheck) -> None:
        by_pair: dict[tuple[str, str], list[dict]] = defaultdict(list)
        for b in check.metadata["deep"]:
            by_pair[(domain_of(b["importer"]), domain_of(b["imported"]))].append(b)
        output.print_error(f"{len(check.metadata['deep'])} deep cross-domain imports:", bold=True)
        output.new_line()
        for (src, dst), items in sorted(by_pair.items()):
            output.print_error(f"{src} -> {dst} ({len(items)}): import names from `{dst}` instead")
            for b in items:
                where = ", ".join(f"l.{n}" for n in b["lines"])
                output.indent_cursor()
                output.print_error(f"{b['importer']} -> {b['imported']} ({where})", bold=False)
            output.new_line()
