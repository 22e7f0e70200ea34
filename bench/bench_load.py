"""Load benchmark: 50 users over the six pages of issue #11 item 10, on PostgreSQL, loopback only.

What it does, bounded in every dimension:

1. creates a database of its own on the PostgreSQL server (``--pg``, default
   ``postgresql+psycopg://postgres@127.0.0.1:5432/test``: the ``test`` database is only used to
   issue ``CREATE DATABASE bench_load_<pid>``), builds the whole demo into it (``build_demo``),
   unless ``--keep`` names one already built;
2. serves the app with uvicorn on 127.0.0.1 (one worker, like ``tanzhi serve``), wrapped in a
   timing layer that records each request's **server time** (from the request reaching the app
   to the last byte of its answer);
3. runs ``--users`` simulated users (default 50) for ``--seconds`` (default 60): each logs in as
   one of the demo's region roles, then loops over the six pages (``/``, ``/inventory``,
   ``/inventory/runs/N``, ``/plans``, a plan page, an indicator page) in random order with a think
   time drawn uniformly from ``--think`` seconds (default 1–3 s, locust's ``between(1, 3)``);
   before the clock starts each user has visited each page once (steady state; ``--cold`` to
   time a freshly started server instead);
4. prints per page and overall: requests, p50/p95/max server time, p95 client time, errors;
   then drops the database (unless ``--keep``).

The driver is asyncio + httpx (already a dev dependency) rather than locust: one process, the
same shape of load (users, think time, duration), no new dependency in uv.lock.

    uv run python bench/bench_load.py [--users 50] [--seconds 60] [--think 1 3]
        [--pg URL] [--keep NAME]

Goal (issue #11 item 10): p95 server time ≤ 150 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import re
import socket
import statistics
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import sqlalchemy as sa
import uvicorn

from tanzhi.config import Settings
from tanzhi.demo import service as demo_service
from tanzhi.demo.model import DEMO_PASSWORD
from tanzhi.web import create_app, warm_templates, warm_up

# Region roles of the demo whose home is the map and who may open every page timed here.
USERS = ("zj.admin", "hz.city", "sx.city", "kq.county")
PAGE_KINDS = ("home", "inventory", "run", "plans", "plan", "indicator")


class ServerTimer:
    """ASGI wrapper: server time per request (app entry → last body chunk sent)."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.times: list[tuple[str, float, int]] = []
        self.recording = False

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = [0]

        async def timed_send(message: Any) -> None:
            if message["type"] == "http.response.start":
                status[0] = message["status"]
            await send(message)
            if message["type"] == "http.response.body" and not message.get("more_body"):
                if self.recording:
                    kind = scope.get("headers") and dict(scope["headers"]).get(b"x-bench-page")
                    self.times.append(((kind or b"other").decode(),
                                       time.perf_counter() - started, status[0]))

        await self.app(scope, receive, timed_send)


def _admin_url(pg: str, name: str) -> tuple[sa.Engine, str]:
    url = sa.make_url(pg)
    return sa.create_engine(url, isolation_level="AUTOCOMMIT"), str(
        url.set(database=name).render_as_string(hide_password=False))


def serve(app: Any) -> tuple[uvicorn.Server, threading.Thread, str]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    # Keep-alive longer than the longest wait between a user's requests (uvicorn's 5 s default
    # closes idle connections while users wait for the clock, and a request racing the close
    # fails with a read error on the client).
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="error",
                                           lifespan="on", timeout_keep_alive=600))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    return server, thread, f"http://127.0.0.1:{port}"


async def login(client: httpx.AsyncClient, username: str) -> None:
    page = (await client.get("/login")).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert token, "login page has no CSRF field"
    r = await client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                          "csrf_token": token.group(1), "next": "/"})
    assert r.status_code == 303, (username, r.status_code, r.text[:200])


async def pages_for(client: httpx.AsyncClient) -> dict[str, str]:
    """The six URLs for this user, found from the pages and JSON twins (no ids hard-coded)."""
    runs = (await client.get("/inventory/runs")).text
    run_id = max(int(x) for x in re.findall(r"/inventory/runs/(\d+)", runs))
    plans = (await client.get("/api/v1/plans")).json()
    items = plans if isinstance(plans, list) else plans.get("plans", plans.get("items", []))
    plan_id = items[0]["plan_id"]
    detail = (await client.get(f"/api/v1/plans/{plan_id}")).text
    ind = re.search(r'"indicator_id":\s*"([^"]+)"', detail)
    assert ind, "plan twin names no indicator"
    return {"home": "/", "inventory": "/inventory", "run": f"/inventory/runs/{run_id}",
            "plans": "/plans", "plan": f"/plans/{plan_id}",
            "indicator": f"/plans/{plan_id}/indicators/{ind.group(1)}"}


def _pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


async def drive(base: str, timer: ServerTimer, users: int, seconds: float,
                think: tuple[float, float], *, warm: bool,
                ) -> tuple[dict[str, list[float]], dict[str, int]]:
    """Log every user in and find its URLs (not timed), then run them all for `seconds`."""
    client_times: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, int] = defaultdict(int)
    started = asyncio.Event()
    logged_in = [0]
    stop: dict[str, float] = {}

    # Logins four at a time: 50 at once exhaust the engine's pool (5 + 10 overflow, 30 s
    # timeout) while each login hashes its password, and the app answers 500 (see
    # docs/performance.md); the bench measures pages, not a login storm.
    gate = asyncio.Semaphore(4)

    async def one(i: int) -> None:
        async with httpx.AsyncClient(base_url=base, timeout=120) as client:
            async with gate:
                await login(client, USERS[i % len(USERS)])
                urls = await pages_for(client)
                if warm:  # one visit per page before the clock starts (not recorded)
                    for url in urls.values():
                        await client.get(url)
            logged_in[0] += 1
            await started.wait()
            rng = random.Random(1000 + i)
            await asyncio.sleep(rng.uniform(0, think[1]))  # spread the first requests
            while time.perf_counter() < stop["at"]:
                kind = rng.choice(PAGE_KINDS)
                t = time.perf_counter()
                try:
                    resp = await client.get(urls[kind], headers={"X-Bench-Page": kind})
                    failed = resp.status_code != 200
                except httpx.TransportError:
                    failed = True  # counted, not hidden: the "non-200" column
                client_times[kind].append(time.perf_counter() - t)
                if failed:
                    errors[kind] += 1
                await asyncio.sleep(rng.uniform(*think))

    jobs = [asyncio.create_task(one(i)) for i in range(users)]
    while logged_in[0] < users:
        await asyncio.sleep(0.1)
        for j in jobs:
            if j.done() and j.exception():
                raise j.exception()  # type: ignore[misc]
    timer.recording = True
    stop["at"] = time.perf_counter() + seconds
    started.set()
    await asyncio.gather(*jobs)
    timer.recording = False
    return client_times, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--think", type=float, nargs=2, default=(1.0, 3.0))
    parser.add_argument("--pg", default="postgresql+psycopg://postgres@127.0.0.1:5432/test")
    parser.add_argument("--keep", default=None,
                        help="name of a bench_ database to reuse and keep (built if missing)")
    parser.add_argument("--data", default="/tmp/tanzhi-bench-load")
    parser.add_argument("--cold", action="store_true",
                        help="skip the warm-up visit: the timed load starts on a cold server")
    args = parser.parse_args()
    name = args.keep or f"bench_load_{os.getpid()}"
    assert name.startswith("bench_"), "the bench only touches databases named bench_*"
    admin, url = _admin_url(args.pg, name)
    with admin.connect() as c:
        exists = c.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                           {"n": name}).first()
        if not exists:
            c.execute(sa.text(f'CREATE DATABASE "{name}"'))
    settings = Settings(data_dir=args.data, database_url=url, secret_key="bench-secret",
                        login_attempts_per_minute=10_000)
    try:
        if not exists:
            t = time.perf_counter()
            demo_service.build_demo(settings)
            print(f"demo built in {name}: {time.perf_counter() - t:.0f} s")
        warm_up()  # as `tanzhi serve` does before it listens
        app = create_app(settings, precompute_views=True)  # as `tanzhi serve`
        warm_templates(app)
        timer = ServerTimer(app)
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        server, thread, base = serve(timer)
        t = time.perf_counter()
        app.state.precomputer.wait_idle(900)  # the start-up pass `tanzhi serve` runs
        print(f"start-up precompute pass: {time.perf_counter() - t:.1f} s "
              f"({len(list((Path(args.data) / 'derived').glob('*/*.bin')))} stored views)")
        try:
            client_times, errors = asyncio.run(
                drive(base, timer, args.users, args.seconds, tuple(args.think),
                      warm=not args.cold))
        finally:
            server.should_exit = True
            thread.join(timeout=30)
        report(timer, client_times, errors, args)
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    finally:
        if not args.keep:
            admin.dispose()
            with admin.connect() as c:
                c.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            print(f"dropped {name}")


def report(timer: ServerTimer, client_times: dict[str, list[float]], errors: dict[str, int],
           args: argparse.Namespace) -> None:
    server: dict[str, list[float]] = defaultdict(list)
    statuses: dict[str, int] = defaultdict(int)
    for kind, seconds, status in timer.times:
        server[kind].append(seconds)
        if status >= 500:
            statuses[kind] += 1
    total = [s for k in PAGE_KINDS for s in server[k]]
    print(f"{args.users} users, {args.seconds:.0f} s, think {args.think[0]}–{args.think[1]} s, "
          f"uvicorn on 127.0.0.1 over PostgreSQL; {len(total)} page requests "
          f"({len(total) / args.seconds:.1f}/s); server time in ms")
    print(f"  {'page':10s} {'n':>5s} {'p50':>7s} {'p95':>7s} {'max':>7s} {'client p95':>11s} "
          f"{'non-200':>8s}")
    for kind in PAGE_KINDS:
        s = server[kind]
        if not s:
            continue
        print(f"  {kind:10s} {len(s):5d} {1000 * statistics.median(s):7.0f} "
              f"{1000 * _pct(s, 0.95):7.0f} {1000 * max(s):7.0f} "
              f"{1000 * _pct(client_times[kind], 0.95):11.0f} {errors[kind]:8d}")
    if total:
        print(f"  {'all':10s} {len(total):5d} {1000 * statistics.median(total):7.0f} "
              f"{1000 * _pct(total, 0.95):7.0f} {1000 * max(total):7.0f} "
              f"{1000 * _pct([c for v in client_times.values() for c in v], 0.95):11.0f} "
              f"{sum(errors.values()):8d}   goal p95 ≤ 150 ms")


if __name__ == "__main__":
    main()
