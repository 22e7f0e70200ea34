"""Enterprise tables (enterprise_*): the registry, report versions, evidence and the MRV records.

Every row is written through the ORM inside the caller's transaction, so the kernel's audit
chain records each registration, line, transition, non-conformity and approval with its actor.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
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

from tanzhi.kernel import Base, utcnow


class EnterpriseRow(Base):
    """One enterprise (一企一档), keyed by its unified social credit code (GB 32100)."""

    __tablename__ = "enterprise_enterprise"

    credit_code: Mapped[str] = mapped_column(String(18), primary_key=True)
    name_zh: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200), default="")
    industry_code: Mapped[str] = mapped_column(String(8), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    annual_energy_tce: Mapped[float] = mapped_column(Float)
    band: Mapped[str] = mapped_column(String(12))
    address: Mapped[str] = mapped_column(Text, default="")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    registered_by: Mapped[str] = mapped_column(String(64))
    registered_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ContactRow(Base):
    """A contact person of an enterprise."""

    __tablename__ = "enterprise_contact"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credit_code: Mapped[str] = mapped_column(ForeignKey("enterprise_enterprise.credit_code"),
                                             index=True)
    name: Mapped[str] = mapped_column(String(100))
    duty: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    email: Mapped[str] = mapped_column(String(120), default="")


class FacilityRow(Base):
    """A facility (生产设施) or an emission source (排放源) of an enterprise; a source may name the
    facility it belongs to."""

    __tablename__ = "enterprise_facility"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credit_code: Mapped[str] = mapped_column(ForeignKey("enterprise_enterprise.credit_code"),
                                             index=True)
    kind: Mapped[str] = mapped_column(String(12))  # facility | source
    name: Mapped[str] = mapped_column(String(200))
    source_kind: Mapped[str] = mapped_column(String(16), default="")
    item: Mapped[str] = mapped_column(String(64), default="")
    facility_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class QualityPlanRow(Base):
    """A version of an enterprise's data-quality control plan (数据质量控制计划)."""

    __tablename__ = "enterprise_quality_plan"
    __table_args__ = (UniqueConstraint("credit_code", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credit_code: Mapped[str] = mapped_column(ForeignKey("enterprise_enterprise.credit_code"),
                                             index=True)
    version: Mapped[int] = mapped_column(Integer)
    boundary: Mapped[str] = mapped_column(Text)
    metering: Mapped[str] = mapped_column(Text)
    sampling: Mapped[str] = mapped_column(Text, default="")
    responsibilities: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AssignmentRow(Base):
    """A verifier (user name) assigned to an enterprise by the authority."""

    __tablename__ = "enterprise_assignment"
    __table_args__ = (UniqueConstraint("credit_code", "verifier"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credit_code: Mapped[str] = mapped_column(ForeignKey("enterprise_enterprise.credit_code"),
                                             index=True)
    verifier: Mapped[str] = mapped_column(String(64), index=True)
    assigned_by: Mapped[str] = mapped_column(String(64))
    assigned_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ReportRow(Base):
    """One version of a monthly (month 1–12) or annual (month NULL) report."""

    __tablename__ = "enterprise_report"
    __table_args__ = (UniqueConstraint("credit_code", "year", "month", "version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    credit_code: Mapped[str] = mapped_column(ForeignKey("enterprise_enterprise.credit_code"),
                                             index=True)
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int | None] = mapped_column(Integer, nullable=True)
    version: Mapped[int] = mapped_column(Integer)
    supersedes_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    gwp: Mapped[str] = mapped_column(String(8))
    labour_10k_yuan: Mapped[float | None] = mapped_column(Float, nullable=True)
    taxes_10k_yuan: Mapped[float | None] = mapped_column(Float, nullable=True)
    depreciation_10k_yuan: Mapped[float | None] = mapped_column(Float, nullable=True)
    surplus_10k_yuan: Mapped[float | None] = mapped_column(Float, nullable=True)
    # The account (tanzhi.enterprise.account) as last computed: at submission, at the verifier's
    # conclusion and at approval, after which it never changes with the version.
    co2e_t: Mapped[float | None] = mapped_column(Float, nullable=True)
    account_json: Mapped[str] = mapped_column(Text, default="")
    conclusion: Mapped[str] = mapped_column(Text, default="")
    verifier: Mapped[str | None] = mapped_column(String(64), nullable=True)
    approved_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class LineRow(Base):
    """One reported quantity: energy by carrier, process material, electricity, heat, green
    power; `conservative` marks the verifier's conservative estimate of missing data."""

    __tablename__ = "enterprise_line"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("enterprise_report.id"), index=True)
    source_kind: Mapped[str] = mapped_column(String(16))
    item: Mapped[str] = mapped_column(String(64))
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))
    facility: Mapped[str] = mapped_column(String(200), default="")
    evidence_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    conservative: Mapped[bool] = mapped_column(Boolean, default=False)
    note: Mapped[str] = mapped_column(Text, default="")


class ProductionRow(Base):
    """Output of one product in a report's period (physical-output intensity)."""

    __tablename__ = "enterprise_production"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("enterprise_report.id"), index=True)
    product: Mapped[str] = mapped_column(String(100))
    quantity: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(32))


class EvidenceRow(Base):
    """An evidence file of a report version (content stored by sha256, kernel.evidence)."""

    __tablename__ = "enterprise_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("enterprise_report.id"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    content_type: Mapped[str] = mapped_column(String(120))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CheckRow(Base):
    """One item of the verifier's document review or on-site checklist."""

    __tablename__ = "enterprise_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("enterprise_report.id"), index=True)
    kind: Mapped[str] = mapped_column(String(12))
    item_zh: Mapped[str] = mapped_column(String(200))
    item_en: Mapped[str] = mapped_column(String(200))
    result: Mapped[str] = mapped_column(String(16), default="pending")
    note: Mapped[str] = mapped_column(Text, default="")
    checked_by: Mapped[str | None] = mapped_column(String(64), nullable=True)


class NonconformityRow(Base):
    """A non-conformity: raised, responded to by the enterprise, closed by the verifier."""

    __tablename__ = "enterprise_nonconformity"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("enterprise_report.id"), index=True)
    description: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(12), default="open")
    raised_by: Mapped[str] = mapped_column(String(64))
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    response: Mapped[str] = mapped_column(Text, default="")
    responded_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    closed_by: Mapped[str | None] = mapped_column(String(64), nullable=True)
    closing_note: Mapped[str] = mapped_column(Text, default="")


class TransitionRow(Base):
    """One step of a report version's workflow (who, when, from, to, note)."""

    __tablename__ = "enterprise_transition"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    report_id: Mapped[int] = mapped_column(ForeignKey("enterprise_report.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str] = mapped_column(String(16), default="")
    to_status: Mapped[str] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(64))
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    note: Mapped[str] = mapped_column(Text, default="")


# ---- queries ------------------------------------------------------------------------------------

def enterprises(session: Session, *, codes: set[str] | None = None,
                region_codes: set[str] | None = None) -> list[EnterpriseRow]:
    """Enterprises by name, optionally only those of `codes` or of regions `region_codes`."""
    query = select(EnterpriseRow).order_by(EnterpriseRow.region_code, EnterpriseRow.name_zh)
    if codes is not None:
        query = query.where(EnterpriseRow.credit_code.in_(sorted(codes)))
    if region_codes is not None:
        query = query.where(EnterpriseRow.region_code.in_(sorted(region_codes)))
    return list(session.scalars(query))


def children(session: Session, table: type, credit_code: str) -> list:
    """The rows of `table` (contacts, facilities, plans, assignments) of one enterprise."""
    return list(session.scalars(select(table).where(table.credit_code == credit_code)
                                .order_by(table.id)))


def of_report(session: Session, table: type, report_id: int) -> list:
    """The rows of `table` (lines, production, evidence, checks, NCs, steps) of one report."""
    return list(session.scalars(select(table).where(table.report_id == report_id)
                                .order_by(table.id)))


def reports(session: Session, *, codes: set[str] | None = None) -> list[ReportRow]:
    """Report versions, newest period first, optionally of enterprises `codes`."""
    query = select(ReportRow).order_by(ReportRow.year.desc(), ReportRow.month.desc(),
                                       ReportRow.version.desc())
    if codes is not None:
        query = query.where(ReportRow.credit_code.in_(sorted(codes)))
    return list(session.scalars(query))


def period_reports(session: Session, credit_code: str, year: int, month: int | None
                   ) -> list[ReportRow]:
    """Every version of one enterprise's report for one period, oldest first."""
    query = select(ReportRow).where(ReportRow.credit_code == credit_code,
                                    ReportRow.year == year)
    query = query.where(ReportRow.month.is_(None) if month is None else ReportRow.month == month)
    return list(session.scalars(query.order_by(ReportRow.version)))


def assigned_codes(session: Session, verifier: str) -> set[str]:
    """Credit codes of the enterprises assigned to `verifier`."""
    return set(session.scalars(select(AssignmentRow.credit_code)
                               .where(AssignmentRow.verifier == verifier)))


def verifiers_of(session: Session, credit_code: str) -> frozenset[str]:
    """User names of the verifiers assigned to an enterprise."""
    return frozenset(session.scalars(select(AssignmentRow.verifier)
                                     .where(AssignmentRow.credit_code == credit_code)))
