"""Running a job once: the JobRun log, `flask jobs ...`, and two processes at once."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys

from portal import ROOT
from portal.clock import utcnow
from portal.jobs.models import JobRun, RunStatus
from portal.jobs.registry import JOBS, Every, Job
from portal.jobs.runner import run_job
from portal.notifications.models import OutboxMessage, OutboxStatus
from tests.conftest import TEST_SECRET
from tests.factories import make_outbox_message


def test_a_run_is_logged_with_what_it_did(app, mailbox):
    make_outbox_message()
    make_outbox_message()
    run = run_job(app, "deliver_outbox")

    row = JobRun.get_by_id(run.id)
    assert (row.job, row.status, row.trigger, row.error) == (
        "deliver_outbox",
        RunStatus.SUCCEEDED,
        "manual",
        None,
    )
    assert row.summary == {"sent": 2, "retrying": 0, "failed": 0, "unknown": 0}
    assert row.started_at <= row.finished_at
    assert row.runner.endswith(f":{os.getpid()}")
    assert len(mailbox.messages()) == 2


def test_a_failing_job_is_logged_with_its_error_not_raised(app, monkeypatch):
    def explode():
        raise RuntimeError("the mail templates are missing")

    monkeypatch.setitem(
        JOBS, "deliver_outbox", Job("deliver_outbox", explode, Every("OUTBOX_INTERVAL_SECONDS"), "Send")
    )
    run = run_job(app, "deliver_outbox", trigger="scheduled")
    row = JobRun.get_by_id(run.id)
    assert (row.status, row.trigger, row.summary) == (RunStatus.FAILED, "scheduled", {})
    assert row.error == "RuntimeError: the mail templates are missing"
    assert row.finished_at is not None

    with app.app_context():
        from portal.jobs.locks import job_lock

        with job_lock("deliver_outbox") as lock:
            assert lock is not None  # released despite the failure


def test_runs_older_than_30_days_are_pruned(app):
    old = JobRun.create(
        job="deliver_outbox", started_at=utcnow() - dt.timedelta(days=31), runner="x", trigger="scheduled"
    )
    recent = JobRun.create(
        job="deliver_outbox", started_at=utcnow() - dt.timedelta(days=29), runner="x", trigger="scheduled"
    )
    other_job = JobRun.create(
        job="another_job", started_at=utcnow() - dt.timedelta(days=31), runner="x", trigger="scheduled"
    )
    run_job(app, "deliver_outbox")
    remaining = {run.id for run in JobRun.select()}
    assert old.id not in remaining and {recent.id, other_job.id} <= remaining


def test_jobs_list_and_run_commands(app, mailbox):
    cli = app.test_cli_runner()
    listed = cli.invoke(args=["jobs", "list"])
    assert listed.exit_code == 0
    assert "deliver_outbox: Every minute. Send queued emails.\n" in listed.output
    assert [line.split(":")[0] for line in listed.output.splitlines()] == list(JOBS)

    make_outbox_message()
    result = cli.invoke(args=["jobs", "run", "deliver_outbox"])
    assert result.exit_code == 0, result.output
    assert result.output == 'deliver_outbox finished: {"failed": 0, "retrying": 0, "sent": 1, "unknown": 0}\n'
    assert JobRun.get().trigger == "manual"

    assert cli.invoke(args=["jobs", "run", "no_such_job"]).exit_code == 2


def test_jobs_run_exits_non_zero_when_the_job_fails(app, monkeypatch):
    def explode():
        raise RuntimeError("boom")

    monkeypatch.setitem(
        JOBS, "deliver_outbox", Job("deliver_outbox", explode, Every("OUTBOX_INTERVAL_SECONDS"), "Send")
    )
    result = app.test_cli_runner().invoke(args=["jobs", "run", "deliver_outbox"])
    assert result.exit_code == 1
    assert "deliver_outbox failed: RuntimeError: boom" in result.output


def command_environment(app, tmp_path, **settings) -> dict:
    """What a separate `flask --app portal ...` process needs to use the test's database."""
    return {
        **os.environ,
        "PORTAL_ENV": "test",
        "PORTAL_INSTANCE_PATH": str(tmp_path / "subprocess-instance"),
        "SECRET_KEY": TEST_SECRET,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "BASE_URL": app.config["BASE_URL"],
        **{key: str(value) for key, value in settings.items()},
    }


def test_two_jobs_run_processes_at_once_send_each_message_exactly_once(app, smtp_server, tmp_path):
    messages = [make_outbox_message() for _ in range(20)]
    smtp_server.handler.delay = 0.05  # about a second of sending: the processes overlap
    environment = command_environment(
        app,
        tmp_path,
        MAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=smtp_server.port,
        SMTP_STARTTLS="0",
    )
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "portal", "jobs", "run", "deliver_outbox"],
            cwd=ROOT,
            env=environment,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = []
    for process in processes:
        stdout, stderr = process.communicate(timeout=60)
        assert process.returncode == 0, stderr
        outputs.append(stdout.strip())

    sent = 0
    for output in outputs:
        finished = re.fullmatch(r"deliver_outbox finished: (\{.*\})", output)
        assert finished or output == "deliver_outbox is already running in another process: nothing done.", (
            output
        )
        sent += json.loads(finished.group(1))["sent"] if finished else 0
    assert sent == 20
    assert smtp_server.copies_by_message_id() == {m.message_id: 1 for m in messages}
    assert {m.status for m in OutboxMessage.select()} == {OutboxStatus.SENT}
