"""Page-number pagination that keeps the current filters in every link."""

from __future__ import annotations

import math
from dataclasses import dataclass

from flask import request

from portal.prepared_queries import PreparedQuery
from portal.web.context import RowLink

PAGE_SIZE = 25


@dataclass
class Page:
    items: list
    number: int
    size: int
    total: int
    # True when the rows were counted only so far (paginate's `count_at_most`): there are more than
    # `total`, and pages after `count`.
    more: bool = False

    @property
    def count(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def total_text(self) -> str:
        """The total for a caption: "1,234", or "more than 1,000"."""
        return f"more than {self.total:,}" if self.more else f"{self.total:,}"

    def govuk_params(self, endpoint: str, **view_args) -> dict | None:
        """Parameters for the govukPagination macro, or None for a single page."""
        if self.count <= 1:
            return None

        # Built once with url_for, each page's number put in its place (portal/web/context.py).
        link = RowLink(endpoint, "page", **view_args, **request.args.to_dict())

        # Counted only so far, the last page is not known: no link to it, an ellipsis after the next.
        last = self.count if not self.more else None
        items = []
        for number in range(1, self.count + 1):
            near = abs(number - self.number) <= 1 or number in (1, last)
            if near:
                items.append({"number": number, "href": link(number), "current": number == self.number})
            elif items and not items[-1].get("ellipsis"):
                items.append({"ellipsis": True})
        if self.more and not items[-1].get("ellipsis"):
            items.append({"ellipsis": True})
        params: dict = {"items": items}
        if self.number > 1:
            params["previous"] = {"href": link(self.number - 1)}
        if self.number < self.count or self.more:
            params["next"] = {"href": link(self.number + 1)}
        return params


def requested_page() -> int:
    raw = request.args.get("page", "1")
    return max(1, int(raw)) if raw.isdigit() and len(raw) < 7 else 1


def paginate(
    query,
    size: int = PAGE_SIZE,
    total: int | None = None,
    count_at_most: int | None = None,
    counted_with_page: bool = False,
    **values,
) -> Page:
    """The requested page of a query: a peewee query, or a prepared one (portal/prepared_queries.py)
    run with `values`. A caller that already knows how many rows the query gives passes `total`,
    and the query is not counted. With `count_at_most` (a prepared query's), the rows are counted
    only that far, or as far as the requested page if that is further: a list of everything ever
    recorded costs the same to open whatever its length, and says "more than" that many. With
    `counted_with_page` (a prepared query of a short, sorted list: PreparedQuery.paged_and_counted),
    the page's rows bring the total with them: one statement, or three for a page past the end."""
    prepared = isinstance(query, PreparedQuery)
    if counted_with_page and total is None and count_at_most is None:
        number = requested_page()
        items = query.paged_and_counted(size).rows(offset=(number - 1) * size, **values)
        if items or number == 1:
            return Page(items=items, number=number, size=size, total=items[0].rows_in_all if items else 0)
        # A page past the end (an old link, a list that got shorter): counted, then its last page.
    more = False
    if total is None and count_at_most is not None:
        at_most = max(count_at_most, requested_page() * size)
        total = query.counted_up_to().scalar(up_to=at_most + 1, **values) or 0
        more = total > at_most
        total = min(total, at_most)
    elif total is None:
        total = (query.counted().scalar(**values) or 0) if prepared else query.count()
    number = min(requested_page(), max(1, math.ceil(total / size)))
    if prepared:
        items = query.paged(size).rows(offset=(number - 1) * size, **values)
    else:
        items = list(query.paginate(number, size))
    return Page(items=items, number=number, size=size, total=total, more=more)
