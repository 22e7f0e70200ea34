"""The one list of (router, prefix) pairs the app mounts."""

from __future__ import annotations

from fastapi import APIRouter

from tanzhi.inventory import api as inventory_api
from tanzhi.inventory import pages as inventory_pages
from tanzhi.plan import api as plan_api
from tanzhi.plan import pages as plan_pages
from tanzhi.plan.assess import api as assess_api
from tanzhi.plan.assess import pages as assess_pages
from tanzhi.plan.decompose import api as decompose_api
from tanzhi.plan.decompose import pages as decompose_pages
from tanzhi.report import api_router as report_api_router
from tanzhi.report import pages_router as report_pages_router
from tanzhi.web import api, jobs, pages, system

ROUTES: list[tuple[APIRouter, str]] = [
    (system.router, "/api/v1"),
    (api.router, "/api/v1"),
    (pages.router, ""),
    (jobs.api, "/api/v1/jobs"),
    (jobs.pages, "/jobs"),
    (inventory_api.router, "/api/v1/inventory"),
    (inventory_pages.router, "/inventory"),
    (plan_api.router, "/api/v1/plans"),
    (plan_pages.router, "/plans"),
    (decompose_api.router, "/api/v1/decompose"),
    (decompose_pages.router, "/decompose"),
    (assess_api.router, "/api/v1/assess"),
    (assess_pages.router, "/assess"),
    (report_api_router, "/api/v1/reports"),
    (report_pages_router, "/reports"),
]
