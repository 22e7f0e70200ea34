"""Job pages and API (issue #8, deliverable 7): progress bar by htmx, the JSON twin, cancel, and
visibility limited to the submitter and province admins over the job's region."""

from __future__ import annotations

import threading

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from tanzhi.config import Settings
from tanzhi.kernel import JobContext, unit_of_work
from tanzhi.web import create_app

from .conftest import PASSWORD, csrf_of


@pytest.fixture
def app(app_settings: Settings):
    app = create_app(app_settings)
    with TestClient(app):  # runs the lifespan: job recovery at start, shutdown at the end
        yield app


def _client(app, username: str) -> TestClient:
    c = TestClient(app)
    token = csrf_of(c.get("/login").text)
    r = c.post("/login", data={"username": username, "password": PASSWORD,
                               "csrf_token": token, "next": "/"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return c


def _submit(app, fn, *, submitter: str = "keqiao", region: str = "330603") -> int:
    with unit_of_work(app.state.session_factory, actor=submitter) as s:
        return app.state.jobs.submit(s, fn, kind="test", title="测试任务 / test job",
                                     submitter=submitter, region_code=region)


def _done(ctx: JobContext) -> None:
    ctx.progress(1, 1, "完成 / done")
    ctx.result_url = "/regions/330603"


def test_job_json_and_page_for_the_submitter(app) -> None:
    job_id = _submit(app, _done)
    assert app.state.jobs.wait(job_id, 30)
    c = _client(app, "keqiao")
    body = c.get(f"/api/v1/jobs/{job_id}").json()
    assert body["status"] == "succeeded" and body["finished"] and body["percent"] == 100
    assert body["result_url"] == "/regions/330603" and body["error"] is None
    page = c.get(f"/jobs/{job_id}")
    assert page.status_code == 200 and 'id="job-bar"' in page.text
    assert 'id="job-result"' in page.text and f'href="/api/v1/jobs/{job_id}"' in page.text
    # With ?follow=1 the page asks once more and htmx is sent on to the result.
    assert f'hx-get="/jobs/{job_id}/progress?follow=1"' in c.get(f"/jobs/{job_id}?follow=1").text
    frag = c.get(f"/jobs/{job_id}/progress?follow=1", headers={"HX-Request": "true"})
    assert frag.headers["HX-Redirect"] == "/regions/330603" and "<html" not in frag.text
    assert "hx-get" not in c.get(f"/jobs/{job_id}/progress").text  # finished: polling stops


@pytest.mark.parametrize(("username", "status"), [
    ("keqiao", 200),     # the submitter
    ("province", 200),   # province admin, 330603 in scope
    ("shaoxing", 404),   # a city officer over 330603, but not an admin and not the submitter
    ("citizen1", 404),
])
def test_a_job_is_visible_to_its_submitter_and_admins_of_its_scope(app, username: str,
                                                                   status: int) -> None:
    job_id = _submit(app, _done)
    assert app.state.jobs.wait(job_id, 30)
    c = _client(app, username)
    assert c.get(f"/api/v1/jobs/{job_id}").status_code == status
    assert c.get(f"/jobs/{job_id}").status_code == status
    assert c.get(f"/jobs/{job_id}/progress").status_code == status


def test_anonymous_is_sent_to_login(app) -> None:
    job_id = _submit(app, _done)
    c = TestClient(app)
    assert c.get(f"/api/v1/jobs/{job_id}").status_code == 401
    assert c.get(f"/jobs/{job_id}", follow_redirects=False).status_code == 303


def test_cancel_from_the_api_and_the_page_needs_csrf(app) -> None:
    started, release = threading.Event(), threading.Event()

    def slow(ctx: JobContext) -> None:
        ctx.progress(0, 2, "等待 / waiting")
        started.set()
        release.wait(20)
        ctx.progress(1, 2, "cancel point")

    job_id = _submit(app, slow)
    assert started.wait(30)
    c = _client(app, "keqiao")
    running = c.get(f"/jobs/{job_id}")
    assert 'hx-trigger="every 1s"' in running.text and 'id="job-cancel"' in running.text
    assert c.post(f"/jobs/{job_id}/cancel").status_code == 403  # no CSRF token
    other = _client(app, "shaoxing")
    token = other.get("/api/v1/me").json()["csrf_token"]
    assert other.post(f"/api/v1/jobs/{job_id}/cancel",
                      headers={"X-CSRF-Token": token}).status_code == 404
    token = c.get("/api/v1/me").json()["csrf_token"]
    r = c.post(f"/api/v1/jobs/{job_id}/cancel", headers={"X-CSRF-Token": token})
    assert r.status_code == 202 and r.json()["cancel_requested"] is True
    release.set()
    assert app.state.jobs.wait(job_id, 30)
    body = c.get(f"/api/v1/jobs/{job_id}").json()
    assert body["status"] == "cancelled" and body["error"]["zh"] and body["error"]["en"]


def test_a_failed_commit_is_an_error_not_a_success(app) -> None:
    """Success only after commit: a commit that fails (here: the lock wait ran out) answers
    503 with Retry-After, and nothing is stored."""
    def busy(_session) -> None:  # noqa: ANN001
        raise OperationalError("COMMIT", {}, Exception("database is locked"))

    c = _client(app, "keqiao")
    token = c.get("/api/v1/me").json()["csrf_token"]
    event.listen(app.state.session_factory, "before_commit", busy)
    try:
        r = c.post("/api/v1/regions/330603/children", headers={"X-CSRF-Token": token},
                   json={"code": "330603101000", "name_zh": "测试镇", "name_en": "Test",
                         "level": "town"})
    finally:
        event.remove(app.state.session_factory, "before_commit", busy)
    assert r.status_code == 503 and r.headers["Retry-After"]
    assert "busy" in r.json()["detail"]
    assert c.get("/api/v1/regions/330603101000").status_code == 404
