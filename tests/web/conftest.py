"""Web fixtures: a seeded SQLite database, the app on it, and a logged-in test client."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from tanzhi.access import Role, create_user
from tanzhi.config import Settings
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


@pytest.fixture
def app_settings(settings: Settings) -> Settings:
    prepare_database(settings)
    return settings


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
