"""Background jobs: one `kernel_job` row per long operation and a small in-process runner.

Long imports and compilations (issue #8, deliverable 7) run here instead of inside the request
that asked for them: the request stores a *queued* job in its own transaction and answers at
once; a worker thread runs the job after that transaction commits.  A job does its slow,
read-only part first (`JobContext.progress`, `JobContext.read`) and writes in **one** write
transaction (`JobContext.write`) that also marks the job succeeded, so the job's data and its
status commit together:

- cancelled (`JobRunner.cancel`, checked at every progress call) → that transaction rolls back;
- killed (kill -9, power cut) → that transaction never committed; the next start
  (`JobRunner.recover`) marks the orphaned queued/running rows failed.

Either way the database holds all of a job's writes or none of them.  Live progress
(done/total, message) is kept in memory by the runner that runs the job — a progress row written
from another connection would wait behind the job's own write lock on SQLite — and the status
row is written when the job starts and ends.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as RichProgress
from sqlalchemy import DateTime, Integer, String, Text, event, select
from sqlalchemy.orm import Mapped, Session, mapped_column, sessionmaker

from tanzhi.kernel.db import Base, read_transaction, unit_of_work, utcnow
from tanzhi.kernel.errors import DataError, NotFound, TanzhiError

log = logging.getLogger(__name__)

# How long a job's write transaction waits for SQLite's write lock: jobs queue behind requests
# and each other rather than fail after the request timeout (Settings.sqlite_busy_timeout_s).
JOB_LOCK_WAIT_S = 600.0
SYSTEM_ACTOR = "system:jobs"


class JobStatus(StrEnum):
    """Where a job is in its life."""

    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        """Whether the job has ended (nothing will change any more)."""
        return self in (JobStatus.SUCCEEDED, JobStatus.FAILED, JobStatus.CANCELLED)

    @property
    def label_zh(self) -> str:
        """Chinese name of the status."""
        return {"queued": "排队中", "running": "运行中", "succeeded": "已完成",
                "failed": "失败", "cancelled": "已取消"}[self.value]


class JobRow(Base):
    """One background job: who asked, for which region, how far it got, how it ended."""

    __tablename__ = "kernel_job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(60))
    title: Mapped[str] = mapped_column(String(300))
    submitter: Mapped[str] = mapped_column(String(120), index=True)
    region_code: Mapped[str | None] = mapped_column(String(12), index=True, nullable=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    message: Mapped[str] = mapped_column(Text, default="")
    result_url: Mapped[str | None] = mapped_column(String(300), nullable=True)
    error_zh: Mapped[str] = mapped_column(Text, default="")
    error_en: Mapped[str] = mapped_column(Text, default="")
    # Located problems of a failed import (`Problem.as_dict` list, JSON), shown as a table.
    problems_json: Mapped[str] = mapped_column(Text, default="[]")
    runner: Mapped[str] = mapped_column(String(160), default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


@dataclass(frozen=True)
class Job:
    """A job as its pages and API show it."""

    id: int
    kind: str
    title: str
    submitter: str
    region_code: str | None
    status: JobStatus
    done: int
    total: int
    message: str
    result_url: str | None
    error_zh: str
    error_en: str
    problems: list[dict[str, Any]]
    created_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def percent(self) -> int:
        """Progress in whole percent (100 once succeeded)."""
        if self.status is JobStatus.SUCCEEDED:
            return 100
        return int(100 * self.done / self.total) if self.total > 0 else 0

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        def iso(t: datetime | None) -> str | None:
            return t.isoformat() if t else None

        return {
            "id": self.id, "kind": self.kind, "title": self.title, "submitter": self.submitter,
            "region_code": self.region_code, "status": self.status.value,
            "finished": self.status.finished, "done": self.done, "total": self.total,
            "percent": self.percent, "message": self.message, "result_url": self.result_url,
            "error": ({"zh": self.error_zh, "en": self.error_en}
                      if self.error_zh or self.error_en else None),
            "problems": self.problems, "created_at": iso(self.created_at),
            "started_at": iso(self.started_at),
            "finished_at": iso(self.finished_at),
        }


def _job(row: JobRow) -> Job:
    return Job(id=row.id, kind=row.kind, title=row.title, submitter=row.submitter,
               region_code=row.region_code, status=JobStatus(row.status), done=row.done or 0,
               total=row.total or 0, message=row.message or "", result_url=row.result_url,
               error_zh=row.error_zh or "", error_en=row.error_en or "",
               problems=json.loads(row.problems_json or "[]"), created_at=row.created_at,
               started_at=row.started_at,
               finished_at=row.finished_at)


class JobCancelled(TanzhiError):
    """Raised inside a job (at a progress call) once cancellation was asked for."""

    def __init__(self) -> None:
        super().__init__("任务已取消 / the job was cancelled")


Progress = Callable[[int, int, str], None]
"""A progress callback: ``progress(done, total, message)`` — the CLI's rich bar, a job's row."""


def no_progress(_done: int, _total: int, _message: str) -> None:
    """The progress callback that reports nowhere (service calls outside a job or CLI)."""


@contextmanager
def progress_bar(console: Console, title: str) -> Iterator[Progress]:
    """A rich progress bar on `console` as a `Progress` callback: the CLI's view of the same
    service steps a job's page shows."""
    bar = RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                       TextColumn("{task.fields[message]}"), TimeElapsedColumn(),
                       console=console, transient=False)
    with bar:
        task = bar.add_task(title, total=None, message="")

        def report(done: int, total: int, message: str) -> None:
            bar.update(task, completed=done, total=total or None, message=message)

        yield report


@dataclass
class _Live:
    """In-memory state of a job this runner runs."""

    job_id: int
    cancel: threading.Event = field(default_factory=threading.Event)
    done: int = 0
    total: int = 0
    message: str = ""
    status: JobStatus = JobStatus.QUEUED


class JobContext:
    """What a job function gets: progress reporting, a read transaction, its write transaction."""

    def __init__(self, runner: JobRunner, live: _Live, submitter: str, title: str) -> None:
        self._runner = runner
        self._live = live
        self.job_id = live.job_id
        self.submitter = submitter
        self.title = title
        self.result_url: str | None = None
        self.wrote = False

    def progress(self, done: int, total: int, message: str = "") -> None:
        """Report progress; raises `JobCancelled` when the job has been cancelled."""
        self._live.done, self._live.total = int(done), int(total)
        if message:
            self._live.message = message
        if self._live.cancel.is_set():
            raise JobCancelled()

    @contextmanager
    def read(self) -> Iterator[Session]:
        """A read-only transaction (no write lock) for the job's slow part."""
        with read_transaction(self._runner.factory, actor=self.submitter) as session:
            yield session

    @contextmanager
    def write(self, reason: str = "") -> Iterator[Session]:
        """The job's one write transaction; it marks the job succeeded (with `result_url`, set
        before the block ends) in the same commit, so data and status land together."""
        if self.wrote:
            raise RuntimeError("a job writes in one transaction only")
        self.wrote = True
        with unit_of_work(self._runner.factory, actor=self.submitter,
                          reason=reason or self.title, lock_wait_s=JOB_LOCK_WAIT_S) as session:
            yield session
            self.progress(self._live.total or 1, self._live.total or 1)  # last cancel check
            row = session.get(JobRow, self.job_id)
            if row is None:
                raise NotFound(f"任务 {self.job_id} 不存在 / no job {self.job_id}")
            _finish(row, JobStatus.SUCCEEDED, result_url=self.result_url,
                    done=self._live.total, total=self._live.total, message=self._live.message)


JobFunction = Callable[[JobContext], None]


def _finish(row: JobRow, status: JobStatus, *, result_url: str | None = None,
            error: tuple[str, str] = ("", ""), problems: list[dict[str, Any]] | None = None,
            done: int | None = None, total: int | None = None, message: str | None = None,
            ) -> None:
    row.status = status.value
    row.problems_json = json.dumps(problems or [], ensure_ascii=False)
    row.finished_at = utcnow()
    row.result_url = result_url
    row.error_zh, row.error_en = error
    if done is not None:
        row.done = done
    if total is not None:
        row.total = total
    if message:
        row.message = message[:2000]


def _error_text(exc: BaseException) -> tuple[str, str]:
    """The failure in Chinese and English (a tanzhi error already says both)."""
    if isinstance(exc, DataError):
        shown = exc.problems[:50]
        zh = "\n".join(f"{p.location.describe_zh()}：{p.message_zh}".lstrip("：") for p in shown)
        en = "\n".join(f"{p.location.describe_en()}: {p.message_en}".lstrip(": ") for p in shown)
        return zh, en
    text = str(exc)
    if isinstance(exc, TanzhiError) and " / " in text:
        zh, _, en = text.partition(" / ")
        return zh, en
    return (f"内部错误（{type(exc).__name__}），详见服务器日志",
            f"internal error ({type(exc).__name__}: {text[:300]}); see the server log")


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class JobRunner:
    """Runs jobs on worker threads of this process.

    Parameters
    ----------
    factory
        The audited session factory (`make_session_factory`).
    workers
        Worker threads.  One on SQLite (a job's write transaction holds the single write lock
        anyway); more only help on PostgreSQL.
    """

    def __init__(self, factory: sessionmaker[Session], *, workers: int = 1) -> None:
        self.factory = factory
        self.runner_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._workers = workers
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tanzhi-job")
        self._live: dict[int, _Live] = {}
        self._lock = threading.Lock()
        self._closed = False

    # ---- submitting ----------------------------------------------------------------------

    def submit(self, session: Session, fn: JobFunction, *, kind: str, title: str,
               submitter: str, region_code: str | None = None) -> int:
        """Queue `fn` as a job in `session`'s transaction; its id.

        The job starts only once that transaction commits (a rolled-back request leaves no job
        and runs nothing).
        """
        row = JobRow(kind=kind[:60], title=title[:300], submitter=submitter[:120],
                     region_code=region_code, status=JobStatus.QUEUED.value, done=0, total=0,
                     message="", error_zh="", error_en="", problems_json="[]",
                     runner=self.runner_id)
        session.add(row)
        session.flush()
        job_id, job_title = row.id, row.title

        def _after_commit(_session: Session) -> None:
            self._start(job_id, fn, submitter, job_title)

        event.listen(session, "after_commit", _after_commit, once=True)
        return job_id

    def _start(self, job_id: int, fn: JobFunction, submitter: str, title: str) -> None:
        live = _Live(job_id)
        with self._lock:
            if self._closed:
                return  # shutting down: the row stays queued and `recover` fails it
            self._live[job_id] = live
        self._pool.submit(self._run, live, fn, submitter, title)

    # ---- running -------------------------------------------------------------------------

    def _set(self, job_id: int, **values: Any) -> None:
        with unit_of_work(self.factory, actor=SYSTEM_ACTOR, reason="job status",
                          lock_wait_s=JOB_LOCK_WAIT_S) as session:
            row = session.get(JobRow, job_id)
            if row is not None:
                for key, value in values.items():
                    setattr(row, key, value)

    def _run(self, live: _Live, fn: JobFunction, submitter: str, title: str) -> None:
        ctx = JobContext(self, live, submitter, title)
        try:
            if live.cancel.is_set():
                raise JobCancelled()
            live.status = JobStatus.RUNNING
            self._set(live.job_id, status=JobStatus.RUNNING.value, started_at=utcnow(),
                      runner=self.runner_id)
            fn(ctx)
            if not ctx.wrote:  # a job with nothing to write: mark it done here
                self._set(live.job_id, status=JobStatus.SUCCEEDED.value, finished_at=utcnow(),
                          result_url=ctx.result_url, done=live.total, total=live.total,
                          message=live.message[:2000])
            live.status = JobStatus.SUCCEEDED
        except JobCancelled:
            live.status = JobStatus.CANCELLED
            self._end(live, JobStatus.CANCELLED, ("已按要求取消，未写入任何数据",
                                                 "cancelled on request; nothing was written"))
        except BaseException as exc:  # noqa: BLE001 — every failure ends the job as failed
            if not isinstance(exc, TanzhiError):
                log.exception("job %s (%s) failed", live.job_id, title)
            live.status = JobStatus.FAILED
            problems = ([p.as_dict() for p in exc.problems[:500]]
                        if isinstance(exc, DataError) else None)
            self._end(live, JobStatus.FAILED, _error_text(exc), problems)
        finally:
            with self._lock:
                self._live.pop(live.job_id, None)

    def _end(self, live: _Live, status: JobStatus, error: tuple[str, str],
             problems: list[dict[str, Any]] | None = None) -> None:
        try:
            with unit_of_work(self.factory, actor=SYSTEM_ACTOR, reason="job status",
                              lock_wait_s=JOB_LOCK_WAIT_S) as session:
                row = session.get(JobRow, live.job_id)
                if row is not None:
                    _finish(row, status, error=error, problems=problems, done=live.done,
                            total=live.total, message=live.message)
        except Exception:  # noqa: BLE001 — the row stays running; `recover` fails it later
            log.exception("could not record the end of job %s", live.job_id)

    # ---- asking --------------------------------------------------------------------------

    def get(self, session: Session, job_id: int) -> Job:
        """The job as stored, with this runner's live progress when it is running here.

        Raises
        ------
        NotFound
        """
        row = session.get(JobRow, int(job_id))
        if row is None:
            raise NotFound(f"任务 {job_id} 不存在 / no job {job_id}")
        job = _job(row)
        live = self._live.get(job.id)
        if live is not None and not job.status.finished:
            job = replace(job, done=live.done, total=live.total,
                          message=live.message or job.message,
                          status=JobStatus.RUNNING if live.status is JobStatus.RUNNING
                          else job.status)
        return job

    def cancel(self, job_id: int) -> bool:
        """Ask a job this runner runs to stop; whether it was still running here."""
        live = self._live.get(int(job_id))
        if live is None:
            return False
        live.cancel.set()
        return True

    def wait(self, job_id: int, timeout_s: float = 60.0) -> bool:
        """Block until the job has left this runner (tests, CLI); whether it did in time."""
        end = time.monotonic() + timeout_s
        while int(job_id) in self._live and time.monotonic() < end:
            time.sleep(0.02)
        return int(job_id) not in self._live

    # ---- lifecycle -----------------------------------------------------------------------

    def recover(self) -> list[int]:
        """Mark failed the queued/running jobs whose process is gone (crash, kill -9, restart).

        A job whose runner is another live process on this host (several server workers) or
        on another host is left alone.  Returns the ids marked.
        """
        host = socket.gethostname()
        marked: list[int] = []
        with unit_of_work(self.factory, actor=SYSTEM_ACTOR, reason="job recovery",
                          lock_wait_s=JOB_LOCK_WAIT_S) as session:
            rows = session.scalars(select(JobRow).where(
                JobRow.status.in_([JobStatus.QUEUED.value, JobStatus.RUNNING.value])))
            for row in rows:
                if row.runner == self.runner_id:
                    continue
                parts = (row.runner or "").split(":")
                if len(parts) >= 2 and parts[0] == host and parts[1].isdigit():
                    pid = int(parts[1])
                    if pid != os.getpid() and _pid_alive(pid):
                        continue
                elif len(parts) >= 2 and parts[0] != host:
                    continue
                _finish(row, JobStatus.FAILED, error=(
                    "服务器在任务结束前停止（崩溃或重启）；任务的数据未写入，请重新提交",
                    "the server stopped before the job ended (crash or restart); nothing of "
                    "the job was written, please submit it again"))
                marked.append(row.id)
        return marked

    def shutdown(self, *, wait: bool = True) -> None:
        """Cancel running jobs and stop the workers (their transactions roll back)."""
        with self._lock:
            self._closed = True
            for live in self._live.values():
                live.cancel.set()
        self._pool.shutdown(wait=wait, cancel_futures=True)
        # An app may be started again in the same process (tests, a reload): take jobs again.
        with self._lock:
            self._pool = ThreadPoolExecutor(max_workers=self._workers,
                                            thread_name_prefix="tanzhi-job")
            self._closed = False
