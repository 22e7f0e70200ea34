"""Publishing and withdrawing, and what the public portal reads.

Only a live publication opens anything to the public: every public read goes through
`published`, which answers `NotFound` (a 404, the same as a missing object) for an object that
was never published or has been withdrawn, so an unpublished run or report cannot be reached by
guessing its address. Who may publish what is the policy table's business (rule ``disclose``:
the province, city and county climate offices, for regions in their scope); this module checks
that the object and region fit together (the run covers the region, the region is the plan's or
one of its children) and that the object is fit to publish.
"""

from __future__ import annotations

import io
import json
import math
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from tanzhi.access import Role, list_users
from tanzhi.disclosure import store
from tanzhi.disclosure.model import Kind, Publication
from tanzhi.inventory import factor_lineage as inventory_factor_lineage
from tanzhi.inventory import (
    get_run,
    latest_run,
    results_csv,
    results_workbook,
    run_results,
    with_lineage,
)
from tanzhi.kernel import (
    DataError,
    Location,
    NotFound,
    Problem,
    csv_dict_writer,
    default_library,
    export_workbook,
    get_region,
    list_regions,
    read_statistics,
    utcnow,
)
from tanzhi.plan import STATUS_NOTES, get_plan, list_plan_records, status_table
from tanzhi.report import generate_report, get_report

# Sectors of the provincial guideline (sector 1–5 in run results).
SECTORS: dict[int, tuple[str, str]] = {
    1: ("能源活动", "Energy"), 2: ("工业生产过程", "Industrial processes"),
    3: ("农业活动", "Agriculture"), 4: ("土地利用变化和林业", "LULUCF"),
    5: ("废弃物处理", "Waste"),
}
# Columns of a published status table, in the order the public reads them.
STATUS_FIELDS = ("seq", "indicator_id", "name", "name_en", "unit", "nature", "baseline",
                 "target", "actual", "year", "completion", "status", "status_zh", "note_zh",
                 "department", "source", "derived")
# Fields holding a fraction (0.456), shown in a workbook as a percentage.
SHARE_FIELDS = frozenset({"completion"})
STATUS_LABELS = {"green": ("正常", "on track"), "yellow": ("预警", "warning"),
                 "red": ("滞后", "lagging")}
STATUS_HEADERS = {
    "seq": ("序号", "No."), "indicator_id": ("指标编号", "Indicator id"),
    "name": ("指标", "Indicator"), "name_en": ("指标（英文）", "Indicator (English)"),
    "unit": ("单位", "Unit"), "nature": ("属性", "Nature"), "baseline": ("基期值", "Baseline"),
    "target": ("目标值", "Target"), "actual": ("实际值", "Actual"),
    "year": ("数据年份", "Year of the actual"), "completion": ("完成度", "Completion"),
    "status": ("状态代码", "Status code"), "status_zh": ("状态", "Status"),
    "note_zh": ("说明", "Note"),
    "department": ("责任部门", "Department"), "source": ("数据来源", "Source"),
    "derived": ("推算", "Derived"),
}


def _region_name(db: Session, code: str) -> str:
    region = get_region(db, code)
    return region.name_zh if region is not None else code


def as_publication(db: Session, row: store.PublicationRow) -> Publication:
    """The row as pages show it."""
    return Publication(
        id=row.id, kind=Kind(row.kind), object_id=row.object_id, region_code=row.region_code,
        region_name=_region_name(db, row.region_code), title=row.title, as_of=row.as_of,
        year=row.year, published_by=row.published_by, published_by_name=row.published_by_name,
        published_at=row.published_at, note=row.note, provisional=row.provisional,
        withdrawn_at=row.withdrawn_at, withdrawn_by=row.withdrawn_by,
        withdraw_reason=row.withdraw_reason, synthetic=row.synthetic, snapshot=row.snapshot)


def _already(db: Session, kind: Kind, object_id: str, region_code: str) -> None:
    live = store.live_row(db, kind.value, object_id, region_code)
    if live is not None:
        raise DataError(Problem(
            f"已于 {live.as_of.isoformat()} 发布（公开编号 {live.id}），如需更新请先撤回",
            f"already published as of {live.as_of.isoformat()} (publication {live.id}); "
            "withdraw it first to publish again", Location(column="object_id")))


def _inventory_frame(db: Session, run_id: int, region_code: str) -> pd.DataFrame:
    return with_lineage(run_results(db, run_id, region_codes=[region_code]), default_library())


def _run_synthetic(db: Session, source: str, years: list[int], region_code: str) -> bool:
    """A run compiled from synthetic demo statistics carries the synthetic mark (the inventory
    pages' rule: the statistics of its latest year for the region say so)."""
    if not source.startswith("statistics"):
        return False
    stats = read_statistics(db, region_codes=[region_code], years=years[-1:])
    return bool(stats["synthetic"].any()) if len(stats) else False


def publish_inventory(db: Session, *, run_id: int, region_code: str, as_of: date,
                      actor: str, actor_name: str, note: str = "") -> Publication:
    """Publish region `region_code`'s figures of inventory run `run_id`, as of `as_of`."""
    run = get_run(db, run_id)
    if run.status != "complete":
        raise DataError(Problem(f"清单计算批次 {run_id} 未完成（{run.status}），不能发布",
                                f"inventory run {run_id} is not complete ({run.status})",
                                Location(column="run_id")))
    if run.region_codes and region_code not in run.region_codes:
        raise DataError(Problem(
            f"清单计算批次 {run_id} 不含地区 {_region_name(db, region_code)}",
            f"inventory run {run_id} does not cover region {region_code}",
            Location(column="region")))
    frame = _inventory_frame(db, run_id, region_code)
    if frame.empty:
        name = _region_name(db, region_code)
        raise DataError(Problem(f"清单计算批次 {run_id} 没有 {name} 的结果",
                                f"run {run_id} has no results for region {region_code}",
                                Location(column="region")))
    _already(db, Kind.INVENTORY, str(run_id), region_code)
    years = sorted(int(y) for y in frame["year"].unique())
    span = f"{years[0]}—{years[-1]}" if len(years) > 1 else str(years[0])
    row = store.add(
        db, kind=Kind.INVENTORY.value, object_id=str(run_id), region_code=region_code,
        title=f"{_region_name(db, region_code)}{span}年温室气体清单", as_of=as_of, year=None,
        snapshot_json=json.dumps({"years": years, "gwp": run.gwp, "run_label": run.label}),
        note=note, provisional=int(frame["provisional"].sum()),
        synthetic=_run_synthetic(db, str(run.source), years, region_code),
        published_by=actor, published_by_name=actor_name)
    return as_publication(db, row)


def _plan_regions(db: Session, region_code: str) -> set[str]:
    return {region_code} | {r.code for r in list_regions(db, parent=region_code)
                            if r.parent_code == region_code}


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if hasattr(value, "item"):
        return _clean(value.item())
    if value is pd.NA:
        return None
    return value


def publish_plan_status(db: Session, *, plan_id: str, region_code: str, as_of: date,
                        year: int | None, actor: str, actor_name: str, note: str = "",
                        synthetic: bool = False) -> Publication:
    """Publish plan `plan_id`'s indicator status table for `region_code` (as of `year`'s
    actuals; None: the latest), frozen as it stands now."""
    plan = get_plan(db, plan_id)
    if region_code not in _plan_regions(db, plan.region_code):
        raise DataError(Problem(
            f"规划 {plan.title_zh} 不跟踪地区 {_region_name(db, region_code)}",
            f"plan {plan_id} does not track region {region_code}",
            Location(column="region")))
    _already(db, Kind.PLAN_STATUS, plan_id, region_code)
    table = status_table(db, plan_id, region_code=region_code, year=year)
    rows = []
    for rec in table.to_dict("records"):
        row = {f: _clean(rec.get(f)) for f in STATUS_FIELDS}
        # Labels, not codes: the status and the reason a row has none, as the plan names them.
        row["status_zh"] = STATUS_LABELS[row["status"]][0] if row["status"] else "未评价"
        code = _clean(rec.get("status_note"))
        row["note_zh"] = STATUS_NOTES.get(code, (code or "", ""))[0]
        row["note_en"] = STATUS_NOTES.get(code, ("", code or ""))[1]
        rows.append(row)
    quantitative = [r for r in rows if r["status"]]
    derived = sum(1 for r in rows if r["derived"])
    row = store.add(
        db, kind=Kind.PLAN_STATUS.value, object_id=plan_id, region_code=region_code,
        title=f"{plan.title_zh}主要指标进展（{_region_name(db, region_code)}）", as_of=as_of,
        year=year, snapshot_json=json.dumps({"rows": rows, "rated": len(quantitative)},
                                            ensure_ascii=False),
        note=note, provisional=derived, synthetic=synthetic, published_by=actor,
        published_by_name=actor_name)
    return as_publication(db, row)


def publish_report(db: Session, *, report_id: int, as_of: date, actor: str, actor_name: str,
                   note: str = "") -> Publication:
    """Publish generated report `report_id` (its region is the report's)."""
    info = get_report(db, report_id)
    _already(db, Kind.REPORT, str(report_id), info.region_code)
    row = store.add(
        db, kind=Kind.REPORT.value, object_id=str(report_id), region_code=info.region_code,
        title=info.title, as_of=as_of, year=None,
        snapshot_json=json.dumps({"kind_zh": info.kind_zh, "sha256": info.content_sha256},
                                 ensure_ascii=False),
        note=note, provisional=0, synthetic=info.synthetic, published_by=actor,
        published_by_name=actor_name)
    return as_publication(db, row)


def withdraw(db: Session, publication_id: int, *, actor: str, reason: str = "") -> Publication:
    """Withdraw a live publication (the row stays, marked; the public sees it no more)."""
    row = store.get(db, publication_id)
    if row is None:
        raise NotFound(f"没有公开编号 {publication_id} / no publication {publication_id}")
    if row.withdrawn_at is not None:
        raise DataError(Problem(f"公开编号 {publication_id} 已撤回",
                                f"publication {publication_id} is already withdrawn"))
    row.withdrawn_at = utcnow()
    row.withdrawn_by = actor
    row.withdraw_reason = reason
    db.flush()
    return as_publication(db, row)


def get_publication(db: Session, publication_id: int) -> Publication:
    """One publication, live or withdrawn; `NotFound` otherwise."""
    row = store.get(db, publication_id)
    if row is None:
        raise NotFound(f"没有公开编号 {publication_id} / no publication {publication_id}")
    return as_publication(db, row)


def live_publications(db: Session) -> list[Publication]:
    """What the public sees, newest first."""
    return [as_publication(db, r) for r in store.rows(db)]


def publication_history(db: Session, region_codes: set[str]) -> list[Publication]:
    """Every publication (live and withdrawn) of the regions, newest first."""
    return [as_publication(db, r) for r in store.rows(db, live_only=False,
                                                      region_codes=region_codes)]


def published(db: Session, kind: Kind, object_id: str, region_code: str | None = None
              ) -> Publication:
    """The live publication of an object; `NotFound` when there is none (unpublished or
    withdrawn objects are not there for the public)."""
    row = store.live_row(db, kind.value, object_id, region_code)
    if row is None:
        raise NotFound(f"未公开或不存在 / not published or no such {kind.value} {object_id}")
    return as_publication(db, row)


# ---- what the public pages and downloads read -------------------------------------------------

def inventory_summary(db: Session, pub: Publication) -> dict[str, Any]:
    """Totals of a published inventory: t CO2e by year and sector, with provisional counts."""
    frame = _inventory_frame(db, int(pub.object_id), pub.region_code)
    counted = frame[frame["co2e_t"].notna() & ~frame["memo"].fillna(False).astype(bool)]
    years = sorted(int(y) for y in counted["year"].unique())
    by = counted.groupby(["year", "sector"])["co2e_t"].sum()
    rows = []
    for code, (zh, en) in SECTORS.items():
        # A sector with no estimate says why, by its notation key (NE, NO, IE …).
        keys = frame.loc[frame["sector"] == code, "notation"].dropna().astype(str)
        rows.append({"sector": code, "name_zh": zh, "name_en": en,
                     "values": [_clean(by.get((y, code))) for y in years],
                     "notation": "、".join(sorted(set(keys) - {""}))})
    totals = counted.groupby("year")["co2e_t"].sum()
    provisional = frame.groupby("year")["provisional"].sum()
    return {"years": years, "rows": rows,
            "totals": [float(totals.get(y, 0.0)) for y in years],
            "provisional": [int(provisional.get(y, 0)) for y in years]}


def inventory_download(db: Session, pub: Publication, fmt: str, year: int | None = None
                       ) -> tuple[bytes, str]:
    """(bytes, file name) of a published inventory: every result row with its factor path and
    provisional flag (CSV), or one year's guideline tables (XLSX; `year` default the latest)."""
    run_id = int(pub.object_id)
    stem = f"inventory-{pub.region_code}-run{run_id}"
    if fmt == "csv":
        return results_csv(_inventory_frame(db, run_id, pub.region_code)), f"{stem}.csv"
    if fmt != "xlsx":
        raise NotFound(f"没有格式 {fmt} / no format {fmt}")
    years = list(pub.snapshot.get("years", []))
    chosen = year if year in years else years[-1]
    frame = with_lineage(run_results(db, run_id, region_codes=[pub.region_code],
                                     years=[chosen]), default_library())
    data = results_workbook(frame, region_name=pub.region_name, year=chosen,
                            gwp=str(pub.snapshot.get("gwp", "")),
                            lineage=inventory_factor_lineage(frame, default_library()))
    return data, f"{stem}-{chosen}.xlsx"


def _table_bytes(fmt: str, *, title: str, subtitle: str, fields: tuple[str, ...],
                 headers: dict[str, tuple[str, str]], rows: list[dict[str, Any]]) -> bytes:
    """A public table as CSV (bilingual header row, then the rows) or XLSX (title, subtitle,
    header, rows); text cells are neutralised by the kernel's writers."""
    heads = [f"{headers[f][0]} {headers[f][1]}" for f in fields]
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv_dict_writer(buffer, list(fields), lineterminator="\n")
        writer.writerow(dict(zip(fields, heads, strict=True)))
        for r in rows:
            writer.writerow({f: r.get(f) for f in fields})
        return buffer.getvalue().encode("utf-8")
    if fmt != "xlsx":
        raise NotFound(f"没有格式 {fmt} / no format {fmt}")
    out = io.BytesIO()
    book = export_workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("data")
    # a fraction of the target reached reads as 45.6 % (issue #11 item 7: one number rule)
    share = book.number_format(kind="share")
    sheet.write(0, 0, title)
    sheet.write(1, 0, subtitle)
    for j, head in enumerate(heads):
        sheet.write(3, j, head)
    for i, r in enumerate(rows, start=4):
        for j, f in enumerate(fields):
            value = r.get(f)
            if value is not None:
                sheet.write(i, j, value, share if f in SHARE_FIELDS and isinstance(
                    value, int | float) else None)
    book.close()
    return out.getvalue()


def status_download(pub: Publication, fmt: str) -> tuple[bytes, str]:
    """(bytes, file name) of a published status table, as frozen at publication."""
    data = _table_bytes(
        fmt, title=pub.title,
        subtitle=(f"数据截至 as of {pub.as_of.isoformat()}；"
                  f"发布 published by {pub.published_by_name}"),
        fields=STATUS_FIELDS, headers=STATUS_HEADERS, rows=pub.snapshot.get("rows", []))
    return data, f"plan-status-{pub.object_id}-{pub.region_code}-{pub.as_of.isoformat()}.{fmt}"


RESULT_FIELDS = ("rank", "code", "name_zh", "name_en", "total", "maximum", "percent",
                 "grade_zh")
RESULT_HEADERS = {
    "rank": ("名次", "Rank"), "code": ("代码", "Code"), "name_zh": ("被考核单位", "Assessee"),
    "name_en": ("被考核单位（英文）", "Assessee (English)"), "total": ("得分", "Score"),
    "maximum": ("满分", "Maximum"), "percent": ("得分率（%）", "Percent"),
    "grade_zh": ("等次", "Grade"),
}


def assessment_download(edition: dict[str, Any], fmt: str) -> tuple[bytes, str]:
    """(bytes, file name) of a signed-off scheme's public edition: ranking and grades only."""
    data = _table_bytes(
        fmt, title=str(edition["title_zh"]),
        subtitle=f"签发 signed off {edition.get('signed_off_on') or ''}",
        fields=RESULT_FIELDS, headers=RESULT_HEADERS, rows=list(edition["results"]))
    return data, f"assessment-{edition['id']}-{edition['year']}.{fmt}"


# ---- the demo ---------------------------------------------------------------------------------

DEMO_ACTOR = "system:demo"
OFFICES = (Role.PROVINCE_ADMIN, Role.CITY_OFFICER, Role.COUNTY_OFFICER)


def demo_seed(db: Session) -> int:
    """Publish a sensible set so the demo's portal is not empty: the province's figures of the
    latest complete inventory run, every plan's status table for its own region, and the
    province's inventory report of the run's latest year (generated here, files on first
    download). Returns the number of publications written."""
    today = utcnow().date()
    # A rebuild first deletes what an earlier build published, as every demo seeder deletes its
    # earlier synthetic rows (the rebuilt run and report get new ids).
    for row in store.rows(db, live_only=False):
        if row.published_by == DEMO_ACTOR:
            db.delete(row)
    db.flush()
    # Each region's data is published in the name of that region's climate office.
    offices = {u.region_code: u.display_name for u in reversed(list_users(db))
               if u.role in OFFICES and u.region_code}
    count = 0
    for province in list_regions(db, level="province"):
        run = latest_run(db, region_code=province.code)
        if run is not None:
            publish_inventory(db, run_id=run.id, region_code=province.code, as_of=today,
                              actor=DEMO_ACTOR,
                              actor_name=offices.get(province.code, province.name_zh),
                              note="演示数据：由合成统计数据推算")
            count += 1
            # No format is rendered here (formats=()), so nothing is written under the data
            # directory: the files are rendered on first download into the installation's.
            report = generate_report(
                db, Path(), kind="inventory", actor=DEMO_ACTOR, formats=(),
                parameters={"region_code": province.code, "year": max(run.years),
                            "run_id": str(run.id)})
            publish_report(db, report_id=report.id, as_of=today, actor=DEMO_ACTOR,
                           actor_name=offices.get(province.code, province.name_zh))
            count += 1
    for record in list_plan_records(db):
        publish_plan_status(db, plan_id=record.plan_id, region_code=record.region_code,
                            as_of=today, year=None, actor=DEMO_ACTOR, synthetic=True,
                            actor_name=offices.get(record.region_code,
                                                   _region_name(db, record.region_code)))
        count += 1
    return count
