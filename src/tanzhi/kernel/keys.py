"""Installation keys: random secrets kept in the data directory, never in the repo or database.

Issue #8 (finding 1): a constant default signing key let anyone forge an admin session.  Every
key an installation needs (session signing, the audit chain's HMAC, the audit checkpoint's
Ed25519 key) is now either configured explicitly or generated on first use into
``<data_dir>/keys/<name>`` with mode 0600, so two installations never share one and the database
alone (a backup, a dump) does not carry the key that authenticates it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable
from pathlib import Path

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
