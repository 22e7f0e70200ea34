"""Authorization in one place (issue #8, deliverable 3): the policy table and the one dependency.

Every route of the app (HTML and API, reads and writes, exports) has a row in `POLICY`
(`tanzhi.http.policy_table`): method and path template × role → `Access`.  `authorize`, added to
the app-wide dependencies, runs before each route (and so before the route reads an upload):

1. finds the matched route's row (no row: refused, and `tests/web/test_policy.py` fails);
2. checks the user's role against it — no login where one is needed: 401; a role the row does
   not admit: 403;
3. for `own` rows, resolves every declared path/query parameter that names a region or a stored
   object (plan, run, round, scheme, pilot, report …) to the region of the *stored* object
   through the resolvers the owning domains register (`resolves`), and refuses (403) any that
   lies outside the user's scope.

A region is in a user's scope when it is the user's region or lies below it.  An object that
spans the regions below its own (a plan, an assessment scheme, an inventory run) may also be
opened by users below it; such routes then show the user's own region, never a sibling's (the
routes default their `region` to `scope_region`).  List routes filter to the scope themselves
(`request.state.access` says which rule admitted the request).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from fastapi.routing import APIRoute, iter_route_contexts
from sqlalchemy.orm import Session

from tanzhi.access import PasswordChangeRequired, Role, User, region_lineage
from tanzhi.http.deps import DbSession, optional_user
from tanzhi.http.policy_table import ANONYMOUS, OPEN_BEFORE_PASSWORD_CHANGE, POLICY, Access, Rule
from tanzhi.http.security import NotAuthenticated
from tanzhi.kernel import NotFound, PermissionDenied, require_region


@dataclass(frozen=True)
class Reach:
    """Where a stored object lies: the region(s) it belongs to.

    `codes`: the object is in scope when any of them is (a run covering several regions).
    `spans_below`: the object also concerns every region below its own (a province's plan tracks
    its cities), so a user whose region lies below may open it too.
    `enterprise`, `verifiers`: an enterprise's object (issue #12 item 4) is also open to that
    enterprise's reporter (`User.enterprise_id`) and to the verifiers assigned to it (user
    names); the climate offices reach it through its region, as any other object.
    """

    codes: tuple[str, ...]
    spans_below: bool = False
    enterprise: str | None = None
    verifiers: frozenset[str] = frozenset()


Resolver = Callable[[Session, str], "Reach | Iterable[Reach]"]
_RESOLVERS: dict[str, Resolver] = {}

# Parameters that name no region and no stored object (years, formats, filters, paging).  A
# route parameter that is neither resolved nor listed here fails the policy test, so a new
# object parameter cannot slip past the scope check.
PLAIN_PARAMS = frozenset({
    "year", "through", "base_year", "format", "fmt", "method", "iterations", "seed", "by",
    "category", "gas", "sector", "level", "depth", "kind", "stage", "carbon_level", "status",
    "unread_only", "edition", "document", "saved", "reused", "next", "all",
    # An indicator id names a row of a plan's indicator system, not a stored object of its own:
    # the plan beside it in the URL ({plan_id}, ?plan_id=) carries the region and is checked.
    "indicator", "indicator_id",
})


def resolves(*names: str) -> Callable[[Resolver], Resolver]:
    """Register the decorated function as the resolver of parameters `names`.

    The domain that stores the object registers it (beside its routes), so this module stays
    below the domains.  A resolver returns the object's `Reach` and raises `NotFound` when
    there is no such object.
    """
    def register(fn: Resolver) -> Resolver:
        for name in names:
            if name in PLAIN_PARAMS:
                raise ValueError(f"{name!r} is declared a plain parameter")
            existing = _RESOLVERS.get(name)
            if existing is not None and existing is not fn:
                raise ValueError(f"parameter {name!r} already has a resolver ({existing!r})")
            _RESOLVERS[name] = fn
        return fn
    return register


def resolver_names() -> frozenset[str]:
    """Parameter names with a registered resolver."""
    return frozenset(_RESOLVERS)


def resolver_doc() -> dict[str, tuple[str, str]]:
    """Parameter name → (module that registered its resolver, first line of its docstring)."""
    return {name: (fn.__module__, (fn.__doc__ or "").strip().splitlines()[0])
            for name, fn in _RESOLVERS.items()}


@resolves("region", "region_code", "code", "parent")
def region_reach(db: Session, value: str) -> Reach:
    """A region code names itself (unknown codes: 404)."""
    return Reach((require_region(db, value).code,))


def reachable(db: Session, user: User | None, reach: Reach) -> bool:
    """Whether `user` may open an object that lies at `reach`.

    An enterprise reporter reaches only its own enterprise's objects and a verifier only those
    of enterprises assigned to it; every other role reaches by region.
    """
    if user is None or not user.active:
        return False
    if user.role is Role.ENTERPRISE_REPORTER:
        return reach.enterprise is not None and user.enterprise_id == reach.enterprise
    if user.role is Role.VERIFIER:
        return user.username in reach.verifiers
    if user.region_code is None:
        return False
    own_lineage: list[str] | None = None
    for code in reach.codes:
        if user.region_code in region_lineage(db, code):
            return True
        if reach.spans_below:
            own_lineage = own_lineage or region_lineage(db, user.region_code)
            if code in own_lineage:
                return True
    return False


def in_user_scope(db: Session, user: User, code: str) -> bool:
    """Whether region `code` itself is in the user's scope (the user's region or below)."""
    return reachable(db, user, Reach((code,)))


def scope_region(db: Session, user: User, region: str | None, home: str) -> str:
    """The region a route shows: the one asked for, else `home` (an object's region) when it is
    in the user's scope, else the user's own region (a county officer opening the city's plan
    sees the county, not the city's or a sibling's figures)."""
    if region:
        return region
    if user.region_code and not in_user_scope(db, user, home):
        return user.region_code
    return home


def _policy_key(request: Request) -> tuple[str, str] | None:
    """(method, path template) of the route the request matched."""
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return None
    index: dict[int, str] | None = getattr(request.app.state, "policy_paths", None)
    if index is None:
        index = {id(rc.original_route): rc.path_format
                 for rc in iter_route_contexts(request.app.routes)
                 if isinstance(rc.original_route, APIRoute)}
        request.app.state.policy_paths = index
    path = index.get(id(route))
    if path is None:
        return None
    method = "GET" if request.method == "HEAD" else request.method
    return method, path


def declared_params(route: APIRoute) -> list[str]:
    """The path and query parameters (as named in the URL) the route and its dependencies read."""
    names: list[str] = []
    stack = [route.dependant]
    while stack:
        dependant = stack.pop()
        for param in (*dependant.path_params, *dependant.query_params):
            if param.alias not in names:
                names.append(param.alias)
        stack.extend(dependant.dependencies)
    return names


def _denied(user: User | None, message: str) -> PermissionDenied:
    return NotAuthenticated() if user is None else PermissionDenied(message)


def check(db: Session, user: User | None, rule: Rule, role: Role,
          values: Iterable[tuple[str, str]]) -> Access:
    """Apply `rule` to `user` (role `role`) asking about the (parameter, value) pairs `values`.

    Returns the access granted; raises `NotAuthenticated` / `PermissionDenied` when refused and
    `NotFound` for an object that does not exist.
    """
    access = rule.of(role)
    if access is Access.NONE:
        raise _denied(user, f"角色“{role.label_zh}”无权访问此地址 / role '{role.label_en}' "
                            "may not use this address")
    if access is not Access.OWN:
        return access
    for name, value in values:
        resolver = _RESOLVERS.get(rule.params.get(name, name))
        if resolver is None or not value:
            continue
        found = resolver(db, value)
        for reach in (found,) if isinstance(found, Reach) else found:
            if not reachable(db, user, reach):
                scope = user.region_code if user is not None and user.region_code else "无/none"
                raise _denied(user, f"{name}={value} 不在您的范围内（{scope}） / "
                                    f"{name}={value} is outside your scope ({scope})")
    return access


def request_values(request: Request) -> list[tuple[str, str]]:
    """The path parameters and every query value of the request (`?region=A&region=B` must not
    smuggle B past a check of A).  Query parameters the route does not declare are included
    too: a region named in the address is refused even where the route would ignore it."""
    pairs = [(name, str(value)) for name, value in request.path_params.items()]
    pairs += list(request.query_params.multi_items())
    return pairs


def authorize(request: Request, db: DbSession,
              user: Annotated[User | None, Depends(optional_user)]) -> None:
    """App-wide dependency: the route's policy row, the role, the scope of every object named.

    It runs before the route's own dependencies and body, so an upload is authorized before
    the route reads the file.
    """
    for name, value in request.path_params.items():
        # An id past SQL's 64-bit integers names no row; refused here once for every route
        # (public and plain ids included) instead of overflowing in the driver (a 500 the
        # schemathesis run found on /api/v1/jobs/{job_id} and /api/v1/assess/public/{id}).
        if isinstance(value, str) and value.isdigit() and len(value) > 18:
            raise NotFound(f"没有 {name} {value} / no {name} {value}")
    key = _policy_key(request)
    rule = POLICY.get(key) if key is not None else None
    if rule is None:
        # Fail closed: a route nobody wrote a policy for answers to no one.
        raise PermissionDenied(f"此地址没有访问策略 / no access policy for {key}")
    if user is not None and user.must_change_password and key not in OPEN_BEFORE_PASSWORD_CHANGE:
        # A password an administrator chose opens nothing but the form to replace it.
        raise PasswordChangeRequired()
    request.state.access = check(db, user, rule, user.role if user else ANONYMOUS,
                                 request_values(request))


def object_id(value: str, kind_zh: str, kind_en: str) -> int:
    """The integer id a resolver looks up; anything else names no object (404, never a 500)."""
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise NotFound(f"没有{kind_zh} {value} / no {kind_en} {value}")
    return int(value)


def permits(db: Session, user: User | None, path: str,
            values: Iterable[tuple[str, str]] = ()) -> bool:
    """Whether `user` may open the page at GET route `path` naming the objects in `values`.

    The same row and the same scope check `authorize` applies when the link is followed, so a
    list that shows only what this admits (the search, issue #11 item 9) never offers a 403.
    An object that no longer exists is not offered either.
    """
    rule = POLICY.get(("GET", path))
    if rule is None:
        return False
    try:
        check(db, user, rule, user.role if user is not None else ANONYMOUS, values)
    except (PermissionDenied, NotFound):
        return False
    return True
