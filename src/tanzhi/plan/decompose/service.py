"""Decomposition use cases: run a round, version it, export the allocation table."""

from __future__ import annotations

from sqlalchemy.orm import Session


def demo_seed(session: Session) -> int:
    """Demo rows of this area (called by `tanzhi demo` after the statistics); rows written."""
    return 0
