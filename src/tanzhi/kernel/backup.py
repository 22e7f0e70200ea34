"""Backups that restore to the same audited state (issue #8, deliverable 9).

An archive is a tar file holding ``manifest.json`` and one payload: a consistent copy of the
SQLite file taken with SQLite's online backup API (safe while the server writes), or a
``pg_dump`` custom-format dump of the installation's schema taken in an exported snapshot. The
manifest names the schema revision, the row count of every table and the audit chain's head as
they are *in the payload*, so a restore checks the archive before it touches the target and the
target after. The audit keys stay in the data directory (`tanzhi.kernel.keys`): a backup alone
does not carry what authenticates it, so keep ``<data_dir>/keys/`` safe apart from the archives.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Collection
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, inspect, text
from sqlalchemy.engine import URL

from tanzhi.config import Settings
from tanzhi.kernel.db import make_engine, utcnow
from tanzhi.kernel.errors import ConsistencyError, DataError

FORMAT = "tanzhi-backup/1"
MANIFEST = "manifest.json"
PAYLOAD = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}
AUDIT_HEAD = "kernel_audit_head"


@dataclass(frozen=True)
class Manifest:
    """What an archive holds, surveyed from its payload."""

    format: str
    backend: str
    revision: str | None
    tables: dict[str, int]
    head: dict[str, Any] | None  # {"seq", "entry_hash"} of the audit chain, None when empty
    created_at: str
    payload: str
    payload_sha256: str
    schema: str | None = None  # PostgreSQL schema the dump holds

    @property
    def rows(self) -> int:
        """Rows in all tables."""
        return sum(self.tables.values())


@dataclass(frozen=True)
class Survey:
    """Revision, row counts and chain head of a database as it is."""

    revision: str | None
    tables: dict[str, int]
    head: dict[str, Any] | None


def survey(conn: Connection) -> Survey:
    """Count every table's rows and read the schema revision and the audit chain head."""
    q = conn.dialect.identifier_preparer.quote
    names = sorted(inspect(conn).get_table_names())
    tables = {n: int(conn.execute(text(f"SELECT count(*) FROM {q(n)}")).scalar_one())
              for n in names}
    revision = (conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                if "alembic_version" in tables else None)
    head = None
    if AUDIT_HEAD in tables:
        found = conn.execute(text(f"SELECT seq, entry_hash FROM {AUDIT_HEAD} WHERE id = 1")).first()
        head = {"seq": int(found.seq), "entry_hash": found.entry_hash} if found else None
    return Survey(revision, tables, head)


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise ConsistencyError("内存数据库无法备份 / an in-memory database cannot be backed up")
    return Path(database)


def _libpq(engine: Engine) -> tuple[str, dict[str, str]]:
    """A libpq URL for pg_dump/pg_restore (password passed in the environment, not argv)."""
    url: URL = engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    plain = url.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _run(args: list[str], env: dict[str, str] | None = None) -> str:
    if shutil.which(args[0]) is None:
        raise ConsistencyError(
            f"找不到 {args[0]}（请安装 postgresql-client，见 make system-deps） / {args[0]} not "
            "found (install postgresql-client, see `make system-deps`)")
    done = subprocess.run(args, env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        raise ConsistencyError(f"{args[0]} 失败 / {args[0]} failed: {done.stderr.strip()}")
    return done.stdout


def backup(settings: Settings, out: Path) -> Manifest:
    """Write a consistent archive of the configured database to `out` (atomically)."""
    engine = make_engine(settings)
    try:
        with tempfile.TemporaryDirectory(prefix="tanzhi-backup-") as work:
            payload = Path(work) / PAYLOAD[engine.dialect.name]
            if engine.dialect.name == "sqlite":
                found, schema = _backup_sqlite(engine, payload), None
            elif engine.dialect.name == "postgresql":
                found, schema = _backup_postgres(engine, payload)
            else:
                raise ConsistencyError(
                    f"不支持的数据库 / unsupported database: {engine.dialect.name}")
            manifest = Manifest(FORMAT, engine.dialect.name, found.revision, found.tables,
                                found.head, utcnow().isoformat(), payload.name, _sha256(payload),
                                schema)
            _write_archive(out, manifest, payload)
    finally:
        engine.dispose()
    return manifest


def _backup_sqlite(engine: Engine, payload: Path) -> Survey:
    source = sqlite3.connect(_sqlite_path(engine), timeout=30)
    target = sqlite3.connect(payload)
    try:
        # The online backup API copies a consistent snapshot page by page while other
        # connections keep writing (https://www.sqlite.org/backup.html).
        source.backup(target)
    finally:
        source.close()
        target.close()
    copy = create_engine(f"sqlite:///{payload}")
    try:
        with copy.connect() as conn:
            return survey(conn)
    finally:
        copy.dispose()


def _backup_postgres(engine: Engine, payload: Path) -> tuple[Survey, str]:
    dsn, env = _libpq(engine)
    with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, \
            conn.begin():
        # pg_dump reads in the snapshot this transaction exported, so the dump and the counts in
        # the manifest describe the same instant even while the server writes.
        snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
        found = survey(conn)
        _run(["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--schema={schema}",
              "--no-owner", "--no-privileges", f"--file={payload}", dsn], env)
    return found, schema


def _write_archive(out: Path, manifest: Manifest, payload: Path) -> None:
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f".{out.name}.tmp")
    try:
        with tarfile.open(tmp, "w:gz" if manifest.backend == "sqlite" else "w") as tar:
            data = json.dumps(asdict(manifest), ensure_ascii=False, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mtime = int(utcnow().timestamp())
            tar.addfile(info, io.BytesIO(data))
            tar.add(payload, arcname=manifest.payload)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)


def read_manifest(archive: Path) -> Manifest:
    """The manifest of an archive, checked for format."""
    name = str(archive)
    try:
        with tarfile.open(archive) as tar:
            member = tar.extractfile(MANIFEST)
            raw = json.loads(member.read()) if member else None
    except (OSError, tarfile.TarError, KeyError, json.JSONDecodeError) as exc:
        raise DataError.at(f"不是 tanzhi 备份文件：{exc}", f"not a tanzhi backup: {exc}",
                           file=name) from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise DataError.at(f"备份格式不是 {FORMAT}", f"backup format is not {FORMAT}", file=name,
                           column="format")
    try:
        return Manifest(**raw)
    except TypeError as exc:
        raise DataError.at(f"备份清单字段有误：{exc}", f"backup manifest is malformed: {exc}",
                           file=name, column=MANIFEST) from exc


def _extract_payload(archive: Path, manifest: Manifest, work: Path) -> Path:
    if manifest.payload not in PAYLOAD.values():
        raise DataError.at("备份清单中的数据文件名无效", "backup names an unknown payload",
                           file=str(archive), column="payload")
    with tarfile.open(archive) as tar:
        tar.extract(manifest.payload, work, filter="data")
    payload = work / manifest.payload
    if _sha256(payload) != manifest.payload_sha256:
        raise DataError.at("备份数据的 SHA-256 与清单不符（文件损坏或被改动）",
                           "the payload's SHA-256 does not match the manifest (corrupt or altered)",
                           file=str(archive), column="payload_sha256")
    return payload


def _check(found: Survey, manifest: Manifest, what_zh: str, what_en: str) -> None:
    wrong = [name for name in sorted(set(found.tables) | set(manifest.tables))
             if found.tables.get(name) != manifest.tables.get(name)]
    problems = [f"{n}: {manifest.tables.get(n)} → {found.tables.get(n)}" for n in wrong[:10]]
    if found.revision != manifest.revision:
        problems.append(f"revision {manifest.revision} → {found.revision}")
    if found.head != manifest.head:
        problems.append(f"audit head {manifest.head} → {found.head}")
    if problems:
        raise ConsistencyError(f"{what_zh}与备份清单不符 / {what_en} does not match the backup "
                               f"manifest: " + "; ".join(problems))


def restore(settings: Settings, archive: Path, *, force: bool = False,
            known_revisions: Collection[str] | None = None) -> Manifest:
    """Restore `archive` into the configured database, checked against its manifest.

    Refuses a target that holds any row unless `force`; refuses an archive of another backend,
    of a schema revision this code does not know, or whose payload does not match its manifest.
    """
    manifest = read_manifest(archive)
    if known_revisions is not None and manifest.revision not in known_revisions:
        raise DataError.at(f"备份的数据库版本 {manifest.revision} 不是本程序已知的版本",
                           f"the backup's schema revision {manifest.revision} is unknown to this "
                           "version of tanzhi", file=str(archive), column="revision")
    engine = make_engine(settings)
    try:
        if engine.dialect.name != manifest.backend:
            raise DataError.at(
                f"这是 {manifest.backend} 的备份，目标数据库是 {engine.dialect.name}",
                f"this is a {manifest.backend} backup; the target is {engine.dialect.name}",
                file=str(archive), column="backend")
        with engine.connect() as conn:
            current = survey(conn)
        if any(current.tables.values()) and not force:
            raise ConsistencyError(
                f"目标数据库非空（{sum(current.tables.values())} 行）；确认覆盖请加 --force / the "
                f"target database is not empty ({sum(current.tables.values())} rows); add --force "
                "to overwrite it")
        with tempfile.TemporaryDirectory(prefix="tanzhi-restore-") as work:
            payload = _extract_payload(archive, manifest, Path(work))
            if manifest.backend == "sqlite":
                _restore_sqlite(engine, payload, manifest)
            else:
                _restore_postgres(engine, payload, manifest, current)
        with engine.connect() as conn:
            _check(survey(conn), manifest, "恢复后的数据库", "the restored database")
    finally:
        engine.dispose()
    return manifest


def _restore_sqlite(engine: Engine, payload: Path, manifest: Manifest) -> None:
    copy = create_engine(f"sqlite:///{payload}")
    try:
        with copy.connect() as conn:
            _check(survey(conn), manifest, "备份数据", "the backup's payload")
    finally:
        copy.dispose()
    engine.dispose()
    source = sqlite3.connect(payload)
    target = sqlite3.connect(_sqlite_path(engine), timeout=30)
    try:
        # The backup API replaces the target's pages in one locked step: readers see the old or
        # the new database, never a mix.
        source.backup(target)
    finally:
        source.close()
        target.close()


def _restore_postgres(engine: Engine, payload: Path, manifest: Manifest,
                      current: Survey) -> None:
    with engine.connect() as conn:
        schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    if schema != manifest.schema:
        raise ConsistencyError(
            f"备份来自模式 {manifest.schema}，目标连接的模式是 {schema} / the backup holds schema "
            f"{manifest.schema!r}, the target connection uses {schema!r}")
    extra = sorted(set(current.tables) - set(manifest.tables))
    if extra:
        raise ConsistencyError(
            f"目标数据库有备份中没有的表，请先删除：{', '.join(extra)} / the target has tables the "
            f"backup lacks, drop them first: {', '.join(extra)}")
    dsn, env = _libpq(engine)
    # The schema itself exists on the target; restore everything inside it.
    toc = [line for line in _run(["pg_restore", "--list", str(payload)], env).splitlines()
           if " SCHEMA - " not in line]
    listing = payload.with_suffix(".list")
    listing.write_text("\n".join(toc) + "\n")
    args = ["pg_restore", "--no-owner", "--no-privileges", "--single-transaction",
            "--exit-on-error", f"--use-list={listing}", f"--dbname={dsn}"]
    if current.tables:
        args += ["--clean", "--if-exists"]
    _run([*args, str(payload)], env)
