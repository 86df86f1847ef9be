"""Named reads for publication, and the CSP team's overview of their partnership's reviews.

Every list is a fixed number of queries, whatever its length.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from peewee import JOIN, SQL, fn

from portal.accounts.models import User
from portal.lifecycle import timescales as deadlines
from portal.lifecycle.models import HomeOfficeReturn
from portal.lifecycle.stages import Stage
from portal.organisations.models import Agency, Partnership
from portal.prepared_queries import CountedWithoutJoins, prepared
from portal.publication.models import PublishedDocument, RemovalCheck
from portal.reviews.models import Review
from portal.trawls import queries as trawl_queries
from portal.web.pagination import Page, paginate

REMOVAL_SOON_DAYS = 60

# The CSP team's filter: every stage in exactly one group.
STAGE_GROUPS: dict[str, tuple[str, tuple[Stage, ...]]] = {
    "before-decision": (
        "Before the decision",
        (Stage.NOTIFIED, Stage.INITIAL_SCOPING, Stage.DECISION_PENDING),
    ),
    "in-progress": (
        "Review in progress",
        (
            Stage.COMMISSIONED,
            Stage.TERMS_OF_REFERENCE_AGREED,
            Stage.REPORT_IN_PROGRESS,
            Stage.FAMILY_REVIEW_OF_DRAFT,
        ),
    ),
    "home-office": (
        "With the Home Office",
        (Stage.SUBMITTED_TO_HOME_OFFICE, Stage.RETURNED_FOR_AMENDMENT, Stage.RESUBMITTED),
    ),
    "published": (
        "Cleared and published",
        (
            Stage.CLEARED,
            Stage.PUBLICATION_PLANNED,
            Stage.PUBLISHED,
            Stage.REMOVED_FROM_WEBSITE,
            Stage.ACTION_PLAN_MONITORING,
        ),
    ),
    "closed": ("Closed", (Stage.NOT_COMMISSIONED, Stage.CONCLUDED)),
}


def removal_date(review: Review) -> dt.date | None:
    """The day the review comes off the website: a year after publication, or after a hold."""
    if review.removal_due_on is None:
        return None
    if review.held_until is not None:
        return max(review.removal_due_on, review.held_until + dt.timedelta(days=1))
    return review.removal_due_on


def is_published(review: Review) -> bool:
    return review.stage is Stage.PUBLISHED


def _on_website():
    return (Review.stage == Stage.PUBLISHED) & Review.removed_on.is_null()


# The public list -------------------------------------------------------------------------


PUBLIC_PAGE_SIZE = 25


def public_reviews():
    """Reviews on the website, newest publication first: only the columns the public page shows.

    The reference breaks ties, so every review is on exactly one page of the list."""
    # Read in the order of the index review_on_website_newest_first (stage, published_on DESC,
    # reference, removed_on), so a page reads its own rows and the list is counted from the index
    # alone (on the reviews: the join only gives the partnership's name). Publishing always sets
    # published_on, so the list does not ask for it: asking made PostgreSQL expect 10 reviews where
    # there are hundreds, and sort them all for each page.
    return (
        CountedWithoutJoins(
            Review, (Review.id, Review.reference, Review.title, Review.published_on, Partnership.name)
        )
        .join(Partnership)
        .where(_on_website())
        .order_by(Review.published_on.desc(), Review.reference)
    )


def public_page_of(review: Review) -> int:
    """The page of the public list this review is (or, if wrongly still listed, would be) on:
    the removal check must read that page, not only the first (old reports are on the last)."""
    before = (
        public_reviews()
        .where(
            (Review.id != review.id)
            & (
                (Review.published_on > review.published_on)
                | ((Review.published_on == review.published_on) & (Review.reference < review.reference))
            )
        )
        .count()
    )
    return before // PUBLIC_PAGE_SIZE + 1


def with_documents(reviews: list[Review]) -> list[tuple[Review, dict]]:
    """Each review with its documents ({kind: document}), in one more query."""
    documents = documents_by_review([review.id for review in reviews])
    return [(review, documents.get(review.id, {})) for review in reviews]


@prepared
def _public_reviews():
    return public_reviews()


def public_reviews_page() -> Page:
    """The requested page of the public list, prepared (three queries with its documents)."""
    return paginate(_public_reviews(), size=PUBLIC_PAGE_SIZE)


@prepared
def _documents_of(review_ids):
    return PublishedDocument.select(
        PublishedDocument.id, PublishedDocument.review, PublishedDocument.kind, PublishedDocument.size_bytes
    ).where(PublishedDocument.review.in_(review_ids.many(PUBLIC_PAGE_SIZE)))


def documents_by_review(review_ids: list[int]) -> dict[int, dict]:
    """{review id: {kind: document}} with the columns a link needs (no uploader, no file name):
    one query per PUBLIC_PAGE_SIZE reviews."""
    grouped: dict[int, dict] = {}
    for document in _documents_of().rows_in_chunks("review_ids", review_ids=review_ids):
        grouped.setdefault(document.review_id, {})[document.kind] = document
    return grouped


def public_document(document_id: int) -> PublishedDocument | None:
    """A document with the little of its review that decides whether it is public."""
    return (
        PublishedDocument.select(
            PublishedDocument, Review.id, Review.reference, Review.stage, Review.removed_on
        )
        .join(Review)
        .where(PublishedDocument.id == document_id)
        .first()
    )


# A review's publication page ---------------------------------------------------------------


def review_for_publication(review_id: int):
    return (
        Review.select(Review, Partnership, Agency)
        .join(Partnership)
        .switch(Review)
        .join(Agency, JOIN.LEFT_OUTER, on=(Review.lead_press_office == Agency.id))
        .where(Review.id == review_id)
    )


def documents_of(review: Review) -> dict:
    uploader = User.alias()
    rows = (
        PublishedDocument.select(PublishedDocument, uploader)
        .join(uploader, on=(PublishedDocument.uploaded_by == uploader.id))
        .where(PublishedDocument.review == review.id)
    )
    return {document.kind: document for document in rows}


def latest_removal_checks(review: Review) -> list[RemovalCheck]:
    """The most recent verification's checks (one verification shares a checked_at)."""
    checks = list(
        RemovalCheck.select()
        .where(RemovalCheck.review == review.id)
        .order_by(RemovalCheck.checked_at.desc(), RemovalCheck.id)
    )
    return [check for check in checks if check.checked_at == checks[0].checked_at] if checks else []


# The scheduled job ---------------------------------------------------------------------------


def due_for_removal(today: dt.date):
    """On the website, a year (or a hold) is up: removal day on or before today."""
    return (
        Review.select()
        .where(
            _on_website(),
            Review.removal_due_on <= today,
            Review.held_until.is_null() | (Review.held_until < today),
        )
        .order_by(Review.removal_due_on, Review.id)
    )


def removal_within(horizon: dt.date):
    """On the website and coming off it by `horizon` (its removal day is at most then)."""
    return (
        Review.select()
        .where(
            _on_website(),
            Review.removal_due_on <= horizon,
            Review.held_until.is_null() | (Review.held_until < horizon),
        )
        .order_by(Review.removal_due_on, Review.id)
    )


# The CSP team's overview -------------------------------------------------------------------


def removal_soon_horizon(today: dt.date) -> dt.date:
    return today + dt.timedelta(days=REMOVAL_SOON_DAYS)


# What the CSP team's view shows of a review, and what its deadlines, Home Office status and
# removal date are worked out from (deadlines.timescales, home_office_status, removal_date): a
# review has 41 columns, and reading them all cost more than the rest of the query.
PARTNERSHIP_VIEW_COLUMNS = (
    Review.id,
    Review.reference,
    Review.title,
    Review.stage,
    Review.suspended_since,
    Review.date_notified,
    Review.decision_on,
    Review.decision_outcome,
    Review.home_office_told_on,
    Review.report_submitted_on,
    Review.cleared_on,
    Review.publication_planned_on,
    Review.published_on,
    Review.removal_due_on,
    Review.held_until,
    Review.removed_on,
    # The Home Office's returns for amendment, counted per row (an index lookup each): a page of
    # 25 asked for them in a statement of its own, a round trip dearer.
    HomeOfficeReturn.select(fn.COUNT(SQL("*")))
    .where(HomeOfficeReturn.review == Review.id)
    .alias("home_office_returned"),
    HomeOfficeReturn.select(fn.COUNT(SQL("*")))
    .where(HomeOfficeReturn.review == Review.id, HomeOfficeReturn.resubmitted_on.is_null())
    .alias("home_office_waiting"),
)


def partnership_reviews(partnership_id: int, *, group: str, removal_soon: bool, today: dt.date, horizon):
    """Every review of the partnership with its trawl counts (one query), filtered by stage group
    or by coming off the website by `horizon` (removal_soon_horizon(today))."""
    query = trawl_queries.overview(
        partnership_id=partnership_id, open_only=False, today=today, columns=PARTNERSHIP_VIEW_COLUMNS
    )
    if group in STAGE_GROUPS:
        query = query.where(Review.stage.in_(list(STAGE_GROUPS[group][1])))
    if removal_soon:
        return query.where(
            _on_website(),
            Review.removal_due_on <= horizon,
            Review.held_until.is_null() | (Review.held_until < horizon),
        ).order_by(Review.removal_due_on, Review.reference)
    return query.order_by(Review.date_notified.desc(), Review.id.desc())


@prepared
def _partnership_reviews(group, removal_soon, partnership, today, horizon):
    return partnership_reviews(
        partnership, group=group, removal_soon=removal_soon, today=today, horizon=horizon
    )


def partnership_reviews_page(partnership_id: int, *, group: str, removal_soon: bool, today: dt.date) -> Page:
    """The requested page of partnership_reviews(), prepared (the CSP team's view)."""
    page = paginate(
        _partnership_reviews(group, removal_soon),
        counted_with_page=True,  # a partnership's reviews: a few hundred at most, sorted for any page
        partnership=partnership_id,
        today=today,
        horizon=removal_soon_horizon(today),
    )
    trawl_queries.attach_return_counts(page.items, today)
    return page


def overview_rows(reviews: list[Review], today: dt.date, config: Mapping) -> dict[int, dict]:
    """Per review of partnership_reviews(): its worst statutory-deadline state and its Home Office
    status (2 queries in all: bank holidays and suspensions)."""
    summaries = deadlines.deadline_summaries(reviews, today, config)
    rows = {}
    for review in reviews:
        rows[review.id] = {
            "deadline": summaries[review.id],
            "home_office": home_office_status(
                review, review.home_office_returned, review.home_office_waiting
            ),
            "removal_date": removal_date(review),
        }
    return rows


def home_office_status(review: Review, returned: int, waiting: int) -> dict:
    """Submitted / returned for amendment N times / cleared, from the returns and the review's dates."""
    times = f"{returned} time{'' if returned == 1 else 's'}"
    if review.cleared_on:
        return {
            "label": "Cleared",
            "on": review.cleared_on,
            "detail": f"returned {times}" if returned else "",
        }
    if review.report_submitted_on is None:
        return {"label": "Not submitted", "on": None, "detail": ""}
    if waiting:
        return {"label": "Returned for amendment", "on": None, "detail": f"returned {times}"}
    if returned:
        return {"label": "Resubmitted", "on": None, "detail": f"returned {times}"}
    return {"label": "Submitted", "on": review.report_submitted_on, "detail": ""}
