"""One process per job: PostgreSQL advisory locks, SQLite lease rows."""

from __future__ import annotations

import datetime as dt
import threading
from contextlib import contextmanager

from portal.clock import utcnow
from portal.extensions import db
from portal.jobs.locks import AdvisoryLock, LeaseLock, advisory_key, job_lock, lock_for
from portal.jobs.models import JobRun
from portal.jobs.runner import run_job
from portal.notifications.models import OutboxMessage, OutboxStatus
from tests.factories import make_outbox_message


@contextmanager
def held_by_another_process(app, name: str):
    """Another "process": a thread with its own connection, holding the job's lock."""
    acquired, done = threading.Event(), threading.Event()
    outcome = {}

    def hold():
        with app.app_context(), db.database.connection_context(), job_lock(name) as lock:
            outcome["held"] = lock is not None
            acquired.set()
            done.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    assert acquired.wait(10) and outcome["held"]
    try:
        yield
    finally:
        done.set()
        thread.join(10)


def test_a_held_lock_is_refused_to_anyone_else_until_released(app):
    with app.app_context():
        with held_by_another_process(app, "deliver_outbox"):
            with job_lock("deliver_outbox") as lock:
                assert lock is None
            with job_lock("another_job") as other:
                assert other is not None  # locks are per job
        with job_lock("deliver_outbox") as lock:
            assert lock is not None


def test_a_second_process_does_no_duplicate_work(app, mailbox):
    make_outbox_message()
    with held_by_another_process(app, "deliver_outbox"):
        assert run_job(app, "deliver_outbox") is None
    assert JobRun.select().count() == 0
    assert OutboxMessage.get().status == OutboxStatus.QUEUED
    assert mailbox.messages() == []


def test_each_engine_uses_its_own_lock(app, engine):
    with app.app_context():
        lock = lock_for("deliver_outbox")
    assert isinstance(lock, LeaseLock if engine == "sqlite" else AdvisoryLock)


def test_a_lease_runs_out_after_a_crash_and_a_late_release_frees_nothing(app, time_machine):
    time_machine.move_to(utcnow().replace(tzinfo=dt.UTC))
    with app.app_context():
        crashed = LeaseLock("deliver_outbox", 600)
        assert crashed.acquire()  # ...and the process dies without releasing it
        assert not LeaseLock("deliver_outbox", 600).acquire()

        time_machine.shift(dt.timedelta(seconds=599))
        assert not LeaseLock("deliver_outbox", 600).acquire()
        time_machine.shift(dt.timedelta(seconds=2))
        successor = LeaseLock("deliver_outbox", 600)
        assert successor.acquire()

        assert not crashed.renew()
        crashed.release()  # a slow process waking up must not free its successor's lock
        assert not LeaseLock("deliver_outbox", 600).acquire()
        assert successor.renew()
        successor.release()
        assert LeaseLock("deliver_outbox", 600).acquire()


def test_a_crashed_holder_lets_go_with_its_connection_on_postgres_and_its_lease_on_sqlite(
    app, engine, time_machine
):
    time_machine.move_to(utcnow().replace(tzinfo=dt.UTC))
    taken = threading.Event()

    def crash_while_holding():
        with app.app_context():
            db.database.connect()
            assert lock_for("deliver_outbox").acquire()
            taken.set()
            db.database.close()  # the process dies without releasing anything

    with app.app_context():
        thread = threading.Thread(target=crash_while_holding)
        thread.start()
        thread.join(10)
        assert taken.is_set()
        with job_lock("deliver_outbox") as lock:
            assert (lock is not None) == (engine == "postgresql")
        time_machine.shift(dt.timedelta(seconds=app.config["JOB_LOCK_LEASE_SECONDS"] + 1))
        with job_lock("deliver_outbox") as lock:
            assert lock is not None


def test_advisory_keys_are_stable_and_distinct():
    assert advisory_key("deliver_outbox") == advisory_key("deliver_outbox")
    assert advisory_key("deliver_outbox") != advisory_key("trawl_reminders")
    assert -(2**63) <= advisory_key("deliver_outbox") < 2**63
