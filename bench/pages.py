"""Benchmark of the returns pages at two data sizes: SQL queries, server time and htmx bytes.

Builds two databases (scale 0.1 and 1.0: 10,000 and 100,000 trawl requests) with
bench.generate, migrated by the real migrations, and an app for each; signs in
through the HTTP layer with Flask's test client; then, for each page, counts the
SQL statements one request runs and times N requests at both sizes, taking turns
between the two so that a busy machine slows both alike. The pages show the same
content at both sizes (see bench/generate.py), so only the rest of the data grows.

Targets (the issue): at most 10 queries, the same number at both sizes; median
time at 1.0 less than 1.25 times the median at 0.1; an htmx response to the
dashboard's inline action at most 20% of the bytes of the full dashboard.
Exits 1 if a target is missed.

    python -m bench.pages                # SQLite
    python -m bench.pages --postgres     # PostgreSQL at TEST_POSTGRES_URL
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from playhouse.test_utils import count_queries

from bench.databases import scratch_database
from bench.generate import Probes, generate

MAX_QUERIES = 10
MAX_GROWTH = 1.25
MAX_FRAGMENT_SHARE = 0.20
SECRET_KEY = "bench-secret-key-long-enough-for-the-settings-checks"  # noqa: S105 - throwaway app
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
HTMX = {"HX-Request": "true"}


@dataclass
class Site:
    """One database at one scale, its app, and a signed-in test client per role."""

    scale: float
    app: object
    probes: Probes
    clients: dict = field(default_factory=dict)

    def bind(self) -> None:
        # Both apps share the FlaskDB proxy the models are bound to; point it at this app's database.
        from portal.extensions import db

        db.database.initialize(self.app.config["DATABASE"])

    def get(self, role: str, url: str, headers: dict | None = None):
        self.bind()
        response = self.clients[role].get(url, headers=headers or {})
        if response.status_code != 200:
            raise RuntimeError(f"GET {url} as {role} at scale {self.scale}: {response.status_code}")
        return response


@dataclass(frozen=True)
class Page:
    label: str
    role: str
    url: Callable[[Probes], str]


PAGES = (
    Page("Dashboard: probe review (60 requests)", "officer", lambda p: f"/reviews/{p.review_id}/returns"),
    Page("Overview: all open reviews", "officer", lambda p: "/returns?all=1"),
    Page("Overview: the officer's own reviews", "officer", lambda p: "/returns"),
    Page("Agency inbox (40 requests)", "lead", lambda p: "/inbox"),
    Page("CSP team: partnership reviews", "csp", lambda p: "/partnership/reviews"),
)


@dataclass
class Measured:
    label: str
    queries: list[int]  # the fewest statements one request ran, per site
    query_spread: list[tuple[int, int]]
    medians: list[float]  # seconds
    p95s: list[float]
    sizes: list[int]  # bytes
    statements: list[list[str]]

    @property
    def growth(self) -> float:
        return self.medians[1] / self.medians[0]

    @property
    def problems(self) -> list[str]:
        found = []
        if max(self.queries) > MAX_QUERIES:
            found.append(f"more than {MAX_QUERIES} queries")
        if self.queries[0] != self.queries[1]:
            found.append("query count changes with the data size")
        if self.growth >= MAX_GROWTH:
            found.append(f"median grows {self.growth:.2f}x (target < {MAX_GROWTH})")
        return found


# Setting up ----------------------------------------------------------------------------------------


def build_site(engine: str, scale: float, folder: Path, stack) -> Site:
    from portal import create_app
    from portal.database import open_database
    from portal.migrate import upgrade

    url = stack.enter_context(scratch_database(engine, folder, f"scale{scale:g}".replace(".", "_")))
    database = open_database(url)
    started = time.perf_counter()
    upgrade(database)
    probes = generate(database, scale)
    database.close()
    print(
        f"  scale {scale:g}: {probes.sizes.requests:,} requests, {probes.sizes.reviews:,} reviews "
        f"({probes.sizes.open_reviews} open), {probes.sizes.agencies} agencies: "
        f"migrated and generated in {time.perf_counter() - started:.1f} s",
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
    site = Site(scale=scale, app=app, probes=probes)
    for role, email in (
        ("officer", probes.officer_email),
        ("lead", probes.lead_email),
        ("csp", probes.csp_email),
    ):
        site.clients[role] = sign_in(site, email, probes.password)
    return site


def sign_in(site: Site, email: str, password: str):
    """Through the real sign-in form, as a browser would."""
    site.bind()
    client = site.app.test_client()
    token = csrf_token(client.get("/accessibility").text)
    response = client.post("/sign-in", data={"email": email, "password": password, "csrf_token": token})
    if response.status_code != 302:
        raise RuntimeError(f"sign-in failed for {email}: {response.status_code}")
    return client


def csrf_token(html: str) -> str:
    found = CSRF_META.search(html)
    if found is None:
        raise RuntimeError("no csrf-token meta tag on the page")
    return found.group(1)


# Measuring ---------------------------------------------------------------------------------------------


def count_statements(run: Callable[[], object], tries: int = 3) -> tuple[int, int, list[str]]:
    """Fewest and most statements over a few requests (the session's last-seen time is
    written at most once a minute, so one request in many runs one more)."""
    counts, fewest = [], None
    for _ in range(tries):
        with count_queries() as counted:
            run()
        statements = [record.msg[0] for record in counted.get_queries()]
        counts.append(len(statements))
        if fewest is None or len(statements) < len(fewest):
            fewest = statements
    return min(counts), max(counts), fewest or []


def timed(sites: list[Site], request: Callable[[Site, int], object], runs: int, warmups: int):
    """Seconds per request at each site, taking turns between the sites."""
    for site in sites:
        for number in range(warmups):
            request(site, number)
    samples: list[list[float]] = [[] for _ in sites]
    for number in range(runs):
        order = list(enumerate(sites)) if number % 2 == 0 else list(reversed(list(enumerate(sites))))
        for index, site in order:
            started = time.perf_counter()
            request(site, warmups + number)
            samples[index].append(time.perf_counter() - started)
    return samples


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def measure_page(page: Page, sites: list[Site], runs: int, warmups: int) -> Measured:
    def request(site: Site, _number: int):
        return site.get(page.role, page.url(site.probes))

    samples = timed(sites, request, runs, warmups)
    counted = [count_statements(lambda site=site: request(site, 0)) for site in sites]
    return Measured(
        label=f"{page.label}  {page.url(sites[0].probes)}",
        queries=[fewest for fewest, _, _ in counted],
        query_spread=[(fewest, most) for fewest, most, _ in counted],
        medians=[statistics.median(s) for s in samples],
        p95s=[p95(s) for s in samples],
        sizes=[len(request(site, 0).data) for site in sites],
        statements=[statements for _, _, statements in counted],
    )


class Acceptor:
    """Accepts the probe review's answered requests in turn, putting each back afterwards,
    so every run does the same work on the same rows."""

    def __init__(self, site: Site):
        from portal.trawls.models import ANSWERED_STATUSES, TrawlRequest

        self.site = site
        site.bind()
        with site.app.config["DATABASE"].connection_context():
            self.answered = {
                row.id: row.status
                for row in TrawlRequest.select(TrawlRequest.id, TrawlRequest.status)
                .where(
                    TrawlRequest.review == site.probes.review_id,
                    TrawlRequest.status.in_(list(ANSWERED_STATUSES)),
                )
                .order_by(TrawlRequest.id)
            }
        self.ids = list(self.answered)
        url = f"/reviews/{site.probes.review_id}/returns"
        self.token = csrf_token(site.get("officer", url).text)
        self.last_response = None

    def version(self, request_id: int) -> int:
        from portal.trawls.models import TrawlRequest

        self.site.bind()
        with self.site.app.config["DATABASE"].connection_context():
            return TrawlRequest.get_by_id(request_id).version

    def put_back(self, request_id: int) -> None:
        from portal.trawls.models import TrawlRequest

        self.site.bind()
        with self.site.app.config["DATABASE"].connection_context():
            TrawlRequest.update(
                status=self.answered[request_id], accepted_at=None, accepted_by=None
            ).where(TrawlRequest.id == request_id).execute()

    def accept(self, number: int, measure: Callable | None = None):
        request_id = self.ids[number % len(self.ids)]
        data = {"csrf_token": self.token, "version": str(self.version(request_id))}
        self.site.bind()
        client = self.site.clients["officer"]
        started = time.perf_counter()
        if measure is None:
            response = client.post(f"/trawl-requests/{request_id}/accept", data=data, headers=HTMX)
        else:
            with measure() as counted:
                response = client.post(f"/trawl-requests/{request_id}/accept", data=data, headers=HTMX)
            self.counted = counted
        elapsed = time.perf_counter() - started
        if response.status_code != 200 or b"Accepted" not in response.data:
            raise RuntimeError(f"accept {request_id} at scale {self.site.scale}: {response.status_code}")
        self.put_back(request_id)
        self.last_response = response
        return elapsed


def measure_accept(sites: list[Site], runs: int, warmups: int) -> tuple[Measured, list[int]]:
    acceptors = [Acceptor(site) for site in sites]
    by_site = {id(a.site): a for a in acceptors}
    samples: list[list[float]] = [[] for _ in sites]
    for site in sites:
        for number in range(warmups):
            by_site[id(site)].accept(number)
    # Timed inside accept(), so reading the version and putting the row back are not counted.
    for number in range(runs):
        order = list(enumerate(sites)) if number % 2 == 0 else list(reversed(list(enumerate(sites))))
        for index, site in order:
            samples[index].append(by_site[id(site)].accept(warmups + number))
    counts = []
    for acceptor in acceptors:
        tries = []
        for number in range(3):
            acceptor.accept(number, measure=count_queries)
            tries.append([record.msg[0] for record in acceptor.counted.get_queries()])
        counts.append(tries)
    fewest = [min(tries, key=len) for tries in counts]
    measured = Measured(
        label="Inline accept (htmx)  POST /trawl-requests/<id>/accept",
        queries=[len(statements) for statements in fewest],
        query_spread=[(min(map(len, tries)), max(map(len, tries))) for tries in counts],
        medians=[statistics.median(s) for s in samples],
        p95s=[p95(s) for s in samples],
        sizes=[len(acceptor.last_response.data) for acceptor in acceptors],
        statements=fewest,
    )
    return measured, measured.sizes


# Reporting --------------------------------------------------------------------------------------------------


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells):
        return "  ".join(
            str(cell).ljust(width) if index == 0 else str(cell).rjust(width)
            for index, (cell, width) in enumerate(zip(cells, widths, strict=True))
        )

    return "\n".join([line(headers), "  ".join("-" * width for width in widths), *map(line, rows)])


def queries_cell(measured: Measured, index: int) -> str:
    fewest, most = measured.query_spread[index]
    return str(fewest) if fewest == most else f"{fewest}-{most}"


def report(pages: list[Measured], accept: Measured, shares: list[tuple[str, int, int, float | None]]) -> bool:
    rows = []
    for measured in [*pages, accept]:
        problems = measured.problems
        rows.append(
            [
                measured.label,
                queries_cell(measured, 0),
                queries_cell(measured, 1),
                f"{measured.medians[0] * 1000:.1f}",
                f"{measured.medians[1] * 1000:.1f}",
                f"{measured.p95s[0] * 1000:.1f}",
                f"{measured.p95s[1] * 1000:.1f}",
                f"{measured.growth:.2f}x",
                f"{measured.sizes[0] / 1024:.1f}",
                f"{measured.sizes[1] / 1024:.1f}",
                "PASS" if not problems else "FAIL",
            ]
        )
    print()
    print(
        table(
            [
                "Page (server time in ms, size in KB)",
                "SQL 0.1",
                "SQL 1.0",
                "median 0.1",
                "median 1.0",
                "p95 0.1",
                "p95 1.0",
                "growth",
                "KB 0.1",
                "KB 1.0",
                "result",
            ],
            rows,
        )
    )
    share_rows = []
    ok = all(not m.problems for m in [*pages, accept])
    for label, fragment, full, limit in shares:
        share = fragment / full
        passed = limit is None or share <= limit
        ok = ok and passed
        share_rows.append(
            [
                label,
                f"{fragment:,}",
                f"{full:,}",
                f"{share:.1%}",
                f"<= {limit:.0%}" if limit is not None else "(info)",
                ("PASS" if passed else "FAIL") if limit is not None else "",
            ]
        )
    print()
    print(table(["htmx response vs its full page (at scale 1.0)", "bytes", "full page", "share", "target", "result"], share_rows))
    failing = [(m.label, m.problems) for m in [*pages, accept] if m.problems]
    if failing:
        print("\nMissed targets:")
        for label, problems in failing:
            print(f"  {label}: {'; '.join(problems)}")
    return ok


def main(argv: list[str] | None = None) -> int:
    from contextlib import ExitStack

    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL at TEST_POSTGRES_URL, not SQLite")
    parser.add_argument("--scales", type=float, nargs=2, default=(0.1, 1.0), metavar=("SMALL", "LARGE"))
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page and size (default 30)")
    parser.add_argument("--warmups", type=int, default=3)
    parser.add_argument("--show-queries", action="store_true", help="print each page's SQL at both sizes")
    args = parser.parse_args(argv)
    engine = "postgresql" if args.postgres else "sqlite"
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as temporary, ExitStack() as stack:
        folder = Path(temporary)
        os.environ["PORTAL_ENV"] = "test"
        os.environ["PORTAL_INSTANCE_PATH"] = str(folder / "instance")
        print(f"Building the {engine} databases:", flush=True)
        sites = [build_site(engine, scale, folder, stack) for scale in args.scales]
        print(f"Measuring ({args.runs} requests after {args.warmups} warm-ups, per page and size)…", flush=True)
        pages = [measure_page(page, sites, args.runs, args.warmups) for page in PAGES]
        accept, accept_sizes = measure_accept(sites, args.runs, args.warmups)
        large = sites[-1]
        dashboard = f"/reviews/{large.probes.review_id}/returns"
        filtered = f"{dashboard}?status=overdue"
        shares = [
            ("Inline accept (row + counts out of band) vs dashboard", accept_sizes[-1], pages[0].sizes[-1], MAX_FRAGMENT_SHARE),
            (
                "Filter ?status=overdue: fragment vs its full page",
                len(large.get("officer", filtered, HTMX).data),
                len(large.get("officer", filtered).data),
                None,
            ),
        ]
        for site in sites:
            site.bind()
            site.app.config["DATABASE"].close()
        sizes = [site.probes.sizes.requests for site in sites]
        print(
            f"\n{engine}: {sizes[0]:,} vs {sizes[1]:,} trawl requests ({sizes[1] / sizes[0]:.0f}x); "
            f"targets: <= {MAX_QUERIES} SQL statements, the same at both sizes; median growth < {MAX_GROWTH}x; "
            f"htmx action response <= {MAX_FRAGMENT_SHARE:.0%} of the full page."
        )
        ok = report(pages, accept, shares)
        if args.show_queries:
            for measured in [*pages, accept]:
                for scale, statements in zip(args.scales, measured.statements, strict=True):
                    print(f"\n{measured.label} at scale {scale:g}: {len(statements)} statements")
                    for statement in statements:
                        print(f"  {statement}")
    print(f"\nTook {time.perf_counter() - started:.0f} s.")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
