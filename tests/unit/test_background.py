"""ui/background.py, the registry of imports run off the page's thread: a job starts at once and runs in the
pool, its progress and result are read back by user and id, a user's second job is refused while the first
runs, a refusal stays the importer's error and any other exception becomes a sentence, finished jobs are
dropped after the keep time; and a real CSV import run through it."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import Engine, func, select

from data.errors import ValidationError
from data.models import Athlete
from data.record_checks import InvalidRecords
from ui import transfer
from ui.background import Busy, Job, Jobs


@pytest.fixture
def registry() -> Iterator[Jobs]:
    pool = ThreadPoolExecutor(max_workers=1)
    yield Jobs(pool)
    pool.shutdown(wait=True, cancel_futures=True)


def wait_for(registry: Jobs, user_id: int, job_id: str, ready: Callable[[Job], bool], seconds: float = 30) -> Job:
    deadline = time.monotonic() + seconds
    while True:
        job = registry.get(user_id, job_id)
        assert job is not None
        if ready(job):
            return job
        assert time.monotonic() < deadline, job
        time.sleep(0.01)


def test_a_job_runs_in_the_pool_reports_progress_and_keeps_its_result(registry: Jobs) -> None:
    go, reported = threading.Event(), threading.Event()
    threads: list[str] = []

    def work(progress: transfer.Progress) -> str:
        threads.append(threading.current_thread().name)
        progress(3, 10)
        reported.set()
        assert go.wait(10)
        progress(10, 10)
        return "report"

    job = registry.start(7, "records", "pain.csv", work)
    assert job.active and job.name == "pain.csv" and job.user_id == 7
    assert reported.wait(10)
    running = wait_for(registry, 7, job.id, lambda job: job.done == 3)
    assert (running.state, running.done, running.total, running.result) == ("running", 3, 10, None)
    assert registry.latest(7, "records") == running and registry.latest(7, "pmsys") is None
    assert registry.get(8, job.id) is None  # another user's id finds nothing
    running.done = 99  # a copy: the registry's own job is not changed by a reader
    assert registry.get(7, job.id).done == 3  # type: ignore[union-attr]
    go.set()
    done = wait_for(registry, 7, job.id, lambda job: not job.active)
    assert (done.state, done.done, done.total, done.result, done.error, done.failure) == (
        "done",
        10,
        10,
        "report",
        None,
        None,
    )
    assert done.finished is not None
    assert threads and threads[0] != threading.current_thread().name


def test_a_second_job_of_the_same_user_is_refused_while_others_queue(registry: Jobs) -> None:
    go = threading.Event()
    first = registry.start(1, "records", "big.csv", lambda progress: go.wait(10))
    with pytest.raises(Busy, match=r"Your import of big\.csv is still running; wait for it to finish"):
        registry.start(1, "pmsys", "pmdata.zip", lambda progress: "never")
    assert registry.latest(1, "pmsys") is None  # nothing of the refused job is kept
    assert registry.running(1).id == first.id and registry.running(3) is None  # type: ignore[union-attr]
    other = registry.start(2, "records", "other.csv", lambda progress: "theirs")  # another user: queued
    assert registry.get(2, other.id).state == "queued"  # type: ignore[union-attr]  # one worker, busy
    go.set()
    wait_for(registry, 1, first.id, lambda job: job.state == "done")
    assert wait_for(registry, 2, other.id, lambda job: job.state == "done").result == "theirs"
    again = registry.start(1, "records", "next.csv", lambda progress: "next")  # once the first has ended
    assert wait_for(registry, 1, again.id, lambda job: not job.active).result == "next"
    assert registry.get(1, first.id) is None  # the new job of the kind replaces the last one's result
    assert registry.latest(1, "records").id == again.id  # type: ignore[union-attr]


def test_a_refusal_is_the_importers_error_and_a_crash_is_a_sentence(
    registry: Jobs, caplog: pytest.LogCaptureFixture
) -> None:
    refusal = InvalidRecords([ValidationError("pain", 11, "is more than 10", row=3)])

    def refused(progress: transfer.Progress) -> None:
        raise refusal

    def crashed(progress: transfer.Progress) -> None:
        raise KeyError("internal detail")

    job = registry.start(1, "records", "bad.csv", refused)
    ended = wait_for(registry, 1, job.id, lambda job: not job.active)
    assert (ended.state, ended.error, ended.failure, ended.result) == ("done", refusal, None, None)

    job = registry.start(1, "records", "odd.csv", crashed)
    ended = wait_for(registry, 1, job.id, lambda job: not job.active)
    assert ended.state == "failed" and ended.error is None and ended.result is None
    assert ended.failure == (
        "the import of odd.csv stopped on an unexpected error (KeyError); nothing was written. Try again; if "
        "it happens again, the server's log has the details"
    )
    assert "internal detail" not in ended.failure and "Traceback" not in ended.failure
    assert any(record.exc_info for record in caplog.records)  # the traceback goes to the server's log
    registry.start(1, "records", "ok.csv", lambda progress: "ok")  # a failed job does not block the user


def test_finished_jobs_are_dropped_after_the_keep_time() -> None:
    pool = ThreadPoolExecutor(max_workers=1)
    registry = Jobs(pool, keep_seconds=0.05)
    job = registry.start(1, "records", "a.csv", lambda progress: "done")
    wait_for(registry, 1, job.id, lambda job: job.state == "done")
    time.sleep(0.1)
    assert registry.get(1, job.id) is None and registry.latest(1, "records") is None
    pool.shutdown(wait=True)


def test_a_csv_import_runs_through_the_registry(registry: Jobs, db_engine: Engine) -> None:
    rows = "".join(f"A{n},Athlete {n},Team\n" for n in range(25))
    data = f"external_id,display_name,team\n{rows}".encode()

    def work(progress: transfer.Progress) -> object:
        return transfer.import_records(db_engine, "athletes", data, "athletes.csv", progress=progress, actor_id=None)

    job = registry.start(1, "records", "athletes.csv", work)
    ended = wait_for(registry, 1, job.id, lambda job: not job.active)
    assert ended.error is None and ended.failure is None, ended
    assert (ended.result.inserted, ended.done, ended.total) == (25, 25, 25)
    with db_engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(Athlete)) == 25


def test_a_small_job_runs_inline_and_is_kept_all_the_same(registry: Jobs) -> None:
    here = threading.current_thread().name

    def work(progress: transfer.Progress) -> str:
        progress(1, 1)
        return threading.current_thread().name

    job = registry.start(1, "records", "small.csv", work, inline=True)
    assert (job.state, job.result, job.done, job.total) == ("done", here, 1, 1)
    assert registry.latest(1, "records") == job
