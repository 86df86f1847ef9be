from __future__ import annotations

from enum import StrEnum

from peewee import BigAutoField, CharField, DateTimeField, JSONField, TextField
from playhouse.fields import EnumField

from portal.clock import utcnow
from portal.database import BaseModel


class RunStatus(StrEnum):
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"

    @property
    def label(self) -> str:
        return {"running": "Running", "succeeded": "Succeeded", "failed": "Failed"}[self.value]


class JobRun(BaseModel):
    """One run of a scheduled job: when, what it did (counts), and any error."""

    id = BigAutoField()
    job = CharField(max_length=64)
    started_at = DateTimeField(default=utcnow)
    finished_at = DateTimeField(null=True)
    status = EnumField(RunStatus, max_length=16, default=RunStatus.RUNNING)
    summary = JSONField(default=dict)
    error = TextField(null=True)
    # host:pid, and whether the scheduler or a person (`flask jobs run`) started it.
    runner = CharField(max_length=120)
    trigger = CharField(max_length=16)

    class Meta:
        indexes = ((("job", "started_at"), False),)


class JobLock(BaseModel):
    """SQLite's stand-in for PostgreSQL's advisory locks: one row per job.

    A process owns the job while `holder` is its token and `locked_until` is in
    the future; taking it is one UPDATE that only matches a free or expired row.
    Unused on PostgreSQL, where a crashed process's lock goes with its connection.
    """

    name = CharField(max_length=64, primary_key=True)
    holder = CharField(max_length=64, null=True)
    locked_until = DateTimeField(null=True)
