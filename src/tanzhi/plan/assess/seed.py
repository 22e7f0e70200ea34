"""Demo rows of the assessment area: a 2025 Shaoxing assessment and synthetic pilots/projects.

Everything here is synthetic (marked so in the rows) and deterministic: a fixed-seed generator
picks the scores, pilots and projects, so every demo build is identical. A rebuild first deletes
the previous synthetic rows of this area.

The 2025 scheme of 绍兴市 (330600) is walked through the real workflow: opened, self-assessed and
submitted by every county except 柯桥区, reviewed by the city (every county gets review scores
and comments), then returned to self-assessment so that 柯桥区 can add its evidence — the state
the end-to-end test continues from.
"""

from __future__ import annotations

import random
from datetime import date

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tanzhi.access import Role, User, list_users
from tanzhi.kernel import add_region, get_region, list_regions
from tanzhi.plan import store as reg
from tanzhi.plan.assess import store as st
from tanzhi.plan.assess.calc import scorer_for
from tanzhi.plan.assess.model import CARBON_LEVELS, PILOT_KINDS
from tanzhi.plan.assess.registry import create_pilot, create_project, move_pilot
from tanzhi.plan.assess.workflow import (
    assessees_of,
    create_scheme,
    items_of,
    save_review,
    save_self_scores,
    scores_of,
    submit_self_assessment,
    transition,
)

SEED = 20250630
SHAOXING, KEQIAO, PROVINCE = "330600", "330603", "330000"
DEMO_PLAN = "sx-fyp14-climate"
# Synthetic towns and villages under 柯桥区 for village/town pilots (platform demo codes in the
# 9xx town range; names say they are synthetic).
DEMO_UNITS = (
    ("330603901000", "柯桥演示镇一（合成）", "Keqiao demo town 1 (synthetic)", "town", KEQIAO),
    ("330603902000", "柯桥演示镇二（合成）", "Keqiao demo town 2 (synthetic)", "town", KEQIAO),
    ("330603901001", "演示村甲（合成）", "Demo village A (synthetic)", "village", "330603901000"),
    ("330603901002", "演示村乙（合成）", "Demo village B (synthetic)", "village", "330603901000"),
)


def _user(session: Session, username: str) -> User | None:
    return next((u for u in list_users(session) if u.username == username), None)


def _clear(session: Session) -> None:
    schemes = list(session.scalars(select(st.SchemeRow.id).where(st.SchemeRow.synthetic)))
    if schemes:
        for table in (st.RectificationRow, st.EvidenceRow, st.ScoreRow, st.TransitionRow,
                      st.ItemRow, st.AssesseeRow):
            for row in session.scalars(select(table).where(table.scheme_id.in_(schemes))):
                session.delete(row)
        session.flush()
        for row in session.scalars(select(st.SchemeRow).where(st.SchemeRow.id.in_(schemes))):
            session.delete(row)
    pilots = list(session.scalars(select(reg.PilotRow.id).where(reg.PilotRow.synthetic)))
    if pilots:
        session.execute(delete(reg.PilotEventRow).where(reg.PilotEventRow.pilot_id.in_(pilots)))
        session.execute(delete(reg.PilotMetricRow).where(reg.PilotMetricRow.pilot_id.in_(pilots)))
        session.execute(delete(reg.PilotRow).where(reg.PilotRow.id.in_(pilots)))
    projects = list(session.scalars(select(reg.ProjectRow.id).where(reg.ProjectRow.synthetic)))
    if projects:
        session.execute(delete(reg.ProjectNoteRow).where(
            reg.ProjectNoteRow.project_id.in_(projects)))
        session.execute(delete(reg.ProjectRow).where(reg.ProjectRow.id.in_(projects)))
    session.flush()


def _half_points(rng: random.Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high) * 2) / 2


def seed_assessment(session: Session, rng: random.Random) -> int:
    """The 2025 Shaoxing scheme, left in self-assessment after one review (module docstring)."""
    city = _user(session, "sx.city")
    if city is None or get_region(session, SHAOXING) is None:
        return 0
    scheme = create_scheme(session, plan_id=DEMO_PLAN, year=2025, user=city, synthetic=True)
    transition(session, scheme.id, to_state="self_assessment", user=city,
               note="印发 2025 年度考核方案（合成演示）/ 2025 scheme issued (synthetic demo)")
    items = {i.id: i for i in items_of(session, scheme.id)}
    assessees = [a for a in assessees_of(session, scheme.id) if a.kind == "county"]
    written = len(items) + len(assessees)
    officers = {a.id: User(id=0, username=f"demo.{a.code}", display_name=a.name_zh,
                           role=Role.COUNTY_OFFICER, region_code=a.code) for a in assessees}
    scores = scores_of(session, scheme.id)
    for assessee in assessees:
        if assessee.code == KEQIAO:
            continue  # 柯桥区 fills in its own self-assessment in the walk-through
        mine = {}
        for (item_id, assessee_id), row in scores.items():
            if assessee_id != assessee.id:
                continue
            item = items[item_id]
            value = row.auto_score if row.auto_score is not None else _half_points(
                rng, 0.55 * item.max_score, item.max_score)
            mine[item_id] = (value, "自评（合成演示）/ self-assessment (synthetic demo)")
        written += save_self_scores(session, scheme.id, assessee.id, user=officers[assessee.id],
                                    scores=mine)
        submit_self_assessment(session, scheme.id, assessee.id, user=officers[assessee.id])
    transition(session, scheme.id, to_state="city_review", user=city)
    scores = scores_of(session, scheme.id)
    for assessee in assessees:
        reviews = {}
        for (item_id, assessee_id), row in scores.items():
            if assessee_id != assessee.id:
                continue
            item = items[item_id]
            if assessee.code == KEQIAO:
                if not scorer_for(item.kind).from_indicator:
                    reviews[item_id] = (None, "未提交自评和佐证材料，请补充 / no self-assessment "
                                              "or evidence yet; please complete")
                continue
            base = row.self_score if row.self_score is not None else row.auto_score or 0.0
            self_scored = not scorer_for(item.kind).from_indicator
            cut = _half_points(rng, 0, 0.25 * item.max_score) if self_scored else 0.0
            value = max(0.0, base - cut)
            comment = "核减：佐证不充分（合成演示）/ reduced: evidence incomplete (synthetic)" \
                if cut else "同意自评（合成演示）/ self-score confirmed (synthetic)"
            reviews[item_id] = (value, comment)
        if reviews:
            written += save_review(session, scheme.id, assessee.id, user=city, reviews=reviews)
    transition(session, scheme.id, to_state="self_assessment", user=city,
               note="退回柯桥区补充自评与佐证材料（合成演示）/ returned so that Keqiao can "
                    "complete its self-assessment (synthetic demo)")
    return written



def _demo_units(session: Session) -> int:
    added = 0
    for code, zh, en, level, parent in DEMO_UNITS:
        if get_region(session, code) is None and get_region(session, parent) is not None:
            add_region(session, code=code, name_zh=zh, name_en=en, level=level,
                       parent_code=parent)
            added += 1
    return added


def seed_pilots(session: Session, rng: random.Random, admin: User) -> int:
    """About 30 synthetic pilots across the province, in every lifecycle stage."""
    counties = list_regions(session, parent=PROVINCE, level="county")
    if not counties:
        return 0
    written = _demo_units(session)
    kinds = [k for k in PILOT_KINDS if k not in ("other", "island")]
    levels = list(CARBON_LEVELS)
    plan = [("county", "low_carbon", KEQIAO), ("town", "zero_carbon", "330603901000"),
            ("town", "low_carbon", "330603902000"), ("village", "zero_carbon", "330603901001"),
            ("village", "near_zero", "330603901002")]
    chosen = rng.sample(counties, 25)
    plan += [(rng.choice(kinds), rng.choice(levels), c.code) for c in chosen]
    names = {c.code: c.name_zh for c in counties} | {u[0]: u[1] for u in DEMO_UNITS}
    for index, (kind, level, code) in enumerate(plan, start=1):
        if get_region(session, code) is None:
            continue
        applied = date(2021 + rng.randrange(0, 3), 1 + rng.randrange(0, 12), 1 + rng.randrange(28))
        kind_zh, level_zh = PILOT_KINDS[kind][0], CARBON_LEVELS[level][0]
        row = create_pilot(session, user=admin, check_user=False, values={
            "name_zh": f"{names[code].replace('（合成）', '')}{level_zh}{kind_zh}试点"
                       f"（合成 {index:02d}）",
            "name_en": f"{PILOT_KINDS[kind][1]} {CARBON_LEVELS[level][1].lower()} pilot "
                       f"{index:02d} (synthetic)",
            "kind": kind, "carbon_level": level, "region_code": code, "applied_on": applied,
            "lead_unit": "演示牵头单位（合成）", "synthetic": True,
            "notes": "合成演示数据 / synthetic demo record"})
        written += 1
        # Stage reached: a deterministic spread over the lifecycle.
        steps = [("approved", 120), ("midterm", 420), ("accepted", 330)][: index % 4]
        if index % 9 == 0:
            steps = [("approved", 150), ("removed", 300)]
        on = applied
        for stage, days in steps:
            on = date.fromordinal(on.toordinal() + days)
            if on.year > 2025:
                break
            move_pilot(session, row.id, user=admin, to_stage=stage, on_date=on,
                       note="合成演示 / synthetic demo")
        for year in range(max(applied.year, 2021), 2026):
            st_metric = reg.PilotMetricRow(pilot_id=row.id, name="co2_emissions", year=year,
                                          value=round(rng.uniform(0.5, 5.0) * 10_000 * 0.96
                                                      ** (year - 2021), 1), unit="t CO2")
            session.add(st_metric)
    session.flush()
    return written


def seed_projects(session: Session, rng: random.Random, admin: User) -> int:
    """About 20 synthetic major projects across the province's cities."""
    counties = list_regions(session, parent=PROVINCE, level="county")
    if not counties:
        return 0
    sectors = [("energy", "海上风电（合成）"), ("energy", "分布式光伏（合成）"),
               ("industry", "绿色低碳技改（合成）"), ("building", "近零能耗建筑（合成）"),
               ("transport", "公交电动化（合成）"), ("forestry", "森林质量提升（合成）"),
               ("waste", "垃圾焚烧发电（合成）"), ("ccus", "碳捕集示范（合成）"),
               ("energy", "抽水蓄能（合成）"), ("adaptation", "海塘安澜（合成）")]
    statuses = ["planned", "under_construction", "under_construction", "completed", "completed"]
    written = 0
    chosen = rng.sample(counties, 20)
    for index, county in enumerate(chosen, start=1):
        sector, label = sectors[index % len(sectors)]
        start = 2021 + rng.randrange(0, 4)
        big = rng.random() < 0.4
        create_project(session, user=admin, check_user=False, values={
            "name_zh": f"{county.name_zh}{label.replace('（合成）', '')}项目（合成 {index:02d}）",
            "name_en": f"{county.name_en} {sector} project {index:02d} (synthetic)",
            "region_code": county.code, "sector": sector,
            "investment_value": round(rng.uniform(2, 60), 1) if big else
            round(rng.uniform(5_000, 90_000), -2),
            "investment_unit": "亿元" if big else "万元",
            "start_year": start, "end_year": start + 1 + rng.randrange(0, 4),
            "reduction_value": None if sector == "adaptation" else (
                round(rng.uniform(0.5, 30), 1) if big else round(rng.uniform(2_000, 50_000), -2)),
            "reduction_unit": None if sector == "adaptation" else ("万吨 CO2" if big else "t CO2"),
            "status": statuses[index % len(statuses)], "owner_unit": "演示业主单位（合成）",
            "notes": "合成演示数据 / synthetic demo record", "synthetic": True})
        written += 1
    return written


def demo_seed(session: Session) -> int:
    """Write the demo rows of this area (idempotent: replaces the previous synthetic rows)."""
    _clear(session)
    rng = random.Random(SEED)
    admin = _user(session, "zj.admin") or User(id=0, username="demo", display_name="demo",
                                               role=Role.PROVINCE_ADMIN, region_code=PROVINCE)
    written = seed_pilots(session, rng, admin)
    written += seed_projects(session, rng, admin)
    written += seed_assessment(session, rng)
    return written
