"""Background jobs (issue #8, deliverable 7): a job runs after the submitting transaction commits,
reports progress, writes all or nothing (success, failure, cancellation), and a restart fails
the jobs a dead process left running."""

from __future__ import annotations

import os
import socket
import threading

import pytest
from sqlalchemy import Integer, String, func, select
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from tanzhi.config import Settings
from tanzhi.kernel.audit import AuditEntry, AuditHead, make_session_factory, verify_chain
from tanzhi.kernel.db import Base, make_engine, read_transaction, unit_of_work
from tanzhi.kernel.errors import DataError, Location, Problem
from tanzhi.kernel.jobs import JobContext, JobRow, JobRunner, JobStatus


class _Base(DeclarativeBase):
    pass


class Item(_Base):
    __tablename__ = "test_job_item"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(50))


@pytest.fixture
def factory(storage_settings: Settings):
    engine = make_engine(storage_settings)
    _Base.metadata.create_all(engine)
    Base.metadata.create_all(engine, tables=[AuditEntry.__table__, AuditHead.__table__,
                                             JobRow.__table__])
    yield make_session_factory(engine)
    engine.dispose()


@pytest.fixture
def runner(factory):
    runner = JobRunner(factory)
    yield runner
    runner.shutdown()


def _items(factory) -> int:
    with read_transaction(factory) as s:
        return s.scalar(select(func.count()).select_from(Item))


def _submit(runner: JobRunner, factory, fn, *, submitter: str = "alice") -> int:
    with unit_of_work(factory, actor=submitter) as s:
        return runner.submit(s, fn, kind="test", title="测试 / test", submitter=submitter,
                             region_code="330600")


def _job(runner: JobRunner, factory, job_id: int):
    with read_transaction(factory) as s:
        return runner.get(s, job_id)


def test_a_job_writes_and_succeeds_with_progress_and_result(runner, factory) -> None:
    def run(ctx: JobContext) -> None:
        for i in range(3):
            ctx.progress(i, 3, f"step {i}")
        with ctx.write() as s:
            s.add_all([Item(id=i, name=f"n{i}") for i in range(5)])
            ctx.result_url = "/somewhere/5"

    job_id = _submit(runner, factory, run)
    assert runner.wait(job_id, 30)
    job = _job(runner, factory, job_id)
    assert job.status is JobStatus.SUCCEEDED and job.result_url == "/somewhere/5"
    assert job.done == job.total == 3 and job.percent == 100 and job.message == "step 2"
    assert job.started_at is not None and job.finished_at is not None
    assert _items(factory) == 5
    with read_transaction(factory) as s:
        assert verify_chain(s) == []
        actors = set(s.scalars(select(AuditEntry.actor).where(
            AuditEntry.entity == Item.__tablename__)))
    assert actors == {"alice"}  # the job's writes are audited under its submitter


def test_a_rolled_back_submission_runs_nothing(runner, factory) -> None:
    ran = threading.Event()
    with pytest.raises(RuntimeError):
        with unit_of_work(factory, actor="alice") as s:
            runner.submit(s, lambda ctx: ran.set(), kind="test", title="t", submitter="alice")
            raise RuntimeError("the request failed")
    assert not ran.wait(0.5)
    with read_transaction(factory) as s:
        assert s.scalar(select(func.count()).select_from(JobRow)) == 0


def test_a_failing_job_writes_nothing_and_says_where_in_both_languages(runner, factory) -> None:
    def run(ctx: JobContext) -> None:
        with ctx.write() as s:
            s.add(Item(id=1, name="half"))
            s.flush()
            raise DataError(Problem("单位无效", "bad unit", Location("a.csv", 4, "unit")))

    job_id = _submit(runner, factory, run)
    assert runner.wait(job_id, 30)
    job = _job(runner, factory, job_id)
    assert job.status is JobStatus.FAILED
    assert "第 4 行" in job.error_zh and "单位无效" in job.error_zh
    assert "row 4" in job.error_en and "bad unit" in job.error_en
    assert job.problems == [{"file": "a.csv", "row": 4, "column": "unit",
                             "message_zh": "单位无效", "message_en": "bad unit"}]
    assert _items(factory) == 0


def test_an_unexpected_error_fails_the_job_without_a_traceback_in_it(runner, factory) -> None:
    def run(ctx: JobContext) -> None:
        raise ZeroDivisionError("boom")

    job_id = _submit(runner, factory, run)
    assert runner.wait(job_id, 30)
    job = _job(runner, factory, job_id)
    assert job.status is JobStatus.FAILED
    assert "内部错误" in job.error_zh and "ZeroDivisionError" in job.error_en
    assert "Traceback" not in job.error_en


def test_cancelling_rolls_back_the_jobs_writes(runner, factory) -> None:
    inside, go_on = threading.Event(), threading.Event()

    def run(ctx: JobContext) -> None:
        with ctx.write() as s:
            s.add_all([Item(id=i, name="x") for i in range(10)])
            s.flush()
            inside.set()
            go_on.wait(10)
            ctx.progress(1, 2, "after the cancel")  # raises JobCancelled

    job_id = _submit(runner, factory, run)
    assert inside.wait(30)
    assert _job(runner, factory, job_id).status is JobStatus.RUNNING
    assert runner.cancel(job_id)
    go_on.set()
    assert runner.wait(job_id, 30)
    job = _job(runner, factory, job_id)
    assert job.status is JobStatus.CANCELLED and "nothing was written" in job.error_en
    assert _items(factory) == 0
    assert not runner.cancel(job_id)  # finished: nothing left to cancel


def test_live_progress_is_visible_while_the_job_holds_the_write_lock(runner, factory) -> None:
    """On SQLite a progress row written from another connection would wait behind the job's
    own lock; the runner serves live progress from memory instead."""
    inside, go_on = threading.Event(), threading.Event()

    def run(ctx: JobContext) -> None:
        with ctx.write() as s:
            s.add(Item(id=1, name="x"))
            s.flush()
            ctx.progress(7, 10, "七成 / 70%")
            inside.set()
            go_on.wait(10)

    job_id = _submit(runner, factory, run)
    assert inside.wait(30)
    job = _job(runner, factory, job_id)
    assert (job.status, job.done, job.total, job.percent) == (JobStatus.RUNNING, 7, 10, 70)
    assert job.as_dict()["message"] == "七成 / 70%"
    go_on.set()
    assert runner.wait(job_id, 30)
    assert _job(runner, factory, job_id).status is JobStatus.SUCCEEDED


def test_recover_fails_jobs_whose_process_is_gone_and_keeps_live_ones(factory) -> None:
    host = socket.gethostname()
    with unit_of_work(factory, actor="test") as s:
        for jid, status, runner_id in [
            (1, "running", f"{host}:999999999:dead"),   # this host, process gone
            (2, "queued", f"{host}:999999998:dead"),
            (3, "running", f"{host}:{os.getppid()}:alive"),  # another live process here
            (4, "running", "elsewhere.example:1:x"),    # another host: not ours to judge
            (5, "succeeded", f"{host}:999999999:dead"),  # finished: untouched
        ]:
            s.add(JobRow(id=jid, kind="t", title="t", submitter="a", status=status, done=0,
                         total=0, message="", error_zh="", error_en="", problems_json="[]",
                         runner=runner_id))
    runner = JobRunner(factory)
    try:
        assert sorted(runner.recover()) == [1, 2]
        with read_transaction(factory) as s:
            status = dict(s.execute(select(JobRow.id, JobRow.status)).all())
            failed = s.get(JobRow, 1)
            assert "crash" in failed.error_en and "崩溃" in failed.error_zh
        assert status == {1: "failed", 2: "failed", 3: "running", 4: "running", 5: "succeeded"}
    finally:
        runner.shutdown()


def test_a_runner_takes_jobs_again_after_a_shutdown(runner, factory) -> None:
    """The app's lifespan shuts the runner down; an app started again must still run jobs."""
    runner.shutdown()

    def run(ctx: JobContext) -> None:
        with ctx.write() as s:
            s.add(Item(id=1, name="after restart"))

    job_id = _submit(runner, factory, run)
    assert runner.wait(job_id, 30)
    assert _job(runner, factory, job_id).status is JobStatus.SUCCEEDED
