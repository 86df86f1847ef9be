from __future__ import annotations

import datetime as dt

from peewee import IntegrityError

from portal.audit.service import record
from portal.extensions import db
from portal.workdays.models import BankHoliday


class DuplicateHolidayError(ValueError):
    pass


def add_bank_holiday(day: dt.date, name: str, actor) -> tuple[BankHoliday, int]:
    """Add a bank holiday and move the open due dates it affects. Returns (holiday, requests moved)."""
    from portal.trawls.service import recalculate_due_dates_for_holiday

    try:
        with db.database.atomic():
            holiday = BankHoliday.create(date=day, name=name.strip(), added_by=actor)
            record("bank_holiday_added", actor=actor, obj=holiday, date=day.isoformat())
            moved = recalculate_due_dates_for_holiday(day, actor)
    except IntegrityError as error:
        raise DuplicateHolidayError("This date has already been added") from error
    return holiday, moved
