"""Web layer: the FastAPI app factory, the route list and the base templates."""

from tanzhi.web.app import (
    create_app,
    exposure_warnings,
    serving_settings,
    warm_templates,
    warm_up,
)
from tanzhi.web.precompute import Precomputer, precompute

__all__ = [
    "Precomputer",
    "create_app",
    "exposure_warnings",
    "precompute",
    "serving_settings",
    "warm_templates",
    "warm_up",
]
