"""Benchmark of the main pages at national scale, against a floor measured in the same run.

Builds two databases with bench.generate: the national profile (350 partnerships,
5,000 agencies, 10,000 reviews, about 400,000 trawl requests, 20,000 users,
100,000 family-contact entries, 20,000 media inquiries) and the one-council
profile (exactly partnership 1's rows of the national set, same ids). Both hold
the same probes, so each page below shows the same content at both sizes.

For each page: SQL statements per request (the same at both sizes, at most 10),
median and p95 server time (Flask's test client, the two sizes taking turns), the
national median over the *floor* (the home page for a signed-in review officer:
session, user load, base template, nothing else; timed in the same turns as the
page), and the national median over the one-council median.

Targets (issue 9): every page within 3x the floor at national scale, and less than
1.25x its one-council time. Exits 1 if a target is missed.

    python -m bench.national                # SQLite
    python -m bench.national --postgres     # PostgreSQL at TEST_POSTGRES_URL (the reference)
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
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from bench.databases import scratch_database
from bench.generate import Probes, describe, generate
from bench.pages import count_statements, p95, timed
from bench.report import MAX_GROWTH, MAX_QUERIES, table
from bench.signing_in import sign_in
from bench.sites import Site

MAX_FLOOR_RATIO = 3.0
SECRET_KEY = secrets.token_urlsafe(48)  # a throwaway app: a fresh key each run
HTMX = {"HX-Request": "true"}
PROFILES = ("council", "national")


@dataclass(frozen=True)
class Page:
    label: str
    role: str
    url: Callable[[Probes], str]
    htmx: bool = False


FLOOR = Page("Floor: home page, signed in", "officer", lambda p: "/")
PAGES = (
    Page("Review officer's overview", "officer", lambda p: "/returns"),
    Page("  all open reviews (a page of 25)", "officer", lambda p: "/returns?all=1"),
    Page("Trawl dashboard (60 agencies)", "officer", lambda p: f"/reviews/{p.review_id}/returns"),
    Page(
        "  fragment: overdue filter",
        "officer",
        lambda p: f"/reviews/{p.review_id}/returns?status=overdue",
        htmx=True,
    ),
    Page("Agency lead inbox (40 requests)", "lead", lambda p: "/inbox"),
    Page("CSP team view (50 reviews)", "csp", lambda p: "/partnership/reviews"),
    Page("Family log (probe review)", "officer", lambda p: f"/reviews/{p.review_id}/family"),
    Page("Media inquiries (open: a page of 25)", "officer", lambda p: "/media-inquiries"),
    Page("  fragment: results", "officer", lambda p: "/media-inquiries", htmx=True),
    Page("  all inquiries (a page of 25)", "officer", lambda p: "/media-inquiries?status=all", htmx=True),
    Page("Public listing of published reports", "public", lambda p: "/published"),
)


@dataclass
class Result:
    page: Page
    url: str
    queries: list[tuple[int, int]]  # (fewest, most) per site
    medians: list[float]  # seconds, per site
    p95s: list[float]
    statements: list[list[str]]
    floor: float = 0.0  # the floor's national median, timed in the same turns as this page

    @property
    def growth(self) -> float:
        return self.medians[1] / self.medians[0]

    @property
    def ratio(self) -> float:
        return self.medians[1] / self.floor

    def problems(self, is_floor: bool = False) -> list[str]:
        found = []
        fewest = [low for low, _ in self.queries]
        if max(fewest) > MAX_QUERIES:
            found.append(f"more than {MAX_QUERIES} queries")
        if fewest[0] != fewest[1]:
            found.append("query count changes with the data size")
        if not is_floor and self.growth >= MAX_GROWTH:  # the floor's growth is shown, for information
            found.append(f"national median {self.growth:.2f}x the one-council one (target < {MAX_GROWTH})")
        if not is_floor and self.ratio > MAX_FLOOR_RATIO:
            found.append(f"{self.ratio:.2f}x the floor (target <= {MAX_FLOOR_RATIO:g})")
        return found


def build_site(engine: str, profile: str, folder: Path, stack: ExitStack) -> Site:
    from portal import create_app
    from portal.database import open_database
    from portal.migrate import upgrade

    url = stack.enter_context(scratch_database(engine, folder, profile))
    database = open_database(url)
    started = time.perf_counter()
    upgrade(database)
    probes = generate(database, profile=profile)
    database.close()
    print(
        f"  {profile}: {describe(probes.sizes)}; migrated and generated in "
        f"{time.perf_counter() - started:.0f} s",
        flush=True,
    )
    app = create_app(
        {
            "DATABASE_URL": url,
            "DATABASE_POOL_SIZE": 8,  # as in production (PORTAL_ENV=test would connect per request)
            "SECRET_KEY": SECRET_KEY,
            "MAIL_BACKEND": "file",
            "MAIL_FILE_DIR": str(folder / f"mail-{profile}"),
        }
    )
    site = Site(name=profile, app=app, probes=probes)
    for role, email in (
        ("officer", probes.officer_email),
        ("lead", probes.lead_email),
        ("csp", probes.csp_email),
    ):
        site.bind()
        site.clients[role] = app.test_client()
        sign_in(site.clients[role], email, probes.password)
    site.clients["public"] = app.test_client()
    return site


def _request(page: Page, site: Site):
    response = site.get(page.role, page.url(site.probes), HTMX if page.htmx else None)
    if page.htmx and b"<html" in response.data[:200]:
        raise RuntimeError(f"{page.url(site.probes)} answered an htmx request with a whole page")
    return response


def _seconds(page: Page, site: Site) -> float:
    started = time.perf_counter()
    _request(page, site)
    return time.perf_counter() - started


def measure(page: Page, sites: list[Site], runs: int, warmups: int) -> tuple[Result, list[float]]:
    """The page at both sizes and the floor at national size, taking turns (ABC, CBA, ...) so
    that a machine busy with something else slows all three alike; the floor's samples too."""
    turns = [(page, sites[0]), (page, sites[1]), (FLOOR, sites[1])]
    for target in turns:
        for _ in range(warmups):
            _seconds(*target)
    samples: list[list[float]] = [[] for _ in turns]
    for number in range(runs):
        order = list(enumerate(turns))
        for index, target in order if number % 2 == 0 else reversed(order):
            samples[index].append(_seconds(*target))
    counted = [count_statements(lambda site=site: _request(page, site)) for site in sites]
    floor = statistics.median(samples[2])
    result = Result(
        page=page,
        url=page.url(sites[0].probes) + (" (htmx)" if page.htmx else ""),
        queries=[(fewest, most) for fewest, most, _ in counted],
        medians=[statistics.median(column) for column in samples[:2]],
        p95s=[p95(column) for column in samples[:2]],
        statements=[statements for _, _, statements in counted],
        floor=floor,
    )
    return result, samples[2]


def measure_floor(sites: list[Site], runs: int, warmups: int, national: list[float]) -> Result:
    """The floor's own row: council and national taking turns; its national column is every
    floor sample taken beside the pages (what each page's ratio was measured against)."""
    samples = timed(sites, lambda site, _number: _seconds(FLOOR, site), runs, warmups)
    counted = [count_statements(lambda site=site: _request(FLOOR, site)) for site in sites]
    medians = [statistics.median(samples[0]), statistics.median(national)]
    return Result(
        page=FLOOR,
        url="/",
        queries=[(fewest, most) for fewest, most, _ in counted],
        medians=medians,
        p95s=[p95(samples[0]), p95(national)],
        statements=[statements for _, _, statements in counted],
        floor=medians[1],
    )


def results_table(floor: Result, results: list[Result]) -> str:
    def queries(result: Result) -> str:
        cells = [str(low) if low == high else f"{low}-{high}" for low, high in result.queries]
        return cells[0] if cells[0] == cells[1] else " / ".join(cells)

    headers = ["Page (times in ms)", "URL", "SQL", "median 1", "median N", "p95 1", "p95 N"]
    headers += ["floor N", "x floor", "growth", "result"]
    rows = []
    for result in (floor, *results):
        is_floor = result is floor
        rows.append(
            [
                result.page.label,
                result.url,
                queries(result),
                *(f"{seconds * 1000:.1f}" for seconds in (*result.medians, *result.p95s, result.floor)),
                "1.00x" if is_floor else f"{result.ratio:.2f}x",
                f"{result.growth:.2f}x",
                "FAIL" if result.problems(is_floor) else "PASS",
            ]
        )
    return table(headers, rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.national", description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL at TEST_POSTGRES_URL")
    parser.add_argument("--runs", type=int, default=30, help="timed requests per page and size (30)")
    parser.add_argument("--warmups", type=int, default=3, help="untimed requests first (3)")
    parser.add_argument("--show-queries", action="store_true", help="print the SQL each page runs")
    args = parser.parse_args(argv)
    engine = "postgresql" if args.postgres else "sqlite"
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="portal-national-") as temporary, ExitStack() as stack:
        folder = Path(temporary)
        os.environ["PORTAL_ENV"] = "test"
        os.environ["PORTAL_INSTANCE_PATH"] = str(folder / "instance")
        print(f"Building the {engine} databases:", flush=True)
        sites = [build_site(engine, profile, folder, stack) for profile in PROFILES]
        print(f"Measuring: {args.runs} requests per page and size, after {args.warmups} warm-ups", flush=True)
        results, floor_samples = [], []
        for page in PAGES:
            result, samples = measure(page, sites, args.runs, args.warmups)
            results.append(result)
            floor_samples += samples
        floor = measure_floor(sites, args.runs, args.warmups, floor_samples)
        for site in sites:
            site.bind()
            site.app.config["DATABASE"].close()
    print(
        f"\n{engine}: 1 = one council, N = national. Targets: at most {MAX_QUERIES} SQL statements, the same "
        f"at both sizes;\nnational median at most {MAX_FLOOR_RATIO:g}x the floor's and under {MAX_GROWTH}x "
        "the one-council median.\n"
    )
    print(results_table(floor, results))
    failing = [result for result in (floor, *results) if result.problems(result is floor)]
    if failing:
        print("\nMissed targets:")
        for result in failing:
            print(f"  {result.page.label.strip()}: {'; '.join(result.problems(result is floor))}")
    if args.show_queries:
        for result in (floor, *results):
            for profile, statements in zip(PROFILES, result.statements, strict=True):
                print(f"\n{result.page.label.strip()} {result.url}, {profile}: {len(statements)} statements")
                print("\n".join(f"  {statement}" for statement in statements))
    print(f"\nTook {time.perf_counter() - started:.0f} s.")
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
