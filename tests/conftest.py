"""Shared fixtures: settings on a temporary SQLite file, and the same on PostgreSQL.

Migrating a database costs 0.2 s (SQLite) to 2 s (PostgreSQL) per test; the `migrated_*`
fixtures migrate once per run into a template and hand each test a private copy (issue #10
item 6): the SQLite data directory is copied, a PostgreSQL database is created from a template
database.  The plain `settings` / `storage_settings` stay empty for the tests of `upgrade` itself.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text
from typer.testing import CliRunner

from tanzhi import cli
from tanzhi.config import Settings
from tanzhi.demo import cli as demo_cli
from tanzhi.demo.service import DemoSummary, build_demo
from tanzhi.kernel import python_text_storage
from tanzhi.migrate import upgrade

POSTGRES_URL = os.environ.get("TANZHI_TEST_POSTGRES_URL")
# Cheap argon2 parameters for the suite's many password hashes (issue #10, item 6); production
# keeps RFC 9106's profile (tanzhi.access.service.password_hasher).
os.environ.setdefault("TANZHI_PASSWORD_HASH_PROFILE", "test-cheapest")
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


# ---- scheduling under pytest-xdist (`make test`: `-n 2 --dist loadgroup`) ------------------

# The longest work units first (longest-processing-time-first: what is left for the end are
# short modules, so the two workers finish together), by their --durations figures in docs/
# performance.md, "Test suite".  The demo build tests split by backend: the SQLite half builds
# the run's shared demo (`_demo_cli_build`) while the other worker builds the PostgreSQL demo.
HEAVY_FIRST = (
    "tests/demo/test_service.py:sqlite",
    "tests/demo/test_service.py:postgresql",
    "tests/web/test_fuzz.py",
    "tests/web/test_policy.py",
    # one local[2] Spark session for the module: ~1.5 min quiet, ~3 min under load (issue #12)
    "tests/enterprise/grade/test_grade_engines.py",
)
_SPLIT_BY_BACKEND = {"tests/demo/test_service.py"}


def _work_unit(item: pytest.Item) -> str:
    """The module of `item` (its path from the repository root), or for a module split by
    backend `module:backend` (no "]" in a group name: xdist then takes the test's nodeid as its
    group, and the module's tests would be scattered over the workers)."""
    module = item.nodeid.split("::", 1)[0]
    if module in _SPLIT_BY_BACKEND:
        return f"{module}:{item.callspec.params['demo_storage']}"
    return module


def pytest_configure(config: pytest.Config) -> None:
    """Run the suite with the frames the product uses: `create_app` and the CLI call
    `python_text_storage` at start; tests calling the engines directly get the same."""
    python_text_storage()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Order the work units longest first and name each one an xdist group (one group per
    module, as `--dist loadfile` would, so module fixtures are built once); the other units keep
    xdist's own order, most tests first.  Within a module the order is unchanged."""
    units: dict[str, int] = {}
    for item in items:
        unit = _work_unit(item)
        units[unit] = units.get(unit, 0) + 1
    rank = {unit: i for i, unit in enumerate(HEAVY_FIRST)}
    order = {unit: (rank.get(unit, len(rank)), -count, i)
             for i, (unit, count) in enumerate(units.items())}
    items.sort(key=lambda item: order[_work_unit(item)])
    for item in items:
        item.add_marker(pytest.mark.xdist_group(_work_unit(item)))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Settings on a fresh, empty SQLite file in a temporary data directory."""
    return Settings(data_dir=tmp_path / "data", secret_key="test-secret")


def _postgres_schema_url(base_url: str, schema: str) -> str:
    sep = "&" if "?" in base_url else "?"
    return f"{base_url}{sep}options=-csearch_path%3D{schema}"


def _postgres_url_of(database: str) -> str:
    assert POSTGRES_URL
    return make_url(POSTGRES_URL).set(database=database).render_as_string(hide_password=False)


def _postgres_admin():
    """An autocommit engine on the test server (CREATE/DROP DATABASE cannot run in a
    transaction), or a skip / a CI failure when there is none (issue #2)."""
    if not POSTGRES_URL:
        if IN_CI:
            pytest.fail("CI needs TANZHI_TEST_POSTGRES_URL for the PostgreSQL storage tests")
        pytest.skip("TANZHI_TEST_POSTGRES_URL not set")
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 — the message says why
        admin.dispose()
        if IN_CI:
            pytest.fail(f"PostgreSQL not reachable at {POSTGRES_URL}: {exc}")
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    return admin


@pytest.fixture(params=["sqlite", "postgresql"])
def storage_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings for each backend on an empty database; PostgreSQL uses a throw-away schema.

    Under CI the PostgreSQL run is required: an unreachable server fails the test (issue #2).
    """
    if request.param == "sqlite":
        yield Settings(data_dir=tmp_path / "data", secret_key="test-secret")
        return
    admin = _postgres_admin()
    schema = f"t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield Settings(
            data_dir=tmp_path / "data",
            database_url=_postgres_schema_url(POSTGRES_URL or "", schema),
            secret_key="test-secret",
        )
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


# ---- the `tanzhi` command, in process -----------------------------------------------------

@dataclass(frozen=True)
class CliResult:
    """What a `tanzhi` command left: its exit code and what it printed on each stream."""

    returncode: int
    stdout: str
    stderr: str


def run_tanzhi(*args: str, settings: Settings | None = None,
               env: dict[str, str | None] | None = None) -> CliResult:
    """Run `tanzhi ARGS` in this process through the console script's own entry point
    (`tanzhi.cli.main`: the same error handling and exit codes), with TANZHI_DATA_DIR /
    TANZHI_DATABASE_URL taken from `settings` and `env` as further environment overrides.

    A subprocess costs about 6 s of imports before the command starts (1–3 min when the
    machine is loaded); the suite keeps one subprocess smoke test of the installed script
    (tests/test_cli.py) and runs every other command here (issue #10 item 6).
    """
    environ: dict[str, str | None] = {}
    if settings is not None:
        environ["TANZHI_DATA_DIR"] = str(settings.data_dir)
        environ["TANZHI_DATABASE_URL"] = settings.database_url or None
    environ.update(env or {})
    with CliRunner().isolation(env=environ) as (out, err, _mixed):
        try:
            cli.main(list(args))
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
        return CliResult(code, out.getvalue().decode(), err.getvalue().decode())


@pytest.fixture(scope="session")
def tanzhi_cli() -> Callable[..., CliResult]:
    """`run_tanzhi`: `tanzhi_cli("audit", "verify", settings=s)` → `CliResult`."""
    return run_tanzhi


# ---- migrated once, copied per test (issue #10 item 6) -------------------------------------

@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Data directory of an SQLite database at the newest schema with the packaged regions
    (`tanzhi db upgrade`), built once per run (per xdist worker). Never write here."""
    data_dir = tmp_path_factory.mktemp("migrated-template") / "data"
    upgrade(Settings(data_dir=data_dir, secret_key="test-secret"))
    return data_dir


@pytest.fixture(scope="session")
def postgres_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """(template database, data directory with its audit key) of a PostgreSQL database at the
    newest schema, built once per run (per xdist worker: a template must have no other user
    while it is copied)."""
    admin = _postgres_admin()
    name = f"tanzhi_tmpl_{uuid.uuid4().hex[:12]}"
    data_dir = tmp_path_factory.mktemp("pg-template") / "data"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        upgrade(Settings(data_dir=data_dir, database_url=_postgres_url_of(name),
                         secret_key="test-secret"))
        yield name, data_dir
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _copy_migrated(template: Path, target: Path) -> Settings:
    """Settings on a private copy of a migrated SQLite data directory (database and the audit
    key that signed its region rows)."""
    shutil.copytree(template, target)
    return Settings(data_dir=target, secret_key="test-secret")


@pytest.fixture
def migrated_settings(migrated_template: Path, tmp_path: Path) -> Settings:
    """`settings`, already at the newest schema with the packaged regions."""
    return _copy_migrated(migrated_template, tmp_path / "data")


@pytest.fixture(scope="session")
def migrated_copy(migrated_template: Path) -> Callable[[Path], Settings]:
    """`copy(data_dir)` → Settings on a fresh migrated SQLite copy there, for module-scoped
    fixtures and hypothesis examples that need several databases."""
    return lambda target: _copy_migrated(migrated_template, target)


# Databases cloned for tests, dropped when the run ends: DROP DATABASE forces a checkpoint,
# which flushes what the test just wrote (and, on a shared server, everyone else's writes) —
# measured at up to 5 s per drop on a loaded machine; a run of drops at the end flushes
# almost nothing after the first.
_CLONES: list[str] = []


@contextmanager
def _postgres_clone(template: str, template_dir: Path, target: Path) -> Iterator[Settings]:
    """Settings on a new PostgreSQL database created from `template` (with a copy of the data
    directory holding its audit key); its connections are ended afterwards, the database is
    dropped at the end of the run."""
    admin = _postgres_admin()
    name = f"tanzhi_t_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    _CLONES.append(name)
    shutil.copytree(template_dir, target)
    try:
        yield Settings(data_dir=target, database_url=_postgres_url_of(name),
                       secret_key="test-secret")
    finally:
        with admin.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = :name"), {"name": name})
        admin.dispose()


@pytest.fixture(scope="session", autouse=True)
def _drop_postgres_clones() -> Iterator[None]:
    """Drop the run's cloned databases once the run is over (see `_CLONES`)."""
    yield
    if not _CLONES or not POSTGRES_URL:
        return
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        for name in _CLONES:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()
    _CLONES.clear()


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated_storage_settings(request: pytest.FixtureRequest, tmp_path: Path
                              ) -> Iterator[Settings]:
    """`storage_settings`, already at the newest schema with the packaged regions: a copy of
    the SQLite template, or a PostgreSQL database created from the template database."""
    if request.param == "sqlite":
        yield _copy_migrated(request.getfixturevalue("migrated_template"), tmp_path / "data")
        return
    template, template_dir = request.getfixturevalue("postgres_template")
    with _postgres_clone(template, template_dir, tmp_path / "data") as settings:
        yield settings


# ---- the demo, built once per run ----------------------------------------------------------

@pytest.fixture(scope="session")
def _demo_cli_build(tmp_path_factory: pytest.TempPathFactory, worker_id: str
                    ) -> tuple[Path, DemoSummary, list[tuple[str, int, int]], CliResult]:
    """The run's one demo build: `tanzhi db upgrade` then `tanzhi demo` on an empty SQLite
    file, run in process (`run_tanzhi`); see `demo_build` and `demo_cli_output`.

    Under pytest-xdist (`make test` runs two workers) the workers share one build: the first to
    take the lock builds it in the run's shared temporary folder, the other reads it.
    """
    if worker_id == "master":
        return _build_demo(tmp_path_factory.mktemp("demo-template") / "data")
    shared = tmp_path_factory.getbasetemp().parent
    with (shared / "demo-build.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = shared / "demo-build.pickle"
        if not done.exists():
            built = _build_demo(shared / "demo-template" / "data")
            done.write_bytes(pickle.dumps(built))
        return pickle.loads(done.read_bytes())


def _build_demo(data_dir: Path
                ) -> tuple[Path, DemoSummary, list[tuple[str, int, int]], CliResult]:
    """`tanzhi db upgrade` and `tanzhi demo` as a user runs them; the command's call of
    `build_demo` is watched (not replaced) to keep its summary and progress reports."""
    stages: list[tuple[str, int, int]] = []
    summaries: list[DemoSummary] = []

    def watched_build(settings: Settings, progress: Callable[[str, int, int], None]
                      ) -> DemoSummary:
        def report(stage: str, done: int, total: int) -> None:
            stages.append((stage, done, total))
            progress(stage, done, total)

        summaries.append(build_demo(settings, progress=report))
        return summaries[-1]

    # A wide terminal, so the printed table of logins cuts no name.
    env: dict[str, str | None] = {"TANZHI_DATA_DIR": str(data_dir), "TANZHI_DATABASE_URL": None,
                                  "TANZHI_SECRET_KEY": "test-secret", "COLUMNS": "200"}
    upgraded = run_tanzhi("db", "upgrade", env=env)
    assert upgraded.returncode == 0, upgraded.stderr
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_cli, "build_demo", watched_build)
        printed = run_tanzhi("demo", env=env)
    assert printed.returncode == 0, printed.stderr
    assert len(summaries) == 1
    return data_dir, summaries[0], stages, printed


@pytest.fixture(scope="session")
def demo_build(_demo_cli_build: tuple
               ) -> tuple[Path, DemoSummary, list[tuple[str, int, int]]]:
    """(data directory, summary, progress reports) of the run's one demo build (`tanzhi demo`
    on an empty SQLite file). Never write here: use `demo_settings` or `copy_demo`."""
    return _demo_cli_build[:3]


@pytest.fixture(scope="session")
def demo_cli_output(_demo_cli_build: tuple) -> CliResult:
    """What `tanzhi demo` printed while building the run's demo (tests/test_cli.py)."""
    return _demo_cli_build[3]


@pytest.fixture(scope="session")
def postgres_demo_build(tmp_path_factory: pytest.TempPathFactory
                        ) -> Iterator[tuple[str, Path, DemoSummary, list[tuple[str, int, int]]]]:
    """(template database, data directory, summary, progress reports) of one demo build on an
    empty PostgreSQL database, for the tests of the build on each backend."""
    admin = _postgres_admin()
    name = f"tanzhi_demo_{uuid.uuid4().hex[:12]}"
    data_dir = tmp_path_factory.mktemp("pg-demo-template") / "data"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        stages: list[tuple[str, int, int]] = []
        summary = build_demo(Settings(data_dir=data_dir, database_url=_postgres_url_of(name),
                                      secret_key="test-secret"),
                             progress=lambda *a: stages.append(a))
        yield name, data_dir, summary, stages
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def demo_storage(request: pytest.FixtureRequest, tmp_path: Path
                 ) -> Iterator[tuple[Settings, DemoSummary, list[tuple[str, int, int]]]]:
    """(settings on a private copy, summary, progress reports) of the demo as `build_demo`
    left it on an empty database of each backend; built once per run and backend."""
    if request.param == "sqlite":
        data_dir, summary, stages = request.getfixturevalue("demo_build")
        yield copy_demo(data_dir, tmp_path / "data"), summary, stages
        return
    name, data_dir, summary, stages = request.getfixturevalue("postgres_demo_build")
    with _postgres_clone(name, data_dir, tmp_path / "data") as settings:
        yield settings, summary, stages


@pytest.fixture(scope="session")
def demo_template(demo_build: tuple) -> Path:
    """Data directory of the demo (`tanzhi demo`), built once per test run on SQLite.

    Building the demo runs every domain's seeder; doing it once and copying the files keeps the
    suite inside its time budget. Never write here: use `demo_copy`.
    """
    return demo_build[0]


def copy_demo(template: Path, target: Path) -> Settings:
    """Settings on a private copy of the demo data directory (database, uploads, reports)."""
    shutil.copytree(template, target)
    return Settings(data_dir=target, secret_key="test-secret")


@pytest.fixture(scope="module")
def demo_settings(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    """A fresh copy of the demo for one test module (writes stay in the module)."""
    return copy_demo(demo_template, tmp_path_factory.mktemp("demo") / "data")
