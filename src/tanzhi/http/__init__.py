"""Request plumbing every domain's api.py and pages.py share: session, user, scope, CSRF, i18n.

It sits just above `access` in the layer order so that domain routers can depend on it while the
app factory (`tanzhi.web`) stays at the top."""

from tanzhi.http.deps import CurrentUser, DbSession, OptionalUser, render, require, serve_script
from tanzhi.http.i18n import LOCALES, make_environment
from tanzhi.http.policy import (
    PLAIN_PARAMS,
    Reach,
    authorize,
    object_id,
    permits,
    reachable,
    resolver_doc,
    resolves,
    scope_region,
)
from tanzhi.http.policy_table import PENDING, PLAIN, POLICY, ROLE_COLUMNS, Access
from tanzhi.http.security import (
    LocaleMiddleware,
    NotAuthenticated,
    SecurityHeadersMiddleware,
    client_address,
    csrf_protect,
    csrf_token,
    rotate_session,
)
from tanzhi.http.sessions import ServerSessionMiddleware

__all__ = [
    "Access",
    "CurrentUser",
    "DbSession",
    "LOCALES",
    "LocaleMiddleware",
    "NotAuthenticated",
    "OptionalUser",
    "PENDING",
    "PLAIN",
    "PLAIN_PARAMS",
    "POLICY",
    "ROLE_COLUMNS",
    "Reach",
    "SecurityHeadersMiddleware",
    "ServerSessionMiddleware",
    "authorize",
    "client_address",
    "csrf_protect",
    "csrf_token",
    "make_environment",
    "object_id",
    "permits",
    "reachable",
    "render",
    "require",
    "resolver_doc",
    "resolves",
    "rotate_session",
    "scope_region",
    "serve_script",
]
