"""The access policy as Markdown, for docs/security.md (issue #8, deliverable 3).

``uv run python -m tanzhi.web.policy_doc docs/security.md`` rewrites the part of the file between
the policy markers from the code; ``tests/web/test_policy_doc.py`` fails when the two differ.
It lives in `tanzhi.web` because only the app's top layer sees every domain's resolvers.
"""

from __future__ import annotations

import sys
from pathlib import Path

from tanzhi.http import PENDING, PLAIN, PLAIN_PARAMS, POLICY, ROLE_COLUMNS, Access, resolver_doc
from tanzhi.web import routes  # noqa: F401 — importing the routes registers the resolvers

BEGIN = "<!-- policy-table:begin (generated: python -m tanzhi.web.policy_doc) -->"
END = "<!-- policy-table:end -->"
_CELL = {Access.PUBLIC: "public", Access.ALL: "all", Access.OWN: "own", Access.NONE: "–"}
_HEADS = {"province_admin": "province", "city_officer": "city", "county_officer": "county",
          "department_officer": "dept.", "analyst": "analyst",
          "enterprise_reporter": "enterprise", "verifier": "verifier", "citizen": "citizen",
          "public": "anonymous"}


def policy_markdown() -> str:
    """The table (one row per route and method), then the parameters that are checked."""
    lines = ["| method | path | rule | " + " | ".join(_HEADS[r.value] for r in ROLE_COLUMNS)
             + " |", "|" + " --- |" * (3 + len(ROLE_COLUMNS))]
    for (method, path), rule in sorted(POLICY.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        aliases = ", ".join(f"{k}→{'plain' if v == PLAIN else v}" for k, v in rule.params.items())
        name = rule.name + (f" ({aliases})" if aliases else "")
        pending = " ¹" if (method, path) in PENDING else ""
        cells = " | ".join(_CELL[rule.of(role)] for role in ROLE_COLUMNS)
        lines.append(f"| {method} | `{path}`{pending} | {name} | {cells} |")
    lines += ["", "¹ added by the sessions work of issue #8 (password page).", "",
              "Parameters resolved to the region of the stored object (owner module, meaning):", ""]
    for name, (module, doc) in sorted(resolver_doc().items()):
        lines.append(f"- `{name}` — {module}: {doc}")
    lines += ["", "Parameters that name no region or object: "
              + ", ".join(f"`{p}`" for p in sorted(PLAIN_PARAMS)) + "."]
    return "\n".join(lines)


def render(document: str) -> str:
    """`document` with the text between the markers replaced by the current table."""
    head, found, rest = document.partition(BEGIN)
    if not found or END not in rest:
        raise ValueError(f"the document lacks the markers {BEGIN!r} … {END!r}")
    tail = rest.partition(END)[2]
    return f"{head}{BEGIN}\n{policy_markdown()}\n{END}{tail}"


def main(argv: list[str]) -> int:
    """Rewrite the policy table in the file named by `argv[0]`."""
    path = Path(argv[0] if argv else "docs/security.md")
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
