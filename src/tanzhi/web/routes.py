"""The one list of (router, prefix) pairs the app mounts."""

from __future__ import annotations

from fastapi import APIRouter

from tanzhi.web import api, pages, system

ROUTES: list[tuple[APIRouter, str]] = [
    (system.router, "/api/v1"),
    (api.router, "/api/v1"),
    (pages.router, ""),
]
