"""Times as people type them, and the London clock: no app or database needed."""

import datetime as dt

import pytest

from portal.clock import local_to_utc
from portal.media_inquiries.forms import format_time, parse_time


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9:30am", dt.time(9, 30)),
        ("9.30 PM", dt.time(21, 30)),
        ("2pm", dt.time(14, 0)),
        ("12am", dt.time(0, 0)),
        ("12:15pm", dt.time(12, 15)),
        ("14:30", dt.time(14, 30)),
        ("noon", dt.time(12, 0)),
        ("midnight", dt.time(0, 0)),
        ("9", None),  # morning or evening?
        ("13pm", None),
        ("24:00", None),
        ("9:75", None),
        ("soon", None),
        ("", None),
    ],
)
def test_parse_time(typed, expected):
    assert parse_time(typed) == expected


def test_times_round_trip_and_british_summer_time_is_stored_as_utc():
    assert format_time(dt.time(17, 5)) == "5:05pm" and parse_time(format_time(dt.time(0, 40))) == dt.time(
        0, 40
    )
    assert local_to_utc(dt.datetime(2026, 7, 1, 14, 30)) == dt.datetime(2026, 7, 1, 13, 30)
    assert local_to_utc(dt.datetime(2026, 12, 1, 14, 30)) == dt.datetime(2026, 12, 1, 14, 30)
