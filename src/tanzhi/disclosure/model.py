"""What the public may see: a publication of one stored object, as of a date, by an officer.

Three kinds of object are published (DESIGN.md "anonymous public — published data only —
disclosure pages"): a region's figures of an inventory run, a plan's indicator status table for
one region, and a generated report. Signed-off assessment results are public by the rule of the
assessment itself (`tanzhi.plan.public_edition`: nothing before sign-off) and are listed beside
them without a publication of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any


class Kind(StrEnum):
    """The kinds of publication."""

    INVENTORY = "inventory"
    PLAN_STATUS = "plan_status"
    REPORT = "report"

    @property
    def label_zh(self) -> str:
        """Chinese label."""
        return KIND_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English label."""
        return KIND_LABELS[self][1]


KIND_LABELS: dict[Kind, tuple[str, str]] = {
    Kind.INVENTORY: ("温室气体清单", "GHG inventory"),
    Kind.PLAN_STATUS: ("规划指标进展", "Plan indicator status"),
    Kind.REPORT: ("公开报告", "Public report"),
}

# Download formats of each kind (report files come from the report domain's renderers).
TABLE_FORMATS = ("csv", "xlsx")
REPORT_FORMATS = ("html", "pdf", "docx")
MEDIA = {"csv": "text/csv; charset=utf-8",
         "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass(frozen=True)
class Publication:
    """One publication as pages show it (live, or withdrawn when `withdrawn_at` is set)."""

    id: int
    kind: Kind
    object_id: str
    region_code: str
    region_name: str
    title: str
    as_of: date
    year: int | None
    published_by: str
    published_by_name: str
    published_at: datetime
    note: str
    provisional: int
    withdrawn_at: datetime | None
    withdrawn_by: str | None
    withdraw_reason: str
    synthetic: bool
    snapshot: dict[str, Any]

    @property
    def live(self) -> bool:
        """Whether the public sees it now."""
        return self.withdrawn_at is None

    @property
    def url(self) -> str:
        """The public page of the publication."""
        if self.kind is Kind.INVENTORY:
            return f"/public/inventory/{self.object_id}/{self.region_code}"
        if self.kind is Kind.PLAN_STATUS:
            return f"/public/plans/{self.object_id}/{self.region_code}"
        return f"/public/reports/{self.object_id}"

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form (no snapshot rows)."""
        return {
            "id": self.id, "kind": self.kind.value, "object_id": self.object_id,
            "region_code": self.region_code, "region_name": self.region_name,
            "title": self.title, "as_of": self.as_of.isoformat(), "year": self.year,
            "published_by": self.published_by_name, "published_at": self.published_at.isoformat(),
            "note": self.note, "provisional": self.provisional, "url": self.url,
            "synthetic": self.synthetic, "live": self.live,
            "withdrawn_at": self.withdrawn_at.isoformat() if self.withdrawn_at else None,
        }


def show(value: Any, digits: int = 2, *, fixed: bool = False) -> str:
    """A published number as the portal prints it: thousands grouped, no 万/亿 (the unit is in
    the column head), at most `digits` decimals, three significant digits below one; `fixed`:
    always `digits` decimals (a table whose column must line up).

    >>> show(412345.678), show(12.5), show(0.34215), show(None), show(462.1, fixed=True)
    ('412,346', '12.5', '0.342', '—', '462.10')
    """
    if value is None or (isinstance(value, float) and value != value):
        return "—"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    size = abs(value)
    if fixed:
        return f"{value:,.{digits}f}"
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 1:
        return f"{value:,.{digits}f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"
