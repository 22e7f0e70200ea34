"""An enterprise world on a migrated SQLite copy: the demo's logins of the enterprise roles
and offices, and the demo enterprises with their reports (tanzhi.enterprise.demo_seed) — without
building the whole demo."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tanzhi.access import Role, create_user
from tanzhi.config import Settings
from tanzhi.demo.model import DEMO_PASSWORD, DEMO_USERS
from tanzhi.enterprise import demo_seed
from tanzhi.kernel import make_engine, make_session_factory, unit_of_work

ROLES = {"province_admin", "city_officer", "county_officer", "enterprise_reporter", "verifier",
         "analyst"}


def seed_world(settings: Settings) -> None:
    """The demo logins of the roles above and the demo enterprises."""
    factory = make_session_factory(make_engine(settings))
    with unit_of_work(factory, actor="test", reason="enterprise world") as session:
        for user in DEMO_USERS:
            if user.role in ROLES:
                create_user(session, username=user.username, password=DEMO_PASSWORD,
                            role=Role(user.role), display_name=user.display_name,
                            region_code=user.region_code, department=user.department,
                            enterprise_id=user.enterprise_id)
        demo_seed(session)


@pytest.fixture(scope="module")
def world(migrated_copy: Callable[[Path], Settings],
          tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """Settings on this module's enterprise world (writes stay in the module)."""
    settings = migrated_copy(tmp_path_factory.mktemp("enterprise") / "data")
    seed_world(settings)
    return settings
