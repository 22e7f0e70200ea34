"""Build the FastAPI application from settings; nothing is created at import time."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from ipaddress import ip_address
from pathlib import Path

from fastapi import Depends, FastAPI
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import inspect

from tanzhi import __version__
from tanzhi.access import SessionPolicy
from tanzhi.config import Settings
from tanzhi.http import (
    LOCALES,
    LocaleMiddleware,
    SecurityHeadersMiddleware,
    ServerSessionMiddleware,
    authorize,
    csrf_protect,
    make_environment,
)
from tanzhi.kernel import (
    DerivedStore,
    JobRow,
    JobRunner,
    attach_store,
    code_fingerprint,
    format_number,
    ipcc_category,
    key_path,
    make_engine,
    make_session_factory,
    on_content_change,
    python_text_storage,
    random_secret,
    registry,
    secret_key_configured,
    session_secret,
    utcnow,
)
from tanzhi.web.api import region_sources
from tanzhi.web.errors import install_error_handlers
from tanzhi.web.precompute import Precomputer, precompute
from tanzhi.web.routes import ROUTES

WEB_DIR = Path(__file__).resolve().parent
PACKAGE_DIR = WEB_DIR.parent
log = logging.getLogger("tanzhi.web")


@dataclass(frozen=True)
class ExposureWarning:
    """Something about how the app is served that weakens its sessions (issue #8, item 1)."""

    zh: str
    en: str


def is_loopback(host: str) -> bool:
    """Whether `host` (as given to `tanzhi serve --host`) is reachable from this machine only."""
    if host.strip("[]") == "localhost":
        return True
    try:
        return ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # a host name other than localhost: assume it is reachable from outside


def serving_settings(settings: Settings, host: str) -> Settings:
    """The settings `tanzhi serve --host host` runs with.

    Secure cookies default *on* for a non-loopback address: the session cookie is a bearer
    credential, and on a network it must travel over TLS only (a TLS proxy in front, or HTTPS
    in uvicorn).  A plain-HTTP deployment on a LAN has to say `TANZHI_SECURE_COOKIES=false`
    and is warned each start; on loopback the automatic mode (Secure on HTTPS requests) keeps
    `http://127.0.0.1` usable for development.
    """
    if settings.secure_cookies is None and not is_loopback(host):
        return settings.model_copy(update={"secure_cookies": True})
    return settings


def exposure_warnings(settings: Settings, host: str) -> list[ExposureWarning]:
    """What `tanzhi serve` must say loudly before serving `host` with `settings`."""
    if is_loopback(host):
        return []
    out = []
    if not secret_key_configured(settings):
        path = key_path(settings, "session-secret")
        out.append(ExposureWarning(
            f"未设置 TANZHI_SECRET_KEY：会话与 CSRF 密钥取自自动生成的 {path}，"
            "只有持有该数据目录的进程才能共用会话，且该文件随数据目录备份而外泄。"
            "生产环境请通过密钥管理设置 TANZHI_SECRET_KEY。",
            f"TANZHI_SECRET_KEY is not set: the session and CSRF key is the generated {path}; "
            "only processes sharing this data directory share sessions, and the key leaks with "
            "any copy of the directory. Set TANZHI_SECRET_KEY from a secret store in production."))
    if settings.secure_cookies is False:
        out.append(ExposureWarning(
            f"TANZHI_SECURE_COOKIES=false 且监听 {host}：会话 Cookie 将以明文经网络传输，"
            "网络上任何人都可窃取并冒用登录会话。请在 HTTPS 之后运行并去掉该设置。",
            f"TANZHI_SECURE_COOKIES=false while listening on {host}: session cookies travel in "
            "clear over the network, where anyone on the path can steal and replay a login. "
            "Serve behind HTTPS and drop the setting."))
    if settings.password_hash_profile != "rfc9106-low-memory":
        out.append(ExposureWarning(
            f"TANZHI_PASSWORD_HASH_PROFILE={settings.password_hash_profile} 仅供测试：新密码的"
            "哈希极易被暴力破解。请删除该设置。",
            f"TANZHI_PASSWORD_HASH_PROFILE={settings.password_hash_profile} is for tests only: "
            "new password hashes are trivial to brute-force. Remove the setting."))
    return out


def warm_up() -> None:
    """Load, before serving, what the first request would otherwise load: the IPCC 2006
    category tree (climate_categories and networkx, 2–9 s on this machine's first use) and
    the unit registry (≈ 3 s), the code fingerprint of stored figures and the dashboard's
    provenance.  `tanzhi serve` calls it, so no visitor's request pays it
    (issue #11 item 10); app factories in tests do not, to keep them fast."""
    ipcc_category("1")
    registry()
    code_fingerprint()  # part of every stored figure's key: hashing the package takes ≈ 0.3 s
    region_sources()  # the dashboard's provenance (a YAML read, ≈ 0.1 s)
    for locale in LOCALES:  # babel loads a locale's number symbols on first use (≈ 40 ms)
        format_number(12345.6, locale)


def warm_templates(app: FastAPI) -> None:
    """Compile every template of every UI language now, not in a visitor's first request."""
    for templates in app.state.template_sets.values():
        for name in templates.env.list_templates(extensions=("html",)):
            templates.env.get_template(name)


def template_dirs() -> list[Path]:
    """The base templates and each domain's `templates/` folder."""
    dirs = [WEB_DIR / "templates"]
    dirs += sorted(p for p in PACKAGE_DIR.glob("*/templates") if p.parent != WEB_DIR)
    return dirs


@asynccontextmanager
async def job_lifespan(app: FastAPI) -> AsyncIterator[None]:
    """At start, fail the jobs a previous (crashed) process left running; at exit, cancel ours."""
    runner: JobRunner = app.state.jobs
    if inspect(app.state.engine).has_table(JobRow.__tablename__):
        runner.recover()
    precomputer: Precomputer | None = app.state.precomputer
    if precomputer is not None:
        precomputer.request()  # fill (or load) the landing views once we listen
    yield
    runner.shutdown(wait=True)
    if precomputer is not None:
        precomputer.stop()


def create_app(
    settings: Settings | None = None, *, clock: Callable[[], datetime] = utcnow,
    precompute_views: bool = False,
) -> FastAPI:
    """The tanzhi web application for one installation.

    `clock` gives the current UTC time to the session layer (idle and absolute expiry); tests
    pass a movable one.  Derived page figures are stored under ``<data_dir>/derived`` by input
    hash; with `precompute_views` (`tanzhi serve`) the landing views of every user are computed
    at start and again after each write (`tanzhi.web.precompute`, issue #11 item 10).
    """
    settings = settings or Settings()
    python_text_storage()  # the engines' frames: kernel.frames.python_text_storage, issue #9
    app = FastAPI(
        lifespan=job_lifespan,
        title="tanzhi 碳智",
        version=__version__,
        docs_url="/docs",
        openapi_url="/api/v1/openapi.json",
        # App-wide guards, one per line, run before every route.
        dependencies=[
            # Every unsafe request, HTML form or API call, must carry the session's CSRF token.
            Depends(csrf_protect),
            # Role and region scope from the one policy table (issue #8, item 3).
            Depends(authorize),
        ],
        max_body_size=settings.max_upload_bytes,
    )
    engine = make_engine(settings)
    app.state.settings = settings
    app.state.engine = engine
    app.state.session_factory = make_session_factory(engine)
    attach_store(engine, DerivedStore(settings.data_dir / "derived",
                                      random_secret(settings, "derived-hmac")))
    app.state.precomputer = None
    if precompute_views:
        factory, locale = app.state.session_factory, settings.default_locale
        app.state.precomputer = Precomputer(lambda: precompute(factory, locale))
        on_content_change(factory, app.state.precomputer.request)
    # Long imports and compilations run as background jobs (issue #8, deliverable 7).
    app.state.jobs = JobRunner(app.state.session_factory,
                               workers=1 if engine.dialect.name == "sqlite" else 2)
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
                       secure=settings.secure_cookies, trusted_proxies=settings.trusted_proxies)
    app.add_middleware(
        ServerSessionMiddleware, factory=app.state.session_factory,
        key=session_secret(settings).encode(), policy=session_policy(settings),
        secure=settings.secure_cookies, trusted_proxies=settings.trusted_proxies, clock=clock)
    app.add_middleware(SecurityHeadersMiddleware)
    _log_session_setup(settings)
    return app


def session_policy(settings: Settings) -> SessionPolicy:
    """Idle and absolute session lifetimes from the settings."""
    return SessionPolicy(idle=timedelta(minutes=settings.session_idle_minutes),
                         absolute=timedelta(hours=settings.session_absolute_hours))


def _log_session_setup(settings: Settings) -> None:
    # One line at start-up saying where the session key comes from and how cookies are marked,
    # so an operator reading the log sees a generated key or insecure cookies (issue #8, item 1).
    key = ("configured (TANZHI_SECRET_KEY)" if secret_key_configured(settings)
           else f"generated, {key_path(settings, 'session-secret')}")
    secure = {True: "always", False: "never", None: "on HTTPS requests"}[settings.secure_cookies]
    level = logging.WARNING if settings.secure_cookies is False else logging.INFO
    log.log(level, "session key: %s; Secure cookies: %s; idle %d min, absolute %d h; "
            "trusted proxies: %s", key, secure, settings.session_idle_minutes,
            settings.session_absolute_hours,
            ", ".join(str(n) for n in settings.trusted_proxies) or "none")
