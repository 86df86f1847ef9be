"""Drill 3: PostgreSQL restarts under a bounded load of reads and writes.

Threads keep reading pages and writing (each write: an agency and its audit
event in one transaction) through the app's HTTP layer while the server is
restarted (a private server in a temporary folder, see PrivateServer). Figures: requests during the outage that got a
clear 503 (and /healthz saying so), partial writes after it (agencies without
their audit event: must be 0), how long after the database came back every
request succeeded again (must be under 30 s), and connections left open.

It needs the PostgreSQL server binaries (Debian's postgresql package) but not the
shared server, so it is safe to run beside the test suite.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

from drills.common import make_app, parser, report, scratch_database


class PrivateServer:
    """A throwaway PostgreSQL server of the machine's version, in a temporary folder on a
    free port, so the drill can stop and start it without touching the shared server
    (tests, other drills and anything else on 5432 carry on)."""

    def __init__(self) -> None:
        version = sorted(Path("/usr/lib/postgresql").iterdir(), key=lambda p: int(p.name))[-1]
        self.bin = version / "bin"
        self.folder = Path(tempfile.mkdtemp(prefix="portal-pg-drill-"))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._as_owner = []
        if os.geteuid() == 0:  # initdb refuses root: the server runs as the postgres user
            shutil.chown(self.folder, user="postgres")
            self._as_owner = ["runuser", "-u", "postgres", "--"]

    def _run(self, *command: str) -> None:
        subprocess.run(  # noqa: S603 - fixed commands, our own temporary folder
            [*self._as_owner, *command], check=True, capture_output=True, timeout=120
        )

    def __enter__(self) -> PrivateServer:
        self._run(str(self.bin / "initdb"), "-D", str(self.folder / "data"), "-A", "trust", "-U", "postgres")
        self.start()
        return self

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-o", options,
                  "-l", str(self.folder / "server.log"), "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")

    def ready(self) -> bool:
        command = [str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port), "-q"]
        return subprocess.run(command, check=False).returncode == 0  # noqa: S603

    def __exit__(self, *exc) -> None:
        with contextlib.suppress(subprocess.SubprocessError):
            self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)


def run(quick: bool) -> bool:
    from bench.signing_in import sign_in
    from portal.accounts.models import Role, User
    from portal.accounts.passwords import hash_password
    from portal.audit.models import AuditEvent
    from portal.extensions import db
    from portal.organisations.models import Agency

    workers = 4
    with PrivateServer() as server, scratch_database("postgresql", server.url) as url:
        app = make_app(url, DATABASE_POOL_SIZE=8)  # as in production: connections reused across requests
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
                    health = number % 2 == 1
                    response = client.get("/healthz" if health else "/admin/agencies")
                    statuses.append((time.monotonic(), response.status_code, "health" if health else "read"))
                time.sleep(0.02)

        threads = [threading.Thread(target=work, args=(client,)) for client in clients]
        for thread in threads:
            thread.start()
        time.sleep(2 if quick else 5)
        down_at = time.monotonic()
        server.stop()
        time.sleep(3 if quick else 8)
        server.start()
        while not server.ready():
            time.sleep(0.2)
        back_at = time.monotonic()
        time.sleep(10 if quick else 30)
        stop.set()
        for thread in threads:
            thread.join()
        during = Counter(code for at, code, _ in statuses if down_at <= at <= back_at)
        health = Counter(code for at, code, kind in statuses if down_at <= at <= back_at and kind == "health")
        after = [(at, code) for at, code, _ in statuses if at > back_at]
        last_failure = max((at for at, code in after if code >= 500), default=back_at)
        recovered_in = last_failure - back_at
        with db.database.connection_context():
            agencies = {a.id for a in Agency.select(Agency.id)}
            audited = {
                int(e.object_id) for e in AuditEvent.select().where(AuditEvent.action == "agency_created")
            }
            partial = len(agencies ^ audited)
            # Idle connections are the pool's; one active or in a transaction now would be stuck.
            pooled, stuck = db.database.execute_sql(
                "SELECT count(*) FILTER (WHERE state = 'idle'), count(*) FILTER (WHERE state <> 'idle') "
                "FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchone()
    unclear = sum(count for code, count in during.items() if code not in (503, 200, 302))
    return report(
        "PostgreSQL restart under load",
        f"{len(statuses)} requests; during the outage {dict(during)} ({unclear} not a clear 503), "
        f"/healthz {dict(health)}; "
        f"{partial} partial writes; all requests succeeding again {recovered_in:.1f}s after the database returned; "
        f"{stuck} connections stuck ({pooled} idle in the pool)",
        unclear == 0
        and partial == 0
        and recovered_in < 30
        and during.get(503, 0) > 0
        and health.get(503, 0) > 0
        and stuck == 0,
    )


def main() -> int:
    args = parser(__doc__).parse_args()
    return 0 if run(args.quick) else 1


if __name__ == "__main__":
    sys.exit(main())
