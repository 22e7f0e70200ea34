"""Decomposition tool pages (/decompose): choose, run, save, compare, adopt, download.

GET  /decompose                 the form (plan, indicator, method, weights, bounds)
POST /decompose/run             compute and show a round (not stored), with a "save" button
POST /decompose/rounds          store the round the form describes, then show it
GET  /decompose/rounds/{id}     a stored round: table, bar chart, map, check, adopt, download
POST /decompose/rounds/{id}/adopt
GET  /decompose/compare?ids=    rounds side by side
GET  /decompose/decompose.js    the page script (the CSP allows scripts from this origin only)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from tanzhi.access import User, scope_codes
from tanzhi.http import CurrentUser, DbSession, render, serve_script
from tanzhi.kernel import DataError, Problem
from tanzhi.plan.decompose import service
from tanzhi.plan.decompose.api import (
    WRITE_ROLES,
    check_plan_scope,
    options_for,
    round_json,
    scoped_round,
)
from tanzhi.plan.decompose.calc import CRITERIA, DEFAULT_WEIGHTS, METHODS
from tanzhi.plan.decompose.inputs import child_regions
from tanzhi.plan.decompose.model import METHOD_LABELS, RoundResult
from tanzhi.plan.service import get_plan

router = APIRouter(include_in_schema=False)
ASSET = Path(__file__).resolve().parent / "decompose.js"
# Roles and scope: the policy table, checked app-wide (`tanzhi.http.policy.authorize`).
Writer = CurrentUser
Reader = CurrentUser


def _float(form: FormData, name: str) -> float | None:
    raw = form.get(name)
    if raw is None or not isinstance(raw, str) or not raw.strip():
        return None
    try:
        return float(raw)
    except ValueError as exc:
        raise DataError(Problem(f"“{name}”须为数字", f"'{name}' must be a number")) from exc


async def _params(request: Request) -> dict[str, Any]:
    """The round the form describes (weights from the fields, or from an uploaded file)."""
    form = await request.form()
    method = str(form.get("method") or "equal")
    weights = None
    upload = form.get("weights_file")
    if isinstance(upload, UploadFile) and upload.filename:
        weights = service.read_weights(await upload.read(), filename=upload.filename)
    elif method == "weighted":
        weights = {k: _float(form, f"w_{k}") or 0.0 for k in CRITERIA}
    floor, cap = _float(form, "floor"), _float(form, "cap")
    return {
        "plan_id": str(form.get("plan_id") or ""), "indicator_id": str(form.get("indicator_id")
                                                                        or ""),
        "method": method, "weights": weights, "alpha": _float(form, "alpha") or 1.0,
        "parent_target": _float(form, "parent_target"), "floor": floor, "cap": cap,
        "name": str(form.get("name") or ""),
    }


def _bounds(db: DbSession, params: dict[str, Any]) -> tuple[dict | None, dict | None]:
    """A uniform floor/cap from the form becomes one bound per child."""
    if params["floor"] is None and params["cap"] is None:
        return None, None
    plan = get_plan(db, params["plan_id"], packaged=True)
    codes = [r.code for r in child_regions(db, plan.region_code)]
    floors = {c: params["floor"] for c in codes} if params["floor"] is not None else None
    caps = {c: params["cap"] for c in codes} if params["cap"] is not None else None
    return floors, caps


def _compute(db: DbSession, user: User, params: dict[str, Any], *, save: bool
             ) -> RoundResult:
    check_plan_scope(db, user, params["plan_id"])
    floors, caps = _bounds(db, params)
    return service.run_round(
        db, plan_id=params["plan_id"], indicator_id=params["indicator_id"],
        method=params["method"], weights=params["weights"], alpha=params["alpha"],
        floors=floors, caps=caps, parent_target=params["parent_target"], name=params["name"],
        actor=user.username, save=save)


def _page(request: Request, db: DbSession, user: User, *, result: RoundResult | None,
          params: dict[str, Any] | None = None, problems: list[dict] | None = None,
          status_code: int = 200) -> Response:
    opts = options_for(db, user)
    params = params or {}
    if result is not None:
        params = {**params, "plan_id": result.plan_id, "indicator_id": result.indicator_id,
                  "method": result.method}
    rounds = []
    if result is not None:
        rounds = service.list_rounds(db, plan_id=result.plan_id, indicator_id=result.indicator_id,
                                     region_codes=scope_codes(db, user))
    weights = params.get("weights") or DEFAULT_WEIGHTS
    return render(request, "plan/decompose_index.html", {
        "options": opts, "options_json": opts, "params": params, "result": result,
        "data": round_json(result) if result is not None else None,
        "rounds": rounds, "methods": METHODS, "method_labels": METHOD_LABELS, "criteria": CRITERIA,
        "weights": {k: weights.get(k, 0.0) for k in CRITERIA},
        "problems": problems or [], "can_write": user.role in WRITE_ROLES,
        "json_url": (f"/api/v1/decompose/rounds/{result.round_id}"
                     if result is not None and result.round_id else "/api/v1/decompose/options"),
        "provenance": _provenance(result), "synthetic": bool(result and result.synthetic),
    }, status_code=status_code)


# What an input is, by the `what` key `inputs.load_inputs` gives its sources.
SOURCE_NAMES = {"energy CO2": ("能源活动二氧化碳排放", "energy CO2"),
                "statistics": ("统计数据集", "statistics"),
                "standard-coal coefficients": ("折标准煤系数", "standard-coal coefficients"),
                "non-fossil electricity": ("非化石能源发电折标系数", "non-fossil electricity")}


def _provenance(result: RoundResult | None) -> list[dict[str, str]]:
    """The round's sources for the page footer: names in words, ids and datasets in the edition
    column (shown as codes), the plan's issuer by its region's name (issue #11 item 7)."""
    if result is None:
        return []
    out = [{"title": result.parent_target_source_en, "title_zh": result.parent_target_source_zh,
            "edition": f"{result.plan_id} {result.plan_edition}",
            "publisher": result.region_name_zh,
            "licence": "provisional" if result.provisional else "—"}]
    for src in result.sources:
        zh, en = SOURCE_NAMES.get(src["what"], (src["what"], src["what"]))
        if src.get("dataset"):
            # First–last year; one year alone once (a step of len-1 was 0 for a
            # single year: "slice step cannot be zero", issue #8 finding 9).
            years = "–".join(dict.fromkeys(
                str(y) for y in [*src["years"][:1], *src["years"][-1:]]))
            out.append({"title": f"{en} {src['dataset']}", "title_zh": zh,
                        "edition": f"{src['dataset']} {years}",
                        "publisher": "tanzhi", "licence": "synthetic" if src["synthetic"] else "—"})
        elif src.get("factor_ids") or src.get("factor_id"):
            ids = src.get("factor_ids") or [src["factor_id"]]
            out.append({"title": f"{en}: {', '.join(ids)}", "title_zh": zh,
                        "edition": ", ".join(ids), "publisher": "tanzhi factor library",
                        "licence": "provisional" if src.get("provisional") else "—"})
    return out


@router.get("")
def index(request: Request, db: DbSession, user: Reader,
          plan_id: str | None = None, indicator_id: str | None = None) -> Response:
    """The decomposition form."""
    return _page(request, db, user, result=None,
                 params={"plan_id": plan_id, "indicator_id": indicator_id, "method": "weighted"})


@router.post("/run")
async def run(request: Request, db: DbSession, user: Writer) -> Response:
    """Compute a round and show it (nothing stored yet)."""
    params = await _params(request)
    try:
        result = _compute(db, user, params, save=False)
    except DataError as exc:
        return _page(request, db, user, result=None, params=params,
                     problems=[p.as_dict() for p in exc.problems], status_code=422)
    return _page(request, db, user, result=result, params=params)


@router.post("/rounds")
async def save(request: Request, db: DbSession, user: Writer) -> Response:
    """Store the round the form describes as a new version and show it."""
    params = await _params(request)
    try:
        result = _compute(db, user, params, save=True)
    except DataError as exc:
        return _page(request, db, user, result=None, params=params,
                     problems=[p.as_dict() for p in exc.problems], status_code=422)
    return RedirectResponse(f"/decompose/rounds/{result.round_id}", status_code=303)


@router.get("/rounds/{round_id}")
def round_page(round_id: int, request: Request, db: DbSession, user: Reader) -> Response:
    """A stored round."""
    result = scoped_round(db, user, round_id)
    return _page(request, db, user, result=result,
                 params={"weights": result.weights or None, "alpha": result.params.get("alpha")})


@router.post("/rounds/{round_id}/adopt")
def adopt(round_id: int, db: DbSession, user: Writer) -> Response:
    """Adopt a round and show it."""
    scoped_round(db, user, round_id)
    service.adopt_round(db, round_id, actor=user.username)
    return RedirectResponse(f"/decompose/rounds/{round_id}", status_code=303)


@router.get("/compare")
def compare(request: Request, db: DbSession, user: Reader,
            ids: Annotated[list[int], Query()]) -> Response:
    """Child targets of several rounds side by side."""
    ids = list(dict.fromkeys(ids))
    rounds = [scoped_round(db, user, rid) for rid in ids]
    frame = service.compare_rounds(db, ids)
    return render(request, "plan/decompose_compare.html", {
        "rounds": rounds, "rows": frame.to_dict(orient="records"),
        "json_url": "/api/v1/decompose/compare?ids=" + ",".join(str(i) for i in ids),
        "synthetic": any(r.synthetic for r in rounds),
    })


serve_script(router, "/decompose.js", ASSET)
