"""JSON twins of the decomposition tool under /api/v1/decompose.

GET  /options                      plans of the user's scope and their decomposable indicators
POST /run                          compute a round (``save: true`` stores it as a new version)
GET  /rounds?plan_id=&indicator_id= stored rounds, newest first
GET  /rounds/{id}                  one round with its child targets, inputs and check
POST /rounds/{id}/adopt            adopt it (the previous adopted round is un-adopted)
GET  /rounds/{id}/workbook.xlsx    the allocation table in the official layout
GET  /compare?ids=1,2              child targets of several rounds side by side
GET  /adopted/{plan_id}            adopted child targets of a plan (plan tracking reads this)
"""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any

from fastapi import APIRouter, Query
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from tanzhi.access import Role, User, require_in_scope, scope_codes
from tanzhi.http import CurrentUser, DbSession, Reach, object_id, resolves
from tanzhi.kernel import DataError, NotFound, Problem
from tanzhi.plan.decompose import service
from tanzhi.plan.decompose.inputs import indicator_kind
from tanzhi.plan.decompose.model import RoundResult
from tanzhi.plan.model import PlanRef, list_plans
from tanzhi.plan.service import adopted_child_targets, get_plan

router = APIRouter(tags=["decomposition"])

# Officers and administrators of a province or city decompose their targets; analysts may read.
WRITE_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_OFFICER})
# Who may read and write is the policy table's (`tanzhi.http.policy_table`: allocate-read and
# admin rows), checked app-wide with the scope of every plan and round named.
Writer = CurrentUser
Reader = CurrentUser


@resolves("round_id")
def round_reach(db: Session, value: str) -> Reach:
    """A decomposition round lies in its parent region (the one whose target it splits)."""
    return Reach((service.get_round(db, object_id(value, "分解方案", "round")).region_code,))


@resolves("round_ids")
def rounds_reach(db: Session, value: str) -> list[Reach]:
    """Comma-separated round ids (the compare view): every one must be in scope."""
    return [round_reach(db, part.strip()) for part in value.split(",") if part.strip()]


class RunIn(BaseModel):
    """A round to compute."""

    plan_id: str
    indicator_id: str
    method: str = Field(description="equal | intensity | weighted")
    weights: dict[str, float] | None = Field(default=None,
                                             description="criterion → weight (weighted method)")
    alpha: float = 1.0
    floors: dict[str, float] | None = None
    caps: dict[str, float] | None = None
    growth_overrides: dict[str, float] | None = None
    parent_target: float | None = None
    name: str = ""
    note: str = ""
    save: bool = False


@lru_cache(maxsize=1)
def _packaged_refs() -> tuple[PlanRef, ...]:
    # Packaged editions are immutable (their sha256 is checked on load): list them once.
    return tuple(list_plans())


def options_for(db: Session, user: User) -> list[dict[str, Any]]:
    """Plans whose region is in the user's scope and has children, with their decomposable
    indicators."""
    codes = set(scope_codes(db, user))
    seen: set[str] = set()
    out = []
    for ref in _packaged_refs():
        if ref.id in seen or ref.region_code not in codes:
            continue
        seen.add(ref.id)
        plan = get_plan(db, ref.id, packaged=True)
        indicators = []
        for ind in plan.indicators:
            try:
                kind = indicator_kind(ind)
            except DataError:
                continue
            indicators.append({"id": ind.id, "name_zh": ind.name_zh, "name_en": ind.name_en,
                               "kind": kind.kind, "unit": kind.unit,
                               "target_printed": ind.target.printed})
        if indicators:
            out.append({"plan_id": plan.id, "title_zh": plan.title_zh, "title_en": plan.title_en,
                        "region_code": plan.region_code, "indicators": indicators})
    return out


def round_json(result: RoundResult) -> dict[str, Any]:
    """A round as JSON."""
    children = result.children.astype(object).where(result.children.notna(), None)
    return {
        "round_id": result.round_id, "name": result.name, "adopted": result.adopted,
        "plan_id": result.plan_id, "plan_edition": result.plan_edition,
        "indicator_id": result.indicator_id, "indicator_name_zh": result.indicator_name_zh,
        "indicator_name_en": result.indicator_name_en, "region_code": result.region_code,
        "region_name_zh": result.region_name_zh, "region_name_en": result.region_name_en,
        "kind": result.kind, "quantity": result.quantity, "unit": result.unit,
        "method": result.method, "parent_target": result.parent_target,
        "parent_target_source_zh": result.parent_target_source_zh,
        "parent_target_source_en": result.parent_target_source_en,
        "provisional": result.provisional, "base_year": result.base_year,
        "target_year": result.target_year, "weights": result.weights, "params": result.params,
        "aggregate": result.aggregate, "notes": [list(n) for n in result.notes],
        "sources": result.sources, "synthetic": result.synthetic,
        "created_by": result.created_by, "created_at": result.created_at, **result.extra,
        "children": service.jsonable(children.to_dict(orient="records")),
    }


def check_plan_scope(db: Session, user: User, plan_id: str) -> None:
    """The plan's region must lie in the user's scope."""
    plan = get_plan(db, plan_id, packaged=True)
    require_in_scope(db, user, plan.region_code)


def scoped_round(db: Session, user: User, round_id: int) -> RoundResult:
    """A stored round whose parent region is in the user's scope."""
    result = service.get_round(db, round_id)
    require_in_scope(db, user, result.region_code)
    return result


@router.get("/options")
def options(db: DbSession, user: Reader) -> list[dict[str, Any]]:
    """Plans and indicators the user may decompose."""
    return options_for(db, user)


@router.post("/run")
def run(body: RunIn, db: DbSession, user: Writer) -> dict[str, Any]:
    """Compute a round; with ``save`` it is stored as a new version (not adopted)."""
    check_plan_scope(db, user, body.plan_id)
    result = service.run_round(
        db, plan_id=body.plan_id, indicator_id=body.indicator_id, method=body.method,
        weights=body.weights, alpha=body.alpha, floors=body.floors, caps=body.caps,
        growth_overrides=body.growth_overrides, parent_target=body.parent_target,
        name=body.name, note=body.note, actor=user.username, save=body.save)
    return round_json(result)


@router.get("/rounds")
def rounds(db: DbSession, user: Reader, plan_id: str | None = None,
           indicator_id: str | None = None) -> list[dict[str, Any]]:
    """Stored rounds in the user's scope, newest first (without the child rows)."""
    found = service.list_rounds(db, plan_id=plan_id, indicator_id=indicator_id,
                                region_codes=scope_codes(db, user))
    return [{k: v for k, v in round_json(r).items() if k != "children"} for r in found]


@router.get("/rounds/{round_id}")
def round_detail(round_id: int, db: DbSession, user: Reader) -> dict[str, Any]:
    """One stored round with its child targets."""
    return round_json(scoped_round(db, user, round_id))


@router.post("/rounds/{round_id}/adopt")
def adopt(round_id: int, db: DbSession, user: Writer) -> dict[str, Any]:
    """Adopt a round (its child targets become the children's plan targets)."""
    scoped_round(db, user, round_id)
    return round_json(service.adopt_round(db, round_id, actor=user.username))


@router.get("/rounds/{round_id}/workbook.xlsx")
def workbook(round_id: int, db: DbSession, user: Reader) -> Response:
    """The allocation table (目标分解表) as xlsx."""
    result = scoped_round(db, user, round_id)
    return Response(service.allocation_workbook(result), media_type=(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        headers={"Content-Disposition":
                 f'attachment; filename="allocation-{result.region_code}-{result.indicator_id}'
                 f'-round{round_id}.xlsx"'})


@router.get("/compare")
def compare(db: DbSession, user: Reader,
            ids: Annotated[str, Query(description="comma-separated round ids")]
            ) -> list[dict[str, Any]]:
    """Child targets of several rounds side by side."""
    try:
        round_ids = [int(x) for x in ids.split(",") if x.strip()]
    except ValueError as exc:
        raise DataError(Problem("轮次编号须为整数", "round ids must be integers")) from exc
    for rid in round_ids:
        scoped_round(db, user, rid)
    frame = service.compare_rounds(db, round_ids)
    return service.jsonable(frame.astype(object).where(frame.notna(), None)
                             .to_dict(orient="records"))


@router.get("/adopted/{plan_id}")
def adopted(plan_id: str, db: DbSession, user: Reader) -> list[dict[str, Any]]:
    """Adopted child targets of a plan: indicator_id, region_code, target, round_id."""
    try:
        check_plan_scope(db, user, plan_id)
    except NotFound:
        raise
    return adopted_child_targets(db, plan_id).to_dict(orient="records")
