"""The malformed-file corpus fed to every reader of user files (issue #8 deliverable 4, #9 item 8).

Each reader gets ≥ 100 files built by `tests.kernel.malformed.corpus` for its own table layout and
must refuse every one with a `DataError` whose problems all name the file (and row/column where
there is one) — never another exception — and the importers that write to the database must
leave every table's row count unchanged.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

import pytest
from sqlalchemy import func, select

from tanzhi.access import Role, User
from tanzhi.inventory.formats.activity import read_activity, read_factor_overrides
from tanzhi.inventory.formats.balance import read_energy_balance
from tanzhi.kernel.audit import make_session_factory
from tanzhi.kernel.db import make_engine, unit_of_work
from tanzhi.kernel.errors import DataError
from tanzhi.kernel.factor_sets import read_factor_file
from tanzhi.kernel.tables import Column, TableSchema, read_table
from tanzhi.plan import (
    create_pilot,
    import_pilots,
    import_plan_workbook,
    import_projects,
    read_weights,
)
from tanzhi.plan.service.workbook import read_plan_workbook
from tanzhi.plan.store import PilotRow, PlanEditionRow, ProjectRow
from tests.kernel.malformed import corpus

PROVINCE = User(4, "zj.admin", "浙江省", Role.PROVINCE_ADMIN, "330000")

GENERIC = TableSchema("generic", (
    Column("region_code", "region"), Column("year", "year"), Column("item", "str"),
    Column("value", "float", unit_column="unit"), Column("unit", "unit", dimension_of="t"),
), key=("region_code", "year", "item"))


@dataclass(frozen=True)
class Layout:
    header: tuple[str, ...]
    good: tuple[object, ...]
    numeric: tuple[int, ...] = ()
    unit: int | None = None
    key: bool = True
    bad: int | None = None

    def files(self) -> list[tuple[str, bytes]]:
        return corpus(self.header, self.good, numeric=self.numeric, unit=self.unit, key=self.key,
                      bad=self.bad)


GENERIC_LAYOUT = Layout(("region_code", "year", "item", "value", "unit"),
                        ("330100", 2022, "原煤", 120.5, "万吨"), numeric=(3,), unit=4)
ACTIVITY = Layout(("region_code", "year", "category", "item", "value", "unit"),
                  ("330100", 2022, "1.A.1.a.i", "原煤", 120.5, "万吨"), numeric=(4,), unit=5)
OVERRIDES = Layout(("category", "item", "gas", "parameter", "value", "unit"),
                   ("1.A.1", "原煤", "CH4", "ef", 1, "kg/TJ"), numeric=(4,), unit=5)
FACTOR_FILE = Layout(("id", "item", "parameter", "gas", "value", "unit", "source"),
                     ("cn-prov-2011/raw_coal/ncv", "原煤", "ncv", None, 21.2, "GJ/t", "统计"),
                     numeric=(4,), unit=5)
WEIGHTS = Layout(("criterion", "weight"), ("equity", 1), numeric=(1,))
PILOTS = Layout(("名称", "类型", "级别", "地区代码", "阶段", "申报日期"),
                ("示范镇一", "town", "zero_carbon", "330603", "application", "2022-01-05"), bad=1)
PROJECTS = Layout(("项目名称", "地区代码", "领域", "总投资", "投资单位", "开工年份", "完工年份",
                   "状态"),
                  ("海上风电", "330603", "energy", 12.5, "亿元", 2022, 2024, "completed"),
                  numeric=(3,), unit=4)

READERS: dict[str, tuple[Layout, Callable[[bytes, str], object]]] = {
    "kernel.read_table": (GENERIC_LAYOUT, lambda d, n: read_table(d, GENERIC, filename=n)),
    "inventory.read_activity": (ACTIVITY, lambda d, n: read_activity(d, filename=n)),
    "inventory.read_factor_overrides": (OVERRIDES,
                                        lambda d, n: read_factor_overrides(d, filename=n)),
    "kernel.read_factor_file": (FACTOR_FILE,
                                lambda d, n: read_factor_file(d, set_name="t", filename=n)),
    "inventory.read_energy_balance": (ACTIVITY, lambda d, n: read_energy_balance(
        d, filename=n, region_code="330100", year=2022)),
    "plan.read_plan_workbook": (GENERIC_LAYOUT, lambda d, n: read_plan_workbook(d, filename=n)),
    "decompose.read_weights": (WEIGHTS, lambda d, n: read_weights(d, filename=n)),
}


def assert_located(error: DataError, name: str) -> None:
    assert error.problems, name
    for problem in error.problems:
        # The plan workbook names the sheet too: "plan.xlsx:指标".
        assert (problem.location.file or "").split(":")[0] == name, (name, str(problem))
        assert problem.message_zh and problem.message_en, (name, str(problem))


def test_corpus_has_at_least_100_files_per_reader() -> None:
    for layout, _ in [*READERS.values(), *IMPORTERS.values()]:
        files = layout.files()
        assert len(files) >= 100
        assert len({name for name, _ in files}) == len(files)


@pytest.mark.parametrize("reader", list(READERS))
def test_every_malformed_file_is_a_located_error(reader: str) -> None:
    layout, read = READERS[reader]
    accepted = []
    for name, data in layout.files():
        try:
            read(data, name)
        except DataError as error:
            assert_located(error, name)
        else:
            accepted.append(name)
    assert accepted == []


def test_activity_refuses_non_finite_and_implausible_values() -> None:
    # An activity of 1e308 was stored and summed to Inf (issue #9, item 8).
    for value, en in (("1e308", "implausibly large"), ("inf", "is not a"),
                      ("nan", "is not a"), ("1e400", "is not a"), ("2e8", "implausibly large")):
        data = ("region_code,year,category,item,value,unit\n"
                f"330100,2022,1.A.1.a.i,原煤,{value},万吨\n")
        with pytest.raises(DataError) as info:
            read_activity(data.encode(), filename="a.csv")
        (problem,) = info.value.problems
        assert en in problem.message_en
        assert (problem.location.row, problem.location.column) == (2, "value")


# ------------------------------------------------------------------------- database importers


@pytest.fixture
def factory(migrated_storage_settings):
    engine = make_engine(migrated_storage_settings)
    yield make_session_factory(engine)
    engine.dispose()


def _counts(factory) -> tuple[int, int, int]:
    with unit_of_work(factory, actor="t") as s:
        return tuple(s.scalar(select(func.count()).select_from(t))  # type: ignore[return-value]
                     for t in (PilotRow, ProjectRow, PlanEditionRow))


IMPORTERS: dict[str, tuple[Layout, Callable]] = {
    "assess.import_pilots": (PILOTS, lambda s, d, n: import_pilots(
        s, d, filename=n, user=PROVINCE)),
    "assess.import_projects": (PROJECTS, lambda s, d, n: import_projects(
        s, d, filename=n, user=PROVINCE)),
    "plan.import_plan_workbook": (GENERIC_LAYOUT, lambda s, d, n: import_plan_workbook(
        s, d, filename=n)),
}


@pytest.mark.parametrize("importer", list(IMPORTERS))
def test_importers_write_nothing_on_a_malformed_file(factory, importer: str) -> None:
    layout, run = IMPORTERS[importer]
    with unit_of_work(factory, actor="t") as s:  # one stored row, so "unchanged" means something
        create_pilot(s, user=PROVINCE, values={
            "name_zh": "已有试点", "kind": "town", "carbon_level": "low_carbon",
            "region_code": "330603", "applied_on": date(2021, 3, 1)})
    before = _counts(factory)
    accepted = []
    for name, data in layout.files():
        try:
            with unit_of_work(factory, actor="t") as s:
                run(s, data, name)
        except DataError as error:
            assert_located(error, name)
        else:
            accepted.append(name)
        assert _counts(factory) == before, name
    assert accepted == []
