"""Two fictional published reviews, with small generated PDFs: one published about eleven
months ago (so its removal reminder is near) and one published last week."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
from collections.abc import Mapping

from pypdf import PdfWriter
from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject

from portal.accounts.models import User
from portal.clock import local_today
from portal.lifecycle.models import StageTransition
from portal.lifecycle.stages import DecisionOutcome, Stage
from portal.organisations.models import Agency, Partnership
from portal.publication import storage
from portal.publication.models import DocumentKind, PublishedDocument
from portal.reviews.models import Review, ReviewKind

# (reference, title, days since published)
PUBLISHED = (
    ("DHR-2024-003", "A.P. 2024", 335),
    ("DHR-2024-005", "L.F. 2024", 7),
)


def tiny_pdf(*lines: str) -> bytes:
    """A one-page PDF showing `lines` in Helvetica: small, valid, made here (no fonts to ship)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Font"),
            NameObject("/Subtype"): NameObject("/Type1"),
            NameObject("/BaseFont"): NameObject("/Helvetica"),
        }
    )
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): font})}
    )
    text = " ".join(f"({_escape(line)}) Tj 0 -28 Td" for line in lines)
    content = DecodedStreamObject()
    content.set_data(f"BT /F1 18 Tf 72 760 Td {text} ET".encode("latin-1"))
    page.replace_contents(content)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def load_demo_publications(officer: User, partnership: Partnership, config: Mapping) -> int:
    today = local_today()
    press_office = Agency.select().order_by(Agency.name).first()
    for reference, title, age in PUBLISHED:
        published_on = today - dt.timedelta(days=age)
        notified = published_on - dt.timedelta(days=540)
        review = Review.create(
            reference=reference,
            kind=ReviewKind.DHR,
            title=title,
            partnership=partnership,
            review_officer=officer,
            date_notified=notified,
            date_of_death=notified - dt.timedelta(days=4),
            created_by=officer,
            stage=Stage.PUBLISHED,
            decision_outcome=DecisionOutcome.REVIEW,
            decision_on=notified + dt.timedelta(days=25),
            home_office_told_on=notified + dt.timedelta(days=27),
            chair_appointed_on=notified + dt.timedelta(days=40),
            tor_agreed_on=notified + dt.timedelta(days=55),
            report_submitted_on=notified + dt.timedelta(days=195),
            cleared_on=published_on - dt.timedelta(days=60),
            publication_planned_on=published_on,
            lead_press_office=press_office,
            published_on=published_on,
            removal_due_on=published_on + dt.timedelta(days=config["PUBLICATION_DAYS"]),
        )
        for before, after in (
            (Stage.CLEARED, Stage.PUBLICATION_PLANNED),
            (Stage.PUBLICATION_PLANNED, Stage.PUBLISHED),
        ):
            StageTransition.create(
                review=review, from_stage=before.value, to_stage=after.value, by=officer, note="Demo data"
            )
        for kind in DocumentKind:
            data = tiny_pdf(f"{reference}: {kind.label.lower()}", "Fictional demonstration document.")
            PublishedDocument.create(
                review=review,
                kind=kind,
                stored_name=storage.save(data, config),
                original_name=f"{reference} {kind.label.lower()} (anonymised).pdf",
                size_bytes=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
                uploaded_by=officer,
                uploaded_at=dt.datetime.combine(published_on - dt.timedelta(days=2), dt.time(10, 0)),
            )
    return len(PUBLISHED)
