"""Running one job once: the same path for the scheduler, the in-process option and `jobs run`."""

from __future__ import annotations

import datetime as dt
import logging
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask

from portal.clock import utcnow
from portal.extensions import db
from portal.jobs.locks import job_lock
from portal.jobs.models import JobRun, RunStatus
from portal.jobs.registry import JOBS

log = logging.getLogger(__name__)

# Runs are kept this long; deliver_outbox alone writes one a minute.
RUN_RETENTION = dt.timedelta(days=30)
ERROR_MAX_LENGTH = 2000


class UnknownJob(KeyError):
    pass


def run_job(app: Flask, name: str, trigger: str = "manual") -> JobRun | None:
    """Run a job under its lock and log the run; None if another process is running it.

    A job's exception is logged and recorded on its JobRun (status failed),
    not raised: the scheduler keeps going, and `jobs run` reports it.
    """
    job = JOBS.get(name)
    if job is None:
        raise UnknownJob(name)
    with app.app_context(), _connection(), job_lock(name) as lock:
        if lock is None:
            log.info("job %s is already running in another process: skipped", name)
            return None
        run = JobRun.create(job=name, started_at=utcnow(), runner=_runner(), trigger=trigger)
        try:
            summary = job.run() or {}
        except Exception as error:
            log.exception("job %s failed", name)
            _finish(run, RunStatus.FAILED, {}, _describe(error))
        else:
            _finish(run, RunStatus.SUCCEEDED, summary, None)
        JobRun.delete().where(JobRun.job == name, JobRun.started_at < utcnow() - RUN_RETENTION).execute()
        return run


def _finish(run: JobRun, status: RunStatus, summary: dict, error: str | None) -> None:
    run.finished_at = utcnow()
    run.status = status
    run.summary = summary if isinstance(summary, dict) else {"result": str(summary)}
    run.error = error
    run.save()


def _describe(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    return text if len(text) <= ERROR_MAX_LENGTH else text[: ERROR_MAX_LENGTH - 1] + "…"


def _runner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"[:120]


@contextmanager
def _connection() -> Iterator[None]:
    """This thread's connection: reuse one already open, else open one and close it after."""
    opened = db.database.connect(reuse_if_open=True)
    try:
        yield
    finally:
        if opened and not db.database.is_closed() and not db.database.in_transaction():
            db.database.close()
