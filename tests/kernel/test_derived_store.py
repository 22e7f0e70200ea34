"""The stored precompute (issue #11 item 10): derived figures on disk, keyed by input hash.

A new process (here: a new `DerivedCache`, whose memory is empty) reads a view from its file
instead of recomputing it; a write that changes an input gives a new key, so the stored figures
are recomputed, never served stale; a file this installation did not sign is never unpickled.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import Integer, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tanzhi.config import Settings
from tanzhi.kernel import (
    DerivedCache,
    DerivedStore,
    attach_store,
    input_key,
    on_content_change,
)
from tanzhi.kernel.audit import make_session_factory
from tanzhi.kernel.db import make_engine, read_transaction, unit_of_work


class _TestBase(DeclarativeBase):
    pass


class Meter(_TestBase):
    """A throw-away audited table standing for any stored input of a page."""

    __tablename__ = "test_meter"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


@pytest.fixture
def engine(migrated_settings: Settings):
    engine = make_engine(migrated_settings)
    _TestBase.metadata.create_all(engine)
    yield engine
    engine.dispose()


def _total(session) -> int:
    return int(session.execute(text("SELECT coalesce(sum(value), 0) FROM test_meter")).scalar())


def test_a_new_process_reads_the_stored_figures_and_a_write_recomputes(engine,
                                                                     tmp_path: Path) -> None:
    factory = make_session_factory(engine)
    store = DerivedStore(tmp_path / "derived", b"k" * 32)
    attach_store(engine, store)
    calls: list[int] = []

    def read(cache: DerivedCache) -> int:
        with read_transaction(factory) as s:
            return cache.get(s, "total", lambda: calls.append(1) or _total(s), region="330000")

    with unit_of_work(factory, actor="t") as s:
        s.add(Meter(id=1, value=5))
    assert read(DerivedCache()) == 5 and len(calls) == 1
    restarted = DerivedCache()  # empty memory, as after a restart
    assert read(restarted) == 5 and len(calls) == 1 and restarted.stored_hits == 1
    with unit_of_work(factory, actor="t") as s:
        s.get(Meter, 1).value = 7
    assert read(DerivedCache()) == 7 and len(calls) == 2  # the input changed: recomputed
    assert read(DerivedCache()) == 7 and len(calls) == 2  # ... and stored again
    assert len(store) == 1  # one file per view, overwritten, not one per version


def test_a_file_not_signed_by_this_installation_is_ignored(engine, tmp_path: Path) -> None:
    factory = make_session_factory(engine)
    folder = tmp_path / "derived"
    attach_store(engine, DerivedStore(folder, b"k" * 32))
    with read_transaction(factory) as s:
        assert DerivedCache().get(s, "v", lambda: 1, region="a") == 1
    (path,) = folder.glob("*/*.bin")
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 1  # flip a bit of the pickled figures
    path.write_bytes(bytes(blob))
    with read_transaction(factory) as s:
        assert DerivedCache().get(s, "v", lambda: 2, region="a") == 2
    # Another installation's key does not read this one's files either.
    attach_store(engine, DerivedStore(folder, b"o" * 32))
    with read_transaction(factory) as s:
        assert DerivedCache().get(s, "v", lambda: 3, region="a") == 3
    with pytest.raises(ValueError, match="16 bytes"):
        DerivedStore(folder, b"short")


def test_content_change_hook_fires_after_audited_commits_only(engine) -> None:
    factory = make_session_factory(engine)
    fired: list[int] = []
    on_content_change(factory, lambda: fired.append(1))
    with read_transaction(factory) as s:
        _total(s)
    assert fired == []  # a read commits nothing audited
    with unit_of_work(factory, actor="t") as s:
        s.add(Meter(id=3, value=1))
    assert fired == [1]
    with pytest.raises(RuntimeError), unit_of_work(factory, actor="t") as s:
        s.add(Meter(id=4, value=1))
        s.flush()
        raise RuntimeError("rolled back")
    with read_transaction(factory) as s:
        _total(s)
    assert fired == [1]  # the rolled-back write's entities are forgotten


def test_the_version_is_read_once_per_read_transaction_never_across_a_flush(engine) -> None:
    factory = make_session_factory(engine)
    with read_transaction(factory) as s:
        assert input_key(s, "v", region="a") == input_key(s, "v", region="a")
    with unit_of_work(factory, actor="t") as s:
        before = input_key(s, "v", region="a")
        s.add(Meter(id=9, value=1))
        s.flush()
        # The transaction's own audited flush moves its key: figures computed from the new
        # row are never stored under the committed version before it.
        assert input_key(s, "v", region="a") != before


def test_files_not_rewritten_for_a_while_are_pruned(engine, tmp_path: Path) -> None:
    factory = make_session_factory(engine)
    store = DerivedStore(tmp_path / "derived", b"k" * 32)
    attach_store(engine, store)
    with read_transaction(factory) as s:
        DerivedCache().get(s, "v", lambda: 1, region="old")
        DerivedCache().get(s, "v", lambda: 2, region="new")
    assert len(store) == 2
    old = next(store.folder.glob("*/*.bin"))
    os.utime(old, (1_000_000_000, 1_000_000_000))  # written in 2001
    assert store.prune(7 * 24 * 3600) == 1 and len(store) == 1
    assert not old.exists()
