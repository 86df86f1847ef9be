"""Working-day due dates across weekends, Christmas, New Year and Easter."""

import datetime as dt

import pytest

from portal.workdays.calendar import WorkingDayCalendar

D = dt.date


@pytest.mark.parametrize(
    ("issued", "due", "why"),
    [
        (D(2026, 11, 23), D(2026, 12, 7), "a Monday: two weekends skipped"),
        (D(2026, 12, 18), D(2027, 1, 6), "Christmas and New Year: 25, 28 Dec and 1 Jan skipped"),
        (D(2027, 3, 22), D(2027, 4, 7), "Easter 2027: Good Friday 26 March and Easter Monday 29 March"),
        (D(2026, 4, 3), D(2026, 4, 20), "issued on Good Friday (a bank holiday): day 1 is the Tuesday"),
        (D(2026, 11, 21), D(2026, 12, 4), "issued on a Saturday: day 1 is the Monday"),
    ],
)
def test_ten_working_days(issued, due, why):
    assert WorkingDayCalendar().add_working_days(issued, 10).due == due, why


def test_the_working_is_shown_day_by_day():
    result = WorkingDayCalendar().add_working_days(D(2026, 12, 18), 10)
    reasons = {day.date: day.reason for day in result.skipped}
    assert reasons[D(2026, 12, 25)] == "Christmas Day"
    assert reasons[D(2026, 12, 26)] == "Saturday"
    assert reasons[D(2026, 12, 28)] == "Boxing Day (observed)"
    assert reasons[D(2027, 1, 1)] == "New Year's Day"
    assert len(result.skipped) == 9  # 3 weekends (6 days) and 3 bank holidays on weekdays


def test_an_added_holiday_counts():
    calendar = WorkingDayCalendar({D(2026, 11, 30): "One-off bank holiday"})
    assert calendar.add_working_days(D(2026, 11, 23), 10).due == D(2026, 12, 8)
    assert not calendar.is_working_day(D(2026, 11, 30))


def test_working_days_between():
    calendar = WorkingDayCalendar()
    assert calendar.working_days_between(D(2026, 11, 20), D(2026, 11, 27)) == 5
    assert calendar.working_days_between(D(2026, 11, 27), D(2026, 11, 20)) == -5
    assert calendar.working_days_between(D(2026, 12, 24), D(2026, 12, 29)) == 1
