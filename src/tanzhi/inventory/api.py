"""JSON twins of the inventory pages under /api/v1/inventory."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["inventory"])
