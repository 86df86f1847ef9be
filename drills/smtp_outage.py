"""Drill 5: the mail server refuses everything for the first half of a run while people keep working.

A real SMTP server on loopback (aiosmtpd, in a process of its own, as a mail server is on
another machine: in this process it would take turns with the timed requests for
Python's interpreter lock) answers 421 during the outage. Admins
keep resetting people's access (each reset queues an email) through the app's
HTTP layer while the real scheduler process sends every second.
Figures: share delivered within 3 retry intervals of recovery (must be 100%),
duplicate Message-IDs at the server (0), web latency while the server refuses against
while it accepts, measured in alternating blocks before the sustained outage (within
10%: no request waits on SMTP), and a permanently refused address marked failed and
shown to admins.
"""

from __future__ import annotations

import email
import os
import statistics
import subprocess
import sys
import time
from collections import Counter
from email import policy

from drills.common import engines, make_app, parser, report, scratch_database

RETRY_BASE = 1
# Blocks of web load with the mail server up, then refusing, in turns. Short blocks share out
# whatever else slows the machine for a second or so (0.7 s blocks left PostgreSQL's figure
# +-9% with no sender running at all; 0.3 s, +-6% with it); 0.3 s is not a divisor of the
# sender's 1 s interval, so its runs fall at every point of the blocks.
LATENCY_PAIRS = 24  # 72 at full size
LATENCY_BLOCK_SECONDS = 0.3


class RefusingHandler:
    def __init__(self, refusing, received):
        self.refusing = refusing  # a multiprocessing Event: set by the drill for the outage
        self.received = received  # a managed list: each accepted message's Message-ID

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("bounce"):
            return "550 5.1.1 No such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refusing.is_set():
            return "421 4.3.2 Service not available"
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.received.append(message["Message-ID"])
        return "250 Message accepted for delivery"


def serve_mail(port: int, refusing, received, ready, stop) -> None:
    """The mail server's process: serves on `port` until `stop` is set."""
    from aiosmtpd.controller import Controller

    controller = Controller(RefusingHandler(refusing, received), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def run(engine: str, quick: bool) -> bool:
    import multiprocessing
    import socket

    from bench.signing_in import sign_in
    from portal.accounts.models import Role, User
    from portal.accounts.passwords import hash_password
    from portal.extensions import db
    from portal.notifications.models import OutboxMessage, OutboxStatus

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    processes = multiprocessing.get_context("spawn")  # a clean interpreter, not a copy of this one
    manager = processes.Manager()
    refusing, received, ready, stop = processes.Event(), manager.list(), processes.Event(), processes.Event()
    mail_server = processes.Process(
        target=serve_mail, args=(port, refusing, received, ready, stop), daemon=True
    )
    mail_server.start()
    if not ready.wait(timeout=60):
        raise RuntimeError("the drill's mail server did not start")
    seconds = 4 if quick else 15
    try:
        with scratch_database(engine) as url:
            app = make_app(
                url,
                MAIL_BACKEND="smtp",
                SMTP_HOST="127.0.0.1",
                SMTP_PORT=port,
                SMTP_STARTTLS=False,
                OUTBOX_RETRY_BASE_SECONDS=RETRY_BASE,
                OUTBOX_MAX_ATTEMPTS=50,
                BASE_URL="http://127.0.0.1",
                # As in production. Unpooled, each request's SQLite connection is often the last one
                # open while the sender idles (an outage), and the last to close checkpoints the
                # log: every request 15-25% slower for a reason that has nothing to do with mail.
                DATABASE_POOL_SIZE=8,
            )
            with db.database.connection_context():
                password = hash_password("drill-password-long")
                admin = User.create(
                    email="admin@drill.example",
                    full_name="Drill Admin",
                    role=Role.ADMIN,
                    password_hash=password,
                )
                people = [
                    User.create(
                        email=f"person{n}@drill.example", full_name=f"Person {n}", role=Role.REVIEW_OFFICER
                    )
                    for n in range(5)
                ]
                bounce = User.create(
                    email="bounce@drill.example", full_name="Bounce", role=Role.REVIEW_OFFICER
                )
            client = app.test_client()
            sign_in(client, admin.email, "drill-password-long")
            # The real scheduler process beside the web app, sending every second.
            env = {
                **os.environ,
                "PORTAL_ENV": "test",
                "PORTAL_INSTANCE_PATH": app.instance_path,
                "DATABASE_URL": url,
                "SECRET_KEY": app.config["SECRET_KEY"],
                "MAIL_BACKEND": "smtp",
                "SMTP_HOST": "127.0.0.1",
                "SMTP_PORT": str(port),
                "SMTP_STARTTLS": "0",
                "OUTBOX_INTERVAL_SECONDS": "1",
                "OUTBOX_RETRY_BASE_SECONDS": str(RETRY_BASE),
                "OUTBOX_MAX_ATTEMPTS": "50",
                "BASE_URL": "http://127.0.0.1",
            }
            scheduler = subprocess.Popen(  # noqa: S603 - our own command
                [sys.executable, "-m", "flask", "--app", "portal", "scheduler", "run"],
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

            def reset(person) -> float:
                page = client.get(f"/admin/users/{person.id}").text
                token = page.split('name="csrf-token" content="')[1].split('"')[0]
                started = time.perf_counter()
                response = client.post(
                    f"/admin/users/{person.id}/reset-access", data={"csrf_token": token, "version": "1"}
                )
                elapsed = time.perf_counter() - started
                if response.status_code != 200:
                    raise RuntimeError(f"reset answered {response.status_code}")
                return elapsed

            def load(duration: float) -> list[float]:
                times, until = [], time.monotonic() + duration
                while time.monotonic() < until:
                    for person in people:
                        times.append(reset(person))
                return times

            # Latency: the mail server up and refusing in turns (ABBA...), so anything else that
            # changes over the run (the scheduler's timing, the machine) weighs on both alike.
            # (A median of per-pair ratios was tried: 40 requests a block make it the noisier.)
            up, down, pairs = [], [], 0
            for number in range(LATENCY_PAIRS if quick else 3 * LATENCY_PAIRS):
                blocks = {}
                for refuse in (False, True) if number % 2 == 0 else (True, False):
                    refusing.set() if refuse else refusing.clear()
                    blocks[refuse] = load(LATENCY_BLOCK_SECONDS)
                up += blocks[False]
                down += blocks[True]
                pairs += 1
            # Delivery: a sustained outage, so retries back off as they would over a real one.
            refusing.set()
            load(seconds)
            reset(bounce)
            refusing.clear()
            recovered_at = time.monotonic()
            with db.database.connection_context():
                expected = OutboxMessage.select().where(OutboxMessage.recipient != bounce.email).count()
            # Back-off doubles from RETRY_BASE; the longest wait after `seconds` of outage bounds "an interval".
            interval = RETRY_BASE * 2 ** max(1, int(seconds).bit_length())
            deadline = recovered_at + 3 * interval
            while time.monotonic() < deadline:
                with db.database.connection_context():
                    sent = OutboxMessage.select().where(OutboxMessage.status == OutboxStatus.SENT).count()
                if sent >= expected:
                    break
                time.sleep(0.2)
            delivered_after = time.monotonic() - recovered_at
            scheduler.terminate()
            scheduler.wait(timeout=30)
            with db.database.connection_context():
                failed = [
                    m.recipient
                    for m in OutboxMessage.select().where(OutboxMessage.status == OutboxStatus.FAILED)
                ]
            outbox_page = client.get("/admin/outbox?status=failed").text
        ids = Counter(received)
    finally:
        stop.set()
        mail_server.join(timeout=30)
        manager.shutdown()
    duplicates = sum(count - 1 for count in ids.values())
    share = len(ids) / expected if expected else 0
    slower = statistics.median(down) / statistics.median(up) - 1
    shown = "bounce@drill.example" in outbox_page
    return report(
        f"SMTP outage [{engine}]",
        f"{len(ids)}/{expected} delivered ({share:.0%}) {delivered_after:.1f}s after recovery "
        f"(3 retry intervals = {3 * interval}s); {duplicates} duplicates; web median {statistics.median(up) * 1000:.1f}ms "
        f"with mail up, {statistics.median(down) * 1000:.1f}ms while it refuses ({slower:+.0%} over "
        f"{pairs} pairs of blocks, {len(up) + len(down)} requests); permanent failure marked failed: "
        f"{failed == [bounce.email]}, shown to admins: {shown}",
        share == 1 and duplicates == 0 and failed == [bounce.email] and shown and slower <= 0.10,
    )


def main() -> int:
    args = parser(__doc__).parse_args()
    results = [run(engine, args.quick) for engine in engines(args.engine)]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
