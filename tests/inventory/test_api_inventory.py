"""/api/v1/inventory: compile and read as an officer, scope and role checks, uploads."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from tanzhi.access import Role, create_user
from tanzhi.config import Settings
from tanzhi.kernel import (
    make_engine,
    make_session_factory,
    seed_regions,
    unit_of_work,
    write_statistics,
)
from tanzhi.web import create_app
from tests.inventory.test_service_compile import stats


@pytest.fixture
def settings(migrated_settings: Settings) -> Settings:
    """Settings on a database already at the newest schema (migrated once per run and copied,
    issue #10 item 6)."""
    return migrated_settings


PASSWORD = "correct horse battery"
USERS = {"sxo": (Role.CITY_OFFICER, "330600"), "kqo": (Role.COUNTY_OFFICER, "330603"),
         "ana": (Role.ANALYST, "330000"), "czn": (Role.CITIZEN, None)}


@pytest.fixture
def client(settings: Settings) -> Iterator[TestClient]:
    engine = make_engine(settings)
    with unit_of_work(make_session_factory(engine), actor="test") as s:
        seed_regions(s)
        write_statistics(s, stats(), dataset="demo", synthetic=True)
        for name, (role, region) in USERS.items():
            create_user(s, username=name, password=PASSWORD, role=role, display_name=name,
                        region_code=region)
    engine.dispose()
    with TestClient(create_app(settings)) as c:
        yield c


def login(c: TestClient, username: str) -> str:
    token = re.search(r'name="csrf_token" value="([^"]+)"', c.get("/login").text).group(1)
    r = c.post("/login", data={"username": username, "password": PASSWORD,
                               "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303
    return re.search(r'"X-CSRF-Token": "([^"]+)"', c.get("/").text).group(1)


def test_officer_compiles_own_tree_and_reads_it(client: TestClient) -> None:
    token = login(client, "sxo")
    r = client.post("/api/v1/inventory/compile", json={"gwp": "AR5", "label": "绍兴"},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 201, r.text
    run = r.json()
    assert run["region_codes"][0] == "330600" and "330603" in run["region_codes"]
    rid = run["id"]
    assert client.get("/api/v1/inventory/runs").json()["runs"][0]["id"] == rid
    res = client.get(f"/api/v1/inventory/runs/{rid}/results",
                     params={"region": "330603", "year": 2021, "gas": "CO2"}).json()
    assert res["rows"] and {r["gas"] for r in res["rows"]} == {"CO2"}
    summary = client.get(f"/api/v1/inventory/runs/{rid}/summary",
                         params={"region": "330600", "by": "gas"}).json()
    assert {"year", "key", "co2e_t"} <= set(summary["rows"][0])
    flows = client.get(f"/api/v1/inventory/runs/{rid}/flows",
                       params={"region": "330600", "year": 2022}).json()["rows"]
    assert {f["fuel"] for f in flows} == {"natural_gas", "raw_coal"}
    regions = client.get(f"/api/v1/inventory/runs/{rid}/regions",
                         params={"parent": "330600", "year": 2022}).json()["rows"]
    assert {r["region_code"] for r in regions if r["co2e_t"] is not None} == {"330602", "330603"}
    resid = client.get(f"/api/v1/inventory/runs/{rid}/residuals").json()["rows"]
    assert resid and all(r["parent_code"] == "330600" for r in resid)
    for path, params in (("uncertainty", {"region": "330603", "year": 2021}),
                         ("key-categories", {"region": "330603", "year": 2022}),
                         ("findings", {"region": "330603"}),
                         ("reconciliation", {"region": "330603"})):
        assert client.get(f"/api/v1/inventory/runs/{rid}/{path}", params=params
                          ).status_code == 200, path
    co2 = client.get("/api/v1/inventory/energy-co2", params={"region": "330600"}).json()
    assert [r["year"] for r in co2["rows"]] == [2021, 2022]
    out_of_scope = client.get(f"/api/v1/inventory/runs/{rid}/results",
                              params={"region": "330100"})
    assert out_of_scope.status_code == 403


def test_roles_and_scope_for_writes(client: TestClient) -> None:
    token = login(client, "kqo")
    denied = client.post("/api/v1/inventory/compile", json={"region_codes": ["330600"]},
                         headers={"X-CSRF-Token": token})
    assert denied.status_code == 403
    own = client.post("/api/v1/inventory/compile", json={}, headers={"X-CSRF-Token": token})
    assert own.status_code == 201 and own.json()["region_codes"] == ["330603"]
    client.post("/logout", data={"csrf_token": token})
    token = login(client, "ana")
    assert client.post("/api/v1/inventory/compile", json={},
                       headers={"X-CSRF-Token": token}).status_code == 403
    assert client.get("/api/v1/inventory/runs").status_code == 200


def test_upload_refuses_a_bad_file_with_row_and_column(client: TestClient) -> None:
    token = login(client, "sxo")
    bad = "region_code,year,category,item,value,unit\n330603,2021,1.A.2,天然气,-3,亿立方米\n"
    r = client.post("/api/v1/inventory/activity", files={"file": ("a.csv", bad.encode())},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 422
    problems = r.json()["problems"]
    assert problems[0]["row"] == 2 and problems[0]["column"] == "value"
    good = "region_code,year,category,item,value,unit\n330603,2021,1.A.2,天然气,3,亿立方米\n"
    ok = client.post("/api/v1/inventory/activity", files={"file": ("a.csv", good.encode())},
                     data={"label": "柯桥 2021"}, headers={"X-CSRF-Token": token})
    assert ok.status_code == 201, ok.text
    set_id = ok.json()["set_id"]
    run = client.post("/api/v1/inventory/compile",
                      json={"source": f"upload:{set_id}", "region_codes": ["330603"]},
                      headers={"X-CSRF-Token": token})
    assert run.status_code == 201, run.text
    assert run.json()["source"] == f"upload:{set_id}"
    other = "region_code,year,category,item,value,unit\n330102,2021,1.A.2,天然气,3,亿立方米\n"
    assert client.post("/api/v1/inventory/activity", files={"file": ("b.csv", other.encode())},
                       headers={"X-CSRF-Token": token}).status_code == 403
