"""Named reads for media inquiries, each limited to what the person may see.

- Admins and review officers (the business office): every inquiry.
- CSP team: inquiries about their partnership's reviews, and any they logged.
- Agency leads: inquiries they, or anyone from their agency, logged.

A guessed id outside that set is a 404, exactly like one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from types import SimpleNamespace

from peewee import CTE, JOIN, Case, ModelSelect, Select, fn

from portal.accounts.models import Role, User
from portal.media_inquiries.models import (
    InquiryEvent,
    InquiryRecipient,
    InquiryStatus,
    MediaInquiry,
    RoutingRule,
    Topic,
    is_open,
)
from portal.media_inquiries.routing import rule_for
from portal.organisations.models import Agency
from portal.prepared_queries import prepared
from portal.reviews.models import Review
from portal.trawls.models import TrawlRequest
from portal.web.pagination import Page, paginate

Owner = User.alias("owner")
Drafter = User.alias("drafter")
Approver = User.alias("approver")


def _sees_everything(user: User) -> bool:
    return user.role in (Role.ADMIN, Role.REVIEW_OFFICER)


def _visible(query, user: User):
    """The inquiries this person may see. For the CSP team it reads the review (joined as Review)."""
    if _sees_everything(user):
        return query
    mine = MediaInquiry.logged_by == user.id
    if user.role is Role.CSP_TEAM:
        return query.where(mine | (Review.partnership == user.partnership_id))
    if user.role is Role.AGENCY_LEAD and user.agency_id:
        return query.where(mine | (MediaInquiry.logged_by_agency == user.agency_id))
    return query.where(mine)


class _InquiryList(ModelSelect):
    """Inquiries with what a list shows of them. Counted (for pages) on the inquiries alone, joined to
    their review only when a filter reads it: the other joins add columns to show, never rows."""

    filters_review = True

    def count_query(self) -> ModelSelect:
        counted = MediaInquiry.select()
        if self.filters_review:
            counted = counted.join(Review, JOIN.LEFT_OUTER, on=(MediaInquiry.review == Review.id))
        return counted.where(self._where)

    def count(self, database=None, clear_limit=False) -> int:
        return self.count_query().count(database)


@dataclass(frozen=True, slots=True)
class InquiryRow:
    """An inquiry as a row of the list shows it (templates/media_inquiries/partials/inquiry_rows.html),
    with what deciding its actions reads (workflow.available_actions), read straight from the query's
    row: a page of 25 used to build four models a row (inquiry, review, agency, owner)."""

    id: int
    version: int
    outlet: str
    journalist_name: str
    topic: Topic
    deadline_at: dt.datetime
    status: InquiryStatus
    drafted_by_id: int | None
    review_id: int | None
    review_reference: str | None
    review_partnership_id: int | None
    agency_name: str | None  # the receiving agency's; None: the business office took it
    owner_name: str | None  # None: the business office's mailbox

    # The same rules as the model's.
    is_urgent = MediaInquiry.is_urgent
    deadline_passed = MediaInquiry.deadline_passed


LIST_COLUMNS = (
    MediaInquiry.id,
    MediaInquiry.version,
    MediaInquiry.outlet,
    MediaInquiry.journalist_name,
    MediaInquiry.topic,
    MediaInquiry.deadline_at,
    MediaInquiry.status,
    MediaInquiry.drafted_by.alias("drafted_by_id"),
    MediaInquiry.review.alias("review_id"),
    Review.reference.alias("review_reference"),
    Review.partnership.alias("review_partnership_id"),
    Agency.name.alias("agency_name"),
    Owner.full_name.alias("owner_name"),
)


def visible_inquiries(user: User, columns=(MediaInquiry, Review, Agency, Owner)):
    """Inquiries with their review, receiving agency and owner, in one query."""
    query = (
        _InquiryList(MediaInquiry, list(columns))
        .join(Review, JOIN.LEFT_OUTER, on=(MediaInquiry.review == Review.id))
        .switch(MediaInquiry)
        .join(Agency, JOIN.LEFT_OUTER, on=(MediaInquiry.received_by_agency == Agency.id))
        .switch(MediaInquiry)
        .join(Owner, JOIN.LEFT_OUTER, on=(MediaInquiry.owner == Owner.id), attr="owner")
    )
    return _visible(query, user)


# Status filter values on the list page: each status, plus "open" (the default) and "all".
OPEN = "open"
ALL = "all"
URGENT = "urgent"


def list_inquiries(
    user: User,
    *,
    status: str = OPEN,
    review_id: int | None = None,
    reference: str | None = None,
    agency_id: int | None = None,
    urgent_before=None,
):
    """InquiryRows, soonest deadline first: what needs doing next is at the top.

    `reference` is matched exactly (an index look-up) against the reviews this person's inquiries are
    about: one they may not see gives the same empty list as one that does not exist.
    """
    query = visible_inquiries(user, LIST_COLUMNS)
    if status == OPEN:
        query = query.where(is_open())
    elif status == URGENT and urgent_before is not None:
        query = query.where(is_open(), MediaInquiry.deadline_at <= urgent_before)
    elif status in InquiryStatus._value2member_map_:
        query = query.where(MediaInquiry.status == InquiryStatus(status))
    if review_id:
        query = query.where(MediaInquiry.review == review_id)
    if reference:
        query = query.where(Review.reference == reference)
    if agency_id:
        query = query.where(MediaInquiry.received_by_agency == agency_id)
    # Only the CSP team's visibility and the reference filter read the review (see _visible()).
    query.filters_review = bool(reference) or not _sees_everything(user)
    return query.order_by(MediaInquiry.deadline_at, MediaInquiry.id).objects(InquiryRow)


# The list page's queries are prepared (portal/prepared_queries.py), one shape per kind of viewer
# (role, and whether they belong to an agency) and filter: the person's ids are values.


def _viewer(role: Role, in_agency: bool, user, partnership, agency) -> SimpleNamespace:
    """What _visible() reads of a person, with placeholders for their ids."""
    return SimpleNamespace(
        role=role, id=user, partnership_id=partnership, agency_id=agency if in_agency else None
    )


def _viewer_shape(user: User) -> tuple[Role, bool]:
    return user.role, bool(user.agency_id)


def _viewer_values(user: User) -> dict:
    return {"user": user.id, "partnership": user.partnership_id, "agency": user.agency_id}


def _open_inquiries_of(viewer):
    base = MediaInquiry.select()
    if not _sees_everything(viewer):
        base = _visible(base.join(Review, JOIN.LEFT_OUTER, on=(MediaInquiry.review == Review.id)), viewer)
    return base.where(is_open())


@prepared
def _open_per_status(role, in_agency, user, partnership, agency, urgent_before):
    base = _open_inquiries_of(_viewer(role, in_agency, user, partnership, agency))
    urgent = fn.SUM(Case(None, [(MediaInquiry.deadline_at <= urgent_before, 1)], 0))
    return (
        base.select(MediaInquiry.status, fn.COUNT(MediaInquiry.id), urgent)
        .group_by(MediaInquiry.status)
        .tuples()
    )


def status_counts(user: User, urgent_before) -> dict[str, int]:
    """Open inquiries per status, and how many of them are urgent: one grouped query."""
    shape, values = _viewer_shape(user), _viewer_values(user)
    counts = {status.value: 0 for status in InquiryStatus if status.is_open}
    counts[URGENT] = 0
    for status, number, urgent in _open_per_status(*shape).rows(urgent_before=urgent_before, **values):
        counts[InquiryStatus(status).value] = number
        counts[URGENT] += int(urgent or 0)
    return counts


@prepared
def _list(role, in_agency, status, by_review, by_reference, by_agency, user, partnership, agency, review,
          reference, received_by, urgent_before):  # fmt: skip
    return list_inquiries(
        _viewer(role, in_agency, user, partnership, agency),
        status=status,
        review_id=review if by_review else None,
        reference=reference if by_reference else None,
        agency_id=received_by if by_agency else None,
        urgent_before=urgent_before,
    )


# A list the counts above it do not add up (every inquiry, the closed ones, a filtered list) is
# counted this far: past it, its caption says "more than 1,000" and the pages run on.
COUNT_AT_MOST = 1000


def _total_from_counts(status: str, counts: dict[str, int]) -> int | None:
    """How many inquiries a list filtered by `status` alone holds, from status_counts() (which
    counts the same person's open inquiries), or None where it does not say (closed ones)."""
    if status == OPEN:
        return sum(counts[each.value] for each in InquiryStatus if each.is_open)
    if status == URGENT or status in counts:
        return counts[status]
    return None


def list_page(
    user: User,
    *,
    status: str,
    review_id: int | None,
    reference: str | None,
    agency_id: int | None,
    urgent_before,
    counts: dict[str, int] | None = None,
) -> Page:
    """The requested page of list_inquiries(), prepared. With the page's `counts`
    (status_counts() for the same person and urgent_before), a list filtered by an open status alone
    is not counted again; any other is counted up to COUNT_AT_MOST."""
    shape = (*_viewer_shape(user), status, bool(review_id), bool(reference), bool(agency_id))
    filtered = review_id or reference or agency_id
    return paginate(
        _list(*shape),
        total=None if counts is None or filtered else _total_from_counts(status, counts),
        count_at_most=COUNT_AT_MOST,
        review=review_id,
        reference=reference,
        received_by=agency_id,
        urgent_before=urgent_before,
        **_viewer_values(user),
    )


@prepared
def _row(role, in_agency, user, partnership, agency, inquiry):
    viewer = _viewer(role, in_agency, user, partnership, agency)
    return list_inquiries(viewer, status=ALL).where(MediaInquiry.id == inquiry)


def inquiry_row(user: User, inquiry_id: int) -> InquiryRow | None:
    """One inquiry as the list shows it (a step taken from a row answers with its row), if this
    person may see it."""
    return _row(*_viewer_shape(user)).first(inquiry=inquiry_id, **_viewer_values(user))


def inquiry_for(user: User, inquiry_id: int) -> MediaInquiry | None:
    query = (
        visible_inquiries(user)
        .select_extend(Drafter, Approver)
        .switch(MediaInquiry)
        .join(Drafter, JOIN.LEFT_OUTER, on=(MediaInquiry.drafted_by == Drafter.id), attr="drafted_by")
        .switch(MediaInquiry)
        .join(Approver, JOIN.LEFT_OUTER, on=(MediaInquiry.approved_by == Approver.id), attr="approved_by")
        .where(MediaInquiry.id == inquiry_id)
    )
    return query.first()


def recipients_of(inquiry: MediaInquiry):
    return (
        InquiryRecipient.select().where(InquiryRecipient.inquiry == inquiry.id).order_by(InquiryRecipient.id)
    )


def history_of(inquiry: MediaInquiry):
    actor = User.alias()
    return (
        InquiryEvent.select(InquiryEvent, actor)
        .join(actor, JOIN.LEFT_OUTER, on=(InquiryEvent.actor == actor.id), attr="actor")
        .where(InquiryEvent.inquiry == inquiry.id)
        .order_by(InquiryEvent.occurred_at, InquiryEvent.id)
    )


def reviews_for_logging(user: User):
    """The reviews someone may say an inquiry is about.

    Agency leads: reviews their agency has a trawl request for. CSP team: their partnership's.
    Review officers and admins: every review.
    """
    query = Review.select(Review.id, Review.reference, Review.title).order_by(Review.reference.desc())
    if user.role is Role.AGENCY_LEAD:
        asked = TrawlRequest.select(TrawlRequest.review).where(TrawlRequest.agency == user.agency_id)
        return query.where(Review.id.in_(asked))
    if user.role is Role.CSP_TEAM:
        return query.where(Review.partnership == user.partnership_id)
    return query


def normalise_reference(text: str | None) -> str:
    """What someone typed as a review reference, as references are stored: trimmed, upper case.

    References are made upper case (`DHR-2026-004`, see reviews.service.next_reference), so an exact,
    indexed comparison with the upper-cased input is a case-insensitive match.
    """
    return (text or "").strip().upper()[:60]


def reference_of_visible_review(user: User, review_id: int) -> str | None:
    """The reference of a review this person can see an inquiry about, or None (unknown or not theirs)."""
    query = _visible(
        MediaInquiry.select(Review.reference).join(Review, on=(MediaInquiry.review == Review.id)), user
    ).where(MediaInquiry.review == review_id)
    return query.limit(1).scalar()


def filter_options(user: User) -> list[Agency]:
    """Receiving agencies that appear among the inquiries this person can see.

    Bounded by the inquiries, not by the national list of agencies; reviews are chosen by typing a
    reference instead (one per review would be thousands of options for an officer).
    """
    return _filter_options(*_viewer_shape(user)).rows(**_viewer_values(user))


@prepared
def _filter_options(role, in_agency, user, partnership, agency):
    user = _viewer(role, in_agency, user, partnership, agency)
    if _sees_everything(user):
        received_by = _receiving_agencies()
    else:
        received_by = _visible(
            MediaInquiry.select(MediaInquiry.received_by_agency).join(
                Review, JOIN.LEFT_OUTER, on=(MediaInquiry.review == Review.id)
            ),
            user,
        )
    return Agency.select(Agency.id, Agency.name).where(Agency.id.in_(received_by)).order_by(Agency.name)


def _receiving_agencies():
    """Every agency that has received an inquiry, read as a skip through the index on
    received_by_agency: one index look-up per agency, however many inquiries each has received."""
    seen = CTE("seen", Select([MediaInquiry], [fn.MIN(MediaInquiry.received_by_agency)]), recursive=True,
               columns=["agency_id"])  # fmt: skip
    following = MediaInquiry.alias()
    step = Select([following], [fn.MIN(following.received_by_agency)]).where(
        following.received_by_agency > seen.c.agency_id
    )
    seen = seen.union_all(Select([seen], [step]).where(seen.c.agency_id.is_null(False)))
    return Select([seen], [seen.c.agency_id]).with_cte(seen)


def routing_rules() -> list[RoutingRule]:
    """One per topic, in the order topics are offered, with who last changed each.

    A topic whose row is missing shows its default (unsaved), as routing uses it.
    """
    editor = User.alias()
    stored = {
        rule.topic: rule
        for rule in RoutingRule.select(RoutingRule, editor).join(
            editor, JOIN.LEFT_OUTER, on=(RoutingRule.updated_by == editor.id), attr="updated_by"
        )
    }
    return [stored.get(topic) or rule_for(topic) for topic in Topic]
