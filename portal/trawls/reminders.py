"""Reminders for trawl returns: which one is due for a request today, and sending it once.

Stages, counted in working days (weekends and England & Wales bank holidays
never count, and no reminder is sent on them):

- before_due: REMINDER_DAYS_BEFORE_DUE (2) working days before the due date;
- due_today: on the due date;
- overdue_N: every REMINDER_OVERDUE_EVERY_DAYS (3) working days while overdue (N = 3, 6, 9...);
- escalation: to the review officer once, ESCALATION_DAYS_OVERDUE (5) working days overdue.

Only the latest stage that has come due is ever sent, so a job that missed
days (the server was down) catches up with one reminder, not a burst of stale
ones. A TrawlReminder row per (request, due date, stage) has a unique index:
a second run, or a second process, inserts nothing and sends nothing. An
extension gives a new due date, and with it a new series.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass

from portal.accounts.models import Role, User
from portal.accounts.queries import active_user_emails
from portal.clock import utcnow
from portal.extensions import db
from portal.notifications.mail import portal_url
from portal.notifications.outbox import enqueue
from portal.organisations.models import Agency
from portal.reviews.models import Review
from portal.trawls.models import ReminderStage, RequestStatus, TrawlReminder, TrawlRequest
from portal.workdays.calendar import WorkingDayCalendar

BATCH = 200  # requests per transaction


@dataclass(frozen=True)
class ReminderRules:
    days_before_due: int = 2
    overdue_every: int = 3
    escalate_after: int = 5

    @classmethod
    def from_config(cls, config: Mapping) -> ReminderRules:
        return cls(
            days_before_due=config["REMINDER_DAYS_BEFORE_DUE"],
            overdue_every=config["REMINDER_OVERDUE_EVERY_DAYS"],
            escalate_after=config["ESCALATION_DAYS_OVERDUE"],
        )


def agency_stage(
    due: dt.date, today: dt.date, calendar: WorkingDayCalendar, rules: ReminderRules
) -> str | None:
    """The latest reminder to the agency that has come due by `today` (a working day), if any."""
    if today < due:
        if calendar.working_days_between(today, due) <= rules.days_before_due:
            return ReminderStage.BEFORE_DUE.value
        return None
    overdue = calendar.working_days_between(due, today)
    step = overdue // rules.overdue_every * rules.overdue_every
    return f"{ReminderStage.OVERDUE.value}_{step}" if step else ReminderStage.DUE_TODAY.value


def escalation_due(due: dt.date, today: dt.date, calendar: WorkingDayCalendar, rules: ReminderRules) -> bool:
    return today > due and calendar.working_days_between(due, today) >= rules.escalate_after


def send_due_reminders(today: dt.date, config: Mapping) -> dict[str, int]:
    """Queue today's reminders and escalations; safe to run any number of times."""
    calendar = WorkingDayCalendar.load()
    counts = {"candidates": 0, "reminders": 0, "escalations": 0, "no_recipient": 0}
    if not calendar.is_working_day(today):
        counts["skipped_non_working_day"] = 1
        return counts
    rules = ReminderRules.from_config(config)
    candidates = list(due_candidates(scan_horizon(today, calendar, rules)))
    counts["candidates"] = len(candidates)
    for start in range(0, len(candidates), BATCH):
        batch = candidates[start : start + BATCH]
        with db.database.atomic():
            _send_batch(batch, today, calendar, rules, counts)
    return counts


def scan_horizon(today: dt.date, calendar: WorkingDayCalendar, rules: ReminderRules) -> dt.date:
    """The last due date the scan reads: due within days_before_due working days, up to the day
    before the next working day after that, so a date set by hand or by an extension on a
    weekend or bank holiday is reminded too."""
    return calendar.add_working_days(today, rules.days_before_due + 1).due - dt.timedelta(days=1)


def due_candidates(horizon: dt.date):
    """The scan: requests awaiting a return and due by `horizon` (or overdue), on open reviews
    that are not suspended, with their review and agency.

    One range scan of the (status, due_date) index, so its cost follows the requests in the
    reminder window, not the size of the table (bench/reminders.py measures it).
    """
    return (
        TrawlRequest.select(TrawlRequest, Review, Agency)
        .join(Review)
        .switch(TrawlRequest)
        .join(Agency)
        .where(
            TrawlRequest.status == RequestStatus.AWAITING,
            TrawlRequest.due_date <= horizon,
            Review.is_open,
            Review.suspended_since.is_null(),  # suspended reviews are not chased
        )
        .order_by(TrawlRequest.id)
    )


def _send_batch(batch: list[TrawlRequest], today, calendar, rules, counts) -> None:
    sent = {
        (row.request_id, row.due_date, row.stage)
        for row in TrawlReminder.select(
            TrawlReminder.request, TrawlReminder.due_date, TrawlReminder.stage
        ).where(TrawlReminder.request.in_([r.id for r in batch]))
    }
    leads = _lead_emails({r.agency_id for r in batch})
    officers = active_user_emails({r.review.review_officer_id for r in batch if r.review.review_officer_id})
    for request in batch:
        stage = agency_stage(request.due_date, today, calendar, rules)
        if stage and (request.id, request.due_date, stage) not in sent:
            recipients = leads.get(request.agency_id) or [request.agency.contact_email]
            if _claim(request, stage, today):
                for address in recipients:
                    enqueue(
                        address,
                        f"Trawl request {request.review.reference}: "
                        + ("overdue" if stage.startswith("overdue") else "due " + _short(request.due_date)),
                        "trawl_reminder",
                        dedupe_key=f"reminder:{request.id}:{request.due_date.isoformat()}:{stage}:{address}",
                        reference=request.review.reference,
                        agency=request.agency.name,
                        due_date=request.due_date,
                        overdue=stage.startswith("overdue"),
                        due_today=stage == ReminderStage.DUE_TODAY.value,
                        link=portal_url("inbox.show", request_id=request.id),
                    )
                TrawlRequest.update(last_reminder_at=utcnow(), last_reminder_stage=stage).where(
                    TrawlRequest.id == request.id
                ).execute()
                counts["reminders"] += 1
        escalation = ReminderStage.ESCALATION.value
        if escalation_due(request.due_date, today, calendar, rules) and (
            (request.id, request.due_date, escalation) not in sent
        ):
            officer = officers.get(request.review.review_officer_id)
            if officer is None:
                counts["no_recipient"] += 1
                continue
            if _claim(request, escalation, today):
                enqueue(
                    officer,
                    f"Overdue trawl return: {request.review.reference}",
                    "trawl_escalation",
                    dedupe_key=f"escalation:{request.id}:{request.due_date.isoformat()}",
                    reference=request.review.reference,
                    agency=request.agency.name,
                    due_date=request.due_date,
                    days_overdue=calendar.working_days_between(request.due_date, today),
                    link=portal_url("trawls.show_request", request_id=request.id),
                )
                counts["escalations"] += 1


def _claim(request: TrawlRequest, stage: str, today: dt.date) -> bool:
    """Insert the reminder's row; False if it already exists (another run got there first)."""
    inserted = (
        TrawlReminder.insert(
            request=request.id, due_date=request.due_date, stage=stage, sent_on=today, created_at=utcnow()
        )
        .on_conflict(
            action="NOTHING",
            conflict_target=[TrawlReminder.request, TrawlReminder.due_date, TrawlReminder.stage],
        )
        .as_rowcount()
        .execute()
    )
    return inserted == 1


def _lead_emails(agency_ids: set[int]) -> dict[int, list[str]]:
    emails: dict[int, list[str]] = {}
    rows = (
        User.select(User.agency, User.email)
        .where(User.agency.in_(list(agency_ids)), User.role == Role.AGENCY_LEAD, User.active)
        .order_by(User.email)
        .tuples()
    )
    for agency_id, email in rows:
        emails.setdefault(agency_id, []).append(email)
    return emails


def _short(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"
