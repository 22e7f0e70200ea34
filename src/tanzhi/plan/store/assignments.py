"""Targets the level above assigned to a plan's region (plan_assignment), entered or packaged.

A plan target printed as "set by the higher level" (上级下达) gets its number from one of:

- the parent plan's adopted decomposition round (`tanzhi.plan.store.allocations`);
- an assignment entered here (`PlanAssignmentRow`): a value with the document it comes from,
  who entered it, and whether it is a synthetic demo figure;
- a packaged assignment quoted from a public document (``assigned_targets.csv``, read from the
  decomposition package's data folder; the decomposition helper reads the same file for its
  parent targets).

``basis`` says how the number reads against the indicator: ``value`` (in the indicator's unit)
or ``reduction_pct`` (a % cut from the base year, applied to an intensity level indicator, e.g.
Shaoxing's energy intensity 0.41 tce/万元 cut by 16.5 % → 0.342).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Boolean, Float, ForeignKey, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tanzhi.kernel import Base, Timestamped

# A data file beside the decomposition code; read by path so the store imports nothing above.
PACKAGED_FILE = Path(__file__).resolve().parents[1] / "decompose" / "assigned_targets.csv"


class PlanAssignmentRow(Timestamped, Base):
    """One assigned target of a plan indicator in a region; a new entry supersedes the last."""

    __tablename__ = "plan_assignment"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[str] = mapped_column(String(64), index=True)
    indicator_id: Mapped[str] = mapped_column(String(64), index=True)
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    value: Mapped[float] = mapped_column(Float)
    basis: Mapped[str] = mapped_column(String(16), default="value")  # value | reduction_pct
    source_zh: Mapped[str] = mapped_column(Text)
    source_en: Mapped[str] = mapped_column(Text, default="")
    provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    actor: Mapped[str] = mapped_column(String(80))
    superseded_by: Mapped[int | None] = mapped_column(
        Integer, ForeignKey("plan_assignment.id"), nullable=True, index=True)


@dataclass(frozen=True)
class Assignment:
    """An assigned target as status reads it."""

    plan_id: str
    indicator_id: str
    region_code: str
    value: float
    basis: str  # value | reduction_pct
    source_zh: str
    source_en: str
    provisional: bool
    synthetic: bool
    origin: str  # entered | packaged


def packaged_assignments() -> list[Assignment]:
    """The assignments quoted from public documents (``assigned_targets.csv``)."""
    rows = csv.DictReader(PACKAGED_FILE.read_text(encoding="utf-8").splitlines())
    return [Assignment(r["plan_id"], r["indicator_id"], r["region_code"], float(r["value"]),
                       r.get("basis") or "value", r["source_zh"], r["source_en"],
                       r["provisional"] == "true", False, "packaged") for r in rows]


def entered_assignments(session: Session, plan_id: str, region_code: str) -> list[Assignment]:
    """The assignments in force (not superseded) entered for a plan's region."""
    rows = session.scalars(select(PlanAssignmentRow).where(
        PlanAssignmentRow.plan_id == plan_id, PlanAssignmentRow.region_code == region_code,
        PlanAssignmentRow.superseded_by.is_(None)).order_by(PlanAssignmentRow.id)).all()
    return [Assignment(r.plan_id, r.indicator_id, r.region_code, r.value, r.basis,
                       r.source_zh, r.source_en, r.provisional, r.synthetic, "entered")
            for r in rows]


def current_assignment_row(session: Session, plan_id: str, indicator_id: str, region_code: str
                           ) -> PlanAssignmentRow | None:
    """The entered assignment in force for one key, if any."""
    return session.scalars(select(PlanAssignmentRow).where(
        PlanAssignmentRow.plan_id == plan_id, PlanAssignmentRow.indicator_id == indicator_id,
        PlanAssignmentRow.region_code == region_code,
        PlanAssignmentRow.superseded_by.is_(None))).first()
