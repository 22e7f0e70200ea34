"""kill -9 (issue #8, deliverable 7): `tanzhi serve` killed while it writes and runs an import
job; after a restart the audit chain verifies, the job is marked failed, every acknowledged
write is there, and nothing of the job or of an unacknowledged write is half there.

Loopback only; one run, bounded (each wait has a deadline).
"""

from __future__ import annotations

import os
import re
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tanzhi.config import Settings
from tanzhi.kernel import make_engine, make_session_factory, read_transaction, verify_chain

from .conftest import PASSWORD
from .test_load import town

TANZHI = Path(sys.executable).parent / "tanzhi"
HEADER = "region_code,year,category,item,value,unit,uncertainty_pct\n"
FUELS = ("原煤", "柴油", "汽油", "燃料油", "液化石油气", "焦炭", "煤油", "洗精煤", "其他洗煤")
CATEGORIES = ("1.A.1.a.i", "1.A.2", "1.A.4.a", "1.A.4.b")


def activity_file(years: range) -> bytes:
    """A valid activity file for 柯桥区: years × fuels × categories rows."""
    rows = [f"330603,{y},{c},{f},{1 + (y % 7) / 10},万吨,5"
            for y in years for f in FUELS for c in CATEGORIES]
    return (HEADER + "\n".join(rows) + "\n").encode()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(settings: Settings, port: int) -> subprocess.Popen:
    env = {**os.environ, "TANZHI_DATA_DIR": str(settings.data_dir),
           "TANZHI_SECRET_KEY": "test-secret"}
    env.pop("TANZHI_DATABASE_URL", None)
    proc = subprocess.Popen([str(TANZHI), "serve", "--host", "127.0.0.1", "--port", str(port)],
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"tanzhi serve exited: {proc.stderr.read().decode()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=2).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    proc.kill()
    raise RuntimeError("tanzhi serve did not answer within 120 s")


@pytest.fixture
def servers() -> Iterator[list[subprocess.Popen]]:
    started: list[subprocess.Popen] = []
    yield started
    for proc in started:
        if proc.poll() is None:
            proc.kill()
        proc.wait(30)


def _client(base: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base, timeout=30)
    token = client.get("/api/v1/me").json()["csrf_token"]
    r = client.post("/api/v1/login", json={"username": username, "password": PASSWORD},
                    headers={"X-CSRF-Token": token})
    assert r.status_code == 200, r.text
    client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return client


def test_kill_9_mid_write_and_mid_job(app_settings: Settings, servers) -> None:
    settings = app_settings  # schema, regions and the users (tests/web/conftest.py)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    servers.append(_serve(settings, port))
    client = _client(base, "keqiao")

    # Writes keep coming from a second client until the kill; record what was acknowledged.
    acknowledged: list[str] = []
    stop = threading.Event()

    def writer() -> None:
        c = _client(base, "keqiao")
        n = 1
        while not stop.is_set() and n < 400:
            body = town("330603", n)
            try:
                r = c.post("/api/v1/regions/330603/children", json=body)
            except httpx.HTTPError:
                break  # the server is gone
            if r.status_code == 201:
                acknowledged.append(body["code"])
            n += 1

    thread = threading.Thread(target=writer)
    thread.start()
    deadline = time.monotonic() + 60
    while len(acknowledged) < 3 and time.monotonic() < deadline:
        time.sleep(0.05)
    r = client.post("/inventory/upload", files={"file": ("keqiao.csv", activity_file(
        range(1990, 2026)), "text/csv")}, follow_redirects=False,
        data={"csrf_token": client.headers["X-CSRF-Token"]})
    assert r.status_code == 303, r.text
    job_id = int(re.fullmatch(r"/jobs/(\d+)\?follow=1", r.headers["location"]).group(1))
    deadline = time.monotonic() + 60
    status = ""
    while time.monotonic() < deadline:
        status = client.get(f"/api/v1/jobs/{job_id}").json()["status"]
        if status == "running":
            break
        time.sleep(0.05)
    assert status == "running"
    time.sleep(0.5)  # let the job get into its work and the writer into further writes
    servers[0].kill()  # SIGKILL: no shutdown handler, no rollback by the process itself
    servers[0].wait(30)
    stop.set()
    thread.join(60)
    assert acknowledged, "no write was acknowledged before the kill"

    servers.append(_serve(settings, port))  # the restart marks the orphaned job failed
    client = _client(base, "keqiao")
    job = client.get(f"/api/v1/jobs/{job_id}").json()
    assert job["status"] == "failed" and "restart" in job["error"]["en"], job
    assert "重启" in job["error"]["zh"]

    db = sqlite3.connect(settings.data_dir / "tanzhi.db")
    try:
        assert db.execute("SELECT count(*) FROM inventory_activity_set").fetchone()[0] == 0
        assert db.execute("SELECT count(*) FROM inventory_activity_row").fetchone()[0] == 0
        towns = {c for (c,) in db.execute(
            "SELECT code FROM kernel_region WHERE parent_code = '330603' AND level = 'town'")}
        audited = {k for (k,) in db.execute(
            "SELECT entity_key FROM kernel_audit_entry WHERE entity = 'kernel_region' "
            "AND action = 'insert' AND entity_key LIKE '330603%000'")}
    finally:
        db.close()
    assert set(acknowledged) <= towns       # every 201 survived the kill
    assert towns == audited                 # no row without its audit entry, nor the reverse
    engine = make_engine(settings)
    try:
        with read_transaction(make_session_factory(engine)) as s:
            assert verify_chain(s) == []
    finally:
        engine.dispose()
