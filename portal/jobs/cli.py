"""`flask --app portal scheduler run`, `jobs list` and `jobs run NAME`."""

from __future__ import annotations

import json
import logging

import click
from flask import current_app
from flask.cli import AppGroup

from portal.jobs.registry import JOBS

scheduler_cli = AppGroup("scheduler", help="The process that runs scheduled jobs.")
jobs_cli = AppGroup("jobs", help="Scheduled jobs, one at a time (for cron, or by hand).")


@scheduler_cli.command("run")
def scheduler_run():
    """Run every job on its schedule until stopped (one such process beside gunicorn)."""
    from portal.jobs.scheduler import run_forever

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    run_forever(current_app._get_current_object())


@jobs_cli.command("list")
def jobs_list():
    """Each job, when it runs and what it does."""
    for job in JOBS.values():
        click.echo(f"{job.name}: {job.schedule.describe(current_app.config)}. {job.description}.")


@jobs_cli.command("run")
@click.argument("name", type=click.Choice(sorted(JOBS)))
def jobs_run(name: str):
    """Run one job now, once (it skips if another process is running it)."""
    from portal.jobs.models import RunStatus
    from portal.jobs.runner import run_job

    run = run_job(current_app._get_current_object(), name, trigger="manual")
    if run is None:
        click.echo(f"{name} is already running in another process: nothing done.")
        return
    if run.status is RunStatus.FAILED:
        raise click.ClickException(f"{name} failed: {run.error}")
    click.echo(f"{name} finished: {json.dumps(run.summary, sort_keys=True)}")
