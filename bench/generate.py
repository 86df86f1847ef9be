"""A generated data set for the benchmark, at any scale.

Scale 1.0 is 40 partnerships, 2,000 reviews (500 open), 400 agencies and 100,000
trawl requests; 0.1 is a tenth of each. Every name is invented ("Agency 0001",
"Partnership 007", subjects "Person 123") and the output is the same for the same
seed and scale.

Whatever the scale, the data holds the same *probes*, so a page measured at two
sizes shows the same content and only the rest of the database grows:

- review 1, "the probe review", owned by the probe officer: exactly 60 requests
  over three trawls, in every status;
- agency 1, "the probe agency": its lead's inbox holds exactly 40 requests, whose
  reviews, statuses and due dates do not depend on the scale;
- partnership 1 (the CSP team member's) holds 50 reviews at 0.1 and at 1.0, as the
  partnerships scale with the reviews;
- the probe officer owns 10 open reviews at every scale.

Command line (migrates the database first; it must hold no reviews yet):

    python -m bench.generate --database-url sqlite:///instance/bench.db --scale 0.1
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import time
from dataclasses import dataclass
from functools import lru_cache

from peewee import Database, Node, PostgresqlDatabase, chunked

from portal.accounts.models import Role, User
from portal.accounts.passwords import hash_password
from portal.clock import local_today
from portal.organisations.models import Agency, Partnership, Sector
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
from portal.workdays.calendar import WorkingDayCalendar

SEED = 20240601
# Throwaway databases only: every bench account shares this fictional password.
PASSWORD = "bench-password-not-a-secret"  # noqa: S105
EMAIL_DOMAIN = "bench.example"

PROBE_REVIEW_ID = 1
PROBE_AGENCY_ID = 1
PROBE_PARTNERSHIP_ID = 1
PROBE_OFFICER_REVIEWS = 10
PROBE_AGENCY_REQUESTS = 40
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

CHUNK = 1000  # rows per INSERT: well inside SQLite's 32,766 bound parameters
# Stage values (portal/lifecycle/stages.py) as strings; closed reviews have concluded.
OPEN_STAGES = (
    "notified",
    "initial_scoping",
    "commissioned",
    "terms_of_reference_agreed",
    "report_in_progress",
)
CLOSED_STAGE = "concluded"
KINDS = (ReviewKind.DHR, ReviewKind.DARDR, ReviewKind.JOINT_SAR, ReviewKind.JOINT_CHILD)
KIND_WEIGHTS = (70, 20, 5, 5)
STATUSES = (S.AWAITING, S.EXTENSION_REQUESTED, S.NIL_RETURN, S.INVOLVEMENT, S.ACCEPTED)
# Weights per STATUSES for a review that is closed, open and not yet due, open and past due.
CLOSED_MIX = (0, 0, 3, 2, 95)
NOT_DUE_MIX = (55, 5, 22, 10, 8)
PAST_DUE_MIX = (12, 4, 14, 8, 62)  # the 12 awaiting are the overdue ones


@dataclass(frozen=True)
class Sizes:
    partnerships: int
    reviews: int
    open_reviews: int
    agencies: int
    requests: int
    officers: int

    @classmethod
    def at(cls, scale: float) -> Sizes:
        """The counts for a scale; floors keep the probes possible at very small scales."""
        if scale <= 0:
            raise ValueError("scale must be positive")
        reviews = max(4 * PROBE_AGENCY_REQUESTS, round(2000 * scale))
        agencies = max(max(asked for _, asked, _ in PROBE_TRAWLS) + 1, round(400 * scale))
        return cls(
            partnerships=max(1, round(40 * scale)),
            reviews=reviews,
            open_reviews=len(_open_ids(reviews)),
            agencies=agencies,
            requests=max(PROBE_REVIEW_REQUESTS + PROBE_AGENCY_REQUESTS + 3 * reviews, round(100_000 * scale)),
            officers=max(1, round(40 * scale)),
        )


@dataclass(frozen=True)
class Probes:
    """What the benchmark signs in as and looks at (the same ids at every scale)."""

    sizes: Sizes
    review_id: int
    agency_id: int
    partnership_id: int
    admin_email: str
    officer_email: str
    lead_email: str
    csp_email: str
    password: str = PASSWORD


def _open_ids(reviews: int) -> list[int]:
    # One review in four is open: 500 of 2,000, and review 1 (the probe) among them.
    return [i for i in range(1, reviews + 1) if i % 4 == 1]


@lru_cache(maxsize=1)
def _password_hash() -> str:
    return hash_password(PASSWORD)  # argon2 is slow on purpose: hash once per process


def _stream(seed: int, *parts) -> random.Random:
    """A reproducible random stream per thing generated (review N is the same at every scale).

    For test data, never for secrets.
    """
    return random.Random(":".join(map(str, (seed, *parts))))  # noqa: S311


def _at(day: dt.date, minutes: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(9, 0)) + dt.timedelta(minutes=minutes)


class _Builder:
    def __init__(self, sizes: Sizes, seed: int, today: dt.date):
        self.sizes = sizes
        self.seed = seed
        self.today = today
        self.now = dt.datetime.combine(today, dt.time(8, 0))
        self.random = _stream(seed, "spread")
        self.calendar = WorkingDayCalendar()
        self.rows: dict[type, list[dict]] = {
            model: []
            for model in (
                Partnership,
                Agency,
                User,
                Review,
                Subject,
                Trawl,
                TrawlRequest,
                TrawlReturn,
                ExtensionRequest,
            )
        }

    # People and organisations ----------------------------------------------------------------

    def organisations_and_people(self) -> None:
        sizes = self.sizes
        sectors = list(Sector)
        for p in range(1, sizes.partnerships + 1):
            self.rows[Partnership].append({"id": p, "name": f"Partnership {p:03d}", "created_at": self.now})
        for a in range(1, sizes.agencies + 1):
            self.rows[Agency].append(
                {
                    "id": a,
                    "name": f"Agency {a:04d}",
                    "sector": sectors[a % len(sectors)],
                    "contact_email": f"records@agency-{a:04d}.example",
                    "created_at": self.now,
                }
            )
        self.admin_id = self._user(Role.ADMIN, "admin", "Bench Administrator")
        self.officer_id = self._user(Role.REVIEW_OFFICER, "officer", "Probe Officer")
        self.other_officers = [
            self._user(Role.REVIEW_OFFICER, f"officer-{n:03d}", f"Officer {n:03d}")
            for n in range(1, sizes.officers + 1)
        ]
        self.lead_of = {
            a: self._user(Role.AGENCY_LEAD, f"lead-{a:04d}", f"Lead {a:04d}", agency=a)
            for a in range(1, sizes.agencies + 1)
        }
        self.csp_of = {
            p: self._user(Role.CSP_TEAM, f"csp-{p:03d}", f"CSP Member {p:03d}", partnership=p)
            for p in range(1, sizes.partnerships + 1)
        }

    def _user(self, role: Role, local: str, name: str, *, agency=None, partnership=None) -> int:
        user_id = len(self.rows[User]) + 1
        self.rows[User].append(
            {
                "id": user_id,
                "email": f"{local}@{EMAIL_DOMAIN}",
                "full_name": name,
                "role": role,
                "agency": agency,
                "partnership": partnership,
                "password_hash": _password_hash(),
                "created_at": self.now,
            }
        )
        return user_id

    # Reviews, subjects and trawls ------------------------------------------------------------------

    def reviews(self) -> list[dict]:
        """Every review and its trawls (requests come later, once the trawls are sized)."""
        sizes = self.sizes
        open_ids = set(_open_ids(sizes.reviews))
        probe_officer_reviews = set(sorted(open_ids)[:PROBE_OFFICER_REVIEWS])
        trawls = []
        for review_id in range(1, sizes.reviews + 1):
            rng = _stream(self.seed, "review", review_id)
            is_open = review_id in open_ids
            if review_id == PROBE_REVIEW_ID:
                notified = self.today - dt.timedelta(days=60)
            else:
                notified = self.today - dt.timedelta(
                    days=rng.randint(20, 400) if is_open else rng.randint(400, 1500)
                )
            kind = ReviewKind.DHR if review_id == PROBE_REVIEW_ID else rng.choices(KINDS, KIND_WEIGHTS)[0]
            officer = (
                self.officer_id
                if review_id in probe_officer_reviews
                else self.other_officers[review_id % len(self.other_officers)]
            )
            self.rows[Review].append(
                {
                    "id": review_id,
                    "reference": f"{kind.reference_prefix}-{notified.year}-{review_id:04d}",
                    "kind": kind,
                    "partnership": (review_id - 1) % sizes.partnerships + 1,
                    "review_officer": officer,
                    "title": f"Review {review_id:04d}",
                    "date_of_death": notified - dt.timedelta(days=rng.randint(2, 20)),
                    "date_notified": notified,
                    "stage": rng.choice(OPEN_STAGES) if is_open else CLOSED_STAGE,
                    "is_open": is_open,
                    "created_at": _at(notified, 0),
                    "created_by": officer,
                }
            )
            subject = Subject(
                id=review_id,
                review=review_id,
                role=SubjectRole.DECEASED,
                full_name=f"Person {review_id}",
                date_of_birth=notified - dt.timedelta(days=rng.randint(18 * 365, 80 * 365)),
                address_at_time=f"{review_id} Example Street, Northvale",
            )
            self.rows[Subject].append({**subject.__data__, "created_at": _at(notified, 5)})
            if review_id == PROBE_REVIEW_ID:
                issued = [self.today - dt.timedelta(days=ago) for ago, _, _ in PROBE_TRAWLS]
            else:
                issued = []
                for number in range(rng.randint(1, 3)):
                    day = notified + dt.timedelta(days=7 + 35 * number)
                    if day >= self.today:
                        break
                    issued.append(day)
                issued = issued or [self.today - dt.timedelta(days=1)]
            for number, issued_on in enumerate(issued, start=1):
                trawl = {
                    "id": len(self.rows[Trawl]) + 1,
                    "review": review_id,
                    "number": number,
                    "purpose": TrawlPurpose.INITIAL if number == 1 else TrawlPurpose.FURTHER,
                    "issued_at": _at(issued_on, 60),
                    "issued_on": issued_on,
                    "issued_by": officer,
                    "working_days": DEFAULT_WORKING_DAYS,
                    "instructions": "",
                    "subjects_snapshot": [subject.snapshot()],
                }
                self.rows[Trawl].append(trawl)
                trawl["_due"] = self.calendar.add_working_days(issued_on, DEFAULT_WORKING_DAYS).due
                trawl["_open"] = is_open
                trawl["_officer"] = officer
                trawl["_rng"] = rng
                trawls.append(trawl)
        return trawls

    # Requests, returns and extensions ------------------------------------------------------------

    def requests(self, trawls: list[dict]) -> None:
        probe = [t for t in trawls if t["review"] == PROBE_REVIEW_ID]
        others = [t for t in trawls if t["review"] != PROBE_REVIEW_ID]
        for trawl, (_, asked, statuses) in zip(probe, PROBE_TRAWLS, strict=True):
            for agency, status in zip(range(2, 2 + asked), statuses, strict=True):
                self._request(trawl, agency, status, _stream(self.seed, "probe", trawl["id"], agency))
        # The probe agency answers trawl 1 of reviews 2-41, decided by their own streams.
        asked_probe_agency = {t["review"]: t for t in others if t["number"] == 1 and t["review"] <= 41}
        for review_id, trawl in sorted(asked_probe_agency.items()):
            rng = _stream(self.seed, "probe-agency", review_id)
            self._request(trawl, PROBE_AGENCY_ID, self._status(trawl, rng), rng)
        sizes = self._trawl_sizes(others)
        spread = list(range(PROBE_AGENCY_ID + 1, self.sizes.agencies + 1))
        for trawl, size in zip(others, sizes, strict=True):
            rng = trawl["_rng"]
            for agency in sorted(self.random.sample(spread, size)):
                self._request(trawl, agency, self._status(trawl, rng), rng)

    def _trawl_sizes(self, trawls: list[dict]) -> list[int]:
        """Agencies asked per trawl: around the mean, adding up to exactly the requests wanted."""
        wanted = self.sizes.requests - PROBE_REVIEW_REQUESTS - PROBE_AGENCY_REQUESTS
        most = self.sizes.agencies - 1  # never the probe agency
        if not len(trawls) <= wanted <= most * len(trawls):
            raise ValueError(f"cannot spread {wanted} requests over {len(trawls)} trawls")
        mean = wanted / len(trawls)
        sizes = [min(most, max(1, round(mean * self.random.uniform(0.4, 1.6)))) for _ in trawls]
        difference = wanted - sum(sizes)
        while difference:
            index = self.random.randrange(len(sizes))
            step = 1 if difference > 0 else -1
            if 1 <= sizes[index] + step <= most:
                sizes[index] += step
                difference -= step
        return sizes

    def _status(self, trawl: dict, rng: random.Random) -> RequestStatus:
        if not trawl["_open"]:
            mix = CLOSED_MIX
        else:
            mix = NOT_DUE_MIX if trawl["_due"] >= self.today else PAST_DUE_MIX
        return rng.choices(STATUSES, mix)[0]

    def _request(self, trawl: dict, agency: int, status: RequestStatus, rng: random.Random) -> None:
        request_id = len(self.rows[TrawlRequest]) + 1
        issued_on, due = trawl["issued_on"], trawl["_due"]
        lead = self.lead_of[agency]
        row = {
            "id": request_id,
            "trawl": trawl["id"],
            "review": trawl["review"],
            "agency": agency,
            "status": status,
            "due_date": due,
            "due_basis": DueBasis.WORKING_DAYS,
            "answered_at": None,
            "answered_by": None,
            "accepted_at": None,
            "accepted_by": None,
            "created_at": trawl["issued_at"],
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
            self._return(request_id, kind, answered, lead, issued_on)
            if status is S.ACCEPTED:
                row.update(
                    accepted_at=min(latest, answered + dt.timedelta(days=rng.randint(1, 10))),
                    accepted_by=trawl["_officer"],
                )
        elif status is S.EXTENSION_REQUESTED:
            self.rows[ExtensionRequest].append(
                {
                    "id": len(self.rows[ExtensionRequest]) + 1,
                    "request": request_id,
                    "reason": "Archived paper records are being retrieved.",
                    "proposed_date": due + dt.timedelta(days=14),
                    "requested_at": min(latest, _at(issued_on + dt.timedelta(days=3), 0)),
                    "requested_by": lead,
                }
            )
        self.rows[TrawlRequest].append(row)

    def _return(self, request_id: int, kind: ReturnKind, at: dt.datetime, lead: int, issued_on: dt.date):
        nil = kind is ReturnKind.NIL_RETURN
        self.rows[TrawlReturn].append(
            {
                "id": len(self.rows[TrawlReturn]) + 1,
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
        )


def generate(
    database: Database, scale: float = 1.0, *, seed: int = SEED, today: dt.date | None = None
) -> Probes:
    """Fill a migrated, empty database; returns the probes the benchmark uses."""
    sizes = Sizes.at(scale)
    builder = _Builder(sizes, seed, today or local_today())
    builder.organisations_and_people()
    builder.requests(builder.reviews())
    for trawl in builder.rows[Trawl]:
        for key in [k for k in trawl if k.startswith("_")]:
            del trawl[key]
    models = list(builder.rows)
    # bind_ctx, not the app's FlaskDB proxy: the generator needs no app and changes no global.
    with database.bind_ctx(models, bind_refs=False, bind_backrefs=False), database.connection_context():
        with database.atomic():
            if Review.select().exists():
                raise RuntimeError("the database already holds reviews: generate into an empty one")
            for model, rows in builder.rows.items():
                _insert(database, model, rows)
        if isinstance(getattr(database, "obj", database), PostgresqlDatabase):
            _after_postgres_load(database, models)
    lead = next(row for row in builder.rows[User] if row["agency"] == PROBE_AGENCY_ID)
    csp = next(row for row in builder.rows[User] if row["partnership"] == PROBE_PARTNERSHIP_ID)
    return Probes(
        sizes=sizes,
        review_id=PROBE_REVIEW_ID,
        agency_id=PROBE_AGENCY_ID,
        partnership_id=PROBE_PARTNERSHIP_ID,
        admin_email=builder.rows[User][builder.admin_id - 1]["email"],
        officer_email=builder.rows[User][builder.officer_id - 1]["email"],
        lead_email=lead["email"],
        csp_email=csp["email"],
    )


def _insert(database: Database, model, rows: list[dict]) -> None:
    """Multi-row INSERTs, CHUNK rows each.

    Not `insert_many`: building its SQL value by value took 90% of the time
    (35 s for scale 1.0); one statement per chunk, values converted by the
    fields themselves, takes a few seconds.
    """
    if not rows:
        return
    meta = model._meta
    fields = [meta.fields[name] for name in rows[0]]
    fields += [field for field in meta.defaults if field.name not in rows[0]]
    defaults = {field: meta.defaults[field] for field in fields if field.name not in rows[0]}
    columns = ", ".join(f'"{field.column_name}"' for field in fields)
    for chunk in chunked(rows, CHUNK):
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
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))"  # noqa: S608 - our own table names
        )
    database.execute_sql("VACUUM ANALYZE")


def main(argv: list[str] | None = None) -> int:
    from portal.database import open_database
    from portal.migrate import upgrade

    parser = argparse.ArgumentParser(prog="python -m bench.generate", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", required=True, help="sqlite:///path or postgresql://…")
    parser.add_argument("--scale", type=float, default=1.0, help="1.0 = 100,000 requests (default)")
    parser.add_argument("--seed", type=int, default=SEED)
    args = parser.parse_args(argv)
    database = open_database(args.database_url)
    upgrade(database)
    started = time.perf_counter()
    probes = generate(database, args.scale, seed=args.seed)
    database.close()
    sizes = probes.sizes
    print(
        f"Generated in {time.perf_counter() - started:.1f} s: {sizes.partnerships} partnerships, "
        f"{sizes.reviews} reviews ({sizes.open_reviews} open), {sizes.agencies} agencies, "
        f"{sizes.requests} trawl requests."
    )
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
