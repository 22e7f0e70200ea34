"""Stored precompute of the landing pages (issue #11 item 10), on a copy of the demo.

`create_app(precompute_views=True)` (what `tanzhi serve` runs) computes every user's landing
views once it starts and again after each audited commit, into ``<data_dir>/derived``; a
restarted process (here: the module caches emptied) reads them instead of recomputing.  A
changed input changes the page: the stored figures are keyed by the database's content
version, so the number recorded is the number shown, never the stored one from before.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tanzhi.config import Settings
from tanzhi.kernel import significant, unit_of_work
from tanzhi.plan import record_actual
from tanzhi.plan.pages import CACHE as PLAN_CACHE
from tanzhi.web import create_app

from .conftest import demo_login

SX = "sx-fyp14-climate"
CO2 = "co2_intensity_reduction"
URL = f"/plans/{SX}/indicators/{CO2}"
PASS_S = 600  # one precompute pass over the demo's 15 users, bounded for a loaded machine


def _latest(client: TestClient) -> tuple[str, str]:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", client.get(URL).text))
    found = re.search(r"最新实际值 (\S+) \((\d{4})", text)
    assert found, "the indicator page shows no latest actual"
    return found.group(1), found.group(2)


def _restart() -> None:
    """Forget what this process computed, as a restart does; the stored files stay."""
    PLAN_CACHE.clear()


def test_a_restart_reads_the_stored_figures_and_a_write_shows_at_once(
        demo_settings: Settings) -> None:
    app = create_app(demo_settings, precompute_views=True)
    # Entering the client runs the app's lifespan: the first pass is requested.
    with demo_login(app, "sx.city") as client:
        precomputer = app.state.precomputer
        assert precomputer.wait_idle(PASS_S) and precomputer.passes >= 1
        assert any((demo_settings.data_dir / "derived").glob("*/*.bin"))
        _restart()
        misses = PLAN_CACHE.misses
        shown, year = _latest(client)
        assert PLAN_CACHE.misses == misses  # read from the stored precompute, not recomputed
        twin = client.get(f"/api/v1/plans/{SX}/indicators/{CO2}").json()
        latest = twin["actuals"][-1]
        assert (shown, year) == (significant(latest["value"]), str(latest["year"]))

        # An input changes (a revised actual, committed through the app's sessions): the
        # commit hook asks for a pass, and the page shows the new number — from the pass.
        new = float(latest["value"]) + 1.5
        with unit_of_work(app.state.session_factory, actor="sx.city") as db:
            record_actual(db, plan_id=SX, indicator_id=CO2, region_code=latest["region_code"]
                          if "region_code" in latest else twin["status"]["region_code"],
                          year=int(latest["year"]), value=new, source="test revision",
                          actor="sx.city")
        passes = precomputer.passes
        assert precomputer.wait_idle(PASS_S) and precomputer.passes > passes
        _restart()
        misses = PLAN_CACHE.misses
        assert _latest(client) == (significant(new), year)
        assert PLAN_CACHE.misses == misses
