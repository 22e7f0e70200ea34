"""Access types: roles, departments, users and the refusals a login can meet (no I/O)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from tanzhi.kernel import PermissionDenied


class Role(StrEnum):
    """What a user is allowed to do (DESIGN.md “Who uses it”)."""

    PROVINCE_ADMIN = "province_admin"          # 省生态环境厅 / climate office
    CITY_OFFICER = "city_officer"              # 市生态环境局
    COUNTY_OFFICER = "county_officer"          # 县（市、区）生态环境分局
    DEPARTMENT_OFFICER = "department_officer"  # 发改委、经信、建设、交通、林业 …
    ENTERPRISE_REPORTER = "enterprise_reporter"  # 重点企业填报员
    VERIFIER = "verifier"                      # 核查机构
    ANALYST = "analyst"                        # 分析人员
    CITIZEN = "citizen"                        # 公众（注册用户）
    PUBLIC = "public"                          # 匿名公众

    @property
    def label_zh(self) -> str:
        """Chinese name of the role."""
        return ROLE_LABELS[self][0]

    @property
    def label_en(self) -> str:
        """English name of the role."""
        return ROLE_LABELS[self][1]


ROLE_LABELS: dict[Role, tuple[str, str]] = {
    Role.PROVINCE_ADMIN: ("省级管理员", "Province administrator"),
    Role.CITY_OFFICER: ("市级用户", "City officer"),
    Role.COUNTY_OFFICER: ("县级用户", "County officer"),
    Role.DEPARTMENT_OFFICER: ("部门用户", "Department officer"),
    Role.ENTERPRISE_REPORTER: ("企业填报员", "Enterprise reporter"),
    Role.VERIFIER: ("核查机构", "Verifier"),
    Role.ANALYST: ("分析人员", "Analyst"),
    Role.CITIZEN: ("公众用户", "Citizen"),
    Role.PUBLIC: ("匿名公众", "Anonymous public"),
}

# Roles whose scope is a region and which therefore must name one.
REGION_ROLES = frozenset({
    Role.PROVINCE_ADMIN, Role.CITY_OFFICER, Role.COUNTY_OFFICER,
    Role.DEPARTMENT_OFFICER, Role.ANALYST,
})

# The region level each region-bound role is pinned to; department officers and analysts may sit
# at any level (a provincial or a city department, a provincial or a city analyst).
ROLE_LEVEL: dict[Role, str] = {
    Role.PROVINCE_ADMIN: "province",
    Role.CITY_OFFICER: "city",
    Role.COUNTY_OFFICER: "county",
}

# Departments that own plan indicators, keyed by a stable English id.  The short Chinese names
# are the ones the seed plans use when assigning 牵头单位 (lead units).
DEPARTMENTS: dict[str, tuple[str, str]] = {
    "ecology_environment": ("生态环境", "Ecology and Environment"),
    "development_reform": ("发改委", "Development and Reform Commission"),
    "economy_it": ("经信", "Economy and Information Technology"),
    "housing_construction": ("建设", "Housing and Urban-Rural Development"),
    "transport": ("交通", "Transport"),
    "forestry": ("林业", "Forestry"),
    "natural_resources": ("自然资源", "Natural Resources"),
    "agriculture": ("农业农村", "Agriculture and Rural Affairs"),
    "statistics": ("统计", "Statistics"),
    "energy": ("能源", "Energy"),
    "commerce": ("商务", "Commerce"),
    "finance": ("财政", "Finance"),
}


@dataclass(frozen=True)
class User:
    """A platform user as the rest of the code sees it (never the password hash).

    `region_code` is a GB/T 2260 code: the user sees that region and everything below it.
    """

    id: int
    username: str
    display_name: str
    role: Role
    region_code: str | None = None
    department: str | None = None
    enterprise_id: str | None = None
    active: bool = True
    # An administrator chose the current password: the user must replace it before anything else.
    must_change_password: bool = False

    @property
    def is_admin(self) -> bool:
        """Whether the user administers the platform for their region."""
        return self.role is Role.PROVINCE_ADMIN


class LoginFailed(PermissionDenied):
    """Wrong user name or password (deliberately not saying which)."""

    message_zh = "用户名或密码错误"
    message_en = "Wrong user name or password"

    def __init__(self) -> None:
        super().__init__(f"{self.message_zh} / {self.message_en}")


class PasswordChangeRequired(PermissionDenied):
    """An administrator set this user's password; it must be changed before any other page.

    The web shell answers it with a redirect to the password form for a browser and a 403
    problem document for the API (issue #11 item 9: a password someone else knows is not the
    user's own).
    """

    message_zh = "管理员为您设置了密码，请先修改密码（/account/password）再继续"
    message_en = ("an administrator set your password; change it at /account/password "
                  "before continuing")
    form = "/account/password"

    def __init__(self) -> None:
        super().__init__(f"{self.message_zh} / {self.message_en}")


class LoginThrottled(PermissionDenied):
    """Too many failed logins from one client for one user name within the window."""

    def __init__(self, retry_after_s: int) -> None:
        self.retry_after_s = retry_after_s
        self.message_zh = f"登录失败次数过多，请在 {retry_after_s} 秒后再试"
        self.message_en = f"Too many failed logins; try again in {retry_after_s} seconds"
        super().__init__(f"{self.message_zh} / {self.message_en}")


@dataclass(frozen=True)
class SessionPolicy:
    """How long a login lasts (issue #8, finding 5).

    Defaults follow NIST SP 800-63B rev. 3 §4.2.3 for AAL2: re-authenticate after 30 minutes
    of inactivity and at least once per 12 hours.  `touch_every` throttles the last-seen write:
    a session is touched at most once a minute, so a page with many GETs writes nothing more and
    the idle clock is exact to within that minute.
    """

    idle: timedelta = timedelta(minutes=30)
    absolute: timedelta = timedelta(hours=12)
    touch_every: timedelta = timedelta(minutes=1)


@dataclass(frozen=True)
class LiveSession:
    """A login as the server holds it; the session id itself is never stored, only its hash."""

    id_hash: str
    user_id: int
    csrf: str
    created_at: datetime
    last_seen_at: datetime
    expires_at: datetime

    def ended(self, policy: SessionPolicy, now: datetime) -> bool:
        """Whether the session is past its absolute expiry or idle for too long."""
        return now >= self.expires_at or now - self.last_seen_at >= policy.idle

    def due_touch(self, policy: SessionPolicy, now: datetime) -> bool:
        """Whether the last-seen time is old enough to be written again."""
        return now - self.last_seen_at >= policy.touch_every
