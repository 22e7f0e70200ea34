"""Excel of the plan status table and of an assessment's scores (issue #11 item 9): the file opens
with openpyxl and holds the numbers the page's JSON twin shows, as numbers, without formulas."""

from __future__ import annotations

import io
import math

import openpyxl
import pytest
from fastapi.testclient import TestClient

from tanzhi.config import Settings
from tanzhi.plan import Status
from tanzhi.web import create_app

from .conftest import demo_login

PLAN = "sx-fyp14-climate"


@pytest.fixture(scope="module")
def app(demo_settings: Settings):
    return create_app(demo_settings)


@pytest.fixture(scope="module")
def clients(app) -> dict[str, TestClient]:
    return {name: demo_login(app, name) for name in ("sx.city", "kq.county")}


def _sheets(content: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
    return {s.title: list(s.iter_rows(values_only=True)) for s in book.worksheets}


def _same(cell: object, value: object) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return cell is None
    if isinstance(value, (int, float)):
        return isinstance(cell, (int, float)) and math.isclose(cell, value, rel_tol=1e-12)
    return cell == value


@pytest.mark.parametrize(("who", "region"), [("sx.city", "330600"), ("kq.county", "330603")])
def test_status_workbook_holds_the_status_tables_numbers(clients, who, region) -> None:
    c = clients[who]
    r = c.get(f"/plans/{PLAN}/status.xlsx")
    assert r.status_code == 200
    assert f'filename="{PLAN}-{region}-status.xlsx"' in r.headers["content-disposition"]
    sheets = _sheets(r.content)
    header, *rows = sheets["状态 status"]
    page = {row["indicator_id"]: row for row in c.get(
        f"/api/v1/plans/{PLAN}/status", params={"region": region}).json()}
    assert len(rows) == len(page) == 14
    col = {h.split(" ")[1] if " " in h else h: i for i, h in enumerate(header)}
    rated = 0
    for row in rows:
        twin = page[row[col["code"]]]
        for name, key in (("baseline", "baseline"), ("target", "target"), ("actual", "actual"),
                          ("completion", "completion"), ("year", "year")):
            assert _same(row[col[name]], twin[key]), (row[col["code"]], name, row, twin)
        if twin["status"]:
            rated += 1
            assert row[col["status"]] == Status(twin["status"]).label_zh
        else:
            assert row[col["status"]] is None
    assert rated >= 1  # the demo rates some of Shaoxing's indicators
    about = dict(sheets["说明 about"][1:])
    assert about["地区代码 region code"] == region


def test_a_year_and_a_region_below_are_honoured_and_foreign_ones_refused(clients) -> None:
    c = clients["sx.city"]
    rows = _sheets(c.get(f"/plans/{PLAN}/status.xlsx",
                         params={"region": "330602", "year": 2023}).content)["状态 status"][1:]
    assert {r[8] for r in rows if r[8] is not None} <= {2021, 2022, 2023}
    assert c.get(f"/plans/{PLAN}/status.xlsx", params={"region": "330100"}).status_code == 403
    assert clients["kq.county"].get(f"/plans/{PLAN}/status.xlsx",
                                    params={"region": "330602"}).status_code == 403


def test_scores_workbook_holds_the_workspaces_results(clients) -> None:
    c = clients["sx.city"]
    scheme = c.get("/api/v1/assess/schemes").json()[0]["id"]
    space = c.get(f"/api/v1/assess/schemes/{scheme}").json()
    sheets = _sheets(c.get(f"/assess/schemes/{scheme}/scores.xlsx").content)
    results = sheets["结果 results"][1:]
    assert sorted((r[1], r[2], r[3], r[4], r[5]) for r in results) == sorted(
        (x["name_zh"], x["total"], x["maximum"], x["percent"], x["grade_zh"])
        for x in space["results"])
    scores = sheets["得分 scores"][1:]
    assert len(scores) == len(space["scores"])
    # The county sees its own row only, as in its workspace.
    kq = clients["kq.county"]
    mine = kq.get(f"/api/v1/assess/schemes/{scheme}").json()
    rows = _sheets(kq.get(f"/assess/schemes/{scheme}/scores.xlsx").content)["结果 results"][1:]
    assert {r[1] for r in rows} == {x["name_zh"] for x in mine["results"]}
    assert len(rows) < len(results)
