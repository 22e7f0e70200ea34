"""Plan store: the five seed plans with their exact numbers, editions, the Excel round trip."""

from __future__ import annotations

import io

import openpyxl
import pytest

from tanzhi.kernel import DataError, make_engine, make_session_factory, unit_of_work
from tanzhi.plan import service
from tanzhi.plan.model import Target, list_plans, load_plan


@pytest.fixture
def factory(migrated_storage_settings):
    engine = make_engine(migrated_storage_settings)
    yield make_session_factory(engine)
    engine.dispose()


def test_seed_plans_load_with_exact_numbers_and_sync_is_idempotent(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        assert service.sync_packaged_plans(s) == 5
    with unit_of_work(factory, actor="t") as s:
        assert service.sync_packaged_plans(s) == 0
        records = {r.plan_id: r for r in service.list_plan_records(s)}
        assert set(records) == {r.id for r in list_plans()}
        for ref in list_plans():
            stored = service.get_plan(s, ref.id)
            # every indicator, baseline, target, source and defect exactly as the data file
            assert stored == load_plan(ref.id, ref.edition)
            assert records[ref.id].meta["seed_sha256"]
            assert records[ref.id].origin == "packaged"
        zj = service.get_plan(s, "zj-fyp14-climate")
        assert zj.indicator("forest_stock").baseline.value == 3.75
        assert zj.indicator("forest_stock").target.value == 4.45
        assert [d.code for d in zj.indicator("non_fossil_share").defects] == ["baseline_year"]


def test_save_plan_adds_an_edition_and_keeps_the_old(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        service.sync_packaged_plans(s)
        plan = service.get_plan(s, "sx-fyp14-climate")
        ind = plan.indicator("energy_intensity")
        edited = plan.model_copy(update={"indicators": [
            i if i.id != ind.id else i.model_copy(update={"target": Target(
                kind="value", printed="0.35", value=0.35)}) for i in plan.indicators]})
        rec = service.save_plan(s, edited, actor="sx.city")
        assert rec.edition != plan.edition and rec.current
        # unchanged plan: no new edition
        assert service.save_plan(s, edited, actor="sx.city").edition == rec.edition
    with unit_of_work(factory, actor="t") as s:
        editions = service.plan_editions(s, "sx-fyp14-climate")
        assert [e.current for e in editions] == [False, True]
        assert service.get_plan(s, "sx-fyp14-climate", plan.edition) == plan
        assert service.get_plan(s, "sx-fyp14-climate").indicator(
            "energy_intensity").target.value == 0.35
        # a later sync does not displace the user's edition
        assert service.sync_packaged_plans(s) == 0
        assert service.get_plan_record(s, "sx-fyp14-climate").edition == rec.edition


def test_workbook_round_trip_is_exact(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        service.sync_packaged_plans(s)
        for ref in list_plans():
            plan = service.get_plan(s, ref.id)
            back = service.workbook.read_plan_workbook(service.plan_workbook(plan),
                                                       filename=f"{ref.id}.xlsx")
            assert back == plan, ref.id


def test_bad_workbook_imports_nothing_and_names_row_and_column(factory) -> None:
    with unit_of_work(factory, actor="t") as s:
        service.sync_packaged_plans(s)
        data = service.plan_workbook(service.get_plan(s, "hz-fyp14-climate"))
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["指标"]
    header = [c.value.split("\n")[-1] for c in sheet[1]]
    sheet.cell(row=4, column=header.index("target_value") + 1, value="很多")
    sheet.cell(row=5, column=header.index("direction") + 1, value="sideways")
    buffer = io.BytesIO()
    book.save(buffer)
    with unit_of_work(factory, actor="t") as s:
        with pytest.raises(DataError) as err:
            service.import_plan_workbook(s, buffer.getvalue(), filename="hz.xlsx")
        where = {(p.location.row, p.location.column) for p in err.value.problems}
        assert (4, "target_value") in where
        assert len(service.plan_editions(s, "hz-fyp14-climate")) == 1
