"""A generated data set for the benchmarks, streamed into the database chunk by chunk.

Three kinds of size:

- a *scale* (bench/pages.py): 1.0 is 40 partnerships, 2,000 reviews (500 open),
  400 agencies and 100,000 trawl requests; 0.1 is a tenth of each;
- the *national* profile (bench/national.py, bench/load.py): 350 partnerships,
  5,000 agencies, 10,000 reviews (1,500 open), about 400,000 trawl requests,
  20,000 users, 100,000 family-contact entries, 20,000 media inquiries and the
  published reports of the public listing;
- the *council* profile: exactly partnership 1's share of the national set (the
  same rows, the same ids), with the agencies it asks and the people it needs.

Every name is invented ("Agency 0001", "Partnership 007", subjects "Person 123") and
the output is the same for the same seed and size. Each review is generated from
its own random stream, so review N is the same in every profile.

Whatever the size, the data holds the same *probes*, so a page measured at two
sizes shows the same content and only the rest of the database grows:

- partnership 1, "the probe partnership", holds reviews 1-50 at every size;
- review 1, "the probe review", owned by the probe officer: exactly 60 requests
  over three trawls, in every status, 3 family members and 10 log entries;
- agency 1, "the probe agency": its lead's inbox holds exactly 40 requests (trawl 1
  of reviews 2-41), whose statuses and due dates do not depend on the size;
- the probe officer owns the probe partnership's open reviews, and no others;
- in the profiles, the probe partnership's reviews 1-40 are open and 16-40 of them
  published, so the overview of all open reviews and the public listing show a
  full page of 25 at both sizes;
- in the profiles, reviews 1-25 each have an open media inquiry (more are open
  nationally), so the media page's first page of open inquiries is full at both sizes.

Rows are generated and inserted a batch of reviews at a time (INSERTs of CHUNK
rows, in one transaction), so memory stays small whatever the size.

Command line (migrates the database first; it must hold no reviews yet):

    python -m bench.generate --database-url sqlite:///instance/bench.db --scale 0.1
    python -m bench.generate --database-url sqlite:///instance/national.db --profile national
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from collections import Counter
from dataclasses import dataclass, replace
from functools import lru_cache

from peewee import Database, Node, PostgresqlDatabase, chunked

from portal.accounts.models import Role, User
from portal.accounts.passwords import hash_password
from portal.clock import local_today
from portal.family_contact.models import (
    ContactMethod,
    ContactPurpose,
    ContactRoute,
    FamilyContactEntry,
    FamilyContactEntryMember,
    FamilyMember,
    Participation,
)
from portal.media_inquiries.models import InquiryStatus, MediaInquiry, Topic
from portal.organisations.models import Agency, Partnership, Sector
from portal.publication.models import DocumentKind, PublishedDocument
from portal.reviews.models import Review, ReviewKind, Subject, SubjectRole
from portal.trawls.models import (
    DEFAULT_WORKING_DAYS,
    DueBasis,
    ExtensionRequest,
    RequestStatus,
    ReturnKind,
    Trawl,
    TrawlPurpose,
    TrawlRequest,
    TrawlReturn,
)
from portal.trawls.service import refresh_overview_keys
from portal.workdays.calendar import WorkingDayCalendar

SEED = 20240601
# Throwaway databases only: every bench account shares this fictional password.
PASSWORD = "bench-password-not-a-secret"  # noqa: S105
EMAIL_DOMAIN = "bench.example"

PROBE_REVIEW_ID = 1
PROBE_AGENCY_ID = 1
PROBE_PARTNERSHIP_ID = 1
PROBE_PARTNERSHIP_REVIEWS = 50  # reviews 1-50
PROBE_AGENCY_REQUESTS = 40
PROBE_OPEN_INQUIRIES = 25  # media inquiries about reviews 1-25, still open (with the media profiles)
# With the profiles, the probe partnership's reviews 1-40 are open and 16-40 of them published,
# so the lists of all open reviews and of published reports fill a page of 25 at both sizes.
PROBE_OPEN_REVIEWS = range(1, 41)
PROBE_PUBLISHED_REVIEWS = range(16, 41)
# The probe review's trawls: (days ago issued, agencies asked, statuses in agency order).
S = RequestStatus  # short, for the tables below
PROBE_TRAWLS = (
    (40, 30, [S.ACCEPTED] * 10 + [S.NIL_RETURN] * 6 + [S.INVOLVEMENT] * 4 + [S.AWAITING] * 6
     + [S.EXTENSION_REQUESTED] * 4),
    (20, 20, [S.ACCEPTED] * 2 + [S.NIL_RETURN] * 5 + [S.INVOLVEMENT] * 3 + [S.AWAITING] * 8
     + [S.EXTENSION_REQUESTED] * 2),
    (2, 10, [S.AWAITING] * 8 + [S.NIL_RETURN] * 2),
)  # fmt: skip
PROBE_REVIEW_REQUESTS = sum(asked for _, asked, _ in PROBE_TRAWLS)  # 60
POOL = 120  # agencies a partnership asks: its local ones (partnership 1: agencies 2-121)
MAX_TRAWLS = 3  # per review: trawl ids are (review - 1) * MAX_TRAWLS + number

CHUNK = 1000  # rows per INSERT: well inside SQLite's 32,766 bound parameters
BATCH = 250  # reviews generated, then inserted, at a time
OPEN_STAGES = (
    "notified",
    "initial_scoping",
    "commissioned",
    "terms_of_reference_agreed",
    "report_in_progress",
)
CLOSED_STAGE = "concluded"
PUBLISHED_STAGE = "published"
KINDS = (ReviewKind.DHR, ReviewKind.DARDR, ReviewKind.JOINT_SAR, ReviewKind.JOINT_CHILD)
KIND_WEIGHTS = (70, 20, 5, 5)
STATUSES = (S.AWAITING, S.EXTENSION_REQUESTED, S.NIL_RETURN, S.INVOLVEMENT, S.ACCEPTED)
# Weights per STATUSES for a review that is closed, open and not yet due, open and past due.
CLOSED_MIX = (0, 0, 3, 2, 95)
NOT_DUE_MIX = (55, 5, 22, 10, 8)
PAST_DUE_MIX = (12, 4, 14, 8, 62)  # the 12 awaiting are the overdue ones
INQUIRY_STATUSES = tuple(InquiryStatus)
PROFILES = ("national", "council")


@dataclass(frozen=True)
class Sizes:
    """What a size holds. For the council profile, what was actually inserted."""

    partnerships: int
    reviews: int
    open_reviews: int
    agencies: int
    requests: int
    officers: int
    users: int = 0
    family_entries: int = 0
    media_inquiries: int = 0
    published: int = 0


@dataclass(frozen=True)
class Plan:
    """How the universe is built: the national profile, or a bench/pages.py scale."""

    partnerships: int
    reviews: int
    agencies: int
    requests: int
    admins: int = 1
    officers_each: int = 1  # per partnership
    csp_each: int = 1  # per partnership
    leads_each: int = 1  # per agency
    open_every: int = 4  # review i is open if i % open_every == 1 (0: open_reviews chosen at random)
    open_reviews: int = 0
    published_share: float = 0.0  # of the open reviews (not the probe): on the public website
    family_members: int = 0  # per review
    family_entries: int = 0  # per review
    media_inquiries: int = 0  # per review
    only_partnership: int | None = None  # the council profile: keep one partnership's rows

    @classmethod
    def at(cls, scale: float) -> Plan:
        """The counts for a scale; floors keep the probes possible at very small scales."""
        if scale <= 0:
            raise ValueError("scale must be positive")
        reviews = max(PROBE_PARTNERSHIP_REVIEWS, round(2000 * scale))
        agencies = max(max(asked for _, asked, _ in PROBE_TRAWLS) + 1, round(400 * scale))
        return cls(
            partnerships=max(1, round(40 * scale)),
            reviews=reviews,
            agencies=agencies,
            requests=max(PROBE_REVIEW_REQUESTS + PROBE_AGENCY_REQUESTS + 3 * reviews, round(100_000 * scale)),
        )

    @classmethod
    def profile(cls, name: str) -> Plan:
        national = cls(
            partnerships=350,
            reviews=10_000,
            agencies=5_000,
            requests=400_000,
            admins=100,
            officers_each=5,
            csp_each=9,
            leads_each=3,  # 100 + 350 * (5 + 9) + 5,000 * 3 = 20,000 users
            open_every=0,
            open_reviews=1_500,
            published_share=0.2,
            family_members=3,
            family_entries=10,
            media_inquiries=2,
        )
        if name == "national":
            return national
        if name == "council":
            return replace(national, only_partnership=PROBE_PARTNERSHIP_ID)
        raise ValueError(f"unknown profile {name!r}: one of {', '.join(PROFILES)}")


@dataclass(frozen=True)
class Probes:
    """What the benchmark signs in as and looks at (the same ids at every size)."""

    sizes: Sizes
    review_id: int
    agency_id: int
    partnership_id: int
    admin_email: str
    officer_email: str
    lead_email: str
    csp_email: str
    password: str = PASSWORD


@lru_cache(maxsize=1)
def _password_hash() -> str:
    return hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per process


def _stream(seed: int, *parts) -> random.Random:
    """A reproducible random stream per thing generated (review N is the same at every size).

    For test data, never for secrets.
    """
    return random.Random(":".join(map(str, (seed, *parts))))  # noqa: S311


def _at(day: dt.date, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0)) + dt.timedelta(minutes=minutes)


class _Universe:
    """Ids and relations worked out from the plan alone (no rows): who is who, which review is where."""

    def __init__(self, plan: Plan, seed: int):
        self.plan = plan
        self.seed = seed
        p = plan
        self.first_officer = p.admins + 1
        self.first_csp = self.first_officer + p.partnerships * p.officers_each
        self.first_lead = self.first_csp + p.partnerships * p.csp_each
        if p.open_every:
            self.open = {i for i in range(1, p.reviews + 1) if i % p.open_every == 1}
        else:
            others = range(PROBE_PARTNERSHIP_REVIEWS + 1, p.reviews + 1)
            rest = _stream(seed, "open").sample(others, p.open_reviews - len(PROBE_OPEN_REVIEWS))
            self.open = {*PROBE_OPEN_REVIEWS, *rest}

    def partnership_of(self, review_id: int) -> int:
        if review_id <= PROBE_PARTNERSHIP_REVIEWS or self.plan.partnerships == 1:
            return PROBE_PARTNERSHIP_ID
        return (review_id - PROBE_PARTNERSHIP_REVIEWS - 1) % (self.plan.partnerships - 1) + 2

    def pool(self, partnership: int) -> range:
        """The agencies a partnership asks (never the probe agency, which is asked on purpose)."""
        agencies = self.plan.agencies
        if agencies - 1 <= POOL:
            return range(2, agencies + 1)
        room = agencies - 1 - POOL  # starts 2 .. 2 + room
        stride = max(1, room // max(1, self.plan.partnerships - 1))
        start = 2 + ((partnership - 1) * stride) % (room + 1)
        return range(start, start + POOL)

    def officers(self, partnership: int) -> list[int]:
        first = self.first_officer + (partnership - 1) * self.plan.officers_each
        return list(range(first, first + self.plan.officers_each))

    def csp(self, partnership: int) -> list[int]:
        first = self.first_csp + (partnership - 1) * self.plan.csp_each
        return list(range(first, first + self.plan.csp_each))

    def leads(self, agency: int) -> list[int]:
        first = self.first_lead + (agency - 1) * self.plan.leads_each
        return list(range(first, first + self.plan.leads_each))

    @property
    def probe_officer(self) -> int:
        return self.first_officer

    def officer_of(self, review_id: int) -> int:
        partnership = self.partnership_of(review_id)
        officers = self.officers(partnership)
        if partnership == PROBE_PARTNERSHIP_ID:
            # The probe officer owns the probe partnership's open reviews and nothing else.
            if review_id in self.open or len(officers) == 1:
                return self.probe_officer
            return officers[1 + review_id % (len(officers) - 1)]
        return officers[review_id % len(officers)]

    def keeps(self, partnership: int) -> bool:
        return self.plan.only_partnership in (None, partnership)


@dataclass
class _TrawlPlan:
    id: int
    number: int
    issued_on: dt.date
    due: dt.date
    size: int = 0  # agencies asked from the pool (not the probe review's, not the probe agency)
    first_request: int = 0


@dataclass
class _ReviewPlan:
    id: int
    partnership: int
    officer: int
    is_open: bool
    published: bool
    notified: dt.date
    kind: ReviewKind
    stage: str
    trawls: list[_TrawlPlan]


class _Builder:
    def __init__(self, plan: Plan, seed: int, today: dt.date):
        self.plan = plan
        self.seed = seed
        self.today = today
        self.now = dt.datetime.combine(today, dt.time(8, 0))
        self.universe = _Universe(plan, seed)
        self.calendar = WorkingDayCalendar()
        self.counts: Counter = Counter()
        self.reviews = [self._review_plan(review_id) for review_id in range(1, plan.reviews + 1)]
        self._size_trawls()

    # The plan: every review and trawl, small enough to hold (requests are streamed) ----------------

    def _review_plan(self, review_id: int) -> _ReviewPlan:
        universe, plan = self.universe, self.plan
        rng = _stream(self.seed, "review", review_id)
        is_open = review_id in universe.open
        if review_id <= PROBE_PARTNERSHIP_REVIEWS:
            published = plan.published_share > 0 and review_id in PROBE_PUBLISHED_REVIEWS
        else:
            published = is_open and plan.published_share > 0 and rng.random() < plan.published_share
        if review_id == PROBE_REVIEW_ID:
            notified = self.today - dt.timedelta(days=60)
        elif published:
            notified = self.today - dt.timedelta(days=rng.randint(500, 900))
        else:
            notified = self.today - dt.timedelta(
                days=rng.randint(20, 400) if is_open else rng.randint(400, 1500)
            )
        kind = ReviewKind.DHR if review_id == PROBE_REVIEW_ID else rng.choices(KINDS, KIND_WEIGHTS)[0]
        stage = PUBLISHED_STAGE if published else rng.choice(OPEN_STAGES) if is_open else CLOSED_STAGE
        if review_id == PROBE_REVIEW_ID:
            issued = [self.today - dt.timedelta(days=ago) for ago, _, _ in PROBE_TRAWLS]
        else:
            issued = []
            for number in range(rng.randint(1, MAX_TRAWLS)):
                day = notified + dt.timedelta(days=7 + 35 * number)
                if day >= self.today:
                    break
                issued.append(day)
            issued = issued or [self.today - dt.timedelta(days=1)]
        trawls = [
            _TrawlPlan(
                id=(review_id - 1) * MAX_TRAWLS + number,
                number=number,
                issued_on=issued_on,
                due=self.calendar.add_working_days(issued_on, DEFAULT_WORKING_DAYS).due,
            )
            for number, issued_on in enumerate(issued, start=1)
        ]
        return _ReviewPlan(
            id=review_id,
            partnership=universe.partnership_of(review_id),
            officer=universe.officer_of(review_id),
            is_open=is_open,
            published=published,
            notified=notified,
            kind=kind,
            stage=stage,
            trawls=trawls,
        )

    def _size_trawls(self) -> None:
        """Agencies asked per trawl: around the mean, adding up to exactly the requests wanted,
        then each trawl's first request id (the same ids in every profile)."""
        spread = _stream(self.seed, "spread")
        others = [(r, t) for r in self.reviews if r.id != PROBE_REVIEW_ID for t in r.trawls]
        wanted = self.plan.requests - PROBE_REVIEW_REQUESTS - PROBE_AGENCY_REQUESTS
        most = [len(self.universe.pool(r.partnership)) for r, _ in others]
        if not len(others) <= wanted <= sum(most):
            raise ValueError(f"cannot spread {wanted} requests over {len(others)} trawls")
        mean = wanted / len(others)
        sizes = [min(m, max(1, round(mean * spread.uniform(0.4, 1.6)))) for m in most]
        difference = wanted - sum(sizes)
        while difference:
            index = spread.randrange(len(sizes))
            step = 1 if difference > 0 else -1
            if 1 <= sizes[index] + step <= most[index]:
                sizes[index] += step
                difference -= step
        for (_, trawl), size in zip(others, sizes, strict=True):
            trawl.size = size
        next_id = 1
        for review in self.reviews:
            for trawl in review.trawls:
                trawl.first_request = next_id
                if review.id == PROBE_REVIEW_ID:
                    next_id += PROBE_TRAWLS[trawl.number - 1][1]
                else:
                    next_id += trawl.size + int(self._asks_probe_agency(review.id, trawl.number))

    @staticmethod
    def _asks_probe_agency(review_id: int, number: int) -> bool:
        # The probe agency answers trawl 1 of reviews 2-41 (all in the probe partnership).
        return number == 1 and 2 <= review_id <= PROBE_AGENCY_REQUESTS + 1

    # People and organisations ----------------------------------------------------------------

    def kept_agencies(self) -> list[int]:
        if self.plan.only_partnership is None:
            return list(range(1, self.plan.agencies + 1))
        return [PROBE_AGENCY_ID, *self.universe.pool(self.plan.only_partnership)]

    def organisations_and_people(self):
        """(model, rows) in the order they must be inserted."""
        plan, universe = self.plan, self.universe
        partnerships = [p for p in range(1, plan.partnerships + 1) if universe.keeps(p)]
        yield (
            Partnership,
            ({"id": p, "name": f"Partnership {p:03d}", "created_at": self.now} for p in partnerships),
        )
        sectors = list(Sector)
        agencies = self.kept_agencies()
        yield (
            Agency,
            (
                {
                    "id": a,
                    "name": f"Agency {a:04d}",
                    "sector": sectors[a % len(sectors)],
                    "contact_email": f"records@agency-{a:04d}.example",
                    "created_at": self.now,
                }
                for a in agencies
            ),
        )
        yield User, self._users(partnerships, agencies)

    def _users(self, partnerships: list[int], agencies: list[int]):
        universe = self.universe
        admins = range(1, self.plan.admins + 1) if self.plan.only_partnership is None else [1]
        for n in admins:
            yield self._user(n, Role.ADMIN, "admin" if n == 1 else f"admin-{n:03d}", f"Administrator {n:03d}")
        for p in partnerships:
            for n, user_id in enumerate(universe.officers(p), start=1):
                if user_id == universe.probe_officer:
                    yield self._user(user_id, Role.REVIEW_OFFICER, "officer", "Probe Officer")
                else:
                    yield self._user(
                        user_id, Role.REVIEW_OFFICER, f"officer-{p:03d}-{n}", f"Officer {p:03d}/{n}"
                    )
        for p in partnerships:
            for n, user_id in enumerate(universe.csp(p), start=1):
                local = f"csp-{p:03d}" if n == 1 else f"csp-{p:03d}-{n}"
                yield self._user(user_id, Role.CSP_TEAM, local, f"CSP Member {p:03d}/{n}", partnership=p)
        for a in agencies:
            for n, user_id in enumerate(universe.leads(a), start=1):
                local = f"lead-{a:04d}" if n == 1 else f"lead-{a:04d}-{n}"
                yield self._user(user_id, Role.AGENCY_LEAD, local, f"Lead {a:04d}/{n}", agency=a)

    def _user(
        self, user_id: int, role: Role, local: str, name: str, *, agency=None, partnership=None
    ) -> dict:
        self.counts[User] += 1
        return {
            "id": user_id,
            "email": f"{local}@{EMAIL_DOMAIN}",
            "full_name": name,
            "role": role,
            "agency": agency,
            "partnership": partnership,
            "password_hash": _password_hash(),
            "created_at": self.now,
        }

    # Reviews and everything about them, a batch at a time ---------------------------------------

    def batches(self):
        """{model: rows} for each batch of kept reviews, models in the order they must be inserted."""
        kept = [r for r in self.reviews if self.universe.keeps(r.partnership)]
        for batch in chunked(kept, BATCH):
            rows = {
                model: []
                for model in (
                    Review,
                    Subject,
                    Trawl,
                    TrawlRequest,
                    TrawlReturn,
                    ExtensionRequest,
                    FamilyMember,
                    FamilyContactEntry,
                    FamilyContactEntryMember,
                    MediaInquiry,
                    PublishedDocument,
                )
            }
            for review in batch:
                self._review(review, rows)
            for model, model_rows in rows.items():
                self.counts[model] += len(model_rows)
            yield rows

    def _review(self, review: _ReviewPlan, rows: dict) -> None:
        rng = _stream(self.seed, "details", review.id)
        row = {
            "id": review.id,
            "reference": f"{review.kind.reference_prefix}-{review.notified.year}-{review.id:04d}",
            "kind": review.kind,
            "partnership": review.partnership,
            "review_officer": review.officer,
            "title": f"Review {review.id:04d}",
            "date_of_death": review.notified - dt.timedelta(days=rng.randint(2, 20)),
            "date_notified": review.notified,
            "stage": review.stage,
            "is_open": review.is_open,
            "created_at": _at(review.notified, 0),
            "created_by": review.officer,
            "published_on": None,
            "removal_due_on": None,
        }
        if review.published:
            published_on = self.today - dt.timedelta(days=rng.randint(1, 330))
            row.update(published_on=published_on, removal_due_on=published_on + dt.timedelta(days=365))
            for number, kind in enumerate(DocumentKind, start=1):
                rows[PublishedDocument].append(
                    {
                        "id": (review.id - 1) * 2 + number,
                        "review": review.id,
                        "kind": kind,
                        "stored_name": f"bench-{review.id:05d}-{number}.pdf",
                        "original_name": f"{kind.value}.pdf",
                        "size_bytes": 250_000 * number,
                        "sha256": "0" * 64,
                        "uploaded_at": _at(published_on, 0),
                        "uploaded_by": review.officer,
                    }
                )
        rows[Review].append(row)
        subject = Subject(
            id=review.id,
            review=review.id,
            role=SubjectRole.DECEASED,
            full_name=f"Person {review.id}",
            date_of_birth=review.notified - dt.timedelta(days=rng.randint(18 * 365, 80 * 365)),
            address_at_time=f"{review.id} Example Street, Northvale",
        )
        rows[Subject].append({**subject.__data__, "created_at": _at(review.notified, 5)})
        for trawl in review.trawls:
            rows[Trawl].append(
                {
                    "id": trawl.id,
                    "review": review.id,
                    "number": trawl.number,
                    "purpose": TrawlPurpose.INITIAL if trawl.number == 1 else TrawlPurpose.FURTHER,
                    "issued_at": _at(trawl.issued_on, 60),
                    "issued_on": trawl.issued_on,
                    "issued_by": review.officer,
                    "working_days": DEFAULT_WORKING_DAYS,
                    "instructions": "",
                    "subjects_snapshot": [subject.snapshot()],
                }
            )
            self._requests(review, trawl, rows)
        self._family(review, rows)
        self._media(review, rows)

    def _requests(self, review: _ReviewPlan, trawl: _TrawlPlan, rows: dict) -> None:
        request_id = trawl.first_request
        if review.id == PROBE_REVIEW_ID:
            _, asked, statuses = PROBE_TRAWLS[trawl.number - 1]
            for agency, status in zip(range(2, 2 + asked), statuses, strict=True):
                rng = _stream(self.seed, "probe", trawl.id, agency)
                self._request(rows, request_id, review, trawl, agency, status, rng)
                request_id += 1
            return
        if self._asks_probe_agency(review.id, trawl.number):
            rng = _stream(self.seed, "probe-agency", review.id)
            self._request(
                rows, request_id, review, trawl, PROBE_AGENCY_ID, self._status(review, trawl, rng), rng
            )
            request_id += 1
        rng = _stream(self.seed, "trawl", trawl.id)
        for agency in sorted(rng.sample(self.universe.pool(review.partnership), trawl.size)):
            self._request(rows, request_id, review, trawl, agency, self._status(review, trawl, rng), rng)
            request_id += 1

    def _status(self, review: _ReviewPlan, trawl: _TrawlPlan, rng: random.Random) -> RequestStatus:
        mix = CLOSED_MIX if not review.is_open else NOT_DUE_MIX if trawl.due >= self.today else PAST_DUE_MIX
        return rng.choices(STATUSES, mix)[0]

    def _request(self, rows, request_id, review, trawl, agency, status, rng) -> None:
        issued_on, due = trawl.issued_on, trawl.due
        lead = self.universe.leads(agency)[0]
        row = {
            "id": request_id,
            "trawl": trawl.id,
            "review": review.id,
            "agency": agency,
            "status": status,
            "due_date": due,
            "due_basis": DueBasis.WORKING_DAYS,
            "answered_at": None,
            "answered_by": None,
            "accepted_at": None,
            "accepted_by": None,
            "created_at": _at(issued_on, 60),
        }
        latest = self.now - dt.timedelta(hours=1)
        if status in (S.NIL_RETURN, S.INVOLVEMENT, S.ACCEPTED):
            answered = _at(issued_on + dt.timedelta(days=rng.randint(1, 16)), rng.randint(0, 480))
            answered = min(latest, answered)
            row.update(answered_at=answered, answered_by=lead)
            kind = (
                ReturnKind(status.value)
                if status is not S.ACCEPTED
                else rng.choices((ReturnKind.NIL_RETURN, ReturnKind.INVOLVEMENT), (7, 3))[0]
            )
            rows[TrawlReturn].append(self._return(request_id, kind, answered, lead, issued_on))
            if status is S.ACCEPTED:
                row.update(
                    accepted_at=min(latest, answered + dt.timedelta(days=rng.randint(1, 10))),
                    accepted_by=review.officer,
                )
        elif status is S.EXTENSION_REQUESTED:
            rows[ExtensionRequest].append(
                {
                    "id": request_id,
                    "request": request_id,
                    "reason": "Archived paper records are being retrieved.",
                    "proposed_date": due + dt.timedelta(days=14),
                    "requested_at": min(latest, _at(issued_on + dt.timedelta(days=3), 0)),
                    "requested_by": lead,
                }
            )
        rows[TrawlRequest].append(row)

    @staticmethod
    def _return(request_id: int, kind: ReturnKind, at: dt.datetime, lead: int, issued_on: dt.date) -> dict:
        nil = kind is ReturnKind.NIL_RETURN
        return {
            "id": request_id,
            "request": request_id,
            "number": 1,
            "kind": kind,
            "submitted_at": at,
            "submitted_by": lead,
            "received_by": None,
            "searched_names": nil,
            "searched_alternative_spellings": nil,
            "searched_dates_of_birth": nil,
            "searched_paper_records": nil,
            "searched_electronic_records": nil,
            "summary": "" if nil else "Two appointments about housing repairs; no concerns recorded.",
            "contact_from": None if nil else issued_on - dt.timedelta(days=400),
            "contact_to": None if nil else issued_on - dt.timedelta(days=380),
            "records_secured": not nil,
        }

    # Family contact and media inquiries --------------------------------------------------------

    def _family(self, review: _ReviewPlan, rows: dict) -> None:
        count, entries = self.plan.family_members, self.plan.family_entries
        if not count:
            return
        rng = _stream(self.seed, "family", review.id)
        members = [(review.id - 1) * count + n for n in range(1, count + 1)]
        relationships = ("Mother", "Sister", "Son", "Friend", "Colleague", "Father")
        for n, member_id in enumerate(members):
            rows[FamilyMember].append(
                {
                    "id": member_id,
                    "review": review.id,
                    "referred_to_as": f"Family member {chr(65 + n)}",
                    "initials": f"{chr(65 + n)}.",
                    "relationship": relationships[(review.id + n) % len(relationships)],
                    "participation": rng.choice((Participation.ENGAGED, Participation.NOT_CONTACTED)),
                    "preferred_route": rng.choice(list(ContactRoute)),
                    "created_at": _at(review.notified, 30 + n),
                    "created_by": review.officer,
                }
            )
        span = max(1, (self.today - review.notified).days - 1)
        purposes = [p for p in ContactPurpose if p is not ContactPurpose.FIRST_CONTACT]
        for n in range(entries):
            entry_id = (review.id - 1) * entries + n + 1
            contacted = _at(review.notified + dt.timedelta(days=1 + span * n // entries), rng.randint(0, 480))
            rows[FamilyContactEntry].append(
                {
                    "id": entry_id,
                    "review": review.id,
                    "contacted_at": contacted,
                    "made_by": "The review chair",
                    "contact_made": rng.random() < 0.85,
                    "route": rng.choice(list(ContactRoute)),
                    "method": rng.choice(list(ContactMethod)),
                    "purpose": ContactPurpose.FIRST_CONTACT if n == 0 else rng.choice(purposes),
                    "summary": "Explained where the review has got to and what happens next.",
                    "recorded_at": contacted + dt.timedelta(hours=2),
                    "recorded_by": review.officer,
                }
            )
            for j, member_id in enumerate(sorted(rng.sample(members, rng.randint(1, min(2, count))))):
                rows[FamilyContactEntryMember].append(
                    {"id": (entry_id - 1) * 2 + j + 1, "entry": entry_id, "member": member_id}
                )

    def _media(self, review: _ReviewPlan, rows: dict) -> None:
        count = self.plan.media_inquiries
        if not count:
            return
        rng = _stream(self.seed, "media", review.id)
        logged_by = self.universe.csp(review.partnership)[0]
        for n in range(1, count + 1):
            about_review = rng.random() < 0.7
            recent = review.is_open and rng.random() < 0.1
            # The probe partnership's reviews 1-25 each have one open inquiry: a page of 25 at every size.
            recent = recent or (n == 1 and review.id <= PROBE_OPEN_INQUIRIES)
            if recent:
                received = self.now - dt.timedelta(hours=rng.randint(1, 120))
                status = rng.choice(INQUIRY_STATUSES[:4])  # the open ones
            else:
                span = max(1, (self.today - review.notified).days - 7)
                received = _at(review.notified + dt.timedelta(days=rng.randint(1, span)), rng.randint(0, 480))
                status = rng.choice(INQUIRY_STATUSES[4:])  # responded or closed
            done = received + dt.timedelta(hours=rng.randint(2, 30))
            rows[MediaInquiry].append(
                {
                    "id": (review.id - 1) * count + n,
                    "received_at": received,
                    "received_by_name": "Press office",
                    "outlet": f"The Northvale Courier {n}",
                    "journalist_name": f"Journalist {review.id:05d}-{n}",
                    "question": "Can you confirm a review has been commissioned, and when it will report?",
                    "deadline_at": received + dt.timedelta(hours=48),
                    "review": review.id if about_review else None,
                    "topic": Topic.REVIEW_IN_PROGRESS if about_review else Topic.REVIEW_PROCESS,
                    "logged_by": logged_by,
                    "created_at": received,
                    "status": status,
                    "responded_at": done if status is InquiryStatus.RESPONDED else None,
                    "closed_at": None if status.is_open or status is InquiryStatus.RESPONDED else done,
                }
            )


def generate(
    database: Database,
    scale: float | None = None,
    *,
    profile: str | None = None,
    seed: int = SEED,
    today: dt.date | None = None,
) -> Probes:
    """Fill a migrated, empty database at a scale (bench/pages.py) or a profile ("national",
    "council"); returns the probes the benchmarks use. With neither, scale 1.0."""
    if scale is not None and profile is not None:
        raise ValueError("give a scale or a profile, not both")
    plan = Plan.profile(profile) if profile is not None else Plan.at(1.0 if scale is None else scale)
    builder = _Builder(plan, seed, today or local_today())
    models = [model for model, _ in builder.organisations_and_people()]
    models += [
        Review, Subject, Trawl, TrawlRequest, TrawlReturn, ExtensionRequest, FamilyMember,
        FamilyContactEntry, FamilyContactEntryMember, MediaInquiry, PublishedDocument,
    ]  # fmt: skip
    postgres = isinstance(getattr(database, "obj", database), PostgresqlDatabase)
    # bind_ctx, not the app's FlaskDB proxy: the generator needs no app and changes no global.
    with database.bind_ctx(models, bind_refs=False, bind_backrefs=False), database.connection_context():
        # One transaction: nothing half-loaded is ever visible, and SQLite syncs once.
        with database.atomic():
            if Review.select().exists():
                raise RuntimeError("the database already holds reviews: generate into an empty one")
            for model, rows in builder.organisations_and_people():
                _insert(database, model, rows)
            for batch in builder.batches():
                for model, rows in batch.items():
                    _insert(database, model, rows)
            # The requests went in directly, not through the trawl service: store the returns
            # overview's sort keys on every review as the service would have.
            refresh_overview_keys(None)
        if postgres:
            _after_postgres_load(database, models)
    counts = builder.counts
    universe = builder.universe
    kept_open = sum(1 for r in builder.reviews if r.is_open and universe.keeps(r.partnership))
    sizes = Sizes(
        partnerships=sum(1 for p in range(1, plan.partnerships + 1) if universe.keeps(p)),
        reviews=counts[Review],
        open_reviews=kept_open,
        agencies=len(builder.kept_agencies()),
        requests=counts[TrawlRequest],
        officers=sum(len(universe.officers(p)) for p in range(1, plan.partnerships + 1) if universe.keeps(p)),
        users=counts[User],
        family_entries=counts[FamilyContactEntry],
        media_inquiries=counts[MediaInquiry],
        published=counts[PublishedDocument] // len(DocumentKind),
    )
    return Probes(
        sizes=sizes,
        review_id=PROBE_REVIEW_ID,
        agency_id=PROBE_AGENCY_ID,
        partnership_id=PROBE_PARTNERSHIP_ID,
        admin_email=f"admin@{EMAIL_DOMAIN}",
        officer_email=f"officer@{EMAIL_DOMAIN}",
        lead_email=f"lead-{PROBE_AGENCY_ID:04d}@{EMAIL_DOMAIN}",
        csp_email=f"csp-{PROBE_PARTNERSHIP_ID:03d}@{EMAIL_DOMAIN}",
    )


def _insert(database: Database, model, rows) -> None:
    """Multi-row INSERTs, CHUNK rows each, from a list or a generator of rows.

    Not `insert_many`: building its SQL value by value took 90% of the time
    (35 s for scale 1.0); one statement per chunk, values converted by the
    fields themselves, takes a few seconds.
    """
    meta = model._meta
    fields = columns = defaults = None
    for chunk in chunked(rows, CHUNK):
        if fields is None:
            fields = [meta.fields[name] for name in chunk[0]]
            fields += [field for field in meta.defaults if field.name not in chunk[0]]
            defaults = {field: meta.defaults[field] for field in fields if field.name not in chunk[0]}
            columns = ", ".join(f'"{field.column_name}"' for field in fields)
        values, params = [], []
        for row in chunk:
            placeholders = []
            for field in fields:
                value = row[field.name] if field.name in row else defaults[field]
                value = field.db_value(value() if callable(value) else value)
                if isinstance(value, Node):  # e.g. JSONField wraps its text in json(?) on SQLite
                    sql, node_params = database.get_sql_context().sql(value).query()
                    placeholders.append(sql)
                    params.extend(node_params)
                else:
                    placeholders.append(database.param)
                    params.append(value)
            values.append("(" + ", ".join(placeholders) + ")")
        rows_sql = ", ".join(values)
        statement = f'INSERT INTO "{meta.table_name}" ({columns}) VALUES {rows_sql}'  # noqa: S608 - values are bound
        database.execute_sql(statement, params)


def _after_postgres_load(database: Database, models: list) -> None:
    """Move each id sequence past the ids given, and gather the statistics autovacuum would."""
    for model in models:
        table = model._meta.table_name
        database.execute_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "  # noqa: S608 - our own table names
            f'(SELECT COALESCE(MAX(id), 1) FROM "{table}"))'
        )
    database.execute_sql("VACUUM ANALYZE")


def describe(sizes: Sizes) -> str:
    return (
        f"{sizes.partnerships:,} partnerships, {sizes.agencies:,} agencies, {sizes.reviews:,} reviews "
        f"({sizes.open_reviews:,} open, {sizes.published:,} published), {sizes.requests:,} trawl requests, "
        f"{sizes.users:,} users, {sizes.family_entries:,} family-contact entries, "
        f"{sizes.media_inquiries:,} media inquiries"
    )


def main(argv: list[str] | None = None) -> int:
    from portal.database import open_database
    from portal.migrate import upgrade

    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="sqlite:///path or postgresql://…")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--scale", type=float, help="1.0 = 100,000 requests (the default)")
    size.add_argument("--profile", choices=PROFILES, help="national, or one council's share of it")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    database = open_database(args.database_url)
    upgrade(database)
    started = time.perf_counter()
    probes = generate(database, args.scale, profile=args.profile, seed=args.seed)
    database.close()
    print(f"Generated in {time.perf_counter() - started:.1f} s: {describe(probes.sizes)}.")
    print(f"Probe review {probes.review_id}; sign in with password {probes.password!r} as:")
    for label, email in (
        ("admin", probes.admin_email),
        ("review officer", probes.officer_email),
        ("agency lead", probes.lead_email),
        ("CSP team", probes.csp_email),
    ):
        print(f"  {label:<15} {email}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
