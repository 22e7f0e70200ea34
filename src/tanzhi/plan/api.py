"""JSON twins of the plan pages under /api/v1/plans."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["plans"])
