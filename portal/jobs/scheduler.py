"""The APScheduler that runs the registry's jobs.

Production: `flask --app portal scheduler run`, one process beside gunicorn.
Development: SCHEDULER_IN_PROCESS=1 starts a background scheduler inside the
web process that `flask run` serves (`make run` does this). Either way each
run takes the job's database lock, so a second scheduler started by mistake
does no duplicate work.
"""

from __future__ import annotations

import atexit
import datetime as dt
import logging
import os
import signal
from zoneinfo import ZoneInfo

import click
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask
from flask.helpers import get_debug_flag

from portal.jobs.registry import JOBS
from portal.jobs.runner import run_job

log = logging.getLogger(__name__)

JOB_DEFAULTS = {
    "coalesce": True,  # after a pause, one catch-up run, not one per missed slot
    "max_instances": 1,
    "misfire_grace_time": 300,
}


def build_scheduler(app: Flask, *, blocking: bool) -> BaseScheduler:
    zone = ZoneInfo(app.config["TIMEZONE"])
    kind = BlockingScheduler if blocking else BackgroundScheduler
    scheduler = kind(timezone=zone, job_defaults=JOB_DEFAULTS)
    for job in JOBS.values():
        extra = {"next_run_time": dt.datetime.now(zone)} if job.run_at_start else {}
        scheduler.add_job(
            run_job,
            trigger=job.schedule.trigger(app.config),
            args=(app, job.name, "scheduled"),
            id=job.name,
            name=job.name,
            **extra,
        )
    return scheduler


def run_forever(app: Flask) -> None:
    """The scheduler process. SIGTERM or Ctrl-C: start nothing new, let a running job finish."""
    scheduler = build_scheduler(app, blocking=True)

    def stop(signum, frame):
        log.info("scheduler stopping (signal %s); a running job will finish first", signum)
        scheduler.shutdown(wait=False)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    log.info("scheduler started with jobs: %s", ", ".join(JOBS))
    scheduler.start()


def start_in_process(app: Flask) -> BackgroundScheduler | None:
    """From create_app: a background scheduler, only when asked for and only in a web server."""
    if not app.config["SCHEDULER_IN_PROCESS"] or app.testing or not serving_requests():
        return None
    scheduler = build_scheduler(app, blocking=False)
    scheduler.start()
    atexit.register(_stop, scheduler)
    app.extensions["scheduler"] = scheduler
    log.info("in-process scheduler started (SCHEDULER_IN_PROCESS)")
    return scheduler


def _stop(scheduler: BaseScheduler) -> None:
    if scheduler.running:  # it may have been stopped already
        scheduler.shutdown(wait=False)


def serving_requests() -> bool:
    """True under `flask run` or a WSGI server; False under every other flask command.

    `flask db upgrade`, `demo load`, `jobs run`, `scheduler run`, `shell`...
    load the app too, and must not start a second scheduler.
    """
    context = click.get_current_context(silent=True)
    if context is None:
        return True  # gunicorn or another WSGI server imported wsgi.py
    if context.info_name != "run":
        return False
    reload = context.params.get("reload")
    if reload is None:
        reload = get_debug_flag()
    # With the reloader, a watcher process loads the app and a child serves it.
    return not reload or os.environ.get("WERKZEUG_RUN_MAIN") == "true"
