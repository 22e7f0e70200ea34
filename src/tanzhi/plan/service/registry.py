"""Plan registry use cases: sync the packaged seed plans, list, read, save and start the next plan.

A plan lives in `plan_edition` as its whole document (`tanzhi.plan.model.Plan` as JSON). Saving
a changed plan adds an edition and keeps the old one (DESIGN.md: published editions are never
edited). The packaged seed plans are copied in with their provenance (`meta.yaml`) and recorded
defects; their numbers are never touched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import yaml
from sqlalchemy.orm import Session

from tanzhi.kernel import DataError, NotFound, get_region
from tanzhi.plan import store
from tanzhi.plan.model import (
    Baseline,
    Indicator,
    Plan,
    Source,
    Target,
    list_plans,
    load_plan,
    plans_root,
)


@dataclass(frozen=True)
class PlanRecord:
    """One stored plan edition as lists and pages show it."""

    plan_id: str
    edition: str
    region_code: str
    title_zh: str
    status: str
    period_start: int
    period_end: int
    base_year: int
    origin: str
    derived_from: str | None
    current: bool
    indicator_count: int
    defect_count: int
    actor: str
    created_at: datetime
    meta: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = dict(self.__dict__)
        out["created_at"] = self.created_at.isoformat() if self.created_at else None
        return out


def _record(row: store.PlanEditionRow) -> PlanRecord:
    doc = row.document
    defects = len(doc.get("defects", [])) + sum(
        len(i.get("defects", [])) for i in doc.get("indicators", []))
    return PlanRecord(
        row.plan_id, row.edition, row.region_code, row.title_zh, row.status, row.period_start,
        row.period_end, row.base_year, row.origin, row.derived_from, bool(row.current),
        len(doc.get("indicators", [])), defects, row.actor, row.created_at, dict(row.meta or {}))


def _document(plan: Plan) -> dict[str, Any]:
    return plan.model_dump(mode="json")


def _add_edition(session: Session, plan: Plan, *, origin: str, actor: str,
                 meta: dict[str, Any] | None = None, derived_from: str | None = None,
                 current: bool = True) -> store.PlanEditionRow:
    if current:
        for row in store.edition_rows(session, plan.id):
            row.current = False
    row = store.PlanEditionRow(
        plan_id=plan.id, edition=plan.edition, region_code=plan.region_code,
        title_zh=plan.title_zh, status=plan.status, period_start=plan.period_start,
        period_end=plan.period_end, base_year=plan.base_year, document=_document(plan),
        meta=meta or {}, origin=origin, derived_from=derived_from, current=current, actor=actor)
    session.add(row)
    session.flush()
    return row


def _packaged_meta(plan_id: str, edition: str) -> dict[str, Any]:
    path = plans_root() / plan_id / edition / "meta.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}


def sync_packaged_plans(session: Session) -> int:
    """Copy every packaged seed-plan edition into the database; editions written.

    Idempotent: an edition already stored (same id and edition) is left alone, so a second call
    writes nothing. A packaged edition becomes the current one only when the plan has no stored
    edition yet; editions users saved are never displaced. Provenance (`meta.yaml`) is kept in
    ``meta`` and the recorded defects stay in the document, shown, never fixed.
    """
    written = 0
    for ref in list_plans():
        if store.edition_row(session, ref.id, ref.edition) is not None:
            continue
        plan = load_plan(ref.id, ref.edition)
        first = not store.edition_rows(session, ref.id)
        _add_edition(session, plan, origin="packaged", actor="system:packaged",
                     meta=_packaged_meta(ref.id, ref.edition), current=first)
        written += 1
    return written


def ensure_plans(session: Session) -> None:
    """Sync the packaged plans when the database holds no plan at all (first use)."""
    if not store.current_edition_rows(session):
        sync_packaged_plans(session)


def list_plan_records(session: Session, *, all_editions: bool = False) -> list[PlanRecord]:
    """The current edition of every stored plan (or every edition), sorted by plan id."""
    rows = store.edition_rows(session) if all_editions else store.current_edition_rows(session)
    return [_record(r) for r in rows]


def plan_editions(session: Session, plan_id: str) -> list[PlanRecord]:
    """Every stored edition of one plan, oldest first."""
    return [_record(r) for r in store.edition_rows(session, plan_id)]


def get_plan_record(session: Session, plan_id: str, edition: str | None = None) -> PlanRecord:
    """The stored record of one edition (the current one by default); `NotFound` otherwise."""
    row = store.edition_row(session, plan_id, edition)
    if row is None:
        raise NotFound(f"没有规划 {plan_id} {edition or ''} / no plan {plan_id!r} {edition or ''}")
    return _record(row)


def stored_region(session: Session, plan_id: str) -> str | None:
    """The region of the stored plan `plan_id` (its current edition), None for a new plan.

    Who may change a plan is decided by this region, never by the region a submitted document
    or workbook states (issue #8 finding 2).
    """
    row = store.edition_row(session, plan_id)
    return None if row is None else Plan.model_validate(row.document).region_code


def get_plan(session: Session, plan_id: str, edition: str | None = None, *,
             packaged: bool = False) -> Plan:
    """One plan edition (the current one by default) as a validated `Plan`.

    The one `get_plan` of the platform (issue #10): with ``packaged=True`` a plan not yet
    stored is read from the packaged edition (`model.load_plan`), as decomposition and
    assessment need before the registry has synced; without it, an unknown plan is `NotFound`.
    """
    row = store.edition_row(session, plan_id, edition)
    if row is None and packaged:
        return load_plan(plan_id, edition)
    if row is None:
        raise NotFound(f"没有规划 {plan_id} {edition or ''} / no plan {plan_id!r} {edition or ''}")
    return Plan.model_validate(row.document)


def _next_edition_label(session: Session, plan_id: str) -> str:
    taken = {r.edition for r in store.edition_rows(session, plan_id)}
    stem = date.today().isoformat()
    if stem not in taken:
        return stem
    n = 2
    while f"{stem}-r{n}" in taken:
        n += 1
    return f"{stem}-r{n}"


def save_plan(session: Session, plan: Plan, *, actor: str, origin: str = "edited",
              derived_from: str | None = None) -> PlanRecord:
    """Store `plan` as a new current edition; the previous editions are kept.

    When the plan's edition label is already stored, the new edition gets the next free label
    (today's date, then ``-r2``, ``-r3`` …). A plan whose document equals the current edition's
    is not stored again.

    Raises
    ------
    DataError
        The plan's region is unknown, or differs from the stored plan's: a plan never moves to
        another region by an edit or a workbook (issue #8 finding 2: a county officer took over
        another city's plan by uploading its workbook with the county's code).
    """
    if get_region(session, plan.region_code) is None:
        raise DataError.at(f"未知行政区划代码 {plan.region_code}",
                           f"unknown region code {plan.region_code}", column="region_code")
    current = store.edition_row(session, plan.id)
    if current is not None:
        stored = Plan.model_validate(current.document).region_code
        if stored != plan.region_code:
            raise DataError.at(
                f"规划 {plan.id} 属于地区 {stored}，不能改为 {plan.region_code}",
                f"plan {plan.id} belongs to region {stored}; it cannot become {plan.region_code}'s",
                column="region_code")
        same = Plan.model_validate(current.document).model_copy(update={"edition": plan.edition})
        if _document(same) == _document(plan):
            return _record(current)
    if store.edition_row(session, plan.id, plan.edition) is not None:
        plan = plan.model_copy(update={"edition": _next_edition_label(session, plan.id)})
    row = _add_edition(session, plan, origin=origin, actor=actor, derived_from=derived_from)
    return _record(row)


def _next_id(plan_id: str, step: int) -> str:
    match = re.match(r"^([a-z]{2})-fyp(\d{2})-(.+)$", plan_id)
    if not match:
        raise DataError.at(f"规划编号 {plan_id} 不符合“地区-fypNN-名称”格式",
                           f"plan id {plan_id!r} is not of the form xx-fypNN-name", column="id")
    return f"{match[1]}-fyp{int(match[2]) + step:02d}-{match[3]}"


_ZH_ORDINALS = {14: "十四五", 15: "十五五", 16: "十六五", 17: "十七五"}


def _next_baseline(session: Session, old: Plan, ind: Indicator, base_year: int) -> Baseline:
    if ind.accumulation == "cumulative":
        return Baseline(printed="-", year=base_year,
                        footnote="累计指标，新规划期从零起算 / cumulative: restarts at zero")
    found = store.latest_value(session, old.id, ind.id, old.region_code, up_to=base_year)
    if found is None:
        return Baseline(printed="", year=base_year,
                        footnote="基准年实际值待填 / base-year actual still to be entered")
    year, value, source = found
    printed = f"{value:.4g}"
    return Baseline(printed=printed, value=float(printed), year=year,
                    footnote=f"取自 {old.id} 的 {year} 年实际值（{source}）"
                             f" / {year} actual of {old.id} ({source})")


def start_next_plan(session: Session, plan_id: str, *, period_start: int, period_end: int,
                    actor: str = "system") -> Plan:
    """Start the next Five-Year Plan from `plan_id` (e.g. the 15th, 2026–2030, from the 14th).

    The new plan keeps the indicator system (ids, names, units, directions, departments); its
    base year is ``period_start − 1``; baselines are the latest actuals up to the base year where
    known (cumulative indicators restart at zero); targets are empty (``not_stated``) to be
    filled, except those the higher level sets, which stay so. It is stored as a draft edition
    (origin ``next``) and returned.
    """
    old = get_plan(session, plan_id)
    if period_end <= period_start or period_start <= old.period_start:
        raise DataError.at("新规划期须晚于原规划期且起止合理",
                           "the new period must follow the old one and end after it starts",
                           column="period_start")
    step = max(1, round((period_start - old.period_start) / 5))
    new_id = _next_id(plan_id, step)
    base_year = period_start - 1
    number = int(re.findall(r"fyp(\d{2})", new_id)[0])
    indicators = []
    for ind in old.indicators:
        if ind.target.kind == "set_by_higher_level":
            target = Target(kind="set_by_higher_level", printed=ind.target.printed,
                            set_by=ind.target.set_by, year=period_end)
        else:
            target = Target(kind="not_stated", printed="", year=period_end)
        indicators.append(ind.model_copy(update={
            "baseline": _next_baseline(session, old, ind, base_year),
            "target": target,
            "source": Source(seed=old.seed, section=f"沿用 {old.id} 指标体系",
                             quote=ind.name_zh[:120]),
            "inferred": sorted({*ind.inferred, "baseline", "target"}),
            "defects": [],
        }))
    old_zh = _ZH_ORDINALS.get(number - step, "")
    new_zh = _ZH_ORDINALS.get(number, f"第{number}个五年")
    plan = Plan(
        id=new_id, edition=f"{date.today().isoformat()}-draft", region_code=old.region_code,
        region_name_zh=old.region_name_zh,
        title_zh=old.title_zh.replace(old_zh, new_zh) if old_zh else f"{old.title_zh}（{new_zh}）",
        title_en=old.title_en.replace(f"{number - step}th", f"{number}th"),
        status="draft", period_start=period_start, period_end=period_end, base_year=base_year,
        seed=f"derived:{old.id}/{old.edition}", thresholds=old.thresholds, defects=[],
        indicators=indicators)
    if store.edition_row(session, new_id) is not None:
        raise DataError.at(f"规划 {new_id} 已存在", f"plan {new_id} already exists", column="id")
    save_plan(session, plan, actor=actor, origin="next", derived_from=f"{old.id}/{old.edition}")
    return plan
