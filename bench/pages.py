"""Benchmark of the returns pages at two data sizes: SQL queries, server time and htmx bytes.

Builds two databases (scale 0.1 and 1.0: 10,000 and 100,000 trawl requests) with
bench.generate, migrated by the real migrations, and an app for each; signs in
through the HTTP layer with Flask's test client (bench/signing_in.py, second factor
included); then, for each page, counts the
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
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack, nullcontext
from dataclasses import dataclass
from pathlib import Path

from playhouse.test_utils import count_queries

from bench.databases import scratch_database
from bench.generate import Probes, generate
from bench.report import (
    MAX_FRAGMENT_SHARE,
    MAX_GROWTH,
    MAX_QUERIES,
    Measured,
    Share,
    scale_label,
    share_table,
    timing_table,
)
from bench.signing_in import csrf_token, sign_in
from bench.sites import Site

SECRET_KEY = secrets.token_urlsafe(48)  # a throwaway app: a fresh key each run
HTMX = {"HX-Request": "true"}


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


# Setting up ----------------------------------------------------------------------------------------


def build_site(engine: str, scale: float, folder: Path, stack: ExitStack) -> Site:
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
        f"  scale {scale_label(scale)}: {probes.sizes.requests:,} requests, {probes.sizes.reviews:,} reviews "
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
    site = Site(name=f"scale {scale_label(scale)}", app=app, probes=probes)
    for role, email in (
        ("officer", probes.officer_email),
        ("lead", probes.lead_email),
        ("csp", probes.csp_email),
    ):
        site.bind()
        site.clients[role] = app.test_client()
        sign_in(site.clients[role], email, probes.password)
    return site


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


def timed(sites: list[Site], seconds: Callable[[Site, int], float], runs: int, warmups: int):
    """`seconds(site, n)` makes request n and says how long it took; the samples per site.

    The sites take turns (ABBA...), so a machine busy with something else slows both alike.
    """
    for site in sites:
        for number in range(warmups):
            seconds(site, number)
    samples: list[list[float]] = [[] for _ in sites]
    for number in range(runs):
        order = list(enumerate(sites))
        for index, site in order if number % 2 == 0 else reversed(order):
            samples[index].append(seconds(site, warmups + number))
    return samples


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def measure_page(page: Page, sites: list[Site], runs: int, warmups: int) -> Measured:
    def request(site: Site):
        return site.get(page.role, page.url(site.probes))

    def seconds(site: Site, _number: int) -> float:
        started = time.perf_counter()
        request(site)
        return time.perf_counter() - started

    samples = timed(sites, seconds, runs, warmups)
    counted = [count_statements(lambda site=site: request(site)) for site in sites]
    return Measured(
        label=f"{page.label}  {page.url(sites[0].probes)}",
        queries=[fewest for fewest, _, _ in counted],
        query_spread=[(fewest, most) for fewest, most, _ in counted],
        medians=[statistics.median(s) for s in samples],
        p95s=[p95(s) for s in samples],
        sizes=[len(request(site).data) for site in sites],
        statements=[statements for _, _, statements in counted],
    )


class Acceptor:
    """Accepts the probe review's answered requests in turn and puts each back afterwards,
    so every run does the same work on the same rows."""

    def __init__(self, site: Site):
        from portal.trawls.models import ANSWERED_STATUSES, TrawlRequest

        self.site = site
        with self._connection():
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
        self.token = csrf_token(site.get("officer", f"/reviews/{site.probes.review_id}/returns").text)
        self.size = 0

    def _connection(self):
        self.site.bind()
        return self.site.app.config["DATABASE"].connection_context()

    def accept(self, number: int, counter: count_queries | None = None) -> float:
        """Seconds the POST took (reading the version and putting the row back are not timed)."""
        from portal.trawls.models import TrawlRequest

        request_id = self.ids[number % len(self.ids)]
        with self._connection():
            version = TrawlRequest.get_by_id(request_id).version
        url = f"/trawl-requests/{request_id}/accept"
        data = {"csrf_token": self.token, "version": str(version)}
        client = self.site.clients["officer"]
        self.site.bind()
        started = time.perf_counter()
        with counter or nullcontext():
            response = client.post(url, data=data, headers=HTMX)
        elapsed = time.perf_counter() - started
        if response.status_code != 200 or b'id="status-counts"' not in response.data:
            raise RuntimeError(f"POST {url} ({self.site.name}): {response.status_code}")
        self.size = len(response.data)
        with self._connection():
            TrawlRequest.update(status=self.answered[request_id], accepted_at=None, accepted_by=None).where(
                TrawlRequest.id == request_id
            ).execute()
        return elapsed


def measure_accept(sites: list[Site], runs: int, warmups: int) -> Measured:
    acceptors = {site.name: Acceptor(site) for site in sites}
    samples = timed(sites, lambda site, number: acceptors[site.name].accept(number), runs, warmups)
    counted = []
    for site in sites:
        tries = []
        for number in range(3):
            counter = count_queries()
            acceptors[site.name].accept(number, counter)
            tries.append([record.msg[0] for record in counter.get_queries()])
        counted.append(tries)
    return Measured(
        label="Inline accept (htmx)  POST /trawl-requests/<id>/accept",
        queries=[min(map(len, tries)) for tries in counted],
        query_spread=[(min(map(len, tries)), max(map(len, tries))) for tries in counted],
        medians=[statistics.median(column) for column in samples],
        p95s=[p95(column) for column in samples],
        sizes=[acceptors[site.name].size for site in sites],
        statements=[min(tries, key=len) for tries in counted],
    )


def measure_shares(site: Site, dashboard: Measured, accept: Measured) -> list[Share]:
    filtered = f"/reviews/{site.probes.review_id}/returns?status=overdue"
    fragment = len(site.get("officer", filtered, HTMX).data)
    return [
        Share(
            "Inline accept: its row, counts out of band",
            accept.sizes[-1],
            dashboard.sizes[-1],
            MAX_FRAGMENT_SHARE,
        ),
        Share(
            "Filter ?status=overdue vs the same URL's page",
            fragment,
            len(site.get("officer", filtered).data),
            None,
        ),
        Share("Filter ?status=overdue vs the whole dashboard", fragment, dashboard.sizes[-1], None),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pages", description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL at TEST_POSTGRES_URL")
    parser.add_argument("--scales", type=float, nargs=2, default=[0.1, 1.0], metavar=("SMALL", "LARGE"))
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page and size (30)")
    parser.add_argument("--warmups", type=int, default=3, help="untimed requests first (3)")
    parser.add_argument("--show-queries", action="store_true", help="print the SQL each page runs")
    args = parser.parse_args(argv)
    engine = "postgresql" if args.postgres else "sqlite"
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="portal-bench-") as temporary, ExitStack() as stack:
        folder = Path(temporary)
        os.environ["PORTAL_ENV"] = "test"
        os.environ["PORTAL_INSTANCE_PATH"] = str(folder / "instance")
        print(f"Building the {engine} databases:", flush=True)
        sites = [build_site(engine, scale, folder, stack) for scale in args.scales]
        print(f"Measuring: {args.runs} requests per page and size, after {args.warmups} warm-ups", flush=True)
        measured = [measure_page(page, sites, args.runs, args.warmups) for page in PAGES]
        measured.append(measure_accept(sites, args.runs, args.warmups))
        shares = measure_shares(sites[-1], measured[0], measured[-1])
        for site in sites:
            site.bind()
            site.app.config["DATABASE"].close()
    requests = [site.probes.sizes.requests for site in sites]
    print(
        f"\n{engine}: {requests[0]:,} vs {requests[1]:,} trawl requests. Targets: at most {MAX_QUERIES} SQL "
        f"statements, the same at both sizes;\nmedian growth under {MAX_GROWTH}x; the inline action's htmx "
        f"response at most {MAX_FRAGMENT_SHARE:.0%} of the full page.\n"
    )
    print(timing_table(measured, args.scales))
    print()
    print(share_table(shares, args.scales[-1]))
    failing = [m for m in measured if m.problems]
    if failing:
        print("\nMissed targets:")
        for m in failing:
            print(f"  {m.label}: {'; '.join(m.problems)}")
    if args.show_queries:
        for m in measured:
            for scale, statements in zip(args.scales, m.statements, strict=True):
                print(f"\n{m.label}, scale {scale_label(scale)}: {len(statements)} statements")
                print("\n".join(f"  {statement}" for statement in statements))
    print(f"\nTook {time.perf_counter() - started:.0f} s.")
    return 1 if failing or not all(share.passed for share in shares) else 0


if __name__ == "__main__":
    sys.exit(main())
