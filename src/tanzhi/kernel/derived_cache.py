"""Figures derived from stored data, cached by the hash of their inputs (issue #11 item 10).

A page such as the inventory overview spends a second turning stored rows into totals, charts
and tables; the rows change only when someone writes.  `DerivedCache.get` keys an entry by
the SHA-256 of everything the figures depend on:

- the **database**: its URL (one process may serve several installations, as tests do) and
  `content_version` — the newest audit-chain entry (seq and keyed hash) outside the tables the
  caller declares it never reads.  Every write through the app appends to the chain in the
  same transaction, and a write made around the app is what `tanzhi audit verify` reports, so
  a new commit of any audited row gives a new key: a cached number is never stale;
- the **request**: the names and values the caller passes (run, region, year, locale, …);
- the **code and packaged data**: `code_fingerprint()`, the SHA-256 of every file of the
  installed package (sources, templates, packaged data), is part of the key, so figures stored
  by another release or an edited checkout are never read.

The version is read in the caller's transaction, the same snapshot the figures are read in.
Entries are bounded (least recently used dropped first); values must be treated as read-only
by callers (they are shared between requests).

**Stored precompute.**  An app attaches a `DerivedStore` to its engine (`attach_store`): a folder
under the data directory with one file per view (kind, database, inputs — the *slot*), holding
the full input key it was computed for and the figures, signed with HMAC-SHA256 under the
installation's own key.  A new process (a restart) reads a view from its file instead of
recomputing it; a file whose key differs (the database has moved on) or whose signature fails is
ignored and overwritten, so a stored figure is never stale and the folder never holds more than
one file per view.  `tanzhi.web.precompute` fills the views each user lands on when the server
starts and after every write.
"""

from __future__ import annotations

import functools
import hashlib
import hmac
import json
import os
import pickle
import tempfile
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from tanzhi.kernel.audit import AUDITED_ENTITIES, content_version

T = TypeVar("T")

# Tables written on every login and session touch, and background jobs' status rows: no derived
# figure reads them, so their writes leave every key as it was.
VOLATILE_TABLES = ("access_login_attempt", "access_session", "kernel_job")


PACKAGE = Path(__file__).resolve().parents[1]
# `session.info` key: (transaction, {ignored tables: content version}) of a read transaction.
_VERSION_MEMO = "tanzhi.derived.version"


@functools.cache
def code_fingerprint() -> str:
    """SHA-256 (hex) of the path and bytes of every file of the tanzhi package (≈ 6 MB, read
    once per process), bytecode caches left out."""
    digest = hashlib.sha256()
    for path in sorted(p for p in PACKAGE.rglob("*")
                       if p.is_file() and "__pycache__" not in p.parts):
        digest.update(str(path.relative_to(PACKAGE)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _digest(**parts: Any) -> str:
    text = json.dumps(parts, sort_keys=True, ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


def _db(session: Session) -> str:
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def input_key(session: Session, kind: str, *, ignore: Iterable[str] = VOLATILE_TABLES,
              **inputs: Any) -> str:
    """SHA-256 (hex) of `kind`, the release, the database URL, its content version and `inputs`.

    `inputs` must be JSON-serialisable (str, int, float, bool, None, lists of them);
    anything else is refused rather than stringified, so two different inputs never share
    a key by accident.
    """
    seq, head = _version(session, tuple(sorted(set(ignore))))
    return _digest(kind=kind, release=code_fingerprint(), db=_db(session), seq=seq, head=head,
                   inputs=inputs)


def _version(session: Session, ignore: tuple[str, ...]) -> tuple[int, str]:
    """`content_version`, read once per read-only transaction (a page asking for six cached
    views pays one query, not six).  Never memoised in a write transaction: its own flushes
    move the version, and figures keyed by the version before them would hold uncommitted
    rows under a committed key."""
    if not session.info.get("read_only"):
        return content_version(session, ignore=ignore)
    txn = session.get_transaction()
    memo = session.info.get(_VERSION_MEMO)
    if memo is None or memo[0] is not txn:
        memo = session.info[_VERSION_MEMO] = (txn, {})
    if ignore not in memo[1]:
        memo[1][ignore] = content_version(session, ignore=ignore)
    return memo[1][ignore]


def slot_key(session: Session, kind: str, **inputs: Any) -> str:
    """SHA-256 (hex) of the view without the content version: the file a view is stored in."""
    return _digest(kind=kind, db=_db(session), inputs=inputs)


class DerivedStore:
    """Derived figures on disk, one signed file per view (see the module docstring).

    File layout: 32 bytes HMAC-SHA256 of the rest under `secret`, then a pickle of
    ``(input key, figures)``.  The signature is checked before unpickling, so only files this
    installation wrote are ever loaded; writes go through a temporary file and `os.replace`,
    so a reader sees a whole file or none.
    """

    def __init__(self, folder: Path, secret: bytes) -> None:
        if len(secret) < 16:
            raise ValueError("DerivedStore needs a secret of at least 16 bytes")
        self.folder = Path(folder)
        self._secret = secret

    def _path(self, slot: str) -> Path:
        return self.folder / slot[:2] / f"{slot}.bin"

    def read(self, slot: str, key: str) -> tuple[bool, Any]:
        """(True, figures) when the slot's file holds figures computed for `key`."""
        try:
            blob = self._path(slot).read_bytes()
        except OSError:
            return False, None
        sig, body = blob[:32], blob[32:]
        if not hmac.compare_digest(sig, hmac.new(self._secret, body, "sha256").digest()):
            return False, None
        stored_key, value = pickle.loads(body)  # noqa: S301 - signed by this installation
        return (True, value) if stored_key == key else (False, None)

    def write(self, slot: str, key: str, value: Any) -> None:
        """Store `value` as the slot's figures for `key` (atomic replace)."""
        path = self._path(slot)
        path.parent.mkdir(parents=True, exist_ok=True)
        body = pickle.dumps((key, value), protocol=pickle.HIGHEST_PROTOCOL)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(hmac.new(self._secret, body, "sha256").digest() + body)
            Path(tmp).replace(path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def prune(self, max_age_s: float) -> int:
        """Remove files not written for `max_age_s` seconds (views keyed by a past date or a
        region nobody opens any more); how many.  A pruned view is recomputed when asked."""
        cutoff = time.time() - max_age_s
        removed = 0
        for path in self.folder.glob("*/*.bin"):
            try:
                if path.stat().st_mtime < cutoff:
                    path.unlink()
                    removed += 1
            except FileNotFoundError:  # another process pruned or replaced it first
                continue
        return removed

    def __len__(self) -> int:
        return sum(1 for _ in self.folder.glob("*/*.bin"))


_STORES: weakref.WeakKeyDictionary[Engine, DerivedStore] = weakref.WeakKeyDictionary()


def attach_store(engine: Engine, store: DerivedStore) -> None:
    """Let every `DerivedCache` read and write `store` for sessions bound to `engine`."""
    _STORES[engine] = store


def detach_store(engine: Engine) -> None:
    """Stop using a store for `engine` (benchmarks timing the path without one)."""
    _STORES.pop(engine, None)


def store_for(session: Session) -> DerivedStore | None:
    """The store attached to the session's engine, if any."""
    return _STORES.get(session.get_bind().engine)


def on_content_change(factory: sessionmaker[Session], callback: Callable[[], object], *,
                      ignore: Iterable[str] = VOLATILE_TABLES) -> None:
    """Call `callback()` after each commit, by a session of `factory`, that wrote an audit
    entry on a table outside `ignore` — the commits that change `input_key` (it must be quick:
    it runs in the committing thread)."""
    skip = frozenset(ignore)

    def _committed(session: Session) -> None:
        if session.info.pop(AUDITED_ENTITIES, set()) - skip:
            callback()

    def _rolled_back(session: Session, previous: SessionTransaction) -> None:
        if not previous.nested:  # a savepoint's rollback leaves the outer writes standing
            session.info.pop(AUDITED_ENTITIES, None)

    event.listen(factory, "after_commit", _committed)
    event.listen(factory, "after_soft_rollback", _rolled_back)


class DerivedCache:
    """A bounded, thread-safe, in-process map from input hash to derived figures."""

    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.stored_hits = 0
        self.misses = 0

    def get(self, session: Session, kind: str, compute: Callable[[], T], **inputs: Any) -> T:
        """The figures for these inputs: in memory, in the engine's store, or `compute()`
        stored under their key in both."""
        key = input_key(session, kind, **inputs)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
        store = store_for(session)
        slot = slot_key(session, kind, **inputs) if store is not None else ""
        found, value = store.read(slot, key) if store is not None else (False, None)
        if found:
            self.stored_hits += 1
        else:
            self.misses += 1
            value = compute()
            if store is not None:
                store.write(slot, key, value)
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.maxsize:
                self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every entry (tests; never needed for correctness)."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)
