"""Generating, storing and serving reports: one row per distinct document, outputs cached on disk.

A report is regenerated when its inputs change: the document is rebuilt from the current data,
and when its content (everything but the generation time) equals the latest stored report with
the same parameters, that report is reused; otherwise a new one is stored. Outputs are rendered
on first request and kept under ``<data_dir>/reports/<sha256>.<ext>``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from tanzhi.kernel import DataError, NotFound, Problem, unit_of_work
from tanzhi.report import store
from tanzhi.report.model import Document, document_from_dict
from tanzhi.report.render import FORMATS, MEDIA_TYPES, render_document
from tanzhi.report.service.evaluation import plan_evaluation
from tanzhi.report.service.inventory import inventory_report

KINDS = ("inventory", "evaluation_final", "evaluation_midterm")
KIND_ZH = {"inventory": "温室气体清单报告", "evaluation_final": "规划终期评估报告",
           "evaluation_midterm": "规划中期评估报告"}


@dataclass
class ReportInfo:
    """A stored report as pages and the API show it."""

    id: int
    kind: str
    kind_zh: str
    title: str
    region_code: str
    parameters: dict[str, Any]
    created_at: datetime
    actor: str
    synthetic: bool
    content_sha256: str
    outputs: dict[str, dict[str, Any]] = field(default_factory=dict)
    lineage: dict[str, Any] = field(default_factory=dict)
    reused: bool = False


def _info(row: store.ReportRow, *, reused: bool = False) -> ReportInfo:
    return ReportInfo(id=row.id, kind=row.kind, kind_zh=KIND_ZH.get(row.kind, row.kind),
                      title=row.title, region_code=row.region_code, parameters=row.parameters,
                      created_at=row.created_at, actor=row.actor, synthetic=row.synthetic,
                      content_sha256=row.content_sha256, outputs=row.outputs,
                      lineage=row.lineage, reused=reused)


def build_document(session: Session, kind: str, parameters: dict[str, Any]) -> Document:
    """Build the document a kind and parameters describe, from the current data."""
    if kind == "inventory":
        return inventory_report(session, run_id=parameters.get("run_id"),
                                region_code=str(parameters["region_code"]),
                                year=int(parameters["year"]))
    if kind in ("evaluation_final", "evaluation_midterm"):
        return plan_evaluation(session, plan_id=str(parameters["plan_id"]),
                               kind=kind.removeprefix("evaluation_"),
                               region_code=parameters.get("region_code"))
    raise DataError(Problem(f"未知报告类型“{kind}”，应为 {'、'.join(KINDS)}",
                            f"unknown report kind {kind!r}; expected one of {', '.join(KINDS)}"))


def _store_output(data_dir: Path, fmt: str, content: bytes) -> dict[str, Any]:
    digest = hashlib.sha256(content).hexdigest()
    folder = data_dir / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{digest}.{fmt}"
    if not path.exists():
        tmp = path.with_suffix(f".{fmt}.tmp")
        tmp.write_bytes(content)
        tmp.replace(path)
    return {"sha256": digest, "bytes": len(content)}


def generate_report(session: Session, data_dir: Path, *, kind: str,
                    parameters: dict[str, Any], actor: str,
                    formats: tuple[str, ...] = ("html",)) -> ReportInfo:
    """Build a report from the current data; store it unless an identical one exists.

    `formats` are rendered right away (HTML by default: the preview); others on first download.
    """
    params = {k: v for k, v in sorted(parameters.items()) if v is not None}
    doc = build_document(session, kind, params)
    content = doc.content_hash()
    params_json = json.dumps(params, ensure_ascii=False, sort_keys=True)
    same = store.find_same(session, kind=kind, parameters_json=params_json,
                           content_sha256=content)
    if same is not None:
        for fmt in formats:
            report_output(session, data_dir, same.id, fmt)
        return _info(same, reused=True)
    row = store.add_report(
        session, kind=kind, title=doc.title, region_code=doc.region_code,
        parameters_json=params_json, content_sha256=content,
        document_json=json.dumps(doc.to_dict(), ensure_ascii=False),
        lineage_json=json.dumps({**doc.lineage, "content_sha256": content}, ensure_ascii=False,
                                sort_keys=True, default=str),
        synthetic=doc.synthetic, actor=actor)
    outputs = {fmt: _store_output(data_dir, fmt, render_document(doc, fmt)) for fmt in formats}
    store.set_outputs(row, outputs)
    session.flush()
    return _info(row)


def _row(session: Session, report_id: int) -> store.ReportRow:
    row = store.get_row(session, report_id)
    if row is None:
        raise NotFound(f"没有编号为 {report_id} 的报告 / no report {report_id}")
    return row


def get_report(session: Session, report_id: int) -> ReportInfo:
    """A stored report's description; `NotFound` if there is none."""
    return _info(_row(session, report_id))


def list_reports(session: Session, *, region_codes: set[str] | None = None) -> list[ReportInfo]:
    """Stored reports, newest first (only those of `region_codes` when given)."""
    return [_info(r) for r in store.list_rows(session, region_codes=region_codes)]


def report_document(session: Session, report_id: int) -> Document:
    """The stored document of a report (the model, for previews and re-rendering)."""
    return document_from_dict(json.loads(_row(session, report_id).document_json))


def report_output(session: Session, data_dir: Path, report_id: int, fmt: str, *,
                  writer: sessionmaker[Session] | None = None) -> tuple[bytes, str, str]:
    """(bytes, media type, file name) of one output, rendered and cached on first request.

    `writer`: when `session` is a read transaction (a GET, issue #8), the cache entry is
    recorded in a short write transaction of its own from this factory.
    """
    if fmt not in FORMATS:
        raise DataError(Problem(f"不支持的格式“{fmt}”，应为 html、pdf 或 docx",
                                f"unknown format {fmt!r}; expected html, pdf or docx"))
    row = _row(session, report_id)
    outputs = row.outputs
    known = outputs.get(fmt)
    path = data_dir / "reports" / f"{known['sha256']}.{fmt}" if known else None
    if path is not None and path.exists():
        content = path.read_bytes()
    else:
        doc = document_from_dict(json.loads(row.document_json))
        content = render_document(doc, fmt)
        outputs[fmt] = _store_output(data_dir, fmt, content)
        if writer is None:
            store.set_outputs(row, outputs)
            session.flush()
        else:
            with unit_of_work(writer, actor=str(session.info.get("actor") or "system"),
                              reason=f"report {report_id} {fmt} output") as write:
                fresh = _row(write, report_id)
                store.set_outputs(fresh, {**fresh.outputs, fmt: outputs[fmt]})
    return content, MEDIA_TYPES[fmt], f"report-{row.id}.{fmt}"
