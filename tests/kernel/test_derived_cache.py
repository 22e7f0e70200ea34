"""Derived figures cached by the hash of their inputs are never stale (issue #11 item 10).

The key covers the database URL, the audit chain's content version and the caller's inputs:
any audited write gives a new key, a login attempt does not, and two databases never share an
entry.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Integer, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tanzhi.config import Settings
from tanzhi.kernel import DerivedCache, input_key
from tanzhi.kernel.audit import GENESIS, content_version, make_session_factory
from tanzhi.kernel.db import make_engine, read_transaction, unit_of_work


class _TestBase(DeclarativeBase):
    pass


class Gauge(_TestBase):
    """A throw-away audited table standing for any stored input of a page."""

    __tablename__ = "test_gauge"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(20), default="")


@pytest.fixture
def factory(migrated_settings: Settings):
    engine = make_engine(migrated_settings)
    _TestBase.metadata.create_all(engine)
    yield make_session_factory(engine)
    engine.dispose()


def _total(session) -> int:
    return int(session.execute(text("SELECT coalesce(sum(value), 0) FROM test_gauge")).scalar())


def test_an_audited_write_changes_the_key_and_the_cached_value(factory) -> None:
    cache = DerivedCache(maxsize=8)
    calls: list[int] = []

    def read() -> int:
        with read_transaction(factory) as s:
            return cache.get(s, "total", lambda: calls.append(1) or _total(s), region="330000")

    with unit_of_work(factory, actor="t") as s:
        s.add(Gauge(id=1, value=5))
    assert read() == 5 and read() == 5
    assert len(calls) == 1 and cache.hits == 1  # the second read is served from the cache
    with unit_of_work(factory, actor="t") as s:
        s.get(Gauge, 1).value = 7
    assert read() == 7 and len(calls) == 2  # a new key after the update, never the old 5
    with unit_of_work(factory, actor="t") as s:
        s.delete(s.get(Gauge, 1))
    assert read() == 0 and len(calls) == 3


def test_inputs_kind_and_database_are_all_in_the_key(factory, migrated_copy,
                                                     tmp_path: Path) -> None:
    with read_transaction(factory) as s:
        base = input_key(s, "total", region="330000", year=2025)
        assert input_key(s, "total", region="330000", year=2025) == base
        assert input_key(s, "total", region="330100", year=2025) != base
        assert input_key(s, "total", region="330000", year=2024) != base
        assert input_key(s, "other", region="330000", year=2025) != base
        with pytest.raises(TypeError):  # an input that is not JSON is refused, not str()-ed
            input_key(s, "total", region=object())
    other = make_engine(migrated_copy(tmp_path / "other"))
    try:
        with read_transaction(make_session_factory(other)) as s:
            assert input_key(s, "total", region="330000", year=2025) != base
    finally:
        other.dispose()


def test_login_attempts_do_not_change_the_version_other_writes_do(factory) -> None:
    with read_transaction(factory) as s:
        before = content_version(s)
        volatile_before = content_version(s, ignore=["test_gauge"])
    assert before != (0, GENESIS)  # the migrated copy has its seeded regions in the chain
    with unit_of_work(factory, actor="t") as s:
        s.add(Gauge(id=2, value=1))
    with read_transaction(factory) as s:
        after = content_version(s)
        assert after[0] > before[0] and after[1] != before[1]
        # A caller that never reads test_gauge keeps its version across that write.
        assert content_version(s, ignore=["test_gauge"]) == volatile_before


def test_least_recently_used_entries_go_first(factory) -> None:
    cache = DerivedCache(maxsize=2)
    with read_transaction(factory) as s:
        for region in ("a", "b", "a", "c"):  # "a" is used again, so "b" is the one dropped
            cache.get(s, "k", lambda region=region: region.upper(), region=region)
        assert len(cache) == 2
        misses = cache.misses
        assert cache.get(s, "k", lambda: "A!", region="a") == "A"
        assert cache.get(s, "k", lambda: "B!", region="b") == "B!"
        assert cache.misses == misses + 1
