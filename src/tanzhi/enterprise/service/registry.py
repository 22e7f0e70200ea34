"""The registry (一企一档): enterprises, contacts, facilities and sources, the data-quality control
plan, verifier assignments, and which enterprises a user sees.

Who may call what is the policy table's business (`tanzhi.http.policy_table`, the enterprise
block); the functions here check the data and that forms naming a region stay in the caller's
scope (a form field is not an address the policy reads).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from tanzhi.access import Role, User, find_user, require_in_scope, scope_codes
from tanzhi.enterprise import store
from tanzhi.enterprise.checks import check_registration, industry_sections, raise_errors
from tanzhi.enterprise.model import SOURCE_LABELS, Band, SourceKind, energy_use_band_of
from tanzhi.kernel import DataError, NotFound, get_region, require_region


def get_enterprise(session: Session, credit_code: str) -> store.EnterpriseRow:
    """The enterprise with this code; `NotFound` otherwise."""
    row = session.get(store.EnterpriseRow, credit_code)
    if row is None:
        raise NotFound(f"没有企业 {credit_code} / no enterprise {credit_code}")
    return row


def register(session: Session, *, user: User, credit_code: str, name_zh: str,
             industry_code: str, region_code: str, annual_energy_tce: float,
             name_en: str = "", address: str = "", synthetic: bool = False
             ) -> store.EnterpriseRow:
    """Register an enterprise in a region of the officer's scope (code validated, GB 32100)."""
    credit_code, industry_code = credit_code.strip().upper(), industry_code.strip().upper()
    raise_errors(check_registration(credit_code=credit_code, name_zh=name_zh,
                                    industry_code=industry_code,
                                    annual_energy_tce=annual_energy_tce))
    try:
        require_region(session, region_code)
    except NotFound:
        raise DataError.at(f"没有地区代码 {region_code}（GB/T 2260）",
                           f"no region {region_code} (GB/T 2260)", column="region_code") from None
    require_in_scope(session, user, region_code)
    if session.get(store.EnterpriseRow, credit_code) is not None:
        raise DataError.at(f"统一社会信用代码 {credit_code} 已登记",
                           f"credit code {credit_code} is already registered",
                           column="credit_code")
    row = store.EnterpriseRow(
        credit_code=credit_code, name_zh=name_zh.strip(), name_en=name_en.strip(),
        industry_code=industry_code, region_code=region_code,
        annual_energy_tce=annual_energy_tce, band=energy_use_band_of(annual_energy_tce).value,
        address=address.strip(), synthetic=synthetic, registered_by=user.username)
    session.add(row)
    session.flush()
    return row


def add_contact(session: Session, credit_code: str, *, name: str, duty: str = "",
                phone: str = "", email: str = "") -> store.ContactRow:
    """Add a contact person."""
    get_enterprise(session, credit_code)
    if not name.strip():
        raise DataError.at("联系人姓名不能为空", "the contact's name is empty", column="name")
    row = store.ContactRow(credit_code=credit_code, name=name.strip(), duty=duty.strip(),
                           phone=phone.strip(), email=email.strip())
    session.add(row)
    session.flush()
    return row


def add_facility(session: Session, credit_code: str, *, name: str, kind: str = "facility",
                 source_kind: str = "", item: str = "", facility_id: int | None = None
                 ) -> store.FacilityRow:
    """Add a facility, or an emission source (kind ``source``: its source kind and item)."""
    get_enterprise(session, credit_code)
    if not name.strip():
        raise DataError.at("名称不能为空", "the name is empty", column="name")
    if kind not in ("facility", "source"):
        raise DataError.at(f"类型“{kind}”应为 facility 或 source",
                           f"kind '{kind}' must be facility or source", column="kind")
    if kind == "source" and source_kind not in {k.value for k in SourceKind}:
        raise DataError.at(f"排放源类别“{source_kind}”无效", f"unknown source kind '{source_kind}'",
                           column="source_kind")
    if facility_id is not None:
        parent = session.get(store.FacilityRow, facility_id)
        if parent is None or parent.credit_code != credit_code or parent.kind != "facility":
            raise DataError.at(f"本企业没有设施 {facility_id}",
                               f"the enterprise has no facility {facility_id}",
                               column="facility_id")
    row = store.FacilityRow(credit_code=credit_code, kind=kind, name=name.strip(),
                            source_kind=source_kind if kind == "source" else "",
                            item=item.strip(), facility_id=facility_id)
    session.add(row)
    session.flush()
    return row


def save_quality_plan(session: Session, credit_code: str, *, user: User, boundary: str,
                      metering: str, sampling: str = "", responsibilities: str = ""
                      ) -> store.QualityPlanRow:
    """A new version of the data-quality control plan (earlier versions are kept)."""
    get_enterprise(session, credit_code)
    missing = [c for c, v in (("boundary", boundary), ("metering", metering)) if not v.strip()]
    if missing:
        raise DataError.at("数据质量控制计划须写明核算边界与计量方法",
                           "the data-quality control plan needs the boundary and the metering",
                           column=missing[0])
    version = len(store.children(session, store.QualityPlanRow, credit_code)) + 1
    row = store.QualityPlanRow(credit_code=credit_code, version=version,
                               boundary=boundary.strip(), metering=metering.strip(),
                               sampling=sampling.strip(),
                               responsibilities=responsibilities.strip(),
                               created_by=user.username)
    session.add(row)
    session.flush()
    return row


def assign_verifier(session: Session, credit_code: str, *, verifier: str, user: User
                    ) -> store.AssignmentRow:
    """Assign a verifier account to the enterprise (the authority, 核查指南 step 1)."""
    get_enterprise(session, credit_code)
    account = find_user(session, verifier.strip())
    if account is None or account.role is not Role.VERIFIER:
        raise DataError.at(f"“{verifier}”不是核查机构账号", f"'{verifier}' is not a verifier "
                           "account", column="verifier")
    if account.username in store.verifiers_of(session, credit_code):
        raise DataError.at(f"{account.display_name} 已分配给本企业",
                           f"{account.username} is already assigned", column="verifier")
    row = store.AssignmentRow(credit_code=credit_code, verifier=account.username,
                              assigned_by=user.username)
    session.add(row)
    session.flush()
    return row


def visible_codes(session: Session, user: User) -> set[str] | None:
    """Credit codes `user` may list: a reporter its own, a verifier those assigned to it, an
    officer or analyst those in its region scope (None: no filter, never returned today)."""
    if user.role is Role.ENTERPRISE_REPORTER:
        return {user.enterprise_id} if user.enterprise_id else set()
    if user.role is Role.VERIFIER:
        return store.assigned_codes(session, user.username)
    if user.region_code is None:
        return set()
    regions = set(scope_codes(session, user))
    return {e.credit_code for e in store.enterprises(session, region_codes=regions)}


def industry_label(code: str) -> tuple[str, str]:
    """(zh, en) name of the section an industry class falls in."""
    section = industry_sections().get(code[:1])
    return (section[2], section[3]) if section else ("", "")


def enterprise_dict(session: Session, row: store.EnterpriseRow) -> dict[str, Any]:
    """JSON-ready registry entry with contacts, facilities, sources, plan and verifiers."""
    region = get_region(session, row.region_code)
    band = Band(row.band)
    zh, en = industry_label(row.industry_code)
    plans = store.children(session, store.QualityPlanRow, row.credit_code)
    facilities = store.children(session, store.FacilityRow, row.credit_code)
    return {
        "credit_code": row.credit_code, "name_zh": row.name_zh, "name_en": row.name_en,
        "industry_code": row.industry_code, "industry_section_zh": zh,
        "industry_section_en": en, "region_code": row.region_code,
        "region_name": region.name_zh if region else row.region_code,
        "annual_energy_tce": row.annual_energy_tce, "band": band.value,
        "band_zh": band.label_zh, "band_en": band.label_en, "address": row.address,
        "synthetic": row.synthetic, "registered_at": row.registered_at.isoformat(),
        "contacts": [{"id": c.id, "name": c.name, "duty": c.duty, "phone": c.phone,
                      "email": c.email}
                     for c in store.children(session, store.ContactRow, row.credit_code)],
        "facilities": [{"id": f.id, "name": f.name} for f in facilities if f.kind == "facility"],
        "sources": [{"id": f.id, "name": f.name, "source_kind": f.source_kind,
                     "source_kind_zh": SOURCE_LABELS[SourceKind(f.source_kind)][0],
                     "item": f.item, "facility_id": f.facility_id}
                    for f in facilities if f.kind == "source"],
        "quality_plan": ({"version": plans[-1].version, "boundary": plans[-1].boundary,
                          "metering": plans[-1].metering, "sampling": plans[-1].sampling,
                          "responsibilities": plans[-1].responsibilities,
                          "created_by": plans[-1].created_by,
                          "created_at": plans[-1].created_at.isoformat()} if plans else None),
        "quality_plan_versions": len(plans),
        "verifiers": sorted(store.verifiers_of(session, row.credit_code)),
    }
