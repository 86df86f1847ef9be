"""Opening the database named by DATABASE_URL, with the settings each engine needs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from peewee import Database, IntegerField, PostgresqlDatabase, SqliteDatabase
from playhouse.pool import PooledDatabase, PooledPostgresqlDatabase, PooledSqliteDatabase

from portal.extensions import db

SQLITE_PRAGMAS = {
    "journal_mode": "wal",  # readers never wait for the writer
    "foreign_keys": 1,
    "busy_timeout": 10_000,  # ms: wait for the write lock instead of failing
    "synchronous": "normal",  # safe with WAL, and much faster than full
}


# Planner settings for every PostgreSQL connection the portal opens. plan_cache_mode: a statement
# prepared on the server (portal/prepared_queries.py) is planned once for any values. Left to
# choose, PostgreSQL planned a page of the media list or the public listing afresh on every request
# (0.1-0.3 ms), as a plan for an unknown OFFSET looked dearer than one for page 1; the plan it keeps
# is the same. Only prepared statements are affected: the portal's are filtered by ids and dates,
# their constants written in. (random_page_cost 1.1, tried for the dashboard's agencies, made the
# reminder scan walk every open review instead of its index range: left at the default.)
POSTGRES_SETTINGS = {"plan_cache_mode": "force_generic_plan"}


# A pooled connection unused this long is closed rather than reused (a server may drop idle ones).
POOL_STALE_SECONDS = 300
# With every pooled connection in use, a request waits this long for one before failing.
POOL_WAIT_SECONDS = 10


def open_database(url: str, pool_size: int = 0, prepare_on_server: bool = True) -> Database:
    """The database at `url`. With `pool_size`, up to that many connections stay open and each
    request reuses one (no connection set-up per request: about 5 ms on PostgreSQL on loopback,
    0.7 ms on SQLite, which also re-reads the schema and checkpoints on every last close).
    The pool asks the server before handing a connection out (peewee's check on PostgreSQL), so one
    the server dropped (a restart) is discarded and replaced, never used. On PostgreSQL,
    `prepare_on_server` lets prepared queries be prepared on the server (portal/prepared_queries.py)."""
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else parsed.path
        # BEGIN IMMEDIATE takes the write lock up front, so two writers queue on
        # the busy timeout instead of one failing with "database is locked".
        options = {"pragmas": SQLITE_PRAGMAS, "lock_type": "IMMEDIATE"}
        if pool_size and path:  # an in-memory database is one per connection: never pooled
            # A pooled connection serves one request at a time, but not always on the thread
            # that opened it (the development server and the scheduler run threads).
            options["check_same_thread"] = False
            return PooledSqliteDatabase(path, **options, **_pool_options(pool_size))
        return SqliteDatabase(path or ":memory:", **options)
    if parsed.scheme in {"postgres", "postgresql"}:
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        options["options"] = postgres_options(options.get("options"))
        if pool_size:
            options.update(_pool_options(pool_size))
        database_class = PooledPostgresqlDatabase if pool_size else PostgresqlDatabase
        database = database_class(
            parsed.path.lstrip("/"),
            user=parsed.username,
            password=parsed.password,
            host=parsed.hostname,
            port=parsed.port,
            connect_timeout=int(options.pop("connect_timeout", 5)),
            **options,
        )
        database.prepare_on_server = prepare_on_server  # read by portal/prepared_queries.py
        return database
    raise ValueError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {parsed.scheme!r}")


def postgres_options(from_url: str | None) -> str:
    """libpq's `options` for a connection: POSTGRES_SETTINGS, then the URL's own `?options=`
    (`-c name=value ...`), which win where they set the same thing."""
    ours = " ".join(f"-c {name}={value}" for name, value in POSTGRES_SETTINGS.items())
    return f"{ours} {from_url}" if from_url else ours


def _pool_options(pool_size: int) -> dict:
    return {"max_connections": pool_size, "stale_timeout": POOL_STALE_SECONDS, "timeout": POOL_WAIT_SECONDS}


def close_pool(database: Database) -> None:
    """Close every connection a pooled database holds (at shutdown, or when a test ends)."""
    target = getattr(database, "obj", database)
    if isinstance(target, PooledDatabase):
        target.close_all()


def is_sqlite(database: Database | None = None) -> bool:
    database = database or db.database
    target = getattr(database, "obj", database)  # unwrap FlaskDB's Proxy
    return isinstance(target, SqliteDatabase)


class StaleRecordError(Exception):
    """Someone else saved this record after the user loaded it."""


class BaseModel(db.Model):
    class Meta:
        legacy_table_names = False


class VersionedModel(BaseModel):
    """A record people edit: every save must name the version it was based on.

    Two people saving the same version: exactly one wins, the other gets
    StaleRecordError and sees a conflict message with their input kept.
    """

    version = IntegerField(default=1)

    def save_changes(self, expected_version: int, **changes) -> None:
        model = type(self)
        changes[model.version] = model.version + 1
        updated = (
            model.update({getattr(model, k) if isinstance(k, str) else k: v for k, v in changes.items()})
            .where((model.id == self.id) & (model.version == expected_version))
            .execute()
        )
        if updated != 1:
            raise StaleRecordError(f"{model.__name__} {self.id} changed since version {expected_version}")
        for key, value in changes.items():
            if isinstance(key, str):
                setattr(self, key, value)
        self.version = expected_version + 1


def changed_fields(row, values: dict) -> list[str]:
    """Names of the fields whose new value differs from the row's (for the audit log)."""

    def comparable(value):
        return getattr(value, "id", value)

    return sorted(name for name, new in values.items() if comparable(getattr(row, name)) != comparable(new))
