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
- the **code and packaged data**: the cache lives in the process, so a new release (a
  restart) starts empty.

The version is read in the caller's transaction, the same snapshot the figures are read in.
Entries are bounded (least recently used dropped first); values must be treated as read-only
by callers (they are shared between requests).
"""

from __future__ import annotations

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from tanzhi.kernel.audit import content_version

T = TypeVar("T")

# Tables written on every login and session touch; no derived figure reads them.
VOLATILE_TABLES = ("access_login_attempt", "access_session")


def input_key(session: Session, kind: str, *, ignore: Iterable[str] = VOLATILE_TABLES,
              **inputs: Any) -> str:
    """SHA-256 (hex) of `kind`, the database URL, its content version and `inputs`.

    `inputs` must be JSON-serialisable (str, int, float, bool, None, lists of them);
    anything else is refused rather than stringified, so two different inputs never share
    a key by accident.
    """
    seq, head = content_version(session, ignore=ignore)
    url = session.get_bind().engine.url.render_as_string(hide_password=True)
    text = json.dumps({"kind": kind, "db": url, "seq": seq, "head": head, "inputs": inputs},
                      sort_keys=True, ensure_ascii=False, allow_nan=False)
    return hashlib.sha256(text.encode()).hexdigest()


class DerivedCache:
    """A bounded, thread-safe, in-process map from input hash to derived figures."""

    def __init__(self, maxsize: int = 256) -> None:
        self.maxsize = maxsize
        self._entries: OrderedDict[str, Any] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, session: Session, kind: str, compute: Callable[[], T], **inputs: Any) -> T:
        """The figures for these inputs: cached, or `compute()` stored under their key."""
        key = input_key(session, kind, **inputs)
        with self._lock:
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
            self.misses += 1
        value = compute()
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
