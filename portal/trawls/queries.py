"""Named reads for trawls. Every list is a fixed number of queries, whatever the data size."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import operator
from dataclasses import dataclass
from typing import NamedTuple

from peewee import JOIN, SQL, Alias, Case, Node, Select, fn

from portal.accounts.models import User
from portal.clock import local_today
from portal.organisations.models import Agency, Partnership, Sector
from portal.prepared_queries import CountedWithoutJoins, prepared
from portal.reviews.models import Review
from portal.trawls.models import (
    OPEN_STATUSES,
    ExtensionRequest,
    RequestStatus,
    Trawl,
    TrawlRequest,
    TrawlReturn,
)
from portal.web.pagination import Page, paginate

OVERDUE = "overdue"
# The statuses people filter and count by: "overdue" is derived, never stored.
DISPLAY_STATUSES = (
    ("awaiting", "Awaiting"),
    (OVERDUE, "Overdue"),
    ("extension_requested", "Extension requested"),
    ("nil_return", "Nil return"),
    ("involvement", "Involvement"),
    ("accepted", "Accepted"),
)
DISPLAY_LABELS = dict(DISPLAY_STATUSES)


def display_status(request: TrawlRequest, today: dt.date) -> str:
    if request.status is RequestStatus.AWAITING and request.due_date < today:
        return OVERDUE
    return request.status.value


def _display_status_sql(today: dt.date):
    return Case(
        None,
        [((TrawlRequest.status == RequestStatus.AWAITING) & (TrawlRequest.due_date < today), OVERDUE)],
        TrawlRequest.status,
    )


def _where_display_status(query, status: str, today: dt.date):
    if status == OVERDUE:
        return query.where(TrawlRequest.status == RequestStatus.AWAITING, TrawlRequest.due_date < today)
    if status == RequestStatus.AWAITING.value:
        return query.where(TrawlRequest.status == RequestStatus.AWAITING, TrawlRequest.due_date >= today)
    return query.where(TrawlRequest.status == status)


def trawls_of(review: Review):
    return Trawl.select().where(Trawl.review == review).order_by(Trawl.number)


class TrawlChoice(NamedTuple):
    """A trawl as a filter offers it."""

    id: int
    number: int


@prepared
def _trawl_choices(review):
    return Trawl.select(Trawl.id, Trawl.number).where(Trawl.review == review).order_by(Trawl.number).tuples()


def trawl_choices(review: Review) -> list[TrawlChoice]:
    """The review's trawls for a filter: id and number only (not the subjects snapshot)."""
    return [TrawlChoice(*row) for row in _trawl_choices().rows(review=review)]


def trawl_choices_of(rows) -> list[TrawlChoice]:
    """trawl_choices() from rows that are every request of a review (DashboardRows): each trawl has
    at least one (issue_trawl refuses a trawl to no agency, and requests are never deleted)."""
    return sorted(
        {TrawlChoice(row.trawl_id, row.trawl_number) for row in rows}, key=lambda trawl: trawl.number
    )


# Counted a page of reviews at a time (portal/web/pagination.py: PAGE_SIZE).
STATUS_COUNTS_CHUNK = 25


@prepared
def _status_counts(review_ids, today):
    # Grouped by the stored status, in the order of the (review, status, due date) index, with the
    # overdue ones counted beside: PostgreSQL then aggregates as it reads the index alone, where
    # grouping by the derived status hashed every row (0.4 ms instead of 1 ms for a page of 25).
    return (
        TrawlRequest.select(
            TrawlRequest.review,
            TrawlRequest.status,
            fn.COUNT(SQL("*")).alias("n"),
            fn.COUNT(SQL("*")).filter(TrawlRequest.due_date < today).alias("past_due"),
        )
        .where(TrawlRequest.review.in_(review_ids.many(STATUS_COUNTS_CHUNK)))
        .group_by(TrawlRequest.review, TrawlRequest.status)
        .tuples()
    )


def counts_of(rows) -> dict[str, int]:
    """{display status: count} of rows that know their display status (DashboardRow): the same
    counts status_counts() gives, when the rows are all of a review's requests."""
    counts = {key: 0 for key, _ in DISPLAY_STATUSES}
    for row in rows:
        counts[row.display_status] += 1
    return counts


def status_counts(review_ids: list[int], today: dt.date | None = None) -> dict[int, dict[str, int]]:
    """{review_id: {display status: count}}, in one grouped query per 25 reviews (one for a page)."""
    today = today or local_today()
    counts: dict[int, dict[str, int]] = {rid: {key: 0 for key, _ in DISPLAY_STATUSES} for rid in review_ids}
    for review_id, status, number, past_due in _status_counts().plain_rows_in_chunks(
        "review_ids", review_ids=review_ids, today=today
    ):
        if status == RequestStatus.AWAITING.value:  # display_status(): awaiting and past due is overdue
            counts[review_id][OVERDUE] = past_due
            number -= past_due
        counts[review_id][status] = number
    return counts


@dataclass(frozen=True, slots=True)
class DashboardRow:
    """A request as the returns dashboard (and its export) shows it, read straight from the
    query's row: a page of 60 used to build four models a row (request, agency, trawl, who
    answered), which cost more than running the query."""

    id: int
    status: RequestStatus
    display_status: str  # "overdue" or the stored status (display_status() worked out in SQL)
    due_date: dt.date
    version: int
    answered_at: dt.datetime | None
    answered_by_name: str | None
    last_chased_at: dt.datetime | None
    last_reminder_at: dt.datetime | None
    last_reminder_stage: str | None
    agency_name: str
    sector: Sector
    trawl_id: int
    trawl_number: int

    def __post_init__(self):
        # Read by a subquery (_agency_of_request), the sector comes as the database stores it.
        if not isinstance(self.sector, Sector):
            object.__setattr__(self, "sector", Sector(self.sector))


DASHBOARD_ROW_FIELDS = [field.name for field in dataclasses.fields(DashboardRow)]


def _agency_of_request(column):
    """A column of the request's agency, looked up for each row by its key. Joined instead,
    PostgreSQL read all 5,000 agencies of a national install into a hash to name a review's 60
    (0.6 ms a dashboard, and growing with the agencies)."""
    return Agency.select(column).where(Agency.id == TrawlRequest.agency)


@prepared
def _dashboard_rows(status, by_sector, by_trawl, descending, one, review, today, sector, trawl, request):
    """A review's requests with their agency, trawl and who answered, as DashboardRows: one query,
    of the columns the dashboard and its export show (never the trawl's subjects snapshot or the
    whole user). Shape: the filters in use, the order, and `one` (a single request, by id)."""
    answered_by = User.alias()
    query = (
        TrawlRequest.select(
            TrawlRequest.id,
            TrawlRequest.status,
            _display_status_sql(today).alias("display_status"),
            TrawlRequest.due_date,
            TrawlRequest.version,
            TrawlRequest.answered_at,
            answered_by.full_name.alias("answered_by_name"),
            TrawlRequest.last_chased_at,
            TrawlRequest.last_reminder_at,
            TrawlRequest.last_reminder_stage,
            _agency_of_request(Agency.name).alias("agency_name"),
            _agency_of_request(Agency.sector).alias("sector"),
            TrawlRequest.trawl.alias("trawl_id"),
            Trawl.number.alias("trawl_number"),
        )
        .join(Trawl)
        .switch(TrawlRequest)
        .join(answered_by, JOIN.LEFT_OUTER, on=(TrawlRequest.answered_by == answered_by.id))
        .where(TrawlRequest.review == review)
    )
    if status:
        query = _where_display_status(query, status, today)
    if by_sector:
        query = query.where(_agency_of_request(Agency.sector) == sector)
    if by_trawl:
        query = query.where(TrawlRequest.trawl == trawl)
    if one:
        query = query.where(TrawlRequest.id == request)
    order = TrawlRequest.due_date.desc() if descending else TrawlRequest.due_date
    # Read as tuples and made DashboardRows by position: peewee's rows by column name cost as much
    # as the query (0.5 ms for 60 requests). The columns are the fields, in order.
    columns = [getattr(node, "_alias", None) or node.name for node in query._returning]  # alias, or field
    if columns != DASHBOARD_ROW_FIELDS:
        raise TypeError(f"the dashboard's columns {columns} are not DashboardRow's fields")
    return query.order_by(order, SQL('"agency_name"')).tuples()


def dashboard_rows(
    review: Review,
    *,
    status: str | None = None,
    sector: Sector | None = None,
    trawl_id: int | None = None,
    descending: bool = False,
    today: dt.date | None = None,
) -> list[DashboardRow]:
    """The dashboard's rows (its page, its poll, its CSV export): one prepared shape per filter
    combination (status is one of six values or none, so at most 56 shapes)."""
    query = _dashboard_rows(status or None, sector is not None, bool(trawl_id), descending, False)
    found = query.rows(review=review, today=today or local_today(), sector=sector, trawl=trawl_id)
    return [DashboardRow(*row) for row in found]


def dashboard_row(review: Review, request_id: int, today: dt.date) -> DashboardRow | None:
    """One request as the dashboard shows it (an inline action's answer)."""
    found = _dashboard_rows(None, False, False, False, True).first(
        review=review, today=today, request=request_id
    )
    return None if found is None else DashboardRow(*found)


def request_with_context(request_id: int, *, agency_id: int | None = None):
    """One request with its trawl, review and agency; limited to an agency for its leads."""
    query = (
        TrawlRequest.select(TrawlRequest, Trawl, Review, Agency)
        .join(Trawl)
        .switch(TrawlRequest)
        .join(Review)
        .switch(TrawlRequest)
        .join(Agency)
        .where(TrawlRequest.id == request_id)
    )
    if agency_id is not None:
        query = query.where(TrawlRequest.agency == agency_id)
    return query


def returns_of(request: TrawlRequest):
    submitted_by = User.alias()
    return (
        TrawlReturn.select(TrawlReturn, submitted_by)
        .join(submitted_by, on=(TrawlReturn.submitted_by == submitted_by.id))
        .where(TrawlReturn.request == request)
        .order_by(TrawlReturn.number.desc())
    )


def extensions_of(request: TrawlRequest):
    return (
        ExtensionRequest.select()
        .where(ExtensionRequest.request == request)
        .order_by(ExtensionRequest.id.desc())
    )


def pending_extension(request: TrawlRequest) -> ExtensionRequest | None:
    return (
        ExtensionRequest.select()
        .where(ExtensionRequest.request == request, ExtensionRequest.decision.is_null())
        .order_by(ExtensionRequest.id.desc())
        .first()
    )


def agencies_asked(review: Review) -> set[int]:
    return {
        row[0]
        for row in TrawlRequest.select(TrawlRequest.agency).where(TrawlRequest.review == review).tuples()
    }


def inbox(agency_id: int, *, open_only: bool = False, today: dt.date | None = None):
    """An agency's requests: open ones first, then by due date. Review reference only, never its pages."""
    query = (
        TrawlRequest.select(TrawlRequest, Trawl, Review.reference, Review.id)
        .join(Trawl)
        .switch(TrawlRequest)
        .join(Review)
        .where(TrawlRequest.agency == agency_id)
    )
    if open_only:
        query = query.where(TrawlRequest.status.in_(list(OPEN_STATUSES)))
    still_open = Case(None, [(TrawlRequest.status.in_(list(OPEN_STATUSES)), 0)], 1)
    return query.order_by(still_open, TrawlRequest.due_date, TrawlRequest.id)


@prepared
def _inbox(open_only, agency):
    return inbox(agency, open_only=open_only)


def inbox_page(agency_id: int, *, open_only: bool) -> Page:
    """The requested page of an agency's inbox, prepared."""
    return paginate(_inbox(open_only), agency=agency_id)


class _ReviewsWithReturnCounts(CountedWithoutJoins):
    """Reviews that, when fetched, gain their requests' counts per display status (`awaiting`,
    `overdue`, ...) and `next_due`: one grouped query for the rows fetched (a page), however many
    reviews match. Filtering and ordering it work as on any query of reviews; it is counted on the
    reviews alone (its join gives the partnership's name). Run as a prepared query
    (`overview_page()`), the counts are attached by `attach_return_counts()`."""

    today: dt.date
    # The overview's order, as overview() gave it: while it stands, a limited fetch (a page) reads
    # three ranges of the index (is_open, next_return_due_on, reference, earliest_awaiting_due_on),
    # see _page_by_ranges().
    overview_order: tuple | None = None

    def __sql__(self, ctx):
        if self._limit is not None and self._order_by is self.overview_order:
            return ctx.sql(self._page_by_ranges())
        return super().__sql__(ctx)

    def _execute(self, database):
        first_run = self._cursor_wrapper is None
        rows = super()._execute(database)
        if first_run:
            attach_return_counts(list(rows), self.today)  # fetched once; later iterations read the same rows
        return rows

    def _page_by_ranges(self) -> Select:
        """The page in one statement, each part an index range read in index order, limited to the
        rows the page could need: reviews with overdue returns (their next due date is before
        today too, so they are the head of the index), then those due later, then those with no
        date. Sorting the parts' few rows gives the overview's order.

        The first part does not also say `next_return_due_on < today`, though it is so (the next
        due date is the earliest of the open requests', awaiting ones included): saying it made
        PostgreSQL expect a few dozen reviews where there were 1,400, and sort them all."""
        today = self.today
        # Prepared, offset and limit are placeholders: the cast tells PostgreSQL what to add up.
        offset = self._offset.cast("INTEGER") if isinstance(self._offset, Node) else self._offset
        needed = self._limit if offset is None else offset + self._limit
        base = self.clone().limit(needed).offset(None)
        base.overview_order = None
        not_overdue = Review.earliest_awaiting_due_on.is_null() | (Review.earliest_awaiting_due_on >= today)
        dated = Review.next_return_due_on.is_null(False)
        # (group, condition): the due-later group is read in two ranges, with no awaiting request
        # and with none overdue. Each says one thing of earliest_awaiting_due_on, which PostgreSQL
        # then checks in the index; of their OR it fetched every overdue review's row to check it
        # (1,055 of them for a page of all open reviews: 0.4 ms).
        parts = [
            (0, Review.earliest_awaiting_due_on < today),
            (1, dated & Review.earliest_awaiting_due_on.is_null()),
            (1, dated & (Review.earliest_awaiting_due_on >= today)),
            (2, Review.next_return_due_on.is_null() & not_overdue),  # no overdue review is undated
        ]
        # Every part in the index's order (in the last, all NULL, ordering by the date too follows
        # it to the letter), then the page's few rows sorted by group and that order.
        wrapped = [
            Select(
                [
                    base.where(condition)
                    .order_by(Review.next_return_due_on, Review.reference)
                    .select_extend(SQL(str(group)).alias("overview_group"))
                    .alias(f"part{number}")
                ],
                [SQL("*")],
            )
            for number, (group, condition) in enumerate(parts)
        ]
        ranges = functools.reduce(operator.add, wrapped).alias("ranges")  # UNION ALL
        columns = [node._alias if isinstance(node, Alias) else node.column_name for node in self._returning]
        return (
            Select([ranges], [getattr(ranges.c, name) for name in columns])
            .order_by(ranges.c.overview_group, ranges.c.next_return_due_on, ranges.c.reference)
            .limit(self._limit)
            .offset(self._offset)
        )


def attach_return_counts(reviews: list[Review], today: dt.date) -> None:
    """Each review gains its requests' counts per display status and `next_due` (one query a page)."""
    counts = status_counts([review.id for review in reviews], today)
    for review in reviews:
        for key, number in counts[review.id].items():
            setattr(review, key, number)
        review.next_due = review.next_return_due_on


# The review columns the returns overview shows (templates/trawls/partials/overview_table.html).
OVERVIEW_COLUMNS = (Review.id, Review.reference, Review.title, Review.stage, Review.next_return_due_on)


def overview(
    *,
    officer_id: int | None = None,
    partnership_id: int | None = None,
    open_only: bool = True,
    today: dt.date | None = None,
    columns=(Review,),
):
    """Reviews, those with overdue returns first, then by next due date, each with its return
    counts and next due date: the page costs two queries (its reviews, their counts) whatever
    the number of reviews or requests.

    The order reads the keys portal/trawls/service.py stores on each review, never the requests:
    a review has overdue returns if its earliest awaiting due date is before today.
    """
    today = today or local_today()
    # The partnership's name as a column: .objects() would otherwise fetch it row by row.
    query = _ReviewsWithReturnCounts(Review, (*columns, Partnership.name.alias("partnership_name"))).join(
        Partnership
    )
    query.today = today
    if open_only:
        query = query.where(Review.is_open == True)  # noqa: E712 (an equality an index can serve)
    if officer_id is not None:
        query = query.where(Review.review_officer == officer_id)
    if partnership_id is not None:
        query = query.where(Review.partnership == partnership_id)
    overdue_first = Case(None, [(Review.earliest_awaiting_due_on < today, 0)], 1)
    # Unlimited, this order is sorted by the database; a page reads index ranges instead.
    query = query.order_by(overdue_first, Review.next_return_due_on.asc(nulls="LAST"), Review.reference)
    query.overview_order = query._order_by
    return query.objects()


@prepared
def _overview(mine, officer, today):
    return overview(officer_id=officer if mine else None, today=today, columns=OVERVIEW_COLUMNS)


def overview_page(*, officer_id: int | None, today: dt.date) -> Page:
    """The requested page of the returns overview (an officer's open reviews, or all): prepared."""
    page = paginate(_overview(officer_id is not None), officer=officer_id, today=today)
    attach_return_counts(page.items, today)
    return page


def no_record_of_contact(review: Review):
    """Agencies whose current return is a nil return (accepted or not), for the report's appendix."""
    return (
        TrawlRequest.select(TrawlRequest, Agency, Trawl)
        .join(Agency)
        .switch(TrawlRequest)
        .join(Trawl)
        .where(TrawlRequest.review == review)
        .where(
            (TrawlRequest.status == RequestStatus.NIL_RETURN)
            | ((TrawlRequest.status == RequestStatus.ACCEPTED) & _latest_return_kind_is_nil())
        )
        .order_by(Agency.name)
    )


def _latest_return_kind_is_nil():
    latest = TrawlReturn.alias()
    newest_number = latest.select(fn.MAX(latest.number)).where(latest.request == TrawlRequest.id)
    return fn.EXISTS(
        TrawlReturn.select(TrawlReturn.id).where(
            TrawlReturn.request == TrawlRequest.id,
            TrawlReturn.number == newest_number,
            TrawlReturn.kind == "nil_return",
        )
    )


def latest_return_kinds(request_ids: list[int]) -> dict[int, str]:
    """The kind of each request's newest return (for exports), in one query."""
    if not request_ids:
        return {}
    latest = TrawlReturn.alias()
    newest = latest.select(fn.MAX(latest.number)).where(latest.request == TrawlReturn.request)
    rows = (
        TrawlReturn.select(TrawlReturn.request, TrawlReturn.kind)
        .where(TrawlReturn.request.in_(request_ids), TrawlReturn.number == newest)
        .tuples()
    )
    return {request_id: kind for request_id, kind in rows}
