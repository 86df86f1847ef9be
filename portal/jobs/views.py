"""The scheduled jobs page for admins: what each job did on its last runs."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, current_app, render_template

from portal.accounts.models import Role
from portal.clock import utcnow
from portal.jobs import queries
from portal.jobs.registry import JOBS
from portal.web.access import allow

bp = Blueprint("jobs", __name__, url_prefix="/admin/jobs")


@bp.route("")
@allow(Role.ADMIN)
def runs():
    recent = queries.recent_runs()
    config = current_app.config
    return render_template(
        "jobs/runs.html",
        jobs=[
            {"job": job, "schedule": job.schedule.describe(config), "runs": recent.get(name, [])}
            for name, job in JOBS.items()
        ],
        # A run with no end older than this will not finish: its process stopped.
        abandoned_before=utcnow() - dt.timedelta(seconds=config["JOB_LOCK_LEASE_SECONDS"]),
    )
