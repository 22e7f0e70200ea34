"""Assessment, pilot and project tables (plan_assess_*, plan_pilot_*, plan_project_*) and queries.

Only kernel-level imports here: `count_pilots` and `project_totals` are called by the plan
service for pilot and project indicators.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    select,
)
from sqlalchemy.orm import Mapped, Session, mapped_column

from tanzhi.kernel.db import Base, Timestamped, utcnow
from tanzhi.kernel.regions import list_regions

# ------------------------------------------------------------------------------- assessment


class SchemeRow(Timestamped, Base):
    """One annual assessment scheme (考核方案) of a plan, for one region's assessees."""

    __tablename__ = "plan_assess_scheme"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(64), index=True)
    year: Mapped[int] = mapped_column(Integer)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    round: Mapped[int] = mapped_column(Integer, default=1)
    supersedes: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("plan_assess_scheme.id"), nullable=True)
    title_zh: Mapped[str] = mapped_column(String(200))
    title_en: Mapped[str] = mapped_column(String(300))
    state: Mapped[str] = mapped_column(String(20), default="draft")
    grade_bands_json: Mapped[str] = mapped_column(Text, default="{}")
    rectify_below_pct: Mapped[float] = mapped_column(Float, default=60.0)
    rectify_deadline: Mapped[date | None] = mapped_column(Date, nullable=True)
    created_by: Mapped[str] = mapped_column(String(64))
    signed_off_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    signed_off_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True),
                                                           nullable=True)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)


class ItemRow(Base):
    """One item of a scheme: quantitative (from an indicator) or a qualitative task."""

    __tablename__ = "plan_assess_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("plan_assess_scheme.id"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(16))
    indicator_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    title_zh: Mapped[str] = mapped_column(String(300))
    title_en: Mapped[str] = mapped_column(String(400), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    max_score: Mapped[float] = mapped_column(Float)
    rule_json: Mapped[str] = mapped_column(Text, default="{}")
    evidence_required: Mapped[bool] = mapped_column(Boolean, default=False)
    applies_to: Mapped[str] = mapped_column(String(16), default="all")


class AssesseeRow(Base):
    """A county or a department assessed under a scheme."""

    __tablename__ = "plan_assess_assessee"
    __table_args__ = (UniqueConstraint("scheme_id", "kind", "code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("plan_assess_scheme.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    code: Mapped[str] = mapped_column(String(64))
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(300))
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    department: Mapped[str | None] = mapped_column(String(40), nullable=True)
    submitted_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class ScoreRow(Base):
    """One assessee's score on one item: automatic, self-assessed and reviewed."""

    __tablename__ = "plan_assess_score"
    __table_args__ = (UniqueConstraint("item_id", "assessee_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("plan_assess_scheme.id"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("plan_assess_item.id"), index=True)
    assessee_id: Mapped[int] = mapped_column(ForeignKey("plan_assess_assessee.id"), index=True)
    auto_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    basis_json: Mapped[str] = mapped_column(Text, default="{}")
    self_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    self_note: Mapped[str] = mapped_column(Text, default="")
    self_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    self_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    review_score: Mapped[float | None] = mapped_column(Float, nullable=True)
    review_comment: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    final_score: Mapped[float | None] = mapped_column(Float, nullable=True)


class EvidenceRow(Base):
    """An evidence file uploaded for one score (content under data_dir/evidence/<sha256>)."""

    __tablename__ = "plan_assess_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("plan_assess_scheme.id"), index=True)
    score_id: Mapped[int] = mapped_column(ForeignKey("plan_assess_score.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class TransitionRow(Base):
    """One workflow move of a scheme (the audit log has the row-level detail)."""

    __tablename__ = "plan_assess_transition"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("plan_assess_scheme.id"), index=True)
    from_state: Mapped[str] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


class RectificationRow(Base):
    """One entry of the rectification list (整改清单) made at sign-off."""

    __tablename__ = "plan_assess_rectification"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scheme_id: Mapped[int] = mapped_column(ForeignKey("plan_assess_scheme.id"), index=True)
    assessee_id: Mapped[int] = mapped_column(ForeignKey("plan_assess_assessee.id"))
    item_id: Mapped[int] = mapped_column(ForeignKey("plan_assess_item.id"))
    score: Mapped[float] = mapped_column(Float)
    max_score: Mapped[float] = mapped_column(Float)
    owner: Mapped[str] = mapped_column(String(200))
    deadline: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), default="open")
    closed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")


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


def project_totals(session: Session, *, region_code: str, year: int) -> dict[str, float]:
    """Major projects of `region_code` and below as of `year`.

    Returns
    -------
    dict
        ``projects`` (started by `year`, not cancelled), ``completed`` (status completed and
        end year ≤ `year`), ``investment_wan_yuan`` (total investment of the started projects,
        万元), ``reduction_t`` (expected annual reduction of the completed ones, t CO2e).
    """
    codes = region_and_below(session, region_code)
    rows = session.scalars(select(ProjectRow).where(ProjectRow.region_code.in_(codes)))
    out = {"projects": 0.0, "completed": 0.0, "investment_wan_yuan": 0.0, "reduction_t": 0.0}
    for row in rows:
        if row.status == "cancelled" or row.start_year > year:
            continue
        out["projects"] += 1
        out["investment_wan_yuan"] += row.investment_wan_yuan
        if row.status == "completed" and row.end_year <= year:
            out["completed"] += 1
            out["reduction_t"] += row.reduction_t or 0.0
    return out
