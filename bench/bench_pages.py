"""Benchmark: server time of the six pages issue #11 item 10 names, on the whole demo.

Pages: the home dashboard ``/``, the inventory overview ``/inventory``, the run page
``/inventory/runs/N``, the plan list ``/plans``, the province plan page ``/plans/{id}`` and an
indicator page ``/plans/{id}/indicators/{ind}``, each as the province administrator (zj.admin,
the widest scope, hence the most work per page).

``--data DIR`` must hold a built demo (``TANZHI_DATA_DIR=DIR uv run tanzhi demo``).  Each
``--rounds`` round starts a fresh app in this process (a new engine, so nothing of the previous
round's in-process state survives except what the code caches by input hash on purpose, which is
the point) and times the first request of each page (cold), then the best of ``--repeat`` more
(warm).  The figures printed are the median over rounds.  Goal (issue #11 item 10): warm ≤ 300 ms,
cold ≤ 1 s.

Run: ``uv run python bench/bench_pages.py --data DIR [--rounds 3] [--repeat 3]``; with
``--fresh-process`` each round runs in a new Python process, so module-level caches are empty too
(a server restart).  The stored precompute (``DIR/derived``, issue #11 item 10) is filled by one
precompute pass first (untimed in the rounds), as `tanzhi serve` runs at start and after each
write; ``--compare`` interleaves rounds
without it (store detached and removed, templates compiled on first use: the behaviour before)
and prints the cold ratio of the same run.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from fastapi.testclient import TestClient

from tanzhi.config import Settings
from tanzhi.demo.model import DEMO_PASSWORD
from tanzhi.kernel import detach_store
from tanzhi.web import create_app, precompute, warm_templates, warm_up

USER = "zj.admin"


def login(client: TestClient, username: str = USER) -> None:
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text)
    assert token, "login page has no CSRF field"
    r = client.post("/login", data={"username": username, "password": DEMO_PASSWORD,
                                    "csrf_token": token.group(1), "next": "/"},
                    follow_redirects=False)
    assert r.status_code == 303, r.text


def page_urls(client: TestClient) -> list[str]:
    """The six pages, with the newest run, the first plan and its first indicator found from
    the JSON twins (no ids hard-coded)."""
    runs = client.get("/inventory/runs").text
    found = re.findall(r"/inventory/runs/(\d+)", runs)
    run_id = max(int(x) for x in found)
    plans = client.get("/api/v1/plans").json()
    items = plans if isinstance(plans, list) else plans.get("plans", plans.get("items", []))
    plan_id = items[0]["plan_id"]
    detail = client.get(f"/api/v1/plans/{plan_id}").json()
    text = json.dumps(detail)
    ind = re.search(r'"indicator_id": "([^"]+)"', text)
    assert ind, "plan twin names no indicator"
    return ["/", "/inventory", f"/inventory/runs/{run_id}", "/plans", f"/plans/{plan_id}",
            f"/plans/{plan_id}/indicators/{ind.group(1)}"]


def fill_store(data: Path) -> float:
    """One precompute pass, as `tanzhi serve` runs at start and after each write; its seconds."""
    app = create_app(Settings(data_dir=data, secret_key="bench-secret"))
    t = time.perf_counter()
    precompute(app.state.session_factory, "zh_CN")
    app.state.engine.dispose()
    return time.perf_counter() - t


def one_round(data: Path, repeat: int, mode: str) -> dict[str, tuple[float, float, int]]:
    """`mode` "stored": as `tanzhi serve` now starts (templates compiled, the stored precompute
    in DIR/derived read); "none": as before issue #11's stored precompute (no store, templates
    compiled on first use) — DIR/derived is removed first."""
    warm_up()  # as `tanzhi serve` does before it listens
    if mode == "none":
        shutil.rmtree(data / "derived", ignore_errors=True)
    app = create_app(Settings(data_dir=data, secret_key="bench-secret"))
    if mode == "none":
        detach_store(app.state.engine)
    else:
        warm_templates(app)
    out: dict[str, tuple[float, float, int]] = {}
    with TestClient(app) as client:
        login(client)
        urls = page_urls(client)  # asks /inventory/runs and the plan twins first (untimed)
        for url in urls:
            t = time.perf_counter()
            r = client.get(url)
            cold = time.perf_counter() - t
            assert r.status_code == 200, (url, r.status_code, r.text[:300])
            warm = []
            for _ in range(repeat):
                t = time.perf_counter()
                client.get(url)
                warm.append(time.perf_counter() - t)
            out[url] = (cold, min(warm), len(r.content))
    return out


def child_round(args: argparse.Namespace, mode: str) -> dict[str, tuple[float, float, int]]:
    done = subprocess.run([sys.executable, __file__, "--data", str(args.data),
                           "--repeat", str(args.repeat), "--json", mode],
                          check=True, capture_output=True, text=True)
    return {k: tuple(v) for k, v in json.loads(done.stdout).items()}


def report(title: str, rounds: list[dict[str, tuple[float, float, int]]]) -> dict[str, float]:
    print(title)
    colds = {}
    for url in rounds[0]:
        cold = statistics.median(r[url][0] for r in rounds)
        warm = statistics.median(r[url][1] for r in rounds)
        colds[url] = cold
        ok = "ok" if cold <= 1 and warm <= 0.3 else "OVER"
        print(f"  {url:58s} {rounds[0][url][2] / 1024:6.0f} kB  cold {cold:6.3f} s  "
              f"warm {warm:6.3f} s  {ok}")
    return colds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--fresh-process", action="store_true")
    parser.add_argument("--compare", action="store_true",
                        help="also time each round without the stored precompute (interleaved)")
    parser.add_argument("--json", choices=("stored", "none"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.json:  # one round in a child process
        print(json.dumps(one_round(args.data, args.repeat, args.json)))
        return
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    modes = ("none", "stored") if args.compare else ("stored",)
    rounds: dict[str, list] = {m: [] for m in modes}
    for i in range(args.rounds):
        for mode in modes:
            if mode == "stored" and i == 0:  # fills DIR/derived, or finds it filled
                print(f"precompute pass (as `tanzhi serve` at start and after each write): "
                      f"{fill_store(args.data):.1f} s")
            rounds[mode].append(child_round(args, mode) if args.fresh_process
                                else one_round(args.data, args.repeat, mode))
    kind = "new process" if args.fresh_process else "new app"
    result = {}
    for mode in modes:
        result[mode] = report(
            f"{mode}: server time per page as {USER} (TestClient, in process), median of "
            f"{args.rounds} rounds; cold = first request of a {kind}, warm = best of "
            f"{args.repeat}; goal cold ≤ 1 s, warm ≤ 0.3 s", rounds[mode])
    if args.compare:
        print("cold, stored precompute vs none (same run):")
        for url, cold in result["stored"].items():
            print(f"  {url:58s} {result['none'][url] / cold:5.1f}× faster")
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
