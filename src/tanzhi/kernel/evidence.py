"""Evidence files: type and size checks, sha256, content-addressed storage.

Moved down from `tanzhi.plan.assess.evidence` (issue #12 item 2) so that the enterprise reports
(a leaf domain below plan) store their evidence the same way the self-assessment does.

A file is stored once under ``<data_dir>/evidence/<sha256>`` (the same content uploaded twice
is one file); the caller's row keeps its name, type, size and digest. Accepted: PDF, DOCX, XLSX,
JPEG and PNG up to `MAX_EVIDENCE_BYTES`; the extension must match the content's signature, so a
renamed executable is refused.
"""

from __future__ import annotations

import hashlib
import io
import os
import zipfile
from pathlib import Path, PurePath

from tanzhi.kernel.errors import ConsistencyError, DataError, NotFound

EVIDENCE_TYPES: dict[str, str] = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
MAX_EVIDENCE_BYTES = 10 * 1024 * 1024


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


def store_evidence(data_dir: Path, content: bytes) -> str:
    """Store `content` under its sha256 (once; an atomic rename) and return the digest."""
    digest = hashlib.sha256(content).hexdigest()
    target = evidence_path(data_dir, digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        temp = target.with_suffix(f".tmp{os.getpid()}")
        temp.write_bytes(content)
        temp.replace(target)
    return digest


def read_evidence(data_dir: Path, sha256: str, *, label: str) -> bytes:
    """The stored content with this digest, checked against it (a tampered file is refused)."""
    path = evidence_path(data_dir, sha256)
    if not path.is_file():
        raise NotFound(f"佐证材料文件缺失 {sha256} / evidence file {sha256} is missing")
    content = path.read_bytes()
    if hashlib.sha256(content).hexdigest() != sha256:
        raise ConsistencyError(f"佐证材料 {label} 的内容与登记的 sha256 不符 / "
                               f"evidence {label} no longer matches its recorded sha256")
    return content
