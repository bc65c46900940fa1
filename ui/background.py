"""Imports run off the page's script thread, so a large file holds neither other users nor the health check.

`Jobs` is a small thread-safe registry of jobs keyed by user and job id, fed by a thread pool: `start`
queues `work(progress)` and returns at once (a small upload, up to INLINE_BYTES, runs inline instead); the page polls `latest` / `get` (a copy of the job, never the
live object) and shows its progress, then its result. A second job of a user who has one queued or running
is refused (`Busy`, with a sentence); other users' jobs queue behind it (the pool has MAX_WORKERS threads).
Finished jobs are kept KEEP_SECONDS, so a rerun, a second tab of the same user or a page opened later sees
the result. A `ValidationError` (or `InvalidRecords`) raised by the work is the job's `error`, shown as
today; any other exception is logged with its traceback and the job's `failure` is a sentence.

The app's registry is `jobs()`, one per server process (`st.cache_resource`).
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import streamlit as st

from data.errors import ValidationError

log = logging.getLogger("fascia.background")

#: Imports that run at once in one server process; the rest wait their turn (2 shared cores: one
#: import at a time leaves the other core to the pages and the health check).
MAX_WORKERS = 1
#: How long a finished job's result stays to be shown (seconds).
KEEP_SECONDS = 15 * 60
#: An upload up to this size is imported inline, on the page's own thread (a CSV of about 25,000 rows,
#: well under a second): its result shows in the same run, with no polling. Larger ones go to the pool.
INLINE_BYTES = 1 * 2**20

Progress = Callable[[int, int], None]
Work = Callable[[Progress], Any]


class Busy(RuntimeError):
    """A user's second job while their first is queued or running; the message is the sentence to show."""


@dataclass
class Job:
    """One job: what it is, how far it has got, and how it ended."""

    id: str
    user_id: int
    kind: str  # what the page groups it under, e.g. "records" or "pmsys"
    name: str  # what it works on, e.g. the uploaded file's name
    state: str = "queued"  # queued, running, done (result or error) or failed (failure)
    done: int = 0
    total: int = 0
    result: Any = None
    error: ValidationError | None = None  # a refusal, shown as the importer words it
    failure: str | None = None  # an unexpected exception, as a sentence
    started: float = dataclasses.field(default_factory=time.time)
    finished: float | None = None

    @property
    def active(self) -> bool:
        return self.state in ("queued", "running")


class Jobs:
    """The registry: jobs by user and id, run by `executor`."""

    def __init__(self, executor: Executor, keep_seconds: float = KEEP_SECONDS) -> None:
        self._executor = executor
        self._keep = keep_seconds
        self._lock = threading.Lock()
        self._jobs: dict[int, dict[str, Job]] = {}

    def start(self, user_id: int, kind: str, name: str, work: Work, inline: bool = False) -> Job:
        """Queue `work(progress)` for `user_id` and return (a copy of) its job; `Busy` when the user has
        a job queued or running already. `inline`: run it now, on the caller's thread (a small file), and
        return the ended job; it is kept in the registry all the same."""
        with self._lock:
            self._prune()
            mine = self._jobs.setdefault(user_id, {})
            running = next((job for job in mine.values() if job.active), None)
            if running is not None:
                raise Busy(
                    f"Your import of {running.name} is still running; wait for it to finish (its progress "
                    "shows on this page) before starting another."
                )
            for old in [key for key, job in mine.items() if job.kind == kind]:
                del mine[old]  # the new job's result replaces the last one shown
            job = Job(id=uuid.uuid4().hex, user_id=user_id, kind=kind, name=name)
            mine[job.id] = job
            snapshot = dataclasses.replace(job)
        if inline:
            self._run(job, work)
            with self._lock:
                return dataclasses.replace(job)
        self._executor.submit(self._run, job, work)
        return snapshot

    def get(self, user_id: int, job_id: str) -> Job | None:
        """A copy of the user's job `job_id`, or None when there is none (or it has been dropped)."""
        with self._lock:
            self._prune()
            job = self._jobs.get(user_id, {}).get(job_id)
            return None if job is None else dataclasses.replace(job)

    def running(self, user_id: int) -> Job | None:
        """A copy of the user's job that is queued or running, or None."""
        with self._lock:
            job = next((job for job in self._jobs.get(user_id, {}).values() if job.active), None)
            return None if job is None else dataclasses.replace(job)

    def latest(self, user_id: int, kind: str) -> Job | None:
        """A copy of the user's newest job of `kind`, or None."""
        with self._lock:
            self._prune()
            found = [job for job in self._jobs.get(user_id, {}).values() if job.kind == kind]
            newest = max(found, key=lambda job: job.started, default=None)
            return None if newest is None else dataclasses.replace(newest)

    def _update(self, job: Job, **changes: Any) -> None:
        with self._lock:
            for field, value in changes.items():
                setattr(job, field, value)

    def _run(self, job: Job, work: Work) -> None:
        self._update(job, state="running")

        def progress(done: int, total: int) -> None:
            self._update(job, done=int(done), total=int(total))

        try:
            result = work(progress)
        except ValidationError as error:
            self._update(job, state="done", error=error, finished=time.time())
        except Exception as error:  # any other failure becomes a sentence, never a traceback
            log.exception("background job %s (%s of %s) failed", job.id, job.kind, job.name)
            self._update(
                job,
                state="failed",
                failure=(
                    f"the import of {job.name} stopped on an unexpected error ({type(error).__name__}); "
                    "nothing was written. Try again; if it happens again, the server's log has the details"
                ),
                finished=time.time(),
            )
        else:
            self._update(job, state="done", result=result, finished=time.time())

    def _prune(self) -> None:
        """Drop finished jobs older than the keep time (the lock is held)."""
        limit = time.time() - self._keep
        for user_id, mine in list(self._jobs.items()):
            for key in [key for key, job in mine.items() if job.finished is not None and job.finished < limit]:
                del mine[key]
            if not mine:
                del self._jobs[user_id]


@st.cache_resource(show_spinner=False)
def jobs() -> Jobs:
    """The server process's registry and its pool of MAX_WORKERS threads."""
    return Jobs(ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="fascia-import"))
