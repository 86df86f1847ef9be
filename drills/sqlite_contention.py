"""Drill 2: SQLite under contention: 20 writer processes x 500 mixed transactions.

WAL, foreign keys, a busy timeout and BEGIN IMMEDIATE (portal/database.py) mean
writers queue for the lock instead of failing. The figure: "database is
locked" errors that reach a caller (must be 0), and PRAGMA integrity_check.
"""

from __future__ import annotations

import multiprocessing
import random
import sys
import time

from drills.common import make_app, parser, report, scratch_database


def _writer(args) -> tuple[int, int, int]:
    url, worker, transactions = args
    from peewee import OperationalError

    from portal.extensions import db
    from portal.organisations.models import Agency, Partnership

    make_app(url)
    rng = random.Random(worker)
    done = locked = other = 0
    with db.database.connection_context():
        partnership_ids = [p.id for p in Partnership.select(Partnership.id)]
        for number in range(transactions):
            try:
                with db.database.atomic():
                    kind = rng.random()
                    if kind < 0.4:
                        Agency.create(
                            name=f"Agency {worker}-{number}",
                            sector="other",
                            contact_email=f"a{worker}.{number}@drill.example",
                        )
                    elif kind < 0.8:
                        target = rng.choice(partnership_ids)
                        Partnership.update(version=Partnership.version + 1).where(
                            Partnership.id == target
                        ).execute()
                    else:
                        Agency.select().where(Agency.name.startswith(f"Agency {worker}-")).count()
                done += 1
            except OperationalError as error:
                if "locked" in str(error):
                    locked += 1
                else:
                    other += 1
    return done, locked, other


def run(writers: int, transactions: int) -> bool:
    from portal.database import open_database
    from portal.organisations.models import Partnership

    with scratch_database("sqlite") as url:
        database = open_database(url)
        Partnership.bind(database)
        with database.connection_context():
            for number in range(5):
                Partnership.create(name=f"Partnership {number}")
        started = time.perf_counter()
        with multiprocessing.get_context("spawn").Pool(writers) as pool:
            results = pool.map(_writer, [(url, worker, transactions) for worker in range(writers)])
        seconds = time.perf_counter() - started
        done = sum(r[0] for r in results)
        locked = sum(r[1] for r in results)
        other = sum(r[2] for r in results)
        with database.connection_context():
            integrity = database.execute_sql("PRAGMA integrity_check").fetchone()[0]
    return report(
        "SQLite contention",
        f"{writers} writers x {transactions} transactions: {done} committed in {seconds:.1f}s, "
        f"{locked} 'database is locked', {other} other errors, integrity_check {integrity}",
        locked == 0 and other == 0 and integrity == "ok" and done == writers * transactions,
    )


def main() -> int:
    args = parser(__doc__).parse_args()
    ok = run(20, 50 if args.quick else 500)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
