"""Enterprise pages (mounted at /enterprise): the authority's list and registration form, the
enterprise's file and portal (一企一档), a report version's page with its workflow, and the
verifier's workspace.

Who may open or post what is the policy table's enterprise block, checked on the stored
enterprise before a handler runs; each page shows only the forms the user's role acts with. A
refused input re-renders the page with the located problems (422) after rolling back, so
nothing is half-written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup, escape
from sqlalchemy.orm import Session

from tanzhi.access import Role, User
from tanzhi.enterprise import service, store
from tanzhi.enterprise.checks import industry_sections
from tanzhi.enterprise.model import (
    BAND_LABELS,
    GWP_SETS,
    SOURCE_LABELS,
    VALUE_ADDED_PARTS,
    CheckResult,
    Status,
)
from tanzhi.http import CurrentUser, DbSession, render
from tanzhi.kernel import DataError

router = APIRouter(include_in_schema=False)

OFFICES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_OFFICER, Role.COUNTY_OFFICER})
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


# Identifiers inside a message (factor ids such as cn-heat/heat/co2_ef): shown as codes.
IDENTIFIER = re.compile(r"[A-Za-z0-9][\w.-]*(?:/[\w.-]+)+|[A-Za-z]\w*_\w+")


def mark_codes(text: str) -> Markup:
    """`text` escaped, with the identifiers it quotes set as <code>."""
    out, last = [], 0
    for match in IDENTIFIER.finditer(text):
        out += [escape(text[last:match.start()]), Markup("<code>%s</code>") % match.group(0)]
        last = match.end()
    out.append(escape(text[last:]))
    return Markup("").join(out)


def _problems(exc: DataError) -> list[dict[str, Any]]:
    return [p.as_dict() for p in exc.problems]


def _act(db: Session, action: Callable[[], Any], back: Callable[[Any], str],
         page: Callable[[list[dict[str, Any]]], Response]) -> Response:
    """Run a write; on refused input roll it back and show the page with the problems."""
    try:
        result = action()
    except DataError as exc:
        db.rollback()
        return page(_problems(exc))
    return RedirectResponse(back(result), status_code=303)


def _number(value: str, column: str) -> float:
    try:
        return float(value.replace(",", "").strip())
    except ValueError:
        raise DataError.at(f"“{value}”不是数字", f"{value!r} is not a number",
                           column=column) from None


def _optional(value: str, column: str) -> float | None:
    return _number(value, column) if value.strip() else None


# ---- authority: list and registration ----------------------------------------------------------

@router.get("", response_class=HTMLResponse)
def enterprise_list(request: Request, db: DbSession, user: CurrentUser,
                    region: Annotated[str | None, Query()] = None,
                    industry: Annotated[str | None, Query()] = None,
                    status: Annotated[str | None, Query()] = None) -> HTMLResponse:
    """Enterprises in the officer's region by region, industry and report status; verified
    versions wait for approval here."""
    rows = service.enterprise_list(db, user, region=region, industry=industry, status=status)
    query = "&".join(f"{k}={quote(v)}" for k, v in
                     (("region", region), ("industry", industry), ("status", status)) if v)
    return render(request, "enterprise/list.html", {
        "rows": rows, "region": region or "", "industry": industry or "",
        "status": status or "", "statuses": service.STATUS_CHOICES,
        "can_register": user.role in OFFICES,
        "synthetic": any(r["synthetic"] for r in rows),
        "json_url": "/api/v1/enterprise" + (f"?{query}" if query else "")})


def _new_form(request: Request, *, values: dict[str, str] | None = None,
              problems: list[dict[str, Any]] | None = None) -> HTMLResponse:
    return render(request, "enterprise/new.html", {
        "values": values or {}, "problems": problems or [],
        "sections": industry_sections(), "bands": BAND_LABELS,
        "json_url": "/api/v1/enterprise/reference"},
        status_code=422 if problems else 200)


@router.get("/new", response_class=HTMLResponse)
def new(request: Request) -> HTMLResponse:
    """Registration form (unified social credit code, industry class, region, energy use)."""
    return _new_form(request)


@router.post("/new")
def create(request: Request, db: DbSession, user: CurrentUser,
           credit_code: Annotated[str, Form()], name_zh: Annotated[str, Form()],
           industry_code: Annotated[str, Form()], region_code: Annotated[str, Form()],
           annual_energy_tce: Annotated[str, Form()], address: Annotated[str, Form()] = ""
           ) -> Response:
    """Register; problems are listed on the form, field by field."""
    values = {"credit_code": credit_code, "name_zh": name_zh, "industry_code": industry_code,
              "region_code": region_code, "annual_energy_tce": annual_energy_tce,
              "address": address}
    return _act(db, lambda: service.register(
        db, user=user, credit_code=credit_code, name_zh=name_zh, industry_code=industry_code,
        region_code=region_code.strip(),
        annual_energy_tce=_number(annual_energy_tce, "annual_energy_tce"), address=address),
        lambda row: f"/enterprise/e/{row.credit_code}",
        lambda problems: _new_form(request, values=values, problems=problems))


# ---- the enterprise's file and portal ----------------------------------------------------------

def _file_page(request: Request, db: Session, user: User, credit_code: str,
               problems: list[dict[str, Any]] | None = None) -> HTMLResponse:
    data = service.enterprise_file(db, credit_code)
    return render(request, "enterprise/file.html", {
        "e": data, "problems": problems or [], "gwp_sets": GWP_SETS,
        "sources": SOURCE_LABELS, "is_reporter": user.role is Role.ENTERPRISE_REPORTER,
        "is_office": user.role in OFFICES, "synthetic": data["synthetic"],
        "upload_columns": [c.name for c in service.LINES_SCHEMA.columns],
        "json_url": f"/api/v1/enterprise/e/{credit_code}"},
        status_code=422 if problems else 200)


@router.get("/e/{credit_code}", response_class=HTMLResponse)
def enterprise_page(request: Request, credit_code: str, db: DbSession, user: CurrentUser
                    ) -> HTMLResponse:
    """一企一档: registry, contacts, facilities and sources, the data-quality control plan,
    verifiers, and every report version with its status; the reporter reports from here."""
    return _file_page(request, db, user, credit_code)


@router.get("/e/{credit_code}/export.xlsx")
def export(credit_code: str, db: DbSession) -> Response:
    """The whole file as one workbook."""
    return Response(service.file_workbook(db, credit_code), media_type=XLSX, headers={
        "Content-Disposition": f'attachment; filename="enterprise-{credit_code}.xlsx"'})


def _on_file(request: Request, db: Session, user: User, credit_code: str,
             action: Callable[[], Any], back: Callable[[Any], str] | None = None) -> Response:
    return _act(db, action, back or (lambda _r: f"/enterprise/e/{credit_code}"),
                lambda problems: _file_page(request, db, user, credit_code, problems))


@router.post("/e/{credit_code}/contacts")
def add_contact(request: Request, credit_code: str, db: DbSession, user: CurrentUser,
                name: Annotated[str, Form()], duty: Annotated[str, Form()] = "",
                phone: Annotated[str, Form()] = "", email: Annotated[str, Form()] = ""
                ) -> Response:
    """Add a contact person."""
    return _on_file(request, db, user, credit_code, lambda: service.add_contact(
        db, credit_code, name=name, duty=duty, phone=phone, email=email))


@router.post("/e/{credit_code}/facilities")
def add_facility(request: Request, credit_code: str, db: DbSession, user: CurrentUser,
                 name: Annotated[str, Form()], kind: Annotated[str, Form()] = "facility",
                 source_kind: Annotated[str, Form()] = "", item: Annotated[str, Form()] = ""
                 ) -> Response:
    """Add a facility or an emission source."""
    return _on_file(request, db, user, credit_code, lambda: service.add_facility(
        db, credit_code, name=name, kind=kind, source_kind=source_kind, item=item))


@router.post("/e/{credit_code}/plan")
def save_plan(request: Request, credit_code: str, db: DbSession, user: CurrentUser,
              boundary: Annotated[str, Form()], metering: Annotated[str, Form()],
              sampling: Annotated[str, Form()] = "",
              responsibilities: Annotated[str, Form()] = "") -> Response:
    """Save a new version of the data-quality control plan."""
    return _on_file(request, db, user, credit_code, lambda: service.save_quality_plan(
        db, credit_code, user=user, boundary=boundary, metering=metering, sampling=sampling,
        responsibilities=responsibilities))


@router.post("/e/{credit_code}/verifiers")
def assign(request: Request, credit_code: str, db: DbSession, user: CurrentUser,
           verifier: Annotated[str, Form()]) -> Response:
    """Assign a verifier account (the authority)."""
    return _on_file(request, db, user, credit_code, lambda: service.assign_verifier(
        db, credit_code, verifier=verifier, user=user))


@router.post("/e/{credit_code}/reports")
def create_report(request: Request, credit_code: str, db: DbSession, user: CurrentUser,
                  year: Annotated[str, Form()], gwp: Annotated[str, Form()],
                  month: Annotated[str, Form()] = "") -> Response:
    """Start the report of a month (or, without a month, of the year)."""
    def act() -> Any:
        return service.create_report(
            db, credit_code, year=int(_number(year, "year")),
            month=int(_number(month, "month")) if month.strip() else None, gwp=gwp, user=user)
    return _on_file(request, db, user, credit_code, act,
                    lambda row: f"/enterprise/reports/{row.id}")


@router.post("/e/{credit_code}/upload")
async def upload(request: Request, credit_code: str, db: DbSession, user: CurrentUser,
                 file: UploadFile, gwp: Annotated[str, Form()]) -> Response:
    """Upload a sheet of monthly lines (CSV/XLSX): one draft per month, all or nothing."""
    content = await file.read()
    return _on_file(request, db, user, credit_code, lambda: service.upload_months(
        db, credit_code, filename=file.filename or "upload", content=content, gwp=gwp,
        user=user))


# ---- one report version ------------------------------------------------------------------------

def _report_page(request: Request, db: Session, user: User, version_id: int,
                 problems: list[dict[str, Any]] | None = None) -> HTMLResponse:
    report = service.get_report(db, version_id)
    data = service.report_dict(db, report)
    ent = service.get_enterprise(db, report.credit_code)
    status = Status(report.status)
    role = user.role
    return render(request, "enterprise/report.html", {
        "r": data, "ent": ent, "problems": problems or [], "sources": SOURCE_LABELS,
        "sources_by_value": {k.value: v for k, v in SOURCE_LABELS.items()},
        "mark_codes": mark_codes,
        "parts": VALUE_ADDED_PARTS, "results": CheckResult,
        "can_edit": role is Role.ENTERPRISE_REPORTER and status is Status.DRAFT,
        "can_respond": role is Role.ENTERPRISE_REPORTER and status is Status.IN_VERIFICATION,
        "can_revise": role is Role.ENTERPRISE_REPORTER and status is Status.APPROVED,
        "can_start": role is Role.VERIFIER and status is Status.SUBMITTED,
        "can_verify": role is Role.VERIFIER and status is Status.IN_VERIFICATION,
        "can_approve": role in OFFICES and status is Status.VERIFIED,
        "synthetic": ent.synthetic,
        "json_url": f"/api/v1/enterprise/reports/{version_id}"},
        status_code=422 if problems else 200)


@router.get("/reports/{version_id}", response_class=HTMLResponse)
def report_page(request: Request, version_id: int, db: DbSession, user: CurrentUser
                ) -> HTMLResponse:
    """A report version: its lines, figures and evidence, and the workflow the user acts in."""
    return _report_page(request, db, user, version_id)


def _on_report(request: Request, db: Session, user: User, version_id: int,
               action: Callable[[], Any], back: Callable[[Any], str] | None = None
               ) -> Response:
    return _act(db, action, back or (lambda _r: f"/enterprise/reports/{version_id}"),
                lambda problems: _report_page(request, db, user, version_id, problems))


@router.post("/reports/{version_id}/lines")
def add_line(request: Request, version_id: int, db: DbSession, user: CurrentUser,
             source_kind: Annotated[str, Form()], item: Annotated[str, Form()],
             quantity: Annotated[str, Form()], unit: Annotated[str, Form()],
             facility: Annotated[str, Form()] = "", evidence_id: Annotated[str, Form()] = ""
             ) -> Response:
    """Add a line (energy by carrier, process material, electricity, heat, green power)."""
    return _on_report(request, db, user, version_id, lambda: service.add_line(
        db, version_id, source_kind=source_kind, item=item,
        quantity=_number(quantity, "quantity"), unit=unit, facility=facility,
        evidence_id=int(evidence_id) if evidence_id.strip().isdigit() else None))


@router.post("/lines/{line_id}/delete")
def delete_line(request: Request, line_id: int, db: DbSession, user: CurrentUser) -> Response:
    """Delete a line of a draft."""
    row = db.get(store.LineRow, line_id)  # its report, read before the row goes
    version_id = row.report_id if row is not None else 0
    return _on_report(request, db, user, version_id,
                      lambda: service.remove_line(db, line_id))


@router.post("/reports/{version_id}/economics")
def economics(request: Request, version_id: int, db: DbSession, user: CurrentUser,
              labour_10k_yuan: Annotated[str, Form()] = "",
              taxes_10k_yuan: Annotated[str, Form()] = "",
              depreciation_10k_yuan: Annotated[str, Form()] = "",
              surplus_10k_yuan: Annotated[str, Form()] = "",
              product: Annotated[str, Form()] = "", output: Annotated[str, Form()] = "",
              output_unit: Annotated[str, Form()] = "") -> Response:
    """Value added by the income approach and one product's output."""
    def act() -> Any:
        parts = {"labour_10k_yuan": _optional(labour_10k_yuan, "labour_10k_yuan"),
                 "taxes_10k_yuan": _optional(taxes_10k_yuan, "taxes_10k_yuan"),
                 "depreciation_10k_yuan": _optional(depreciation_10k_yuan,
                                                    "depreciation_10k_yuan"),
                 "surplus_10k_yuan": _optional(surplus_10k_yuan, "surplus_10k_yuan")}
        production = ([(product, _number(output, "output"), output_unit)]
                      if product.strip() else [])
        return service.set_economics(db, version_id, parts=parts, production=production)
    return _on_report(request, db, user, version_id, act)


@router.post("/reports/{version_id}/evidence")
async def evidence(request: Request, version_id: int, db: DbSession, user: CurrentUser,
                   file: UploadFile) -> Response:
    """Upload an evidence file (PDF, Office, image; size-limited)."""
    content = await file.read()
    return _on_report(request, db, user, version_id, lambda: service.add_evidence(
        db, version_id, user=user, filename=file.filename or "upload", content=content,
        data_dir=request.app.state.settings.data_dir))


@router.get("/evidence/{file_id}")
def evidence_file(request: Request, file_id: int, db: DbSession) -> Response:
    """Download an evidence file (its content checked against the recorded sha256)."""
    row, content = service.open_evidence(db, file_id,
                                         data_dir=request.app.state.settings.data_dir)
    return Response(content, media_type=row.content_type, headers={
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(row.filename, safe='')}",
        "X-Content-SHA256": row.sha256})


@router.post("/reports/{version_id}/submit")
def submit(request: Request, version_id: int, db: DbSession, user: CurrentUser) -> Response:
    """Submit the draft for verification."""
    return _on_report(request, db, user, version_id,
                      lambda: service.submit(db, version_id, user=user))


@router.post("/reports/{version_id}/revise")
def revise(request: Request, version_id: int, db: DbSession, user: CurrentUser) -> Response:
    """Start a new version of an approved report."""
    return _on_report(request, db, user, version_id,
                      lambda: service.revise(db, version_id, user=user),
                      lambda row: f"/enterprise/reports/{row.id}")


@router.post("/reports/{version_id}/start")
def start(request: Request, version_id: int, db: DbSession, user: CurrentUser) -> Response:
    """The assigned verifier starts the verification."""
    return _on_report(request, db, user, version_id,
                      lambda: service.start_verification(db, version_id, user=user))


@router.post("/checks/{check_id}")
def record_check(request: Request, check_id: int, db: DbSession, user: CurrentUser,
                 result: Annotated[str, Form()], note: Annotated[str, Form()] = ""
                 ) -> Response:
    """Record one checklist item."""
    row = db.get(store.CheckRow, check_id)
    version_id = row.report_id if row is not None else 0
    return _on_report(request, db, user, version_id, lambda: service.record_check(
        db, check_id, result=result, note=note, user=user))


@router.post("/reports/{version_id}/nc")
def raise_nc(request: Request, version_id: int, db: DbSession, user: CurrentUser,
             description: Annotated[str, Form()]) -> Response:
    """Raise a non-conformity."""
    return _on_report(request, db, user, version_id, lambda: service.raise_nonconformity(
        db, version_id, description=description, user=user))


def _nc_report(db: Session, nc_id: int) -> int:
    row = db.get(store.NonconformityRow, nc_id)
    return row.report_id if row is not None else 0


@router.post("/nc/{nc_id}/respond")
def respond(request: Request, nc_id: int, db: DbSession, user: CurrentUser,
            response: Annotated[str, Form()]) -> Response:
    """The enterprise answers a non-conformity."""
    return _on_report(request, db, user, _nc_report(db, nc_id), lambda: service.respond(
        db, nc_id, response=response, user=user))


@router.post("/nc/{nc_id}/close")
def close(request: Request, nc_id: int, db: DbSession, user: CurrentUser,
          note: Annotated[str, Form()] = "") -> Response:
    """The verifier closes a non-conformity."""
    return _on_report(request, db, user, _nc_report(db, nc_id), lambda: service.close(
        db, nc_id, note=note, user=user))


@router.post("/reports/{version_id}/conservative")
def conservative(request: Request, version_id: int, db: DbSession, user: CurrentUser,
                 source_kind: Annotated[str, Form()], item: Annotated[str, Form()],
                 quantity: Annotated[str, Form()], unit: Annotated[str, Form()],
                 note: Annotated[str, Form()]) -> Response:
    """Record a conservative estimate for missing data."""
    return _on_report(request, db, user, version_id, lambda: service.conservative_estimate(
        db, version_id, source_kind=source_kind, item=item,
        quantity=_number(quantity, "quantity"), unit=unit, note=note, user=user))


@router.post("/reports/{version_id}/verify")
def verify(request: Request, version_id: int, db: DbSession, user: CurrentUser,
           conclusion: Annotated[str, Form()]) -> Response:
    """The verifier's conclusion."""
    return _on_report(request, db, user, version_id, lambda: service.verify(
        db, version_id, conclusion=conclusion, user=user))


@router.post("/reports/{version_id}/approve")
def approve(request: Request, version_id: int, db: DbSession, user: CurrentUser,
            note: Annotated[str, Form()] = "") -> Response:
    """The authority approves a verified version."""
    return _on_report(request, db, user, version_id, lambda: service.approve(
        db, version_id, user=user, note=note))


# ---- the verifier's workspace ------------------------------------------------------------------

@router.get("/verify", response_class=HTMLResponse)
def desk(request: Request, db: DbSession, user: CurrentUser) -> HTMLResponse:
    """Assigned enterprises and the versions waiting for verification or under it."""
    return render(request, "enterprise/desk.html", {
        "desk": service.verifier_desk(db, user), "json_url": "/api/v1/enterprise/verify"})


__all__ = ["router"]
