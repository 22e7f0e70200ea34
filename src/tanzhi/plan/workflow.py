"""Use cases across tracking: record an actual → re-rate the indicator → warn its owner.

Thin on purpose (issue #10 item 1): each step is a tracking service — `actuals` writes the
revision, `status` rates the indicator before and after, `warnings` notifies the department
when the light worsens. Here they are put in order, once, for the API, the pages and the demo.
"""

from __future__ import annotations

import math
from datetime import date

from sqlalchemy.orm import Session

from tanzhi.plan import store
from tanzhi.plan.service.actuals import check_actual, write_actual
from tanzhi.plan.service.derive import derive_values, plan_regions
from tanzhi.plan.service.registry import get_plan, list_plan_records
from tanzhi.plan.service.status import indicator_status
from tanzhi.plan.service.warnings import apply_light_rules, sync_warnings


def record_actual(
    session: Session, *, plan_id: str, indicator_id: str, region_code: str, year: int,
    value: float, source: str, released_on: date | None = None, note: str = "",
    actor: str = "system",
) -> int:
    """Record (or revise) a yearly value; the id of the new row.

    A value for a key that already has one becomes its next revision: the old row stays and
    points to the new one. A typed value for a derived indicator is an official release: it
    takes precedence over the computed estimate (whose history stays).

    The indicator is re-rated in that region: while its light is yellow or red the responsible
    department's users hold a warning (one notification and one outbox row for the webhook per
    light and year), and a warning whose light cleared is resolved
    (`tanzhi.plan.service.warnings`, the rule in `tanzhi.plan.checks`).

    Raises
    ------
    NotFound
        Unknown plan or indicator.
    DataError
        Unknown region, a year far outside the plan, a non-finite value or an empty source.
    """
    value = float(value)
    check_actual(session, plan_id, indicator_id, region_code, int(year), value, source)
    plan = get_plan(session, plan_id)
    ind = plan.indicator(indicator_id.partition("[")[0])  # a part key rates its indicator
    before = indicator_status(session, plan, ind, region_code, year=int(year))
    row = write_actual(session, plan_id=plan_id, indicator_id=indicator_id, region_code=region_code,
                 year=int(year), value=value, source=source.strip(), released_on=released_on,
                 note=note, actor=actor, derived=False,
                 lineage={"method": "typed", "actor": actor})
    after = indicator_status(session, plan, ind, region_code, year=int(year))
    apply_light_rules(session, plan, ind, region_code, int(year), before, after, actor=actor)
    return row.id


def refresh_derived(session: Session, plan_id: str, *, region_codes: list[str] | None = None,
                    years: list[int] | None = None, actor: str = "system:derive",
                    warn: bool = True) -> int:
    """Recompute the derived indicators of a plan and store what changed; rows written.

    A derived value is written when its key has no value yet, or when the value in force is
    derived and differs (a new revision). Typed values are left alone.
    """
    plan = get_plan(session, plan_id)
    frame = derive_values(session, plan, region_codes=region_codes, years=years)
    written = 0
    source = "平台计算（统计数据派生） / computed from statistics"
    for rec in frame.itertuples(index=False):
        previous = store.current_actual_row(session, plan_id, rec.indicator_id,
                                            rec.region_code, int(rec.year))
        if previous is not None and (not previous.derived or math.isclose(
                previous.value, rec.value, rel_tol=1e-12, abs_tol=1e-12)):
            continue
        write_actual(session, plan_id=plan_id, indicator_id=rec.indicator_id,
               region_code=rec.region_code, year=int(rec.year), value=float(rec.value),
               source=source, released_on=None, note="", actor=actor, derived=True,
               lineage=dict(rec.lineage))
        written += 1
    if warn and written:
        sync_warnings(session, plan_ids=[plan_id], actor=actor)
    return written


def refresh_all_derived(session: Session, *, actor: str = "system:derive") -> int:
    """Recompute every stored plan's derived indicators over its period, without warnings
    (a bulk refresh, e.g. after the pilot registry was filled); rows written."""
    written = 0
    for record in list_plan_records(session):
        plan = get_plan(session, record.plan_id)
        written += refresh_derived(
            session, plan.id, region_codes=plan_regions(session, plan),
            years=list(range(plan.base_year, plan.period_end + 1)), actor=actor, warn=False)
    return written
