"""Enterprise JSON (mounted at /api/v1/enterprise): the twins of the pages, and the resolvers
that put every enterprise object where the policy can check it.

The resolvers answer for the STORED object (issue #12 item 4): an address naming a report, a
line, a check, a non-conformity or an evidence file is checked against the enterprise that owns
it — its reporter, its assigned verifiers, the climate offices over its region — before any
handler runs (`tanzhi.http.policy.authorize`).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query
from sqlalchemy.orm import Session

from tanzhi.enterprise import service, store
from tanzhi.enterprise.checks import industry_sections
from tanzhi.enterprise.model import BAND_LABELS, GWP_SETS, SOURCE_LABELS, STATUS_LABELS
from tanzhi.http import CurrentUser, DbSession, Reach, object_id, resolves
from tanzhi.kernel import NotFound

router = APIRouter(tags=["enterprise"])


def enterprise_reach(db: Session, credit_code: str) -> Reach:
    """Where an enterprise's objects lie: its region, its reporter, its verifiers."""
    row = service.get_enterprise(db, credit_code)
    return Reach((row.region_code,), enterprise=row.credit_code,
                 verifiers=store.verifiers_of(db, row.credit_code))


@resolves("credit_code")
def credit_code_reach(db: Session, value: str) -> Reach:
    """An enterprise (unified social credit code) lies in its region; its own reporter and its
    assigned verifiers reach it too."""
    return enterprise_reach(db, value)


@resolves("version_id")
def report_reach(db: Session, value: str) -> Reach:
    """A report version is its enterprise's."""
    report = service.get_report(db, object_id(value, "报告", "report"))
    return enterprise_reach(db, report.credit_code)


def _owned(db: Session, table: type, value: str, zh: str, en: str) -> Reach:
    row = db.get(table, object_id(value, zh, en))
    if row is None:
        raise NotFound(f"没有{zh} {value} / no {en} {value}")
    return report_reach(db, str(row.report_id))


@resolves("line_id")
def line_reach(db: Session, value: str) -> Reach:
    """A report line is its report's enterprise's."""
    return _owned(db, store.LineRow, value, "数据行", "line")


@resolves("check_id")
def check_reach(db: Session, value: str) -> Reach:
    """A checklist item is its report's enterprise's."""
    return _owned(db, store.CheckRow, value, "核查项", "check")


@resolves("nc_id")
def nc_reach(db: Session, value: str) -> Reach:
    """A non-conformity is its report's enterprise's."""
    return _owned(db, store.NonconformityRow, value, "不符合项", "non-conformity")


@resolves("file_id")
def evidence_reach(db: Session, value: str) -> Reach:
    """An enterprise evidence file is its report's enterprise's."""
    return _owned(db, store.EvidenceRow, value, "佐证材料", "evidence")


@router.get("")
def enterprises(db: DbSession, user: CurrentUser,
                region: Annotated[str | None, Query()] = None,
                industry: Annotated[str | None, Query()] = None,
                status: Annotated[str | None, Query()] = None) -> list[dict[str, Any]]:
    """The enterprises in the caller's scope with their reports counted by status."""
    return service.enterprise_list(db, user, region=region, industry=industry, status=status)


@router.get("/reference")
def reference() -> dict[str, Any]:
    """What the registration form offers: GB/T 4754-2017 sections, bands, GWP sets, source
    kinds and report statuses."""
    return {
        "industry_sections": [{"section": k, "first_division": v[0], "last_division": v[1],
                               "name_zh": v[2], "name_en": v[3]}
                              for k, v in industry_sections().items()],
        "bands": [{"band": b.value, "name_zh": zh, "name_en": en}
                  for b, (zh, en) in BAND_LABELS.items()],
        "gwp_sets": list(GWP_SETS),
        "source_kinds": [{"source_kind": k.value, "name_zh": zh, "name_en": en}
                         for k, (zh, en) in SOURCE_LABELS.items()],
        "statuses": [{"status": s.value, "name_zh": zh, "name_en": en}
                     for s, (zh, en) in STATUS_LABELS.items()],
        "upload_columns": [c.name for c in service.LINES_SCHEMA.columns],
    }


@router.get("/verify")
def verifier_desk(db: DbSession, user: CurrentUser) -> dict[str, Any]:
    """A verifier's assigned enterprises and the versions waiting for it."""
    return service.verifier_desk(db, user)


@router.get("/e/{credit_code}")
def enterprise(credit_code: str, db: DbSession) -> dict[str, Any]:
    """一企一档: the registry entry and every report version with its verification."""
    return service.enterprise_file(db, credit_code)


@router.get("/reports/{version_id}")
def report(version_id: int, db: DbSession) -> dict[str, Any]:
    """One report version: lines, figures, evidence, checklist, non-conformities, steps."""
    return service.report_dict(db, service.get_report(db, version_id))
