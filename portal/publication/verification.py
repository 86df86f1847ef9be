"""Verifying a removal through the app itself, as an anonymous visitor would see it.

After a review comes off the website (service.take_down), the public list and each of
its document URLs are requested through the app at BASE_URL; each answer is recorded as
a RemovalCheck. A document passes with 404 or 410; the list passes with 200 and the
review not on it. Anything else is audited and emailed to the admins.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass

from flask import Flask, current_app

from portal.accounts.models import Role, User
from portal.audit.service import record
from portal.clock import utcnow
from portal.extensions import db
from portal.notifications.mail import portal_url
from portal.notifications.outbox import enqueue
from portal.publication import queries
from portal.publication.models import PublishedDocument, RemovalCheck
from portal.reviews.models import Review

REMOVED_STATUSES = (404, 410)
PROBE_TIMEOUT_SECONDS = 60


@dataclass(frozen=True)
class Verification:
    checks: list[RemovalCheck]

    @property
    def passed(self) -> bool:
        return bool(self.checks) and all(check.passed for check in self.checks)


def public_paths(review: Review) -> list[str]:
    """The public list's page where the review would be, then each of its document URLs, as paths."""
    adapter = current_app.url_map.bind("portal.invalid")
    documents = PublishedDocument.select(PublishedDocument.id).where(PublishedDocument.review == review.id)
    page = queries.public_page_of(review) if review.published_on else 1
    listing = adapter.build("publication.published", {"page": page} if page > 1 else {})
    return [listing] + [
        adapter.build("publication.public_document", {"document_id": d.id})
        for d in documents.order_by(PublishedDocument.id)
    ]


def listed(html: str, reference: str) -> bool:
    """Whether the public list shows this reference (as a row marker or as cell text)."""
    pattern = rf'data-reference="{re.escape(reference)}"|>\s*{re.escape(reference)}\s*<'
    return re.search(pattern, html) is not None


def verify_removal(review: Review) -> Verification:
    paths = public_paths(review)
    answers = _probe(current_app._get_current_object(), review.reference, paths)
    base = current_app.config["BASE_URL"]
    checked_at = utcnow()
    with db.database.atomic():
        checks = [
            RemovalCheck.create(
                review=review, url=(base + path)[:200], status=status, passed=passed, checked_at=checked_at
            )
            for path, status, passed in answers
        ]
        verification = Verification(checks)
        if verification.passed:
            record("publication_removal_verified", obj=review, checks=len(checks))
        else:
            failed = [check.url for check in checks if not check.passed]
            record("publication_removal_check_failed", obj=review, failed_urls=failed)
            for address in admin_emails():
                enqueue(
                    address,
                    f"Check the removal of {review.reference} from the public website",
                    "publication_removal_check_failed",
                    dedupe_key=f"removal-check-failed:{review.id}:{address}",
                    reference=review.reference,
                    failed=[(c.url, c.status) for c in checks if not c.passed],
                    link=portal_url("publication.show", review_id=review.id),
                )
    return verification


def _probe(app: Flask, reference: str, paths: list[str]) -> list[tuple[str, int, bool]]:
    """Request each path as an anonymous visitor would, on a thread of its own.

    Its own thread, so the requests get their own application context and database
    connection (FlaskDB opens and closes one per request) without touching ours.
    Any failure to get an answer counts as a failed check (status 0).
    """
    answers: list[tuple[str, int, bool]] = []

    def run() -> None:
        client = app.test_client()
        base_url = app.config["BASE_URL"]
        for position, path in enumerate(paths):
            try:
                response = client.get(path, base_url=base_url)
                status = response.status_code
                if position == 0:
                    passed = status == 200 and not listed(response.get_data(as_text=True), reference)
                else:
                    passed = status in REMOVED_STATUSES
                response.close()
            except Exception:  # noqa: BLE001 - no answer is a failed check, reported to the admins
                status, passed = 0, False
            answers.append((path, status, passed))

    worker = threading.Thread(target=run, name="removal-check", daemon=True)
    worker.start()
    worker.join(PROBE_TIMEOUT_SECONDS)
    done = {path for path, _, _ in answers}
    return list(answers) + [(path, 0, False) for path in paths if path not in done]


def admin_emails() -> list[str]:
    admins = User.select(User.email).where(User.role == Role.ADMIN, User.active).order_by(User.email)
    return [user.email for user in admins]
