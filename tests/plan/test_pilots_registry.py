"""Pilot and project registries: lifecycle, count_pilots by stage and year, imports and exports."""

from __future__ import annotations

import io
from datetime import date

import openpyxl
import pytest
from sqlalchemy import func, select

from tanzhi.access import Role, User
from tanzhi.kernel import (
    DataError,
    PermissionDenied,
    make_engine,
    make_session_factory,
    unit_of_work,
)
from tanzhi.plan.assess import service as svc
from tanzhi.plan.store import PilotEventRow, PilotRow, ProjectRow

CITY = User(1, "sx.city", "绍兴市", Role.CITY_OFFICER, "330600")
KEQIAO = User(2, "kq.county", "柯桥区", Role.COUNTY_OFFICER, "330603")
PROVINCE = User(4, "zj.admin", "浙江省", Role.PROVINCE_ADMIN, "330000")


@pytest.fixture
def fac(migrated_storage_settings):
    engine = make_engine(migrated_storage_settings)
    yield make_session_factory(engine)
    engine.dispose()


def _pilot(s, name, code, kind="town", **dates):
    return svc.create_pilot(s, user=PROVINCE, values={
        "name_zh": name, "kind": kind, "carbon_level": "zero_carbon", "region_code": code,
        "applied_on": date(2021, 3, 1), **dates,
        "stage": dates.pop("stage", "application")})


def test_count_pilots_by_stage_region_and_year(fac) -> None:
    with unit_of_work(fac, actor="t") as s:
        a = _pilot(s, "甲", "330603")                                        # application only
        _pilot(s, "乙", "330603", stage="approved", approved_on=date(2022, 6, 1))
        _pilot(s, "丙", "330602", kind="village", stage="accepted",
                   approved_on=date(2021, 9, 1), accepted_on=date(2024, 12, 20))
        d = _pilot(s, "丁", "330102", stage="removed", approved_on=date(2021, 5, 1),
                   removed_on=date(2023, 7, 1))
        assert a.stage == "application" and d.stage == "removed"
        count = svc.count_pilots
        assert count(s, region_code="330600") == 2          # b and c today
        assert count(s, region_code="330600", year=2021) == 1   # c approved 2021-09
        assert count(s, region_code="330600", year=2022) == 2
        assert count(s, region_code="330603", year=2025) == 1
        assert count(s, region_code="330000", year=2022) == 3   # d in force until 2023-07
        assert count(s, region_code="330000", year=2023) == 2
        assert count(s, region_code="330000", kinds=["village"], year=2025) == 1
        assert count(s, region_code="330000", year=2025, accepted_only=True) == 1
        assert count(s, region_code="330000", year=2023, accepted_only=True) == 0
        assert count(s, region_code="330000", year=2020) == 0
        # lifecycle moves: dated, ordered, role-checked
        with pytest.raises(PermissionDenied):
            svc.move_pilot(s, a.id, user=KEQIAO, to_stage="approved", on_date=date(2022, 1, 1))
        with pytest.raises(DataError, match="不能从.*cannot move"):
            svc.move_pilot(s, a.id, user=CITY, to_stage="accepted", on_date=date(2022, 1, 1))
        with pytest.raises(DataError, match="早于"):
            svc.move_pilot(s, a.id, user=CITY, to_stage="approved", on_date=date(2020, 1, 1))
        svc.move_pilot(s, a.id, user=CITY, to_stage="approved", on_date=date(2025, 2, 1))
        assert count(s, region_code="330603", year=2025) == 2
        assert count(s, region_code="330603", year=2024) == 1
        events = s.scalars(select(PilotEventRow.to_stage).where(
            PilotEventRow.pilot_id == a.id).order_by(PilotEventRow.id)).all()
        assert events == ["application", "approved"]
        with pytest.raises(DataError):
            svc.move_pilot(s, d.id, user=PROVINCE, to_stage="approved", on_date=date(2025, 1, 1))


def test_county_applies_but_cannot_approve(fac) -> None:
    with unit_of_work(fac, actor="t") as s:
        row = svc.create_pilot(s, user=KEQIAO, values={
            "name_zh": "柯桥零碳园区", "kind": "park", "carbon_level": "zero_carbon",
            "region_code": "330603", "applied_on": date(2025, 3, 1)})
        assert row.stage == "application"
        with pytest.raises(PermissionDenied):
            svc.create_pilot(s, user=KEQIAO, values={
                "name_zh": "越城试点", "kind": "park", "carbon_level": "low_carbon",
                "region_code": "330602", "applied_on": date(2025, 3, 1)})


PILOT_CSV = """名称,类型,级别,地区代码,阶段,申报日期,批准日期,验收日期
示范镇一,town,zero_carbon,330603,approved,2022-01-05,2022-06-30,
示范村二,village,low_carbon,330604,accepted,2021/3/1,2021/9/1,2024年12月1日
"""


def test_pilot_import_all_or_nothing(fac) -> None:
    with unit_of_work(fac, actor="t") as s:
        assert svc.import_pilots(s, PILOT_CSV.encode(), filename="pilots.csv", user=PROVINCE) == 2
        assert svc.count_pilots(s, region_code="330600", year=2024) == 2
    bad = (PILOT_CSV.replace("示范镇一", "示范镇三").replace("示范村二", "示范村四")
           + "坏行,town,zero_carbon,339999,approved,2022-01-05,,\n")
    with unit_of_work(fac, actor="t") as s, pytest.raises(DataError) as err:
        svc.import_pilots(s, bad.encode(), filename="bad.csv", user=PROVINCE)
    locs = {(p.location.file, p.location.row, p.location.column) for p in err.value.problems}
    assert ("bad.csv", 4, "region_code") in locs
    assert ("bad.csv", 4, "approved_on") in locs  # approved without its date
    with unit_of_work(fac, actor="t") as s:
        assert s.scalar(select(func.count()).select_from(PilotRow)) == 2  # nothing written
    # a bad cell is found by read_table with the header as written
    with unit_of_work(fac, actor="t") as s, pytest.raises(DataError) as err:
        svc.import_pilots(s, PILOT_CSV.replace("town", "city").encode(), filename="k.csv",
                          user=PROVINCE)
    assert (err.value.problems[0].location.row, err.value.problems[0].location.column) == \
        (2, "类型")
    # a duplicate of an existing pilot and a wrong date are refused
    with unit_of_work(fac, actor="t") as s, pytest.raises(DataError, match="已登记|不是日期"):
        svc.import_pilots(s, PILOT_CSV.replace("2022-06-30", "2022-13-45").encode(),
                          filename="d.csv", user=PROVINCE)


def test_pilot_export_round_trips(fac) -> None:
    with unit_of_work(fac, actor="t") as s:
        svc.import_pilots(s, PILOT_CSV.encode(), filename="pilots.csv", user=PROVINCE)
        data = svc.pilots_workbook(svc.list_pilots(s))
        book = openpyxl.load_workbook(io.BytesIO(data))
        header = [c.value for c in next(book.active.iter_rows(max_row=1))]
        assert header[:5] == ["name_zh", "name_en", "kind", "carbon_level", "region_code"]
        for row in s.scalars(select(PilotRow)):
            row.name_zh += "（副本）"
        s.flush()
        assert svc.import_pilots(s, data, filename="export.xlsx", user=PROVINCE) == 2


PROJECT_CSV = (
    "项目名称,地区代码,领域,总投资,投资单位,开工年份,完工年份,预计年减排量,减排量单位,状态\n"
    """海上风电,330603,energy,12.5,亿元,2022,2024,20,万吨 CO2,completed
光伏,330604,energy,8000,万元,2023,2026,3500,t CO2,under_construction
""")


def test_project_import_checks_units_by_dimension(fac) -> None:
    with unit_of_work(fac, actor="t") as s:
        assert svc.import_projects(s, PROJECT_CSV.encode(), filename="p.csv", user=CITY) == 2
        rows = {r.name_zh: r for r in s.scalars(select(ProjectRow))}
        assert rows["海上风电"].investment_wan_yuan == pytest.approx(125_000)
        assert rows["海上风电"].reduction_t == pytest.approx(200_000)
        totals = svc.project_totals(s, region_code="330600", year=2025)
        assert totals == {"projects": 2.0, "completed": 1.0, "investment_wan_yuan":
                          pytest.approx(133_000), "reduction_t": pytest.approx(200_000)}
        assert svc.project_totals(s, region_code="330600", year=2022)["projects"] == 1
    bad = PROJECT_CSV.replace("海上风电", "风电二").replace("光伏,", "光伏二,").replace(
        "8000,万元", "8000,万吨")
    with unit_of_work(fac, actor="t") as s, pytest.raises(DataError) as err:
        svc.import_projects(s, bad.encode(), filename="bad.csv", user=CITY)
    problem = err.value.problems[0]
    assert (problem.location.row, problem.location.column) == (3, "投资单位")
    assert "量纲" in problem.message_zh and "dimension" in problem.message_en
    with unit_of_work(fac, actor="t") as s:
        assert s.scalar(select(func.count()).select_from(ProjectRow)) == 2
    outside = PROJECT_CSV.replace("海上风电", "杭州项目").replace("330603", "330102")
    with unit_of_work(fac, actor="t") as s, pytest.raises(DataError, match="330102"):
        svc.import_projects(s, outside.encode(), filename="o.csv", user=CITY)
