"""Access in one place (issue #12 item 4): the policy checks the STORED enterprise behind every
address — the reporter reaches only its own enterprise, a verifier only those assigned to it,
the offices those in their region; refused writes write nothing. And each page has its twin."""

from __future__ import annotations

import re
import sqlite3

import pytest
from fastapi.testclient import TestClient

from tanzhi.demo.model import DEMO_PASSWORD
from tanzhi.web import create_app

DYEING = "91330603MA2DM00015"   # 柯桥 330603, verifier "verifier"
CEMENT = "91330522MA2DM0002K"   # 长兴 330522, verifier "verifier"
PAPER = "91330481MA2DM00030"    # 海宁 330481, verifier "verifier.b"


@pytest.fixture(scope="module")
def app(world):
    return create_app(world)


def _as(app, username: str) -> TestClient:
    c = TestClient(app)
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                               "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


def _post(c: TestClient, url: str, **form: str):
    token = c.get("/api/v1/me").json()["csrf_token"]
    return c.post(url, data={"csrf_token": token, **form}, follow_redirects=False)


def _rows(world, sql: str) -> list[tuple]:
    db = sqlite3.connect(world.data_dir / "tanzhi.db")
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


def _report(world, code: str, status: str) -> int:
    return _rows(world, f"SELECT id FROM enterprise_report WHERE credit_code = '{code}' "
                        f"AND status = '{status}' ORDER BY id")[0][0]


def test_a_reporter_reaches_only_its_own_enterprise(app, world) -> None:
    c = _as(app, "ent.reporter")
    assert c.get(f"/enterprise/e/{DYEING}").status_code == 200
    assert c.get(f"/enterprise/e/{CEMENT}").status_code == 403
    assert c.get(f"/api/v1/enterprise/reports/{_report(world, CEMENT, 'approved')}"
                 ).status_code == 403
    assert c.get("/enterprise").status_code == 403  # the authority's list
    before = _rows(world, "SELECT count(*) FROM enterprise_report")
    r = _post(c, f"/enterprise/e/{CEMENT}/reports", year="2025", month="9", gwp="AR5")
    assert r.status_code == 403
    assert _rows(world, "SELECT count(*) FROM enterprise_report") == before


def test_a_verifier_touching_an_unassigned_enterprise_is_refused_and_nothing_written(
        app, world) -> None:
    c = _as(app, "verifier.b")  # assigned 海宁 and 黄岩, not 柯桥
    busy = _report(world, DYEING, "in_verification")
    before = _rows(world, "SELECT count(*) FROM enterprise_nonconformity")
    r = _post(c, f"/enterprise/reports/{busy}/nc", description="越权登记")
    assert r.status_code == 403 and "不在您的范围内" in r.text
    assert _rows(world, "SELECT count(*) FROM enterprise_nonconformity") == before
    nc = _rows(world, f"SELECT id FROM enterprise_nonconformity WHERE report_id = {busy}")[0][0]
    assert _post(c, f"/enterprise/nc/{nc}/close", note="x").status_code == 403
    assert _rows(world, f"SELECT status FROM enterprise_nonconformity WHERE id = {nc}") == [
        ("open",)]
    assert c.get(f"/enterprise/e/{DYEING}").status_code == 403
    assert c.get(f"/enterprise/e/{PAPER}").status_code == 200
    desk = c.get("/api/v1/enterprise/verify").json()
    assert {e["credit_code"] for e in desk["enterprises"]} == {PAPER, "91331003MA2DM0004U"}


def test_a_county_office_sees_its_county_only(app, world) -> None:
    c = _as(app, "kq.county")  # 柯桥区
    listed = {e["credit_code"] for e in c.get("/api/v1/enterprise").json()}
    assert listed == {DYEING}
    assert c.get(f"/enterprise/e/{CEMENT}").status_code == 403
    assert c.get(f"/enterprise/e/{DYEING}").status_code == 200
    # approving is the authority's, within its region
    verified = _report(world, CEMENT, "approved")
    assert _post(c, f"/enterprise/reports/{verified}/approve").status_code == 403


def test_a_month_twice_over_http_is_a_located_422_and_writes_nothing(app, world) -> None:
    c = _as(app, "ent.reporter")
    before = _rows(world, "SELECT count(*) FROM enterprise_report")
    r = _post(c, f"/enterprise/e/{DYEING}/reports", year="2025", month="1", gwp="AR5")
    assert r.status_code == 422
    assert "2025年1月已报告" in r.text and "<code>month</code>" in r.text
    assert _rows(world, "SELECT count(*) FROM enterprise_report") == before


def test_pages_name_their_twins_and_the_twins_answer(app, world) -> None:
    admin = _as(app, "zj.admin")
    report = _report(world, DYEING, "verified")
    for page, twin in ((f"/enterprise/e/{DYEING}", f"/api/v1/enterprise/e/{DYEING}"),
                       (f"/enterprise/reports/{report}",
                        f"/api/v1/enterprise/reports/{report}"),
                       ("/enterprise", "/api/v1/enterprise"),
                       ("/enterprise/new", "/api/v1/enterprise/reference")):
        html = admin.get(page)
        assert html.status_code == 200
        assert f'type="application/json" href="{twin}"' in html.text
        assert admin.get(twin).status_code == 200
    data = admin.get(f"/api/v1/enterprise/reports/{report}").json()
    assert data["status"] == "verified" and data["emissions"]["total_co2e_t"] > 0
    xlsx = admin.get(f"/enterprise/e/{DYEING}/export.xlsx")
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"
    desk = _as(app, "verifier").get("/enterprise/verify")
    assert 'href="/api/v1/enterprise/verify"' in desk.text


def test_the_role_homes_show_the_work(app) -> None:
    home = _as(app, "ent.reporter").get("/").text
    assert f'href="/enterprise/e/{DYEING}"' in home and "已核查" in home
    assert 'href="/enterprise/verify"' in _as(app, "verifier").get("/").text
