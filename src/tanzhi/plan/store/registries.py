"""Pilot and project registry tables (plan_pilot_*, plan_project_*) and the counts indicators read.

The registries sit below plan tracking (issue #10 item 1): the derived pilot indicators count
pilots here (`count_pilots`), so these tables live at the store floor rather than inside
assessment, which builds its registry pages and workflows on top of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import (
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from tanzhi.kernel import Base, Timestamped, list_regions

# ------------------------------------------------------------------------------- pilots


class PilotRow(Timestamped, Base):
    """A low-/zero-carbon pilot (低碳/零碳/近零碳试点) and its current lifecycle stage."""

    __tablename__ = "plan_pilot_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    kind: Mapped[str] = mapped_column(String(24), index=True)
    carbon_level: Mapped[str] = mapped_column(String(16))
    region_code: Mapped[str] = mapped_column(
        String(12), ForeignKey("kernel_region.code"), index=True)
    stage: Mapped[str] = mapped_column(String(16), index=True)
    applied_on: Mapped[date] = mapped_column(Date)
    approved_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    midterm_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    accepted_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    removed_on: Mapped[date | None] = mapped_column(Date, nullable=True)
    lead_unit: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class PilotEventRow(Base):
    """One dated lifecycle move of a pilot."""

    __tablename__ = "plan_pilot_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("plan_pilot_record.id"), index=True)
    from_stage: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_stage: Mapped[str] = mapped_column(String(16))
    on_date: Mapped[date] = mapped_column(Date)
    actor: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(Text, default="")


class PilotMetricRow(Base):
    """An optional yearly monitoring value of a pilot (e.g. its CO2 emissions)."""

    __tablename__ = "plan_pilot_metric"
    __table_args__ = (UniqueConstraint("pilot_id", "name", "year"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    pilot_id: Mapped[int] = mapped_column(ForeignKey("plan_pilot_record.id"), index=True)
    name: Mapped[str] = mapped_column(String(80))
    year: Mapped[int] = mapped_column(Integer)
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(40))


# ------------------------------------------------------------------------------- projects


class ProjectRow(Timestamped, Base):
    """A major project (重大项目): investment in 万元, expected annual reduction in t CO2e."""

    __tablename__ = "plan_project_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(300), default="")
    region_code: Mapped[str] = mapped_column(
        String(12), ForeignKey("kernel_region.code"), index=True)
    sector: Mapped[str] = mapped_column(String(24), index=True)
    investment_value: Mapped[float] = mapped_column(Float)
    investment_unit: Mapped[str] = mapped_column(String(20))
    investment_wan_yuan: Mapped[float] = mapped_column(Float)
    start_year: Mapped[int] = mapped_column(Integer)
    end_year: Mapped[int] = mapped_column(Integer)
    reduction_value: Mapped[float | None] = mapped_column(Float, nullable=True)
    reduction_unit: Mapped[str | None] = mapped_column(String(20), nullable=True)
    reduction_t: Mapped[float | None] = mapped_column(Float, nullable=True)
    status: Mapped[str] = mapped_column(String(24), index=True)
    owner_unit: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class ProjectNoteRow(Base):
    """A dated progress note of a project (with an optional progress percentage)."""

    __tablename__ = "plan_project_note"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    project_id: Mapped[int] = mapped_column(ForeignKey("plan_project_record.id"), index=True)
    on_date: Mapped[date] = mapped_column(Date)
    progress_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    note: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(64))
    status: Mapped[str | None] = mapped_column(String(24), nullable=True)


# ------------------------------------------------------------------------------- queries


def region_and_below(session: Session, region_code: str) -> set[str]:
    """`region_code` and every stored region below it (towns, villages, parks included)."""
    return {region_code} | {r.code for r in list_regions(session, parent=region_code)}


_IN_FORCE = ("approved", "midterm", "accepted")


def pilot_in_force(row: PilotRow, year: int | None) -> bool:
    """Whether a pilot is approved and not removed at the end of `year` (now when None)."""
    if year is None:
        return row.stage in _IN_FORCE
    end = date(year, 12, 31)
    if row.approved_on is None or row.approved_on > end:
        return False
    return row.removed_on is None or row.removed_on > end


def count_pilots(
    session: Session,
    *,
    region_code: str,
    kinds: Iterable[str] | None = None,
    year: int | None = None,
    carbon_levels: Iterable[str] | None = None,
    accepted_only: bool = False,
) -> int:
    """Pilots in force in `region_code` and below at the end of `year` (today's stage if None).

    In force: approved (创建中, in monitoring), under mid-term review or accepted (验收), and not
    removed by 31 December of `year`. ``accepted_only`` counts only pilots accepted by then.

    Parameters
    ----------
    kinds
        Pilot kinds (``county``, ``town``, ``village`` …, `model.PILOT_KINDS`); all when None.
    carbon_levels
        ``low_carbon``, ``near_zero``, ``zero_carbon``; all when None.
    """
    codes = region_and_below(session, region_code)
    query = select(PilotRow).where(PilotRow.region_code.in_(codes))
    if kinds is not None:
        query = query.where(PilotRow.kind.in_(list(kinds)))
    if carbon_levels is not None:
        query = query.where(PilotRow.carbon_level.in_(list(carbon_levels)))
    count = 0
    for row in session.scalars(query):
        if not pilot_in_force(row, year):
            continue
        if accepted_only:
            if year is None and row.stage != "accepted":
                continue
            if year is not None and (row.accepted_on is None or row.accepted_on.year > year):
                continue
        count += 1
    return count


# Project statuses that mean construction has begun (开工): a project 谋划中 (planned) has not,
# a cancelled one never counts; a suspended one did start (issue #11).
_STARTED = ("under_construction", "completed", "suspended")


def project_started(row: ProjectRow, year: int) -> bool:
    """Whether a project had started (开工) by the end of `year`: a started status and a
    start year not after `year`."""
    return row.status in _STARTED and row.start_year <= year


def project_totals(session: Session, *, region_code: str, year: int) -> dict[str, float]:
    """Major projects of `region_code` and below as of `year`.

    Returns
    -------
    dict
        ``projects`` (started by `year`: `project_started`), ``completed`` (status completed and
        end year ≤ `year`), ``investment_wan_yuan`` (total investment of the started projects,
        万元), ``reduction_t`` (expected annual reduction of the completed ones, t CO2e).
    """
    codes = region_and_below(session, region_code)
    rows = session.scalars(select(ProjectRow).where(ProjectRow.region_code.in_(codes)))
    out = {"projects": 0.0, "completed": 0.0, "investment_wan_yuan": 0.0, "reduction_t": 0.0}
    for row in rows:
        if not project_started(row, year):
            continue
        out["projects"] += 1
        out["investment_wan_yuan"] += row.investment_wan_yuan
        if row.status == "completed" and row.end_year <= year:
            out["completed"] += 1
            out["reduction_t"] += row.reduction_t or 0.0
    return out
