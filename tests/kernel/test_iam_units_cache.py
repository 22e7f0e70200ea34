"""iam_units' pint disk cache belongs to this installation (CI stop 17: a cache left in the user's
folder by a deleted virtualenv broke every IAMC export in another checkout)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tanzhi.kernel import pin_iam_units_cache


def test_pyam_registry_cache_lives_under_the_installation(tmp_path: Path) -> None:
    """A fresh process with an empty user cache: importing iam_units after the pin leaves the
    user's cache folder untouched and fills the folder under sys.prefix instead."""
    env = {k: v for k, v in os.environ.items() if k != "IAM_UNITS_CACHE"}
    env.update(HOME=str(tmp_path), XDG_CACHE_HOME=str(tmp_path / "cache"))
    code = ("from tanzhi.kernel import pin_iam_units_cache; import sys; "
            "print(pin_iam_units_cache()); import iam_units")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True,
                         check=True, timeout=120)
    folder = Path(out.stdout.strip())
    assert folder.is_relative_to(Path(sys.prefix)), folder
    assert any(folder.iterdir()), "iam_units wrote no cache where it was pinned"
    assert not (tmp_path / "cache" / "iam-units").exists()


def test_an_explicit_cache_setting_is_kept(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IAM_UNITS_CACHE", str(tmp_path / "mine"))
    assert pin_iam_units_cache() == tmp_path / "mine"


def test_a_read_only_installation_gets_a_user_folder_named_by_its_path(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("IAM_UNITS_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "prefix", "/proc/no-such-installation")
    first = pin_iam_units_cache()
    assert first.is_relative_to(tmp_path / "tanzhi" / "iam-units")
    monkeypatch.delenv("IAM_UNITS_CACHE")
    monkeypatch.setattr(sys, "prefix", "/proc/another-installation")
    assert pin_iam_units_cache() != first
