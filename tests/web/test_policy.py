"""The access policy, route by route (issue #8, deliverable 3).

Every route the app mounts × every role (one demo login each, plus an anonymous visitor) × an
own and a foreign value for every parameter that names a region or a stored object is asked of
the app, and the answer is held against `POLICY`:

- `none`: 401 without a login, 403 with one;
- `public` / `all`: never 401/403;
- `own`: never 401/403 with values in the user's scope; 403 for each foreign value.

Reads run for real.  For writes the route's own `current_user` dependency is overridden to answer
418 once the app-wide check has let the request through (`authorize` runs first), so the suite
tests the policy of every write without performing it; what each write does is the domain
tests' business.

Which value is own or foreign is worked out here from the database rows and the region tree,
not from the resolvers under test.
"""

from __future__ import annotations

import io
import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import openpyxl
import pytest
from fastapi import FastAPI, HTTPException
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient

from tanzhi.access import Role
from tanzhi.config import Settings
from tanzhi.http import PENDING, PLAIN, PLAIN_PARAMS, POLICY, Access
from tanzhi.http.deps import current_user
from tanzhi.http.policy import declared_params, resolver_names
from tanzhi.http.policy_table import ANONYMOUS, Rule
from tanzhi.web import create_app

from .conftest import ONE_YEAR, keep_one_year_of_the_demo_run

PASSWORD = "tanzhi-demo"
# One demo login per role (src/tanzhi/demo/model.py); kq.county is a county of sx.city.
LOGINS: dict[Role, str | None] = {
    Role.PROVINCE_ADMIN: "zj.admin", Role.CITY_OFFICER: "sx.city",
    Role.COUNTY_OFFICER: "kq.county", Role.DEPARTMENT_OFFICER: "zj.fgw",
    Role.ANALYST: "analyst", Role.ENTERPRISE_REPORTER: "ent.reporter",
    Role.VERIFIER: "verifier", Role.CITIZEN: "citizen", ANONYMOUS: None,
}
REGIONS = {"zj.admin": "330000", "sx.city": "330600", "kq.county": "330603",
           "zj.fgw": "330000", "analyst": "330000"}
# Values of required parameters that name no object.
PLAIN_VALUES = {
    "year": str(ONE_YEAR), "format": "xlsx", "fmt": "html", "method": "propagation",
    "iterations": "100", "seed": "1", "by": "sector", "indicator_id": "co2_intensity_reduction",
    # Jobs belong to their submitter (web/jobs.py answers 404 to others): an id naming none.
    "job_id": "987654",
}
# Stored objects by resolver: (value, region codes, whether the object spans the regions below).
REGION_PARAMS = ("region", "region_code", "code", "parent")
OBJECT_SQL = {
    "plan_id": "SELECT DISTINCT plan_id, json_extract(document, '$.region_code'), 1 "
               "FROM plan_edition",
    "run_id": "SELECT id, region_codes, 0 FROM inventory_run",
    "round_id": "SELECT id, region_code, 0 FROM plan_alloc_round",
    "scheme_id": "SELECT id, region_code, 1 FROM plan_assess_scheme",
    "assessee_id": "SELECT id, region_code, 0 FROM plan_assess_assessee",
    "rectification_id": "SELECT r.id, a.region_code, 0 FROM plan_assess_rectification r "
                        "JOIN plan_assess_assessee a ON a.id = r.assessee_id",
    "evidence_id": "SELECT e.id, a.region_code, 0 FROM plan_assess_evidence e "
                   "JOIN plan_assess_score s ON s.id = e.score_id "
                   "JOIN plan_assess_assessee a ON a.id = s.assessee_id",
    "pilot_id": "SELECT id, region_code, 0 FROM plan_pilot_record",
    "project_id": "SELECT id, region_code, 0 FROM plan_project_record",
    "report_id": "SELECT id, region_code, 0 FROM report_document",
    "publication_id": "SELECT id, region_code, 0 FROM disclosure_publication",

    # Accounts (issue #11 item 9): not the logins below, whose sessions the matrix needs; an
    # account without a region lies with the province (web/admin.py `user_reach`).
    "username": "SELECT username, COALESCE(region_code, '330000'), 0 FROM access_user WHERE "
                "username NOT IN ('zj.admin', 'sx.city', 'kq.county', 'zj.fgw', 'analyst', "
                "'ent.reporter', 'verifier', 'citizen')",
}
NO_SUCH_ID = "987654"
# Enterprise objects (issue #12 item 4): (value, credit code of the enterprise that owns it).
# Besides the offices over its region (OBJECT_SQL), its own reporter (`enterprise_id`) and the
# verifiers assigned to it reach it (`REACH_SQL`).
_VIA_REPORT = ("SELECT x.id, e.region_code, 0, e.credit_code FROM {table} x "
               "JOIN enterprise_report r ON r.id = x.report_id "
               "JOIN enterprise_enterprise e ON e.credit_code = r.credit_code")
ENTERPRISE_SQL = {
    "credit_code": "SELECT credit_code, region_code, 0, credit_code FROM enterprise_enterprise",
    "version_id": "SELECT r.id, e.region_code, 0, e.credit_code FROM enterprise_report r "
                  "JOIN enterprise_enterprise e ON e.credit_code = r.credit_code",
    "line_id": _VIA_REPORT.format(table="enterprise_line"),
    "check_id": _VIA_REPORT.format(table="enterprise_check"),
    "nc_id": _VIA_REPORT.format(table="enterprise_nonconformity"),
    "file_id": _VIA_REPORT.format(table="enterprise_evidence"),
}
REACH_SQL = ("SELECT username, enterprise_id FROM access_user WHERE enterprise_id IS NOT NULL "
             "UNION SELECT verifier, credit_code FROM enterprise_assignment")


@dataclass(frozen=True)
class Case:
    """One request and what the table says it must get."""

    method: str
    path: str
    role: Role
    url: str
    expect: str  # "allow" or "deny"
    why: str


def api_routes(app: FastAPI) -> list[tuple[str, str, APIRoute]]:
    """(method, path template, route) of every API route the app mounts, HTML and JSON."""
    out = []
    for rc in iter_route_contexts(app.routes):
        if isinstance(rc.original_route, APIRoute):
            out += [(m, rc.path_format, rc.original_route) for m in sorted(rc.methods)]
    return out


def resolver_of(rule: Rule, name: str) -> str | None:
    """The resolver a parameter goes through on a route, None for a plain one."""
    target = rule.params.get(name, name)
    if target == PLAIN or target in PLAIN_PARAMS:
        return None
    return "region" if target in REGION_PARAMS else target


# ---- the app and the data ------------------------------------------------------------------

@pytest.fixture(scope="module")
def settings(demo_settings: Settings) -> Settings:
    """The demo plus a run covering Hangzhou only (the demo's one run covers every region), so
    runs have a foreign sample too; the runs keep one year of results (tests/web/conftest.py)."""
    db = sqlite3.connect(demo_settings.data_dir / "tanzhi.db")
    columns = [r[1] for r in db.execute("PRAGMA table_info(inventory_run)") if r[1] != "id"]
    picked = ", ".join("'330100,330102'" if c == "region_codes" else c for c in columns)
    db.execute(f"INSERT INTO inventory_run ({', '.join(columns)}) "
               f"SELECT {picked} FROM inventory_run WHERE id = 1")
    db.commit()
    db.close()
    keep_one_year_of_the_demo_run(demo_settings)
    return demo_settings


def _login(client: TestClient, username: str | None) -> TestClient:
    token = client.get("/api/v1/me").json()["csrf_token"]
    if username is not None:
        r = client.post("/api/v1/login", json={"username": username, "password": PASSWORD},
                        headers={"X-CSRF-Token": token})
        assert r.status_code == 200, r.text
        token = r.json()["csrf_token"]
    client.headers["X-CSRF-Token"] = token
    return client


def _probe() -> None:
    raise HTTPException(status_code=418, detail="authorized (policy probe)")


@pytest.fixture(scope="module")
def app(settings: Settings) -> FastAPI:
    """The app on the demo; one engine, so no two apps contend for the SQLite file."""
    return create_app(settings)


@pytest.fixture(scope="module")
def clients(app: FastAPI) -> Iterator[dict[Role, TestClient]]:
    """One logged-in client per role (and the anonymous one)."""
    out = {}
    for role, username in LOGINS.items():
        client = TestClient(app, raise_server_exceptions=False,
                            headers={"Accept": "application/json"})
        out[role] = _login(client, username)
    yield out
    for client in out.values():
        client.close()


Rows = list[tuple[str, tuple[str, ...], bool]]


@pytest.fixture(scope="module")
def catalogue(settings: Settings) -> tuple[dict[str, Rows], dict[str, str]]:
    """Stored objects by resolver, and the region tree (code → parent)."""
    db = sqlite3.connect(settings.data_dir / "tanzhi.db")
    objects: dict[str, Rows] = {"region": [(c, (c,), False) for (c,) in db.execute(
        "SELECT code FROM kernel_region WHERE level IN ('province', 'city', 'county') "
        "ORDER BY code")]}
    for name, sql in OBJECT_SQL.items():
        objects[name] = [(str(v), tuple(str(codes).split(",")), bool(spans))
                         for v, codes, spans in db.execute(sql)]
    owners: dict[str, dict[str, str]] = {}
    for name, sql in ENTERPRISE_SQL.items():
        found = list(db.execute(sql))
        objects[name] = [(str(v), (str(codes),), bool(spans)) for v, codes, spans, _ in found]
        owners[name] = {str(v): str(owner) for v, _, _, owner in found}
    reach: dict[str, set[str]] = {}
    for username, code in db.execute(REACH_SQL):
        reach.setdefault(username, set()).add(code)
    objects["round_ids"] = objects["round_id"]
    parents = {code: parent or "" for code, parent in db.execute(
        "SELECT code, parent_code FROM kernel_region")}
    db.close()
    return objects, parents, owners, reach


def lineage(parents: dict[str, str], code: str) -> list[str]:
    """`code` and its ancestors."""
    out = [code]
    while parents.get(out[-1]) and len(out) < 12:
        out.append(parents[out[-1]])
    return out


def samples(catalogue: tuple, username: str | None
            ) -> dict[str, tuple[str | None, str | None]]:
    """(own, foreign) value per resolver for one user, from the rows and the region tree (an
    enterprise's objects: also by the user's enterprise or assignments)."""
    objects, parents, owners, reach = catalogue
    home = REGIONS.get(username or "")
    mine = reach.get(username or "", set())
    out = {}
    for name, rows in objects.items():
        own: list[tuple[int, str]] = []
        foreign: list[str] = []
        for value, codes, spans in rows:
            inside = home is not None and any(home in lineage(parents, c) for c in codes)
            inside = inside or owners.get(name, {}).get(value) in mine
            above = home is not None and spans and any(
                c in lineage(parents, home) for c in codes)
            if inside or above:
                # Prefer the user's own region, then objects inside the scope, then above it.
                own.append((0 if value == home else (1 if inside else 2), value))
            else:
                foreign.append(value)
        out[name] = (min(own)[1] if own else None, foreign[0] if foreign else None)
    return out


# ---- the cases -----------------------------------------------------------------------------

def build_cases(app: FastAPI, catalogue: tuple) -> tuple[list[Case], Counter]:
    cases: list[Case] = []
    gaps: Counter = Counter()
    per_user = {role: samples(catalogue, name) for role, name in LOGINS.items()}
    for method, path, route in api_routes(app):
        rule = POLICY[method, path]
        params = declared_params(route)
        required = {p.alias for p in _query_fields(route) if p.field_info.is_required()}
        path_names = {p.alias for p in _path_fields(route)}
        for role in LOGINS:
            access = rule.of(role)
            own_of, foreign_of = {}, {}
            for name in params:
                res = resolver_of(rule, name)
                if res is not None:
                    own, foreign = per_user[role][res]
                    if own is None and access is not Access.NONE:
                        # No object in the user's scope: the role layer is still tested with
                        # an id that names nothing (allowed roles get 404, not 403).
                        gaps["no own sample"] += 1
                    if own is not None:
                        own_of[name] = own
                    else:
                        own_of[name] = (foreign or NO_SUCH_ID) if access is Access.NONE \
                            else NO_SUCH_ID
                    if foreign is not None:
                        foreign_of[name] = foreign
                    elif access is Access.OWN:
                        gaps["no foreign sample"] += 1
                elif name in path_names or name in required:
                    assert name in PLAIN_VALUES, f"{method} {path}: no sample for {name!r}"
                    own_of[name] = PLAIN_VALUES[name]
            expect = "deny" if access is Access.NONE else "allow"
            cases.append(Case(method, path, role, _url(path, own_of), expect, "own"))
            if access in (Access.OWN, Access.ALL):
                for name, value in foreign_of.items():
                    variant = {**own_of, name: value}
                    cases.append(Case(method, path, role, _url(path, variant),
                                      "deny" if access is Access.OWN else "allow",
                                      f"foreign {name}"))
    # Logging out ends the client's session: those requests go last.
    cases.sort(key=lambda c: c.path.endswith("/logout"))
    return cases, gaps


def _path_fields(route: APIRoute) -> list:
    return list(route.dependant.path_params)


def _query_fields(route: APIRoute) -> list:
    found, stack = [], [route.dependant]
    while stack:
        dependant = stack.pop()
        found += dependant.query_params
        stack.extend(dependant.dependencies)
    return found


def _url(path: str, values: dict[str, str]) -> str:
    query = []
    for name, value in values.items():
        if "{" + name + "}" in path:
            path = path.replace("{" + name + "}", value)
        else:
            query.append(f"{name}={value}")
    return path + ("?" + "&".join(query) if query else "")


# ---- the tests -----------------------------------------------------------------------------

def test_every_route_has_a_row_and_every_row_a_route(app: FastAPI) -> None:
    mounted = {(m, p) for m, p, _ in api_routes(app)}
    missing = sorted(mounted - set(POLICY))
    assert not missing, f"routes without a policy row (add them to policy_table.POLICY): {missing}"
    stale = sorted(set(POLICY) - mounted - PENDING)
    assert not stale, f"policy rows for routes that do not exist: {stale}"


def test_every_parameter_names_a_resolver_or_is_plain(app: FastAPI) -> None:
    unknown = []
    for method, path, route in api_routes(app):
        rule = POLICY[method, path]
        for name in declared_params(route):
            target = rule.params.get(name, name)
            if target != PLAIN and target not in PLAIN_PARAMS and target not in resolver_names():
                unknown.append((method, path, name))
    assert not unknown, f"parameters neither resolved nor declared plain: {unknown}"


def test_routes_answer_as_the_table_says(app: FastAPI, clients: dict, catalogue: tuple
                                         ) -> None:
    cases, gaps = build_cases(app, catalogue)
    wrong, statuses = [], Counter()
    for case in cases:
        client = clients[case.role]
        if case.method == "GET":
            app.dependency_overrides.pop(current_user, None)
        else:
            app.dependency_overrides[current_user] = _probe
        r = client.request(case.method, case.url, follow_redirects=False)
        statuses[r.status_code] += 1
        if case.path.endswith("/logout"):
            # The session ended: log the client in again for the requests that follow.
            _login(client, LOGINS[case.role])
        refused = r.status_code in (401, 403)
        if case.expect == "allow" and refused:
            wrong.append((case, r.status_code, r.text[:160]))
        elif case.expect == "deny":
            needed = 401 if case.role is ANONYMOUS else 403
            if r.status_code != needed:
                wrong.append((case, r.status_code, r.text[:160]))
    app.dependency_overrides.pop(current_user, None)
    routes = len(api_routes(app))
    print(f"\npolicy: {routes} route×method rows × {len(LOGINS)} roles → {len(cases)} requests; "
          f"statuses {dict(sorted(statuses.items()))}; gaps {dict(gaps)}")
    assert not wrong, "\n".join(
        f"{c.role.value} {c.method} {c.url} ({c.why}): expected {c.expect}, got {s}: {t}"
        for c, s, t in wrong[:40]) + f"\n… {len(wrong)} in all"


# ---- regressions: the review's exact cases (issue #8) --------------------------------------

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
INDICATOR = "co2_intensity_reduction"


def _workbook_of(clients: dict, plan_id: str, *, region: str) -> bytes:
    """The stored plan's workbook, downloaded by the province, with `region` written in it."""
    data = clients[Role.PROVINCE_ADMIN].get(f"/api/v1/plans/{plan_id}/workbook").content
    book = openpyxl.load_workbook(io.BytesIO(data))
    for row in book["规划"].iter_rows(min_row=2):
        if row[0].value == "region_code":
            row[1].value = region
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _plan_state(clients: dict, plan_id: str) -> tuple[str, int]:
    admin = clients[Role.PROVINCE_ADMIN]
    region = admin.get(f"/api/v1/plans/{plan_id}/document").json()["region_code"]
    return region, len(admin.get(f"/api/v1/plans/{plan_id}/editions").json())


def test_finding2_county_cannot_take_over_taizhous_plan(clients: dict) -> None:
    """kq.county (柯桥区 330603) imported tz-fyp14-climate with its own code, then edited it,
    started its 15th plan and recorded actuals: each step is refused, nothing is written."""
    kq = clients[Role.COUNTY_OFFICER]
    before = _plan_state(clients, "tz-fyp14-climate")
    workbook = _workbook_of(clients, "tz-fyp14-climate", region="330603")
    assert kq.post("/api/v1/plans/import",
                   files={"file": ("tz.xlsx", workbook, XLSX)}).status_code == 403
    assert kq.post("/plans/tz-fyp14-climate/upload",
                   files={"file": ("tz.xlsx", workbook, XLSX)}).status_code == 403
    document = clients[Role.PROVINCE_ADMIN].get(
        "/api/v1/plans/tz-fyp14-climate/document").json()
    assert kq.put("/api/v1/plans/tz-fyp14-climate",
                  json={**document, "region_code": "330603"}).status_code == 403
    assert kq.post("/api/v1/plans/tz-fyp14-climate/next", json={}).status_code == 403
    assert kq.post("/plans/tz-fyp14-climate/next", data={}).status_code == 403
    actual = {"region_code": "330603", "year": 2023, "value": 1.0, "source": "review"}
    assert kq.post(f"/api/v1/plans/tz-fyp14-climate/indicators/{INDICATOR}/actuals",
                   json=actual).status_code == 403
    assert _plan_state(clients, "tz-fyp14-climate") == before


def test_finding2_a_workbook_cannot_move_a_plan_to_another_region(app: FastAPI,
                                                                  clients: dict) -> None:
    """Even the plan's own editor cannot move it: Shaoxing's workbook rewritten to its county
    Keqiao (inside sx.city's scope) is refused with the stored region named."""
    sx = clients[Role.CITY_OFFICER]
    before = _plan_state(clients, "sx-fyp14-climate")
    workbook = _workbook_of(clients, "sx-fyp14-climate", region="330603")
    r = sx.post("/api/v1/plans/import", files={"file": ("sx.xlsx", workbook, XLSX)})
    assert r.status_code == 422, r.text
    assert "330600" in r.json()["detail"] or "330600" in str(r.json().get("problems"))
    html = sx.post("/plans/sx-fyp14-climate/upload", files={"file": ("sx.xlsx", workbook, XLSX)},
                   follow_redirects=False)
    # The page runs the import as a background job (issue #8 item 7): the job must fail.
    assert html.status_code == 303, html.text
    job = int(html.headers["location"].split("/")[2].split("?")[0])
    assert app.state.jobs.wait(job, 120)
    outcome = sx.get(f"/api/v1/jobs/{job}").json()
    assert outcome["status"] == "failed", outcome
    assert "330600" in str(outcome["error"]) + str(outcome["problems"]), outcome
    document = sx.get("/api/v1/plans/sx-fyp14-climate/document").json()
    assert sx.put("/api/v1/plans/sx-fyp14-climate",
                  json={**document, "region_code": "330603"}).status_code == 422
    assert _plan_state(clients, "sx-fyp14-climate") == before


def test_finding2_actuals_only_for_regions_the_plan_tracks(clients: dict) -> None:
    """The province may enter values, but not for Hangzhou in Shaoxing's plan."""
    admin = clients[Role.PROVINCE_ADMIN]
    actual = {"region_code": "330100", "year": 2023, "value": 1.0, "source": "review"}
    assert admin.post(f"/api/v1/plans/sx-fyp14-climate/indicators/{INDICATOR}/actuals",
                      json=actual).status_code == 403


@pytest.mark.parametrize("role", [Role.CITIZEN, Role.ENTERPRISE_REPORTER, Role.VERIFIER])
def test_finding4_roles_without_a_region_read_no_pilots_or_projects(
        clients: dict, role: Role) -> None:
    client = clients[role]
    for url in ("/api/v1/assess/pilots", "/api/v1/assess/projects",
                "/api/v1/assess/pilots/export.xlsx", "/api/v1/assess/projects/export.xlsx",
                "/api/v1/assess/pilots/1", "/api/v1/assess/projects/5",
                "/assess/pilots", "/assess/projects", "/assess/pilots/export.xlsx",
                "/assess/projects/export.xlsx", "/assess/pilots/map.json"):
        r = client.get(url)
        assert r.status_code == 403, (url, r.status_code, r.text[:200])


def test_finding4_county_reads_no_hangzhou_figures(clients: dict) -> None:
    """kq.county read Hangzhou through the indicator page, the status API, the overview and
    the nowcast, directly or through a plan it may open."""
    kq = clients[Role.COUNTY_OFFICER]
    for url in (
        f"/plans/hz-fyp14-climate/indicators/{INDICATOR}",
        f"/plans/hz-fyp14-climate/indicators/{INDICATOR}?region=330100",
        "/api/v1/plans/hz-fyp14-climate/status?region=330100",
        "/api/v1/plans/hz-fyp14-climate/status",
        "/plans/hz-fyp14-climate", "/api/v1/plans/hz-fyp14-climate",
        f"/api/v1/plans/hz-fyp14-climate/indicators/{INDICATOR}/nowcast?year=2024",
        f"/api/v1/plans/hz-fyp14-climate/indicators/{INDICATOR}?region=330100",
        "/api/v1/plans/zj-fyp14-climate/status?region=330100",
        f"/plans/zj-fyp14-climate/indicators/{INDICATOR}?region=330100",
        f"/api/v1/plans/zj-fyp14-climate/indicators/{INDICATOR}/nowcast?year=2024&region=330100",
        "/plans/sx-fyp14-climate?region=330600",
    ):
        r = kq.get(url)
        assert r.status_code == 403, (url, r.status_code, r.text[:200])


def test_county_sees_its_own_county_in_the_citys_plan(clients: dict) -> None:
    """What kq.county may read of Shaoxing's plan is Keqiao's part, never the city's or a
    sibling county's."""
    kq = clients[Role.COUNTY_OFFICER]
    overview = kq.get("/api/v1/plans/sx-fyp14-climate")
    assert overview.status_code == 200
    assert overview.json()["region_code"] == "330603"
    detail = kq.get(f"/api/v1/plans/sx-fyp14-climate/indicators/{INDICATOR}")
    assert detail.status_code == 200 and detail.json()["region_code"] == "330603"
    rows = kq.get(f"/api/v1/plans/sx-fyp14-climate/regions/{INDICATOR}").json()
    assert {row["region_code"] for row in rows} <= {"330603"}
    listed = {p["plan_id"] for p in kq.get("/api/v1/plans").json()["plans"]}
    assert listed == {"sx-fyp14-climate", "zj-fyp14-climate"}


@pytest.mark.parametrize("url", [
    "/api/v1/assess/pilots/import", "/api/v1/assess/projects/import", "/assess/pilots/import",
    "/assess/projects/import", "/api/v1/inventory/activity", "/inventory/upload",
    "/api/v1/plans/import",
])
def test_finding3_uploads_are_refused_before_they_are_read(clients: dict, url: str) -> None:
    """A citizen's upload is refused (403) before the route reads it: a file that is no
    spreadsheet at all would otherwise have been answered 422 by the reader."""
    r = clients[Role.CITIZEN].post(
        url, files={"file": ("x.xlsx", b"PK\x03\x04 not a workbook", XLSX)})
    assert r.status_code == 403, r.text[:200]
