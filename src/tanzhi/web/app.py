"""Build the FastAPI application from settings; nothing is created at import time."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates

from tanzhi import __version__
from tanzhi.config import Settings
from tanzhi.kernel.audit import make_session_factory
from tanzhi.kernel.db import make_engine
from tanzhi.web.routes import ROUTES

WEB_DIR = Path(__file__).resolve().parent
PACKAGE_DIR = WEB_DIR.parent


def template_dirs() -> list[Path]:
    """The base templates and each domain's `templates/` folder."""
    dirs = [WEB_DIR / "templates"]
    dirs += sorted(p for p in PACKAGE_DIR.glob("*/templates") if p.parent != WEB_DIR)
    return dirs


def create_app(settings: Settings | None = None) -> FastAPI:
    """The tanzhi web application for one installation."""
    settings = settings or Settings()
    app = FastAPI(
        title="tanzhi 碳智",
        version=__version__,
        docs_url="/docs",
        openapi_url="/api/v1/openapi.json",
    )
    engine = make_engine(settings)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    app.state.templates = Jinja2Templates(directory=[str(d) for d in template_dirs()])
    static = WEB_DIR / "static"
    static.mkdir(exist_ok=True)
    app.mount("/static", StaticFiles(directory=static), name="static")
    for router, prefix in ROUTES:
        app.include_router(router, prefix=prefix)
    return app
