"""Decomposition pages and JSON twins: roles, scope, run → save → adopt → download."""

from __future__ import annotations

import io
import re

import openpyxl
import pytest
from fastapi.testclient import TestClient

from tanzhi.access import Role, create_user
from tanzhi.kernel import unit_of_work
from tanzhi.web import create_app
from tests.plan.test_decompose_service import _build

PASSWORD = "decompose-test-pw"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory, migrated_copy):
    settings = migrated_copy(tmp_path_factory.mktemp("decweb") / "data")
    engine, factory = _build(settings)
    with unit_of_work(factory, actor="test") as s:
        for name, role, region in (("sx.test", Role.CITY_OFFICER, "330600"),
                                   ("hz.test", Role.CITY_OFFICER, "330100"),
                                   ("kq.test", Role.COUNTY_OFFICER, "330603")):
            create_user(s, username=name, password=PASSWORD, role=role, display_name=name,
                        region_code=region)
    yield create_app(settings)
    engine.dispose()


def _login(app, username: str, next_url: str = "/decompose") -> tuple[TestClient, str]:
    client = TestClient(app)
    page = client.get("/login").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = client.post("/login", data={"username": username, "password": PASSWORD,
                                    "csrf_token": token, "next": next_url})
    assert r.status_code == 200, r.text[:500]
    token = re.search(r'name="csrf_token" value="([^"]+)"', r.text).group(1)
    return client, token


def test_city_officer_runs_saves_adopts_and_downloads(app) -> None:
    client, token = _login(app, "sx.test")
    page = client.get("/decompose")
    assert page.status_code == 200 and "sx-fyp14-climate" in page.text
    form = {"csrf_token": token, "plan_id": "sx-fyp14-climate",
            "indicator_id": "co2_intensity_reduction", "method": "weighted",
            "w_equity": "0.3", "w_capacity": "0.2", "w_potential_intensity": "0.3",
            "w_potential_coal": "0.1", "w_structure": "0.1", "alpha": "1"}
    run = client.post("/decompose/run", data=form)
    assert run.status_code == 200 and "check-ok" in run.text and "越城区" in run.text
    saved = client.post("/decompose/rounds", data=form, follow_redirects=False)
    assert saved.status_code == 303
    url = saved.headers["location"]
    rid = int(url.rsplit("/", 1)[1])
    assert client.post(f"{url}/adopt", data={"csrf_token": token}).status_code == 200
    data = client.get(f"/api/v1/decompose/rounds/{rid}").json()
    assert data["adopted"] and data["aggregate"]["meets"] and len(data["children"]) == 6
    assert data["weights"]["equity"] == pytest.approx(0.3)
    xlsx = client.get(f"/api/v1/decompose/rounds/{rid}/workbook.xlsx")
    assert xlsx.status_code == 200
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content))["分解表"]["A1"].value.startswith(
        "各县（市、区）")
    adopted = client.get("/api/v1/decompose/adopted/sx-fyp14-climate").json()
    assert {row["round_id"] for row in adopted} == {rid}
    compare = client.get(f"/decompose/compare?ids={rid}&ids={rid}")
    assert compare.status_code == 200


def test_scope_and_roles_are_enforced(app) -> None:
    client, token = _login(app, "hz.test")
    r = client.post("/api/v1/decompose/run", headers={"X-CSRF-Token": token}, json={
        "plan_id": "sx-fyp14-climate", "indicator_id": "energy_intensity", "method": "equal"})
    assert r.status_code == 403
    county, token = _login(app, "kq.test", "/")
    assert county.get("/api/v1/decompose/options").status_code == 403


def test_api_run_reports_infeasible_bounds(app) -> None:
    client, token = _login(app, "sx.test")
    r = client.post("/api/v1/decompose/run", headers={"X-CSRF-Token": token}, json={
        "plan_id": "sx-fyp14-climate", "indicator_id": "energy_intensity", "method": "equal",
        "caps": {"330602": 1, "330603": 1, "330604": 1, "330624": 1, "330681": 1,
                 "330683": 1}})
    assert r.status_code == 422
    assert "infeasible" in r.text
