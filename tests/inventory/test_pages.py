"""Inventory workspace pages on the demo database: content, scope, CSRF, upload, downloads."""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tanzhi.config import Settings
from tanzhi.demo import service as demo_service
from tanzhi.demo.model import DEMO_PASSWORD
from tanzhi.inventory import service as inventory_service
from tanzhi.inventory.store import ActivitySetRow, RunRow
from tanzhi.kernel import list_regions, make_engine, make_session_factory
from tanzhi.web import create_app

HEADER = "region_code,year,category,item,value,unit,uncertainty_pct\n"
GOOD = (HEADER + "330602,2024,1.A.1.a.i,原煤,120.5,万吨,5\n"
        "330602,2024,1.A.3.b,柴油,35.2,万吨,5\n330602,2024,2.A.1,水泥熟料,300,万吨,3\n")
BAD = (HEADER + "330602,2024,1.A.1.a.i,原煤,120.5,万吨,5\n"
       "330602,2024,1.A.3.b,柴油,-35.2,万吨,5\n330602,2024,2.A.1,水泥熟料,300,千瓦时,3\n")


@pytest.fixture(scope="module")
def demo_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """The demo statistics and users with the inventory's demo run (the other domains' seeders
    are left out: these tests are about the inventory pages only)."""
    settings = Settings(data_dir=tmp_path_factory.mktemp("invpages") / "data",
                        secret_key="test-secret")
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(demo_service, "demo_steps", lambda: [("inventory", _shaoxing_run)])
        demo_service.build_demo(settings)
    return settings


def _shaoxing_run(session) -> int:
    """The demo compilation, for Shaoxing's tree only (keeps the module fast)."""
    codes = [r.code for r in list_regions(session, parent="330600")] + ["330600"]
    run = inventory_service.compile_inventory(session, region_codes=codes, gwp="AR5",
                                              source="statistics",
                                              label=inventory_service.DEMO_LABEL)
    return run.n_rows


@pytest.fixture(scope="module")
def app(demo_settings: Settings):
    return create_app(demo_settings)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "page has no CSRF field"
    return found.group(1)


@pytest.fixture
def login(app) -> Iterator[Callable[[str], TestClient]]:
    clients: list[TestClient] = []

    def _login(username: str) -> TestClient:
        client = TestClient(app)
        clients.append(client)
        token = csrf_of(client.get("/login").text)
        r = client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                        "csrf_token": token, "next": "/"},
                        follow_redirects=False)
        assert r.status_code == 303, r.text
        return client

    yield _login
    for c in clients:
        c.close()


def statistics_run(client: TestClient) -> str:
    """Id of the newest run compiled from the platform statistics (the demo's)."""
    html = client.get("/inventory/runs").text
    for run_id, body in re.findall(r'<tr data-run="(\d+)">(.*?)</tr>', html, flags=re.S):
        if "平台统计数据" in body:
            return run_id
    raise AssertionError("no statistics run listed")


def count(settings: Settings, table) -> int:
    engine = make_engine(settings)
    try:
        with make_session_factory(engine)() as s:
            return int(s.scalar(select(func.count()).select_from(table)))
    finally:
        engine.dispose()


def run_job(app, client: TestClient, response) -> dict:
    """Uploads and compilations answer 303 to their background job's page (issue #8); wait
    for the job and return its JSON."""
    assert response.status_code == 303, response.text
    location = response.headers["location"]
    match = re.fullmatch(r"/jobs/(\d+)\?follow=1", location)
    assert match, location
    assert app.state.jobs.wait(int(match.group(1)), 120)
    return client.get(f"/api/v1/jobs/{match.group(1)}").json()


def test_anonymous_is_sent_to_login(app) -> None:
    with TestClient(app) as c:
        r = c.get("/inventory?region=330600", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login?next=")


def test_city_overview_shows_totals_charts_and_tables(login) -> None:
    c = login("sx.city")
    r = c.get("/inventory")
    assert r.status_code == 200, r.text
    html = r.text
    assert "绍兴市" in html and "温室气体清单" in html
    # Headline tiles in both calibres, with units and 万/亿 numbers.
    for kpi in ("kpi-net", "kpi-gross", "kpi-energy", "kpi-lulucf"):
        assert f'id="{kpi}"' in html
    assert "吨 CO₂e" in html and re.search(r"\d \s*(万|亿)", html)
    assert "能源活动 CO₂（含净调入电力）" in html
    # Chart boxes and their data; the map has the six county-level units of Shaoxing.
    for box in ("chart-series", "chart-treemap", "chart-sankey", "chart-map"):
        assert f'id="{box}"' in html
    assert 'id="inv-data"' in html and "/inventory/assets/workspace.js" in html
    # Tables: compare years, hierarchy residuals, QA/QC, notation keys.
    for table in ("compare-table", "residual-table", "notation-table"):
        assert f'id="{table}"' in html
    assert "质量保证与质量控制" in html
    # Provenance footer names the run, its GWP and factor datasets; demo data is marked.
    assert "清单运行 #" in html and "AR5" in html
    assert "合成演示数据" in html
    assert '<link rel="alternate" type="application/json" href="/api/v1/inventory/' in html


def test_qaqc_fragment_lists_findings_of_the_year(login) -> None:
    c = login("sx.city")
    assert 'id="qaqc-body"' in c.get("/inventory").text        # loaded by htmx
    r = c.get("/inventory/qaqc?region=330600&year=2025", headers={"HX-Request": "true"})
    assert r.status_code == 200 and "<html" not in r.text
    assert 'data-ready="1"' in r.text and 'id="findings-table"' in r.text
    assert "完整性" in r.text
    assert c.get("/inventory/qaqc?region=330100").status_code == 403


def test_year_and_county_pickers(login) -> None:
    c = login("sx.city")
    html = c.get("/inventory?region=330603&year=2020").text
    assert 'id="inv-title"' in html and "柯桥区" in html and "2020" in html
    assert '<option value="2020" selected>' in html
    # A county has no sub-regions: no map, the gas table instead.
    assert 'id="chart-map"' not in html


def test_english_page(login) -> None:
    c = login("sx.city")
    html = c.get("/inventory?lang=en").text
    assert "Greenhouse gas inventory" in html and "Compare years" in html
    assert "Shaoxing" in html


@pytest.mark.parametrize("path", [
    "/inventory?region=330100", "/inventory/runs?region=330100",
])
def test_out_of_scope_region_is_forbidden(login, path: str) -> None:
    c = login("sx.city")
    assert c.get(path).status_code == 403


def test_roles(login) -> None:
    assert login("citizen").get("/inventory").status_code == 403
    analyst = login("analyst")
    assert analyst.get("/inventory").status_code == 200
    assert analyst.get("/inventory/upload").status_code == 403


def test_upload_without_csrf_is_refused(login, demo_settings: Settings) -> None:
    c = login("sx.city")
    before = count(demo_settings, ActivitySetRow)
    r = c.post("/inventory/upload", files={"file": ("good.csv", GOOD.encode(), "text/csv")})
    assert r.status_code == 403 and "CSRF" in r.text
    assert count(demo_settings, ActivitySetRow) == before


def test_bad_file_lists_rows_and_columns_and_writes_nothing(app, login,
                                                            demo_settings: Settings) -> None:
    c = login("sx.city")
    token = csrf_of(c.get("/inventory/upload").text)
    before = count(demo_settings, ActivitySetRow)
    r = c.post("/inventory/upload", data={"csrf_token": token},
               files={"file": ("bad.csv", BAD.encode(), "text/csv")}, follow_redirects=False)
    job = run_job(app, c, r)
    assert job["status"] == "failed"
    page = c.get(r.headers["location"])
    table = page.text.split('id="problem-table"')[1].split("</table>")[0]
    rows = re.findall(r"<tr><td class=\"mono\">bad\.csv</td><td class=\"num\">(\d+)</td>"
                      r"<td class=\"mono\">(\w+)</td>", table)
    assert ("3", "value") in rows and ("4", "unit") in rows
    assert "为负数" in table and "is negative" in table  # both languages
    assert count(demo_settings, ActivitySetRow) == before


def test_upload_outside_scope_names_the_row(app, login) -> None:
    c = login("sx.city")
    token = csrf_of(c.get("/inventory/upload").text)
    text = GOOD.replace("330602,2024,2.A.1", "330102,2024,2.A.1")
    r = c.post("/inventory/upload", data={"csrf_token": token},
               files={"file": ("scope.csv", text.encode(), "text/csv")}, follow_redirects=False)
    job = run_job(app, c, r)
    assert job["status"] == "failed"
    assert {"row": 4, "column": "region_code"}.items() <= job["problems"][0].items()
    page = c.get(r.headers["location"]).text
    assert "330102" in page and "region_code" in page and ">4<" in page


def test_compile_post_needs_csrf(login) -> None:
    c = login("sx.city")
    r = c.post("/inventory/runs", data={"source": "statistics", "gwp": "AR5"})
    assert r.status_code == 403


def test_runs_detail_uncertainty_and_key_categories(login) -> None:
    c = login("sx.city")
    run_id = statistics_run(c)
    detail = c.get(f"/inventory/runs/{run_id}?region=330600")
    assert detail.status_code == 200
    for part in ("uncertainty", "key-table", "mc-btn", "dl-csv", "dl-xlsx", "dl-iamc"):
        assert f'id="{part}"' in detail.text
    # Issue #9: the intervals stored at compile time are on the page itself (no htmx
    # recomputation), Approach 1 and 2 side by side, with the defaults they rest on.
    assert 'data-method="stored"' in detail.text and 'id="uncertainty-table"' in detail.text
    assert 'id="uncertainty-defaults"' in detail.text and "activity/1.A" in detail.text
    assert "±0.0" not in detail.text
    # The fragment reads the stored rows too; Monte Carlo with other iterations is computed.
    base = f"/inventory/runs/{run_id}/uncertainty?region=330600&year=2025"
    a1 = c.get(base + "&method=propagation", headers={"HX-Request": "true"})
    assert a1.status_code == 200 and 'id="uncertainty-table"' in a1.text
    assert 'data-method="propagation"' in a1.text and "<html" not in a1.text
    assert "合计" in a1.text
    mc = c.get(base + "&method=montecarlo&iterations=2000", headers={"HX-Request": "true"})
    assert mc.status_code == 200
    assert 'data-method="montecarlo"' in mc.text and "2000" in mc.text
    assert c.get(f"/inventory/runs/{run_id}?region=330100").status_code == 403
    assert c.get(base.replace("330600", "330100")).status_code == 403


def test_downloads(login) -> None:
    c = login("sx.city")
    run_id = statistics_run(c)
    base = f"/inventory/runs/{run_id}/download"
    csv = c.get(f"{base}?format=csv&region=330600")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    head = csv.text.splitlines()[0].split(",")
    assert {"region_code", "year", "category", "gas", "emissions_t", "co2e_t"} <= set(head)
    codes = {line.split(",")[head.index("region_code")] for line in csv.text.splitlines()[1:]}
    assert "330600" in codes and "330602" in codes and "330100" not in codes
    xlsx = c.get(f"{base}?format=xlsx&region=330600&year=2020")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    from openpyxl import load_workbook
    assert load_workbook(io.BytesIO(xlsx.content)).sheetnames
    iamc = c.get(f"{base}?format=iamc&region=330603")
    assert iamc.status_code == 200 and "Emissions" in iamc.text
    assert c.get(f"{base}?format=csv&region=330100").status_code == 403


def test_template_and_script(login) -> None:
    c = login("sx.city")
    r = c.get("/inventory/upload/template?format=xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    js = c.get("/inventory/assets/workspace.js")
    assert js.status_code == 200 and "echarts" in js.text


def test_good_file_then_compile_a_run(app, login, demo_settings: Settings) -> None:
    c = login("sx.city")
    token = csrf_of(c.get("/inventory/upload").text)
    runs_before = count(demo_settings, RunRow)
    r = c.post("/inventory/upload", data={"csrf_token": token, "label": "柯桥补充数据"},
               files={"file": ("good.csv", GOOD.encode(), "text/csv")}, follow_redirects=False)
    job = run_job(app, c, r)
    assert job["status"] == "succeeded", job
    r = c.get(job["result_url"])
    assert r.status_code == 200, r.text
    assert 'id="upload-ok"' in r.text and "3 行" in r.text
    source = re.search(r'name="source" value="(upload:\d+)"', r.text).group(1)
    token = csrf_of(r.text)
    r = c.post("/inventory/runs", data={"csrf_token": token, "source": source,
                                        "gwp": "AR6", "label": "上传数据试算"},
               follow_redirects=False)
    job = run_job(app, c, r)
    assert job["status"] == "succeeded", job
    assert count(demo_settings, RunRow) == runs_before + 1
    page = c.get(job["result_url"])
    assert page.status_code == 200 and "上传数据试算" in page.text and "AR6" in page.text
