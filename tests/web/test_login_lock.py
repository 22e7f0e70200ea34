"""A login's slow password hash runs outside the write transaction (issue #8 follow-up).

argon2 takes ~0.1–1 s by design; checked inside the request's write transaction it held the
SQLite write lock that long, so every other writer queued behind each login.
"""

from __future__ import annotations

import argon2
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from tanzhi.config import Settings
from tanzhi.kernel import unit_of_work
from tanzhi.web import create_app

from .conftest import PASSWORD, csrf_of, prepare_database


@pytest.mark.parametrize("route", ["/login", "/api/v1/login"])
def test_a_writer_gets_through_while_a_login_hashes(
        settings: Settings, monkeypatch: pytest.MonkeyPatch, route: str) -> None:
    prepare_database(settings)
    app = create_app(settings)
    outcomes: list[str] = []
    real_verify = argon2.PasswordHasher.verify

    def verify_while_another_writes(self, hash_, password):  # noqa: ANN001, ANN202
        try:
            with unit_of_work(app.state.session_factory, actor="other", lock_wait_s=0.5) as s:
                s.execute(text("SELECT 1"))  # BEGIN IMMEDIATE: needs the write lock
            outcomes.append("wrote")
        except Exception as exc:  # noqa: BLE001 — the assertion below names it
            outcomes.append(type(exc).__name__)
        return real_verify(self, hash_, password)

    monkeypatch.setattr(argon2.PasswordHasher, "verify", verify_while_another_writes)
    with TestClient(app) as c:
        token = (csrf_of(c.get("/login").text) if route == "/login"
                 else c.get("/api/v1/me").json()["csrf_token"])
        # The wrong password first: a good login rotates the session and its CSRF token.
        bad = c.post(route, **({"data": {"username": "keqiao", "password": "wrong-guess",
                                         "csrf_token": token, "next": "/"}}
                               if route == "/login" else
                               {"json": {"username": "keqiao", "password": "wrong-guess"},
                                "headers": {"X-CSRF-Token": token}}))
        # The form answers 401; the API maps LoginFailed (a PermissionDenied) to 403.
        assert bad.status_code == (401 if route == "/login" else 403)
        assert "用户名或密码错误" in bad.text
        if route == "/login":
            r = c.post("/login", data={"username": "keqiao", "password": PASSWORD,
                                       "csrf_token": token, "next": "/"},
                       follow_redirects=False)
            assert r.status_code == 303
        else:
            r = c.post(route, json={"username": "keqiao", "password": PASSWORD},
                       headers={"X-CSRF-Token": token})
            assert r.status_code == 200 and r.json()["username"] == "keqiao"
    assert outcomes == ["wrote", "wrote"]
