"""Load test: gunicorn (4 workers) on PostgreSQL, driven by locust with the portal's real journeys.

    python -m bench.load [--users 200 --seconds 60]

It builds a scratch PostgreSQL database at TEST_POSTGRES_URL (migrated, filled by
bench/generate.py at scale 1.0), starts gunicorn on a free loopback port with
production settings, signs a pool of generated accounts in through the real
sign-in form and second factor *before* the timed window, then runs locust
headless for a bounded time with three kinds of simulated user:

- agency leads: the inbox, one open request, its nil return or involvement form,
  and a real POST of the answer (CSRF token and record version from the form);
- review officers: their overview (and now and then every open review), the
  dashboard of one of their reviews, and filters on it by status and sector as
  htmx does it (HX-Request: the results fragment only);
- the CSP team: their partnership's reviews, filtered by stage with htmx.

Every user also opens the home page, the *floor*: the simplest signed-in page
(one session lookup and a template), under the same load. The targets (issue 9)
are 0 errors and each journey's 95th percentile within 5 times the floor's. It
prints the figures and exits 1 on a miss. gunicorn is stopped and the database
dropped at the end, whatever happens.

Sign-ins and the second factor: each generated account sets up its own TOTP key
on its first sign-in, so no two sign-ins share a code. The pool signs in once
per account (one lead per agency, the officers who own open reviews, the CSP
members: as many as the users need and the data holds) before the window;
simulated users of the same role share those sessions round-robin when there
are more users than accounts (a person with several tabs open).
"""

# locust monkey-patches the standard library with gevent when it is imported: first, on purpose.
import locust  # noqa: I001 - must come before anything that opens sockets or threads
from locust import FastHttpUser, between, task
from locust.env import Environment
from locust.stats import StatsEntry

import argparse
import http.cookiejar
import itertools
import os
import random
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import gevent
import psutil
import requests

from bench.databases import scratch_database
from bench.generate import PROFILES, generate
from bench.signing_in import sign_in
from portal.organisations.models import Sector
from portal.publication.queries import STAGE_GROUPS
from portal.trawls.queries import DISPLAY_STATUSES

STATUSES = [key for key, _ in DISPLAY_STATUSES]  # the dashboard's status filter
SECTORS = [sector.value for sector in Sector]
STAGES = ["", *STAGE_GROUPS]  # the CSP team's stage filter ("" is all stages)

ROOT = Path(__file__).resolve().parent.parent
MAX_RATIO = 5.0  # each journey's p95 at most this many times the floor page's p95
SHARES = {"lead": 0.5, "officer": 0.3, "csp": 0.2}  # of the simulated users
INBOX_LINK = re.compile(r'href="/inbox/(\d+)"')
HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')
NAME = re.compile(r'name="([^"]+)"')
VALUE = re.compile(r'value="([^"]*)"')
HTMX = {"HX-Request": "true"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
JOURNEYS = ("lead", "officer", "csp")
CHANCE = random.Random()  # noqa: S311 - what simulated users click next, not a secret
LOOPBACK_AS_HTTPS = http.cookiejar.DefaultCookiePolicy(secure_protocols=("https", "wss", "http"))


# The pool of signed-in sessions ---------------------------------------------------------------------


@dataclass
class Account:
    role: str
    email: str
    reviews: list[int] = field(default_factory=list)  # an officer's open reviews
    cookies: list = field(default_factory=list)  # http.cookiejar.Cookie, once signed in


class _LoopbackClient:
    """requests, as a browser behind TLS would be: Secure cookies go back over loopback http.

    Production sets the session cookie `__Host-portal-session; Secure`, which a client
    sends only over https. There is no TLS on loopback, so this client sends its cookies
    itself (one host, so all of them). The server is exactly as in production.
    """

    def __init__(self, base: str):
        self.base = base
        self.session = requests.Session()

    def _cookies(self) -> dict:
        return {"Cookie": "; ".join(f"{cookie.name}={cookie.value}" for cookie in self.session.cookies)}

    def get(self, path: str):
        return self.session.get(self.base + path, headers=self._cookies(), allow_redirects=False, timeout=60)

    def post(self, path: str, data: dict):
        return self.session.post(
            self.base + path, data=data, headers=self._cookies(), allow_redirects=False, timeout=60
        )


def plan_accounts(database, probes, users: int) -> dict[str, list[Account]]:
    """Distinct generated accounts per role, as many as the users need and the data holds."""
    from portal.accounts.models import Role, User
    from portal.reviews.models import Review

    wanted = _split(users)
    models = [User, Review]
    with database.bind_ctx(models, bind_refs=False, bind_backrefs=False), database.connection_context():
        open_reviews: dict[int, list[int]] = {}
        for review_id, officer_id in (
            Review.select(Review.id, Review.review_officer).where(Review.is_open).order_by(Review.id).tuples()
        ):
            open_reviews.setdefault(officer_id, []).append(review_id)
        people = list(User.select(User.id, User.email, User.role, User.agency).order_by(User.id).tuples())
    pools: dict[str, list[Account]] = {"lead": [], "officer": [], "csp": []}
    probe_first = {probes.lead_email, probes.officer_email, probes.csp_email}
    people.sort(key=lambda person: (person[1] not in probe_first, person[0]))
    agencies = set()
    for user_id, email, role, agency_id in people:
        if role == Role.AGENCY_LEAD and agency_id not in agencies:
            # One lead per agency: two leads answering the same request at once is a real
            # conflict, and the portal rightly answers the later one 409 (optimistic locking).
            agencies.add(agency_id)
            pools["lead"].append(Account("lead", email))
        elif role == Role.REVIEW_OFFICER and open_reviews.get(user_id):
            pools["officer"].append(Account("officer", email, reviews=open_reviews[user_id]))
        elif role == Role.CSP_TEAM:
            pools["csp"].append(Account("csp", email))
    return {role: pools[role][: max(1, wanted[role])] for role in pools}


def _split(users: int) -> dict[str, int]:
    leads = round(users * SHARES["lead"])
    officers = round(users * SHARES["officer"])
    return {"lead": leads, "officer": officers, "csp": max(0, users - leads - officers)}


def sign_in_pool(base: str, pools: dict[str, list[Account]], password: str, concurrency: int = 8) -> float:
    """Sign every planned account in through HTTP (password, then the TOTP set-up); seconds taken."""
    accounts = [account for pool in pools.values() for account in pool]

    def one(account: Account) -> None:
        client = _LoopbackClient(base)
        sign_in(client, account.email, password)
        account.cookies = list(client.session.cookies)

    started = time.perf_counter()
    with ThreadPoolExecutor(concurrency) as executor:
        list(executor.map(one, accounts))
    return time.perf_counter() - started


def unloaded_floor(base: str, account: Account, runs: int = 30) -> list[float]:
    """The floor page's time in ms, one request at a time, before the load: what saturation adds to."""
    client = _LoopbackClient(base)
    for cookie in account.cookies:
        client.session.cookies.set_cookie(cookie)
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        response = client.get("/")
        times.append(1000 * (time.perf_counter() - started))
        if response.status_code != 200:
            raise RuntimeError(f"the floor page answered {response.status_code} before the load")
    return sorted(times)


# gunicorn ------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def gunicorn(database_url: str, folder: Path, workers: int):
    """gunicorn with production settings on a free loopback port; stopped on the way out."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    environ = {
        **os.environ,
        # Production: __Host- Secure cookie, HSTS, the production safety checks. It serves plain
        # http happily (TLS ends at the proxy in front); only the client has to send Secure cookies.
        "PORTAL_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(48),
        "DATABASE_URL": database_url,
        "TRUSTED_HOSTS": "127.0.0.1",
        "BASE_URL": base,
        "PORTAL_INSTANCE_PATH": str(folder / "instance"),
        "MAIL_BACKEND": "file",  # nothing is sent: no scheduler runs, the outbox only fills
        "MAIL_FILE_DIR": str(folder / "mail"),
        "SCHEDULER_IN_PROCESS": "0",
        "FLASK_DEBUG": "0",
    }
    log = folder / "gunicorn.log"
    command = [
        sys.executable, "-m", "gunicorn", "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
        "--error-logfile", str(log), "--timeout", "60", "wsgi:app",
    ]  # fmt: skip
    # Our own command line: this interpreter's gunicorn and the repository's wsgi.py.
    process = subprocess.Popen(  # noqa: S603
        command, cwd=ROOT, env=environ, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT
    )
    try:
        _wait_healthy(base, process, log)
        yield base, process, log
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _wait_healthy(base: str, process: subprocess.Popen, log: Path, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited ({process.returncode}):\n{_tail(log)}")
        try:
            if requests.get(f"{base}/healthz", timeout=2).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer /healthz in {seconds:.0f} s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 30) -> str:
    return "\n".join(log.read_text(errors="replace").splitlines()[-lines:]) if log.exists() else ""


# The simulated users ---------------------------------------------------------------------------------------


class Portal(FastHttpUser):
    """A signed-in person: takes a session from its role's pool on start."""

    abstract = True
    role = ""
    sessions = None  # an itertools.cycle over the role's Accounts, set before the run
    wait_time = between(1, 5)
    network_timeout = 60.0
    connection_timeout = 60.0

    def on_start(self) -> None:
        self.account: Account = next(type(self).sessions)
        # The production cookie is Secure; treat loopback http as https for cookies, as a browser
        # behind the TLS proxy would. (locust's own workaround for this no longer takes effect
        # with geventhttpclient 2.6, which sets each request's type from its URL.)
        self.client.cookiejar.set_policy(LOOPBACK_AS_HTTPS)
        for cookie in self.account.cookies:
            self.client.cookiejar.set_cookie(cookie)

    def page(self, url: str, name: str, *, headers: dict | None = None, expect: str | None = None):
        """GET that must answer 200 (and hold `expect`); anything else is an error."""
        with self.client.get(url, name=name, headers=headers or {}, catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")
            elif expect and expect not in (response.text or ""):
                response.failure(f"{url}: no {expect!r} in the response")
            else:
                response.success()
            return response

    def floor(self) -> None:
        self.page("/", "floor: home page", expect="Signed in as")


class Lead(Portal):
    role = "lead"

    @task
    def answer_a_request(self) -> None:
        self.floor()
        inbox = self.page("/inbox?show=open", "lead: inbox (open)", expect='id="inbox-table"')
        ids = INBOX_LINK.findall(inbox.text or "")
        if not ids:  # everything answered: look through all of them instead
            self.page("/inbox", "lead: inbox (all)", expect='id="inbox-table"')
            return
        request_id = CHANCE.choice(ids)
        self.page(f"/inbox/{request_id}", "lead: request")
        involvement = CHANCE.random() < 1 / 3
        kind = "involvement" if involvement else "nil-return"
        url = f"/inbox/{request_id}/{kind}"
        form = self.page(url, f"lead: {kind} form", expect='name="csrf_token"')
        fields = _hidden_fields(form.text or "")
        if involvement:
            fields += [
                ("summary", "Contact with the family doctor about housing; fictional load-test text."),
                ("contact_from", "3"), ("contact_from", "2"), ("contact_from", "2024"),
                ("contact_to", "20"), ("contact_to", "5"), ("contact_to", "2024"),
                ("records_secured", "y"),
            ]  # fmt: skip
        else:
            fields += [
                (name, "y")
                for name in (
                    "searched_names",
                    "searched_alternative_spellings",
                    "searched_dates_of_birth",
                    "searched_paper_records",
                    "searched_electronic_records",
                )
            ]
        with self.client.post(
            url, data=urlencode(fields), headers=FORM, name=f"lead: send {kind} (POST)",
            allow_redirects=False, catch_response=True,
        ) as response:  # fmt: skip
            location = response.headers.get("Location", "")
            if response.status_code == 302 and location.endswith(f"/inbox/{request_id}"):
                response.success()
            else:
                response.failure(f"POST {url}: {response.status_code}")
                return
        self.page(f"/inbox/{request_id}", "lead: request", expect="Your return has been sent")


class Officer(Portal):
    role = "officer"

    @task
    def follow_the_returns(self) -> None:
        self.floor()
        if CHANCE.random() < 0.25:
            self.page("/returns?all=1", "officer: overview, all open reviews", expect="<table")
        else:
            self.page("/returns", "officer: overview, own reviews", expect="<table")
        review_id = CHANCE.choice(self.account.reviews)
        url = f"/reviews/{review_id}/returns"
        self.page(url, "officer: dashboard", expect='id="dashboard-results"')
        for _ in range(CHANCE.randint(1, 3)):
            query = {"status": CHANCE.choice(STATUSES)}
            if CHANCE.random() < 0.5:
                query["sector"] = CHANCE.choice(SECTORS)
            self.page(
                f"{url}?{urlencode(query)}", "officer: dashboard filter (htmx)", headers=HTMX,
                expect='id="dashboard-results"',
            )  # fmt: skip


class Csp(Portal):
    role = "csp"

    @task
    def browse_reviews(self) -> None:
        self.floor()
        self.page("/partnership/reviews", "csp: partnership reviews", expect='id="partnership-reviews"')
        for _ in range(CHANCE.randint(1, 2)):
            stage = CHANCE.choice(STAGES)
            self.page(
                f"/partnership/reviews?stage={stage}", "csp: filter by stage (htmx)", headers=HTMX,
                expect='id="partnership-reviews"',
            )  # fmt: skip


USER_CLASSES = {"lead": Lead, "officer": Officer, "csp": Csp}


def _hidden_fields(html: str) -> list[tuple[str, str]]:
    fields = []
    for tag in HIDDEN.findall(html):
        name, value = NAME.search(tag), VALUE.search(tag)
        if name:
            fields.append((name.group(1), value.group(1) if value else ""))
    return fields


# Running and reporting ---------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    requests: int
    failures: int
    median: float
    p95: float


def _row(entry: StatsEntry, name: str) -> Row:
    return Row(
        name,
        entry.num_requests,
        entry.num_failures,
        entry.median_response_time if entry.num_requests else 0,
        entry.get_response_time_percentile(0.95) if entry.num_requests else 0,
    )


def run_load(
    base: str,
    server: subprocess.Popen,
    pools: dict[str, list[Account]],
    users: int,
    seconds: float,
    spawn_rate: float,
    think: tuple,
) -> tuple[Environment, float, dict[str, float]]:
    wanted = _split(users)
    classes = []
    for role, cls in USER_CLASSES.items():
        if wanted[role]:
            cls.sessions = itertools.cycle(pools[role])
            cls.fixed_count = wanted[role]
            cls.wait_time = between(*think)
            classes.append(cls)
    environment = Environment(user_classes=classes, host=base)
    runner = environment.create_local_runner()
    runner.start(users, spawn_rate=spawn_rate)
    runner.spawning_greenlet.join()  # ramp-up is not measured
    environment.stats.reset_all()
    with cpu_meter(server) as cpu:
        started = time.monotonic()
        gevent.sleep(seconds)
        runner.stop()  # users stop where they are; requests in flight are abandoned
        elapsed = time.monotonic() - started
    runner.quit()
    return environment, elapsed, cpu


def report(environment: Environment, elapsed: float, cpu: dict[str, float], idle: list[float]) -> bool:
    stats = environment.stats
    entries = sorted(stats.entries.values(), key=lambda entry: entry.name)
    journeys = {}
    for prefix in ("floor", *JOURNEYS):
        merged = StatsEntry(stats, prefix, "")
        for entry in entries:
            if entry.name.split(":")[0] == prefix:
                merged.extend(entry)
        journeys[prefix] = _row(merged, prefix)
    floor = journeys["floor"].p95
    total = stats.total
    print(f"\nMeasured window {elapsed:.1f} s: {total.num_requests:,} requests, {total.num_failures} errors, "
          f"throughput {total.num_requests / elapsed:.1f} requests/s")  # fmt: skip
    print(f"CPU over the window ({psutil.cpu_count()} cores = {100 * psutil.cpu_count()}%): gunicorn "
          f"{cpu['server']:.0f}%, locust {cpu['client']:.0f}%, "
          f"the whole machine {cpu['machine']:.0f}%")  # fmt: skip
    print(f"\n{'Request':<44} {'count':>7} {'errors':>6} {'median ms':>9} {'p95 ms':>7}")
    for entry in entries:
        row = _row(entry, entry.name)
        print(f"{row.name:<44} {row.requests:>7} {row.failures:>6} {row.median:>9.0f} {row.p95:>7.0f}")
    print(f"\n{'Journey (all its requests)':<28} {'count':>7} {'errors':>6} {'median ms':>9} {'p95 ms':>7} "
          f"{'p95/floor':>9}  target <= {MAX_RATIO:g}x")  # fmt: skip
    ok = total.num_failures == 0 and total.num_requests > 0
    for prefix, row in journeys.items():
        ratio = row.p95 / floor if floor else float("inf")
        passed = prefix == "floor" or (row.requests > 0 and ratio <= MAX_RATIO)
        ok = ok and passed and row.failures == 0
        label = "" if prefix == "floor" else ("pass" if passed else "FAIL")
        print(f"{prefix:<28} {row.requests:>7} {row.failures:>6} {row.median:>9.0f} {row.p95:>7.0f} "
              f"{ratio:>8.2f}x  {label}")  # fmt: skip
    idle_p95 = idle[int(0.95 * (len(idle) - 1))]
    print(f"\nThe floor page alone, one request at a time before the load: "
          f"median {idle[len(idle) // 2]:.0f} ms, "
          f"p95 {idle_p95:.0f} ms; under the load: median {journeys['floor'].median:.0f} ms.")  # fmt: skip
    if journeys["floor"].median > 10 * idle_p95:
        print("Saturated: requests spent most of their time queueing for a worker, so the ratios compare "
              "queues rather than pages. See the CPU line: on a shared machine, run it when it is idle, "
              "or with fewer --users or a longer --think.")  # fmt: skip
    if stats.errors:
        print("\nErrors:")
        for error in stats.errors.values():
            print(f"  {error.occurrences} x {error.method} {error.name}: {error.error}")
    return ok


@contextmanager
def cpu_meter(server: subprocess.Popen):
    """CPU used by gunicorn (master and workers), by this process, and by the machine."""
    result: dict[str, float] = {}
    master = psutil.Process(server.pid)

    def server_seconds() -> float:
        total = 0.0
        for process in [master, *master.children(recursive=True)]:
            try:
                times = process.cpu_times()
                total += times.user + times.system
            except psutil.NoSuchProcess:
                pass
        return total

    me = psutil.Process()
    start = (time.monotonic(), server_seconds(), sum(me.cpu_times()[:2]))
    psutil.cpu_percent()  # starts the machine-wide measure
    try:
        yield result
    finally:
        wall = time.monotonic() - start[0]
        result["server"] = 100 * (server_seconds() - start[1]) / wall
        result["client"] = 100 * (sum(me.cpu_times()[:2]) - start[2]) / wall
        result["machine"] = psutil.cpu_percent() * psutil.cpu_count()


def main(argv: list[str] | None = None) -> int:
    from portal.database import open_database
    from portal.migrate import upgrade

    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=200, help="simulated users (200)")
    parser.add_argument("--seconds", type=float, default=60, help="the measured window (60)")
    parser.add_argument("--spawn-rate", type=float, default=50, help="users started per second (50)")
    parser.add_argument("--think", type=float, nargs=2, default=[1, 5], metavar=("MIN", "MAX"),
                        help="seconds each user waits between journeys (1 5)")  # fmt: skip
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (4)")
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--scale", type=float, help="data set size (default 1.0 = 100,000 requests)")
    size.add_argument(
        "--profile", choices=PROFILES, help="a bench/generate.py profile instead, e.g. national"
    )
    args = parser.parse_args(argv)
    print(f"locust {locust.__version__} (gevent), {args.users} users for {args.seconds:g} s against gunicorn "
          f"with {args.workers} workers on PostgreSQL; {os.cpu_count()} CPU cores", flush=True)  # fmt: skip

    with (
        tempfile.TemporaryDirectory(prefix="portal-load-") as tmp,
        scratch_database("postgresql", Path(tmp), "load") as url,
    ):
        folder = Path(tmp)
        database = open_database(url)
        started = time.perf_counter()
        upgrade(database)
        if args.profile:
            probes = generate(database, profile=args.profile)
        else:
            probes = generate(database, 1.0 if args.scale is None else args.scale)
        pools = plan_accounts(database, probes, args.users)
        database.close()
        sizes = probes.sizes
        print(f"Data: {sizes.requests:,} trawl requests, {sizes.reviews:,} reviews, {sizes.agencies} "
              f"agencies ({args.profile or f'scale {args.scale or 1.0:g}'}), migrated and generated in "
              f"{time.perf_counter() - started:.1f} s", flush=True)  # fmt: skip
        with gunicorn(url, folder, args.workers) as (base, server, log):
            seconds = sign_in_pool(base, pools, probes.password)
            counts = ", ".join(f"{len(pool)} {role}" for role, pool in pools.items())
            print(f"gunicorn at {base}; signed in {counts} accounts in {seconds:.1f} s "
                  f"(before the window)", flush=True)  # fmt: skip
            idle = unloaded_floor(base, pools["lead"][0])
            environment, elapsed, cpu = run_load(
                base, server, pools, args.users, args.seconds, args.spawn_rate, tuple(args.think)
            )
            ok = report(environment, elapsed, cpu, idle)
            logged = log.read_text(errors="replace").splitlines()
            tracebacks = [line for line in logged if "Traceback" in line]
            if tracebacks:
                print(f"\ngunicorn logged {len(tracebacks)} tracebacks:\n{_tail(log)}")
                ok = False
    print("\nResult:", "pass" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
