"""A saturated connection pool answers 503 with Retry-After, never a 500 (issue #11 item 10:
50 simultaneous logins on PostgreSQL exhausted the pool and got 500s)."""

from __future__ import annotations

import asyncio
import json

from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.requests import Request

from tanzhi.web.errors import BUSY_RETRY_AFTER_S, busy_error_handler


def _request(path: str) -> Request:
    return Request({"type": "http", "method": "POST", "path": path, "headers": [],
                    "query_string": b""})


def test_pool_timeout_is_a_503_with_retry_after() -> None:
    exc = PoolTimeout("QueuePool limit of size 5 overflow 10 reached, connection timed out")
    response = asyncio.run(busy_error_handler(_request("/api/v1/login"), exc))
    assert response.status_code == 503
    assert response.headers["Retry-After"] == str(BUSY_RETRY_AFTER_S)
    body = json.loads(response.body)
    assert body["status"] == 503 and body["title_zh"] == "服务繁忙"
    assert "QueuePool" not in body["detail"]  # nothing of the internals reaches the client
