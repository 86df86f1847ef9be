"""Page weight: the dashboard's first load, and every htmx fragment against its full page.

    python -m bench.page_weight

It builds a throwaway SQLite database (migrated, filled by bench/generate.py at
scale 0.1: the probe review's dashboard shows the same 60 requests at every
scale), signs in through the real sign-in form as the probe officer, agency lead,
CSP team member and administrator (Flask's test client), and measures:

- the first load of the review dashboard: its HTML and every stylesheet, script
  (module imports followed) and image it references, each gzip-compressed at
  level 6, as a server or proxy would send it. Target: under 150 KB in all.
- every htmx fragment the app serves (filters, polls, inline actions, the inbox,
  the overviews, the subjects, family contact and admin lists), against the
  full page the same request gives without HX-Request (for an inline POST, the
  dashboard its non-htmx form redirects to). Target: each under 20% of its full
  page's weight, as the first bullet counts it (HTML, CSS, JS and images, all
  compressed: what crosses the network). Its share of the page's HTML alone is
  printed too, for information: for a filter, whose results are most of the page,
  that is 25-60%. Raw sizes are printed beside the compressed ones.

The portal itself compresses nothing (no compression middleware; gunicorn does
not compress), so production must compress at the reverse proxy; see README
("Performance"). Exits 1 if a target is missed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import re
import secrets
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

from bench.databases import scratch_database
from bench.generate import generate
from bench.signing_in import csrf_token, sign_in
from bench.sites import Site

SECRET_KEY = secrets.token_urlsafe(48)  # a throwaway app: a fresh key each run
MAX_FIRST_LOAD = 150 * 1024
MAX_FRAGMENT_SHARE = 0.20
GZIP_LEVEL = 6
HTMX = {"HX-Request": "true"}
ASSET_IN_HTML = re.compile(r'<(?:link|script|img)\b[^>]*?\b(?:href|src)="(/static/[^"]+)"')
JS_IMPORT = re.compile(  # static `import … from "./x.js"`, bare `import "./x.js"` and `import("./x.js")`
    r"""(?:\bimport\b[^'"()]*?\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"]([^'"]+\.m?js)['"]"""
)
CSS_URL = re.compile(r"""url\(\s*['"]?([^'")]+)['"]?\s*\)""")
HIDDEN_VERSION = re.compile(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"')


def gzipped(data: bytes) -> int:
    return len(gzip.compress(data, compresslevel=GZIP_LEVEL, mtime=0))


@dataclass
class Asset:
    url: str
    raw: int
    compressed: int
    encoding: str  # as the app sent it
    references: list[str] = field(default_factory=list)


@dataclass
class Share:
    label: str
    fragment_raw: int
    fragment_gz: int
    page_raw: int
    page_gz: int
    status: int
    assets_gz: int = 0  # the full page's stylesheets, scripts and images, compressed

    @property
    def share(self) -> float:
        """Against the full page's weight: its HTML, CSS, JS and images, compressed (the target)."""
        return self.fragment_gz / (self.page_gz + self.assets_gz)

    @property
    def html_share(self) -> float:
        """Against the full page's HTML alone, compressed (for information)."""
        return self.fragment_gz / self.page_gz

    @property
    def ok(self) -> bool:
        return self.share < MAX_FRAGMENT_SHARE


@dataclass
class WeighedSite(Site):
    """The benchmark's site, with what weighs the assets its pages reference."""

    weigher: Weigher | None = None


# The first load ---------------------------------------------------------------------------------------


class Weigher:
    """Fetches what a page references (once each) and weighs it as it would cross the network."""

    def __init__(self, site: Site):
        self.client = site.clients["officer"]
        self.fetched: dict[str, Asset | None] = {}
        self.notes: list[str] = []

    def assets_of(self, html: bytes) -> list[Asset]:
        """Stylesheets, scripts (and their imports) and images the page pulls in, each once."""
        found, queue, seen = [], ASSET_IN_HTML.findall(html.decode()), set()
        while queue:
            path = queue.pop(0).split("#")[0].split("?")[0]
            if path in seen:
                continue
            seen.add(path)
            if path not in self.fetched:
                self.fetched[path] = self._fetch(path)
            asset = self.fetched[path]
            if asset is None:
                continue
            found.append(asset)
            queue += asset.references
        return found

    def _fetch(self, path: str) -> Asset | None:
        response = self.client.get(path, headers={"Accept-Encoding": "gzip"})
        if response.status_code != 200:
            self.notes.append(f"{path}: {response.status_code}, not counted")
            return None
        body = response.get_data()
        encoding = response.headers.get("Content-Encoding") or "identity"
        response.close()
        asset = Asset(path, len(body), gzipped(body), encoding)
        if path.endswith((".js", ".mjs")):
            asset.references = [urljoin(path, found) for found in JS_IMPORT.findall(body.decode())]
        elif path.endswith(".css"):
            for found in dict.fromkeys(CSS_URL.findall(body.decode())):
                if found.startswith("data:"):
                    continue
                target = urljoin(path, found)
                # A browser fetches a stylesheet's image only for an element that uses it: count
                # it if it exists (the larger figure), and say so if it does not.
                if self.client.get(target).status_code == 200:
                    asset.references.append(target)
                else:
                    self.notes.append(f"{target}: in {path}, not served (404); not counted")
        return asset


def first_load(site: WeighedSite, weigher: Weigher, url: str) -> list[Asset]:
    """The page and everything it pulls in."""
    page = site.get("officer", url)
    html = page.data
    encoding = page.headers.get("Content-Encoding") or "identity"
    return [Asset(f"{url} (HTML)", len(html), gzipped(html), encoding), *weigher.assets_of(html)]


# Fragments ------------------------------------------------------------------------------------------------


def _share(site: Site, role: str, label: str, url: str, headers=None) -> Share:
    fragment = site.get(role, url, {**HTMX, **(headers or {})})
    page = site.get(role, url)
    return _measured(site, label, fragment, page)


def _measured(site: WeighedSite, label: str, fragment, page) -> Share:
    return Share(
        label,
        len(fragment.data),
        gzipped(fragment.data),
        len(page.data),
        gzipped(page.data),
        fragment.status_code,
        sum(asset.compressed for asset in site.weigher.assets_of(page.data)),
    )


def _post_share(site: Site, label: str, url: str, data: dict, page_url: str) -> Share:
    client = site.clients["officer"]
    token = csrf_token(site.get("officer", page_url).text)
    fragment = client.post(url, data={"csrf_token": token, **data}, headers=HTMX)
    if fragment.status_code not in (200, 422):
        raise RuntimeError(f"POST {url}: {fragment.status_code}")
    return _measured(site, label, fragment, site.get("officer", page_url))


HX_POST_FORM = re.compile(r'<form\b[^>]*\bhx-post="([^"]+)"[^>]*>(.*?)</form>', re.S)
HIDDEN_INPUT = re.compile(r'<input type="hidden" name="([^"]+)" value="([^"]*)">')


def _inline_on_page(site: Site, role: str, label: str, page_url: str) -> Share | None:
    """The first inline htmx form on a page, posted as htmx would, against that page."""
    page = site.get(role, page_url)
    found = HX_POST_FORM.search(page.text)
    if found is None:
        return None
    url, body = found.group(1).replace("&amp;", "&"), found.group(2)
    data = {name: value.replace("&amp;", "&") for name, value in HIDDEN_INPUT.findall(body)}
    fragment = site.clients[role].post(url, data=data, headers=HTMX)
    if fragment.status_code not in (200, 409, 422):
        raise RuntimeError(f"POST {url}: {fragment.status_code}")
    return _measured(site, f"{label} ({url.rsplit('/', 1)[-1]})", fragment, site.get(role, page_url))


def _requests_of_review(site: Site, review_id: int) -> dict[str, tuple[int, int]]:
    """One request per status in the review: (id, version)."""
    from portal.trawls.models import TrawlRequest

    found = {}
    with site.app.config["DATABASE"].connection_context():
        for row in TrawlRequest.select().where(TrawlRequest.review == review_id).order_by(TrawlRequest.id):
            found.setdefault(row.status.value, (row.id, row.version))
    return found


def fragments(site: Site) -> list[Share]:
    review = site.probes.review_id
    dashboard = f"/reviews/{review}/returns"
    shares = [
        _share(site, "officer", "Dashboard filter ?status=overdue", f"{dashboard}?status=overdue"),
        _share(site, "officer", "Dashboard filter ?sector=police", f"{dashboard}?sector=police"),
        _share(site, "officer", "Dashboard filter, unfiltered (all 60)", dashboard),
        _share(
            site,
            "officer",
            "Dashboard poll (every 20 s)",
            dashboard,
            headers={"HX-Trigger": "dashboard-results"},
        ),  # fmt: skip
        _share(site, "officer", "Overview: own reviews", "/returns"),
        _share(site, "officer", "Overview: all open reviews", "/returns?all=1"),
        _share(site, "officer", "Overview: all open, page 2", "/returns?all=1&page=2"),
        _share(site, "officer", "Reviews list, search", "/reviews?q=Review"),
        _share(site, "officer", "Subjects: add a person form", f"/reviews/{review}/subjects/new"),
        _share(site, "officer", "Family contact", f"/reviews/{review}/family"),
        _share(site, "officer", "Family contact: new entry form", f"/reviews/{review}/family/entries/new"),
        _share(site, "officer", "Family contact: new member form", f"/reviews/{review}/family/members/new"),
        _share(site, "officer", "Media inquiries list, all", "/media-inquiries?status=all"),
        _share(site, "admin", "Media inquiries list, open (admin)", "/media-inquiries?status=open"),
        _share(site, "lead", "Agency inbox, open only", "/inbox?show=open"),
        _share(site, "lead", "Agency inbox, all", "/inbox"),
        _share(site, "csp", "CSP reviews, stage filter", "/partnership/reviews?stage=in-progress"),
        _share(site, "csp", "CSP reviews, all", "/partnership/reviews"),
        _share(site, "admin", "Admin: users, search", "/admin/users?q=lead"),
        _share(site, "admin", "Admin: agencies, search", "/admin/agencies?q=Agency"),
        _share(site, "admin", "Admin: audit log", "/admin/audit-log"),
        _share(site, "admin", "Admin: outbox", "/admin/outbox"),
    ]
    from portal.clock import local_today

    by_status = _requests_of_review(site, review)
    later = local_today() + dt.timedelta(days=60)
    grant = {"decision": "grant", "granted_date": [str(later.day), str(later.month), str(later.year)]}
    inline = (
        ("Inline accept (a nil return), vs dashboard", "accept", "nil_return", {}),
        ("Inline chased (awaiting), vs dashboard", "chased", "awaiting", {}),
        ("Inline extension granted, vs dashboard", "extension", "extension_requested", grant),
    )
    for label, action, status, extra in inline:
        if status not in by_status:
            continue
        request_id, version = by_status[status]
        shares.append(
            _post_share(
                site,
                label,
                f"/trawl-requests/{request_id}/{action}",
                {"version": str(version), **extra},
                dashboard,
            )
        )
    media = _inline_on_page(site, "admin", "Media inquiry, inline action", "/media-inquiries?status=open")
    if media is not None:
        shares.append(media)
    missing = site.get("officer", "/reviews/999999/returns", HTMX, status=404)
    page = site.get("officer", "/reviews/999999/returns", status=404)
    shares.append(_measured(site, "Error (404)", missing, page))
    return shares


# Running ------------------------------------------------------------------------------------------------


def build_site(folder: Path, url: str) -> Site:
    from portal import create_app
    from portal.database import open_database
    from portal.migrate import upgrade

    database = open_database(url)
    upgrade(database)
    probes = generate(database, 0.1)
    database.close()
    app = create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "MAIL_BACKEND": "file",
            "MAIL_FILE_DIR": str(folder / "mail"),
        }
    )
    from portal.extensions import db

    db.database.initialize(app.config["DATABASE"])
    site = WeighedSite(name="scale 0.1", app=app, probes=probes)
    for role, email in (
        ("officer", probes.officer_email),
        ("lead", probes.lead_email),
        ("csp", probes.csp_email),
        ("admin", probes.admin_email),
    ):
        site.clients[role] = app.test_client()
        sign_in(site.clients[role], email, probes.password)
    return site


def kb(size: int) -> str:
    return f"{size / 1024:.1f} KB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.page_weight", description=__doc__.split("\n\n")[0])
    parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="portal-weight-") as tmp:
        folder = Path(tmp)
        with scratch_database("sqlite", folder, "weight") as url:
            site = build_site(folder, url)
            site.weigher = Weigher(site)
            dashboard = f"/reviews/{site.probes.review_id}/returns"
            assets = first_load(site, site.weigher, dashboard)
            shares = fragments(site)

    total_raw = sum(asset.raw for asset in assets)
    total = sum(asset.compressed for asset in assets)
    first_ok = total < MAX_FIRST_LOAD
    print(f"First load of the dashboard {dashboard} (60 requests), gzip level {GZIP_LEVEL}:")
    print(f"  {'':<46} {'raw':>10} {'gzip':>10}")
    for asset in assets:
        print(f"  {asset.url:<46} {kb(asset.raw):>10} {kb(asset.compressed):>10}")
    print(f"  {'Total':<46} {kb(total_raw):>10} {kb(total):>10}   target < {kb(MAX_FIRST_LOAD)}: "
          f"{'pass' if first_ok else 'FAIL'}")  # fmt: skip
    encodings = sorted({asset.encoding for asset in assets})
    print(f"  Content-Encoding the app sent: {', '.join(encodings)} (the reverse proxy compresses).")
    for note in site.weigher.notes:
        print(f"  Note: {note}")

    print(f"\nhtmx fragments, gzip, vs the full page's weight (HTML + CSS + JS + images; target < "
          f"{MAX_FRAGMENT_SHARE:.0%}) and vs its HTML alone (for information):")  # fmt: skip
    print(f"  {'':<44} {'fragment B':>16} {'page HTML B':>16} {'weight':>6} {'HTML':>6}")
    for share in shares:
        flag = "" if share.html_share < MAX_FRAGMENT_SHARE else " *"
        label = share.label if share.status == 200 else f"{share.label} [{share.status}]"
        print(f"  {label:<44} {share.fragment_raw:>7,}/{share.fragment_gz:>6,}  "
              f"{share.page_raw:>7,}/{share.page_gz:>6,}  {share.share:>6.1%} "
              f"{share.html_share:>6.1%}{flag:<2} {'pass' if share.ok else 'FAIL'}")  # fmt: skip
    print(
        "  (bytes raw/gzip; * over 20% of the page's HTML alone: the fragment is most of what the page shows)"
    )
    ok = first_ok and all(share.ok for share in shares)
    print("\nResult:", "pass" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
