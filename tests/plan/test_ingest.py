"""Actuals in at scale (issue #11 item 2): the per-department template of a plan, round trip.

On one copy of the demo per module: a department officer downloads their template (only the
indicators their department owns, the plan's regions in their scope, base year to end of
period, units and current values prefilled), fills it, uploads it; the job checks every row
first and writes all or nothing, keeping the history of revised values. Hand-checked figures:
45 000 万立方米 = 4.5 亿立方米; the 2020 forest stock of Zhejiang is 3.75 亿立方米 (printed
baseline of the plan) and its 2025 target is ≥ 4.45.
"""

from __future__ import annotations

import io
from collections.abc import Iterator

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from openpyxl import Workbook, load_workbook

from tanzhi.config import Settings
from tanzhi.kernel import DataError, read_transaction
from tanzhi.plan import (
    actual_history,
    current_actuals,
    department_id,
    get_plan,
    indicator_status,
    read_upload,
)
from tanzhi.plan.ingest.model import FIELDS
from tanzhi.web import create_app
from tests.web.conftest import demo_login

ZJ = "zj-fyp14-climate"
ZJ_REGIONS = ["330000", "330100", "330200", "330300", "330400", "330500", "330600", "330700",
              "330800", "330900", "331000", "331100"]
COL = {name: i for i, name in enumerate(FIELDS)}


@pytest.fixture(scope="module")
def app(demo_settings: Settings) -> FastAPI:
    return create_app(demo_settings)


@pytest.fixture(scope="module")
def clients(app: FastAPI) -> Iterator[dict[str | None, TestClient]]:
    out = {name: demo_login(app, name) for name in ("zj.linye", "zj.fgw", "sx.city", "citizen")}
    yield out
    for client in out.values():
        client.close()


def _template(client: TestClient, query: str = "") -> bytes:
    r = client.get(f"/ingest/{ZJ}/template.xlsx{query}")
    assert r.status_code == 200, r.text
    return r.content


def _fill(data: bytes, changes: dict[tuple[str, str, int], dict[str, object]]) -> bytes:
    """The template with cells changed, by (indicator, region, year) → {field: value}."""
    book = load_workbook(io.BytesIO(data))
    sheet = book["实际值"]
    found = set()
    for row in sheet.iter_rows(min_row=2):
        key = (row[COL["indicator_id"]].value, row[COL["region_code"]].value,
               row[COL["year"]].value)
        for field, value in changes.get(key, {}).items():
            row[COL[field]].value = value
            found.add(key)
    assert found == set(changes), f"rows not in the template: {set(changes) - found}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _upload(app: FastAPI, client: TestClient, data: bytes, name: str = "filled.xlsx") -> dict:
    r = client.post(f"/api/v1/ingest/{ZJ}", files={"file": (name, data, "application/vnd."
                                                             "ms-excel")})
    assert r.status_code == 202, r.text
    job_id = r.json()["job_id"]
    assert app.state.jobs.wait(job_id, timeout_s=120)
    return client.get(f"/api/v1/jobs/{job_id}").json()


def _actual_count(app: FastAPI) -> int:
    with read_transaction(app.state.session_factory) as db:
        return len(actual_history(db, ZJ, "forest_stock", "330000")) + sum(
            len(current_actuals(db, ZJ, region_code=code)) for code in ZJ_REGIONS)


def test_template_holds_the_departments_indicators_regions_and_years(app: FastAPI,
                                                                     clients: dict) -> None:
    book = load_workbook(io.BytesIO(_template(clients["zj.fgw"])))
    rows = list(book["实际值"].iter_rows(min_row=2, values_only=True))
    assert book["实际值"].column_dimensions["A"].hidden, "the key column is hidden"
    assert book["实际值"].protection.sheet, "the sheet is protected"
    with read_transaction(app.state.session_factory) as db:
        plan = get_plan(db, ZJ)
        owned = [i for i in plan.indicators
                 if department_id(i.department) == "development_reform" and i.unit]
        current = current_actuals(db, ZJ)
    assert {r[COL["indicator_id"]] for r in rows} == {i.id for i in owned}
    assert {r[COL["region_code"]] for r in rows} == set(ZJ_REGIONS)
    assert {r[COL["year"]] for r in rows} == set(range(2020, 2026))
    assert len(rows) == len(owned) * len(ZJ_REGIONS) * 6
    units = {i.id: i.unit for i in owned}
    values = {(c.indicator_id, c.region_code, c.year): c.value
              for c in current.itertuples(index=False)}
    for r in rows:
        key = (r[COL["indicator_id"]], r[COL["region_code"]], r[COL["year"]])
        assert r[COL["key"]] == f"{ZJ}|{key[0]}|{key[1]}|{key[2]}"
        assert r[COL["unit"]] == units[key[0]]
        assert r[COL["current_value"]] == pytest.approx(values.get(key)) if key in values \
            else r[COL["current_value"]] is None
        assert r[COL["value"]] == r[COL["current_value"]]


def test_round_trip_stores_the_changed_value_as_a_revision(app: FastAPI, clients: dict) -> None:
    client = clients["zj.linye"]
    with read_transaction(app.state.session_factory) as db:
        before = actual_history(db, ZJ, "forest_stock", "330000")
    old = before[before["year"] == 2025]
    assert len(old) == 1
    filled = _fill(_template(client), {("forest_stock", "330000", 2025): {
        "unit": "万立方米", "value": 45000, "source": "省林业局森林资源年报（测试）",
        "released_on": "2026-03-01"}})
    job = _upload(app, client, filled)
    assert job["status"] == "succeeded", job
    assert job["message"].startswith("写入 1 个值，未变 143 行"), job["message"]
    with read_transaction(app.state.session_factory) as db:
        after = actual_history(db, ZJ, "forest_stock", "330000")
        plan = get_plan(db, ZJ)
        status = indicator_status(db, plan, plan.indicator("forest_stock"), "330000", year=2025)
    rows = after[after["year"] == 2025].sort_values("revision")
    assert list(rows["revision"]) == [1, 2]
    assert list(rows["superseded"]) == [True, False]  # history kept, not overwritten
    assert rows.iloc[0]["value"] == pytest.approx(float(old.iloc[0]["value"]))
    assert rows.iloc[1]["value"] == pytest.approx(4.5)  # 45 000 万立方米 = 4.5 亿立方米
    assert rows.iloc[1]["source"] == "省林业局森林资源年报（测试）"
    assert rows.iloc[1]["released_on"] == "2026-03-01"
    assert rows.iloc[1]["lineage"]["typed"] == {"value": 45000, "unit": "万立方米"}
    assert len(after) == len(before) + 1  # the 143 unchanged rows wrote nothing
    assert status["actual"] == pytest.approx(4.5) and status["status"] == "green"  # ≥ 4.45


def test_a_worse_value_warns_the_owner_once(app: FastAPI, clients: dict) -> None:
    client = clients["zj.linye"]

    def warnings(year: int) -> int:
        notes = client.get("/api/v1/plans/notifications").json()["notifications"]
        return sum(n["indicator_id"] == "forest_stock" and n["year"] == year
                   and n["region_code"] == "330000" for n in notes)

    before = warnings(2024), warnings(2025)
    filled = _fill(_template(client), {
        ("forest_stock", "330000", 2024): {"value": 3.1, "source": "测试"},
        ("forest_stock", "330000", 2025): {"value": 3.0, "source": "测试"}})
    job = _upload(app, client, filled)
    assert job["status"] == "succeeded", job
    with read_transaction(app.state.session_factory) as db:
        plan = get_plan(db, ZJ)
        status = indicator_status(db, plan, plan.indicator("forest_stock"), "330000", year=2025)
    # 3.0 亿立方米 lies below the 3.75 baseline: red, and one warning for the latest year
    # touched (green → red), none for 2024.
    assert status["status"] == "red"
    assert (warnings(2024), warnings(2025)) == (before[0], before[1] + 1)


def test_a_bad_file_writes_nothing_and_names_sheet_row_and_column(app: FastAPI,
                                                                  clients: dict) -> None:
    client = clients["zj.linye"]
    data = _template(client)
    book = load_workbook(io.BytesIO(data))
    order = [(r[COL["indicator_id"]], r[COL["region_code"]], r[COL["year"]])
             for r in book["实际值"].iter_rows(min_row=2, values_only=True)]
    bad = {
        ("forest_stock", "330100", 2025): {"unit": "万吨", "value": 1, "source": "x"},
        ("forest_stock", "330200", 2025): {"value": "很多", "source": "x"},
        ("forest_stock", "330300", 2025): {"value": 0.5},  # changed, no source
        ("forest_stock", "330400", 2025): {"value": 1e300, "source": "x"},
        ("forest_stock", "330500", 2025): {"region_code": "330600"},  # grey column edited
        ("wetland_area", "330000", 2025): {"value": 130, "source": "x"},  # the one good row
    }
    before = _actual_count(app)
    job = _upload(app, client, _fill(data, bad), name="bad.xlsx")
    assert job["status"] == "failed"
    found = {(p["file"], p["row"], p["column"]) for p in job["problems"]}

    def at(key: tuple[str, str, int], column: str) -> tuple[str, int, str]:
        return "bad.xlsx:实际值", order.index(key) + 2, column

    assert found == {
        at(("forest_stock", "330100", 2025), "I 单位"),
        at(("forest_stock", "330200", 2025), "J 填报值"),
        at(("forest_stock", "330300", 2025), "K 数据来源"),
        at(("forest_stock", "330400", 2025), "J 填报值"),
        at(("forest_stock", "330500", 2025), "D 地区代码"),
    }
    texts = " ".join(p["message_zh"] + p["message_en"] for p in job["problems"])
    assert "量纲" in texts and "cannot be converted" in texts  # 万吨 is a mass, not a volume
    assert _actual_count(app) == before  # the good row was not written either


def test_scope_refusals(app: FastAPI, clients: dict) -> None:
    linye, fgw = clients["zj.linye"], clients["zj.fgw"]
    # another department's template
    assert linye.get(f"/ingest/{ZJ}/template.xlsx?department=development_reform"
                     ).status_code == 403
    # a role that enters no actuals
    assert clients["citizen"].get(f"/ingest/{ZJ}").status_code == 403
    # a city officer's template of the province plan holds the city only
    assert clients["sx.city"].get(f"/api/v1/ingest/{ZJ}").json()["regions"] == ["330600"]
    # the development-reform template uploaded by the forestry officer: every changed row is
    # refused as not theirs, and nothing is written
    filled = _fill(_template(fgw), {("non_fossil_share", "330000", 2025): {
        "value": 30, "source": "x"}})
    before = _actual_count(app)
    job = _upload(app, linye, filled)
    assert job["status"] == "failed"
    assert {p["column"] for p in job["problems"]} == {"B 指标编号"}
    assert all("无权填报" in p["message_zh"] for p in job["problems"])
    assert _actual_count(app) == before


def test_a_file_that_is_not_the_template_is_refused_at_its_header() -> None:
    book_bytes = io.BytesIO()
    book = Workbook()
    book.active.title = "实际值"
    book.active.append(["a", "b"])
    book.save(book_bytes)
    with pytest.raises(DataError) as caught:
        read_upload(book_bytes.getvalue(), filename="other.xlsx")
    first = caught.value.problems[0]
    assert (first.location.file, first.location.row, first.location.column) == (
        "other.xlsx:实际值", 1, "key")


def test_derived_refresh_runs_as_a_job_and_keeps_typed_values(app: FastAPI, clients: dict
                                                              ) -> None:
    admin = demo_login(app, "zj.admin")
    county = demo_login(app, "kq.county")
    try:
        # the province plan's derived values are the province office's to refresh
        assert county.post(f"/ingest/{ZJ}/derive", follow_redirects=False).status_code == 403
        r = admin.post(f"/ingest/{ZJ}/derive", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/jobs/")
        job_id = int(r.headers["location"].split("/")[2].split("?")[0])
        assert app.state.jobs.wait(job_id, timeout_s=120)
        job = admin.get(f"/api/v1/jobs/{job_id}").json()
        assert job["status"] == "succeeded", job
        with read_transaction(app.state.session_factory) as db:
            history = actual_history(db, ZJ, "forest_stock", "330000")
        # the demo's derived values were current: the refresh wrote nothing new, and the
        # values the forestry bureau typed above stay in force (typed beats derived)
        in_force = history[(history["year"] == 2025) & ~history["superseded"]]
        assert len(in_force) == 1 and not bool(in_force.iloc[0]["derived"])
    finally:
        admin.close()
        county.close()
