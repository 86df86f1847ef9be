"""The scheduled jobs page: each job's schedule and last runs."""

from __future__ import annotations

import datetime as dt

from portal.accounts.models import Role
from portal.clock import utcnow
from portal.jobs.models import JobRun, RunStatus
from tests.factories import make_user
from tests.helpers import get_page, sign_in


def make_run(minutes_ago: float, status=RunStatus.SUCCEEDED, job="deliver_outbox", **values) -> JobRun:
    started = utcnow() - dt.timedelta(minutes=minutes_ago)
    if status is not RunStatus.RUNNING:
        values.setdefault("finished_at", started + dt.timedelta(seconds=2))
    values.setdefault("trigger", "scheduled")
    return JobRun.create(job=job, started_at=started, status=status, runner="host:1", **values)


def test_admins_see_the_last_runs_of_each_job(client):
    sign_in(client, make_user(Role.ADMIN))
    for minutes in range(20, 32):
        make_run(minutes, summary={"sent": minutes})
    make_run(15, RunStatus.FAILED, error="SMTPAuthenticationError: 535 bad credentials")
    make_run(60 * 24, RunStatus.RUNNING)  # its process died a day ago
    make_run(0.1, RunStatus.RUNNING, trigger="manual")

    soup = get_page(client, "/admin/jobs", title="Scheduled jobs")
    assert soup.select_one("#job-deliver_outbox").get_text() == "Send queued emails"
    assert "Every minute" in soup.get_text()
    rows = [
        [cell.get_text(" ", strip=True) for cell in row.select("td")]
        for row in soup.select("table[data-job=deliver_outbox] tbody tr")
    ]
    assert len(rows) == 10  # the latest ten, newest first
    assert rows[0][2] == "Running" and rows[0][4].startswith("By hand")
    assert rows[1][2] == "Failed" and "535 bad credentials" in rows[1][3]
    assert rows[2][1:4] == ["2.0s", "Succeeded", "sent: 20"]
    assert rows[9][3] == "sent: 27"  # 28 and older, and the day-old run, are not shown


def test_a_run_that_never_finished_says_so(client):
    sign_in(client, make_user(Role.ADMIN))
    make_run(60 * 24, RunStatus.RUNNING)
    soup = get_page(client, "/admin/jobs")
    [row] = soup.select("table[data-job=deliver_outbox] tbody tr")
    assert "Did not finish" in row.get_text()


def test_a_job_that_has_not_run_yet(client):
    sign_in(client, make_user(Role.ADMIN))
    soup = get_page(client, "/admin/jobs")
    assert soup.select_one("table[data-job=deliver_outbox] tbody").get_text(strip=True) == "Not run yet."
