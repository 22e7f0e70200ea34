"""Platform endpoints that belong to no domain: health and version."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy import text

from tanzhi import __version__

router = APIRouter(tags=["system"])


@router.get("/health")
def health(request: Request) -> dict[str, str]:
    """Liveness plus a database round trip."""
    with request.app.state.engine.connect() as conn:
        conn.execute(text("SELECT 1"))
    return {"status": "ok", "version": __version__}
