"""Every HTML page names its JSON twin, and the twin gives the page's numbers (issue #10 item 6).

The pages are enumerated from the app's router (every GET route outside `/api/v1` that answers
a whole HTML document), not from a hand-kept list, so a new page without a
`<link rel="alternate" type="application/json">` fails here by name unless it is on
`NO_TWIN` with the reason.  Each page is asked on a copy of the demo as the province
administrator, with the parameters naming stored demo objects.

"The same numbers": every number the page shows in a table cell is one the twin carries, at
the precision shown (a value shown as a percentage may be carried as a fraction).  The twin may
carry more (hidden columns, full precision); the page may not invent figures.
"""

from __future__ import annotations

import math
import re
import sqlite3
from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from tanzhi.config import Settings
from tanzhi.demo.model import DEMO_PASSWORD
from tanzhi.web import create_app

TWIN = re.compile(r'<link rel="alternate" type="application/json" href="([^"]+)">')
# Routes answering HTML that have no twin, each with the reason (none today: even the forms
# name theirs).
NO_TWIN: dict[str, str] = {}
# Routes the demo has no object for, each with the reason and where it is covered.
NO_SAMPLE: dict[str, str] = {
    "/jobs/{job_id}": "the demo runs no background job; test_jobs_pages.py checks its twin",
    "/jobs/{job_id}/progress": "an htmx fragment of the job page (test_jobs_pages.py)",
    "/assess/evidence/{evidence_id}": "a file download; the demo stores no evidence",
    "/assess/public/{scheme_id}": "published schemes only; the demo's is in self-assessment "
                                  "(tests/e2e/test_assess.py publishes one and reads it)",
    "/reports/{report_id}": "the report document's page; its numbers are the document's "
                            "(tests/report checks them against the composed tables)",
    "/reports/{report_id}/download/{fmt}": "a download of a report document",
    # the public portal's downloads (CSV/XLSX/documents, not pages): tests/disclosure and
    # tests/web/test_exports.py read them
    "/public/inventory/{run_id}/{region}/download/{fmt}": "a CSV/XLSX download",
    "/public/plans/{plan_id}/{region}/download/{fmt}": "a CSV/XLSX download",
    "/public/reports/{report_id}/download/{fmt}": "a report document download",
    "/enterprise/verify": "the verifier's own desk, which the province administrator does not "
                          "open (tests/enterprise/test_access.py checks its twin)",
    "/enterprise/evidence/{file_id}": "a file download; the demo's reports carry no evidence "
                                      "file (tests/enterprise and tests/e2e upload one)",
    "/enterprise/e/{credit_code}/export.xlsx": "an Excel download (tests/enterprise reads it)",
    "/public/assess/{scheme_id}/download/{fmt}": "signed-off schemes only; the demo's is in "
                                                 "self-assessment (tests/disclosure)",
}
# Pages whose twin exists but does not carry every figure the page shows: found by this test
# when it first ran over every page (issue #10 item 6) and left for the pages' owners; the
# test fails when a page here becomes clean, so the list only shrinks.
KNOWN_GAPS: dict[str, str] = {
    "/inventory": "the sector table's changes and shares (e.g. -3395.82, 107.11) are computed "
                  "in the page; the summary twin carries the totals only",
    "/inventory/runs": "the region and year counts of each run (102, 13) are counted in the "
                       "page from lists the twin carries",
    "/inventory/runs/{run_id}": "uncertainty percentages and shares shown on the run page are "
                                "not in /api/v1/inventory/runs/{id}",
    "/inventory/upload": "the form's table of accepted inputs (e.g. GB/T 2260, 4, 95) is "
                         "reference text; its twin lists the runs",
    "/plans/{plan_id}/edit": "a count (34) shown on the edit form is not in the document twin",
    # found when the session-5 pages were merged (issue #11 items 5, 6): counts computed in the
    # page, and a report body shown inside the portal page
    "/plans": "the count of current warnings shown beside the plans (e.g. 9) is not in "
              "/api/v1/plans",
    "/plans/notifications": "the counts of warnings in force and resolved (e.g. 18, 34) are "
                            "counted in the page from the list the twin carries",
    "/public/manage": "the count of publications in the history (e.g. 34) is counted in the page",
    "/public/reports/{report_id}": "the page shows the published report's body; its numbers "
                                   "are in the report document, not in the publication JSON",
}
# Gaps that are small counts made in the page: such a count (18, 34) may also occur in the twin
# as some other number, so finding every number of the page in the twin does not show the gap
# closed. These two flipped between two full runs of session 6 on the same code (the "unexplained
# red JSON-twin run" of session 5); they are not taken as stale.
MAY_COINCIDE = frozenset({"/plans/notifications", "/public/manage"})
# Stored objects for the path parameters, from the demo database.
SAMPLE_SQL = {
    "run_id": "SELECT min(id) FROM inventory_run",
    "round_id": "SELECT min(id) FROM plan_alloc_round",
    "scheme_id": "SELECT min(id) FROM plan_assess_scheme",
    "pilot_id": "SELECT min(id) FROM plan_pilot_record",
    "project_id": "SELECT min(id) FROM plan_project_record",
    "report_id": "SELECT min(id) FROM report_document",
    "evidence_id": "SELECT min(id) FROM plan_assess_evidence",
    # enterprise carbon accounts (issue #12): the demo's enterprises and report versions
    "credit_code": "SELECT min(credit_code) FROM enterprise_enterprise",
    "version_id": "SELECT min(id) FROM enterprise_report",
    # The region whose inventory figures the demo publishes (the province's, issue #11 item 6).
    "region": "SELECT min(region_code) FROM disclosure_publication WHERE kind = 'inventory'",
}
# Routes whose parameters go together: the demo publishes each plan's status table for the
# plan's own region, so the pair is the province plan and the province.
FIXED_URLS = {"/public/plans/{plan_id}/{region}": "/public/plans/zj-fyp14-climate/330000"}
PLAIN = {"plan_id": "sx-fyp14-climate", "indicator_id": "co2_intensity_reduction",
         "parent": "330600", "fmt": "html", "username": "hz.city"}
NUMBER = re.compile(r"(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])-?\d+(?:\.\d+)?")


@pytest.fixture(scope="module")
def app(demo_settings: Settings) -> FastAPI:
    return create_app(demo_settings)


@pytest.fixture(scope="module")
def admin(app: FastAPI) -> Iterator[TestClient]:
    with TestClient(app) as client:
        token = client.get("/api/v1/me").json()["csrf_token"]
        r = client.post("/api/v1/login", json={"username": "zj.admin", "password": DEMO_PASSWORD},
                        headers={"X-CSRF-Token": token})
        assert r.status_code == 200, r.text
        client.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        yield client


@pytest.fixture(scope="module")
def samples(demo_settings: Settings) -> dict[str, str]:
    db = sqlite3.connect(demo_settings.data_dir / "tanzhi.db")
    out = dict(PLAIN)
    for name, sql in SAMPLE_SQL.items():
        (value,) = db.execute(sql).fetchone()
        if value is not None:
            out[name] = str(value)
    db.close()
    return out


def page_routes(app: FastAPI) -> list[str]:
    """Path templates of every GET route outside the JSON API."""
    out = []
    for rc in iter_route_contexts(app.routes):
        if isinstance(rc.original_route, APIRoute) and "GET" in rc.methods \
                and not rc.path_format.startswith("/api/"):
            out.append(rc.path_format)
    return sorted(set(out))


def _fill(path: str, samples: dict[str, str]) -> str:
    for name in re.findall(r"{(\w+)}", path):
        assert name in samples, f"{path}: no demo sample for {{{name}}} (add it to SAMPLE_SQL)"
        path = path.replace("{" + name + "}", samples[name])
    return path


def _cells(html: str) -> list[str]:
    """Text of every table cell of the page's main part (scripts and hidden inputs left out)."""
    main = re.search(r"<main.*?</main>", html, flags=re.S)
    body = re.sub(r"<script.*?</script>|<style.*?</style>", "", main.group(0) if main else html,
                  flags=re.S)
    return [re.sub(r"<[^>]+>", " ", cell) for cell in
            re.findall(r"<td\b[^>]*>(.*?)</td>", body, flags=re.S)]


def _numbers_of(value: object) -> set[float]:
    """Every number a JSON document carries: numeric leaves and numbers written in strings."""
    found: set[float] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, bool) or item is None:
            continue
        if isinstance(item, int | float):
            if math.isfinite(item):
                found.add(float(item))
        elif isinstance(item, str):
            found.update(float(t.replace(",", "")) for t in NUMBER.findall(item))
            # An ISO time carries the hour and minute a page prints ("19:03" of
            # "2026-12-03T19:03:00"), which NUMBER does not split off the "T".
            try:
                moment = datetime.fromisoformat(item)
            except ValueError:
                continue
            found.update(float(getattr(moment, part, 0)) for part in (
                "year", "month", "day", "hour", "minute", "second"))
        elif isinstance(item, dict):
            stack.extend(item.values())
            stack.extend(item.keys())
        elif isinstance(item, list):
            stack.extend(item)
    return found


# A page may show a carried number as a percentage (× 100) or in a larger unit: t as 千吨 / 万吨
# / 百万吨 / 亿吨, yuan as 万元 / 亿元 (× 10⁻³, 10⁻⁴, 10⁻⁶, 10⁻⁸).
SCALES = (1.0, 100.0, 1e-3, 1e-4, 1e-6, 1e-8)


def _carried(token: str, numbers: set[float]) -> bool:
    """Whether a number shown as `token` is one of `numbers` at the precision shown."""
    shown = float(token.replace(",", ""))
    places = len(token.split(".")[1]) if "." in token else 0
    half = 0.5 * 10 ** -places + 1e-9
    return any(abs(n * k - shown) <= half for n in numbers for k in SCALES)


def test_every_page_has_a_twin_with_its_numbers(app: FastAPI, admin: TestClient,
                                                samples: dict[str, str]) -> None:
    pages, missing, wrong, unreachable, stale = [], [], [], [], []
    for path in page_routes(app):
        if path in NO_SAMPLE:
            continue
        url = FIXED_URLS.get(path) or _fill(path, samples)
        r = admin.get(url, follow_redirects=False)
        if not r.headers.get("content-type", "").startswith("text/html") \
                or "<html" not in r.text[:400]:
            continue  # a download, a script, a map layer or an htmx fragment: not a page
        if r.status_code != 200:
            unreachable.append(f"{path} → {r.status_code}")
            continue
        pages.append(path)
        twins = TWIN.findall(r.text)
        if path in NO_TWIN:
            if twins:
                stale.append(path)
            continue
        if len(twins) != 1:
            missing.append(f"{path} ({len(twins)} twin links)")
            continue
        twin = admin.get(twins[0].replace("&amp;", "&"))
        if twin.status_code != 200 or not twin.headers["content-type"].startswith(
                "application/json"):
            missing.append(f"{path} → twin {twins[0]} answers {twin.status_code}")
            continue
        numbers = _numbers_of(twin.json())
        lost = sorted({t for cell in _cells(r.text) for t in NUMBER.findall(cell)
                       if not _carried(t, numbers)})
        if path in KNOWN_GAPS:
            if not lost and path not in MAY_COINCIDE:
                stale.append(path)
            continue
        if lost:
            wrong.append(f"{path} (twin {twins[0]}): shown but not in the twin: {lost[:12]}")
    print(f"\n{len(pages)} pages: {pages}")
    problems = [f"not answering the province administrator: {unreachable}"] * bool(unreachable)
    problems += [f"without a JSON twin (add one, or to NO_TWIN with why): {missing}"] * bool(
        missing)
    assert not problems + wrong, "\n".join(problems + wrong)
    assert not stale, f"pages on NO_TWIN with a twin, or on KNOWN_GAPS with every number in " \
        f"their twin, now (take them off): {stale}"
    assert set(NO_TWIN) <= set(pages), f"NO_TWIN names no page: {set(NO_TWIN) - set(pages)}"
