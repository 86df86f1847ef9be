"""Drill 9: two scheduler processes through a week with a clock change, then 50 kill -9s mid-batch.

(a) Exactly once under an accelerated clock. A seeded database holds trawl
requests whose reminders fall due over 7 days around the last Sunday of
October 2026 (BST -> GMT) or of March 2027 (GMT -> BST, with Easter's bank
holidays), and published reports whose year on the website ends in them. Two
child processes run the scheduled jobs against it and a real SMTP server on
loopback; one of them is stopped (SIGTERM: it finishes its running jobs) and
started again once a simulated day, at a random London time.

The clock: each child sets its own with time_machine to a simulated time that
this process publishes, and runs a scheduler loop of its own: the registry's
own triggers (APScheduler's CronTrigger/IntervalTrigger in Europe/London, so the
DST arithmetic is theirs), coalescing, max_instances=1, run_at_start jobs at
once on start, each job on a thread of its own, and every run through
runner.run_job, so the real job lock (PostgreSQL advisory lock, SQLite lease
row), the unique indexes and the outbox are what keep the work single. Both
children fire the same slot at the same moment, so every slot is a race for the
lock. The simulated clock jumps to the next moment anything is due, but only
once neither child has a job running: a job sees no time pass, so no lease runs
out under a live job and no job crosses midnight for lack of CPU, and the result
does not depend on the machine's load. What is replaced is only APScheduler's
own thread loop: a fast-forwarded clock would trip its 5-minute misfire grace
for reasons that cannot happen at 1x.

The expectation is computed here from the rules (weekends and England & Wales
bank holidays from the `holidays` package, not from the portal's calendar):
every reminder and removal once, on its London day; none twice, none missed, by
request and stage at the SMTP server and in the database.

(b) Killed mid-batch. A day's reminders for many requests are queued and sent by
a child (trawl_reminders then deliver_outbox, in a loop) that is SIGKILLed at a
random moment, then started again, N times; then one runs to the end. All due
work must be done: every reminder queued once, every message sent or 'unknown'
(killed between handing it to the server and recording it; never resent
automatically). Duplicates at the server are counted and each one classified:
the only acceptable ones are messages left in that window.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import email
import json
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from email import policy
from pathlib import Path
from zoneinfo import ZoneInfo

from drills.common import engines, make_app, parser, report, scratch_database

LONDON = ZoneInfo("Europe/London")
UTC = dt.UTC
SEED = 20261025
# The two weeks with a clock change: (first local day, days).
WINDOWS = {
    "october-2026": dt.date(2026, 10, 22),  # Thu 22 - Wed 28 Oct; clocks go back Sun 25 Oct
    "march-2027": dt.date(2027, 3, 24),  # Wed 24 - Tue 30 Mar; Easter; clocks go forward Sun 28
}
DAYS = 7
SIM_LEASE_SECONDS = 2 * 86400  # job lock and sending leases in (a), simulated: longer than any job
KILL_DAY = dt.datetime(2026, 12, 8, 9, 0, tzinfo=UTC)  # (b): a Tuesday morning, no bank holiday near
KILL_LEASE_SECONDS = 1  # (b): a killed child's SQLite job lock and 'sending' rows expire after this
SMTP_DELAY_SECONDS = 0.004  # (b): the server takes a moment over each message, so kills land mid-send


# The SMTP server ---------------------------------------------------------------------------------


class CountingHandler:
    """Accepts everything; records each message's Message-ID as it is accepted."""

    def __init__(self, delay: float = 0.0):
        self.delay = delay
        self.received: list[tuple[str, float]] = []

    async def handle_DATA(self, server, session, envelope):
        import asyncio

        if self.delay:
            await asyncio.sleep(self.delay)
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append((str(message["Message-ID"]).strip(), time.monotonic()))
        return "250 Message accepted for delivery"


@contextlib.contextmanager
def smtp_server(delay: float = 0.0):
    from aiosmtpd.controller import Controller

    handler = CountingHandler(delay)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


# The expectation, from the rules -----------------------------------------------------------------


class Rules:
    """Working days and reminder stages as the rules state them (not the portal's code)."""

    def __init__(self, years):
        import holidays

        self.bank_holidays = set(holidays.country_holidays("GB", subdiv="ENG", years=list(years)))

    def working(self, day: dt.date) -> bool:
        return day.weekday() < 5 and day not in self.bank_holidays

    def between(self, start: dt.date, end: dt.date) -> int:
        """Working days after start, up to and including end."""
        return sum(self.working(start + dt.timedelta(days=n)) for n in range(1, (end - start).days + 1))

    def stage(self, due: dt.date, day: dt.date) -> str | None:
        if day < due:
            return "before_due" if self.between(day, due) <= 2 else None
        overdue = self.between(due, day)
        return f"overdue_{overdue // 3 * 3}" if overdue >= 3 else "due_today"

    def escalates(self, due: dt.date, day: dt.date) -> bool:
        return day > due and self.between(due, day) >= 5


@dataclass
class Seeded:
    # request id -> (due date, agency address, officer address or None); only those that may be reminded
    requests: dict[int, tuple[dt.date, str, str]] = field(default_factory=dict)
    not_reminded: list[int] = field(default_factory=list)  # answered, suspended or closed
    # review id -> (removal date, [recipients])
    publications: dict[int, tuple[dt.date, list[str]]] = field(default_factory=dict)


def seed(start: dt.date, per_day: int, rng: random.Random) -> Seeded:
    """Requests due from 20 days before the window to 5 after it; reports coming off around it."""
    from portal.accounts.models import Role, User
    from portal.lifecycle.stages import Stage
    from portal.organisations.models import Agency, Partnership, Sector
    from portal.reviews.models import Review, ReviewKind
    from portal.trawls.models import RequestStatus, Trawl, TrawlPurpose, TrawlRequest

    seeded = Seeded()
    partnership = Partnership.create(name="Drillshire Partnership")
    User.create(email="admin@drill.example", full_name="Drill Admin", role=Role.ADMIN)
    csp = User.create(
        email="csp@drill.example", full_name="Drill CSP", role=Role.CSP_TEAM, partnership=partnership
    )
    officers = [
        User.create(email=f"officer{n}@drill.example", full_name=f"Officer {n}", role=Role.REVIEW_OFFICER)
        for n in range(3)
    ]
    agencies, addresses = [], {}
    for n in range(per_day):
        agency = Agency.create(
            name=f"Drill Agency {n:02d}", sector=Sector.POLICE, contact_email=f"records{n}@agency.example"
        )
        agencies.append(agency)
        addresses[agency.id] = agency.contact_email
        if n % 3:  # two in three have a lead, who gets the reminder instead of the shared mailbox
            lead = User.create(
                email=f"lead{n}@agency.example", full_name=f"Lead {n}", role=Role.AGENCY_LEAD, agency=agency
            )
            addresses[agency.id] = lead.email
    number = 0

    def review(**values) -> Review:
        nonlocal number
        number += 1
        values.setdefault("review_officer", officers[number % 3])
        return Review.create(
            reference=f"DHR-2026-{number:04d}",
            kind=ReviewKind.DHR,
            partnership=partnership,
            title=f"Drill review {number}",
            date_notified=start - dt.timedelta(days=200),
            **values,
        )

    def trawl(owner: Review, due: dt.date, statuses) -> list[TrawlRequest]:
        issued = Trawl.create(
            review=owner,
            number=1,
            purpose=TrawlPurpose.INITIAL,
            issued_on=due - dt.timedelta(days=28),
            issued_by=owner.review_officer,
        )
        return [
            TrawlRequest.create(trawl=issued, review=owner, agency=agency, status=status, due_date=due)
            for agency, status in zip(agencies, statuses, strict=False)
        ]

    for offset in range(-20, DAYS + 6):
        due = start + dt.timedelta(days=offset)
        owner = review()
        statuses = [RequestStatus.AWAITING] * per_day
        statuses[rng.randrange(per_day)] = RequestStatus.NIL_RETURN  # answered: never reminded
        officer = owner.review_officer.email
        for request in trawl(owner, due, statuses):
            if request.status is RequestStatus.AWAITING:
                seeded.requests[request.id] = (due, addresses[request.agency_id], officer)
            else:
                seeded.not_reminded.append(request.id)
    # A suspended review and a closed one: their overdue requests are not chased.
    for values in ({"suspended_since": start - dt.timedelta(days=30)}, {"is_open": False}):
        owner = review(**values)
        seeded.not_reminded += [r.id for r in trawl(owner, start, [RequestStatus.AWAITING] * per_day)]
    # Published reports coming off from 2 days before the window to 35 after (a reminder 30 days before).
    for offset in range(-2, DAYS + 35):
        due = start + dt.timedelta(days=offset)
        owner = review(
            stage=Stage.PUBLISHED,
            cleared_on=due - dt.timedelta(days=400),
            publication_planned_on=due - dt.timedelta(days=380),
            published_on=due - dt.timedelta(days=365),
            removal_due_on=due,
        )
        seeded.publications[owner.id] = (due, [csp.email, owner.review_officer.email])
    return seeded


@dataclass
class Expected:
    reminders: dict[str, tuple[int, str, dt.date]]  # outbox dedupe key -> (request, stage, London day)
    removals: dict[int, dt.date]  # review -> the day it comes off
    kept: list[int]  # published reviews still on the website at the end
    emails: set[str]  # every dedupe key of a trawl or publication email


def expect(seeded: Seeded, start: dt.date, rules: Rules) -> Expected:
    days = [start + dt.timedelta(days=n) for n in range(DAYS)]
    reminders = {}
    for request, (due, address, _officer) in seeded.requests.items():
        sent: set[str] = set()
        for day in filter(rules.working, days):
            stage = rules.stage(due, day)
            if stage and stage not in sent:
                sent.add(stage)
                reminders[f"reminder:{request}:{due.isoformat()}:{stage}:{address}"] = (request, stage, day)
            if rules.escalates(due, day) and "escalation" not in sent:
                sent.add("escalation")
                reminders[f"escalation:{request}:{due.isoformat()}"] = (request, "escalation", day)
    removals, kept, emails = {}, [], set(reminders)
    for review, (due, recipients) in seeded.publications.items():
        if due <= days[-1]:
            removals[review] = max(due, start)
            emails |= {f"removed:{review}:{address}" for address in recipients}
        else:
            kept.append(review)
        if any(day < due <= day + dt.timedelta(days=30) for day in days):
            emails |= {f"removal-reminder:{review}:{due.isoformat()}:{address}" for address in recipients}
    return Expected(reminders, removals, kept, emails)


# The children ------------------------------------------------------------------------------------


def child_app(args, lease: int):
    interval = args.interval
    return make_app(
        args.url,
        MAIL_BACKEND="smtp",
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=args.smtp_port,
        SMTP_STARTTLS=False,
        BASE_URL="http://127.0.0.1",
        # Hourly (4-hourly in CI): each slot is a step of the shared clock that both children take.
        OUTBOX_INTERVAL_SECONDS=interval,
        OUTBOX_RETRY_BASE_SECONDS=60,
        MEDIA_REMINDER_INTERVAL_SECONDS=6 * interval,
        JOB_LOCK_LEASE_SECONDS=lease,
        OUTBOX_SENDING_LEASE_SECONDS=lease,
    )


def real_time(time_machine):
    """time.time() as the machine has it, whether or not this process is time-travelling."""
    hatch = time_machine.escape_hatch
    return lambda: hatch.time.time() if hatch.is_travelling() else time.time()


def write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


def read_json(path: Path) -> dict | None:
    try:
        return json.loads(path.read_text())
    except (OSError, ValueError):
        return None


def child_clock(args) -> int:
    """A scheduler process on the shared simulated clock; SIGTERM: finish the running jobs, stop."""
    stopping = []
    signal.signal(signal.SIGTERM, lambda signum, frame: stopping.append(signum))
    import time_machine

    from portal.jobs.registry import JOBS
    from portal.jobs.runner import run_job

    app = child_app(args, SIM_LEASE_SECONDS)
    clock_file, status_file = Path(args.clock), Path(args.clock).with_name(f"status-{os.getpid()}")
    clock = read_json(clock_file)
    traveller = time_machine.travel(dt.datetime.fromisoformat(clock["now"]), tick=False)
    coordinates = traveller.start()
    runs = Counter()

    def run(name: str, now: dt.datetime) -> None:
        began = time.monotonic()
        done = run_job(app, name, "scheduled")
        runs[f"{name}:{'ran' if done else 'locked'}"] += 1
        if done is not None and done.status.value != "succeeded":
            print(f"job {name} failed: {done.error}", file=sys.stderr, flush=True)
            runs["failed"] += 1
        print(
            f"{now:%a %d %b %H:%M %Z} {name} {'ran' if done else 'locked'} "
            f"{done.summary if done else ''} in {time.monotonic() - began:.3f}s",
            file=sys.stderr,
            flush=True,
        )

    triggers, due = {}, {}
    running: dict[str, threading.Thread] = {}
    seen, reported = None, None
    while True:
        clock = read_json(clock_file) or clock
        if clock["step"] != seen and not stopping and not clock["end"]:
            seen = clock["step"]
            now = dt.datetime.fromisoformat(clock["now"]).astimezone(LONDON)
            coordinates.move_to(now)
            if not triggers:  # as build_scheduler(): the registry's triggers, run_at_start jobs at once
                triggers = {name: job.schedule.trigger(app.config) for name, job in JOBS.items()}
                due = {
                    name: now if job.run_at_start else triggers[name].get_next_fire_time(None, now)
                    for name, job in JOBS.items()
                }
            for name in JOBS:
                if due[name] is None or due[name] > now:
                    continue
                if name in running and running[name].is_alive():
                    runs[f"{name}:still-running"] += 1  # max_instances=1: this slot is skipped
                else:  # each job on a thread of its own, as APScheduler's thread pool runs them
                    running[name] = threading.Thread(target=run, args=(name, now), name=name)
                    running[name].start()
                # Coalesce: one run for every slot that had come due; the next slot after now.
                fire = due[name]
                while fire is not None and fire <= now:
                    fire = triggers[name].get_next_fire_time(fire, now)
                due[name] = fire
        busy = any(thread.is_alive() for thread in running.values())
        upcoming = min((fire for fire in due.values() if fire is not None), default=None)
        if (seen, busy, upcoming) != reported:
            status = {"step": seen, "busy": busy, "next": upcoming and upcoming.isoformat()}
            write_atomically(status_file, json.dumps(status))
            reported = (seen, busy, upcoming)
        if (stopping or clock["end"]) and not busy:
            break
        time.sleep(0.001)
    traveller.stop()
    print(json.dumps(runs), flush=True)
    return 1 if runs["failed"] else 0


def child_batch(args) -> int:
    """Queue and send a day's reminders, again and again (until killed, or with --finish until done)."""
    import time_machine

    from portal.extensions import db
    from portal.jobs.runner import run_job
    from portal.notifications.models import OutboxMessage, OutboxStatus

    app = child_app(args, KILL_LEASE_SECONDS)
    clock = json.loads(Path(args.clock).read_text())
    real = real_time(time_machine)
    # One clock for every child: KILL_DAY plus the real time since the drill began, ticking.
    moment = KILL_DAY + dt.timedelta(seconds=real() - clock["real_start"])
    with time_machine.travel(moment, tick=True), app.app_context():
        db.database.connect(reuse_if_open=True)
        print("ready", flush=True)
        deadline = time.monotonic() + (600 if args.finish else 60)
        while time.monotonic() < deadline:
            reminders = run_job(app, "trawl_reminders", "scheduled")
            delivery = run_job(app, "deliver_outbox", "scheduled")
            if args.finish and reminders and delivery:
                left = OutboxMessage.select().where(
                    OutboxMessage.status.in_((OutboxStatus.QUEUED, OutboxStatus.CLAIMED, OutboxStatus.SENDING))
                )
                if reminders.summary.get("reminders") == 0 and not left.exists():
                    return 0
            time.sleep(0.05)
    return 1


def spawn(kind: str, url: str, port: int, clock: str, logs: Path, *extra: str) -> subprocess.Popen:
    with open(logs / f"{kind}-{time.monotonic_ns()}.log", "w") as log:  # the child keeps its own copy
        return subprocess.Popen(  # noqa: S603 - our own module
            [sys.executable, "-m", "drills.scheduler", "--child", kind, "--url", url]
            + ["--smtp-port", str(port), "--clock", clock, *extra],
            env={**os.environ, "PORTAL_ENV": "test"},
            stdout=subprocess.PIPE if kind == "batch" else log,
            stderr=log,
            text=True,
        )


def tail(logs: Path, lines: int = 15) -> str:
    text = []
    for path in sorted(logs.glob("*.log")):
        content = path.read_text().strip().splitlines()
        if any("Traceback" in line or "failed" in line for line in content):
            text.append(f"--- {path.name}\n" + "\n".join(content[-lines:]))
    return "\n".join(text)


# (a) A week, two schedulers -----------------------------------------------------------------------


def run_week(engine: str, window: str, quick: bool) -> bool:
    from portal.extensions import db
    from portal.lifecycle.models import StageTransition
    from portal.lifecycle.stages import Stage
    from portal.notifications.models import OutboxMessage, OutboxStatus
    from portal.reviews.models import Review
    from portal.trawls.models import TrawlReminder

    started = time.monotonic()
    start = WINDOWS[window]
    rng = random.Random(f"{SEED}:{engine}:{window}")
    rules = Rules({start.year, start.year + 1, start.year - 1})
    with smtp_server() as (handler, port), scratch_database(engine) as url:
        app = make_app(url)
        with app.app_context(), db.database.connection_context():
            seeded = seed(start, 4 if quick else 8, rng)
        expected = expect(seeded, start, rules)
        folder = Path(tempfile.mkdtemp(prefix="drill-scheduler-"))
        clock = folder / "clock.json"
        now = dt.datetime.combine(start, dt.time(0, 0), LONDON).astimezone(UTC)
        sim_end = dt.datetime.combine(start + dt.timedelta(days=DAYS), dt.time(0, 0), LONDON).astimezone(UTC)
        step = 0

        def publish(end: bool = False) -> None:
            write_atomically(clock, json.dumps({"step": step, "now": now.isoformat(), "end": end}))

        def settled(child: subprocess.Popen) -> bool:
            """This child has seen the current step and has no job running (or it has stopped)."""
            status = read_json(folder / f"status-{child.pid}")
            if child.poll() is not None:
                return True
            return status is not None and status["step"] == step and not status["busy"]

        def wait_settled(deadline_seconds: float = 300) -> None:
            until = time.monotonic() + deadline_seconds
            while not all(settled(child) for child in children):
                if time.monotonic() > until:
                    raise TimeoutError(f"children did not settle at {now}")
                time.sleep(0.001)

        publish()
        interval = ("--interval", str(4 * 3600 if quick else 3600))
        children = [spawn("clock", url, port, str(clock), folder, *interval) for _ in range(2)]
        # One restart a simulated day, at a random London time, of each child in turn.
        restart_at = {
            dt.datetime.combine(
                start + dt.timedelta(days=day), dt.time(rng.randrange(1, 20), rng.randrange(60)), LONDON
            ).astimezone(UTC): day % 2
            for day in range(DAYS - 1)
        }
        restarts = []
        while True:
            wait_settled()
            if now >= sim_end:
                break
            if now in restart_at:
                which = restart_at[now]
                children[which].terminate()
                restarts.append(children[which].wait(timeout=300))
                children[which] = spawn("clock", url, port, str(clock), folder, *interval)
                wait_settled()  # the new one is up and has run its run_at_start jobs
            # On to the next moment anything happens: a job due in either child, a restart, the end.
            upcoming = [sim_end, *(moment for moment in restart_at if moment > now)]
            for child in children:
                status = read_json(folder / f"status-{child.pid}")
                if child.poll() is None and status and status["next"]:
                    upcoming.append(dt.datetime.fromisoformat(status["next"]))
            step += 1
            now = min(upcoming).astimezone(UTC)
            publish()
        publish(end=True)
        codes = [child.wait(timeout=120) for child in children]
        # Anything a child was sending as the week ended has been recorded by now.
        with app.app_context(), db.database.connection_context():
            rows = {m.message_id: m for m in OutboxMessage.select()}
            statuses = Counter(m.status.value for m in rows.values())
            reminded = [(r.request_id, r.stage, r.sent_on) for r in TrawlReminder.select()]
            removed = {
                r.id: r.removed_on
                for r in Review.select(Review.id, Review.removed_on).where(
                    Review.stage == Stage.REMOVED_FROM_WEBSITE
                )
            }
            still = [r.id for r in Review.select(Review.id).where(Review.stage == Stage.PUBLISHED)]
            transitions = Counter(
                t.review_id
                for t in StageTransition.select().where(
                    StageTransition.to_stage == Stage.REMOVED_FROM_WEBSITE.value
                )
            )
    seconds = time.monotonic() - started
    at_server = Counter(message_id for message_id, _ in handler.received)
    by_key = Counter(rows[m].dedupe_key for m in at_server.elements() if m in rows)
    unknown_ids = [m for m in at_server if m not in rows]
    # Reminders: by outbox key at the server, and by (request, stage, day) in the database.
    keys = expected.reminders
    trawl_keys = {k for k in by_key if k and k.startswith(("reminder:", "escalation:"))}
    missed = [k for k in keys if by_key[k] == 0]
    doubled = sum(by_key[k] - 1 for k in trawl_keys if by_key[k] > 1)
    unexpected = sorted(trawl_keys - set(keys))
    expected_rows = Counter((request, stage, day) for request, stage, day in keys.values())
    db_rows = Counter(reminded)
    db_wrong = (expected_rows - db_rows) + (db_rows - expected_rows)
    not_reminded = {r for r, _, _ in reminded} & set(seeded.not_reminded)
    # Removals: once each, on its day; the rest still up; their emails once each.
    removals_ok = (
        removed == expected.removals
        and set(still) == set(expected.kept)
        and all(transitions[r] == 1 for r in expected.removals)
        and sum(transitions.values()) == len(expected.removals)
    )
    other_keys = {k for k in by_key if k and k.startswith(("removed:", "removal-reminder:"))}
    publication_emails = {k for k in expected.emails if not k.startswith(("reminder:", "escalation:"))}
    publication_ok = other_keys == publication_emails and all(by_key[k] == 1 for k in other_keys)
    all_duplicates = sum(n - 1 for n in at_server.values())
    ok = (
        not missed
        and doubled == 0
        and not unexpected
        and not db_wrong
        and not not_reminded
        and removals_ok
        and publication_ok
        and all_duplicates == 0
        and not unknown_ids
        and set(statuses) <= {OutboxStatus.SENT.value}
        and codes == [0, 0]
        and all(code == 0 for code in restarts)
    )
    if not ok:
        print(
            f"  missed {missed[:10]} unexpected {unexpected[:5]} db mismatch {list(db_wrong)[:5]} "
            f"not-to-remind {sorted(not_reminded)[:5]} removals {removed} expected {expected.removals} "
            f"publication emails missing {sorted(publication_emails - other_keys)[:5]} extra "
            f"{sorted(other_keys - publication_emails)[:5]} statuses {dict(statuses)} exit codes {codes} "
            f"restarts {restarts}\n{tail(folder)}",
            flush=True,
        )
    if ok:
        shutil.rmtree(folder, ignore_errors=True)  # kept on a failure: each child's log is in it
    escalations = sum(1 for _, stage, _ in keys.values() if stage == "escalation")
    return report(
        f"scheduler week [{engine}, {window}]",
        f"2 schedulers, {DAYS} days incl. the clock change, {len(restarts)} restarts; reminders "
        f"{len(keys)} expected ({escalations} escalations), {sum(by_key[k] for k in trawl_keys)} sent, "
        f"{doubled} duplicates, {len(missed)} missed; removals {len(expected.removals)} expected, "
        f"{len(removed)} done ({sum(transitions.values())} moves), {len(expected.kept)} kept; "
        f"{len(publication_emails)} publication emails once each: {publication_ok}; "
        f"{len(at_server)} emails at the server, {all_duplicates} duplicate Message-IDs; {seconds:.0f}s",
        ok,
    )


# (b) Killed mid-batch -----------------------------------------------------------------------------


def run_kills(engine: str, kills: int, requests: int) -> bool:
    from portal.extensions import db
    from portal.notifications.models import OutboxMessage, OutboxStatus
    from portal.trawls.models import TrawlReminder

    started = time.monotonic()
    rng = random.Random(f"{SEED}:kills:{engine}")
    rules = Rules({2026})
    today = KILL_DAY.date()
    with smtp_server(SMTP_DELAY_SECONDS) as (handler, port), scratch_database(engine) as url:
        app = make_app(url)
        with app.app_context(), db.database.connection_context():
            # Requests due from 30 days ago to 2 days ahead: every one has a reminder due today,
            # and those 5 or more working days overdue an escalation too.
            seeded = seed(today - dt.timedelta(days=10), max(1, requests // 36), rng)
        expected = {}
        for request, (due, address, _officer) in seeded.requests.items():
            stage = rules.stage(due, today)
            if stage:
                expected[f"reminder:{request}:{due.isoformat()}:{stage}:{address}"] = request
            if rules.escalates(due, today):
                expected[f"escalation:{request}:{due.isoformat()}"] = request
        folder = Path(tempfile.mkdtemp(prefix="drill-kills-"))
        clock = str(folder / "clock.json")
        Path(clock).write_text(json.dumps({"real_start": time.time()}))
        landed = Counter()
        for n in range(kills):
            child = spawn("batch", url, port, clock, folder)
            if child.stdout.readline().strip() != "ready":
                child.wait(timeout=30)
                print(tail(folder), flush=True)
                return report(f"scheduler kills [{engine}]", "a child did not start", False)
            before = len(handler.received)
            if n % 2:  # a random moment after it starts: queuing reminders, sending, or waiting for the lock
                time.sleep(rng.uniform(0.0, 1.5))
            else:  # a random moment once it is sending
                until = time.monotonic() + 5
                while len(handler.received) == before and time.monotonic() < until:
                    time.sleep(0.002)
                time.sleep(rng.uniform(0.0, 0.2))
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
            child.stdout.close()
            landed["sending" if len(handler.received) > before else "other"] += 1
        time.sleep(KILL_LEASE_SECONDS + 0.1)  # the last one's SQLite lock and 'sending' rows expire
        final = spawn("batch", url, port, clock, folder, "--finish")
        finished = final.wait(timeout=660) == 0
        final.stdout.close()
        with app.app_context(), db.database.connection_context():
            rows = {m.message_id: m for m in OutboxMessage.select()}
            claims = TrawlReminder.select().count()
    seconds = time.monotonic() - started
    at_server = Counter(message_id for message_id, _ in handler.received)
    statuses = Counter(m.status.value for m in rows.values())
    queued_keys = {m.dedupe_key for m in rows.values()}
    missing = [k for k in expected if k not in queued_keys]
    unfinished = [m for m in rows.values() if m.status not in (OutboxStatus.SENT, OutboxStatus.UNKNOWN)]
    unknown = [m for m in rows.values() if m.status is OutboxStatus.UNKNOWN]
    reached = sum(1 for m in unknown if at_server[m.message_id])
    sent_missing = [m for m in rows.values() if m.status is OutboxStatus.SENT and not at_server[m.message_id]]
    duplicates = {m: n for m, n in at_server.items() if n > 1}
    # A duplicate is excusable only for a message left in the window (SMTP took it, the row never said so).
    in_window = sum(n - 1 for m, n in duplicates.items() if rows[m].status is OutboxStatus.UNKNOWN)
    outside = sum(n - 1 for m, n in duplicates.items() if rows[m].status is not OutboxStatus.UNKNOWN)
    ok = (
        finished
        and not missing
        and not unfinished
        and not sent_missing
        and outside == 0
        and claims == len(expected)
        and len(rows) == len(expected)
    )
    if not ok:
        print(
            f"  finished {finished} missing {missing[:5]} unfinished {[(m.id, m.status.value) for m in unfinished[:5]]} "
            f"sent but not at the server {len(sent_missing)} claims {claims} rows {len(rows)} "
            f"expected {len(expected)}\n{tail(folder)}",
            flush=True,
        )
    if ok:
        shutil.rmtree(folder, ignore_errors=True)
    return report(
        f"scheduler kills [{engine}]",
        f"{kills} SIGKILLs ({landed['sending']} once the child was sending, {landed['other']} before: "
        f"starting, queuing reminders or waiting for the lock); {len(expected)} reminders due, "
        f"{len(expected) - len(missing)} queued once, {statuses.get('sent', 0)} sent, {len(unknown)} left "
        f"'unknown' and not resent ({reached} had reached the server: SMTP accepted, not recorded; "
        f"{len(unknown) - reached} had not: being handed over when killed); "
        f"duplicates at the server {in_window + outside} ({in_window} in the window, {outside} outside it); "
        f"{seconds:.0f}s",
        ok,
    )


def main() -> int:
    arguments = sys.argv[1:]
    if "--child" in arguments:
        child = argparse.ArgumentParser()
        child.add_argument("--child", choices=["clock", "batch"])
        child.add_argument("--url")
        child.add_argument("--smtp-port", type=int)
        child.add_argument("--clock")
        child.add_argument("--finish", action="store_true")
        child.add_argument("--interval", type=int, default=3600)
        args = child.parse_args(arguments)
        return child_clock(args) if args.child == "clock" else child_batch(args)
    options = parser(__doc__)
    options.add_argument("--part", choices=["week", "kills", "both"], default="both")
    args = options.parse_args(arguments)
    chosen = engines(args.engine)
    if args.quick and args.engine == "both":
        chosen = ["sqlite"]  # CI: SQLite; the full run does both engines
    results = []
    for engine in chosen:
        if args.part in ("week", "both"):
            for window in ["october-2026"] if args.quick else list(WINDOWS):
                results.append(run_week(engine, window, args.quick))
        if args.part in ("kills", "both"):
            results.append(run_kills(engine, 10 if args.quick else 50, 150 if args.quick else 1200))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
