"""Benchmark of the trawl reminder job's scan at 100,000 and 1,000,000 trawl requests.

Builds two databases, migrated by the real migrations, that differ only in size:
100,000 and 1,000,000 trawl requests, with the same 5,000 due or overdue on the
same day (the rest answered, accepted, waiting for an extension, or due well after
the reminder window; a fixed 250 of those in the window belong to suspended reviews,
which are never chased). The 5,000, in the reminder windows (portal/trawls/reminders.py):

- 1,500 due in 2 working days (before_due);
- 1,250 due today (due_today);
- 1,000 3 working days overdue (overdue_3; before_due and due_today already sent);
- 750 5 working days overdue (escalation to the review officer; overdue_3 already sent);
- 500 6 working days overdue (overdue_6; the escalation already sent).

So each yields exactly one new email: 4,250 reminders and 750 escalations.

Measures (1) the scan alone, `due_candidates()` as the job runs it, with its plan
(EXPLAIN QUERY PLAN / EXPLAIN), the median and 95th percentile of N runs, the two
sizes taking turns; (2) the whole job, `send_due_reminders()`, once at each size
on the untouched data (then a second time: idempotent, nothing new), with what it
queued. Target (the issue): the scan uses the index, and its median at 1,000,000
is less than 2 times its median at 100,000; the job queues exactly the expected
emails. Exits 1 if a target is missed.

    python -m bench.reminders                # SQLite
    python -m bench.reminders --postgres     # PostgreSQL at TEST_POSTGRES_URL
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from peewee import Database, PostgresqlDatabase, chunked

from bench.databases import scratch_database
from bench.report import table

SIZES = (100_000, 1_000_000)
MAX_GROWTH = 2.0
SEED = 20261122
SECRET_KEY = secrets.token_urlsafe(48)  # a throwaway app: a fresh key each run
CHUNK = 5_000  # rows per transaction while loading
PER_REVIEW = 50  # requests per review (one trawl each)
PARTNERSHIPS = 40
AGENCIES = 400
OPEN_EVERY = 4  # review i is open if i % 4 == 1
SUSPENDED_EVERY = 100  # ...and suspended if i % 100 == 1
DUE_PER_REVIEW = 20  # due requests per open, unsuspended review, until DUE are placed
SUSPENDED_IN_WINDOW = 250  # 25 in each of the first 10 suspended reviews
# The due mix, per 20 due requests: (stage sent today, working days from due to today, how many).
MIX = (
    ("before_due", -2, 6),
    ("due_today", 0, 5),
    ("overdue_3", 3, 4),
    ("escalation", 5, 3),
    ("overdue_6", 6, 2),
)
DUE = 5_000
# What was sent before today, by days overdue (the job must not send these again).
ALREADY_SENT = {
    -2: (),
    0: (("before_due", -2),),
    3: (("before_due", -2), ("due_today", 0)),
    5: (("before_due", -2), ("due_today", 0), ("overdue_3", 3)),
    6: (("before_due", -2), ("due_today", 0), ("overdue_3", 3), ("escalation", 5)),
}


# The data ------------------------------------------------------------------------------------


class Days:
    """Working-day arithmetic around `today` (bank holidays included)."""

    def __init__(self, today: dt.date):
        from portal.workdays.calendar import WorkingDayCalendar

        self.calendar = WorkingDayCalendar()
        self.today = today
        self._cache: dict[int, dt.date] = {}

    def shift(self, working_days: int) -> dt.date:
        """`today` moved by this many working days (negative: earlier)."""
        if working_days not in self._cache:
            day, step, left = self.today, (1 if working_days > 0 else -1), abs(working_days)
            while left:
                day += dt.timedelta(days=step)
                if self.calendar.is_working_day(day):
                    left -= 1
            self._cache[working_days] = day
        return self._cache[working_days]


@dataclass
class Expected:
    candidates: int = 0
    reminders: int = 0
    escalations: int = 0
    suspended_in_window: int = 0
    by_stage: dict[str, int] = field(default_factory=dict)

    @property
    def emails(self) -> int:
        return self.reminders + self.escalations


class Dataset:
    """Rows for one size, generated as they are inserted (never all held at once)."""

    def __init__(self, requests: int, today: dt.date):
        self.requests = requests
        self.reviews = requests // PER_REVIEW
        self.days = Days(today)
        self.today = today
        self.now = dt.datetime.combine(today, dt.time(6, 0))
        self.expected = Expected()
        self.reminder_rows: list[dict] = []  # those already sent: a few thousand

    @staticmethod
    def officer(partnership: int) -> int:
        return partnership  # users 1-40 are the officers, one per partnership

    @staticmethod
    def lead(agency: int) -> int:
        return PARTNERSHIPS + agency  # users 41-440 are the agencies' leads

    def partnership_of(self, review: int) -> int:
        return (review - 1) % PARTNERSHIPS + 1

    def organisations_and_people(self) -> Iterator[tuple[str, Iterable[dict]]]:
        yield (
            "Partnership",
            (
                {"id": p, "name": f"Partnership {p:03d}", "created_at": self.now}
                for p in range(1, PARTNERSHIPS + 1)
            ),
        )
        yield (
            "Agency",
            (
                {
                    "id": a,
                    "name": f"Agency {a:04d}",
                    "sector": "police" if a % 2 else "health",
                    "contact_email": f"records@agency-{a:04d}.example",
                    "created_at": self.now,
                }
                for a in range(1, AGENCIES + 1)
            ),
        )
        officers = (
            {
                "id": self.officer(p),
                "email": f"officer-{p:03d}@bench.example",
                "full_name": f"Officer {p:03d}",
                "role": "review_officer",
                "created_at": self.now,
            }
            for p in range(1, PARTNERSHIPS + 1)
        )
        leads = (
            {
                "id": self.lead(a),
                "email": f"lead-{a:04d}@bench.example",
                "full_name": f"Lead {a:04d}",
                "role": "agency_lead",
                "agency": a,
                "created_at": self.now,
            }
            for a in range(1, AGENCIES + 1)
        )
        yield "User", (row for rows in (officers, leads) for row in rows)

    def reviews_and_requests(self) -> Iterator[tuple[str, Iterable[dict]]]:
        yield "Review", (self._review(i) for i in range(1, self.reviews + 1))
        yield "Trawl", (self._trawl(i) for i in range(1, self.reviews + 1))
        yield "TrawlRequest", self._requests()
        yield "TrawlReminder", self.reminder_rows  # filled while the requests were generated

    def _is_open(self, review: int) -> bool:
        return review % OPEN_EVERY == 1

    def _is_suspended(self, review: int) -> bool:
        return review % SUSPENDED_EVERY == 1

    def _notified(self, review: int) -> dt.date:
        ago = 30 + review % 300 if self._is_open(review) else 400 + review % 1500
        return self.today - dt.timedelta(days=ago)

    def _review(self, i: int) -> dict:
        notified = self._notified(i)
        is_open = self._is_open(i)
        return {
            "id": i,
            "reference": f"DHR-{notified.year}-{i:05d}",
            "kind": "dhr",
            "partnership": self.partnership_of(i),
            "review_officer": self.officer(self.partnership_of(i)),
            "title": f"Review {i:05d}",
            "date_notified": notified,
            "stage": "report_in_progress" if is_open else "concluded",
            "is_open": is_open,
            "suspended_since": self.today - dt.timedelta(days=20) if self._is_suspended(i) else None,
            "created_at": dt.datetime.combine(notified, dt.time(9, 0)),
        }

    def _trawl(self, i: int) -> dict:
        issued_on = self._notified(i) + dt.timedelta(days=7)
        return {
            "id": i,
            "review": i,
            "number": 1,
            "purpose": "initial_records_check",
            "issued_at": dt.datetime.combine(issued_on, dt.time(10, 0)),
            "issued_on": issued_on,
            "issued_by": self.officer(self.partnership_of(i)),
            "subjects_snapshot": "[]",
        }

    def _requests(self) -> Iterator[dict]:
        request_id, due_placed, suspended_placed, suspended_reviews = 0, 0, 0, 0
        for review in range(1, self.reviews + 1):
            rng = random.Random(f"{SEED}:{review}")  # noqa: S311 - test data
            is_open, suspended = self._is_open(review), self._is_suspended(review)
            suspended_reviews += suspended
            officer = self.officer(self.partnership_of(review))
            for k in range(PER_REVIEW):
                request_id += 1
                agency = (review * 37 + k) % AGENCIES + 1
                row = {
                    "id": request_id,
                    "trawl": review,
                    "review": review,
                    "agency": agency,
                    "created_at": self.now - dt.timedelta(days=60),
                }
                if is_open and not suspended and k < DUE_PER_REVIEW and due_placed < DUE:
                    self._due(row, due_placed)
                    due_placed += 1
                elif suspended and suspended_reviews <= 10 and k < 25:
                    row.update(status="awaiting", due_date=self.days.shift(-(k % 8)))  # in the window
                    suspended_placed += 1
                else:
                    self._rest(row, rng, is_open, officer, agency)
                yield row
        if due_placed != DUE or suspended_placed != SUSPENDED_IN_WINDOW:
            raise RuntimeError(f"placed {due_placed} due and {suspended_placed} suspended: too few reviews")
        self.expected.suspended_in_window = suspended_placed

    def _due(self, row: dict, number: int) -> None:
        stage, overdue = _mix_slot(number)
        due = self.days.shift(-overdue)
        row.update(status="awaiting", due_date=due)
        sent = ALREADY_SENT[overdue]
        if sent:
            row.update(last_reminder_at=self.now - dt.timedelta(days=1), last_reminder_stage=sent[-1][0])
        for earlier, on in sent:
            self.reminder_rows.append(
                {
                    "id": len(self.reminder_rows) + 1,
                    "request": row["id"],
                    "due_date": due,
                    "stage": earlier,
                    "sent_on": self.days.shift(on - overdue),
                    "created_at": self.now - dt.timedelta(days=1),
                }
            )
        self.expected.candidates += 1
        self.expected.by_stage[stage] = self.expected.by_stage.get(stage, 0) + 1
        if stage == "escalation":
            self.expected.escalations += 1
        else:
            self.expected.reminders += 1

    def _rest(self, row: dict, rng: random.Random, is_open: bool, officer: int, agency: int) -> None:
        """Anything the scan must not find: answered, accepted, extension asked, or due well ahead."""
        roll = rng.random()
        if not is_open or roll < 0.55:
            due = self.today - dt.timedelta(days=rng.randint(10, 1500 if not is_open else 300))
            answered = dt.datetime.combine(due, dt.time(11, 0)) - dt.timedelta(days=rng.randint(0, 5))
            status = (
                "accepted" if not is_open or roll < 0.35 else ("nil_return" if roll < 0.47 else "involvement")
            )
            row.update(status=status, due_date=due, answered_at=answered, answered_by=self.lead(agency))
            if status == "accepted":
                row.update(accepted_at=answered + dt.timedelta(days=2), accepted_by=officer)
        elif roll < 0.60:
            row.update(
                status="extension_requested", due_date=self.today - dt.timedelta(days=rng.randint(0, 20))
            )
        else:
            row.update(status="awaiting", due_date=self.days.shift(rng.randint(3, 40)))


def _mix_slot(number: int) -> tuple[str, int]:
    """The stage and days overdue of the number-th due request: MIX, spread evenly."""
    slot, cycle = number % sum(share for _, _, share in MIX), 0
    for stage, overdue, share in MIX:
        cycle += share
        if slot < cycle:
            return stage, overdue
    raise AssertionError("unreachable")


# Loading -------------------------------------------------------------------------------------------


def _load(database: Database, dataset: Dataset) -> None:
    """Multi-row INSERTs in chunks, one transaction each; rows stream from the generators."""
    from portal.accounts.models import User
    from portal.organisations.models import Agency, Partnership
    from portal.reviews.models import Review
    from portal.trawls.models import Trawl, TrawlReminder, TrawlRequest

    models = {m.__name__: m for m in (Partnership, Agency, User, Review, Trawl, TrawlRequest, TrawlReminder)}
    postgres = isinstance(database, PostgresqlDatabase)
    if not postgres:  # a throwaway file: no syncing, and room for the indexes' pages while loading
        database.execute_sql("PRAGMA synchronous = OFF")
        database.execute_sql("PRAGMA cache_size = -262144")
    for source in (dataset.organisations_and_people(), dataset.reviews_and_requests()):
        for name, rows in source:
            _insert(database, models[name], rows, postgres)
    if postgres:
        for model in models.values():
            table_name = model._meta.table_name
            database.execute_sql(
                f"SELECT setval(pg_get_serial_sequence('\"{table_name}\"', 'id'), "  # noqa: S608 - our tables
                f'(SELECT COALESCE(MAX(id), 1) FROM "{table_name}"))'
            )
        database.execute_sql("VACUUM ANALYZE")  # what autovacuum would have done by the morning


def _insert(database: Database, model, rows: Iterable[dict], postgres: bool) -> None:
    """Every field of the model: the row's value, else the field's default (as peewee would)."""
    meta = model._meta
    fields = list(meta.sorted_fields)  # every row names its id: no engine-specific defaults
    columns = ", ".join(f'"{f.column_name}"' for f in fields)
    names = [f.name for f in fields]
    defaults = [meta.defaults.get(f) for f in fields]

    def value(row: dict, index: int):
        name = names[index]
        if name in row:
            found = row[name]
        else:
            default = defaults[index]
            found = default() if callable(default) else default
        if hasattr(found, "value"):  # enums
            found = found.value
        if not postgres and isinstance(found, dt.date):
            found = str(found)  # what peewee stores on SQLite
        return found

    indexes = range(len(fields))
    cursor = database.cursor()
    if postgres:
        statement = f'COPY "{meta.table_name}" ({columns}) FROM STDIN'
    else:
        placeholders = ", ".join("?" for _ in fields)
        statement = f'INSERT INTO "{meta.table_name}" ({columns}) VALUES ({placeholders})'  # noqa: S608
    for chunk in chunked(rows, CHUNK):
        values = [tuple(value(row, index) for index in indexes) for row in chunk]
        with database.atomic():
            if postgres:  # COPY: PostgreSQL's bulk load, far faster than multi-row INSERTs
                text = "".join("\t".join(map(_copy_text, row)) + "\n" for row in values)
                cursor.copy_expert(statement, io.StringIO(text))
            else:
                cursor.executemany(statement, values)


def _copy_text(value) -> str:
    """One value in COPY's text format."""
    if value is None:
        return "\\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    text = value.isoformat() if isinstance(value, dt.date) else str(value)
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


# The sites ---------------------------------------------------------------------------------------------


@dataclass
class Site:
    requests: int
    app: Flask
    dataset: Dataset
    samples: list[float] = field(default_factory=list)  # the scan as the job runs it: rows as models
    sql_samples: list[float] = field(default_factory=list)  # its SQL alone: rows as tuples from the cursor

    def bind(self) -> None:
        from portal.extensions import db

        db.database.initialize(self.app.config["DATABASE"])

    @property
    def database(self) -> Database:
        return self.app.config["DATABASE"]


def build_site(engine: str, requests: int, today: dt.date, folder: Path, stack: ExitStack) -> Site:
    from portal import create_app
    from portal.database import open_database
    from portal.migrate import all_models, upgrade

    url = stack.enter_context(scratch_database(engine, folder, f"reminders{requests}"))
    database = open_database(url)
    started = time.perf_counter()
    upgrade(database)
    migrated = time.perf_counter()
    dataset = Dataset(requests, today)
    models = all_models()
    with database.bind_ctx(models, bind_refs=False, bind_backrefs=False), database.connection_context():
        _load(database, dataset)
    database.close()
    print(
        f"  {requests:,} requests, {dataset.reviews:,} reviews, {AGENCIES} agencies: migrated in "
        f"{migrated - started:.1f} s, loaded in {time.perf_counter() - migrated:.1f} s",
        flush=True,
    )
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "MAIL_BACKEND": "file",
            "MAIL_FILE_DIR": str(folder / "mail"),
        }
    )
    return Site(requests=requests, app=app, dataset=dataset)


# Measuring ---------------------------------------------------------------------------------------------


def horizon(site: Site) -> dt.date:
    """The last due date the job scans for on the data set's day: the job's own function."""
    from portal.trawls.reminders import ReminderRules, scan_horizon

    rules = ReminderRules.from_config(site.app.config)
    return scan_horizon(site.dataset.days.today, site.dataset.days.calendar, rules)


def plan(site: Site) -> tuple[list[str], bool]:
    """The scan's plan, and whether trawl_request is reached through an index, not read whole."""
    from portal.trawls.reminders import due_candidates

    site.bind()
    sql, params = due_candidates(horizon(site)).sql()
    alias = re.search(r'"trawl_request" AS "(\w+)"', sql)
    name = alias.group(1) if alias else "trawl_request"
    with site.app.app_context(), site.database.connection_context():
        if isinstance(site.database, PostgresqlDatabase):
            lines = [row[0] for row in site.database.execute_sql("EXPLAIN " + sql, params)]
            indexed = not any("Seq Scan on trawl_request" in line for line in lines) and any(
                "Index" in line and "trawlrequest_" in line for line in lines
            )
        else:
            rows = site.database.execute_sql("EXPLAIN QUERY PLAN " + sql, params).fetchall()
            lines = [row[-1] for row in rows]
            own = [line for line in lines if re.search(rf"\b{name}\b", line)]
            indexed = bool(own) and all(line.startswith("SEARCH") and "INDEX" in line for line in own)
    return lines, indexed


def scan_once(site: Site) -> tuple[float, float, int]:
    """Seconds for the scan's SQL alone, seconds for the scan as the job runs it, rows found."""
    from portal.trawls.reminders import due_candidates

    site.bind()
    query = due_candidates(horizon(site))
    sql, params = query.sql()
    with site.app.app_context(), site.database.connection_context():
        started = time.perf_counter()
        rows = site.database.execute_sql(sql, params).fetchall()
        middle = time.perf_counter()
        found = list(query)
        finished = time.perf_counter()
    if len(rows) != len(found):
        raise RuntimeError(f"the SQL found {len(rows)}, the query {len(found)}")
    return middle - started, finished - middle, len(found)


def measure_scans(sites: list[Site], runs: int, warmups: int) -> list[int]:
    """Candidates found per site; the timings go on the sites. The sizes take turns (ABBA...)."""
    found = []
    for site in sites:
        for _ in range(warmups):
            _, _, count = scan_once(site)
        found.append(count)
    for number in range(runs):
        for site in sites if number % 2 == 0 else reversed(sites):
            sql_seconds, seconds, _ = scan_once(site)
            site.sql_samples.append(sql_seconds)
            site.samples.append(seconds)
    return found


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


@dataclass
class JobRun:
    seconds: float
    counts: dict[str, int]
    emails: int
    again: dict[str, int]


def run_job(site: Site) -> JobRun:
    """send_due_reminders() for the day the data was built for, then again (it must do nothing new)."""
    from portal.notifications.models import OutboxMessage
    from portal.trawls.reminders import send_due_reminders

    site.bind()
    with site.app.app_context(), site.database.connection_context():
        before = OutboxMessage.select().count()
        started = time.perf_counter()
        counts = send_due_reminders(site.dataset.today, site.app.config)
        seconds = time.perf_counter() - started
        emails = OutboxMessage.select().count() - before
        again = send_due_reminders(site.dataset.today, site.app.config)
    return JobRun(seconds, counts, emails, again)


def working_day_on_or_after(day: dt.date) -> dt.date:
    from portal.workdays.calendar import WorkingDayCalendar

    calendar = WorkingDayCalendar()
    while not calendar.is_working_day(day):
        day += dt.timedelta(days=1)
    return day


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.reminders", description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL at TEST_POSTGRES_URL")
    parser.add_argument("--runs", type=int, default=30, help="timed scans per size (30)")
    parser.add_argument("--warmups", type=int, default=3, help="untimed scans first (3)")
    parser.add_argument(
        "--sizes", type=int, nargs=2, default=list(SIZES), metavar=("SMALL", "LARGE"), help="trawl requests"
    )
    args = parser.parse_args(argv)
    engine = "postgresql" if args.postgres else "sqlite"
    started = time.perf_counter()
    os.environ["PORTAL_ENV"] = "test"
    from portal.clock import local_today

    today = working_day_on_or_after(local_today())  # the job does nothing on other days
    problems: list[str] = []
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as temporary, ExitStack() as stack:
        folder = Path(temporary)
        os.environ["PORTAL_INSTANCE_PATH"] = str(folder / "instance")
        print(f"Building the {engine} databases for {today:%A %-d %B %Y}:", flush=True)
        sites = [build_site(engine, size, today, folder, stack) for size in args.sizes]
        expected = sites[0].dataset.expected
        for site in sites:
            lines, indexed = plan(site)
            print(f"\nThe scan's plan at {site.requests:,} requests:")
            print("\n".join(f"  {line}" for line in lines))
            if not indexed:
                problems.append(f"the scan reads trawl_request without an index at {site.requests:,}")
        print(f"\nTiming the scan: {args.runs} runs per size after {args.warmups} warm-ups", flush=True)
        found = measure_scans(sites, args.runs, args.warmups)
        print("Running the job once per size (then again: nothing new)", flush=True)
        jobs = [run_job(site) for site in sites]
        for site in sites:
            site.bind()
            site.database.close()

    small, large = (f"{site.requests:,}" for site in sites)
    print(
        f"\n{engine}: the reminder scan at {small} vs {large} trawl requests, {expected.candidates:,} due or "
        f"overdue at both (+{expected.suspended_in_window} on suspended reviews).\nTarget: indexed; median "
        f"growth under {MAX_GROWTH}x. Times in ms.\n"
    )
    headers = ["Scan: due_candidates()", f"found {small}", f"found {large}", f"median {small}"]
    headers += [f"median {large}", f"p95 {small}", f"p95 {large}", "growth", "result"]
    rows = []
    for label, samples in (
        ("its SQL alone (cursor rows)", [site.sql_samples for site in sites]),
        ("as the job runs it (models)", [site.samples for site in sites]),
    ):
        medians = [statistics.median(column) for column in samples]
        growth = medians[1] / medians[0]
        if growth >= MAX_GROWTH:
            problems.append(f"{label}: the median grows {growth:.2f}x (target < {MAX_GROWTH})")
        rows.append(
            [
                label,
                *(f"{n:,}" for n in found),
                *(f"{m * 1000:.1f}" for m in medians),
                *(f"{p95(column) * 1000:.1f}" for column in samples),
                f"{growth:.2f}x",
                "PASS" if growth < MAX_GROWTH else "FAIL",
            ]
        )
    print(table(headers, rows))
    for site, count in zip(sites, found, strict=True):
        if count != expected.candidates:
            problems.append(
                f"the scan found {count:,} at {site.requests:,}, expected {expected.candidates:,}"
            )
    print(
        f"\nThe job, send_due_reminders(): expected {expected.reminders:,} reminders "
        f"({', '.join(f'{n:,} {s}' for s, n in expected.by_stage.items() if s != 'escalation')}) and "
        f"{expected.escalations:,} escalations: {expected.emails:,} emails.\n"
    )
    rows = []
    for site, job in zip(sites, jobs, strict=True):
        right = (
            job.counts.get("candidates") == expected.candidates
            and job.counts.get("reminders") == expected.reminders
            and job.counts.get("escalations") == expected.escalations
            and job.emails == expected.emails
            and job.again.get("reminders") == 0
            and job.again.get("escalations") == 0
        )
        if not right:
            problems.append(
                f"the job at {site.requests:,} did {job.counts}, {job.emails} emails; again {job.again}"
            )
        rows.append(
            [
                f"{site.requests:,} requests",
                f"{job.seconds:.2f}",
                f"{job.counts.get('candidates', 0):,}",
                f"{job.counts.get('reminders', 0):,}",
                f"{job.counts.get('escalations', 0):,}",
                f"{job.emails:,}",
                f"{job.again.get('reminders', 0) + job.again.get('escalations', 0)}",
                "PASS" if right else "FAIL",
            ]
        )
    print(
        table(
            [
                "Job run",
                "seconds",
                "candidates",
                "reminders",
                "escalations",
                "emails queued",
                "2nd run",
                "result",
            ],
            rows,
        )
    )
    if problems:
        print("\nMissed targets:")
        print("\n".join(f"  {problem}" for problem in problems))
    print(f"\nTook {time.perf_counter() - started:.0f} s.")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
