"""What a plan evaluation (中期评估 / 终期评估) shows, gathered from plan and assessment data."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from tanzhi.kernel.errors import DataError, Problem
from tanzhi.report.model import Document, Source

KINDS = ("final", "midterm")


@dataclass
class EvaluationInputs:
    """Everything an evaluation report shows (see `compose_evaluation`)."""

    plan: Any  # tanzhi.plan.model.Plan
    kind: str  # final | midterm
    year: int  # evaluation year: period end (final) or the mid-point (midterm)
    region_code: str
    region_name: str
    status: pd.DataFrame  # plan.service.status_table as of `year`
    actuals: pd.DataFrame  # current_actuals: indicator_id, year, value, source, revision …
    tasks: list[dict[str, Any]] = field(default_factory=list)
    pilots: list[dict[str, Any]] = field(default_factory=list)
    projects: list[dict[str, Any]] = field(default_factory=list)
    synthetic: bool = False
    provenance: list[Source] = field(default_factory=list)
    lineage: dict[str, Any] = field(default_factory=dict)


def evaluation_year(plan: Any, kind: str) -> int:
    """The year an evaluation looks at: the period's end (final) or its mid-point (midterm).

    A 2021–2025 plan: final 2025, mid-term 2023 (the third of five years, as 中期评估 are held).
    """
    if kind not in KINDS:
        raise DataError(Problem(f"评估类型应为 final 或 midterm，而不是“{kind}”",
                                f"evaluation kind must be final or midterm, not {kind!r}"))
    if kind == "final":
        return int(plan.period_end)
    return int(plan.period_start + plan.period_end) // 2


def _tasks(session: Session, plan_id: str, region_codes: set[str], year: int
           ) -> list[dict[str, Any]]:
    from tanzhi.plan.assess import store as astore

    schemes = session.scalars(select(astore.SchemeRow).where(
        astore.SchemeRow.plan_id == plan_id, astore.SchemeRow.year <= year)).all()
    # The latest round of each (year, region) only: a superseded scheme is history.
    superseded = {s.supersedes for s in schemes if s.supersedes}
    out = []
    for scheme in sorted(schemes, key=lambda s: (s.year, s.region_code, s.id)):
        if scheme.id in superseded or scheme.region_code not in region_codes:
            continue
        items = session.scalars(select(astore.ItemRow).where(
            astore.ItemRow.scheme_id == scheme.id)).all()
        for item in sorted(items, key=lambda i: i.seq):
            if item.kind == "quantitative" or item.indicator_id:
                continue
            scores = session.scalars(select(astore.ScoreRow).where(
                astore.ScoreRow.item_id == item.id)).all()
            finals = [s.final_score if s.final_score is not None else
                      (s.review_score if s.review_score is not None else s.self_score)
                      for s in scores]
            finals = [f for f in finals if f is not None]
            out.append({"year": scheme.year, "scheme": scheme.title_zh, "state": scheme.state,
                        "title": item.title_zh, "description": item.description,
                        "max_score": item.max_score, "assessees": len(scores),
                        "scored": len(finals),
                        "mean_score": sum(finals) / len(finals) if finals else None,
                        "synthetic": bool(scheme.synthetic)})
    return out


def _registries(session: Session, region_code: str, year: int
                ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    from tanzhi.plan import store as astore

    codes = astore.region_and_below(session, region_code)
    pilots = []
    for row in session.scalars(select(astore.PilotRow).where(
            astore.PilotRow.region_code.in_(codes))):
        if row.applied_on and row.applied_on.year > year:
            continue
        pilots.append({"name": row.name_zh, "kind": row.kind, "level": row.carbon_level,
                       "region_code": row.region_code, "stage": row.stage,
                       "in_force": astore.pilot_in_force(row, year),
                       "approved": row.approved_on.year if row.approved_on else None,
                       "accepted": row.accepted_on.year if row.accepted_on else None,
                       "synthetic": bool(row.synthetic)})
    projects = []
    for row in session.scalars(select(astore.ProjectRow).where(
            astore.ProjectRow.region_code.in_(codes))):
        if row.start_year > year:
            continue
        projects.append({"name": row.name_zh, "sector": row.sector,
                         "region_code": row.region_code, "status": row.status,
                         "investment_wan_yuan": row.investment_wan_yuan,
                         "reduction_t": row.reduction_t, "start_year": row.start_year,
                         "end_year": row.end_year, "synthetic": bool(row.synthetic)})
    return pilots, projects


def _synthetic_statistics(session: Session, region_code: str, year: int) -> bool:
    """Whether the statistics behind derived actuals are the demo's synthetic series."""
    from tanzhi.kernel.statistics import read_statistics

    stats = read_statistics(session, region_codes=[region_code], years=[year])
    return bool(len(stats)) and bool(stats["synthetic"].astype(bool).any())


def _digest(frame: pd.DataFrame) -> str:
    cols = [c for c in ("indicator_id", "region_code", "year", "value", "revision")
            if c in frame.columns]
    text = frame[cols].sort_values(cols).to_csv(index=False) if len(frame) else ""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def gather_evaluation(session: Session, *, plan_id: str, kind: str = "final",
                      region_code: str | None = None) -> EvaluationInputs:
    """The evaluation's inputs: plan, statuses as of the evaluation year, actuals, registries."""
    from tanzhi.kernel.regions import require_region
    from tanzhi.plan import service as plans

    record = plans.get_plan_record(session, plan_id)
    plan = plans.get_plan(session, plan_id)
    year = evaluation_year(plan, kind)
    code = region_code or plan.region_code
    region = require_region(session, code)
    status = plans.status_table(session, plan_id, region_code=code, year=year)
    actuals = plans.current_actuals(session, plan_id, region_code=code)
    if len(actuals):
        actuals = actuals[actuals["year"] <= year]
    tasks = _tasks(session, plan_id, {code}, year)
    pilots, projects = _registries(session, code, year)
    synthetic = _synthetic_statistics(session, code, year) or any(
        p["synthetic"] for p in pilots + projects) or any(t["synthetic"] for t in tasks)
    provenance = [Source(title=f"{plan.title_en} (edition {plan.edition})",
                         title_zh=f"《{plan.title_zh}》（{plan.edition} 版）",
                         edition=plan.edition, publisher=plan.region_name_zh,
                         licence="public government document")]
    if synthetic:
        provenance.append(Source(
            title="Tanzhi demo data model: synthetic actuals, pilots and projects",
            title_zh="碳智演示数据模型：合成的指标实际值、试点与项目", edition="demo",
            publisher="tanzhi", licence="synthetic, not official"))
    lineage = {"plan_id": plan.id, "plan_edition": plan.edition,
               "plan_origin": getattr(record, "origin", None), "kind": kind, "year": year,
               "region_code": code, "actuals_digest": _digest(actuals),
               "actuals_rows": len(actuals),
               "actual_sources": sorted({str(s) for s in actuals.get("source", pd.Series())
                                         .dropna().unique()})[:20]}
    return EvaluationInputs(plan=plan, kind=kind, year=year, region_code=code,
                            region_name=region.name_zh, status=status, actuals=actuals,
                            tasks=tasks, pilots=pilots, projects=projects, synthetic=synthetic,
                            provenance=provenance, lineage=lineage)


def plan_evaluation(session: Session, *, plan_id: str, kind: str = "final",
                    region_code: str | None = None) -> Document:
    """The mid-term or final evaluation of a plan as a `Document`."""
    from tanzhi.report.service.evaluation_doc import compose_evaluation

    return compose_evaluation(gather_evaluation(session, plan_id=plan_id, kind=kind,
                                                region_code=region_code))


def lineage_json(inputs: EvaluationInputs) -> str:
    """The lineage as canonical JSON (for the store)."""
    return json.dumps(inputs.lineage, ensure_ascii=False, sort_keys=True)
