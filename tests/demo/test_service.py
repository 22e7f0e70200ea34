"""`build_demo` on both backends: statistics, one login per role, clean re-runs, intact audit."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import text

from tanzhi.access import Role, authenticate, list_users
from tanzhi.config import Settings
from tanzhi.demo import model as m
from tanzhi.demo.calc import generate
from tanzhi.demo.service import build_demo, demo_datasets
from tanzhi.kernel import (
    list_regions,
    make_engine,
    make_session_factory,
    packaged_regions,
    read_statistics,
    unit_of_work,
    verify_chain,
    write_statistics,
)

pytestmark = pytest.mark.storage


@pytest.fixture
def storage_settings(demo_storage: tuple) -> Settings:
    """A copy of the demo as `build_demo` left it on an empty database of each backend: the
    run builds it once per backend (tests/conftest.py `demo_storage`, issue #10 item 6)."""
    return demo_storage[0]


@pytest.fixture
def factory(storage_settings: Settings):
    engine = make_engine(storage_settings)
    yield make_session_factory(engine)
    engine.dispose()


def test_build_writes_the_generated_statistics_and_a_login_per_role(
        demo_storage: tuple, factory) -> None:
    _settings, summary, stages = demo_storage
    expected = generate(packaged_regions())
    assert summary.statistics == len(expected)
    # `db upgrade` already seeds the packaged regions, so the demo finds them in place.
    assert summary.regions_seeded == 0
    assert summary.datasets == expected.groupby("dataset").size().to_dict()
    # The statistics first, then each domain's seeder in dependency order (the inventory before
    # the plans that derive intensity from it, the registries before pilot counts are refreshed).
    assert [s for s, done, total in stages if done == total] == [
        "schema", "regions", "generate", "statistics", "users",
        "inventory", "plan", "decompose", "assess", "refresh", "report", "disclosure",
        "enterprise"]
    assert summary.domains["inventory"] > 0 and summary.domains["plan"] > 0
    with factory() as s:
        stored = read_statistics(s)
        regions = list_regions(s)
        # The 102 packaged regions, plus the towns/villages/parks the demo pilots sit in.
        assert sum(r.packaged for r in regions) == 102
        assert {r.level.value for r in regions if not r.packaged} <= {
            "town", "village", "park", "pilot_zone"}
        users = {u.username: u for u in list_users(s)}
    cols = ["region_code", "year", "variable", "sector", "item", "dataset"]
    mine = expected.sort_values(cols).reset_index(drop=True)
    theirs = stored.sort_values(cols).reset_index(drop=True)
    pd.testing.assert_frame_equal(theirs[mine.columns], mine[list(mine.columns)],
                                  check_exact=False, rtol=1e-12)
    assert {u.role for u in users.values()} == set(Role) - {Role.PUBLIC}
    assert users["hz.city"].region_code == "330100"
    assert users["kq.county"].role is Role.COUNTY_OFFICER
    assert {users[n].department for n in ("zj.fgw", "zj.jingxin", "zj.jianshe", "zj.jiaotong",
                                          "zj.linye")} == {
        "development_reform", "economy_it", "housing_construction", "transport", "forestry"}
    assert {u.region_code for u in users.values() if u.role is Role.CITY_OFFICER} == {
        "330100", "330400", "330600", "331000"}
    with unit_of_work(factory, actor="test") as s:
        assert authenticate(s, "zj.admin", m.DEMO_PASSWORD, client="test").role is \
            Role.PROVINCE_ADMIN


def test_a_rerun_rebuilds_cleanly_and_keeps_the_audit_chain_intact(
        storage_settings: Settings, factory) -> None:
    # `storage_settings` holds a first build already (the fixture); this test rebuilds it.
    with unit_of_work(factory, actor="someone") as s:  # a stray row in a demo dataset goes too
        write_statistics(s, pd.DataFrame({
            "region_code": ["330100"], "year": [2030], "variable": ["energy_total"],
            "value": [1.0], "unit": ["万吨标准煤"]}), dataset="demo", synthetic=True)
    with factory() as s:
        first_users = len(list_users(s))
    summary = build_demo(storage_settings)
    assert summary.regions_seeded == 0
    with factory() as s:
        stored = read_statistics(s)
        assert len(stored) == summary.statistics == len(generate(packaged_regions()))
        assert 2030 not in set(stored["year"])
        assert len(list_users(s)) == first_users == len(m.DEMO_USERS)
        assert verify_chain(s) == []
        entries = s.execute(text(
            "SELECT actor, action, entity_key FROM kernel_audit_entry "
            "WHERE entity = 'kernel_statistic' ORDER BY seq")).all()
    demo = [(a, k) for a, act, k in entries if a == "demo" and act == "insert"]
    assert sorted(k for _, k in demo) == sorted(demo_datasets() * 2)
    assert ("demo", "delete", "demo") in [tuple(e) for e in entries]
