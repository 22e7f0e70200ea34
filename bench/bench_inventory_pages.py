"""Benchmark: server time of the inventory pages on the demo province (issue #9 item 7, #11).

Builds the demo statistics and the inventory's demo run (the whole Zhejiang tree, 2015–2025,
stored with its uncertainty intervals; the other domains' seeders are left out) into a data
directory kept between runs (``--data``; ``--rebuild`` to start over), then logs in as the
province administrator through FastAPI's TestClient and times each page: the first request
(cold: nothing of this run cached in the process) and the best of ``--repeat`` more.

Goal (issue #9 item 7): the run page ``/inventory/runs/{id}`` ≤ 1 s server time; issue #11
measured ``/inventory`` at 9.5 s and ``/inventory/runs/1`` up to 12.8 s cold.

Run: ``uv run python bench/bench_inventory_pages.py [--data DIR] [--repeat N]``.
"""

from __future__ import annotations

import argparse
import re
import time
from pathlib import Path

from fastapi.testclient import TestClient

from tanzhi.config import Settings
from tanzhi.demo import service as demo_service
from tanzhi.demo.model import DEMO_PASSWORD
from tanzhi.inventory import service as inventory_service
from tanzhi.web import create_app


def _build(data_dir: Path) -> float:
    settings = Settings(data_dir=data_dir, secret_key="bench-secret")
    original = demo_service.demo_steps
    demo_service.demo_steps = lambda: [("inventory", inventory_service.demo_seed)]
    try:
        t = time.perf_counter()
        demo_service.build_demo(settings)
        return time.perf_counter() - t
    finally:
        demo_service.demo_steps = original


def _login(client: TestClient, username: str) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token, "login page has no CSRF field"
    r = client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                    "csrf_token": token.group(1), "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text


def _time(client: TestClient, url: str) -> tuple[float, int, int]:
    t = time.perf_counter()
    r = client.get(url)
    return time.perf_counter() - t, r.status_code, len(r.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("/tmp/tanzhi-bench-pages/data"))
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if args.rebuild or not (args.data / "tanzhi.db").exists():
        print(f"building the demo inventory run in {args.data} … {_build(args.data):.1f} s")
    app = create_app(Settings(data_dir=args.data, secret_key="bench-secret"))
    with TestClient(app) as client:
        _login(client, "zj.admin")
        runs = client.get("/inventory/runs").text
        found = re.findall(r"/inventory/runs/(\d+)", runs)
        run_id = int(found[0]) if found else 1
        pages = [
            ("/inventory", "overview of the province"),
            (f"/inventory/runs/{run_id}", "run page, province"),
            (f"/inventory/runs/{run_id}?region=330100", "run page, Hangzhou"),
            (f"/inventory/runs/{run_id}/uncertainty?method=propagation",
             "uncertainty fragment, stored Approach 1"),
            (f"/inventory/runs/{run_id}/uncertainty?method=montecarlo",
             "uncertainty fragment, stored Monte Carlo"),
        ]
        print(f"run {run_id}; server time per page (TestClient, in process), "
              f"cold = first request, warm = best of {args.repeat}")
        for url, what in pages:
            cold, status, size = _time(client, url)
            warm = min(_time(client, url)[0] for _ in range(args.repeat))
            print(f"  {what:42s} {url:55s} {status}  {size / 1024:7.0f} kB  "
                  f"cold {cold:6.2f} s  warm {warm:6.2f} s  (goal ≤ 1 s)")


if __name__ == "__main__":
    main()
