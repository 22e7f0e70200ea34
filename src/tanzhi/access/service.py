"""Access use cases: create users, authenticate with a rate limit, and check region scope."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy.orm import Session, sessionmaker

from tanzhi.access import store
from tanzhi.access.model import (
    DEPARTMENTS,
    REGION_ROLES,
    ROLE_LEVEL,
    LoginFailed,
    LoginThrottled,
    Role,
    User,
)
from tanzhi.access.sessions import end_sessions
from tanzhi.config import Settings
from tanzhi.kernel import (
    DataError,
    NotFound,
    PermissionDenied,
    get_region,
    list_regions,
    read_transaction,
    utcnow,
)

# NIST SP 800-63B §5.1.1.2: memorised secrets of at least 8 characters, no composition rules.
MIN_PASSWORD_LENGTH = 8
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")
LOGIN_WINDOW = timedelta(minutes=1)


# argon2-cffi's parameter profiles by the name `Settings.password_hash_profile` uses.
HASH_PROFILES = {
    "rfc9106-low-memory": profiles.RFC_9106_LOW_MEMORY,  # RFC 9106 §4, second recommendation
    "test-cheapest": profiles.CHEAPEST,  # argon2-cffi: "for tests", never for real passwords
}


@lru_cache(maxsize=1)
def password_hasher() -> PasswordHasher:
    """The argon2id hasher: RFC 9106's low-memory profile unless the settings say otherwise.

    The test suite sets ``TANZHI_PASSWORD_HASH_PROFILE=test-cheapest`` (issue #10, item 6);
    a hash made with another profile is re-hashed at the next successful login, so an
    installation that ran with the cheap profile by mistake heals as its users log in.
    """
    return PasswordHasher.from_parameters(HASH_PROFILES[Settings().password_hash_profile])


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Verifying against a throw-away hash for unknown users keeps the response time the same,
    # so timing does not reveal which user names exist.
    return password_hasher().hash("tanzhi-no-such-user")


def normalise_department(department: str) -> str:
    """Department id from its id or short Chinese name (e.g. ``"林业"`` → ``"forestry"``)."""
    if department in DEPARTMENTS:
        return department
    for key, (zh, en) in DEPARTMENTS.items():
        if department in (zh, en):
            return key
    raise DataError.at(
        f"未知部门“{department}”，可选：{'、'.join(zh for zh, _ in DEPARTMENTS.values())}",
        f"unknown department '{department}'; choose one of {', '.join(DEPARTMENTS)}",
        column="department",
    )


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise DataError.at(f"密码至少 {MIN_PASSWORD_LENGTH} 位",
                           f"password must have at least {MIN_PASSWORD_LENGTH} characters",
                           column="password")


def _checked_scope(session: Session, role: Role, region_code: str | None,
                   department: str | None, enterprise_id: str | None) -> str | None:
    """Check that `role` comes with the scope it needs; returns the normalised department."""
    if role is Role.PUBLIC:
        raise DataError.at("匿名公众无需账号", "the anonymous public has no accounts",
                           column="role")
    if role in REGION_ROLES and not region_code:
        raise DataError.at(f"角色“{role.label_zh}”须指定所属地区",
                           f"role '{role.label_en}' needs a region", column="region_code")
    if region_code:
        region = get_region(session, region_code)
        if region is None:
            raise DataError.at(f"未知地区代码 {region_code}", f"unknown region code {region_code}",
                               column="region_code")
        level = ROLE_LEVEL.get(role)
        if level is not None and str(region.level) != level:
            raise DataError.at(
                f"角色“{role.label_zh}”的地区须为{level}级，{region.name_zh}是{region.level}级",
                f"role '{role.label_en}' needs a {level} region; {region.name_en} is a "
                f"{region.level}", column="region_code")
    if role is Role.DEPARTMENT_OFFICER and not department:
        raise DataError.at("部门用户须指定部门", "a department officer needs a department",
                           column="department")
    if role is Role.ENTERPRISE_REPORTER and not enterprise_id:
        raise DataError.at("企业填报员须指定企业", "an enterprise reporter needs an enterprise",
                           column="enterprise_id")
    return normalise_department(department) if department else None


def create_user(
    session: Session,
    *,
    username: str,
    password: str,
    role: Role,
    display_name: str,
    region_code: str | None = None,
    department: str | None = None,
    enterprise_id: str | None = None,
    must_change_password: bool = False,
) -> User:
    """Create an account with an argon2id password hash.

    Parameters
    ----------
    must_change_password
        True when an administrator chose the password (`tanzhi user add`, the admin page): the
        user must replace it at the next login before opening anything else. Seeded demo
        accounts keep False — their password is published in the README, so forcing a change
        would lock every other visitor of the demo out of that account.
    role
        Region-bound roles (province admin, city/county/department officer, analyst) need
        `region_code`, at the level the role implies; a department officer also needs
        `department`; an enterprise reporter needs `enterprise_id`.

    Raises
    ------
    DataError
        Bad user name, short password, missing or wrong scope, or a taken user name.
    """
    role = Role(role)
    if not USERNAME_PATTERN.match(username):
        raise DataError.at("用户名须为 3–64 位字母、数字或 _ . @ -",
                           "user name must be 3–64 letters, digits or _ . @ -", column="username")
    _check_password(password)
    if store.get_user_row(session, username) is not None:
        raise DataError.at(f"用户名“{username}”已存在", f"user name '{username}' is taken",
                           column="username")
    department = _checked_scope(session, role, region_code, department, enterprise_id)
    row = store.create_user_row(
        session, username=username, display_name=display_name, role=role.value,
        region_code=region_code, department=department, enterprise_id=enterprise_id,
        password_hash=password_hasher().hash(password), active=True,
        must_change_password=must_change_password,
    )
    return row.to_model()


def get_user(session: Session, user_id: int) -> User | None:
    """The active user with id `user_id`, or None (also for deactivated accounts)."""
    row = store.get_user_row_by_id(session, user_id)
    return row.to_model() if row is not None and row.active else None


def list_users(session: Session, *, within: User | None = None) -> list[User]:
    """All users, or those whose region lies in `within`'s scope (for a non-province admin)."""
    if within is None:
        return [r.to_model() for r in store.list_user_rows(session)]
    return [r.to_model() for r in store.list_user_rows(session, region_codes=scope_codes(
        session, within))]


def _user_row(session: Session, username: str) -> store.UserRow:
    row = store.get_user_row(session, username)
    if row is None:
        raise NotFound(f"用户 {username} 不存在 / no user {username}")
    return row


def set_password(session: Session, *, username: str, password: str,
                 must_change: bool = True) -> int:
    """Replace a user's password (an administrator's reset) and end all their sessions.

    Returns the number of sessions ended.  Whoever held a session learnt nothing from the old
    password that still works (issue #8, finding 5).  The administrator knows the new password,
    so by default the user must change it at the next login (`must_change`; the demo seeding
    passes False for its published demo passwords).
    """
    row = _user_row(session, username)
    _check_password(password)
    row.password_hash = password_hasher().hash(password)
    row.must_change_password = must_change
    session.flush()
    return end_sessions(session, row.id)


def change_password(
    session: Session, *, user_id: int, old_password: str, new_password: str, client: str,
    max_failures: int = 5, now: datetime | None = None,
) -> int:
    """A user changes their own password, proving the old one; all their sessions end.

    The old password is checked by `authenticate`, under the same per-client rate limit as the
    login form, so a borrowed session cannot be used to guess it.  The caller starts a fresh
    session for the browser that made the change.  Returns the number of sessions ended.

    Raises
    ------
    LoginFailed, LoginThrottled
        The old password is wrong, or too many wrong guesses (the failure is committed).
    NotFound
        No active account `user_id`.
    DataError
        The new password is too short, or equal to the old one.
    """
    row = store.get_user_row_by_id(session, user_id)
    if row is None or not row.active:
        raise NotFound(f"用户 {user_id} 不存在或已停用 / no active user {user_id}")
    _check_password(new_password)
    if new_password == old_password:
        raise DataError.at("新密码不能与当前密码相同",
                           "the new password must differ from the current one",
                           column="new_password")
    authenticate(session, row.username, old_password, client=client,
                 max_failures=max_failures, now=now)
    if row.must_change_password:
        # The audit entry of this update says why it happened (the flag's change is in it too).
        session.info["reason"] = "forced password change (password set by an administrator)"
        row.must_change_password = False
    row.password_hash = password_hasher().hash(new_password)
    session.flush()
    return end_sessions(session, row.id)


def set_role_and_scope(
    session: Session, *, username: str, role: Role, region_code: str | None = None,
    department: str | None = None, enterprise_id: str | None = None,
) -> User:
    """Give a user a new role and scope; their sessions end, so the change holds at once.

    The same checks as `create_user` apply (a city officer needs a city, …).
    """
    role = Role(role)
    row = _user_row(session, username)
    department = _checked_scope(session, role, region_code, department, enterprise_id)
    row.role, row.region_code = role.value, region_code
    row.department, row.enterprise_id = department, enterprise_id
    session.flush()
    end_sessions(session, row.id)
    return row.to_model()


def disable_user(session: Session, *, username: str) -> int:
    """Disable an account: it can no longer log in and its sessions end; returns how many."""
    row = _user_row(session, username)
    row.active = False
    session.flush()
    return end_sessions(session, row.id)


def enable_user(session: Session, *, username: str) -> User:
    """Re-enable a disabled account (it logs in afresh; no session comes back)."""
    row = _user_row(session, username)
    row.active = True
    session.flush()
    return row.to_model()


def end_user_sessions(session: Session, *, username: str) -> int:
    """Log a user out everywhere (e.g. a lost laptop); returns the number of sessions ended."""
    return end_sessions(session, _user_row(session, username).id)


def _aware(value: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone-aware columns; tanzhi stores UTC only.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass(frozen=True)
class LoginVerdict:
    """What a password check found, before anything is written (`check_login`)."""

    username: str
    client: str
    at: datetime
    user_id: int | None
    ok: bool
    new_hash: str | None  # the password re-hashed with today's parameters, when they changed


def check_login(
    factory: sessionmaker[Session],
    username: str,
    password: str,
    *,
    client: str,
    max_failures: int = 5,
    now: datetime | None = None,
) -> LoginVerdict:
    """Check a user name and password in a read transaction of its own; write nothing.

    argon2 is slow on purpose (RFC 9106), so the check must not hold the write lock: on SQLite
    a login inside the request's write transaction made every other writer queue behind the
    hash, and many logins at once ended in 503s. The route records the verdict afterwards in
    its short write transaction (`record_login`). Raises `LoginThrottled` like `authenticate`.
    """
    with read_transaction(factory) as session:
        return _check(session, username, password, client=client,
                      max_failures=max_failures, now=now)


def _check(session: Session, username: str, password: str, *, client: str,
           max_failures: int, now: datetime | None) -> LoginVerdict:
    now = now or utcnow()
    client = client[:64]
    failures = store.list_recent_failures(
        session, username=username[:64], client=client, since=now - LOGIN_WINDOW)
    if len(failures) >= max_failures:
        # The block lifts when enough failures have aged out of the window.
        oldest_counting = _aware(failures[len(failures) - max_failures])
        wait = (oldest_counting + LOGIN_WINDOW - now).total_seconds()
        raise LoginThrottled(max(1, math.ceil(wait)))
    row = store.get_user_row(session, username)
    hasher = password_hasher()
    ok = False
    try:
        if row is not None and row.active:
            ok = hasher.verify(row.password_hash, password)
        else:
            hasher.verify(_dummy_hash(), password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        ok = False
    ok = ok and row is not None
    new_hash = (hasher.hash(password) if ok and hasher.check_needs_rehash(row.password_hash)
                else None)
    return LoginVerdict(username=username[:64], client=client, at=now,
                        user_id=row.id if ok else None, ok=ok, new_hash=new_hash)


def record_login(session: Session, verdict: LoginVerdict) -> User:
    """Write a checked login's attempt row (and upgraded hash); the user, or `LoginFailed`.

    A failed attempt is committed before the refusal is raised, so the count survives the
    caller's rollback. An account disabled between the check and now is refused.
    """
    row = store.get_user_row_by_id(session, verdict.user_id) if verdict.ok else None
    if row is None or not row.active:
        store.create_login_attempt(session, username=verdict.username, client=verdict.client,
                                   succeeded=False, at=verdict.at)
        session.commit()
        raise LoginFailed()
    if verdict.new_hash is not None:
        row.password_hash = verdict.new_hash
    store.create_login_attempt(session, username=verdict.username, client=verdict.client,
                               succeeded=True, at=verdict.at)
    return row.to_model()


def authenticate(
    session: Session,
    username: str,
    password: str,
    *,
    client: str,
    max_failures: int = 5,
    now: datetime | None = None,
) -> User:
    """Check a user name and password, refusing after too many recent failures.

    After `max_failures` failed attempts for (`username`, `client`) within one minute, every
    attempt is refused, even with the right password, until the oldest of them is a minute old.
    A failed attempt is committed before the refusal is raised, so the count survives the
    caller's rollback; it lives in `access_login_attempt` so that it holds across workers and
    restarts.  A hash made with older argon2 parameters is upgraded on success. This form checks
    and records in one session (CLI, password change); HTTP logins use `check_login` then
    `record_login`, so the slow hash runs outside the write transaction.

    Parameters
    ----------
    client
        The client's address (or other stable client id).
    max_failures
        `Settings.login_attempts_per_minute`.
    now
        The current time (UTC); tests pass it to move through the window.

    Raises
    ------
    LoginThrottled
        Too many recent failures (a `PermissionDenied`); carries `retry_after_s`.
    LoginFailed
        Unknown user, deactivated account or wrong password (a `PermissionDenied`).
    """
    verdict = _check(session, username, password, client=client, max_failures=max_failures,
                     now=now)
    return record_login(session, verdict)


def region_lineage(session: Session, region_code: str) -> list[str]:
    """`region_code` and its ancestors, nearest first (e.g. 330602 → 330602, 330600, 330000)."""
    lineage = [region_code]
    region = get_region(session, region_code)
    # Bounded walk: a parent cycle in stored data must not hang a request.
    while region is not None and region.parent_code and len(lineage) < 12:
        lineage.append(region.parent_code)
        region = get_region(session, region.parent_code)
    return lineage


def in_scope(session: Session, user: User, region_code: str) -> bool:
    """Whether `user` may see `region_code`: their own region or any region below it.

    A city officer (scope 330600) sees 330600 and its counties (330602 …) and anything added
    below them; not the province, not another city.
    """
    if user.region_code is None or not user.active:
        return False
    return user.region_code in region_lineage(session, region_code)


def require_in_scope(session: Session, user: User, region_code: str) -> None:
    """Raise `PermissionDenied` unless `region_code` is in `user`'s scope."""
    if not in_scope(session, user, region_code):
        raise PermissionDenied(
            f"无权查看地区 {region_code}（您的范围：{user.region_code or '无'}）"
            f" / region {region_code} is outside your scope ({user.region_code or 'none'})")


def scope_codes(session: Session, user: User) -> list[str]:
    """Every region code in `user`'s scope: their region and all regions below it."""
    if user.region_code is None:
        return []
    return [user.region_code] + [r.code for r in list_regions(session, parent=user.region_code)]


def find_user(session: Session, username: str) -> User | None:
    """The account `username`, active or disabled (for administration), or None."""
    row = store.get_user_row(session, username)
    return row.to_model() if row is not None else None


def grantable_roles(admin: User) -> tuple[Role, ...]:
    """The roles `admin` may give (issue #11 item 9).

    A province administrator gives every role that has accounts. A city officer administers
    the users of its city and counties, one level down (DESIGN.md “Who uses it”): city, county
    and department officers and analysts; never a province administrator, and none of the roles
    without a region (enterprise reporter, verifier, citizen), whose accounts are the province's.
    """
    if not admin.active:
        return ()
    if admin.role is Role.PROVINCE_ADMIN:
        return tuple(r for r in Role if r is not Role.PUBLIC)
    if admin.role is Role.CITY_OFFICER:
        return (Role.CITY_OFFICER, Role.COUNTY_OFFICER, Role.DEPARTMENT_OFFICER, Role.ANALYST)
    return ()


def may_administer(session: Session, admin: User, target: User) -> bool:
    """Whether `admin` may change the account `target`: a role it may grant, in its scope.

    A province administrator administers every account, a city officer those of its city and
    its counties holding a role it may grant; nobody changes their own account here (a lapse
    could lock the last administrator out; one's own password has its own page).
    """
    if admin.id == target.id or target.role not in grantable_roles(admin):
        return False
    if admin.role is Role.PROVINCE_ADMIN:
        return True
    return target.region_code is not None and in_scope(session, admin, target.region_code)


def require_may_grant(session: Session, admin: User, role: Role,
                      region_code: str | None) -> None:
    """Raise `PermissionDenied` unless `admin` may give `role` with scope `region_code`."""
    role = Role(role)
    if role not in grantable_roles(admin):
        raise PermissionDenied(f"您不能授予角色“{role.label_zh}” / you may not grant the role "
                               f"'{role.label_en}'")
    if admin.role is not Role.PROVINCE_ADMIN and region_code:
        if get_region(session, region_code) is None:
            raise DataError.at(f"未知地区代码 {region_code}", f"unknown region code {region_code}",
                               column="region_code")
        require_in_scope(session, admin, region_code)


def administered_users(session: Session, admin: User) -> list[User]:
    """The accounts `admin` may administer, disabled ones included, by user name."""
    rows = (store.list_user_rows(session) if admin.role is Role.PROVINCE_ADMIN
            else store.list_user_rows(session, region_codes=scope_codes(session, admin)))
    return [u for u in (r.to_model() for r in rows) if may_administer(session, admin, u)]
