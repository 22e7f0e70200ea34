"""Shared fixtures: settings on a temporary SQLite file, and the same on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tanzhi.config import Settings

POSTGRES_URL = os.environ.get("TANZHI_TEST_POSTGRES_URL")
# Cheap argon2 parameters for the suite's many password hashes (issue #10, item 6); production
# keeps RFC 9106's profile (tanzhi.access.service.password_hasher).
os.environ.setdefault("TANZHI_PASSWORD_HASH_PROFILE", "test-cheapest")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a fresh SQLite file in a temporary data directory."""
    return Settings(data_dir=tmp_path / "data", secret_key="test-secret")


def _postgres_schema_url(base_url: str, schema: str) -> str:
    sep = "&" if "?" in base_url else "?"
    return f"{base_url}{sep}options=-csearch_path%3D{schema}"


@pytest.fixture(params=["sqlite", "postgresql"])
def storage_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for each backend; PostgreSQL uses a throw-away schema.

    Under CI the PostgreSQL run is required: an unreachable server fails the test (issue #2).
    """
    if request.param == "sqlite":
        yield Settings(data_dir=tmp_path / "data", secret_key="test-secret")
        return
    if not POSTGRES_URL:
        if IN_CI:
            pytest.fail("CI needs TANZHI_TEST_POSTGRES_URL for the PostgreSQL storage tests")
        pytest.skip("TANZHI_TEST_POSTGRES_URL not set")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(POSTGRES_URL)
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:  # noqa: BLE001 — the message says why
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    try:
        yield Settings(
            data_dir=tmp_path / "data",
            database_url=_postgres_schema_url(POSTGRES_URL, schema),
            secret_key="test-secret",
        )
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Data directory of the demo (`tanzhi demo`), built once per test run on SQLite.

    Building the demo runs every domain's seeder; doing it once and copying the files keeps the
    suite inside its time budget. Never write here: use `demo_copy`.
    """
    from tanzhi.demo.service import build_demo

    data_dir = tmp_path_factory.mktemp("demo-template") / "data"
    build_demo(Settings(data_dir=data_dir, secret_key="test-secret"))
    return data_dir


def copy_demo(template: Path, target: Path) -> Settings:
    """Settings on a private copy of the demo data directory (database, uploads, reports)."""
    shutil.copytree(template, target)
    return Settings(data_dir=target, secret_key="test-secret")


@pytest.fixture(scope="module")
def demo_settings(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A fresh copy of the demo for one test module (writes stay in the module)."""
    return copy_demo(demo_template, tmp_path_factory.mktemp("demo") / "data")
