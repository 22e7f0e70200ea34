"""Rows edited, inserted or deleted in the database behind the app's back are reported by the
audit (issue #8, finding 10): the chain's last after-image of each row is compared with the row."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select, text

from tanzhi.access import Role, create_user, set_password
from tanzhi.access.store import UserRow
from tanzhi.config import Settings
from tanzhi.kernel.audit import (
    REDACTED_PREFIX,
    bulk,
    make_session_factory,
    verify_chain,
    verify_rows,
)
from tanzhi.kernel.db import make_engine, unit_of_work
from tanzhi.kernel.statistics import delete_statistics, write_statistics
from tanzhi.migrate import metadata
from tanzhi.plan.store import PlanActualRow

pytestmark = pytest.mark.storage


def _actual(**kw: object) -> PlanActualRow:
    fields = {"plan_id": "p1", "indicator_id": "i1", "region_code": "330600", "year": 2023,
              "value": 12.5, "source": "统计年鉴", "released_on": date(2024, 3, 1),
              "lineage": {"from": ["a", 1.5]}}
    fields.update(kw)
    return PlanActualRow(**fields)


def _db(settings: Settings):
    """`settings` is at the newest schema already (a copy of the run's migrated template)."""
    metadata()
    engine = make_engine(settings)
    factory = make_session_factory(engine)
    with unit_of_work(factory, actor="admin") as s:
        create_user(s, username="kq.county", password="pw-123456789", role=Role.COUNTY_OFFICER,
                    display_name="柯桥", region_code="330603")
        s.add_all([_actual(), _actual(year=2024, value=11)])
    return engine, factory


@pytest.fixture
def db(migrated_storage_settings: Settings):
    engine, factory = _db(migrated_storage_settings)
    yield engine, factory
    engine.dispose()


def _findings(factory) -> list:
    with factory() as s:
        return verify_chain(s) + verify_rows(s)


def _sql(engine, statement: str, **params: object) -> None:
    with engine.begin() as conn:
        conn.execute(text(statement), params)


def test_app_writes_leave_no_finding(db) -> None:
    engine, factory = db
    with unit_of_work(factory, actor="admin") as s:
        row = s.scalars(select(PlanActualRow).where(PlanActualRow.year == 2024)).one()
        row.value, row.note = 10.75, "修订"
        set_password(s, username="kq.county", password="another-password-1")
        s.delete(s.scalars(select(PlanActualRow).where(PlanActualRow.year == 2023)).one())
    assert _findings(factory) == []


def test_a_column_left_unset_at_insert_then_set_in_the_same_session_is_audited(db) -> None:
    """`superseded_by` is not loaded after the insert that left it unset, so setting it leaves no
    old value in SQLAlchemy's history; the entry must still be written (issue #12: the
    enterprise approval's `approved_by` went unrecorded and `audit verify` flagged the row)."""
    _engine, factory = db
    with unit_of_work(factory, actor="admin") as s:
        first = _actual(year=2025)
        s.add(first)
        s.flush()
        second = _actual(year=2025, value=13.0)
        s.add(second)
        s.flush()
        first.superseded_by = second.id
    assert _findings(factory) == []


def test_actual_value_changed_in_the_database_is_reported(db) -> None:
    engine, factory = db
    _sql(engine, "UPDATE plan_actual SET value = 99 WHERE year = 2024")
    found = _findings(factory)
    assert [(f.table, "value" in f.problem_en) for f in found] == [("plan_actual", True)]
    assert "在应用之外修改" in str(found[0]) and "changed outside the app" in str(found[0])


def test_user_role_changed_in_the_database_is_reported(db) -> None:
    engine, factory = db
    _sql(engine, "UPDATE access_user SET role = 'province_admin' WHERE username = 'kq.county'")
    found = _findings(factory)
    with factory() as s:
        uid = s.scalars(select(UserRow.id).where(UserRow.username == "kq.county")).one()
    assert [(f.table, f.key) for f in found] == [("access_user", str(uid))]
    assert "role" in found[0].problem_en


def test_password_hash_is_protected_without_being_revealed(db) -> None:
    engine, factory = db
    with factory() as s:
        stored = s.scalars(select(UserRow.password_hash)).one()
        images = [json.loads(a) for a in s.scalars(text(
            "SELECT after_json FROM kernel_audit_entry WHERE entity = 'access_user'"))]
    assert all(i["password_hash"].startswith(REDACTED_PREFIX) for i in images)
    assert all(stored not in json.dumps(i) for i in images)
    _sql(engine, "UPDATE access_user SET password_hash = :h", h=stored.replace("$argon2id$",
                                                                             "$argon2i$"))
    found = _findings(factory)
    assert [f.table for f in found] == ["access_user"]
    assert "password_hash" in found[0].problem_en


def test_rows_inserted_or_deleted_in_the_database_are_reported(db) -> None:
    engine, factory = db
    _sql(engine, "DELETE FROM plan_actual WHERE year = 2023")
    _sql(engine, "INSERT INTO plan_actual (id, plan_id, indicator_id, region_code, year, value, "
                 "source, note, derived, lineage, revision, actor, created_at) VALUES (77, 'p1', "
                 "'i1', '330600', 2025, 1.0, 'x', '', false, '{}', 1, 'mallory', "
                 "'2026-01-01 00:00:00')")
    found = {(f.table, f.key, f.problem_en.split(" (")[0]) for f in _findings(factory)}
    assert ("plan_actual", "77", "row has no audit record") in found
    assert any(t == "plan_actual" and p.startswith("row recorded by the audit is gone")
               for t, _k, p in found)
    assert len(found) == 2


def _stats(n: int) -> pd.DataFrame:
    return pd.DataFrame({"region_code": ["330100"] * n, "year": list(range(2000, 2000 + n)),
                         "variable": ["population"] * n, "value": [float(i) for i in range(n)],
                         "unit": ["万人"] * n})


def test_bulk_rows_are_checked_by_key_range(db, monkeypatch: pytest.MonkeyPatch) -> None:
    engine, factory = db
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 4)
    with unit_of_work(factory, actor="import") as s:
        write_statistics(s, _stats(10), dataset="d1", synthetic=True)
        write_statistics(s, _stats(3), dataset="d2", synthetic=True)
    assert _findings(factory) == []
    _sql(engine, "UPDATE kernel_statistic SET value = -1 WHERE dataset = 'd1' AND year = 2005")
    found = _findings(factory)
    assert [(f.table, f.key.split(" ")[0]) for f in found] == [("kernel_statistic", "d1")]
    assert "4 recorded, 4 found" in found[0].problem_en  # the second of three chunks (4, 4, 2)
    _sql(engine, "UPDATE kernel_statistic SET value = 5 WHERE dataset = 'd1' AND year = 2005")
    assert _findings(factory) == []  # the original value back: nothing to report
    _sql(engine, "DELETE FROM kernel_statistic WHERE dataset = 'd2' AND year = 2001")
    _sql(engine, "INSERT INTO kernel_statistic (region_code, year, variable, sector, item, value, "
                 "unit, dataset, synthetic, note) VALUES ('330100', 1990, 'population', '', '', "
                 "1, '万人', 'd3', true, '')")
    found = sorted((f.key, f.problem_en.split(":")[0]) for f in _findings(factory))
    assert len(found) == 2
    assert found[0][1].startswith("row has no audit record")  # keyed by its id
    assert found[1][0].startswith("d2") and "bulk rows with keys" in found[1][1]


def test_deleted_bulk_group_expects_no_rows(db) -> None:
    engine, factory = db
    with unit_of_work(factory, actor="import") as s:
        write_statistics(s, _stats(3), dataset="d1", synthetic=True)
    with unit_of_work(factory, actor="import") as s:
        delete_statistics(s, datasets=["d1"])
    assert _findings(factory) == []
    _sql(engine, "INSERT INTO kernel_statistic (region_code, year, variable, sector, item, value, "
                 "unit, dataset, synthetic, note) VALUES ('330100', 2000, 'population', '', '', "
                 "0, '万人', 'd1', true, '')")
    assert [f.table for f in _findings(factory)] == ["kernel_statistic"]


_floats = st.floats(allow_nan=False, width=64) | st.integers(-10**9, 10**9)


@hsettings(max_examples=15, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(_floats, min_size=1, max_size=4),
       note=st.text(max_size=20).filter(lambda t: "\x00" not in t),
       lineage=st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=5),
                               max_size=3),
       victim=st.integers(0, 3))
def test_app_values_round_trip_and_any_raw_edit_is_caught(
        tmp_path_factory: pytest.TempPathFactory, migrated_copy, values: list, note: str,
        lineage: dict, victim: int) -> None:
    # Invariant: whatever the app stores, the row read back equals its recorded image (no
    # false alarm: ints in Float columns, -0.0, huge floats, any text, JSON); and an edit of
    # any one stored value is reported.
    engine, factory = _db(migrated_copy(tmp_path_factory.mktemp("h") / "data"))
    try:
        with unit_of_work(factory, actor="app") as s:
            rows = [_actual(year=3000 + i, value=v, note=note, lineage=lineage)
                    for i, v in enumerate(values)]
            s.add_all(rows)
            s.flush()
            ids = [r.id for r in rows]
        assert _findings(factory) == []
        target = ids[victim % len(ids)]
        _sql(engine, "UPDATE plan_actual SET note = note || '!' WHERE id = :i", i=target)
        assert [(f.table, f.key) for f in _findings(factory)] == [("plan_actual", str(target))]
    finally:
        engine.dispose()
