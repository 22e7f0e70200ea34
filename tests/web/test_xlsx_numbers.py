"""One number rule in every Excel export (issue #11 item 7).

`tanzhi.kernel.numbers` writes figures for readers: about three significant digits, 万/亿 only
as part of a unit, shares as ``45.6%``. In a workbook a number must stay a number, so the rule
becomes the cell's number format (`excel_format`). This test downloads every workbook the demo
offers (each xlsx route of the policy table, as the first role that may open it) and opens it
with openpyxl, as a reader's spreadsheet program would:

- a number that is not whole shows a bounded number of decimals (never Excel's "General", which
  prints ``20.243261450978324``): the house format `excel_format` gives for its value, or the
  fixed decimals of a column of measured totals (at most four);
- no text cell carries a raw float or a doubled multiplier (``13.00 万 万元``).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tanzhi.access import Role
from tanzhi.config import Settings
from tanzhi.kernel import export_workbook
from tanzhi.web import create_app

from .test_policy import LOGINS, _login, build_cases, catalogue  # noqa: F401 — a fixture

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RAW_FLOAT = re.compile(r"\d+\.\d{5,}")
DOUBLED = re.compile(r"(万|亿)\s*(万|亿)")
# Decimals a number format shows: the zeros after its decimal point ("#,##0.00" → 2).
DECIMALS = re.compile(r"\.(0+)")
# A column of measured totals or of a decomposition keeps the fixed decimals its writer chose
# (kernel.numbers `fixed`); more than four is a raw float in disguise.
MAX_DECIMALS = 4


def _decimals(number_format: str) -> int:
    m = DECIMALS.search(number_format)
    return len(m.group(1)) if m else 0


def test_the_rule_on_a_hand_made_workbook() -> None:
    """Hand-worked: 20.243261450978324 has two integer digits, so three significant figures
    keep two decimals (20.24); 0.34217 keeps three (0.342); 123 456.7 none (123,457); a year and
    a count stay as typed; a share asked for as such reads 45.6 %."""
    buffer = io.BytesIO()
    book = export_workbook(buffer, {"in_memory": True})
    bordered = book.add_format({"border": 1, "bold": True})
    sheet = book.add_worksheet("s")
    sheet.write_row(0, 0, [20.243261450978324, 0.34217, 123456.7, 2025, 3])
    sheet.write(1, 0, 0.34217, bordered)
    sheet.write(1, 1, 0.456, book.number_format(kind="share"))
    sheet.write(1, 2, 2.0, book.number_format(kind="points"))
    book.close()
    cells = openpyxl.load_workbook(io.BytesIO(buffer.getvalue())).active
    assert [c.number_format for c in cells[1]] == [
        "#,##0.00", "#,##0.000", "#,##0", "General", "General"]
    # the cell keeps its value, to the 15 digits Excel holds
    assert cells["A1"].value == pytest.approx(20.243261450978324, rel=1e-14)
    assert cells["A2"].number_format == "#,##0.000" and cells["A2"].font.b
    assert cells["A2"].border.left.style == "thin"
    assert cells["B2"].number_format == "0.0%"
    assert cells["C2"].number_format == '0.0 "个百分点"'


@pytest.fixture(scope="module")
def settings(demo_settings: Settings) -> Settings:
    """The demo copy the policy test's `catalogue` reads its objects from."""
    return demo_settings


@pytest.fixture(scope="module")
def app(settings: Settings) -> FastAPI:
    return create_app(settings)


@pytest.fixture(scope="module")
def clients(app: FastAPI) -> Iterator[dict[Role, TestClient]]:
    out = {}
    for role, username in LOGINS.items():
        client = TestClient(app, raise_server_exceptions=False)
        out[role] = _login(client, username)
    yield out
    for client in out.values():
        client.close()


def _workbook_urls(app: FastAPI, catalogue: tuple) -> list[tuple[Role, str]]:  # noqa: F811
    """(role, URL) of one download per xlsx-giving route: the first role allowed its own."""
    cases, _ = build_cases(app, catalogue)
    seen: set[str] = set()
    out = []
    for case in cases:
        # an API path whose page twin offers the same file is read once, as the page's
        page = case.path.removeprefix("/api/v1")
        if case.method != "GET" or case.expect != "allow" or case.why != "own" \
                or page in seen or (page != case.path and not page.endswith(".xlsx")):
            continue
        url = case.url
        if "{fmt}" in case.path:
            url = re.sub(r"/download/[a-z]+", "/download/xlsx", url)
        elif not re.search(r"xlsx|workbook|export|download|template", case.path):
            continue
        seen.add(page)
        out.append((case.role, url))
    return out


def test_every_exported_workbook_keeps_the_number_rule(
        app: FastAPI, clients: dict, catalogue: tuple) -> None:  # noqa: F811 — the fixture
    wrong: list[str] = []
    books = cells = 0
    for role, url in _workbook_urls(app, catalogue):
        r = clients[role].get(url)
        if r.status_code != 200 or XLSX not in r.headers.get("content-type", ""):
            continue
        books += 1
        book = openpyxl.load_workbook(io.BytesIO(r.content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    value, where = cell.value, f"{url} {sheet.title}!{cell.coordinate}"
                    if isinstance(value, str):
                        if RAW_FLOAT.search(value) or DOUBLED.search(value):
                            wrong.append(f"{where}: text {value[:60]!r}")
                        continue
                    if not isinstance(value, float) or value.is_integer():
                        continue
                    cells += 1
                    shown = cell.number_format
                    if shown == "General":
                        wrong.append(f"{where}: {value!r} with no number format")
                    elif _decimals(shown) > MAX_DECIMALS:
                        wrong.append(f"{where}: {value!r} as {shown}")
    print(f"\nxlsx numbers: {books} workbooks, {cells} fractional cells")
    assert books >= 8, books
    assert cells > 0
    assert not wrong, "Excel cells off the number rule (issue #11 item 7):\n" + "\n".join(
        wrong[:60])
