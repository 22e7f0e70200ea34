"""Installation keys: random secrets kept in the data directory, never in the repo or database.

Issue #8 (finding 1): a constant default signing key let anyone forge an admin session.  Every
key an installation needs (session signing, the audit chain's HMAC, the audit checkpoint's
Ed25519 key) is now either configured explicitly or generated on first use into
``<data_dir>/keys/<name>`` with mode 0600, so two installations never share one and the database
alone (a backup, a dump) does not carry the key that authenticates it.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
    load_pem_private_key,
)

from tanzhi.config import Settings

KEY_DIR = "keys"


def key_path(settings: Settings, name: str) -> Path:
    """Where the key `name` of this installation lives (it may not exist yet)."""
    if not name or "/" in name or name.startswith("."):
        raise ValueError(f"bad key name {name!r}")
    return settings.data_dir / KEY_DIR / name


def load_or_create(settings: Settings, name: str, make: Callable[[], bytes]) -> bytes:
    """The bytes of key `name`, created with `make()` on first use (file mode 0600).

    Creation is atomic (``O_EXCL`` on a temporary name, then a rename that never replaces), so
    two processes starting together end up with the same key.
    """
    path = key_path(settings, name)
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.parent.chmod(0o700)
    tmp = path.with_name(f".{name}.{secrets.token_hex(6)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(make())
        try:
            os.link(tmp, path)  # fails if another process created the key meanwhile
        except FileExistsError:
            pass
    finally:
        tmp.unlink(missing_ok=True)
    return path.read_bytes()


def random_secret(settings: Settings, name: str, nbytes: int = 32) -> bytes:
    """A random secret of `nbytes` bytes (stored as hex text), created on first use."""
    return load_or_create(settings, name, lambda: secrets.token_hex(nbytes).encode())


def session_secret(settings: Settings) -> str:
    """The key signing session ids and CSRF tokens: `TANZHI_SECRET_KEY`, else the generated one."""
    if settings.secret_key:
        return settings.secret_key
    return random_secret(settings, "session-secret").decode()


def secret_key_configured(settings: Settings) -> bool:
    """Whether the session key was given explicitly (production) rather than generated."""
    return bool(settings.secret_key)


# --- audit keys (issue #8, finding 10) -----------------------------------------------------------
# The audit chain is keyed (HMAC-SHA256) and its checkpoints are signed (Ed25519) with keys that
# live here, not in the database, so whoever can write the database alone can neither recompute
# the chain nor sign a head.

AUDIT_HMAC_KEY = "audit-hmac"
AUDIT_SIGNING_KEY = "audit-ed25519"


def audit_key(settings: Settings, *, create: bool = True) -> bytes | None:
    """The audit chain's HMAC key: `TANZHI_AUDIT_KEY`, else the generated one.

    With ``create=False`` (verification) a missing key file gives None instead of a new key, so
    checking a database on the wrong installation says so rather than inventing a key.
    """
    if settings.audit_key:
        return settings.audit_key.encode()
    if not create and not key_path(settings, AUDIT_HMAC_KEY).exists():
        return None
    return random_secret(settings, AUDIT_HMAC_KEY)


def audit_signing_key(settings: Settings, *, create: bool = True) -> Ed25519PrivateKey | None:
    """The Ed25519 key signing audit checkpoints (PKCS#8 PEM in the key directory)."""
    if not create and not key_path(settings, AUDIT_SIGNING_KEY).exists():
        return None
    pem = load_or_create(settings, AUDIT_SIGNING_KEY, lambda: Ed25519PrivateKey.generate(
    ).private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption()))
    key = load_pem_private_key(pem, password=None)
    if not isinstance(key, Ed25519PrivateKey):
        raise ValueError(f"{key_path(settings, AUDIT_SIGNING_KEY)} is not an Ed25519 key")
    return key


def public_key_id(public: Ed25519PublicKey) -> str:
    """A short, stable id of a public key: the first 16 hex digits of SHA-256 of its raw bytes."""
    return hashlib.sha256(public_key_bytes(public)).hexdigest()[:16]


def public_key_bytes(public: Ed25519PublicKey) -> bytes:
    """The 32 raw bytes of an Ed25519 public key."""
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)
