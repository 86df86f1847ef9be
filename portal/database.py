"""Opening the database named by DATABASE_URL, with the settings each engine needs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

from peewee import Database, IntegerField, PostgresqlDatabase, SqliteDatabase

from portal.extensions import db

SQLITE_PRAGMAS = {
    "journal_mode": "wal",  # readers never wait for the writer
    "foreign_keys": 1,
    "busy_timeout": 10_000,  # ms: wait for the write lock instead of failing
    "synchronous": "normal",  # safe with WAL, and much faster than full
}


def open_database(url: str) -> Database:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = url[len("sqlite:///") :] if url.startswith("sqlite:///") else parsed.path
        # BEGIN IMMEDIATE takes the write lock up front, so two writers queue on
        # the busy timeout instead of one failing with "database is locked".
        return SqliteDatabase(path or ":memory:", pragmas=SQLITE_PRAGMAS, lock_type="IMMEDIATE")
    if parsed.scheme in {"postgres", "postgresql"}:
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        return PostgresqlDatabase(
            parsed.path.lstrip("/"),
            user=parsed.username,
            password=parsed.password,
            host=parsed.hostname,
            port=parsed.port,
            connect_timeout=int(options.pop("connect_timeout", 5)),
            **options,
        )
    raise ValueError(f"DATABASE_URL must start with sqlite:/// or postgresql://, not {parsed.scheme!r}")


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
