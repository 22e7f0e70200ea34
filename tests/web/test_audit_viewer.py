"""The audit-log viewer (issue #11 item 9): filters by table, user and UTC day range, paging,
the chain's verification shown, and the CSV export of exactly the filtered view."""

from __future__ import annotations

import csv
import io
import re
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tanzhi.config import Settings
from tanzhi.web import create_app

from .conftest import PASSWORD, csrf_of


@pytest.fixture(scope="module")
def settings(web_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    target = tmp_path_factory.mktemp("audit-viewer") / "data"
    shutil.copytree(web_template, target)
    return Settings(data_dir=target, secret_key="test-secret")


@pytest.fixture(scope="module")
def app(settings: Settings):
    return create_app(settings)


def _client(app, username: str) -> TestClient:
    c = TestClient(app)
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"username": username, "password": PASSWORD,
                               "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


@pytest.fixture(scope="module")
def admin(app) -> TestClient:
    c = _client(app, "province")
    # Two known changes by the province admin: two new accounts.
    for name, region in (("audit.one", "330602"), ("audit.two", "330603")):
        token = csrf_of(c.get("/admin/users/new").text)
        r = c.post("/admin/users/new", data={
            "username": name, "display_name": name, "password": "long-enough-1",
            "role": "county_officer", "region_code": region, "csrf_token": token},
            follow_redirects=False)
        assert r.status_code == 303, r.text
    return c


def _csv(response) -> list[dict[str, str]]:
    assert response.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_filter_by_table_and_user_finds_exactly_the_known_changes(admin) -> None:
    body = admin.get("/api/v1/admin/audit",
                     params={"table": "access_user", "user": "province"}).json()
    assert body["total"] == 2
    assert [(e["action"], e["table"], e["actor"]) for e in body["entries"]] == [
        ("insert", "access_user", "province")] * 2
    assert [e["reason"] for e in body["entries"]] == ["web: create account"] * 2
    # Newest first: audit.two was created after audit.one.
    assert ['"audit.two"' in body["entries"][0]["after_json"],
            '"audit.one"' in body["entries"][1]["after_json"]] == [True, True]
    # The test users of the fixture were made by actor "test", not by the admin.
    everyone = admin.get("/api/v1/admin/audit", params={"table": "access_user"}).json()
    assert everyone["total"] == 2 + 4
    assert {e["actor"] for e in everyone["entries"]} == {"province", "test"}


def test_date_range_is_inclusive_utc_days(admin) -> None:
    today = datetime.now(UTC).date()
    day = timedelta(days=1)
    q = {"table": "access_user", "user": "province"}

    def total(**dates: object) -> int:
        return admin.get("/api/v1/admin/audit", params={**q, **{
            k: str(v) for k, v in dates.items()}}).json()["total"]

    assert total(since=today, until=today) == 2
    assert total(since=today + day) == 0
    assert total(until=today - day) == 0
    assert total(since=today - day, until=today + day) == 2


def test_pages_are_disjoint_and_newest_first(admin) -> None:
    first = admin.get("/api/v1/admin/audit").json()
    assert first["total"] > first["page_size"] == 50  # the regions seed wrote hundreds
    second = admin.get("/api/v1/admin/audit", params={"page": 2}).json()
    seqs = [e["seq"] for e in first["entries"] + second["entries"]]
    assert seqs == sorted(seqs, reverse=True) and len(set(seqs)) == 100
    assert seqs[0] == first["total"]  # the chain has no gap: the newest seq is the count
    html = admin.get("/admin/audit", params={"page": 2}).text
    assert f"第 2 页，共 {-(-first['total'] // 50)} 页" in html


def test_csv_holds_exactly_the_filtered_view(admin) -> None:
    q = {"table": "access_user"}
    body = admin.get("/api/v1/admin/audit", params=q).json()
    rows = _csv(admin.get("/admin/audit/export.csv", params=q))
    assert [int(r["seq"]) for r in rows] == [e["seq"] for e in body["entries"]]
    assert {r["table"] for r in rows} == {"access_user"}
    # Unfiltered: every entry, not one page.
    assert len(_csv(admin.get("/admin/audit/export.csv"))) == admin.get(
        "/api/v1/admin/audit").json()["total"]


def test_bad_dates_are_located_422s(admin) -> None:
    r = admin.get("/admin/audit", params={"since": "2026-13-01"})
    assert r.status_code == 422 and "2026-13-01" in r.text and "YYYY-MM-DD" in r.text
    r = admin.get("/api/v1/admin/audit", params={"since": "2026-12-05", "until": "2026-12-01"})
    assert r.status_code == 422 and "晚于" in r.text


def test_only_the_province_admin_reads_the_log(app) -> None:
    city = _client(app, "shaoxing")
    for url in ("/admin/audit", "/api/v1/admin/audit", "/admin/audit/export.csv"):
        assert city.get(url).status_code == 403, url
    assert 'href="/admin/audit"' not in city.get("/account/password").text


def test_the_chain_state_is_shown_and_a_tampered_entry_named(admin, settings) -> None:
    html = admin.get("/admin/audit").text
    assert "哈希链校验通过" in html
    assert admin.get("/api/v1/admin/audit").json()["chain"] == {
        "ok": True, "findings": 0, "shown": []}
    db = sqlite3.connect(settings.data_dir / "tanzhi.db")
    with db:
        db.execute("UPDATE kernel_audit_entry SET actor = 'someone-else' WHERE seq = 3")
    db.close()
    chain = admin.get("/api/v1/admin/audit").json()["chain"]
    assert chain["ok"] is False and [f["seq"] for f in chain["shown"]] == [3]
    html = admin.get("/admin/audit").text
    assert "哈希链校验未通过" in html and re.search(r"#3: 记录内容与其密钥哈希不符", html)
