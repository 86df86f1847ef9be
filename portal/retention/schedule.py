"""The retention schedule: each class of record, how long it is kept, and when its clock starts.

Periods are settings (README: Configuration), so the council's records manager can
change them without code. A class tied to a review is kept while a legal hold stands.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum


class RecordClass(StrEnum):
    REVIEW_PERSONAL_DATA = "review_personal_data"
    PUBLISHED_REPORT = "published_report"
    MEDIA_INQUIRY = "media_inquiry"
    SIGN_IN_RECORDS = "sign_in_records"


@dataclass(frozen=True)
class ClassRule:
    record_class: RecordClass
    label: str
    setting: str
    unit: str  # "years" or "days"
    counted_from: str
    deleted: str
    kept: str
    held: bool  # a legal hold on the review keeps it

    def period(self, config: Mapping) -> int:
        value = config[self.setting]
        if not isinstance(value, int) or value < 1:
            raise ValueError(f"{self.setting} must be a whole number of at least 1")
        return value

    def describe(self, config: Mapping) -> str:
        value = config[self.setting]
        unit = self.unit[:-1] if value == 1 else self.unit
        return f"{value} {unit}"

    def due_after(self, start: dt.date, config: Mapping) -> dt.date:
        """The first day the record is past retention (on or after it, it is deleted)."""
        period = self.period(config)
        if self.unit == "days":
            return start + dt.timedelta(days=period)
        return add_years(start, period)


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


RULES: dict[RecordClass, ClassRule] = {
    rule.record_class: rule
    for rule in (
        ClassRule(
            RecordClass.REVIEW_PERSONAL_DATA,
            "A review's personal data",
            "RETENTION_REVIEW_PERSONAL_DATA_YEARS",
            "years",
            "the review closed (concluded, or not commissioned)",
            "The people searched for and the copies of them frozen in each trawl, the agencies' "
            "summaries and notes, extension reasons, the family members and the whole family contact "
            "log, the panel chair's contact details, free-text notes on the timeline, suspensions and "
            "Home Office returns, and the review's title (often initials).",
            "The review's reference, type, partnership, officer, stages, dates and decisions, which "
            "agencies were asked and how each answered (nil return or involvement), and the audit log.",
            held=True,
        ),
        ClassRule(
            RecordClass.PUBLISHED_REPORT,
            "Published report files",
            "RETENTION_PUBLISHED_REPORT_YEARS",
            "years",
            "the review closed",
            "The anonymised overview report and executive summary (the PDF files and their records).",
            "The publication and removal dates, where the report was available, and the removal checks.",
            held=True,
        ),
        ClassRule(
            RecordClass.MEDIA_INQUIRY,
            "Media inquiries",
            "RETENTION_MEDIA_INQUIRY_YEARS",
            "years",
            "the inquiry was answered or closed",
            "The whole inquiry: the journalist, the question, drafts, the response, who was told, "
            "its history and reminders.",
            "Nothing but the audit log's entries (ids and states only).",
            held=True,
        ),
        ClassRule(
            RecordClass.SIGN_IN_RECORDS,
            "Sign-in records",
            "RETENTION_SIGN_IN_RECORDS_DAYS",
            "days",
            "the session ended or was last used, or the set-password link was used or expired",
            "Ended sign-in sessions (with the address they came from) and used or expired "
            "set-password links.",
            "The audit log's sign-in entries.",
            held=False,
        ),
    )
}
