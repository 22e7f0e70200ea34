"""Build the FastAPI application from settings; nothing is created at import time."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.sessions import SessionMiddleware

from tanzhi import __version__
from tanzhi.config import Settings
from tanzhi.http.i18n import LOCALES, make_environment
from tanzhi.http.policy import authorize
from tanzhi.http.security import (
    SESSION_COOKIE,
    SESSION_MAX_AGE_S,
    LocaleMiddleware,
    SecurityHeadersMiddleware,
    csrf_protect,
)
from tanzhi.kernel.audit import make_session_factory
from tanzhi.kernel.db import make_engine
from tanzhi.kernel.keys import session_secret
from tanzhi.web.errors import install_error_handlers
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
        # Every unsafe request, HTML form or API call, must carry the session's CSRF token.
        dependencies=[Depends(csrf_protect), Depends(authorize)],
        max_body_size=settings.max_upload_bytes,
    )
    engine = make_engine(settings)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    # One Jinja environment per UI language; gettext catalogs are compiled here, at start-up.
    dirs = template_dirs()
    app.state.template_sets = {
        locale: Jinja2Templates(env=make_environment(dirs, locale)) for locale in LOCALES
    }
    app.state.templates = app.state.template_sets.get(
        settings.default_locale, app.state.template_sets["zh_CN"])
    static = WEB_DIR / "static"
    static.mkdir(exist_ok=True)
    app.mount("/static", StaticFiles(directory=static), name="static")
    for router, prefix in ROUTES:
        app.include_router(router, prefix=prefix)
    install_error_handlers(app)
    # Added last = outermost: the session and the language exist before anything else runs.
    app.add_middleware(LocaleMiddleware, default=settings.default_locale,
                       secure=settings.secure_cookies)
    app.add_middleware(
        SessionMiddleware, secret_key=session_secret(settings), session_cookie=SESSION_COOKIE,
        max_age=SESSION_MAX_AGE_S, same_site="lax", https_only=settings.secure_cookies)
    app.add_middleware(SecurityHeadersMiddleware)
    return app
