"""The demo's plans: every quantitative indicator rated for 2025 or its gap owned, and warnings
that agree everywhere (issue #11 items 1 and 5). One demo copy for the module."""

from __future__ import annotations

import csv
import io
import math

import pytest
from typer.testing import CliRunner

from tanzhi.access import list_users
from tanzhi.cli import cli_app
from tanzhi.config import Settings
from tanzhi.kernel import list_regions, make_engine, make_session_factory
from tanzhi.plan import (
    adopted_child_targets,
    get_plan,
    indicator_coverage,
    list_plan_records,
    notifications_for,
    open_warnings,
    plan_coverage,
    region_statuses,
    status_table,
    store,
    warning_count,
)

SEED_PLANS = {"zj-fyp14-climate", "hz-fyp14-climate", "jx-fyp14-climate", "sx-fyp14-climate",
              "tz-fyp14-climate"}
LIGHTS = {"yellow", "red"}


@pytest.fixture(scope="module")
def session(demo_settings: Settings):
    engine = make_engine(demo_settings)
    with make_session_factory(engine)() as s:
        yield s
    engine.dispose()


def test_coverage_cli_prints_the_contract_and_each_seed_plan_is_rated_90_percent(
        demo_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TANZHI_DATA_DIR", str(demo_settings.data_dir))
    result = CliRunner().invoke(cli_app(), ["plan", "coverage"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "plan_id,quantitative,with_status,missing_with_owner"
    rows = {r["plan_id"]: r for r in csv.DictReader(io.StringIO(result.stdout))}
    assert set(rows) == SEED_PLANS
    for plan_id, r in rows.items():
        quantitative, rated = int(r["quantitative"]), int(r["with_status"])
        assert rated >= math.ceil(0.9 * quantitative), (plan_id, r)
        # every indicator not rated names what is missing, who owes it and since when
        assert int(r["missing_with_owner"]) == quantitative - rated, (plan_id, r)


def test_every_gap_names_the_data_the_owner_and_a_date(session) -> None:
    for record in list_plan_records(session):
        plan = get_plan(session, record.plan_id)
        detail = indicator_coverage(session, plan.id, year=2025)
        qualitative = {i.id for i in plan.indicators if i.target.kind == "qualitative"}
        assert set(detail["indicator_id"]) == {i.id for i in plan.indicators} - qualitative
        rated = detail[detail["status"].notna()]
        assert set(rated["status"]) <= {"green", "yellow", "red"}
        assert (rated["year"] == 2025).all()  # a 2025 status, not an older one
        for gap in detail[detail["status"].isna()].to_dict("records"):
            assert gap["missing_zh"] and gap["missing_en"] and gap["owner"], gap
            assert gap["since"] and gap["since"] >= f"{plan.base_year}", gap
    summary = plan_coverage(session, year=2025).set_index("plan_id")
    assert set(summary.index) == SEED_PLANS


def test_shaoxing_energy_intensity_is_rated_against_the_assigned_cut(session) -> None:
    row = status_table(session, "sx-fyp14-climate", year=2025).set_index(
        "indicator_id").loc["energy_intensity"]
    # 0.41 tce/万元 in 2020, cut by 16.5 % (the plan's overall goals): 0.41 × 0.835 = 0.34235
    assert row["target"] == pytest.approx(0.34235, abs=1e-9)
    assert "16.5" in row["target_basis"] and "上级下达" in row["target_basis"]
    assert row["status"] in {"green", "yellow", "red"} and row["year"] == 2025


def _lit(session) -> set[tuple[str, str, str]]:
    """(plan, indicator, region) lit amber or red on the status tables and the maps."""
    lit = set()
    for record in list_plan_records(session):
        table = status_table(session, record.plan_id)
        lit |= {(record.plan_id, r.indicator_id, r.region_code)
                for r in table.itertuples() if r.status in LIGHTS}
        adopted = set(adopted_child_targets(session, record.plan_id)["indicator_id"])
        # and the children the plan's region entered a target for (the demo's counties)
        plan = get_plan(session, record.plan_id)
        children = [r.code for r in list_regions(session, parent=plan.region_code)
                    if r.parent_code == plan.region_code]
        adopted |= {a.indicator_id for child in children
                    for a in store.entered_assignments(session, plan.id, child)}
        for ind in sorted(adopted):
            regions = region_statuses(session, record.plan_id, ind)
            lit |= {(record.plan_id, ind, r.region_code)
                    for r in regions.itertuples() if r.status in LIGHTS}
    return lit


def test_lights_warning_list_badge_and_inboxes_agree(session) -> None:
    lit = _lit(session)
    assert lit  # the demo has amber and red indicators
    listed = {(w.plan_id, w.indicator_id, w.region_code) for w in open_warnings(session)}
    assert listed == lit
    users = {u.username: u for u in list_users(session)}
    assert warning_count(session, users["zj.admin"]) == len(lit)  # the province sees them all
    inboxes: set[tuple[str, str, str]] = set()
    for user in users.values():
        for n in notifications_for(session, user):
            if n.kind == "status_warning" and not n.resolved:
                inboxes.add((n.plan_id, n.indicator_id, n.region_code))
                # names, not codes
                assert n.indicator_id not in n.title_zh and n.region_code not in n.title_zh
                assert n.region_name in n.title_zh
    assert inboxes == lit
    # every warning reached someone; a department's warning reached that department
    for w in open_warnings(session):
        assert w.recipients, w


def test_the_seeded_amber_forest_stock_warned_the_forestry_bureau(session) -> None:
    row = status_table(session, "zj-fyp14-climate").set_index("indicator_id").loc[
        "forest_stock"]
    users = {u.username: u for u in list_users(session)}
    forestry = {(n.plan_id, n.indicator_id) for n in notifications_for(session, users["zj.linye"])
                if n.kind == "status_warning" and not n.resolved}
    assert (("zj-fyp14-climate", "forest_stock") in forestry) == (row["status"] in LIGHTS)
    assert row["status"] in LIGHTS  # the demo's 森林蓄积量 is behind its path
