"""Drill 7: every migration applied to a database holding data at the version before it.

For each migration N, a scratch database is migrated up to N-1, seeded with a
fixed set of rows through the tables that exist then, and migrated to the end.
Invariants: every seeded row is still there with its values, columns a migration
fills from existing data (BACKFILLED) hold what they should, and the final schema
equals the application's models.
"""

from __future__ import annotations

import sys

from drills.common import engines, parser, report, scratch_database

# Rows seeded through plain SQL against the oldest schema that has the table (0001/0002),
# so the seed does not depend on today's models.
SEED = [
    (
        "partnership",
        {
            "id": 9001,
            "version": 1,
            "name": "Seeded Partnership",
            "active": True,
            "created_at": "2025-01-01 09:00:00",
        },
    ),
    (
        "agency",
        {
            "id": 9001,
            "version": 1,
            "name": "Seeded Agency",
            "sector": "police",
            "contact_email": "seed@agency.example",
            "active": True,
            "created_at": "2025-01-01 09:00:00",
        },
    ),
    (
        "user",
        {
            "id": 9001,
            "version": 1,
            "email": "seed@portal.example",
            "full_name": "Seeded Officer",
            "role": "review_officer",
            "active": True,
            "failed_login_count": 0,
            "created_at": "2025-01-01 09:00:00",
        },
    ),
    (
        "review",
        {
            "id": 9001,
            "version": 1,
            "reference": "DHR-2025-901",
            "kind": "dhr",
            "partnership_id": 9001,
            "review_officer_id": 9001,
            "title": "S.D.",
            "date_notified": "2025-01-02",
            "stage": "notified",
            "is_open": True,
            "created_at": "2025-01-02 09:00:00",
        },
    ),
    (
        "subject",
        {
            "id": 9001,
            "version": 1,
            "review_id": 9001,
            "role": "deceased",
            "full_name": "Seeded Person",
            "aliases": "",
            "address_at_time": "",
            "previous_addresses": "",
            "relationship_to_deceased": "",
            "created_at": "2025-01-02 09:00:00",
        },
    ),
    (
        "trawl",
        {
            "id": 9001,
            "review_id": 9001,
            "number": 1,
            "purpose": "initial_records_check",
            "issued_at": "2025-01-03 09:00:00",
            "issued_on": "2025-01-03",
            "issued_by_id": 9001,
            "working_days": 10,
            "instructions": "",
            "subjects_snapshot": "[]",
        },
    ),
    (
        "trawl_request",
        {
            "id": 9001,
            "version": 1,
            "trawl_id": 9001,
            "review_id": 9001,
            "agency_id": 9001,
            "status": "awaiting",
            "due_date": "2025-01-17",
            "due_basis": "working_days",
            "created_at": "2025-01-03 09:00:00",
        },
    ),
]


# Columns a migration fills from the data already there: (migration, table, id, {column: value}),
# checked after that migration ran over the seeded rows.
BACKFILLED = [
    (
        "0011_review_overview_keys",
        "review",
        9001,
        # The seeded request is awaiting, due 2025-01-17: the review's next and earliest awaiting due date.
        {"next_return_due_on": "2025-01-17", "earliest_awaiting_due_on": "2025-01-17"},
    ),
]


def _backfill_problems(database, migration: str) -> list[str]:
    problems = []
    for name, table, row_id, expected in BACKFILLED:
        if name != migration:
            continue
        for column, value in expected.items():
            found = database.execute_sql(
                f'SELECT "{column}" FROM "{table}" WHERE id = {database.param}',  # noqa: S608 - fixed names
                [row_id],
            ).fetchone()
            if found is None or str(found[0]) != value:
                problems.append(f"{table}.{column} not backfilled: {found and found[0]!r}, not {value!r}")
    return problems


def _tables(database) -> set[str]:
    return set(database.get_tables())


# Values for NOT NULL columns a later migration added (the app fills them; raw SQL must too).
FILLERS = {
    "text": "",
    "varchar": "",
    "character varying": "",
    "integer": 0,
    "bigint": 0,
    "boolean": False,
    "bool": False,
    "date": "2025-01-01",
    "datetime": "2025-01-01 09:00:00",
    "timestamp without time zone": "2025-01-01 09:00:00",
    "json": "{}",
    "jsonb": "{}",
    "real": 0,
}


def _complete(database, table: str, row: dict) -> dict:
    row = dict(row)
    for column in database.get_columns(table):
        if column.name in row or column.null or column.primary_key:
            continue
        kind = column.data_type.lower().split("(")[0].strip()
        row[column.name] = FILLERS.get(kind, "")
    return row


def _seed(database) -> list[tuple[str, dict]]:
    seeded = []
    present = _tables(database)
    for table, row in SEED:
        if table not in present:
            continue
        row = _complete(database, table, row)
        columns = ", ".join(f'"{c}"' for c in row)
        marks = ", ".join(database.param for _ in row)
        database.execute_sql(f'INSERT INTO "{table}" ({columns}) VALUES ({marks})', list(row.values()))  # noqa: S608 - fixed names
        seeded.append((table, row))
    return seeded


def _still_there(database, seeded) -> list[str]:
    problems = []
    for table, row in seeded:
        found = database.execute_sql(
            f'SELECT COUNT(*) FROM "{table}" WHERE id = {database.param}', [row["id"]]
        )  # noqa: S608
        if found.fetchone()[0] != 1:
            problems.append(f"{table} row {row['id']} missing")
            continue
        for column in ("name", "email", "reference", "full_name", "status"):
            if column in row:
                value = database.execute_sql(
                    f'SELECT "{column}" FROM "{table}" WHERE id = {database.param}',
                    [row["id"]],  # noqa: S608
                ).fetchone()[0]
                if value != row[column]:
                    problems.append(f"{table}.{column} changed: {value!r}")
    return problems


def run(engine: str) -> bool:
    from portal.database import open_database
    from portal.migrate import runner, schema_differences

    problems: list[str] = []
    steps = 0
    with scratch_database(engine) as template_url:
        names = [m.name for m in runner(open_database(template_url)).migrations()]
    for index, name in enumerate(names[1:], start=1):
        with scratch_database_at(engine, names[index - 1]) as database, database.connection_context():
            seeded = _seed(database)
            runner(database).up()
            problems += [f"{name}: {p}" for p in _still_there(database, seeded)]
            problems += [f"{name}: {p}" for p in _backfill_problems(database, name)]
            steps += 1
    with scratch_database(engine) as url:
        database = open_database(url)
        import portal.extensions as extensions

        extensions.db.database.initialize(database)
        diff = schema_differences(database)
    if diff:
        problems.append(f"schema differs from the models: {diff}")
    return report(
        f"migrations on live-like data [{engine}]",
        f"{steps} migrations applied over seeded data: {len(problems)} problems {problems or ''}",
        not problems,
    )


class scratch_database_at:
    """A scratch database migrated only up to `target`."""

    def __init__(self, engine: str, target: str):
        self.engine, self.target = engine, target

    def __enter__(self):
        import tempfile
        import uuid
        from pathlib import Path
        from urllib.parse import urlparse, urlunparse

        from psycopg2 import sql

        from drills.common import POSTGRES_ADMIN_URL, _admin
        from portal.database import open_database
        from portal.migrate import runner

        if self.engine == "sqlite":
            self._folder = tempfile.TemporaryDirectory()
            url = f"sqlite:///{Path(self._folder.name) / 'at.db'}"
        else:
            self._name = f"portal_drill_{uuid.uuid4().hex[:8]}"
            _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self._name)))
            url = urlunparse(urlparse(POSTGRES_ADMIN_URL)._replace(path=f"/{self._name}"))
        self.database = open_database(url)
        with self.database.connection_context():
            runner(self.database).up(target=self.target)
        return self.database

    def __exit__(self, *exc):
        from psycopg2 import sql

        from drills.common import _admin

        if not self.database.is_closed():
            self.database.close()
        if self.engine == "sqlite":
            self._folder.cleanup()
        else:
            _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self._name)))


def main() -> int:
    args = parser(__doc__).parse_args()
    results = [run(engine) for engine in engines(args.engine)]
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
