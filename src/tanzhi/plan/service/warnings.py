"""Early warnings: in-app notifications for the responsible users and a signed webhook outbox.

The rules that decide a warning are `tanzhi.plan.checks` (registered `check_*` functions): an
indicator whose light is yellow or red (`checks.warning_light`, the one rule of issue #11 item
5), and an expected annual report that is late (`check_overdue` runs the periodic rules).
A light warning is delivered when a value re-rates the indicator (`apply_light_rules`) and by
`sync_warnings` over every plan (the demo build runs it); when the light clears or changes the
open warning is resolved. The warning list (`open_warnings`), the badge (`warning_count`) and
the inboxes all read the open warnings, so they agree with the status table. It goes to
the users of the indicator's responsible department in that region (department officers whose
department and region match); when the plan names no department, or no such user exists, to
the region's own officers; when a child region has no such users, to those who answer for the
indicator in the plan's own region. Each warning also queues one outbox row, delivered by
`deliver_outbox` as a JSON POST signed with HMAC-SHA256 and carrying an idempotency key, so a
receiver can verify it and drop duplicates; every attempt is recorded and failed ones are
retried on the next run.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import urllib.request
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from tanzhi.access import Role, User, in_scope, list_users
from tanzhi.kernel import NotFound, PermissionDenied, get_region, utcnow
from tanzhi.plan import store
from tanzhi.plan.checks import (
    RECORD_RULES,
    REPORT_DUE,
    SCAN_RULES,
    Finding,
    ReportingState,
    StatusChange,
)
from tanzhi.plan.model import Indicator, Plan
from tanzhi.plan.service.registry import get_plan, list_plan_records
from tanzhi.plan.service.status import (
    adopted_child_targets,
    child_regions,
    indicator_status,
    status_table,
)

SIGNATURE_HEADER = "X-Tanzhi-Signature"
TIMESTAMP_HEADER = "X-Tanzhi-Timestamp"
IDEMPOTENCY_HEADER = "Idempotency-Key"
MAX_ATTEMPTS = 8

# Department words of the seed plans (牵头单位) → access department ids.
_DEPARTMENT_WORDS = (
    ("发展改革", "development_reform"), ("发改", "development_reform"),
    ("经信", "economy_it"), ("经济和信息化", "economy_it"),
    ("生态环境", "ecology_environment"), ("住房和城乡建设", "housing_construction"),
    ("建设", "housing_construction"), ("住建", "housing_construction"),
    ("交通", "transport"), ("林业", "forestry"), ("自然资源", "natural_resources"),
    ("农业农村", "agriculture"), ("统计", "statistics"), ("能源", "energy"),
    ("商务", "commerce"), ("财政", "finance"),
)
_OFFICER_ROLES = (Role.PROVINCE_ADMIN, Role.CITY_OFFICER, Role.COUNTY_OFFICER)


def department_id(text: str | None) -> str | None:
    """The access department id a plan's department text names (``省发展改革委`` → …)."""
    if not text:
        return None
    for word, key in _DEPARTMENT_WORDS:
        if word in text:
            return key
    return None


def recipients(session: Session, ind: Indicator, region_code: str,
               plan_region: str | None = None) -> list[User]:
    """Users who answer for an indicator in a region (see the module docstring); when nobody
    in that region does, the users who answer for it in the plan's own region."""
    dept = department_id(ind.department)
    users = [u for u in list_users(session) if u.region_code == region_code and u.active]
    chosen = [u for u in users if dept and u.role is Role.DEPARTMENT_OFFICER
              and u.department == dept]
    if not chosen:
        chosen = [u for u in users if u.role in _OFFICER_ROLES]
    if not chosen and plan_region is not None and plan_region != region_code:
        return recipients(session, ind, plan_region)
    return chosen


def can_record(session: Session, user: User, plan: Plan, ind: Indicator, region_code: str
               ) -> bool:
    """Whether `user` may enter an actual: the region's officers, or the owning department."""
    if not in_scope(session, user, region_code):
        return False
    if user.role in _OFFICER_ROLES:
        return True
    if user.role is Role.DEPARTMENT_OFFICER:
        dept = department_id(ind.department)
        return dept is None or user.department == dept
    return False


def _deliver(session: Session, finding: Finding) -> int:
    """Notify the answering users and queue one outbox row; rows written (idempotent by key)."""
    plan, ind, key = finding.plan, finding.indicator, finding.key
    users = recipients(session, ind, finding.region_code, plan.region_code)
    written = 0
    for user in users:
        if store.notification_exists(session, user.id, key):
            continue
        session.add(store.PlanNotificationRow(
            user_id=user.id, kind=finding.event, plan_id=plan.id, indicator_id=ind.id,
            region_code=finding.region_code, year=finding.year,
            title_zh=finding.title[0][:300], title_en=finding.title[1][:300],
            body_zh=finding.body[0], body_en=finding.body[1], event_key=key))
        written += 1
    if store.outbox_by_key(session, key) is None:
        session.add(store.PlanOutboxRow(idempotency_key=key, event=finding.event, payload={
            "event": finding.event, "plan_id": plan.id, "plan_edition": plan.edition,
            "indicator_id": ind.id, "indicator_name_zh": ind.name_zh,
            "department": ind.department, "region_code": finding.region_code,
            "year": finding.year, "title_zh": finding.title[0], "title_en": finding.title[1],
            "recipients": [u.username for u in users], **finding.extra}))
        written += 1
    session.flush()
    return written


def apply_light_rules(session: Session, plan: Plan, ind: Indicator, region_code: str,
                      year: int, before: dict[str, Any] | None, after: dict[str, Any], *,
                      actor: str) -> int:
    """Run the record-time rules (`checks.RECORD_RULES`) on an indicator's new status row,
    deliver what they find and resolve its open warnings that no longer hold; rows written."""
    return apply_light_rules_many(session, plan, [
        StatusChange(plan, ind, region_code, year, before, after, actor)])


def apply_light_rules_many(session: Session, plan: Plan, changes: Sequence[StatusChange]
                           ) -> int:
    """`apply_light_rules` for many changes of one plan: the plan's open warnings are read
    once, and each (indicator, region) touched has those no longer found resolved."""
    findings = [f for change in changes for rule in RECORD_RULES for f in rule(change)]
    written = sum(_deliver(session, f) for f in findings)
    keep = {f.key for f in findings}
    touched = {(c.indicator.id, c.region_code) for c in changes}
    for row in store.open_warning_rows(session, plan_id=plan.id):
        if (row.indicator_id, row.region_code) in touched and row.event_key not in keep:
            row.resolved_at = utcnow()
    session.flush()
    return written


def rated_rows(session: Session, plan: Plan) -> list[dict[str, Any]]:
    """Every status row the plan's pages light: its own region's table, and each child region
    for the indicators an adopted decomposition or an entered assignment gives child targets
    (the map)."""
    rows = status_table(session, plan.id).to_dict("records")
    rows = [{k: (None if not isinstance(v, str) and v != v else v) for k, v in r.items()}
            for r in rows]  # NaN → None
    adopted = adopted_child_targets(session, plan.id)
    for rec in adopted[["indicator_id", "region_code"]].drop_duplicates().itertuples(
            index=False):
        rows.append(indicator_status(session, plan, plan.indicator(rec.indicator_id),
                                     rec.region_code))
    decomposed = set(adopted[["indicator_id", "region_code"]].itertuples(index=False, name=None))
    for child in child_regions(session, plan):
        for a in store.entered_assignments(session, plan.id, child):
            if (a.indicator_id, child) not in decomposed:
                rows.append(indicator_status(session, plan, plan.indicator(a.indicator_id),
                                             child))
    return rows


def sync_warnings(session: Session, *, plan_ids: list[str] | None = None,
                  actor: str = "system:warnings") -> int:
    """Apply the light rule to every rated row of every current plan (or the given ones):
    deliver the warnings in force, resolve the rest; rows written."""
    written = 0
    for record in list_plan_records(session):
        if plan_ids is not None and record.plan_id not in plan_ids:
            continue
        plan = get_plan(session, record.plan_id)
        keep: set[str] = set()
        for row in rated_rows(session, plan):
            change = StatusChange(plan, plan.indicator(row["indicator_id"]), row["region_code"],
                                  int(row["year"] or plan.period_end), None, row, actor)
            for finding in (f for rule in RECORD_RULES for f in rule(change)):
                keep.add(finding.key)
                written += _deliver(session, finding)
        for open_row in store.open_warning_rows(session, plan_id=plan.id):
            if open_row.event_key not in keep:
                open_row.resolved_at = utcnow()
    session.flush()
    return written


@dataclass(frozen=True)
class OpenWarning:
    """One warning in force: an indicator with a yellow or red light in one region."""

    plan_id: str
    plan_title: str
    indicator_id: str
    indicator_name: str
    region_code: str
    region_name: str
    year: int | None
    light: str
    department: str | None
    recipients: tuple[str, ...]


def _visible(session: Session, user: User, row: store.PlanNotificationRow,
             scope: dict[str, bool]) -> bool:
    if row.user_id == user.id:
        return True
    if user.role not in (*_OFFICER_ROLES, Role.ANALYST):
        return False
    if row.region_code not in scope:
        scope[row.region_code] = in_scope(session, user, row.region_code)
    return scope[row.region_code]


def open_warnings(session: Session, user: User | None = None) -> list[OpenWarning]:
    """The warnings in force (one per plan, indicator and region), all or those a user sees:
    their own, and for officers and analysts every one in their region scope."""
    grouped: dict[str, list[store.PlanNotificationRow]] = {}
    for row in store.open_warning_rows(session):
        grouped.setdefault(row.event_key, []).append(row)
    users = {u.id: u.username for u in list_users(session)}
    out: list[OpenWarning] = []
    plans: dict[str, Plan] = {}
    scope: dict[str, bool] = {}
    for key, rows in grouped.items():
        first = rows[0]
        if user is not None and not any(_visible(session, user, r, scope) for r in rows):
            continue
        if first.plan_id not in plans:  # parse each plan once, not once per warning
            plans[first.plan_id] = get_plan(session, first.plan_id)
        plan = plans[first.plan_id]
        ind = plan.indicator(first.indicator_id)
        region = get_region(session, first.region_code)
        out.append(OpenWarning(
            first.plan_id, plan.title_zh, ind.id, ind.name_zh, first.region_code,
            region.name_zh if region else first.region_code, first.year,
            key.rsplit(":", 1)[-1], ind.department,
            tuple(sorted(users.get(r.user_id, str(r.user_id)) for r in rows))))
    return sorted(out, key=lambda w: (w.light != "red", w.plan_id, w.region_code,
                                      w.indicator_id))


def warning_count(session: Session, user: User) -> int:
    """The badge: how many warnings in force the user sees (`open_warnings`)."""
    return len(open_warnings(session, user))


def check_overdue(session: Session, today: date, *, due: tuple[int, int] = REPORT_DUE) -> int:
    """Run the periodic rules (`checks.SCAN_RULES`, e.g. late annual figures) over every current
    plan edition and deliver what they find; rows written (idempotent per finding)."""
    written = 0
    for record in list_plan_records(session):
        plan = get_plan(session, record.plan_id)
        recorded = frozenset((r.indicator_id.partition("[")[0], r.year) for r in store.actual_rows(
            session, plan.id, region_codes=[plan.region_code]))
        state = ReportingState(plan, recorded, today, due)
        for rule in SCAN_RULES:
            for finding in rule(state):
                written += _deliver(session, finding)
    return written


@dataclass(frozen=True)
class Notification:
    """One in-app warning as pages and the API show it."""

    id: int
    kind: str
    plan_id: str
    indicator_id: str
    region_code: str
    year: int | None
    title_zh: str
    title_en: str
    body_zh: str
    body_en: str
    created_at: datetime
    read: bool
    indicator_name: str = ""
    region_name: str = ""
    plan_title: str = ""
    resolved: bool = False

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        out = dict(self.__dict__)
        out["created_at"] = self.created_at.isoformat()
        return out


def notifications_for(session: Session, user: User, *, unread_only: bool = False
                      ) -> list[Notification]:
    """The user's warnings, newest first, with the indicator, region and plan by name."""
    out = []
    plans: dict[str, Plan | None] = {}
    for r in store.notification_rows(session, user.id, unread_only=unread_only):
        if r.plan_id not in plans:
            try:
                plans[r.plan_id] = get_plan(session, r.plan_id)
            except NotFound:
                plans[r.plan_id] = None
        plan = plans[r.plan_id]
        ind = next((i for i in plan.indicators if i.id == r.indicator_id), None) if plan else None
        region = get_region(session, r.region_code)
        out.append(Notification(
            r.id, r.kind, r.plan_id, r.indicator_id, r.region_code, r.year, r.title_zh,
            r.title_en, r.body_zh, r.body_en, r.created_at, r.read_at is not None,
            ind.name_zh if ind else r.indicator_id,
            region.name_zh if region else r.region_code, plan.title_zh if plan else r.plan_id,
            r.resolved_at is not None))
    return out


def unread_count(session: Session, user: User) -> int:
    """Number of unread warnings of a user (the badge)."""
    return len(store.notification_rows(session, user.id, unread_only=True))


def mark_read(session: Session, user: User, notification_ids: list[int] | None = None) -> int:
    """Mark the user's warnings read (all when `notification_ids` is None); rows changed.

    Raises
    ------
    NotFound / PermissionDenied
        An id that does not exist, or belongs to another user.
    """
    if notification_ids is not None:
        for nid in notification_ids:
            row = session.get(store.PlanNotificationRow, nid)
            if row is None:
                raise NotFound(f"没有通知 {nid} / no notification {nid}")
            if row.user_id != user.id:
                raise PermissionDenied("不能处理他人的通知 / not your notification")
    changed = 0
    for row in store.notification_rows(session, user.id, unread_only=True, limit=10_000):
        if notification_ids is None or row.id in notification_ids:
            row.read_at = utcnow()
            changed += 1
    session.flush()
    return changed


# ---- webhook -------------------------------------------------------------------------------

Sender = Callable[[str, bytes, dict[str, str]], int]


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """``sha256=<hex>`` HMAC-SHA256 of ``timestamp + "." + body`` under `secret`."""
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def verify_signature(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Whether a delivery's signature header matches its body and timestamp (receiver side)."""
    lower = {k.lower(): v for k, v in headers.items()}
    expected = sign(secret, lower.get(TIMESTAMP_HEADER.lower(), ""), body)
    return hmac.compare_digest(expected, lower.get(SIGNATURE_HEADER.lower(), ""))


def urllib_sender(url: str, body: bytes, headers: dict[str, str]) -> int:
    """POST with the standard library; the HTTP status (raises on network errors)."""
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 — configured URL
            return int(response.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)


def deliver_outbox(session: Session, *, url: str | None, secret: str | None,
                   send: Sender | None = None, now: datetime | None = None,
                   max_attempts: int = MAX_ATTEMPTS) -> dict[str, int]:
    """Deliver pending outbox rows to the webhook; counts of delivered, failed and skipped.

    Each row is POSTed once per call as canonical JSON with headers ``Content-Type``,
    `IDEMPOTENCY_HEADER` (the row's key), `TIMESTAMP_HEADER` and `SIGNATURE_HEADER`
    (`sign`). A 2xx answer marks it delivered; anything else, or an exception, records the
    attempt and leaves it pending until `max_attempts`, after which it is ``failed``.
    Without a URL or secret nothing is sent.
    """
    counts = {"delivered": 0, "failed": 0, "retry": 0, "skipped": 0}
    pending = store.outbox_rows(session, status="pending")
    if not url or not secret:
        counts["skipped"] = len(pending)
        return counts
    sender = send or urllib_sender
    for row in pending:
        stamp = (now or utcnow()).isoformat()
        body = json.dumps(row.payload, ensure_ascii=False, sort_keys=True,
                          separators=(",", ":")).encode()
        headers = {"Content-Type": "application/json; charset=utf-8",
                   IDEMPOTENCY_HEADER: row.idempotency_key, TIMESTAMP_HEADER: stamp,
                   SIGNATURE_HEADER: sign(secret, stamp, body)}
        code: int | None = None
        error = ""
        try:
            code = sender(url, body, headers)
        except Exception as exc:  # noqa: BLE001 — any failure is recorded and retried
            error = f"{type(exc).__name__}: {exc}"[:500]
        row.attempts += 1
        session.add(store.PlanOutboxAttemptRow(outbox_id=row.id, status_code=code, error=error))
        if code is not None and 200 <= code < 300:
            row.status, row.delivered_at, row.last_error = "delivered", utcnow(), ""
            counts["delivered"] += 1
        else:
            row.last_error = error or f"HTTP {code}"
            if row.attempts >= max_attempts:
                row.status = "failed"
                counts["failed"] += 1
            else:
                counts["retry"] += 1
    session.flush()
    return counts
