"""One process at a time per job, whoever started it (scheduler, in-process, `jobs run`).

PostgreSQL: a session advisory lock (pg_try_advisory_lock). It belongs to
the connection, so a process that dies loses it at once; it has no lease.

SQLite: a row in job_lock, taken by one UPDATE that only matches a free or
expired row, for JOB_LOCK_LEASE_SECONDS. A process that dies keeps the job
until the lease runs out; a job that might run longer than the lease calls
renew(). Both are tried without waiting: a second process skips, it never queues.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app

from portal.clock import utcnow
from portal.database import is_sqlite
from portal.extensions import db
from portal.jobs.models import JobLock

log = logging.getLogger(__name__)


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key per job name, so it means the same in every process."""
    digest = hashlib.blake2b(f"review-portal:job:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class AdvisoryLock:
    def __init__(self, name: str):
        self.name = name
        self.key = advisory_key(name)

    def acquire(self) -> bool:
        cursor = db.database.execute_sql("SELECT pg_try_advisory_lock(%s)", (self.key,))
        return bool(cursor.fetchone()[0])

    def renew(self) -> bool:
        return True  # held until released or the connection ends

    def release(self) -> None:
        try:
            db.database.execute_sql("SELECT pg_advisory_unlock(%s)", (self.key,))
        except Exception:  # noqa: BLE001 - a broken connection has already let go
            log.warning("could not unlock job %s; closing the connection instead", self.name)
            if not db.database.in_transaction():
                db.database.close()


class LeaseLock:
    def __init__(self, name: str, lease_seconds: int):
        self.name = name
        self.lease = dt.timedelta(seconds=lease_seconds)
        self.holder = uuid.uuid4().hex

    def acquire(self) -> bool:
        now = utcnow()
        JobLock.insert(name=self.name).on_conflict(action="NOTHING", conflict_target=[JobLock.name]).execute()
        taken = (
            JobLock.update(holder=self.holder, locked_until=now + self.lease)
            .where(
                JobLock.name == self.name,
                JobLock.locked_until.is_null() | (JobLock.locked_until <= now),
            )
            .execute()
        )
        return taken == 1

    def renew(self) -> bool:
        """Extend the lease; False if it had run out and another process took the job."""
        renewed = (
            JobLock.update(locked_until=utcnow() + self.lease)
            .where(JobLock.name == self.name, JobLock.holder == self.holder)
            .execute()
        )
        return renewed == 1

    def release(self) -> None:
        JobLock.update(holder=None, locked_until=None).where(
            JobLock.name == self.name, JobLock.holder == self.holder
        ).execute()


def lock_for(name: str) -> AdvisoryLock | LeaseLock:
    if is_sqlite():
        return LeaseLock(name, current_app.config["JOB_LOCK_LEASE_SECONDS"])
    return AdvisoryLock(name)


@contextmanager
def job_lock(name: str) -> Iterator[AdvisoryLock | LeaseLock | None]:
    """The held lock, or None when another process is running this job."""
    lock = lock_for(name)
    if not lock.acquire():
        yield None
        return
    try:
        yield lock
    finally:
        lock.release()
