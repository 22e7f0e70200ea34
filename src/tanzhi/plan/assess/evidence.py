"""Evidence files for self-assessment (checks and storage: `tanzhi.kernel.evidence`).

A file is stored once under ``<data_dir>/evidence/<sha256>`` (the same content uploaded twice
is one file); the row keeps its name, type, size and digest. Accepted: PDF, DOCX, XLSX, JPEG and
PNG up to `model.MAX_EVIDENCE_BYTES`; the extension must match the content's signature, so a
renamed executable is refused.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.orm import Session

from tanzhi.access import User
from tanzhi.kernel import (
    NotFound,
    PermissionDenied,
    check_evidence,
    read_evidence,
    store_evidence,
)
from tanzhi.plan.assess import roles
from tanzhi.plan.assess.model import MAX_EVIDENCE_BYTES, SchemeState
from tanzhi.plan.assess.store import AssesseeRow, EvidenceRow, ItemRow, ScoreRow
from tanzhi.plan.assess.workflow import assessees_of, get_scheme, require_state, scores_of


def add_evidence(
    session: Session, scheme_id: int, assessee_id: int, item_id: int, *, user: User,
    filename: str, content: bytes, data_dir: Path, max_bytes: int = MAX_EVIDENCE_BYTES,
) -> EvidenceRow:
    """Store an evidence file for one assessee's item (its own officer, during self-assessment)."""
    scheme = get_scheme(session, scheme_id)
    assessee = session.get(AssesseeRow, assessee_id)
    if assessee is None or assessee.scheme_id != scheme_id:
        raise NotFound(f"没有被考核对象 {assessee_id} / no assessee {assessee_id}")
    roles.require_speaks_for(user, scheme, assessee)
    require_state(scheme, SchemeState.SELF_ASSESSMENT, doing_zh="上传佐证材料",
                   doing_en="upload evidence")
    item = session.get(ItemRow, item_id)
    score = scores_of(session, scheme_id).get((item_id, assessee_id))
    if item is None or score is None:
        raise NotFound(f"考核指标 {item_id} 不适用于 {assessee.name_zh} / "
                       f"item {item_id} does not apply to {assessee.name_en}")
    name, content_type = check_evidence(filename, content, max_bytes=max_bytes)
    digest = store_evidence(data_dir, content)
    row = EvidenceRow(scheme_id=scheme_id, score_id=score.id, filename=name,
                      content_type=content_type, size=len(content), sha256=digest,
                      uploaded_by=user.username)
    session.add(row)
    session.flush()
    return row


def remove_evidence(session: Session, evidence_id: int, *, user: User) -> None:
    """Withdraw an evidence file during self-assessment (the stored content is kept)."""
    row = session.get(EvidenceRow, evidence_id)
    if row is None:
        raise NotFound(f"没有佐证材料 {evidence_id} / no evidence {evidence_id}")
    scheme = get_scheme(session, row.scheme_id)
    score = session.get(ScoreRow, row.score_id)
    assessee = session.get(AssesseeRow, score.assessee_id) if score else None
    if assessee is None:
        raise NotFound(f"没有佐证材料 {evidence_id} / no evidence {evidence_id}")
    roles.require_speaks_for(user, scheme, assessee)
    require_state(scheme, SchemeState.SELF_ASSESSMENT, doing_zh="撤回佐证材料",
                   doing_en="withdraw evidence")
    session.delete(row)
    session.flush()


def open_evidence(session: Session, evidence_id: int, *, user: User, data_dir: Path
                  ) -> tuple[EvidenceRow, bytes]:
    """The row and content of an evidence file, for users who may read that assessee.

    The stored content's sha256 is checked against the row: a tampered file is refused.
    """
    row = session.get(EvidenceRow, evidence_id)
    if row is None:
        raise NotFound(f"没有佐证材料 {evidence_id} / no evidence {evidence_id}")
    scheme = get_scheme(session, row.scheme_id)
    score = session.get(ScoreRow, row.score_id)
    visible = roles.visible_assessees(session, user, scheme, assessees_of(session, scheme.id))
    if score is None or score.assessee_id not in {a.id for a in visible}:
        raise PermissionDenied(f"无权查看佐证材料 {evidence_id} / "
                               f"evidence {evidence_id} is outside your scope")
    return row, read_evidence(data_dir, row.sha256, label=str(evidence_id))
