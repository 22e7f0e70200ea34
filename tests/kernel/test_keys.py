"""Installation keys (issue #8, finding 1): generated per installation, private, stable."""

from __future__ import annotations

import stat

from tanzhi.config import Settings
from tanzhi.kernel.keys import key_path, random_secret, session_secret


def test_generated_session_key_is_random_private_and_stable(tmp_path) -> None:
    one = Settings(data_dir=tmp_path / "a")
    two = Settings(data_dir=tmp_path / "b")
    first = session_secret(one)
    assert first == session_secret(one)  # the same on every start
    assert first != session_secret(two)  # never shared between installations
    assert len(first) >= 64
    path = key_path(one, "session-secret")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_configured_key_wins_and_no_constant_default(tmp_path) -> None:
    assert session_secret(Settings(data_dir=tmp_path, secret_key="given")) == "given"
    assert Settings(data_dir=tmp_path).secret_key is None
    assert "dev-only" not in session_secret(Settings(data_dir=tmp_path / "c"))


def test_named_secrets_are_independent(tmp_path) -> None:
    settings = Settings(data_dir=tmp_path)
    assert random_secret(settings, "audit-hmac") != random_secret(settings, "session-secret")
