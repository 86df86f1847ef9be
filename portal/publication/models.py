from __future__ import annotations

from enum import StrEnum

from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField
from playhouse.fields import EnumField

from portal.accounts.models import User
from portal.clock import utcnow
from portal.database import BaseModel
from portal.reviews.models import Review


class DocumentKind(StrEnum):
    OVERVIEW_REPORT = "overview_report"
    EXECUTIVE_SUMMARY = "executive_summary"

    @property
    def label(self) -> str:
        return "Overview report" if self is DocumentKind.OVERVIEW_REPORT else "Executive summary"


class PublishedDocument(BaseModel):
    """An anonymised PDF, stored outside static/ under a name the server chose."""

    review = ForeignKeyField(Review, backref="documents", on_delete="CASCADE")
    kind = EnumField(DocumentKind, max_length=32)
    stored_name = CharField(max_length=64, unique=True)
    original_name = CharField(max_length=120)
    size_bytes = IntegerField()
    sha256 = CharField(max_length=64)
    uploaded_at = DateTimeField(default=utcnow)
    uploaded_by = ForeignKeyField(User, on_delete="RESTRICT")

    class Meta:
        # One current document of each kind per review: a new upload replaces the row.
        indexes = ((("review", "kind"), True),)


class RemovalCheck(BaseModel):
    """Proof that a removal worked: each public URL and the status it answered.

    One verification writes a row per URL with the same checked_at. A document
    passes when it answers 404 or 410; the list of published reviews passes when
    it answers 200 without the review on it.
    """

    review = ForeignKeyField(Review, backref="removal_checks", on_delete="CASCADE")
    url = CharField(max_length=200)
    status = IntegerField()
    passed = BooleanField(default=False)
    checked_at = DateTimeField(default=utcnow)
