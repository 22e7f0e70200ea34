"""柯桥区's 2025 self-assessment on the demo's own data (issue #11 item 4), and the adopt path
re-lighting warnings (item 5). One demo copy for the module; the build is the run's one build."""

from __future__ import annotations

import math

import pytest
from sqlalchemy import select

from tanzhi.config import Settings
from tanzhi.kernel import (
    DataError,
    list_regions,
    make_engine,
    make_session_factory,
    read_statistics,
)
from tanzhi.plan import (
    adopt_round,
    enter_assignment,
    list_rounds,
    scheme_results,
    status_table,
    store,
)
from tanzhi.plan.assess import store as assess_store
from tanzhi.plan.assess.workflow import assessees_of, items_of, scores_of

PLAN, CITY, KEQIAO = "sx-fyp14-climate", "330600", "330603"
PASSING = {"pass", "good", "excellent"}


@pytest.fixture(scope="module")
def session(demo_settings: Settings):
    engine = make_engine(demo_settings)
    with make_session_factory(engine)() as s:
        yield s
    engine.dispose()


@pytest.fixture(scope="module")
def scheme(session):
    return session.scalars(select(assess_store.SchemeRow).where(
        assess_store.SchemeRow.plan_id == PLAN, assess_store.SchemeRow.year == 2025)).one()


def _keqiao(session, scheme):
    return next(a for a in assessees_of(session, scheme.id) if a.code == KEQIAO)


def test_every_quantitative_item_of_keqiao_scores_and_it_passes(session, scheme) -> None:
    items = {i.id: i for i in items_of(session, scheme.id)}
    kq = _keqiao(session, scheme)
    quantitative = {iid: row for (iid, aid), row in scores_of(session, scheme.id).items()
                    if aid == kq.id and items[iid].kind == "quantitative"}
    assert len(quantitative) == 12
    unscored = [items[i].indicator_id for i, row in quantitative.items() if row.auto_score is None]
    assert unscored == []
    table = status_table(session, PLAN, region_code=KEQIAO, year=2025).set_index("indicator_id")
    for iid in quantitative:
        assert table.loc[items[iid].indicator_id, "status"] in ("green", "yellow", "red")
    # Before its self-assessment 柯桥区's qualitative items count 0 (no evidence, no review);
    # they can only add, so this lower bound passing means the complete one passes too.
    result = next(r for r in scheme_results(session, scheme.id) if r.code == KEQIAO)
    auto_total = round(sum(row.auto_score for row in quantitative.values()), 2)
    assert result.total == pytest.approx(auto_total)
    assert result.maximum == 160
    assert result.percent >= 60 and result.grade.value in PASSING


def test_the_numbers_keqiao_is_scored_on_are_marked_synthetic(session) -> None:
    table = status_table(session, PLAN, region_code=KEQIAO, year=2025)
    rated = table[table["status"].isin(["green", "yellow", "red"])]
    actuals = {(r.indicator_id, r.year): r for r in store.actual_rows(
        session, PLAN, region_codes=[KEQIAO])}
    assignments = {a.indicator_id: a for a in store.entered_assignments(session, PLAN, KEQIAO)}
    rounds = {r.indicator_id: r for r in list_rounds(session, plan_id=PLAN) if r.adopted}
    for rec in rated.itertuples(index=False):
        used = actuals[(rec.indicator_id, int(rec.year))]
        assert "demo" in used.lineage["datasets"], rec.indicator_id  # the synthetic dataset
        if rec.indicator_id in assignments:
            a = assignments[rec.indicator_id]
            assert a.synthetic and "合成" in a.source_zh and "演示合成" in rec.target_basis
        else:
            assert rounds[rec.indicator_id].synthetic, rec.indicator_id


def test_synthetic_county_series_agree_with_the_city(session) -> None:
    counties = [r.code for r in list_regions(session, parent=CITY) if r.parent_code == CITY]
    stats = read_statistics(session, region_codes=counties, variables=["gdp"], years=[2020])
    gdp = stats[stats["item"] == "constant_2020"].groupby("region_code")["value"].sum()
    weight = gdp / gdp.sum()
    rows = store.actual_rows(session, PLAN, region_codes=[CITY, *counties])
    city = {r.indicator_id: r.value for r in rows if r.region_code == CITY and r.year == 2025}
    checked = set()
    for ind, mode in (("green_travel_share", "pct_level"), ("sponge_city_share", "pct_level"),
                      ("high_standard_farmland", "additive"),
                      ("industrial_energy_intensity_reduction", "pct_cumulative")):
        county = {r.region_code: r.value for r in rows if r.indicator_id == ind
                  and r.year == 2025 and r.region_code in counties}
        assert set(county) == set(counties)
        assert all(r.lineage.get("synthetic") for r in rows if r.indicator_id == ind
                   and r.region_code in counties)
        if mode == "additive":  # the counties add up to the city
            assert sum(county.values()) == pytest.approx(city[ind], rel=1e-3)
        else:  # the 2020-GDP-weighted average is the city's value (no clipping at these levels)
            assert sum(weight[c] * v for c, v in county.items()) == pytest.approx(
                city[ind], rel=1e-3)
        checked.add(ind)
    assert len(checked) == 4 and not any(math.isnan(v) for v in city.values())


def test_adopting_a_round_relights_the_warnings(session) -> None:
    before = {(w.indicator_id, w.region_code) for w in store.open_warning_rows(
        session, plan_id=PLAN)}
    assert before  # the demo's Shaoxing plan has amber and red lights
    for row in store.open_warning_rows(session, plan_id=PLAN):
        session.delete(row)
    session.flush()
    assert store.open_warning_rows(session, plan_id=PLAN) == []
    adopted = next(r for r in list_rounds(session, plan_id=PLAN) if r.adopted)
    adopt_round(session, adopted.round_id, actor="test")
    after = {(w.indicator_id, w.region_code) for w in store.open_warning_rows(
        session, plan_id=PLAN)}
    assert after == before
    session.rollback()


def test_a_city_enters_a_county_target_and_status_uses_it(session) -> None:
    # The Shaoxing plan's text sets 新昌县 its own sponge-city figure: "新昌县建成区30%以上面积
    # 达到海绵城市目标要求" (seed 000, the plan's adaptation chapter); the city enters it.
    source = "绍兴市规划正文：新昌县建成区30%以上面积达到海绵城市目标要求"
    enter_assignment(session, plan_id=PLAN, indicator_id="sponge_city_share", value=30,
                     source=source, actor="test", region_code="330624")
    row = status_table(session, PLAN, region_code="330624", year=2025).set_index(
        "indicator_id").loc["sponge_city_share"]
    assert row["target"] == 30 and source in row["target_basis"]
    assert "演示合成" not in row["target_basis"]  # the entered figure supersedes the demo's
    with pytest.raises(DataError) as caught:
        enter_assignment(session, plan_id=PLAN, indicator_id="sponge_city_share", value=30,
                         source=source, actor="test", region_code="330100")  # 杭州市
    assert any(p.location.column == "region_code" for p in caught.value.problems)
    session.rollback()
