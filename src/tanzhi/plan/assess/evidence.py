"""Evidence files for self-assessment: type and size checks, sha256, content-addressed storage.

A file is stored once under ``<data_dir>/evidence/<sha256>`` (the same content uploaded twice
is one file); the row keeps its name, type, size and digest. Accepted: PDF, DOCX, XLSX, JPEG and
PNG up to `model.MAX_EVIDENCE_BYTES`; the extension must match the content's signature, so a
renamed executable is refused.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path, PurePath

from sqlalchemy.orm import Session

from tanzhi.access import User
from tanzhi.kernel import ConsistencyError, DataError, NotFound, PermissionDenied
from tanzhi.plan.assess import roles
from tanzhi.plan.assess.model import EVIDENCE_TYPES, MAX_EVIDENCE_BYTES, SchemeState
from tanzhi.plan.assess.store import AssesseeRow, EvidenceRow, ItemRow, ScoreRow
from tanzhi.plan.assess.workflow import assessees_of, get_scheme, require_state, scores_of


def _signature_ok(suffix: str, content: bytes) -> bool:
    if suffix == ".pdf":
        return content.startswith(b"%PDF-")
    if suffix in (".jpg", ".jpeg"):
        return content.startswith(b"\xff\xd8\xff")
    if suffix == ".png":
        return content.startswith(b"\x89PNG\r\n\x1a\n")
    if suffix in (".docx", ".xlsx"):
        if not content.startswith(b"PK\x03\x04"):
            return False
        try:
            names = set(zipfile.ZipFile(io.BytesIO(content)).namelist())
        except zipfile.BadZipFile:
            return False
        part = "word/document.xml" if suffix == ".docx" else "xl/workbook.xml"
        return "[Content_Types].xml" in names and part in names
    return False


def check_evidence(filename: str, content: bytes, *, max_bytes: int = MAX_EVIDENCE_BYTES
                   ) -> tuple[str, str]:
    """(clean file name, content type) of an acceptable evidence file; DataError otherwise."""
    name = PurePath(filename.replace("\\", "/")).name.strip()[:200]
    suffix = PurePath(name).suffix.lower()
    if suffix not in EVIDENCE_TYPES:
        allowed = "、".join(sorted({s.lstrip(".") for s in EVIDENCE_TYPES}))
        raise DataError.at(f"不接受的文件类型“{suffix or '无扩展名'}”，只接受 {allowed}",
                           f"file type '{suffix or 'none'}' is not accepted; use {allowed}",
                           file=name or "<upload>")
    if not content:
        raise DataError.at("文件为空", "the file is empty", file=name)
    if len(content) > max_bytes:
        raise DataError.at(
            f"文件 {len(content) / 1048576:.1f} MB，超过 {max_bytes / 1048576:.0f} MB 上限",
            f"the file is {len(content) / 1048576:.1f} MB, above the "
            f"{max_bytes / 1048576:.0f} MB limit", file=name)
    if not _signature_ok(suffix, content):
        raise DataError.at(f"文件内容与扩展名 {suffix} 不符", f"the content is not a real {suffix} "
                           "file", file=name)
    return name, EVIDENCE_TYPES[suffix]


def evidence_path(data_dir: Path, sha256: str) -> Path:
    """Where the content with this digest is stored."""
    return Path(data_dir) / "evidence" / sha256


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
    digest = hashlib.sha256(content).hexdigest()
    target = evidence_path(data_dir, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_suffix(f".tmp{os.getpid()}")
        temp.write_bytes(content)
        temp.replace(target)
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
    path = evidence_path(data_dir, row.sha256)
    if not path.is_file():
        raise NotFound(f"佐证材料文件缺失 {row.sha256} / evidence file {row.sha256} is missing")
    content = path.read_bytes()
    if hashlib.sha256(content).hexdigest() != row.sha256:
        raise ConsistencyError(f"佐证材料 {evidence_id} 的内容与登记的 sha256 不符 / "
                               f"evidence {evidence_id} no longer matches its recorded sha256")
    return row, content
