"""The removal job while another connection writes (found by drills/scheduler.py).

On SQLite the job used to walk its list of due reviews straight from the cursor. A
half-read SELECT keeps the snapshot it started with, so once another connection
(the outbox sender's thread, a second scheduler, the web app) had written, the
removal's own write transaction failed at once with "database is locked", and
the report stayed on the website until the next day's run.
"""

from __future__ import annotations

import datetime as dt
import threading

from portal.clock import local_today
from portal.extensions import db
from portal.jobs.models import JobRun
from portal.jobs.runner import run_job
from portal.lifecycle.stages import Stage
from portal.publication import removal
from portal.reviews.models import Review
from tests.publication.builders import published_review


def write_elsewhere() -> None:
    """A write on another connection, as the sender's thread or a second process makes."""

    def write():
        try:
            JobRun.create(job="deliver_outbox", runner="elsewhere:1", trigger="scheduled")
        finally:
            db.database.close()

    writer = threading.Thread(target=write)
    writer.start()
    writer.join()


def test_reports_come_off_although_others_write_meanwhile(app, monkeypatch):
    with app.app_context():
        year_ago = local_today() - dt.timedelta(days=365)
        reviews = [published_review(app, year_ago) for _ in range(3)]
    take_down = removal.take_down

    def others_write_first(*args, **kwargs):
        write_elsewhere()
        return take_down(*args, **kwargs)

    monkeypatch.setattr(removal, "take_down", others_write_first)
    run = run_job(app, "publication_removal")

    assert run.status.value == "succeeded", run.error
    assert run.summary["removed"] == 3
    with app.app_context():
        stages = {r.stage for r in Review.select().where(Review.id.in_([r.id for r in reviews]))}
    assert stages == {Stage.REMOVED_FROM_WEBSITE}
