"""Signed checkpoints of the chain's head (issue #8, deliverable 8).

The HMAC key stops whoever can only write the database; a checkpoint also stops a rewrite by
someone who learnt the HMAC key (an environment leak, a copied data directory without the signing
key): `write_checkpoint` signs (Ed25519, `tanzhi.kernel.keys.audit_signing_key`) the head's seq
and entry hash, and `verify_checkpoints` checks every signature and that the chain still holds
each signed head — a recomputed chain changes the hash at that seq.
"""

from __future__ import annotations

from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import Integer, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from tanzhi.kernel.audit.chain import AuditEntry, AuditFinding, AuditHead
from tanzhi.kernel.audit.images import canonical
from tanzhi.kernel.db import Base, engine_settings, utcnow
from tanzhi.kernel.errors import ConsistencyError
from tanzhi.kernel.keys import audit_signing_key, public_key_bytes, public_key_id

SIGNED_FIELDS = ("seq", "entry_hash", "at", "key_id")


class AuditCheckpoint(Base):
    """One signed head: the chain's last entry (seq, hash) at `at`, signed by key `key_id`."""

    __tablename__ = "kernel_audit_checkpoint"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    entry_hash: Mapped[str] = mapped_column(String(64))
    at: Mapped[str] = mapped_column(String(40))
    key_id: Mapped[str] = mapped_column(String(16))
    public_key: Mapped[str] = mapped_column(String(64))  # raw Ed25519, hex (for outside checks)
    signature: Mapped[str] = mapped_column(String(128))  # hex


def signed_message(fields: dict) -> bytes:
    """The bytes a checkpoint's signature covers."""
    return ("tanzhi-audit-checkpoint/v1\n" + canonical(
        {k: fields[k] for k in SIGNED_FIELDS})).encode()


@dataclass(frozen=True)
class Checkpoint:
    """A written checkpoint, as printed for keeping outside the database."""

    id: int
    seq: int
    entry_hash: str
    at: str
    key_id: str
    public_key: str
    signature: str

    def as_dict(self) -> dict:
        """JSON-ready fields."""
        return {k: getattr(self, k) for k in ("id", *SIGNED_FIELDS, "public_key", "signature")}


def write_checkpoint(session: Session) -> Checkpoint:
    """Sign the chain's current head and store it; the caller commits."""
    head = session.execute(select(AuditHead.seq, AuditHead.entry_hash).where(
        AuditHead.id == 1)).first()
    if head is None:
        raise ConsistencyError(
            "审计链为空，没有可签署的链头 / the audit chain is empty: no head to sign")
    private = audit_signing_key(engine_settings(session.connection()))
    if private is None:  # created on first use when asked to; kept for the type
        raise ConsistencyError("签名密钥不可用 / the signing key is unavailable")
    public = private.public_key()
    fields = {"seq": head.seq, "entry_hash": head.entry_hash, "at": utcnow().isoformat(),
              "key_id": public_key_id(public)}
    row = AuditCheckpoint(**fields, public_key=public_key_bytes(public).hex(),
                          signature=private.sign(signed_message(fields)).hex())
    session.add(row)
    session.flush()
    return Checkpoint(row.id, row.seq, row.entry_hash, row.at, row.key_id, row.public_key,
                      row.signature)


def verify_checkpoints(session: Session) -> list[AuditFinding]:
    """Every checkpoint's signature, under this installation's key, and its head in the chain."""
    rows = list(session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)))
    if not rows:
        return []
    private = audit_signing_key(engine_settings(session.connection()), create=False)
    if private is None:
        return [AuditFinding(None, "找不到检查点签名密钥，无法校验检查点",
                             "checkpoint signing key not found, checkpoints cannot be verified")]
    public: Ed25519PublicKey = private.public_key()
    ours = public_key_id(public)
    findings = []
    for cp in rows:
        label_zh = f"检查点 {cp.id}（第 {cp.seq} 条）"
        label_en = f"checkpoint {cp.id} (entry {cp.seq})"
        fields = {k: getattr(cp, k) for k in SIGNED_FIELDS}
        if cp.key_id != ours:
            findings.append(AuditFinding(cp.seq, f"{label_zh}由未知密钥 {cp.key_id} 签署",
                                         f"{label_en} is signed by unknown key {cp.key_id}"))
            continue
        try:
            public.verify(bytes.fromhex(cp.signature), signed_message(fields))
        except (InvalidSignature, ValueError):
            findings.append(AuditFinding(cp.seq, f"{label_zh}签名无效（检查点被修改）",
                                         f"{label_en} has an invalid signature (altered)"))
            continue
        stored = session.scalar(select(AuditEntry.entry_hash).where(AuditEntry.seq == cp.seq))
        if stored != cp.entry_hash:
            findings.append(AuditFinding(
                cp.seq, f"{label_zh}：审计链已不含签署时的链头（链被重写或截断）",
                f"{label_en}: the chain no longer holds the signed head (chain rewritten or cut)"))
    return findings
