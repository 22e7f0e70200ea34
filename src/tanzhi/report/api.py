"""JSON twins and downloads of reports under /api/v1/reports."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["reports"])
