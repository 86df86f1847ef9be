import datetime as dt

import time_machine

from portal.accounts.models import Role
from portal.jobs.runner import run_job
from portal.notifications.models import OutboxMessage
from tests.factories import make_user
from tests.trawls.builders import make_review, make_subject


def test_weekly_digest_lists_deadlines_once_a_week(app):
    officer = make_user(Role.REVIEW_OFFICER, email="digest.officer@portal.example")
    soon = make_review(officer=officer, reference="DHR-2026-050", date_notified=dt.date(2026, 11, 1))
    make_subject(soon, full_name="Never In Email")
    make_review(officer=officer, reference="DHR-2026-051", date_notified=dt.date(2026, 11, 20))  # due 20 Dec
    make_review(reference="DHR-2026-052", date_notified=dt.date(2026, 11, 2))  # another officer's
    monday = dt.datetime(2026, 11, 23, 9, tzinfo=dt.UTC)
    with time_machine.travel(monday, tick=False):
        first = run_job(app, "deadline_digest")
        again = run_job(app, "deadline_digest")
    assert first.summary == {"officers": 2, "digests": 2}
    assert again.summary["digests"] == 0
    mine = OutboxMessage.get(OutboxMessage.recipient == "digest.officer@portal.example")
    assert "DHR-2026-050" in mine.text_body and "1 December 2026" in mine.text_body
    assert "DHR-2026-051" not in mine.text_body  # due after the next 14 days
    assert "Never In Email" not in mine.text_body + mine.html_body
    with time_machine.travel(monday + dt.timedelta(days=7), tick=False):
        assert run_job(app, "deadline_digest").summary["digests"] == 2
