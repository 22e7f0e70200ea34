"""Gathering what a plan evaluation (中期评估 / 终期评估) shows, by asking the plan domain.

Statuses, actuals, assessment scores and the pilot and project registries all come through
`tanzhi.plan`'s face; nothing is re-derived here (issue #10: report asks, never reaches in), so
a score in the report is the score the assessment workspace counts (issue #11).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from tanzhi.kernel import DataError, Problem, read_statistics, require_region
from tanzhi.plan import (
    Plan,
    current_actuals,
    current_schemes,
    get_plan,
    get_plan_record,
    item_scores,
    pilots_as_of,
    projects_as_of,
    status_table,
)
from tanzhi.report.compose.evaluation import compose_evaluation
from tanzhi.report.model import Document, EvaluationInputs, Source

KINDS = ("final", "midterm")


def evaluation_year(plan: Plan, kind: str) -> int:
    """The year an evaluation looks at: the period's end (final) or its mid-point (midterm).

    A 2021–2025 plan: final 2025, mid-term 2023 (the third of five years, as 中期评估 are held).
    """
    if kind not in KINDS:
        raise DataError(Problem(f"评估类型应为 final 或 midterm，而不是“{kind}”",
                                f"evaluation kind must be final or midterm, not {kind!r}"))
    if kind == "final":
        return int(plan.period_end)
    return int(plan.period_start + plan.period_end) // 2


def scheme_tasks(session: Session, plan_id: str, region_code: str, year: int
                 ) -> list[dict[str, Any]]:
    """The qualitative tasks (items without an indicator) of the plan's assessment schemes of
    `region_code` up to `year`, latest round only, with the mean of the scores entered for them.

    The scores are the assessment's own (`tanzhi.plan.item_scores`: review over self, and a
    self-score whose required evidence is missing counts 0), so the mean agrees with the
    workspace's totals.
    """
    out = []
    for scheme in current_schemes(session, plan_id, up_to_year=year):
        if scheme["region_code"] != region_code:
            continue
        for item in sorted(item_scores(session, scheme["id"]), key=lambda i: i["seq"]):
            if item["kind"] == "quantitative" or item["indicator_id"]:
                continue
            scores = list(item["scores"].values())
            out.append({"year": scheme["year"], "scheme": scheme["title_zh"],
                        "state": scheme["state"], "title": item["title_zh"],
                        "description": item["description"], "max_score": item["max_score"],
                        "assessees": item["assessees"], "scored": len(scores),
                        "mean_score": sum(scores) / len(scores) if scores else None,
                        "synthetic": bool(scheme["synthetic"])})
    return out


def _year(iso: str | None) -> int | None:
    return int(iso[:4]) if iso else None


def registries(session: Session, region_code: str, year: int
               ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Pilots and major projects of `region_code` and below as of `year`, as the report's
    sections read them."""
    pilots = [{"name": p["name_zh"], "kind": p["kind"], "level": p["carbon_level"],
               "region_code": p["region_code"], "stage": p["stage"], "in_force": p["in_force"],
               "approved": _year(p["approved_on"]), "accepted": _year(p["accepted_on"]),
               "synthetic": bool(p["synthetic"])}
              for p in pilots_as_of(session, region_code=region_code, year=year)]
    projects = [{"name": p["name_zh"], "sector": p["sector"], "region_code": p["region_code"],
                 "status": p["status"], "started": p["started"],
                 "investment_wan_yuan": p["investment_wan_yuan"],
                 "reduction_t": p["reduction_t"], "start_year": p["start_year"],
                 "end_year": p["end_year"], "synthetic": bool(p["synthetic"])}
                for p in projects_as_of(session, region_code=region_code, year=year)]
    return pilots, projects


def _synthetic_statistics(session: Session, region_code: str, year: int) -> bool:
    """Whether the statistics behind derived actuals are the demo's synthetic series."""
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
    record = get_plan_record(session, plan_id)
    plan = get_plan(session, plan_id)
    year = evaluation_year(plan, kind)
    code = region_code or plan.region_code
    region = require_region(session, code)
    status = status_table(session, plan_id, region_code=code, year=year)
    actuals = current_actuals(session, plan_id, region_code=code)
    if len(actuals):
        actuals = actuals[actuals["year"] <= year]
    tasks = scheme_tasks(session, plan_id, code, year)
    pilots, projects = registries(session, code, year)
    synthetic = _synthetic_statistics(session, code, year) or any(
        p["synthetic"] for p in pilots + projects) or any(t["synthetic"] for t in tasks)
    provenance = [Source(title=f"{plan.title_en} (edition {plan.edition})",
                         # the edition follows the title ("版本 2021 年征求意见稿", #11 item 7)
                         title_zh=f"《{plan.title_zh}》",
                         edition=plan.edition, publisher=plan.region_name_zh,
                         licence="public government document")]
    if synthetic:
        provenance.append(Source(
            title="Tanzhi demo data model: synthetic actuals, pilots and projects",
            title_zh="碳智演示数据模型：合成的指标实际值、试点与项目", edition="demo",
            publisher="tanzhi", licence="synthetic, not official"))
    lineage = {"plan_id": plan.id, "plan_edition": plan.edition,
               "plan_origin": record.origin, "kind": kind, "year": year,
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
    return compose_evaluation(gather_evaluation(session, plan_id=plan_id, kind=kind,
                                                region_code=region_code))


def lineage_json(inputs: EvaluationInputs) -> str:
    """The lineage as canonical JSON (for the store)."""
    return json.dumps(inputs.lineage, ensure_ascii=False, sort_keys=True)
