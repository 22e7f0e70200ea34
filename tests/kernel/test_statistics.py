"""Statistics table: bulk write all-or-nothing with row-level errors, audited, read back long."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from sqlalchemy import text

from tanzhi.config import Settings
from tanzhi.kernel.audit import make_session_factory, verify_chain
from tanzhi.kernel.db import make_engine, unit_of_work
from tanzhi.kernel.errors import DataError
from tanzhi.kernel.regions import seed_regions
from tanzhi.kernel.statistics import (
    STATISTIC_COLUMNS,
    delete_statistics,
    read_statistics,
    write_statistics,
)

pytestmark = pytest.mark.storage


@pytest.fixture
def factory(migrated_storage_settings: Settings):
    engine = make_engine(migrated_storage_settings)
    factory = make_session_factory(engine)
    with unit_of_work(factory, actor="test") as s:
        seed_regions(s)
    yield factory
    engine.dispose()


def _frame(**overrides: list) -> pd.DataFrame:
    data = {
        "region_code": ["330100", "330100", "330600"],
        "year": [2020, 2020, 2015],
        "variable": ["energy_total", "energy_final", "population"],
        "sector": ["", "industry", ""],
        "item": ["", "原煤", "total"],
        "value": [4286.0, 120.5, 497.0],
        "unit": ["万吨标准煤", "万吨", "万人"],
    }
    data.update(overrides)
    return pd.DataFrame(data)


def _audit(factory, entity: str = "kernel_statistic") -> list[dict]:
    with factory() as s:
        rows = s.execute(text(
            "SELECT actor, action, entity_key, before_json, after_json FROM kernel_audit_entry "
            "WHERE entity = :e ORDER BY seq"), {"e": entity}).all()
    return [dict(r._mapping) for r in rows]


def test_written_rows_read_back_as_a_sorted_long_frame(factory) -> None:
    with unit_of_work(factory, actor="alice") as s:
        n = write_statistics(s, _frame(), dataset="yearbook-2021", synthetic=False)
    assert n == 3
    with factory() as s:
        got = read_statistics(s)
    assert got.columns.tolist() == list(STATISTIC_COLUMNS)
    assert got[["region_code", "year", "variable", "item", "value"]].values.tolist() == [
        ["330100", 2020, "energy_final", "原煤", 120.5],
        ["330100", 2020, "energy_total", "", 4286.0],
        ["330600", 2015, "population", "total", 497.0],
    ]
    assert set(got["dataset"]) == {"yearbook-2021"}
    assert not got["synthetic"].any()
    assert got["note"].tolist() == ["", "", ""]


def test_one_audit_entry_per_batch_with_its_summary(factory) -> None:
    with unit_of_work(factory, actor="alice") as s:
        write_statistics(s, _frame(), dataset="yearbook-2021", synthetic=True)
    entries = _audit(factory)
    assert len(entries) == 1
    assert (entries[0]["actor"], entries[0]["action"], entries[0]["entity_key"]) == (
        "alice", "insert", "yearbook-2021")
    after = json.loads(entries[0]["after_json"])
    digest = after.pop("_rows")  # keyed digest of the rows written (issue #8, finding 10)
    assert after == {
        "dataset": "yearbook-2021", "rows": 3, "synthetic": True, "regions": 2,
        "years": [2015, 2020], "variables": ["energy_final", "energy_total", "population"]}
    assert (digest["where"], digest["count"], len(digest["chunks"])) == (
        {"dataset": "yearbook-2021"}, 3, 1)
    with factory() as s:
        assert verify_chain(s) == []


def test_a_frame_with_bad_rows_writes_nothing_and_names_each_row(factory) -> None:
    bad = _frame(unit=["万吨标准煤", "ton", "万人"], region_code=["330100", "330100", "339999"])
    with pytest.raises(DataError) as err, unit_of_work(factory, actor="alice") as s:
        write_statistics(s, bad, dataset="upload", synthetic=False)
    problems = {p.location.column: p for p in err.value.problems}
    assert set(problems) == {"unit", "region_code"}
    assert "(rows 3)" in problems["unit"].message_en  # header is row 1: the second data row
    assert "339999" in problems["region_code"].message_en
    assert problems["region_code"].location.row == 4
    with factory() as s:
        assert read_statistics(s).empty
    assert _audit(factory) == []


def test_duplicate_keys_in_a_frame_are_refused(factory) -> None:
    twice = _frame(region_code=["330100"] * 3, year=[2020] * 3, variable=["x"] * 3,
                   sector=[""] * 3, item=["", "", "a"], unit=["万吨"] * 3)
    with pytest.raises(DataError) as err, unit_of_work(factory, actor="alice") as s:
        write_statistics(s, twice, dataset="upload", synthetic=False)
    assert "rows 2, 3" in str(err.value)


def test_a_key_already_stored_in_the_dataset_is_refused_but_not_in_another(factory) -> None:
    with unit_of_work(factory, actor="alice") as s:
        write_statistics(s, _frame(), dataset="a", synthetic=False)
    with pytest.raises(DataError, match="already holds"), unit_of_work(factory, actor="b") as s:
        write_statistics(s, _frame().iloc[:1], dataset="a", synthetic=False)
    with unit_of_work(factory, actor="alice") as s:
        assert write_statistics(s, _frame().iloc[:1], dataset="b", synthetic=False) == 1
    with factory() as s:
        assert len(read_statistics(s)) == 4


def test_missing_columns_and_empty_datasets_are_refused(factory) -> None:
    with pytest.raises(DataError, match="missing columns: unit"), factory() as s:
        write_statistics(s, _frame().drop(columns=["unit"]), dataset="a", synthetic=False)
    with pytest.raises(DataError, match="dataset"), factory() as s:
        write_statistics(s, _frame(), dataset="", synthetic=False)


def test_read_filters_by_region_variable_year_and_dataset(factory) -> None:
    with unit_of_work(factory, actor="alice") as s:
        write_statistics(s, _frame(), dataset="a", synthetic=False)
        write_statistics(s, _frame(), dataset="b", synthetic=True)
    with factory() as s:
        assert len(read_statistics(s, region_codes=["330100"])) == 4
        assert len(read_statistics(s, variables=["population"], years=[2015])) == 2
        only_b = read_statistics(s, datasets=["b"], variables=["energy_total"])
        assert only_b[["dataset", "synthetic", "value"]].values.tolist() == [["b", True, 4286.0]]
        assert read_statistics(s, years=[1999]).empty


def test_delete_removes_whole_datasets_and_is_audited(factory) -> None:
    with unit_of_work(factory, actor="alice") as s:
        write_statistics(s, _frame(), dataset="a", synthetic=False)
        write_statistics(s, _frame(), dataset="b", synthetic=False)
    with unit_of_work(factory, actor="carol") as s:
        assert delete_statistics(s, datasets=["a", "nothing-here"]) == 3
    with factory() as s:
        assert set(read_statistics(s)["dataset"]) == {"b"}
        assert verify_chain(s) == []
    last = _audit(factory)[-1]
    assert (last["actor"], last["action"], last["entity_key"]) == ("carol", "delete", "a")
    assert json.loads(last["before_json"]) == {"dataset": "a", "rows": 3}
