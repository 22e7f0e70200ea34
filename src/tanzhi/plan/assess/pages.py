"""Assessment workspace, public edition and pilot/project registry pages (mounted at /assess)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import UploadFile as StarletteUpload

from tanzhi.http import DbSession, OptionalUser, render, serve_script
from tanzhi.kernel import DataError
from tanzhi.plan.assess import service as svc
from tanzhi.plan.assess.pages_registry import router as registry_router
from tanzhi.plan.assess.views import SYNTHETIC_SOURCE, Viewer, labels
from tanzhi.plan.model import list_plans

router = APIRouter(include_in_schema=False)


@router.get("")
def index(request: Request, db: DbSession, user: Viewer) -> Response:
    """Schemes in the user's scope, the create form for admins, links to the registries."""
    schemes = svc.schemes_for(db, user)
    plans = [p for p in list_plans() if p.region_code == user.region_code]
    return render(request, "plan/assess_list.html", {
        "schemes": schemes, "plans": plans, **labels(),
        "json_url": "/api/v1/assess/schemes",
        "synthetic": any(s["synthetic"] for s in schemes),
        "provenance": [SYNTHETIC_SOURCE] if any(s["synthetic"] for s in schemes) else []})


@router.post("/schemes")
def create(request: Request, db: DbSession, user: Viewer, plan_id: Annotated[str, Form()],
           year: Annotated[int, Form()]) -> Response:
    """Create a draft scheme (admin of the plan's region) and open its workspace."""
    scheme = svc.create_scheme(db, plan_id=plan_id, year=year, user=user)
    return RedirectResponse(f"/assess/schemes/{scheme.id}", status_code=303)


@router.get("/schemes/{scheme_id}")
def scheme_page(request: Request, scheme_id: int, db: DbSession, user: Viewer,
                assessee: Annotated[int | None, Query()] = None) -> Response:
    """The workspace: workflow, ranking, one assessee's score form, evidence, rectifications."""
    view = svc.workspace(db, scheme_id, user)
    visible = view["assessees"]
    mine = [a for a in visible if a["mine"]]
    chosen = next((a for a in visible if a["id"] == assessee), None) or (
        mine[0] if mine else visible[0])
    scores = {s["item_id"]: s for s in view["scores"] if s["assessee_id"] == chosen["id"]}
    state = view["scheme"]["state"]
    result = next((r for r in view["results"] if r["assessee_id"] == chosen["id"]), None)
    return render(request, "plan/assess_scheme.html", {
        "view": view, "chosen": chosen, "scores": scores, "result": result,
        "can_self": chosen["mine"] and state == "self_assessment",
        "can_review": view["is_admin"] and state == "city_review", **labels(),
        "json_url": f"/api/v1/assess/schemes/{scheme_id}",
        "synthetic": view["scheme"]["synthetic"],
        "provenance": [SYNTHETIC_SOURCE] if view["scheme"]["synthetic"] else []})


def _back(scheme_id: int, assessee_id: int | None = None) -> RedirectResponse:
    query = f"?assessee={assessee_id}" if assessee_id else ""
    return RedirectResponse(f"/assess/schemes/{scheme_id}{query}", status_code=303)


@router.post("/schemes/{scheme_id}/transition")
def move(scheme_id: int, db: DbSession, user: Viewer, to_state: Annotated[str, Form()],
         note: Annotated[str, Form()] = "") -> Response:
    """A workflow button."""
    svc.transition(db, scheme_id, to_state=to_state, user=user, note=note)
    return _back(scheme_id)


def _scores_from_form(form: dict, prefix: str, note_prefix: str) -> dict[int, tuple]:
    out: dict[int, tuple] = {}
    for key, raw in form.items():
        if not key.startswith(prefix):
            continue
        item_id = int(key[len(prefix):])
        text = str(raw).strip()
        try:
            value = float(text) if text else None
        except ValueError:
            raise DataError.at(f"“{text}”不是数字", f"'{text}' is not a number",
                               column=key) from None
        out[item_id] = (value, str(form.get(f"{note_prefix}{item_id}", "")))
    return out


@router.post("/schemes/{scheme_id}/assessees/{assessee_id}/self")
async def self_form(request: Request, scheme_id: int, assessee_id: int, db: DbSession,
                    user: Viewer) -> Response:
    """Save the self-assessment; the `submit` button also submits it."""
    form = dict(await request.form())
    svc.save_self_scores(db, scheme_id, assessee_id, user=user,
                         scores=_scores_from_form(form, "score_", "note_"))
    if form.get("submit"):
        svc.submit_self_assessment(db, scheme_id, assessee_id, user=user)
    return _back(scheme_id, assessee_id)


@router.post("/schemes/{scheme_id}/assessees/{assessee_id}/review")
async def review_form(request: Request, scheme_id: int, assessee_id: int, db: DbSession,
                      user: Viewer) -> Response:
    """Save the reviewer's scores and comments."""
    form = dict(await request.form())
    svc.save_review(db, scheme_id, assessee_id, user=user,
                    reviews=_scores_from_form(form, "review_", "comment_"))
    return _back(scheme_id, assessee_id)


@router.post("/schemes/{scheme_id}/assessees/{assessee_id}/evidence")
async def evidence_form(request: Request, scheme_id: int, assessee_id: int, db: DbSession,
                        user: Viewer) -> Response:
    """Upload evidence; the self-scores typed on the page are saved with it (issue #11).

    The page's upload buttons submit the self-assessment form itself (``formaction``), so the
    request carries every ``score_<item>`` / ``note_<item>`` field as typed and one
    ``file_<item>`` field per row; scores and files are stored in one transaction, and an
    upload no longer throws away scores typed but not yet saved. A plain form with ``item_id``
    and ``file`` (one file, no scores) is accepted too.
    """
    form = await request.form()
    files: list[tuple[int, StarletteUpload]] = []
    for key, value in form.multi_items():
        if not (key.startswith("file_") and isinstance(value, StarletteUpload) and value.filename):
            continue
        if not key[len("file_"):].isdigit():
            raise DataError.at(f"无法识别的文件字段“{key}”", f"unknown file field {key!r}",
                               column=key)
        files.append((int(key[len("file_"):]), value))
    single, item = form.get("file"), str(form.get("item_id") or "")
    if isinstance(single, StarletteUpload) and single.filename:
        if not item.isdigit():
            raise DataError.at("缺少考核指标编号", "item_id is missing", column="item_id")
        files.append((int(item), single))
    if not files:
        raise DataError.at("请选择要上传的佐证材料文件", "choose an evidence file to upload",
                           column="file")
    scores = _scores_from_form(
        {k: v for k, v in form.items() if isinstance(v, str)}, "score_", "note_")
    if scores:
        svc.save_self_scores(db, scheme_id, assessee_id, user=user, scores=scores)
    for item_id, upload in files:
        svc.add_evidence(db, scheme_id, assessee_id, item_id, user=user,
                         filename=upload.filename or "upload", content=await upload.read(),
                         data_dir=request.app.state.settings.data_dir)
    return _back(scheme_id, assessee_id)


@router.get("/evidence/{evidence_id}")
def evidence_file(request: Request, evidence_id: int, db: DbSession, user: Viewer) -> Response:
    """Download an evidence file (users who may read that assessee)."""
    row, content = svc.open_evidence(db, evidence_id, user=user,
                                     data_dir=request.app.state.settings.data_dir)
    return Response(content, media_type=row.content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename, safe='')}",
        "X-Content-SHA256": row.sha256})


@router.post("/schemes/{scheme_id}/new-round")
def new_round(scheme_id: int, db: DbSession, user: Viewer) -> Response:
    """Start a new round from a signed-off scheme."""
    scheme = svc.new_round(db, scheme_id, user=user)
    return _back(scheme.id)


@router.post("/rectifications/{rectification_id}/close")
def close(rectification_id: int, db: DbSession, user: Viewer,
          note: Annotated[str, Form()] = "") -> Response:
    """Close a rectification entry."""
    row = svc.close_rectification(db, rectification_id, user=user, note=note)
    return _back(row.scheme_id)


@router.get("/public/{scheme_id}")
def public(request: Request, scheme_id: int, db: DbSession, user: OptionalUser) -> Response:
    """Public edition: readable without login, ranking and grades only."""
    edition = svc.public_edition(db, scheme_id)
    return render(request, "plan/assess_public.html", {
        "edition": edition, **labels(), "json_url": f"/api/v1/assess/public/{scheme_id}",
        "synthetic": edition["synthetic"],
        "provenance": [SYNTHETIC_SOURCE] if edition["synthetic"] else []})


serve_script(router, "/assets/pilots-map.js",
             Path(__file__).resolve().parent / "assets" / "pilots-map.js")


router.include_router(registry_router)
