"""Build the demo installation: schema, regions, the demo statistics and one login per role."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tanzhi import disclosure, enterprise, plan, report
from tanzhi.access import Role, create_user, list_users, set_password
from tanzhi.config import Settings
from tanzhi.demo import model as m
from tanzhi.demo.calc import generate
from tanzhi.inventory import demo_seed
from tanzhi.kernel import (
    delete_statistics,
    make_engine,
    make_session_factory,
    packaged_regions,
    seed_regions,
    unit_of_work,
    write_statistics,
)
from tanzhi.migrate import upgrade

ACTOR = "demo"
# Stages reported to `progress(stage, done, total)`, in order.
STAGES = ("schema", "regions", "generate", "statistics", "users", "inventory", "plan",
          "decompose", "assess", "refresh", "report", "disclosure", "enterprise")
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class DemoSummary:
    """What `build_demo` wrote."""

    statistics: int                 # rows written to kernel_statistic
    datasets: dict[str, int]        # rows per dataset
    regions_seeded: int             # regions inserted or refreshed (0 on a re-run)
    users: tuple[m.DemoUser, ...]   # the demo logins
    password: str                   # their shared password
    seconds: float                  # wall time of the build
    domains: dict[str, int]         # rows each domain's demo seeder wrote


def demo_datasets() -> list[str]:
    """Dataset names the demo owns in `kernel_statistic` (wiped and rewritten on every build)."""
    seeds = {a.dataset for a in m.anchors() if a.status != "not_used"}
    return [m.SYNTHETIC_DATASET, *sorted(seeds)]


def demo_steps() -> list[tuple[str, Callable[[Session], int]]]:
    """The domains' demo seeders, in dependency order."""
    def refresh_plans(session: Session) -> int:
        # Pilot-count indicators are derived from the registries the assess seeder just filled;
        # then the marked synthetic stand-ins fill what neither the plans nor the data give
        # (after the adopted rounds, which come first as the source of assigned targets).
        # Last, every amber or red light warns its owner (one rule, issue #11 item 5).
        return (plan.refresh_all_derived(session, actor=ACTOR) + plan.fill_demo_gaps(session)
                + plan.sync_warnings(session, actor=ACTOR))

    def assess(session: Session) -> int:
        # The counties' figures come before the scheme, which scores them when it opens: the
        # cities' synthetic stand-ins first (their series and targets are what the counties'
        # derive from), then the counties' (issue #11 item 4).
        return (plan.fill_demo_gaps(session) + plan.fill_county_demo(session)
                + plan.assess_demo_seed(session))

    return [("inventory", demo_seed), ("plan", plan.demo_seed),
            ("decompose", plan.decompose_demo_seed), ("assess", assess),
            ("refresh", refresh_plans), ("report", report.demo_seed),
            ("disclosure", disclosure.demo_seed), ("enterprise", enterprise.demo_seed)]


def build_demo(settings: Settings, *, progress: Progress | None = None) -> DemoSummary:
    """Create or rebuild the demo in the configured database, in one audited transaction.

    Upgrades the schema, seeds the packaged regions, replaces the demo statistics (datasets
    `demo_datasets()`) with a freshly generated copy — identical on every run — and makes sure
    every demo login exists with the documented password.  Running it again rebuilds cleanly.
    """
    started = time.perf_counter()
    report = progress or (lambda _stage, _done, _total: None)
    report("schema", 0, 1)
    upgrade(settings)
    report("schema", 1, 1)
    engine = make_engine(settings)
    try:
        factory = make_session_factory(engine)
        with unit_of_work(factory, actor=ACTOR, reason="tanzhi demo") as session:
            report("regions", 0, 1)
            seeded = seed_regions(session)
            report("regions", 1, 1)
            report("generate", 0, 1)
            frame = generate(packaged_regions())
            report("generate", 1, 1)
            delete_statistics(session, datasets=demo_datasets())
            groups = list(frame.groupby(["dataset", "synthetic"], sort=True))
            datasets: dict[str, int] = {}
            for done, ((dataset, synthetic), part) in enumerate(groups):
                report("statistics", done, len(groups))
                datasets[dataset] = write_statistics(
                    session, part.drop(columns=["dataset", "synthetic"]),
                    dataset=str(dataset), synthetic=bool(synthetic))
            report("statistics", len(groups), len(groups))
            existing = {u.username for u in list_users(session)}
            for done, user in enumerate(m.DEMO_USERS):
                report("users", done, len(m.DEMO_USERS))
                if user.username in existing:
                    # The demo passwords are published (README): never forced to change.
                    set_password(session, username=user.username, password=m.DEMO_PASSWORD,
                                 must_change=False)
                else:
                    create_user(session, username=user.username, password=m.DEMO_PASSWORD,
                                role=Role(user.role), display_name=user.display_name,
                                region_code=user.region_code, department=user.department,
                                enterprise_id=user.enterprise_id)
            report("users", len(m.DEMO_USERS), len(m.DEMO_USERS))
            # Each domain fills its own demo rows from the statistics just written, in the
            # same transaction: inventory first (plans derive intensity from it), then plans,
            # their decomposition and assessment, then reports.
            steps = demo_steps()
            domains: dict[str, int] = {}
            for name, step in steps:
                report(name, 0, 1)
                domains[name] = step(session)
                report(name, 1, 1)
    finally:
        engine.dispose()
    return DemoSummary(
        statistics=sum(datasets.values()), datasets=datasets, domains=domains,
        regions_seeded=seeded, users=m.DEMO_USERS, password=m.DEMO_PASSWORD,
        seconds=time.perf_counter() - started)
