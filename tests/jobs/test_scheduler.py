"""The scheduler: the registry's jobs on London time, in its own process or (for `make run`) in-process."""

from __future__ import annotations

import datetime as dt
import signal
import subprocess
import sys
import threading
import time
from zoneinfo import ZoneInfo

import click
import pytest
from apscheduler.triggers.interval import IntervalTrigger

from portal import ROOT, create_app
from portal.extensions import db
from portal.jobs.models import JobRun, RunStatus
from portal.jobs.registry import JOBS, DailyAt, Every, Job
from portal.jobs.scheduler import build_scheduler, serving_requests, start_in_process
from portal.notifications.models import OutboxMessage, OutboxStatus
from tests.conftest import TEST_SECRET
from tests.factories import make_outbox_message
from tests.helpers import FileMailbox
from tests.jobs.test_runner import command_environment

LONDON = ZoneInfo("Europe/London")


def test_every_registered_job_is_scheduled_on_its_trigger(app):
    app.config["OUTBOX_INTERVAL_SECONDS"] = 15
    scheduler = build_scheduler(app, blocking=False)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == set(JOBS)
    trigger = jobs["deliver_outbox"].trigger
    assert isinstance(trigger, IntervalTrigger)
    assert trigger.interval == dt.timedelta(seconds=15)
    assert trigger.timezone == LONDON
    assert jobs["deliver_outbox"].args == (app, "deliver_outbox", "scheduled")


def test_a_daily_job_runs_at_the_same_wall_clock_time_in_summer_and_winter():
    config = {"TIMEZONE": "Europe/London"}
    trigger = DailyAt(7, 30).trigger(config)
    summer = trigger.get_next_fire_time(None, dt.datetime(2026, 7, 1, 12, tzinfo=dt.UTC))
    winter = trigger.get_next_fire_time(None, dt.datetime(2026, 12, 1, 12, tzinfo=dt.UTC))
    assert summer.astimezone(dt.UTC).time() == dt.time(6, 30)  # BST
    assert winter.astimezone(dt.UTC).time() == dt.time(7, 30)  # GMT
    assert DailyAt(7, 30).describe(config) == "Every day at 7:30am"
    assert Every("N").describe({"N": 300}) == "Every 5 minutes"


def finished_runs(job: str) -> int:
    return JobRun.select().where(JobRun.job == job, JobRun.finished_at.is_null(False)).count()


def in_click_command(name: str, **params):
    context = click.Context(click.Command(name), info_name=name)
    context.params.update(params)
    return context


def test_only_flask_run_or_a_wsgi_server_counts_as_serving(monkeypatch):
    monkeypatch.delenv("WERKZEUG_RUN_MAIN", raising=False)
    assert serving_requests()  # no command at all: gunicorn imported wsgi.py
    for command in ("db", "demo", "jobs", "scheduler", "shell", "users"):
        with in_click_command(command):
            assert not serving_requests(), command
    with in_click_command("run", reload=False):
        assert serving_requests()
    with in_click_command("run", reload=True):
        assert not serving_requests()  # the reloader's watcher process
        monkeypatch.setenv("WERKZEUG_RUN_MAIN", "true")
        assert serving_requests()  # the reloader's child, which serves


def test_no_in_process_scheduler_in_tests_or_unless_asked(app):
    app.config["SCHEDULER_IN_PROCESS"] = True
    assert app.testing and start_in_process(app) is None
    app.config.update(SCHEDULER_IN_PROCESS=False, TESTING=False)
    assert start_in_process(app) is None


def fresh_app(app, monkeypatch, **overrides):
    """create_app() as a real server would call it: not in testing mode."""
    monkeypatch.setenv("SCHEDULER_IN_PROCESS", "1")
    db.database.close()
    return create_app(
        {
            "DATABASE_URL": app.config["DATABASE_URL"],
            "SECRET_KEY": TEST_SECRET,
            "MAIL_FILE_DIR": app.config["MAIL_FILE_DIR"],
            **overrides,
        }
    )


def test_create_app_starts_no_scheduler_for_commands(app, monkeypatch):
    for command in ("db", "demo", "jobs"):
        with in_click_command(command):
            assert "scheduler" not in fresh_app(app, monkeypatch).extensions


def test_create_app_under_flask_run_starts_a_background_scheduler_that_runs_jobs(app, monkeypatch):
    ran = threading.Event()

    def probe():
        ran.set()
        return {"probed": 1}

    monkeypatch.setitem(
        JOBS, "probe", Job("probe", probe, Every("OUTBOX_INTERVAL_SECONDS"), "Probe", run_at_start=True)
    )
    with in_click_command("run", reload=False):
        served = fresh_app(app, monkeypatch)
    scheduler = served.extensions["scheduler"]
    try:
        assert scheduler.running
        assert ran.wait(10)
    finally:
        scheduler.shutdown(wait=True)
    run = JobRun.get(JobRun.job == "probe")
    assert (run.status, run.summary, run.trigger) == (RunStatus.SUCCEEDED, {"probed": 1}, "scheduled")


def test_the_scheduler_process_runs_jobs_on_schedule_and_stops_on_sigterm(app, tmp_path):
    mail_dir = tmp_path / "scheduler-mail"
    make_outbox_message()
    environment = command_environment(
        app, tmp_path, MAIL_BACKEND="file", MAIL_FILE_DIR=mail_dir, OUTBOX_INTERVAL_SECONDS=1
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "portal", "scheduler", "run"],
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    mailbox = FileMailbox(str(mail_dir))
    try:
        wait_for(lambda: len(mailbox.messages()) == 1)  # sent at start
        # A run keeps claiming until the queue is empty: queue the next message
        # only once the first run has finished, so the next tick has to send it.
        wait_for(lambda: finished_runs("deliver_outbox") == 1)
        make_outbox_message()
        wait_for(lambda: len(mailbox.messages()) == 2)  # and on the next tick
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=20)
    assert process.returncode == 0, output
    assert "scheduler started with jobs: deliver_outbox" in output
    assert {m.status for m in OutboxMessage.select()} == {OutboxStatus.SENT}
    runs = list(JobRun.select().where(JobRun.job == "deliver_outbox"))
    assert len(runs) >= 2 and {r.trigger for r in runs} == {"scheduled"}
    assert {r.status for r in runs} == {RunStatus.SUCCEEDED}


def wait_for(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail("timed out waiting for the scheduler")
        time.sleep(0.1)
