from __future__ import annotations

import datetime as dt

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_login import current_user

from portal.accounts.models import Role
from portal.clock import local_today
from portal.web.access import allow
from portal.workdays.calendar import WorkingDayCalendar
from portal.workdays.forms import BankHolidayForm
from portal.workdays.models import BankHoliday
from portal.workdays.service import DuplicateHolidayError, add_bank_holiday

bp = Blueprint("workdays", __name__, url_prefix="/admin/bank-holidays")


@bp.route("", methods=["GET", "POST"])
@allow(Role.ADMIN)
def bank_holidays():
    form = BankHolidayForm()
    if form.validate_on_submit():
        try:
            holiday, moved = add_bank_holiday(form.date.data, form.name.data, current_user)
        except DuplicateHolidayError as error:
            form.date.errors.append(str(error))
        else:
            flash(f"{holiday.name} added. {moved} open due date{'s' if moved != 1 else ''} moved.", "success")
            return redirect(url_for("workdays.bank_holidays"))
    today = local_today()
    calendar = WorkingDayCalendar.load()
    upcoming = [
        (day, calendar.holiday_name(day))
        for day in (today + dt.timedelta(days=n) for n in range(0, 400))
        if calendar.holiday_name(day)
    ]
    added = list(BankHoliday.select().order_by(BankHoliday.date.desc()))
    return render_template("workdays/bank_holidays.html", form=form, upcoming=upcoming, added=added)
