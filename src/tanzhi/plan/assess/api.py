"""JSON twins of the assessment workspace and registries (mounted at /api/v1/assess)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from tanzhi.http import DbSession, Reach, object_id, resolves
from tanzhi.kernel import NotFound
from tanzhi.plan.assess import service as svc
from tanzhi.plan.assess.model import GradeBands
from tanzhi.plan.assess.store import AssesseeRow, EvidenceRow, RectificationRow, ScoreRow
from tanzhi.plan.assess.views import Viewer

router = APIRouter(tags=["assessment"])
# The `region` asked for is checked app-wide against the user's scope (policy table).
Scoped = Viewer


@resolves("scheme_id")
def scheme_reach(db: Session, value: str) -> Reach:
    """A scheme lies in its region and assesses the regions (and departments) below it."""
    scheme = svc.get_scheme(db, object_id(value, "考核方案", "assessment scheme"))
    return Reach((scheme.region_code,), spans_below=True)


def _assessee(db: Session, assessee_id: int) -> AssesseeRow:
    row = db.get(AssesseeRow, assessee_id)
    if row is None:
        raise NotFound(f"没有被考核单位 {assessee_id} / no assessee {assessee_id}")
    return row


@resolves("assessee_id")
def assessee_reach(db: Session, value: str) -> Reach:
    """An assessee lies in its own region (a county; a department: the scheme's region)."""
    return Reach((_assessee(db, object_id(value, "被考核单位", "assessee")).region_code,))


@resolves("rectification_id")
def rectification_reach(db: Session, value: str) -> Reach:
    """A rectification entry lies with the assessee that must rectify."""
    row = db.get(RectificationRow, object_id(value, "整改事项", "rectification"))
    if row is None:
        raise NotFound(f"没有整改事项 {value} / no rectification {value}")
    return Reach((_assessee(db, row.assessee_id).region_code,))


@resolves("evidence_id")
def evidence_reach(db: Session, value: str) -> Reach:
    """An evidence file lies with the assessee whose score it supports."""
    row = db.get(EvidenceRow, object_id(value, "佐证材料", "evidence file"))
    score = db.get(ScoreRow, row.score_id) if row is not None else None
    if row is None or score is None:
        raise NotFound(f"没有佐证材料 {value} / no evidence file {value}")
    return Reach((_assessee(db, score.assessee_id).region_code,))


@resolves("pilot_id")
def pilot_reach(db: Session, value: str) -> Reach:
    """A pilot lies in its region."""
    return Reach((svc.get_pilot(db, object_id(value, "试点", "pilot")).region_code,))


@resolves("project_id")
def project_reach(db: Session, value: str) -> Reach:
    """A major project lies in its region."""
    return Reach((svc.get_project(db, object_id(value, "项目", "project")).region_code,))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class SchemeIn(BaseModel):
    """A new assessment scheme."""

    plan_id: str
    year: int
    title_zh: str | None = None
    title_en: str | None = None
    include_departments: bool = True
    excellent: float = 90.0
    good: float = 80.0
    passing: float = 60.0
    rectify_below_pct: float = Field(60.0, ge=0, le=100)
    rectify_deadline: date | None = None


class TransitionIn(BaseModel):
    """A workflow move."""

    to_state: str
    note: str = ""


class ScoreIn(BaseModel):
    """One item's score and note/comment."""

    item_id: int
    score: float | None = None
    note: str = ""


class ScoresIn(BaseModel):
    """Scores of one assessee; `submit` also submits the self-assessment."""

    scores: list[ScoreIn]
    submit: bool = False


class MoveIn(BaseModel):
    """A pilot lifecycle move."""

    to_stage: str
    on_date: date
    note: str = ""


class ProgressIn(BaseModel):
    """A project progress note."""

    on_date: date
    note: str
    progress_pct: float | None = None
    status: str | None = None


@router.get("/schemes")
def schemes(db: DbSession, user: Viewer) -> list[dict[str, Any]]:
    """Assessment schemes in the user's scope (or where the user is an assessee)."""
    return svc.schemes_for(db, user)


@router.post("/schemes", status_code=201)
def create_scheme(body: SchemeIn, db: DbSession, user: Viewer) -> dict[str, Any]:
    """Create a draft scheme with default items (admin of the plan's region)."""
    scheme = svc.create_scheme(
        db, plan_id=body.plan_id, year=body.year, user=user, title_zh=body.title_zh,
        title_en=body.title_en, include_departments=body.include_departments,
        grade_bands=GradeBands(body.excellent, body.good, body.passing),
        rectify_below_pct=body.rectify_below_pct, rectify_deadline=body.rectify_deadline)
    return svc.workspace(db, scheme.id, user)


@router.get("/schemes/{scheme_id}")
def scheme(scheme_id: int, db: DbSession, user: Viewer) -> dict[str, Any]:
    """The workspace: items, visible assessees, scores, evidence, results, history, actions."""
    return svc.workspace(db, scheme_id, user)


@router.post("/schemes/{scheme_id}/transition")
def move(scheme_id: int, body: TransitionIn, db: DbSession, user: Viewer) -> dict[str, Any]:
    """Move the scheme along the workflow."""
    svc.transition(db, scheme_id, to_state=body.to_state, user=user, note=body.note)
    return svc.workspace(db, scheme_id, user)


@router.put("/schemes/{scheme_id}/assessees/{assessee_id}/self")
def self_scores(scheme_id: int, assessee_id: int, body: ScoresIn, db: DbSession,
                user: Viewer) -> dict[str, Any]:
    """Save (and optionally submit) an assessee's self-assessment."""
    svc.save_self_scores(db, scheme_id, assessee_id, user=user,
                         scores={s.item_id: (s.score, s.note) for s in body.scores})
    if body.submit:
        svc.submit_self_assessment(db, scheme_id, assessee_id, user=user)
    return svc.workspace(db, scheme_id, user)


@router.put("/schemes/{scheme_id}/assessees/{assessee_id}/review")
def review(scheme_id: int, assessee_id: int, body: ScoresIn, db: DbSession,
           user: Viewer) -> dict[str, Any]:
    """Save the reviewer's scores and comments for an assessee."""
    svc.save_review(db, scheme_id, assessee_id, user=user,
                    reviews={s.item_id: (s.score, s.note) for s in body.scores})
    return svc.workspace(db, scheme_id, user)


@router.post("/schemes/{scheme_id}/assessees/{assessee_id}/evidence", status_code=201)
async def upload(scheme_id: int, assessee_id: int, request: Request, db: DbSession,
                 user: Viewer, item_id: Annotated[int, Form()],
                 file: Annotated[UploadFile, File()]) -> dict[str, Any]:
    """Upload an evidence file (pdf/docx/xlsx/jpg/png, size-limited); returns its sha256."""
    content = await file.read()
    row = svc.add_evidence(db, scheme_id, assessee_id, item_id, user=user,
                           filename=file.filename or "upload", content=content,
                           data_dir=request.app.state.settings.data_dir)
    return {"id": row.id, "filename": row.filename, "size": row.size, "sha256": row.sha256,
            "content_type": row.content_type}


@router.post("/schemes/{scheme_id}/new-round", status_code=201)
def new_round(scheme_id: int, db: DbSession, user: Viewer) -> dict[str, Any]:
    """Copy a signed-off scheme into a new draft round (corrections)."""
    scheme = svc.new_round(db, scheme_id, user=user)
    return svc.workspace(db, scheme.id, user)


@router.post("/rectifications/{rectification_id}/close")
def close(rectification_id: int, db: DbSession, user: Viewer,
          note: Annotated[str, Form()] = "") -> dict[str, Any]:
    """Close one rectification entry."""
    row = svc.close_rectification(db, rectification_id, user=user, note=note)
    return {"id": row.id, "status": row.status}


@router.get("/public/{scheme_id}")
def public(scheme_id: int, db: DbSession) -> dict[str, Any]:
    """The public edition of a signed-off scheme (no login): ranking and grades only."""
    return svc.public_edition(db, scheme_id)


# ------------------------------------------------------------------------------- pilots


@router.get("/pilots")
def pilots(db: DbSession, user: Scoped, region: str | None = None, kind: str | None = None,
           stage: str | None = None, carbon_level: str | None = None) -> list[dict[str, Any]]:
    """Pilots, filtered; region defaults to the user's own."""
    rows = svc.list_pilots(db, region_code=region or user.region_code, kind=kind, stage=stage,
                           carbon_level=carbon_level)
    return [svc.pilot_dict(r) for r in rows]


@router.get("/pilots/count")
def pilot_count(db: DbSession, user: Scoped, region: Annotated[str, Query()],
                year: int | None = None, kind: Annotated[list[str] | None, Query()] = None
                ) -> dict[str, Any]:
    """Pilots in force at the end of `year` in `region` and below (the indicator figure)."""
    return {"region_code": region, "year": year, "kinds": kind,
            "count": svc.count_pilots(db, region_code=region, kinds=kind, year=year)}


@router.get("/pilots/export.xlsx")
def pilots_export(db: DbSession, user: Scoped, region: str | None = None) -> Response:
    """The pilots as a workbook in the import layout."""
    rows = svc.list_pilots(db, region_code=region or user.region_code)
    return Response(svc.pilots_workbook(rows), media_type=XLSX, headers={
        "Content-Disposition": 'attachment; filename="pilots.xlsx"'})


@router.post("/pilots/import", status_code=201)
async def pilots_import(db: DbSession, user: Viewer,
                        file: Annotated[UploadFile, File()]) -> dict[str, int]:
    """Import pilots (all or nothing; problems name file, row and column)."""
    count = svc.import_pilots(db, await file.read(), filename=file.filename or "upload.xlsx",
                              user=user)
    return {"imported": count}


@router.get("/pilots/{pilot_id}")
def pilot(pilot_id: int, db: DbSession, user: Viewer) -> dict[str, Any]:
    """A pilot with its lifecycle timeline and monitoring values."""
    row = svc.get_pilot(db, pilot_id)
    return svc.pilot_dict(row) | svc.pilot_timeline(db, pilot_id)


@router.post("/pilots/{pilot_id}/move")
def pilot_move(pilot_id: int, body: MoveIn, db: DbSession, user: Viewer) -> dict[str, Any]:
    """Move a pilot along its lifecycle."""
    row = svc.move_pilot(db, pilot_id, user=user, to_stage=body.to_stage, on_date=body.on_date,
                         note=body.note)
    return svc.pilot_dict(row) | svc.pilot_timeline(db, pilot_id)


# ------------------------------------------------------------------------------- projects


@router.get("/projects")
def projects(db: DbSession, user: Scoped, region: str | None = None, sector: str | None = None,
             status: str | None = None) -> list[dict[str, Any]]:
    """Major projects, filtered; region defaults to the user's own."""
    rows = svc.list_projects(db, region_code=region or user.region_code, sector=sector,
                             status=status)
    return [svc.project_dict(r) for r in rows]


@router.get("/projects/totals")
def totals(db: DbSession, user: Scoped, region: Annotated[str, Query()],
           year: Annotated[int, Query()]) -> dict[str, Any]:
    """Project count, investment (万元) and expected reduction (t CO2e) as of `year`."""
    return {"region_code": region, "year": year,
            **svc.project_totals(db, region_code=region, year=year)}


@router.get("/projects/export.xlsx")
def projects_export(db: DbSession, user: Scoped, region: str | None = None) -> Response:
    """The projects as a workbook in the import layout."""
    rows = svc.list_projects(db, region_code=region or user.region_code)
    return Response(svc.projects_workbook(rows), media_type=XLSX, headers={
        "Content-Disposition": 'attachment; filename="projects.xlsx"'})


@router.post("/projects/import", status_code=201)
async def projects_import(db: DbSession, user: Viewer,
                          file: Annotated[UploadFile, File()]) -> dict[str, int]:
    """Import projects (all or nothing; problems name file, row and column)."""
    count = svc.import_projects(db, await file.read(), filename=file.filename or "upload.xlsx",
                                user=user)
    return {"imported": count}


@router.get("/projects/{project_id}")
def project(project_id: int, db: DbSession, user: Viewer) -> dict[str, Any]:
    """A project with its progress notes."""
    return svc.project_dict(svc.get_project(db, project_id)) | {
        "notes_log": svc.project_notes(db, project_id)}


@router.post("/projects/{project_id}/progress", status_code=201)
def progress(project_id: int, body: ProgressIn, db: DbSession, user: Viewer) -> dict[str, Any]:
    """Add a dated progress note (optionally a new status)."""
    svc.add_progress(db, project_id, user=user, on_date=body.on_date, note=body.note,
                     progress_pct=body.progress_pct, status=body.status)
    return svc.project_dict(svc.get_project(db, project_id)) | {
        "notes_log": svc.project_notes(db, project_id)}
