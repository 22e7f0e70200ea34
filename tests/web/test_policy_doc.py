"""docs/security.md prints the access policy the code enforces (issue #8, deliverable 3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tanzhi.http import POLICY
from tanzhi.web.policy_doc import BEGIN, END, policy_markdown, render

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"


def test_security_doc_has_the_current_policy_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert render(text) == text, (
        "docs/security.md is out of date: run `uv run python -m tanzhi.web.policy_doc "
        "docs/security.md`")


def test_the_table_has_a_line_per_row() -> None:
    table = policy_markdown()
    for method, path in POLICY:
        assert f"| {method} | `{path}`" in table


def test_render_refuses_a_document_without_markers() -> None:
    with pytest.raises(ValueError, match="markers"):
        render("# no table here\n")
    assert render(f"a\n{BEGIN}\nold\n{END}\nb").startswith(f"a\n{BEGIN}\n| method")
