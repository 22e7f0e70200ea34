"""The public disclosure portal (issue #11 item 6): anonymous reads and downloads of what is
published, 404 for what is not, and publishing and withdrawing audited and scoped."""

from __future__ import annotations

import io
import re
import sqlite3

import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient

from tanzhi.config import Settings
from tanzhi.demo.model import DEMO_PASSWORD
from tanzhi.kernel import make_engine, make_session_factory, read_transaction
from tanzhi.plan import STATUS_NOTES, get_plan
from tanzhi.web import create_app

PROVINCE_RUN = "/public/inventory/1/330000"


@pytest.fixture(scope="module")
def app(demo_settings: Settings):
    """The app on this module's copy of the demo (which publishes a set: tanzhi.disclosure)."""
    return create_app(demo_settings)


@pytest.fixture(scope="module")
def anonymous(app) -> TestClient:
    return TestClient(app)


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no CSRF token on the page"
    return found.group(1)


def _as(app, username: str) -> TestClient:
    c = TestClient(app)
    token = _csrf(c.get("/login").text)
    r = c.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                               "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


def _post(c: TestClient, url: str, **form: str):
    token = c.get("/api/v1/me").json()["csrf_token"]
    return c.post(url, data={"csrf_token": token, **form}, follow_redirects=False)


def _audit(settings: Settings, entity_key: str) -> list[tuple[str, str]]:
    db = sqlite3.connect(settings.data_dir / "tanzhi.db")
    rows = db.execute("SELECT actor, action FROM kernel_audit_entry WHERE entity = "
                      "'disclosure_publication' AND entity_key = ? ORDER BY seq",
                      (entity_key,)).fetchall()
    db.close()
    return rows


def _live_id(settings: Settings, kind: str, object_id: str, region: str) -> int:
    db = sqlite3.connect(settings.data_dir / "tanzhi.db")
    found = db.execute("SELECT id FROM disclosure_publication WHERE kind = ? AND object_id = ? "
                       "AND region_code = ? AND withdrawn_at IS NULL",
                       (kind, object_id, region)).fetchone()
    db.close()
    assert found, (kind, object_id, region)
    return int(found[0])


def test_an_anonymous_visitor_reads_the_portal(anonymous) -> None:
    r = anonymous.get("/public")
    assert r.status_code == 200
    # The demo's publications, by name and with their stamp, no login asked.
    assert "浙江省2015—2025年温室气体清单" in r.text
    assert "绍兴市应对气候变化" in r.text and "主要指标进展（绍兴市）" in r.text
    assert "浙江省2025年温室气体清单报告" in r.text
    assert "数据截至" in r.text and "浙江省生态环境厅（演示）" in r.text
    # Each region's data in the name of its own office (the demo's Shaoxing login).
    assert "发布单位 绍兴市生态环境局（演示）" in r.text
    assert 'href="/login?next=/public/manage"' in r.text
    # Labels, not codes: no status-note code leaks into a stamp or note.
    assert "per_component" not in r.text and "推算 " in r.text
    # The assessment's own rule: nothing before sign-off (the demo's scheme is in self-assessment).
    assert "尚无已签发的考核结果" in r.text
    assert anonymous.get("/public/assess/1/download/csv").status_code == 404
    listed = anonymous.get("/api/v1/public/publications").json()
    assert {p["kind"] for p in listed} == {"inventory", "plan_status", "report"}
    assert all(p["live"] for p in listed)


def test_the_published_inventory_agrees_with_its_download(anonymous) -> None:
    page = anonymous.get(PROVINCE_RUN)
    assert page.status_code == 200 and "分领域排放" in page.text
    totals = [float(v) for v in re.findall(r'data-total="([^"]+)"', page.text)]
    years = [int(y) for y in re.findall(r'<th class="num">(\d{4})</th>', page.text)]
    assert years == list(range(2015, 2026)) and len(totals) == len(years)
    csv = anonymous.get(PROVINCE_RUN + "/download/csv")
    assert csv.status_code == 200 and csv.headers["content-type"].startswith("text/csv")
    frame = pd.read_csv(io.BytesIO(csv.content))
    assert set(frame["region_code"].astype(str)) == {"330000"}
    assert {"factor_path", "provisional"} <= set(frame.columns)
    # The page's total of each year is the sum of the CSV's non-memo CO2e rows of that year.
    counted = frame[frame["co2e_t"].notna() & ~frame["memo"].astype(bool)]
    by_year = counted.groupby("year")["co2e_t"].sum()
    for year, total in zip(years, totals, strict=True):
        assert total == pytest.approx(by_year[year], rel=1e-9)
    # Provisional rows are counted on the page as in the file.
    assert int(frame["provisional"].sum()) > 0
    assert f"暂定 {int(frame['provisional'].sum())}" in anonymous.get("/public").text
    xlsx = anonymous.get(PROVINCE_RUN + "/download/xlsx")
    assert xlsx.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    assert book.sheetnames  # a real workbook, the inventory's own guideline tables
    assert anonymous.get(PROVINCE_RUN + "/download/pdf").status_code == 404


def test_the_published_status_table_is_the_plans_and_downloads(demo_settings, anonymous) -> None:
    url = "/public/plans/sx-fyp14-climate/330600"
    page = anonymous.get(url)
    assert page.status_code == 200
    with read_transaction(make_session_factory(make_engine(demo_settings))) as db:
        plan = get_plan(db, "sx-fyp14-climate")
    rows = re.findall(r"<tr><td>\d*</td><td>", page.text)
    assert len(rows) == len(plan.indicators)
    # Labels, not codes: no status-note code on the page. Since issue #11 item 1 every Shaoxing
    # indicator is rated; Taizhou's plan states no target for 大陆自然岸线占比, whose row shows
    # the label.
    codes = [code for code in STATUS_NOTES if "_" in code]
    assert not any(code in page.text for code in codes)
    taizhou = anonymous.get("/public/plans/tz-fyp14-climate/331000").text
    assert not any(code in taizhou for code in codes)
    assert STATUS_NOTES["not_stated"][0] in taizhou
    csv = anonymous.get(url + "/download/csv")
    frame = pd.read_csv(io.BytesIO(csv.content))
    assert len(frame) == len(plan.indicators)
    assert list(frame.columns[:3]) == ["序号 No.", "指标编号 Indicator id", "指标 Indicator"]
    assert set(frame["指标编号 Indicator id"]) == {i.id for i in plan.indicators}
    book = openpyxl.load_workbook(io.BytesIO(anonymous.get(url + "/download/xlsx").content))
    assert book.active["A1"].value == "绍兴市应对气候变化\"十四五\"规划主要指标进展（绍兴市）"


def test_the_published_report_and_its_file(anonymous) -> None:
    page = anonymous.get("/public/reports/1")
    assert page.status_code == 200 and "浙江省2025年温室气体清单报告" in page.text
    html = anonymous.get("/public/reports/1/download/html")
    assert html.status_code == 200 and "浙江省2025年温室气体清单报告" in html.text
    assert anonymous.get("/public/reports/1/download/exe").status_code == 404


@pytest.mark.parametrize("url", [
    "/public/inventory/1/330100",                 # the run, but Hangzhou's figures: unpublished
    "/public/inventory/1/330100/download/csv",
    "/public/inventory/99/330000",
    "/public/plans/zj-fyp14-climate/330100",      # the province plan for Hangzhou: unpublished
    "/public/plans/zj-fyp14-climate/330100/download/xlsx",
    "/public/reports/99", "/public/reports/99/download/pdf",
])
def test_what_is_not_published_is_not_there(anonymous, url: str) -> None:
    assert anonymous.get(url).status_code == 404


def test_publishing_is_scoped_and_audited_and_withdrawing_hides_it(
        app, demo_settings, anonymous) -> None:
    sx = _as(app, "sx.city")
    # Another city's figures: refused by the policy table before the handler runs.
    assert _post(sx, "/public/inventory/1/330100/publish", as_of="2026-01-15").status_code == 403
    assert _post(sx, "/public/plans/hz-fyp14-climate/330100/publish",
                 as_of="2026-01-15").status_code == 403
    # The province's publication is not the city's to withdraw.
    province = _live_id(demo_settings, "inventory", "1", "330000")
    assert _post(sx, f"/public/publications/{province}/withdraw").status_code == 403
    # Roles outside the climate offices may not publish at all; the public must log in.
    for username in ("analyst", "zj.fgw", "citizen"):
        assert _post(_as(app, username), "/public/inventory/1/330000/publish",
                     as_of="2026-01-15").status_code == 403
    assert anonymous.post("/public/inventory/1/330600/publish",
                          data={"as_of": "2026-01-15"}).status_code in (401, 403)

    assert anonymous.get("/public/inventory/1/330600").status_code == 404
    r = _post(sx, "/public/inventory/1/330600/publish", as_of="2026-01-15", note="年度公开")
    assert r.status_code == 303, r.text
    pub = _live_id(demo_settings, "inventory", "1", "330600")
    page = anonymous.get("/public/inventory/1/330600")
    assert page.status_code == 200
    assert "绍兴市" in page.text and "2026-01-15" in page.text
    assert "绍兴市生态环境局（演示）" in page.text and "年度公开" in page.text
    assert _audit(demo_settings, str(pub)) == [("sx.city", "insert")]
    # Twice is refused with a located message, not a second row.
    again = _post(sx, "/public/inventory/1/330600/publish", as_of="2026-02-01")
    assert again.status_code == 422 and "已于 2026-01-15 发布" in again.text
    # A bad date is a located error too.
    bad = _post(sx, "/public/plans/sx-fyp14-climate/330603/publish", as_of="15.01.2026")
    assert bad.status_code == 422 and "不是日期" in bad.text

    assert _post(sx, f"/public/publications/{pub}/withdraw", reason="更正").status_code == 303
    assert _audit(demo_settings, str(pub)) == [("sx.city", "insert"), ("sx.city", "update")]
    for url in ("/public/inventory/1/330600", "/public/inventory/1/330600/download/csv",
                f"/api/v1/public/publications/{pub}"):
        assert anonymous.get(url).status_code == 404, url
    assert "绍兴市2015" not in anonymous.get("/public").text
    # The desk keeps the history, marked withdrawn.
    desk = sx.get("/public/manage").text
    assert f'data-publication="{pub}"' in desk and "已撤回" in desk


def test_a_county_publishes_its_column_of_the_citys_plan(app, demo_settings, anonymous) -> None:
    kq = _as(app, "kq.county")
    assert _post(kq, "/public/plans/sx-fyp14-climate/330602/publish",
                 as_of="2026-01-15").status_code == 403   # a sibling county (越城区)
    r = _post(kq, "/public/plans/sx-fyp14-climate/330603/publish", as_of="2026-01-15")
    assert r.status_code == 303, r.text
    page = anonymous.get("/public/plans/sx-fyp14-climate/330603")
    assert page.status_code == 200 and "柯桥区" in page.text


def test_a_generated_report_is_public_only_once_published(app, demo_settings, anonymous) -> None:
    sx = _as(app, "sx.city")
    made = _post(sx, "/reports/generate", kind="inventory", region_code="330600", year="2023")
    assert made.status_code == 303, made.text
    report_id = int(made.headers["location"].split("/")[2].split("?")[0])
    assert sx.get(f"/reports/{report_id}").status_code == 200
    for url in (f"/public/reports/{report_id}", f"/public/reports/{report_id}/download/html"):
        assert anonymous.get(url).status_code == 404, url
    assert _post(sx, f"/public/reports/{report_id}/publish", as_of="2026-01-15").status_code == 303
    page = anonymous.get(f"/public/reports/{report_id}")
    assert page.status_code == 200 and "绍兴市2023年温室气体清单报告" in page.text
    pub = _live_id(demo_settings, "report", str(report_id), "330600")
    assert _audit(demo_settings, str(pub)) == [("sx.city", "insert")]
