"""Inventory workspace pages: upload, sector/gas/fuel/region views, compare, downloads."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(include_in_schema=False)
