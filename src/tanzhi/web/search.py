"""The search box (issue #11 item 9): plans, indicators, regions, pilots, projects and reports by
name, only those the user may open.

Each hit links to a page; the hit is offered only when `permits` — the policy row and scope check
`authorize` applies when the link is followed — admits the user to that page for that object. A
city officer therefore never sees another city's objects, and a role without region data finds
nothing it could not open. Matching is a case-insensitive substring of the Chinese or English
name (no pinyin).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from tanzhi.access import User
from tanzhi.http import CurrentUser, DbSession, permits, render
from tanzhi.kernel import list_regions
from tanzhi.plan import get_plan, list_pilots, list_plan_records, list_projects
from tanzhi.report import list_reports

pages = APIRouter(include_in_schema=False)
api = APIRouter(tags=["search"])

# Hits shown per kind; more matches are reported as `more` (refine the words).
PER_KIND = 20
MAX_QUERY = 100

# Kind → (Chinese label, English label), in the order the page lists them.
KINDS: dict[str, tuple[str, str]] = {
    "plan": ("规划", "Plans"),
    "indicator": ("指标", "Indicators"),
    "region": ("地区", "Regions"),
    "pilot": ("试点", "Pilots"),
    "project": ("重大项目", "Major projects"),
    "report": ("报告", "Reports"),
}


@dataclass(frozen=True)
class Hit:
    """One search result: what it is, its name, where it lies, the page it links to."""

    kind: str
    title: str
    title_en: str
    region_code: str | None
    region_name: str
    url: str


@dataclass(frozen=True)
class SearchResult:
    """Hits by kind, and the kinds whose matches went past `PER_KIND`."""

    query: str
    hits: dict[str, list[Hit]]
    more: frozenset[str]

    @property
    def count(self) -> int:
        """Hits shown in all."""
        return sum(len(v) for v in self.hits.values())


def _matches(words: str, *names: str | None) -> bool:
    return any(words in name.casefold() for name in names if name)


# A candidate: (Chinese name, English name, region code, url, (policy path, params)).
Candidate = tuple[str, str, str | None, str, tuple[str, list[tuple[str, str]]]]


def _plans(db: Session) -> Iterator[Candidate]:
    for rec in list_plan_records(db):
        yield (rec.title_zh, "", rec.region_code, f"/plans/{rec.plan_id}",
               ("/plans/{plan_id}", [("plan_id", rec.plan_id)]))


def _indicators(db: Session, user: User) -> Iterator[Candidate]:
    for rec in list_plan_records(db):
        # The plan is checked once; its indicators open where it opens.
        if not permits(db, user, "/plans/{plan_id}", [("plan_id", rec.plan_id)]):
            continue
        for ind in get_plan(db, rec.plan_id).indicators:
            yield (ind.name_zh, ind.name_en, rec.region_code,
                   f"/plans/{rec.plan_id}/indicators/{ind.id}",
                   ("/plans/{plan_id}/indicators/{indicator_id}",
                    [("plan_id", rec.plan_id), ("indicator_id", ind.id)]))


def _regions(db: Session) -> Iterator[Candidate]:
    # A region "opens" where its region data may be read (the READ row of its JSON), not on
    # the home page, which roles without region data open too (their own home).
    for region in sorted(list_regions(db), key=lambda r: r.code):
        yield (region.name_zh, region.name_en, region.code, f"/?region={region.code}",
               ("/api/v1/regions/{code}", [("code", region.code)]))


def _pilots(db: Session) -> Iterator[Candidate]:
    for row in list_pilots(db):
        yield (row.name_zh, row.name_en or "", row.region_code, f"/assess/pilots/{row.id}",
               ("/assess/pilots/{pilot_id}", [("pilot_id", str(row.id))]))


def _projects(db: Session) -> Iterator[Candidate]:
    for row in list_projects(db):
        yield (row.name_zh, row.name_en or "", row.region_code, f"/assess/projects/{row.id}",
               ("/assess/projects/{project_id}", [("project_id", str(row.id))]))


def _reports(db: Session) -> Iterator[Candidate]:
    for info in list_reports(db):
        yield (info.title, "", info.region_code, f"/reports/{info.id}",
               ("/reports/{report_id}", [("report_id", str(info.id))]))


def search(db: Session, user: User, query: str) -> SearchResult:
    """Objects whose name holds `query` that `user` may open, at most `PER_KIND` per kind."""
    words = query.strip().casefold()
    hits: dict[str, list[Hit]] = {kind: [] for kind in KINDS}
    more: set[str] = set()
    if not words:
        return SearchResult(query.strip(), hits, frozenset())
    names = {r.code: r.name_zh for r in list_regions(db)}
    sources: dict[str, Callable[[], Iterable[Candidate]]] = {
        "plan": lambda: _plans(db),
        "indicator": lambda: _indicators(db, user),
        "region": lambda: _regions(db),
        "pilot": lambda: _pilots(db),
        "project": lambda: _projects(db),
        "report": lambda: _reports(db),
    }
    for kind, source in sources.items():
        for zh, en, code, url, (path, params) in source():
            if not _matches(words, zh, en) or not permits(db, user, path, params):
                continue
            if len(hits[kind]) == PER_KIND:
                more.add(kind)
                break
            hits[kind].append(Hit(kind, zh, en, code, names.get(code or "", code or ""), url))
    return SearchResult(query.strip(), hits, frozenset(more))


def result_json(result: SearchResult) -> dict[str, Any]:
    """The JSON twin of a search."""
    return {
        "q": result.query,
        "count": result.count,
        "results": [{**asdict(hit), "kind_zh": KINDS[hit.kind][0], "kind_en": KINDS[hit.kind][1]}
                    for kind in KINDS for hit in result.hits[kind]],
        "more": sorted(result.more),
    }


Q = Annotated[str, Query(max_length=MAX_QUERY, description="words of a name (Chinese or English)")]


@api.get("/search")
def search_api(db: DbSession, user: CurrentUser, q: Q = "") -> dict[str, Any]:
    """Plans, indicators, regions, pilots, projects and reports whose name holds `q`, only those
    the caller may open."""
    return result_json(search(db, user, q))


@pages.get("/search")
def search_page(request: Request, db: DbSession, user: CurrentUser, q: Q = "") -> Response:
    """The search results page (the top bar's search box submits here)."""
    result = search(db, user, q)
    return render(request, "search.html", {
        "result": result, "kinds": KINDS,
        "json_url": "/api/v1/search?" + urlencode({"q": q.strip()}),
    })
