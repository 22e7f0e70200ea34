"""Demo enterprises: a handful of synthetic firms in Zhejiang counties (marked synthetic), each
with a reporter login, two verifier agencies, and monthly reports of 2025 in every state.

Every figure here is invented for the demo (DESIGN.md “Demo data is synthetic”); the pages say
so. The reports go through the same service functions a user's clicks do, so the demo's rows
carry the same audit entries and steps.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from tanzhi.access import User, find_user
from tanzhi.enterprise import store
from tanzhi.enterprise.service import registry, reports, workflow

ADMIN = "zj.admin"


@dataclass(frozen=True)
class DemoEnterprise:
    """One synthetic enterprise and the logins that work on it."""

    credit_code: str
    name_zh: str
    industry_code: str
    region_code: str
    annual_energy_tce: float
    reporter: str
    verifier: str
    # Monthly lines: (source_kind, item, quantity, unit); each month scales them a little.
    lines: tuple[tuple[str, str, float, str], ...]
    # The state each month of 2025 is left in, January first.
    months: tuple[str, ...]


# Credit codes: "91" (enterprise, company) + the county's GB/T 2260 code + a synthetic
# organisation code "MA2DM000n" + the GB 32100-2015 check character (tests check them).
DEMO_ENTERPRISES: tuple[DemoEnterprise, ...] = (
    DemoEnterprise("91330603MA2DM00015", "柯桥演示印染有限公司（演示）",
                   "C1713", "330603", 12_400.0,
                   "ent.reporter", "verifier",
                   (("combustion", "天然气", 52.0, "万立方米"),
                    ("electricity", "电力", 1_850.0, "MWh"),
                    ("heat", "蒸汽", 21_000.0, "GJ")),
                   ("approved", "verified", "in_verification", "submitted", "draft")),
    DemoEnterprise("91330522MA2DM0002K", "长兴演示水泥有限公司（演示）",
                   "C3011", "330522", 86_000.0,
                   "ent.cement", "verifier",
                   (("combustion", "原煤", 9_800.0, "t"),
                    ("process", "水泥熟料", 62_000.0, "t"),
                    ("electricity", "电力", 5_400.0, "MWh")),
                   ("approved", "submitted")),
    DemoEnterprise("91330481MA2DM00030", "海宁演示纸业有限公司（演示）", "C2221", "330481", 7_300.0,
                   "ent.paper", "verifier.b",
                   (("combustion", "天然气", 31.0, "万立方米"),
                    ("electricity", "电力", 2_300.0, "MWh")),
                   ("verified",)),
    DemoEnterprise("91331003MA2DM0004U", "黄岩演示陶瓷有限公司（演示）", "C3071", "331003", 3_900.0,
                   "ent.ceramic", "verifier.b",
                   (("combustion", "天然气", 18.0, "万立方米"),
                    ("electricity", "电力", 640.0, "MWh")),
                   ("draft",)),
)


def _user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise LookupError(f"demo login {username} is missing; build the users first")
    return user


def _clear(session: Session) -> None:
    """Delete what an earlier build seeded (synthetic enterprises and all their rows)."""
    codes = set(session.scalars(select(store.EnterpriseRow.credit_code)
                                .where(store.EnterpriseRow.synthetic.is_(True))))
    if not codes:
        return
    ids = set(session.scalars(select(store.ReportRow.id)
                              .where(store.ReportRow.credit_code.in_(codes))))
    for table in (store.LineRow, store.ProductionRow, store.EvidenceRow, store.CheckRow,
                  store.NonconformityRow, store.TransitionRow):
        for row in session.scalars(select(table).where(table.report_id.in_(ids))):
            session.delete(row)
    session.flush()
    for row in session.scalars(select(store.ReportRow).where(store.ReportRow.id.in_(ids))):
        session.delete(row)
    session.flush()
    for table in (store.ContactRow, store.FacilityRow, store.QualityPlanRow,
                  store.AssignmentRow):
        for row in session.scalars(select(table).where(table.credit_code.in_(codes))):
            session.delete(row)
    session.flush()
    session.execute(delete(store.EnterpriseRow).where(store.EnterpriseRow.credit_code.in_(codes)))


def _month(session: Session, spec: DemoEnterprise, month: int, state: str, *,
           reporter: User, verifier: User, admin: User) -> int:
    report = reports.create_report(session, spec.credit_code, year=2025, month=month, gwp="AR5",
                                   user=reporter)
    scale = 1.0 + 0.03 * (month - 1)
    for kind, item, quantity, unit in spec.lines:
        reports.add_line(session, report.id, source_kind=kind, item=item,
                         quantity=round(quantity * scale, 1), unit=unit)
    base = spec.annual_energy_tce / 12 * 0.9  # synthetic: value added ≈ 2.2 × base, 万元
    reports.set_economics(session, report.id, parts={
        "labour_10k_yuan": round(base * 0.9, 1), "taxes_10k_yuan": round(base * 0.3, 1),
        "depreciation_10k_yuan": round(base * 0.4, 1), "surplus_10k_yuan": round(base * 0.6, 1)},
        production=[])
    if state == "draft":
        return 1
    workflow.submit(session, report.id, user=reporter)
    if state == "submitted":
        return 1
    workflow.start_verification(session, report.id, user=verifier)
    nc = workflow.raise_nonconformity(
        session, report.id, user=verifier,
        description="天然气消耗量与燃气公司结算单不一致（演示）")
    if state == "in_verification":
        return 1
    workflow.respond(session, nc.id, user=reporter,
                     response="已补充燃气结算单并更正台账（演示）")
    workflow.close(session, nc.id, user=verifier, note="整改到位（演示）")
    for check in store.of_report(session, store.CheckRow, report.id):
        workflow.record_check(session, check.id, result="conforms", note="", user=verifier)
    workflow.verify(session, report.id, user=verifier,
                    conclusion="排放报告数据真实、完整，符合核算指南要求（演示）")
    if state == "verified":
        return 1
    workflow.approve(session, report.id, user=admin)
    return 1


def demo_seed(session: Session) -> int:
    """Register the demo enterprises and their reports; returns the number of reports."""
    _clear(session)
    admin = _user(session, ADMIN)
    count = 0
    for spec in DEMO_ENTERPRISES:
        registry.register(session, user=admin, credit_code=spec.credit_code,
                          name_zh=spec.name_zh, industry_code=spec.industry_code,
                          region_code=spec.region_code,
                          annual_energy_tce=spec.annual_energy_tce, synthetic=True,
                          address="浙江省（演示地址）")
        registry.add_contact(session, spec.credit_code, name="能源管理员（演示）", duty="能源管理",
                             phone="0571-00000000")
        plant = registry.add_facility(session, spec.credit_code, name="主生产线（演示）")
        for kind, item, _, _ in spec.lines:
            registry.add_facility(session, spec.credit_code, kind="source", name=item,
                                  source_kind=kind, item=item, facility_id=plant.id)
        registry.save_quality_plan(
            session, spec.credit_code, user=admin,
            boundary="厂区内全部生产系统、辅助生产系统及附属生产系统（演示）",
            metering="天然气、电力以贸易结算表计为准，每月抄表（演示）",
            sampling="燃煤每批次取样化验低位发热量（演示）",
            responsibilities="能源管理部负责（演示）")
        registry.assign_verifier(session, spec.credit_code, verifier=spec.verifier, user=admin)
        reporter = _user(session, spec.reporter)
        verifier = _user(session, spec.verifier)
        for month, state in enumerate(spec.months, start=1):
            count += _month(session, spec, month, state, reporter=reporter, verifier=verifier,
                            admin=admin)
    return count
