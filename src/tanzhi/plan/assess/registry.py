"""Pilot and project registries: create, edit, move through the lifecycle, list and summarise.

Who may write: a province administrator, city or county officer for regions in their scope.
A pilot's application may come from any of them; approving, reviewing, accepting or removing a
pilot is the act of a higher level, so only a province administrator or city officer does it.
Every move is dated, kept in `plan_pilot_event` and audited.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tanzhi.access import Role, User, in_scope
from tanzhi.kernel import (
    DataError,
    Location,
    NotFound,
    PermissionDenied,
    Problem,
    convert,
    get_region,
    list_regions,
    parse_unit,
    same_dimension,
)
from tanzhi.plan.assess.model import (
    CARBON_LEVELS,
    INVESTMENT_UNIT,
    PILOT_KINDS,
    PILOT_MOVES,
    PROJECT_SECTORS,
    PROJECT_STATUSES,
    REDUCTION_UNIT,
    STAGE_LABELS,
    PilotStage,
)
from tanzhi.plan.store import (
    PilotEventRow,
    PilotMetricRow,
    PilotRow,
    ProjectNoteRow,
    ProjectRow,
    pilot_in_force,
    project_started,
    region_and_below,
)

WRITER_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_OFFICER, Role.COUNTY_OFFICER})
APPROVER_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_OFFICER})
STAGE_DATE = {PilotStage.APPLICATION: "applied_on", PilotStage.APPROVED: "approved_on",
              PilotStage.MIDTERM: "midterm_on", PilotStage.ACCEPTED: "accepted_on",
              PilotStage.REMOVED: "removed_on"}


def require_writer(session: Session, user: User, region_code: str, *,
                   approver: bool = False) -> None:
    """Raise `PermissionDenied` unless `user` may write registry rows of `region_code`."""
    allowed = APPROVER_ROLES if approver else WRITER_ROLES
    if user.role not in allowed or not in_scope(session, user, region_code):
        what_zh = "审批、验收或撤销试点" if approver else "登记试点和项目"
        what_en = "approve, accept or remove pilots" if approver else "register pilots and projects"
        raise PermissionDenied(
            f"“{user.role.label_zh}”{user.username} 无权为地区 {region_code} {what_zh} / "
            f"{user.role.label_en} {user.username} may not {what_en} for region {region_code}")


def _choice(value: str, choices: dict[str, tuple[str, str]], column: str,
            loc: Location) -> list[Problem]:
    if value in choices:
        return []
    listed = "、".join(f"{k}（{zh}）" for k, (zh, _en) in choices.items())
    return [Problem(f"“{value}”不是可选值：{listed}", f"'{value}' is not one of "
                    f"{', '.join(choices)}", Location(loc.file, loc.row, column))]


def _at(loc: Location, column: str) -> Location:
    return Location(loc.file, loc.row, column)


def check_pilot(session: Session, values: dict[str, Any], loc: Location | None = None
                ) -> list[Problem]:
    """Problems of one pilot record (name, kind, level, region, stage dates in order)."""
    loc = loc or Location()
    problems: list[Problem] = []
    if not str(values.get("name_zh") or "").strip():
        problems.append(Problem("名称不能为空", "name must not be empty", _at(loc, "name_zh")))
    problems += _choice(values.get("kind", ""), PILOT_KINDS, "kind", loc)
    problems += _choice(values.get("carbon_level", ""), CARBON_LEVELS, "carbon_level", loc)
    code = str(values.get("region_code") or "")
    if get_region(session, code) is None:
        problems.append(Problem(f"行政区“{code}”不存在（乡镇、村请先添加到行政区划）",
                                f"region {code!r} does not exist (add towns and villages "
                                "to the region list first)", _at(loc, "region_code")))
    stage = values.get("stage", PilotStage.APPLICATION.value)
    if stage not in {s.value for s in PilotStage}:
        return problems + _choice(stage, {s.value: STAGE_LABELS[s] for s in PilotStage},
                                  "stage", loc)
    dates = [(s, values.get(STAGE_DATE[s])) for s in PilotStage]
    if values.get("applied_on") is None:
        problems.append(Problem("缺少申报日期", "the application date is missing",
                                _at(loc, "applied_on")))
    # The stage's own date must be given; approved before mid-term before acceptance.
    needed = {PilotStage.APPROVED: ["approved_on"], PilotStage.MIDTERM: ["approved_on",
              "midterm_on"], PilotStage.ACCEPTED: ["approved_on", "accepted_on"],
              PilotStage.REMOVED: ["removed_on"]}.get(PilotStage(stage), [])
    for column in needed:
        if values.get(column) is None:
            problems.append(Problem(f"阶段“{STAGE_LABELS[PilotStage(stage)][0]}”需要填写 {column}",
                                    f"stage {stage} needs {column}", _at(loc, column)))
    given = [(s, d) for s, d in dates if d is not None]
    for (s1, d1), (s2, d2) in zip(given, given[1:], strict=False):
        if d2 < d1:
            problems.append(Problem(f"{STAGE_DATE[s2]}（{d2}）早于 {STAGE_DATE[s1]}（{d1}）",
                                    f"{STAGE_DATE[s2]} ({d2}) is before {STAGE_DATE[s1]} ({d1})",
                                    _at(loc, STAGE_DATE[s2])))
    return problems


def _events_from_dates(pilot: PilotRow, actor: str) -> list[PilotEventRow]:
    events, previous = [], None
    for stage in PilotStage:
        on = getattr(pilot, STAGE_DATE[stage])
        if on is None:
            continue
        events.append(PilotEventRow(pilot_id=pilot.id, from_stage=previous, to_stage=stage.value,
                                    on_date=on, actor=actor, note=""))
        previous = stage.value
    return events


def create_pilot(session: Session, *, user: User, values: dict[str, Any],
                 loc: Location | None = None, check_user: bool = True) -> PilotRow:
    """Register a pilot; `values` holds the `PilotRow` fields (stage defaults to application).

    Dates of the stages already passed are given in ``approved_on`` … and become the pilot's
    timeline events.
    """
    problems = check_pilot(session, values, loc)
    if problems:
        raise DataError(problems)
    stage = values.get("stage", PilotStage.APPLICATION.value)
    if check_user:
        require_writer(session, user, values["region_code"],
                       approver=stage != PilotStage.APPLICATION.value)
    fields = {k: values.get(k) for k in (
        "name_zh", "name_en", "kind", "carbon_level", "region_code", "applied_on", "approved_on",
        "midterm_on", "accepted_on", "removed_on", "lead_unit", "notes")}
    row = PilotRow(**{k: v for k, v in fields.items() if v is not None}, stage=stage,
                   synthetic=bool(values.get("synthetic", False)))
    row.name_zh = str(row.name_zh).strip()
    session.add(row)
    session.flush()
    for event in _events_from_dates(row, user.username):
        session.add(event)
    session.flush()
    return row


def get_pilot(session: Session, pilot_id: int) -> PilotRow:
    """The pilot row; `NotFound` otherwise."""
    row = session.get(PilotRow, pilot_id)
    if row is None:
        raise NotFound(f"没有试点 {pilot_id} / no pilot {pilot_id}")
    return row


def move_pilot(session: Session, pilot_id: int, *, user: User, to_stage: str, on_date: date,
               note: str = "") -> PilotRow:
    """Move a pilot along its lifecycle (`model.PILOT_MOVES`), dated, by an approver."""
    row = get_pilot(session, pilot_id)
    require_writer(session, user, row.region_code, approver=True)
    source = PilotStage(row.stage)
    try:
        target = PilotStage(to_stage)
    except ValueError:
        raise DataError.at(f"未知阶段“{to_stage}”", f"unknown stage {to_stage!r}",
                           column="stage") from None
    if target not in PILOT_MOVES[source]:
        allowed = PILOT_MOVES[source]
        raise DataError.at(
            f"试点不能从“{STAGE_LABELS[source][0]}”转到“{STAGE_LABELS[target][0]}”；可转到："
            f"{'、'.join(STAGE_LABELS[s][0] for s in allowed) or '无'}",
            f"a pilot cannot move from {source.value} to {target.value}; allowed: "
            f"{', '.join(s.value for s in allowed) or 'none'}", column="stage")
    last = max(d for d in (row.applied_on, row.approved_on, row.midterm_on, row.accepted_on)
               if d is not None)
    if on_date < last:
        raise DataError.at(f"日期 {on_date} 早于上一阶段日期 {last}",
                           f"date {on_date} is before the previous stage's date {last}",
                           column="on_date")
    setattr(row, STAGE_DATE[target], on_date)
    row.stage = target.value
    session.add(PilotEventRow(pilot_id=row.id, from_stage=source.value, to_stage=target.value,
                              on_date=on_date, actor=user.username, note=note))
    session.flush()
    return row


def update_pilot(session: Session, pilot_id: int, *, user: User, values: dict[str, Any]
                 ) -> PilotRow:
    """Edit a pilot's descriptive fields (name, kind, level, lead unit, notes)."""
    row = get_pilot(session, pilot_id)
    require_writer(session, user, row.region_code)
    merged = {c: getattr(row, c) for c in ("name_zh", "name_en", "kind", "carbon_level",
                                            "region_code", "stage", "applied_on", "approved_on",
                                            "midterm_on", "accepted_on", "removed_on")}
    editable = ("name_zh", "name_en", "kind", "carbon_level", "lead_unit", "notes")
    merged.update({k: v for k, v in values.items() if k in editable})
    problems = check_pilot(session, merged)
    if problems:
        raise DataError(problems)
    for key in editable:
        if key in values:
            setattr(row, key, values[key])
    session.flush()
    return row


def record_metric(session: Session, pilot_id: int, *, user: User, name: str, year: int,
                  value: float, unit: str) -> PilotMetricRow:
    """Record (or revise) one yearly monitoring value of a pilot."""
    row = get_pilot(session, pilot_id)
    require_writer(session, user, row.region_code)
    parse_unit(unit, location=Location(column="unit"))
    metric = session.scalars(select(PilotMetricRow).where(
        PilotMetricRow.pilot_id == pilot_id, PilotMetricRow.name == name,
        PilotMetricRow.year == year)).first()
    if metric is None:
        metric = PilotMetricRow(pilot_id=pilot_id, name=name, year=year, value=value, unit=unit)
        session.add(metric)
    else:
        metric.value, metric.unit = value, unit
    session.flush()
    return metric


def pilot_dict(row: PilotRow) -> dict[str, Any]:
    """JSON-ready pilot."""
    return {
        "id": row.id, "name_zh": row.name_zh, "name_en": row.name_en, "kind": row.kind,
        "kind_zh": PILOT_KINDS.get(row.kind, (row.kind,))[0],
        "carbon_level": row.carbon_level,
        "carbon_level_zh": CARBON_LEVELS.get(row.carbon_level, (row.carbon_level,))[0],
        "region_code": row.region_code, "stage": row.stage,
        "stage_zh": STAGE_LABELS[PilotStage(row.stage)][0],
        "stage_en": STAGE_LABELS[PilotStage(row.stage)][1],
        **{k: (getattr(row, k).isoformat() if getattr(row, k) else None)
           for k in STAGE_DATE.values()},
        "lead_unit": row.lead_unit, "notes": row.notes, "synthetic": row.synthetic,
    }


def list_pilots(session: Session, *, region_code: str | None = None, kind: str | None = None,
                stage: str | None = None, carbon_level: str | None = None) -> list[PilotRow]:
    """Pilots filtered by region (and below), kind, stage and carbon level, by region then id."""
    query = select(PilotRow).order_by(PilotRow.region_code, PilotRow.id)
    if region_code:
        query = query.where(PilotRow.region_code.in_(region_and_below(session, region_code)))
    if kind:
        query = query.where(PilotRow.kind == kind)
    if stage:
        query = query.where(PilotRow.stage == stage)
    if carbon_level:
        query = query.where(PilotRow.carbon_level == carbon_level)
    return list(session.scalars(query))


def pilot_timeline(session: Session, pilot_id: int) -> dict[str, Any]:
    """Events (oldest first) and monitoring values of a pilot."""
    events = session.scalars(select(PilotEventRow).where(
        PilotEventRow.pilot_id == pilot_id).order_by(PilotEventRow.on_date, PilotEventRow.id))
    metrics = session.scalars(select(PilotMetricRow).where(
        PilotMetricRow.pilot_id == pilot_id).order_by(PilotMetricRow.name, PilotMetricRow.year))
    return {
        "events": [{"from": e.from_stage, "to": e.to_stage, "on": e.on_date.isoformat(),
                    "actor": e.actor, "note": e.note,
                    "to_zh": STAGE_LABELS[PilotStage(e.to_stage)][0],
                    "to_en": STAGE_LABELS[PilotStage(e.to_stage)][1]} for e in events],
        "metrics": [{"name": m.name, "year": m.year, "value": m.value, "unit": m.unit}
                    for m in metrics],
    }


def pilots_by_child(session: Session, parent_code: str, rows: list[PilotRow]
                    ) -> dict[str, int]:
    """Pilots per child region of `parent_code` (the county map), counting every stage."""
    children = [r for r in list_regions(session, parent=parent_code)
                if r.parent_code == parent_code]
    out = {}
    for child in children:
        below = region_and_below(session, child.code)
        out[child.code] = sum(1 for r in rows if r.region_code in below)
    return out


# ------------------------------------------------------------------------------- projects


def check_project(session: Session, values: dict[str, Any], loc: Location | None = None
                  ) -> list[Problem]:
    """Problems of one project record, units checked by dimension."""
    loc = loc or Location()
    problems: list[Problem] = []
    if not str(values.get("name_zh") or "").strip():
        problems.append(Problem("名称不能为空", "name must not be empty", _at(loc, "name_zh")))
    code = str(values.get("region_code") or "")
    if get_region(session, code) is None:
        problems.append(Problem(f"行政区“{code}”不存在", f"region {code!r} does not exist",
                                _at(loc, "region_code")))
    problems += _choice(values.get("sector", ""), PROJECT_SECTORS, "sector", loc)
    problems += _choice(values.get("status", ""), PROJECT_STATUSES, "status", loc)
    for value_col, unit_col, calibre in (("investment_value", "investment_unit", INVESTMENT_UNIT),
                                         ("reduction_value", "reduction_unit", REDUCTION_UNIT)):
        value, unit = values.get(value_col), values.get(unit_col)
        if value is None and value_col == "reduction_value":
            continue
        if value is None or value < 0:
            problems.append(Problem("须为非负数", "must be a non-negative number",
                                    _at(loc, value_col)))
        if not unit:
            problems.append(Problem("缺少单位", "missing unit", _at(loc, unit_col)))
            continue
        try:
            ok = same_dimension(unit, calibre)
        except DataError as exc:
            problems += [Problem(p.message_zh, p.message_en, _at(loc, unit_col))
                         for p in exc.problems]
            continue
        if not ok:
            problems.append(Problem(f"单位“{unit}”与“{calibre}”量纲不同",
                                    f"unit '{unit}' does not have the dimension of '{calibre}'",
                                    _at(loc, unit_col)))
    start, end = values.get("start_year"), values.get("end_year")
    if start is None or end is None or end < start:
        problems.append(Problem("建设期不合理：须有开工和完工年份且完工不早于开工",
                                "start and end years are needed, end not before start",
                                _at(loc, "end_year")))
    return problems


def create_project(session: Session, *, user: User, values: dict[str, Any],
                   loc: Location | None = None, check_user: bool = True) -> ProjectRow:
    """Register a major project; investment stored also in 万元, reduction also in t CO2e."""
    problems = check_project(session, values, loc)
    if problems:
        raise DataError(problems)
    if check_user:
        require_writer(session, user, values["region_code"])
    reduction = values.get("reduction_value")
    row = ProjectRow(
        name_zh=str(values["name_zh"]).strip(), name_en=values.get("name_en") or "",
        region_code=values["region_code"], sector=values["sector"],
        investment_value=float(values["investment_value"]),
        investment_unit=values["investment_unit"],
        investment_wan_yuan=convert(float(values["investment_value"]),
                                    values["investment_unit"], INVESTMENT_UNIT),
        start_year=int(values["start_year"]), end_year=int(values["end_year"]),
        reduction_value=reduction, reduction_unit=values.get("reduction_unit") or None,
        reduction_t=None if reduction is None else convert(
            float(reduction), values["reduction_unit"], REDUCTION_UNIT),
        status=values["status"], owner_unit=values.get("owner_unit") or "",
        notes=values.get("notes") or "", synthetic=bool(values.get("synthetic", False)))
    session.add(row)
    session.flush()
    return row


def get_project(session: Session, project_id: int) -> ProjectRow:
    """The project row; `NotFound` otherwise."""
    row = session.get(ProjectRow, project_id)
    if row is None:
        raise NotFound(f"没有项目 {project_id} / no project {project_id}")
    return row


def add_progress(session: Session, project_id: int, *, user: User, on_date: date, note: str,
                 progress_pct: float | None = None, status: str | None = None) -> ProjectNoteRow:
    """A dated progress note; optionally a new status (kept on the note and the project)."""
    row = get_project(session, project_id)
    require_writer(session, user, row.region_code)
    problems = []
    if not note.strip():
        problems.append(Problem("进展说明不能为空", "the note must not be empty",
                                Location(column="note")))
    if progress_pct is not None and not 0 <= progress_pct <= 100:
        problems.append(Problem("进度须在 0–100% 之间", "progress must lie in 0-100 %",
                                Location(column="progress_pct")))
    if status is not None:
        problems += _choice(status, PROJECT_STATUSES, "status", Location())
    if problems:
        raise DataError(problems)
    entry = ProjectNoteRow(project_id=project_id, on_date=on_date, note=note.strip(),
                           progress_pct=progress_pct, status=status, actor=user.username)
    session.add(entry)
    if status is not None:
        row.status = status
    session.flush()
    return entry


def project_dict(row: ProjectRow) -> dict[str, Any]:
    """JSON-ready project."""
    return {
        "id": row.id, "name_zh": row.name_zh, "name_en": row.name_en,
        "region_code": row.region_code, "sector": row.sector,
        "sector_zh": PROJECT_SECTORS.get(row.sector, (row.sector,))[0],
        "investment_value": row.investment_value, "investment_unit": row.investment_unit,
        "investment_wan_yuan": row.investment_wan_yuan, "start_year": row.start_year,
        "end_year": row.end_year, "reduction_value": row.reduction_value,
        "reduction_unit": row.reduction_unit, "reduction_t": row.reduction_t,
        "status": row.status, "status_zh": PROJECT_STATUSES.get(row.status, (row.status,))[0],
        "owner_unit": row.owner_unit, "notes": row.notes, "synthetic": row.synthetic,
    }


def list_projects(session: Session, *, region_code: str | None = None,
                  sector: str | None = None, status: str | None = None) -> list[ProjectRow]:
    """Projects filtered by region (and below), sector and status."""
    query = select(ProjectRow).order_by(ProjectRow.region_code, ProjectRow.id)
    if region_code:
        query = query.where(ProjectRow.region_code.in_(region_and_below(session, region_code)))
    if sector:
        query = query.where(ProjectRow.sector == sector)
    if status:
        query = query.where(ProjectRow.status == status)
    return list(session.scalars(query))


def project_notes(session: Session, project_id: int) -> list[dict[str, Any]]:
    """Progress notes of a project, oldest first."""
    rows = session.scalars(select(ProjectNoteRow).where(
        ProjectNoteRow.project_id == project_id).order_by(ProjectNoteRow.on_date,
                                                           ProjectNoteRow.id))
    return [{"on": n.on_date.isoformat(), "note": n.note, "progress_pct": n.progress_pct,
             "status": n.status, "actor": n.actor} for n in rows]


def pilots_as_of(session: Session, *, region_code: str, year: int) -> list[dict[str, Any]]:
    """Pilots of `region_code` and below that had applied by the end of `year` (`pilot_dict`),
    each with ``in_force``: approved and not removed by 31 December of `year`."""
    return [pilot_dict(row) | {"in_force": pilot_in_force(row, year)}
            for row in list_pilots(session, region_code=region_code)
            if not (row.applied_on and row.applied_on.year > year)]


def projects_as_of(session: Session, *, region_code: str, year: int) -> list[dict[str, Any]]:
    """Major projects of `region_code` and below whose start year is not after `year`
    (`project_dict`), each with ``started``: whether it had started (开工) by then, by the
    store's one rule (`tanzhi.plan.store.project_started`; a project 谋划中 has not)."""
    return [{**project_dict(row), "started": project_started(row, year)}
            for row in list_projects(session, region_code=region_code)
            if row.start_year <= year]
