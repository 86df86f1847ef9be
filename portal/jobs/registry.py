"""Every scheduled job: name -> what it runs and when. Times are the council's (TIMEZONE).

A job is a module in portal/jobs/ whose `run()` returns a dict of counts
(what it did, shown on /admin/jobs) and is safe to run twice: it runs inside
an app context and a database connection, under its lock, and `flask --app
portal jobs run NAME` can start it by hand at any time. Add it with one line:

    Job("trawl_reminders", trawl_reminders.run, DailyAt(7, 30), "Remind agencies of returns due"),
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from portal.jobs import (
    deadline_digest,
    deliver_outbox,
    family_contact_reminders,
    media_deadline_reminders,
    publication_removal,
    retention,
    trawl_reminders,
)


@dataclass(frozen=True)
class Every:
    """Every N seconds, N read from a setting (so tests and deployments can change it)."""

    setting: str

    def trigger(self, config: Mapping) -> BaseTrigger:
        if config[self.setting] < 1:
            raise ValueError(f"{self.setting} must be at least 1 second")
        return IntervalTrigger(seconds=config[self.setting], timezone=ZoneInfo(config["TIMEZONE"]))

    def describe(self, config: Mapping) -> str:
        seconds = config[self.setting]
        if seconds % 60 == 0:
            minutes = seconds // 60
            return "Every minute" if minutes == 1 else f"Every {minutes} minutes"
        return f"Every {seconds} seconds"


@dataclass(frozen=True)
class DailyAt:
    """Once a day at a wall-clock time in the council's timezone (BST and GMT alike)."""

    hour: int
    minute: int = 0

    def trigger(self, config: Mapping) -> BaseTrigger:
        return CronTrigger(hour=self.hour, minute=self.minute, timezone=ZoneInfo(config["TIMEZONE"]))

    def describe(self, config: Mapping) -> str:
        hour = self.hour % 12 or 12
        suffix = "am" if self.hour < 12 else "pm"
        return f"Every day at {hour}:{self.minute:02d}{suffix}"


@dataclass(frozen=True)
class WeeklyAt:
    """Once a week, on a weekday (0 = Monday), at a wall-clock time in the council's timezone."""

    weekday: int
    hour: int
    minute: int = 0

    DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

    def trigger(self, config: Mapping) -> BaseTrigger:
        return CronTrigger(
            day_of_week=self.DAYS[self.weekday],
            hour=self.hour,
            minute=self.minute,
            timezone=ZoneInfo(config["TIMEZONE"]),
        )

    def describe(self, config: Mapping) -> str:
        hour = self.hour % 12 or 12
        suffix = "am" if self.hour < 12 else "pm"
        day = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[self.weekday]
        return f"Every {day} at {hour}:{self.minute:02d}{suffix}"


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], dict]
    schedule: Every | DailyAt | WeeklyAt
    description: str
    # Also run as soon as the scheduler starts (catching up after a restart).
    run_at_start: bool = False


JOBS: dict[str, Job] = {
    job.name: job
    for job in (
        Job(
            "deliver_outbox",
            deliver_outbox.run,
            Every("OUTBOX_INTERVAL_SECONDS"),
            "Send queued emails",
            run_at_start=True,
        ),
        Job(
            "deadline_digest",
            deadline_digest.run,
            WeeklyAt(0, 8),
            "Email each review officer their statutory deadlines due in the next 14 days",
            run_at_start=True,  # at most one a week per officer (dedupe key), so catching up is safe
        ),
        Job(
            "trawl_reminders",
            trawl_reminders.run,
            DailyAt(7, 30),
            "Remind agencies of trawl returns due or overdue; escalate to review officers",
            # A scheduler that was down at 7:30 catches up when it starts (once: see reminders.py).
            run_at_start=True,
        ),
        Job(
            "publication_removal",
            publication_removal.run,
            DailyAt(6, 0),
            "Take published reports off the website after a year, and verify it; remind the CSP team before",
            # A scheduler that was down catches up when it starts: removals are versioned moves and
            # reminders carry dedupe keys, so a second run does nothing (see publication/removal.py).
            run_at_start=True,
        ),
        Job(
            "family_contact_reminders",
            family_contact_reminders.run,
            DailyAt(7, 45),
            "Remind review officers of family contact due today",
            run_at_start=True,  # once per entry and date (unique index), so catching up is safe
        ),
        Job(
            "media_deadline_reminders",
            media_deadline_reminders.run,
            Every("MEDIA_REMINDER_INTERVAL_SECONDS"),
            "Remind media inquiry owners before the journalist's deadline",
            run_at_start=True,  # once per inquiry and deadline (unique index), so catching up is safe
        ),
        Job(
            "retention",
            retention.run,
            # A quiet hour that exists on both clock-change days. Not at start: a missed night
            # waits for the next, and deleting is never urgent.
            DailyAt(2, 30),
            "Delete records past their retention period, unless a legal hold keeps them",
        ),
    )
}
