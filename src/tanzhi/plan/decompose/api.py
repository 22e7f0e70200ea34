"""JSON twins of the decomposition tool under /api/v1/plans/…/decompose."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["decomposition"])
