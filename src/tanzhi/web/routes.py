"""The one list of (router, prefix) pairs the app mounts."""

from __future__ import annotations

from fastapi import APIRouter

from tanzhi import disclosure, enterprise, inventory, plan
from tanzhi.report import api_router as report_api_router
from tanzhi.report import pages_router as report_pages_router
from tanzhi.web import admin, api, audit, downloads, jobs, pages, search, system

ROUTES: list[tuple[APIRouter, str]] = [
    (system.router, "/api/v1"),
    (api.router, "/api/v1"),
    (pages.router, ""),
    (jobs.api, "/api/v1/jobs"),
    (jobs.pages, "/jobs"),
    (inventory.api_router, "/api/v1/inventory"),
    (inventory.pages_router, "/inventory"),
    (plan.api_router, "/api/v1/plans"),
    (plan.pages_router, "/plans"),
    (plan.decompose_api_router, "/api/v1/decompose"),
    (plan.decompose_pages_router, "/decompose"),
    (plan.ingest_api_router, "/api/v1/ingest"),
    (plan.ingest_pages_router, "/ingest"),
    (plan.assess_api_router, "/api/v1/assess"),
    (plan.assess_pages_router, "/assess"),
    (report_api_router, "/api/v1/reports"),
    (report_pages_router, "/reports"),
    (disclosure.api_router, "/api/v1/public"),
    (disclosure.pages_router, "/public"),
    (enterprise.api_router, "/api/v1/enterprise"),
    (enterprise.pages_router, "/enterprise"),
    (search.api, "/api/v1"),
    (search.pages, ""),
    (admin.api, "/api/v1/admin"),
    (admin.pages, "/admin"),
    (audit.api, "/api/v1/admin"),
    (audit.pages, "/admin"),
    (downloads.router, ""),
]
