"""Web fixtures: a seeded SQLite database, the app on it, and a logged-in test client."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tanzhi.access import Role, create_user
from tanzhi.config import Settings
from tanzhi.demo.model import DEMO_PASSWORD
from tanzhi.kernel import make_engine, make_session_factory, seed_regions, unit_of_work
from tanzhi.migrate import upgrade
from tanzhi.web import create_app

PASSWORD = "correct horse battery"
USERS = {
    "province": (Role.PROVINCE_ADMIN, "330000", "省气候办"),
    "shaoxing": (Role.CITY_OFFICER, "330600", "绍兴市生态环境局"),
    "keqiao": (Role.COUNTY_OFFICER, "330603", "柯桥区"),
    "citizen1": (Role.CITIZEN, None, "市民"),
}


def prepare_database(settings: Settings) -> None:
    """Schema, packaged regions and one user per role the tests use."""
    upgrade(settings)
    engine = make_engine(settings)
    with unit_of_work(make_session_factory(engine), actor="test") as s:
        seed_regions(s)
        for username, (role, region, name) in USERS.items():
            create_user(s, username=username, password=PASSWORD, role=role, display_name=name,
                        region_code=region)
    engine.dispose()


@pytest.fixture(scope="session")
def web_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Data directory prepared by `prepare_database` once per run (per xdist worker): creating
    the schema and the users per test cost more than the tests themselves (issue #10 item 6).
    Never write here."""
    data_dir = tmp_path_factory.mktemp("web-template") / "data"
    prepare_database(Settings(data_dir=data_dir, secret_key="test-secret"))
    return data_dir


@pytest.fixture
def app_settings(web_template: Path, tmp_path: Path) -> Settings:
    """A private copy of the prepared database (schema, regions, one user per role)."""
    shutil.copytree(web_template, tmp_path / "data")
    return Settings(data_dir=tmp_path / "data", secret_key="test-secret")


@pytest.fixture
def client(app_settings: Settings) -> Iterator[TestClient]:
    with TestClient(create_app(app_settings)) as c:
        yield c


def csrf_of(html: str) -> str:
    """The CSRF token in a page's form."""
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "page has no CSRF field"
    return found.group(1)


@pytest.fixture
def login(client: TestClient) -> Callable[[str], TestClient]:
    def _login(username: str) -> TestClient:
        token = csrf_of(client.get("/login").text)
        r = client.post("/login", data={"username": username, "password": PASSWORD,
                                        "csrf_token": token, "next": "/"},
                        follow_redirects=False)
        assert r.status_code == 303, r.text
        return client

    return _login


# The year the policy and fuzz tests ask for (`PLAIN_VALUES["year"]` in test_policy.py).
ONE_YEAR = 2022


def keep_one_year_of_the_demo_run(settings: Settings) -> None:
    """Cut the demo run's stored results to `ONE_YEAR` (and name only that year in the run).

    For the route × role matrix and the fuzzer what matters is who may ask, not how many rows
    come back: the province's whole-tree CSV download alone took 157 s of the policy test's 451 s
    with eleven years (issue #10 item 6). Every route still reads a run with results, for real.
    Raw SQL, not the app: these modules verify no audit chain.
    """
    db = sqlite3.connect(settings.data_dir / "tanzhi.db")
    with db:
        for table in ("inventory_result", "inventory_uncertainty", "inventory_residual"):
            db.execute(f"DELETE FROM {table} WHERE year <> ?", (ONE_YEAR,))
        db.execute("UPDATE inventory_run SET years = ? WHERE years LIKE ?",
                   (str(ONE_YEAR), f"%{ONE_YEAR}%"))
    db.close()


def demo_login(app: FastAPI, username: str | None) -> TestClient:
    """A client of `app` logged in as a demo user (None: an anonymous visitor), CSRF header
    set, through the JSON login a script uses."""
    client = TestClient(app)
    token = client.get("/api/v1/me").json()["csrf_token"]
    if username is not None:
        r = client.post("/api/v1/login", json={"username": username, "password": DEMO_PASSWORD},
                        headers={"X-CSRF-Token": token})
        assert r.status_code == 200, r.text
        token = r.json()["csrf_token"]
    client.headers["X-CSRF-Token"] = token
    return client
