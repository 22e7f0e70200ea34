"""Report tables (report_*): generated documents with their inputs' lineage and output hashes.

A row keeps the document itself (the model as JSON, so any format can be rendered later), the
parameters it was asked with, the lineage of its inputs (inventory run, plan edition, digest of
the actuals, dataset editions) and the sha256 of each rendered output; the bytes live on disk
under ``<data_dir>/reports/<sha256>.<ext>``.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tanzhi.kernel import Base, utcnow


class ReportRow(Base):
    """One generated report (清单报告 or 评估报告)."""

    __tablename__ = "report_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), index=True)
    title: Mapped[str] = mapped_column(String(300))
    region_code: Mapped[str] = mapped_column(String(12), index=True)
    parameters_json: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    document_json: Mapped[str] = mapped_column(Text)
    lineage_json: Mapped[str] = mapped_column(Text, default="{}")
    outputs_json: Mapped[str] = mapped_column(Text, default="{}")
    synthetic: Mapped[bool] = mapped_column(Boolean, default=False)
    actor: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    @property
    def parameters(self) -> dict[str, Any]:
        """The generation parameters."""
        return json.loads(self.parameters_json or "{}")

    @property
    def outputs(self) -> dict[str, dict[str, Any]]:
        """Rendered outputs: format → {sha256, bytes}."""
        return json.loads(self.outputs_json or "{}")

    @property
    def lineage(self) -> dict[str, Any]:
        """Lineage of the inputs."""
        return json.loads(self.lineage_json or "{}")


def add_report(session: Session, **fields: Any) -> ReportRow:
    """Insert a report row and flush (the id is set)."""
    row = ReportRow(**fields)
    session.add(row)
    session.flush()
    return row


def get_row(session: Session, report_id: int) -> ReportRow | None:
    """The report row with this id, or None."""
    return session.get(ReportRow, report_id)


def find_same(session: Session, *, kind: str, parameters_json: str, content_sha256: str
              ) -> ReportRow | None:
    """The latest report with the same kind, parameters and content (reusable as is)."""
    query = (select(ReportRow)
             .where(ReportRow.kind == kind, ReportRow.parameters_json == parameters_json,
                    ReportRow.content_sha256 == content_sha256)
             .order_by(ReportRow.id.desc()).limit(1))
    return session.scalars(query).first()


def list_rows(session: Session, *, region_codes: set[str] | None = None, limit: int = 200
              ) -> list[ReportRow]:
    """Reports, newest first; only those of `region_codes` when given."""
    query = select(ReportRow).order_by(ReportRow.id.desc()).limit(limit)
    if region_codes is not None:
        query = query.where(ReportRow.region_code.in_(sorted(region_codes)))
    return list(session.scalars(query))


def set_outputs(row: ReportRow, outputs: dict[str, dict[str, Any]]) -> None:
    """Record rendered outputs (format → {sha256, bytes})."""
    row.outputs_json = json.dumps(outputs, sort_keys=True)
