"""Builders for publication tests: PDFs made on the spot, published reviews. Every name is invented."""

from __future__ import annotations

import datetime as dt
import hashlib
import io

from pypdf import PdfWriter

from portal.demo.publication import tiny_pdf
from portal.lifecycle.stages import Stage
from portal.publication import storage
from portal.publication.models import DocumentKind, PublishedDocument
from tests.trawls.builders import make_review


def pdf_bytes(*lines: str, pages: int = 1) -> bytes:
    """A real PDF: one page with text, or several blank pages."""
    if pages == 1:
        return tiny_pdf(*(lines or ("Anonymised overview report",)))
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def make_document(app, review, kind: DocumentKind = DocumentKind.OVERVIEW_REPORT, data: bytes | None = None):
    """A stored document, as an upload leaves it (file on disk under a server-made name, and its row)."""
    data = data or pdf_bytes(f"{review.reference} {kind.label}")
    return PublishedDocument.create(
        review=review,
        kind=kind,
        stored_name=storage.save(data, app.config),
        original_name=f"{kind.value}.pdf",
        size_bytes=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=review.review_officer,
    )


def planned_review(**values):
    """Cleared by the Home Office, publication planned: ready for its documents."""
    values.setdefault("stage", Stage.PUBLICATION_PLANNED)
    values.setdefault("cleared_on", dt.date(2026, 1, 15))
    values.setdefault("publication_planned_on", dt.date(2026, 3, 1))
    return make_review(**values)


def published_review(app, published_on: dt.date, days: int = 365, **values):
    """On the website since `published_on`, with both documents (as the lifecycle move leaves it)."""
    values.setdefault("stage", Stage.PUBLISHED)
    review = planned_review(
        published_on=published_on, removal_due_on=published_on + dt.timedelta(days=days), **values
    )
    for kind in DocumentKind:
        make_document(app, review, kind)
    return review
