"""JSON twins of the assessment workspace and registries."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["assessment"])
