"""Disclosure JSON (mounted at /api/v1/public): what is published, for anyone.

Only live publications are listed or served; a withdrawn or never-published id answers 404.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy.orm import Session

from tanzhi.disclosure import service
from tanzhi.disclosure.model import Kind
from tanzhi.http import DbSession, Reach, object_id, resolves
from tanzhi.kernel import NotFound

router = APIRouter(tags=["disclosure"])


@resolves("publication_id")
def publication_reach(db: Session, value: str) -> Reach:
    """A publication lies in the region whose data it discloses (withdrawing: that region's
    office or one above it)."""
    pub = service.get_publication(db, object_id(value, "公开信息", "publication"))
    return Reach((pub.region_code,))


@router.get("/publications")
def publications(db: DbSession) -> list[dict[str, Any]]:
    """Every live publication, newest first."""
    return [p.as_dict() for p in service.live_publications(db)]


@router.get("/publications/{publication_id}")
def publication(publication_id: int, db: DbSession) -> dict[str, Any]:
    """One live publication with its data (inventory totals, the frozen status table)."""
    pub = service.get_publication(db, publication_id)
    pub = service.published(db, pub.kind, pub.object_id, pub.region_code)
    if pub.id != publication_id:  # an older, superseded publication of the same object
        raise NotFound(f"公开编号 {publication_id} 已被取代 / publication "
                               f"{publication_id} is superseded")
    out = pub.as_dict()
    if pub.kind is Kind.INVENTORY:
        out["totals"] = service.inventory_summary(db, pub)
    elif pub.kind is Kind.PLAN_STATUS:
        out["rows"] = pub.snapshot.get("rows", [])
    return out
