"""Date filters: GOV.UK style, in English whatever the server's locale, in the council's timezone."""

import datetime as dt

from portal.web.filters import govuk_date, govuk_date_short, govuk_datetime


def test_dates_are_written_the_gov_uk_way():
    assert govuk_date(dt.date(2026, 9, 3)) == "3 September 2026"
    assert govuk_date_short(dt.date(2026, 9, 3)) == "3 Sep 2026"
    assert govuk_date(None) == govuk_date_short(None) == govuk_datetime(None) == ""


def test_stored_utc_times_are_shown_in_london_time(ctx):
    summer_late_evening = dt.datetime(2026, 6, 30, 23, 30)  # 00:30 on 1 July in London (BST)
    assert govuk_date(summer_late_evening) == "1 July 2026"
    assert govuk_date_short(summer_late_evening) == "1 Jul 2026"
    assert govuk_datetime(summer_late_evening) == "1 July 2026 at 12:30am"
    winter_afternoon = dt.datetime(2026, 12, 1, 15, 4)  # GMT: the same wall-clock time
    assert govuk_datetime(winter_afternoon) == "1 December 2026 at 3:04pm"
    assert govuk_datetime(dt.datetime(2026, 12, 1, 12, 0)) == "1 December 2026 at 12:00pm"
