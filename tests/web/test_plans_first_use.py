"""A fresh install without the demo: the first visit to /plans copies the packaged plans in a
write of its own and shows them, instead of failing its read-only transaction with a 500."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tanzhi.config import Settings
from tanzhi.web import create_app

from .conftest import PASSWORD, csrf_of


@pytest.mark.parametrize("path", ["/plans", "/api/v1/plans"])
def test_first_visit_to_plans_lists_the_packaged_plans(app_settings: Settings, path: str) -> None:
    with TestClient(create_app(app_settings)) as c:
        token = csrf_of(c.get("/login").text)
        c.post("/login", data={"username": "province", "password": PASSWORD,
                               "csrf_token": token, "next": "/"}, follow_redirects=False)
        r = c.get(path)
        assert r.status_code == 200
        assert len(r.history) == 1 and r.history[0].status_code == 307
        assert "zj-fyp14-climate" in r.text
        again = c.get(path)  # copied once; later visits read directly
        assert again.status_code == 200 and not again.history
