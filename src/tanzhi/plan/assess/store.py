"""Assessment tables (plan_assess_*): schemes, items, assessees, scores, evidence, rectification.

The pilot and project registry tables sit one floor down, in `tanzhi.plan.store` (issue #10).
"""

from __future__ import annotations

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
)
from sqlalchemy.orm import Mapped, mapped_column

from tanzhi.kernel import Base, Timestamped, utcnow

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
