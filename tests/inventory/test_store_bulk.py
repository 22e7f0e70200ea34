"""Result rows stored in bulk (issue #9 item 10): written with the driver's executemany, their
audit image made from the values written — it must equal the image read back from the table
(`bulk.group_image`, what `audit verify` recomputes), on SQLite and PostgreSQL, for every value
the engine can produce (NaN, -0.0, infinities, huge floats, ints in Float columns, any text)."""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from sqlalchemy import select, text

from tanzhi.config import Settings
from tanzhi.inventory import store
from tanzhi.kernel.audit import AuditEntry, bulk, make_session_factory, verify_chain, verify_rows
from tanzhi.kernel.audit.bulk import ROWS_FIELD, group_image
from tanzhi.kernel.db import make_engine, unit_of_work
from tanzhi.kernel.keys import audit_key
from tanzhi.migrate import metadata

pytestmark = pytest.mark.storage


def _results(emissions: list[float], note: str = "") -> pd.DataFrame:
    n = len(emissions)
    return pd.DataFrame({
        "region_code": ["330100"] * n, "year": np.arange(2015, 2015 + n),
        "category": ["1.A.1"] * n, "sector": [1] * n, "item": ["原煤"] * n, "gas": ["CO2"] * n,
        "emissions_t": emissions, "co2e_t": [e * 2 if i % 2 else None
                                             for i, e in enumerate(emissions)],
        "memo": [i % 3 == 0 for i in range(n)], "notation": [None] * n, "method": ["m"] * n,
        "factor_ids": ["a;b"] * n, "activity_ids": [note] * n,
        "activity_value": [float(i) for i in range(n)], "activity_unit": ["t"] * n,
        "note": [note] * n,
    })


def _store(factory, run_id: int | None, frame: pd.DataFrame) -> int:
    with unit_of_work(factory, actor="compile") as s:
        if run_id is None:
            run_id = store.add_run(s, gwp="AR5", source="upload").id
        store.add_results(s, run_id, frame)
    return run_id


def _recorded_and_read(factory, settings: Settings, run_id: int) -> tuple[dict, dict]:
    with factory() as s:
        last = s.scalars(select(AuditEntry).where(AuditEntry.entity == "inventory_result")
                         .order_by(AuditEntry.seq.desc()).limit(1)).one()
        recorded = json.loads(last.after_json)[ROWS_FIELD]
        read = group_image(s.connection(), store.ResultRow.__table__, {"run_id": run_id},
                           audit_key(settings))
    return recorded, json.loads(json.dumps(read))


def _findings(factory) -> list:
    with factory() as s:
        return verify_chain(s) + verify_rows(s)


@pytest.fixture
def db(migrated_storage_settings: Settings):
    metadata()
    engine = make_engine(migrated_storage_settings)
    yield engine, make_session_factory(engine), migrated_storage_settings
    engine.dispose()


EDGE = [1.5, -0.0, 0.0, math.nan, math.inf, -math.inf, 1e308, 5e-324, 0.1 + 0.2, 3.0, -7.25]


def test_image_from_written_values_equals_the_rows_read_back(db, monkeypatch) -> None:
    engine, factory, settings = db
    monkeypatch.setattr(bulk, "CHUNK_ROWS", 4)
    run_id = _store(factory, None, _results(EDGE, note="引号 ' \" \\ 换行\n"))
    recorded, read = _recorded_and_read(factory, settings, run_id)
    assert recorded == read
    assert recorded["count"] == len(EDGE) and len(recorded["chunks"]) == 3
    assert _findings(factory) == []
    with engine.begin() as conn:  # an edit behind the app's back is still caught
        conn.execute(text("UPDATE inventory_result SET emissions_t = 2 WHERE run_id = :r "
                          "AND year = 2015"), {"r": run_id})
    assert [f.table for f in _findings(factory)] == ["inventory_result"]


def test_group_holding_other_rows_is_read_back(db) -> None:
    _engine, factory, settings = db
    run_id = _store(factory, None, _results([1.0, 2.0]))
    _store(factory, run_id, _results([3.0, math.nan, -0.0]))  # a second batch, same group
    recorded, read = _recorded_and_read(factory, settings, run_id)
    assert recorded == read and recorded["count"] == 5
    assert _findings(factory) == []


def test_stored_values_are_the_values_written(db) -> None:
    _engine, factory, _settings = db
    frame = _results(EDGE)
    run_id = _store(factory, None, frame)
    with factory() as s:
        back = store.read_results(s, run_id).sort_values("year")
    expected = frame["emissions_t"].to_numpy()
    assert np.array_equal(back["emissions_t"].to_numpy(), expected, equal_nan=True)
    assert back["memo"].tolist() == frame["memo"].tolist()
    assert back["notation"].tolist() == [""] * len(EDGE)


_values = st.floats(width=64) | st.integers(-10**12, 10**12)


@hsettings(max_examples=10, deadline=None,
           suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(_values, min_size=1, max_size=6),
       note=st.text(max_size=12).filter(lambda t: "\x00" not in t))
def test_any_values_give_the_image_read_back(
        tmp_path_factory: pytest.TempPathFactory, migrated_copy, values: list, note: str) -> None:
    settings = migrated_copy(tmp_path_factory.mktemp("b") / "data")
    metadata()
    engine = make_engine(settings)
    try:
        factory = make_session_factory(engine)
        run_id = _store(factory, None, _results([float(v) for v in values], note=note))
        recorded, read = _recorded_and_read(factory, settings, run_id)
        assert recorded == read
    finally:
        engine.dispose()
