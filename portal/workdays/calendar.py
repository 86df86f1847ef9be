"""The working-day calendar: weekends, England & Wales bank holidays, and admin additions.

Bank holidays come from the `holidays` package (maintained, works offline;
England and Wales share one list) plus the BankHoliday table for anything
announced later.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import holidays

from portal.prepared_queries import prepared
from portal.workdays.models import BankHoliday


@lru_cache(maxsize=64)
def _published_holidays(year: int) -> dict[dt.date, str]:
    return dict(holidays.country_holidays("GB", subdiv="ENG", years=year))


@dataclass(frozen=True)
class SkippedDay:
    date: dt.date
    reason: str  # "Saturday", "Sunday", or the holiday's name


@dataclass(frozen=True)
class DueDate:
    """A due date with the working it was derived from, to show people."""

    start: dt.date
    working_days: int
    due: dt.date
    skipped: tuple[SkippedDay, ...]


@prepared
def _added_holidays():
    return BankHoliday.select(BankHoliday.date, BankHoliday.name).tuples()


class WorkingDayCalendar:
    def __init__(self, extra_holidays: dict[dt.date, str] | None = None):
        self.extra = dict(extra_holidays or {})

    @classmethod
    def load(cls) -> WorkingDayCalendar:
        """The calendar including every bank holiday admins have added (one query)."""
        return cls(dict(_added_holidays().rows()))

    def holiday_name(self, day: dt.date) -> str | None:
        return self.extra.get(day) or _published_holidays(day.year).get(day)

    def non_working_reason(self, day: dt.date) -> str | None:
        if day.weekday() >= 5:
            return day.strftime("%A")
        return self.holiday_name(day)

    def is_working_day(self, day: dt.date) -> bool:
        return self.non_working_reason(day) is None

    def add_working_days(self, start: dt.date, count: int) -> DueDate:
        """The `count`th working day after `start` (the first working day after it is day 1)."""
        if count < 1:
            raise ValueError("count must be at least 1")
        day, counted, skipped = start, 0, []
        while counted < count:
            day += dt.timedelta(days=1)
            reason = self.non_working_reason(day)
            if reason is None:
                counted += 1
            else:
                skipped.append(SkippedDay(day, reason))
        return DueDate(start=start, working_days=count, due=day, skipped=tuple(skipped))

    def working_days_between(self, start: dt.date, end: dt.date) -> int:
        """Working days after `start` up to and including `end` (negative if end is before start)."""
        if end < start:
            return -self.working_days_between(end, start)
        count, day = 0, start
        while day < end:
            day += dt.timedelta(days=1)
            if self.is_working_day(day):
                count += 1
        return count
