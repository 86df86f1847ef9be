"""Drill 3: PostgreSQL restarts under a bounded load of reads and writes.

Threads keep reading pages and writing (each write: an agency and its audit
event in one transaction) through the app's HTTP layer while the server is
restarted with pg_ctlcluster. Figures: requests during the outage that got a
clear 503 (and /healthz saying so), partial writes after it (agencies without
their audit event: must be 0), how long after the database came back every
request succeeded again (must be under 30 s), and connections left open.

It restarts the machine's PostgreSQL: never run it while anything else uses it.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

from drills.common import make_app, parser, report, scratch_database


def _cluster() -> str:
    return sorted(p.name for p in Path("/etc/postgresql").iterdir())[0]


def _pg(action: str) -> None:
    subprocess.run(  # noqa: S603 - fixed command
        ["pg_ctlcluster", "--skip-systemctl-redirect", _cluster(), "main", action],  # noqa: S607
        check=True,
        capture_output=True,
        timeout=120,
    )


def _ready() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode == 0  # noqa: S603,S607


def run(quick: bool) -> bool:
    from bench.signing_in import sign_in
    from portal.accounts.models import Role, User
    from portal.accounts.passwords import hash_password
    from portal.audit.models import AuditEvent
    from portal.extensions import db
    from portal.organisations.models import Agency

    workers = 4
    with scratch_database("postgresql") as url:
        app = make_app(url)
        password = hash_password("drill-password-long")
        with db.database.connection_context():
            for number in range(workers):  # one admin each: a first sign-in sets up two-factor
                User.create(
                    email=f"admin{number}@drill.example",
                    full_name=f"Drill Admin {number}",
                    role=Role.ADMIN,
                    password_hash=password,
                )
        clients = []
        for number in range(workers):
            client = app.test_client()
            sign_in(client, f"admin{number}@drill.example", "drill-password-long")
            clients.append(client)
        statuses: list[tuple[float, int, str]] = []
        stop = threading.Event()
        counter = iter(range(10**9))

        def work(client):
            while not stop.is_set():
                number = next(counter)
                if number % 3 == 0:
                    page = client.get("/admin/agencies/new")
                    if page.status_code != 200:
                        statuses.append((time.monotonic(), page.status_code, "write"))
                        time.sleep(0.05)
                        continue
                    token = page.text.split('name="csrf-token" content="')[1].split('"')[0]
                    response = client.post(
                        "/admin/agencies/new",
                        data={
                            "csrf_token": token,
                            "name": f"Drill agency {number}",
                            "sector": "other",
                            "contact_email": "drill@agency.example",
                            "active": "y",
                        },
                    )
                    statuses.append((time.monotonic(), response.status_code, "write"))
                else:
                    response = client.get("/healthz" if number % 2 else "/admin/agencies")
                    statuses.append((time.monotonic(), response.status_code, "read"))
                time.sleep(0.02)

        threads = [threading.Thread(target=work, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        time.sleep(2 if quick else 5)
        down_at = time.monotonic()
        _pg("stop")
        time.sleep(3 if quick else 8)
        _pg("start")
        while not _ready():
            time.sleep(0.2)
        back_at = time.monotonic()
        time.sleep(10 if quick else 30)
        stop.set()
        for thread in threads:
            thread.join()
        during = Counter(code for at, code, _ in statuses if down_at <= at <= back_at)
        after = [(at, code) for at, code, _ in statuses if at > back_at]
        last_failure = max((at for at, code in after if code >= 500), default=back_at)
        recovered_in = last_failure - back_at
        with db.database.connection_context():
            agencies = {a.id for a in Agency.select(Agency.id)}
            audited = {
                int(e.object_id) for e in AuditEvent.select().where(AuditEvent.action == "agency_created")
            }
            partial = len(agencies ^ audited)
            open_connections = db.database.execute_sql(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()[0]
    unclear = sum(count for code, count in during.items() if code not in (503, 200, 302))
    return report(
        "PostgreSQL restart under load",
        f"{len(statuses)} requests; during the outage {dict(during)} ({unclear} not a clear 503); "
        f"{partial} partial writes; all requests succeeding again {recovered_in:.1f}s after the database returned; "
        f"{open_connections} connections left open",
        unclear == 0 and partial == 0 and recovered_in < 30 and during.get(503, 0) > 0,
    )


def main() -> int:
    args = parser(__doc__).parse_args()
    return 0 if run(args.quick) else 1


if __name__ == "__main__":
    sys.exit(main())
