"""Users, roles and region scopes: who may see and change what (访问控制)."""

from tanzhi.access.model import (
    DEPARTMENTS,
    REGION_ROLES,
    LoginFailed,
    LoginThrottled,
    Role,
    User,
)
from tanzhi.access.service import (
    authenticate,
    create_user,
    get_user,
    in_scope,
    list_users,
    region_lineage,
    require_in_scope,
    scope_codes,
    set_password,
)

__all__ = [
    "DEPARTMENTS",
    "REGION_ROLES",
    "LoginFailed",
    "LoginThrottled",
    "Role",
    "User",
    "authenticate",
    "create_user",
    "get_user",
    "in_scope",
    "list_users",
    "region_lineage",
    "require_in_scope",
    "scope_codes",
    "set_password",
]
