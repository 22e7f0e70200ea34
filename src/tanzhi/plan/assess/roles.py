"""Who may do what in an assessment: the region's admin, an assessee's officer, viewers.

- The admin of a scheme's region (a province administrator or city officer whose own region is
  the scheme's region) opens self-assessment, reviews, returns and signs off.
- A county officer self-assesses for their own county only; a department officer for their own
  department at the scheme's level only. The city cannot self-assess for a county, and a
  county officer can never review or sign off.
- Anyone whose scope covers the scheme's region reads everything; an assessee's officer reads
  the scheme and its own scores only.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from tanzhi.access import DEPARTMENTS, Role, User, in_scope
from tanzhi.kernel import PermissionDenied
from tanzhi.plan.assess.store import AssesseeRow, SchemeRow

ADMIN_ROLES = frozenset({Role.PROVINCE_ADMIN, Role.CITY_OFFICER})

# Printed department names (省发展改革委, 市经信局 …) → access department ids.  Longest key
# first, so that 农业农村 wins over a shorter overlap.
_DEPARTMENT_ALIASES: tuple[tuple[str, str], ...] = (
    ("发展改革", "development_reform"), ("发改", "development_reform"),
    ("生态环境", "ecology_environment"), ("经信", "economy_it"), ("经济和信息化", "economy_it"),
    ("住房和城乡建设", "housing_construction"), ("建设", "housing_construction"),
    ("交通", "transport"), ("林业", "forestry"), ("自然资源", "natural_resources"),
    ("农业农村", "agriculture"), ("统计", "statistics"), ("能源", "energy"),
    ("商务", "commerce"), ("财政", "finance"),
)


def department_id(printed: str | None) -> str | None:
    """The access department id a printed department name refers to, or None.

    >>> department_id("省发展改革委"), department_id("市交通局"), department_id("省应急管理厅")
    ('development_reform', 'transport', None)
    """
    if not printed:
        return None
    if printed in DEPARTMENTS:
        return printed
    for alias, key in _DEPARTMENT_ALIASES:
        if alias in printed:
            return key
    return None


def is_region_admin(user: User, scheme: SchemeRow) -> bool:
    """Whether `user` administers the scheme's region (reviews and signs off)."""
    return user.role in ADMIN_ROLES and user.region_code == scheme.region_code


def require_region_admin(user: User, scheme: SchemeRow, action_zh: str, action_en: str) -> None:
    """Raise `PermissionDenied` unless `user` is the admin of the scheme's region."""
    if not is_region_admin(user, scheme):
        raise PermissionDenied(
            f"只有本级（{scheme.region_code}）管理员可以{action_zh}；"
            f"“{user.role.label_zh}”{user.username} 不能执行此操作 / "
            f"only the administrator of region {scheme.region_code} may {action_en}; "
            f"{user.role.label_en} {user.username} may not")


def speaks_for(user: User, scheme: SchemeRow, assessee: AssesseeRow) -> bool:
    """Whether `user` fills in the self-assessment of `assessee`."""
    if assessee.kind == "county":
        return user.role is Role.COUNTY_OFFICER and user.region_code == assessee.region_code
    return (user.role is Role.DEPARTMENT_OFFICER and user.department is not None
            and user.department == assessee.department
            and user.region_code == scheme.region_code)


def require_speaks_for(user: User, scheme: SchemeRow, assessee: AssesseeRow) -> None:
    """Raise `PermissionDenied` unless `user` self-assesses for `assessee`."""
    if not speaks_for(user, scheme, assessee):
        raise PermissionDenied(
            f"只有{assessee.name_zh}本单位用户可以填写其自评；{user.username}"
            f"（{user.role.label_zh}）不能代为自评 / only {assessee.name_en}'s own officer "
            f"may self-assess for it; {user.username} ({user.role.label_en}) may not")


def can_see_all(session: Session, user: User, scheme: SchemeRow) -> bool:
    """Whether `user` reads every assessee of the scheme (scope covers its region)."""
    return in_scope(session, user, scheme.region_code)


def visible_assessees(
    session: Session, user: User, scheme: SchemeRow, assessees: list[AssesseeRow]
) -> list[AssesseeRow]:
    """The assessees whose scores `user` may read."""
    if can_see_all(session, user, scheme):
        return list(assessees)
    return [a for a in assessees if speaks_for(user, scheme, a)]


def require_can_view(
    session: Session, user: User, scheme: SchemeRow, assessees: list[AssesseeRow]
) -> None:
    """Raise `PermissionDenied` unless `user` sees the scheme at all."""
    if not visible_assessees(session, user, scheme, assessees):
        raise PermissionDenied(
            f"无权查看考核方案 {scheme.id} / assessment scheme {scheme.id} is outside your scope")
