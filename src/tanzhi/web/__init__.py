"""Web layer: the FastAPI app factory, the route list and the base templates."""

from tanzhi.web.app import create_app, exposure_warnings, serving_settings, warm_up

__all__ = [
    "create_app",
    "exposure_warnings",
    "serving_settings",
    "warm_up",
]
