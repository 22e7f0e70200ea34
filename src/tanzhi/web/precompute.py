"""Stored precompute of the landing pages' figures (issue #11 item 10).

The figures of the inventory overview and run page, `/plans`, the plan pages, the indicator
pages and the dashboard's key statistics are cached by the hash of their inputs
(`tanzhi.kernel.DerivedCache`) in memory and in a signed file per view under
``<data_dir>/derived`` (`tanzhi.kernel.DerivedStore`).  `precompute` computes them for the
views each active user lands on (their own region, default years), so that the first visitor
after a start or a write reads them instead of waiting for them:

- when the server starts (`tanzhi serve`, in a background thread once it listens; after a
  restart on an unchanged database every view is a file read);
- after every write that commits through the app (an unsafe request answered below 400, or a
  background job such as an inventory compile or an actuals import finishing):
  `Precomputer.request` coalesces a burst of writes into one pass run after the last.

A view precomputed for a database version that a later write has moved past is never served:
the key covers the audit chain's content version (see `tanzhi.kernel.derived_cache`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.orm import Session, sessionmaker

from tanzhi.access import User, list_users
from tanzhi.inventory import precompute_inventory_pages
from tanzhi.kernel import TanzhiError, read_transaction, store_for
from tanzhi.plan import precompute_plan_pages
from tanzhi.web.api import key_statistics_cached

log = logging.getLogger(__name__)

# A stored view not rewritten for a week is dropped (plan views are keyed by today's date).
PRUNE_AFTER_S = 7 * 24 * 3600


def precompute_user(db: Session, user: User, locale: str) -> None:
    """Fill the caches with the figures of the pages `user` lands on."""
    if not user.region_code:
        return
    key_statistics_cached(db, user.region_code)
    precompute_inventory_pages(db, user, locale)
    precompute_plan_pages(db, user)


def precompute(factory: sessionmaker[Session], locale: str) -> tuple[int, int]:
    """One pass over every active user with a region: (users done, users whose views raised a
    tanzhi error — their pages show that error themselves, so it is logged, not raised)."""
    with read_transaction(factory) as db:
        users = [u for u in list_users(db) if u.active and u.region_code]
        store = store_for(db)
    if store is not None:  # views keyed by a past day are never asked again
        store.prune(PRUNE_AFTER_S)
    done = failed = 0
    for user in users:
        try:
            with read_transaction(factory) as db:
                precompute_user(db, user, locale)
            done += 1
        except TanzhiError as exc:
            failed += 1
            log.info("precompute for %s skipped: %s", user.username, exc)
    return done, failed


class Precomputer:
    """Runs `precompute` in one background thread, coalescing requests: a request while a pass
    runs schedules exactly one more pass after it, `delay` seconds after the last request."""

    def __init__(self, run: Callable[[], object], *, delay: float = 1.0) -> None:
        self._run = run
        self._delay = delay
        self._lock = threading.Lock()
        self._wanted = threading.Event()
        self._stopped = threading.Event()
        self._last = 0.0
        self._thread: threading.Thread | None = None
        self._running = False
        self.passes = 0

    def request(self) -> None:
        """Ask for a pass (non-blocking); starts the thread on first use."""
        with self._lock:
            self._last = time.monotonic()
            self._wanted.set()
            if self._thread is None and not self._stopped.is_set():
                self._thread = threading.Thread(target=self._loop, name="tanzhi-precompute",
                                                daemon=True)
                self._thread.start()

    def _loop(self) -> None:
        while not self._stopped.is_set():
            if not self._wanted.wait(timeout=0.5):
                continue
            while (wait := self._last + self._delay - time.monotonic()) > 0:
                if self._stopped.wait(wait):
                    return
            started = time.monotonic()
            self._running = True
            self._wanted.clear()
            try:
                self._run()
            except Exception:  # an optimisation must never take the server down
                log.exception("precompute pass failed")
            finally:
                self._running = False
            self.passes += 1
            log.info("precompute pass %d took %.1f s", self.passes, time.monotonic() - started)

    def idle(self) -> bool:
        """True when no pass is running or waiting."""
        return not self._wanted.is_set() and not self._running

    def wait_idle(self, timeout: float) -> bool:
        """Block until `idle()` (True) or `timeout` seconds pass (False)."""
        end = time.monotonic() + timeout
        while not self.idle():
            if time.monotonic() > end:
                return False
            time.sleep(0.05)
        return True

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the thread (a running pass finishes first)."""
        self._stopped.set()
        self._wanted.set()
        if self._thread is not None:
            self._thread.join(timeout)
