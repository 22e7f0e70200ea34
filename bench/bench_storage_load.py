"""Benchmark: SQLite under concurrent HTTP load, new transaction kinds vs the old configuration.

Serves the app with uvicorn on 127.0.0.1 (loopback only) over a fresh SQLite database and runs
C clients, each doing R rounds of 3 GETs and 1 audited POST (a town below a county), then prints
throughput, p50/p95 latency, the number of 5xx answers and of "database is locked" answers, and
the ratio to the configuration before issue #8 measured in the same run:

- **new**: GET/HEAD in a deferred read-only transaction, writes BEGIN IMMEDIATE, commit before
  the response, busy timeout 5 s (`Settings`), synchronous FULL;
- **old**: every request in a BEGIN IMMEDIATE write transaction (the old `get_db`, restored
  with a dependency override), busy timeout 30 s as before.

It also times one audited write transaction under synchronous=FULL and NORMAL, and runs K kill -9
rounds (`tanzhi serve` killed mid-writes, restarted, audit chain
verified and every acknowledged write found).

    uv run python bench/bench_storage_load.py [--clients 8 16] [--rounds 10] [--kills 3]
        [--commits 300]
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import uvicorn
from fastapi import Request
from sqlalchemy.orm import Session

from tanzhi.access import Role, create_user
from tanzhi.config import Settings
from tanzhi.http.deps import get_db
from tanzhi.kernel.audit import make_session_factory, verify_chain
from tanzhi.kernel.db import make_engine, read_transaction, unit_of_work
from tanzhi.kernel.regions import add_region, seed_regions
from tanzhi.migrate import upgrade
from tanzhi.web import create_app

PASSWORD = "correct horse battery"
COUNTIES = ("330602", "330603", "330604", "330624")


def old_get_db(request: Request) -> Iterator[Session]:
    """`get_db` before issue #8: one BEGIN IMMEDIATE transaction for every request."""
    with unit_of_work(request.app.state.session_factory, actor="anonymous") as session:
        yield session


def prepare(data_dir: Path, **overrides: object) -> Settings:
    settings = Settings(data_dir=data_dir, secret_key="bench-secret", **overrides)
    upgrade(settings)
    engine = make_engine(settings)
    with unit_of_work(make_session_factory(engine), actor="bench") as s:
        seed_regions(s)
        create_user(s, username="province", password=PASSWORD, role=Role.PROVINCE_ADMIN,
                    display_name="省", region_code="330000")
    engine.dispose()
    return settings


def serve(settings: Settings, *, old: bool) -> tuple[uvicorn.Server, threading.Thread, str]:
    app = create_app(settings)
    if old:
        app.dependency_overrides[get_db] = old_get_db
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="error",
                                           timeout_keep_alive=120))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    port = server.servers[0].sockets[0].getsockname()[1]
    return server, thread, f"http://127.0.0.1:{port}"


def client_for(base: str) -> httpx.Client:
    c = httpx.Client(base_url=base, timeout=60)
    token = c.get("/api/v1/me").json()["csrf_token"]
    r = c.post("/api/v1/login", json={"username": "province", "password": PASSWORD},
               headers={"X-CSRF-Token": token})
    r.raise_for_status()
    c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


def load(base: str, clients: int, rounds: int) -> dict[str, float]:
    sessions = [client_for(base) for _ in range(clients)]

    def run(i: int) -> list[tuple[float, int, bool]]:
        c, out = sessions[i], []
        county = COUNTIES[i % len(COUNTIES)]
        for k in range(rounds):
            for path in ("/api/v1/me", "/api/v1/regions/330600",
                         f"/api/v1/regions?parent={county}"):
                t0 = time.perf_counter()
                r = c.get(path)
                out.append((time.perf_counter() - t0, r.status_code, "locked" in r.text))
            n = 1 + (i // len(COUNTIES)) * rounds + k
            body = {"code": f"{county}{n:03d}000", "name_zh": f"镇{n}", "name_en": f"T{n}",
                    "level": "town"}
            t0 = time.perf_counter()
            r = c.post(f"/api/v1/regions/{county}/children", json=body)
            out.append((time.perf_counter() - t0, r.status_code, "locked" in r.text))
            if r.status_code >= 500:
                print(f"  {r.status_code} on POST: {r.text[:160]}")
        return out

    t0 = time.perf_counter()
    with ThreadPoolExecutor(clients) as pool:
        rows = [row for part in pool.map(run, range(clients)) for row in part]
    wall = time.perf_counter() - t0
    for c in sessions:
        c.close()
    latencies = sorted(r[0] for r in rows)
    return {"requests": len(rows), "wall_s": wall, "rps": len(rows) / wall,
            "p50_ms": 1000 * statistics.median(latencies),
            "p95_ms": 1000 * latencies[int(0.95 * (len(latencies) - 1))],
            "5xx": sum(1 for r in rows if r[1] >= 500),
            "locked": sum(1 for r in rows if r[2])}


def measure(tmp: Path, name: str, clients: int, rounds: int, *, old: bool) -> dict[str, float]:
    overrides = {"sqlite_busy_timeout_s": 30.0} if old else {}
    settings = prepare(tmp / f"{name}-{clients}", **overrides)
    server, thread, base = serve(settings, old=old)
    try:
        return load(base, clients, rounds)
    finally:
        server.should_exit = True
        thread.join(30)


def kill_round(tmp: Path, k: int) -> tuple[int, int, bool]:
    """One kill -9 run: (acknowledged writes, found after restart, chain intact)."""
    settings = prepare(tmp / f"kill-{k}")
    env = {**os.environ, "TANZHI_DATA_DIR": str(settings.data_dir),
           "TANZHI_SECRET_KEY": "bench-secret"}
    port = free_port()
    cmd = [str(Path(sys.executable).parent / "tanzhi"), "serve", "--port", str(port)]
    base = f"http://127.0.0.1:{port}"

    def start() -> subprocess.Popen:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        for _ in range(600):
            try:
                if httpx.get(base + "/api/v1/health", timeout=1).status_code == 200:
                    return proc
            except httpx.HTTPError:
                time.sleep(0.2)
        proc.kill()
        raise RuntimeError("server did not start")

    proc = start()
    acked: list[str] = []
    c = client_for(base)
    killer = threading.Timer(1.0 + 0.37 * k, lambda: os.kill(proc.pid, signal.SIGKILL))
    killer.start()
    for n in range(1, 999):
        code = f"330603{n:03d}000"
        try:
            r = c.post("/api/v1/regions/330603/children",
                       json={"code": code, "name_zh": "镇", "name_en": "T", "level": "town"})
        except httpx.HTTPError:
            break
        if r.status_code == 201:
            acked.append(code)
    proc.wait()
    proc = start()
    proc.terminate()
    proc.wait()
    db = sqlite3.connect(settings.data_dir / "tanzhi.db")
    found = {c for (c,) in db.execute("SELECT code FROM kernel_region WHERE parent_code='330603'"
                                      " AND level='town'")}
    db.close()
    engine = make_engine(settings)
    with read_transaction(make_session_factory(engine)) as s:
        intact = verify_chain(s) == []
    engine.dispose()
    return len(acked), len(set(acked) & found), intact


def commit_cost(tmp: Path, synchronous: str, commits: int) -> float:
    """Mean seconds per audited one-row write transaction under `synchronous`."""
    settings = prepare(tmp / f"sync-{synchronous}", sqlite_synchronous=synchronous)
    engine = make_engine(settings)
    factory = make_session_factory(engine)
    t0 = time.perf_counter()
    for n in range(1, commits + 1):
        with unit_of_work(factory, actor="bench") as s:
            add_region(s, code=f"330603{n:03d}000", name_zh="镇", name_en="T", level="town",
                       parent_code="330603")
    cost = (time.perf_counter() - t0) / commits
    engine.dispose()
    return cost


def free_port() -> int:
    """A free loopback port (closed again before the server binds it)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[8, 16])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--kills", type=int, default=3)
    parser.add_argument("--commits", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        print(f"{'config':<6} {'clients':>7} {'requests':>8} {'req/s':>7} {'p50 ms':>7} "
              f"{'p95 ms':>7} {'5xx':>4} {'locked':>6}")
        for clients in args.clients:
            results = {}
            for name, old in (("old", True), ("new", False)):
                r = results[name] = measure(tmp, name, clients, args.rounds, old=old)
                print(f"{name:<6} {clients:>7} {r['requests']:>8} {r['rps']:>7.1f} "
                      f"{r['p50_ms']:>7.0f} {r['p95_ms']:>7.0f} {r['5xx']:>4} "
                      f"{r['locked']:>6}")
            print(f"  ratio new/old at {clients} clients: throughput "
                  f"{results['new']['rps'] / results['old']['rps']:.2f}×, p95 "
                  f"{results['new']['p95_ms'] / results['old']['p95_ms']:.2f}×")
        full = commit_cost(tmp, "FULL", args.commits)
        normal = commit_cost(tmp, "NORMAL", args.commits)
        print(f"audited write, {args.commits} commits: synchronous=FULL {1000 * full:.1f} ms, "
              f"NORMAL {1000 * normal:.1f} ms per commit (FULL/NORMAL {full / normal:.2f}×)")
        for k in range(args.kills):
            acked, found, intact = kill_round(tmp, k)
            print(f"kill -9 run {k + 1}: {acked} writes acknowledged, {found} found after "
                  f"restart, audit chain {'intact' if intact else 'BROKEN'}")


if __name__ == "__main__":
    main()
