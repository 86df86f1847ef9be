"""Backing up and restoring the database.

SQLite: the online backup API, so a backup taken while people are saving is a
consistent copy. PostgreSQL: pg_dump's custom format and pg_restore (the
client tools must be installed where the command runs).
"""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
import subprocess
from pathlib import Path
from urllib.parse import urlparse

from peewee import Database, SqliteDatabase

from portal.migrate import all_models


class BackupError(RuntimeError):
    pass


def _target(database: Database) -> Database:
    return getattr(database, "obj", database)


def backup(database: Database, url: str, destination: Path) -> Path:
    destination = Path(destination)
    destination.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(_target(database), SqliteDatabase):
        source = sqlite3.connect(_target(database).database)
        try:
            copy = sqlite3.connect(destination)
            with copy:
                source.backup(copy)
            copy.close()
        finally:
            source.close()
        return destination
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={destination}", _libpq_url(url)])
    return destination


def restore(database: Database, url: str, source: Path) -> None:
    """Replace the database's contents with the backup's (the target should be empty or disposable)."""
    source = Path(source)
    if not source.exists():
        raise BackupError(f"{source} does not exist")
    target = _target(database)
    if isinstance(target, SqliteDatabase):
        if not target.is_closed():
            target.close()
        path = Path(target.database)
        for suffix in ("-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(source, path)
        return
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_libpq_url(url)}",
            str(source),
        ]
    )


def _libpq_url(url: str) -> str:
    parsed = urlparse(url)
    return parsed._replace(scheme="postgresql").geturl()


def _run(command: list[str]) -> None:
    try:
        subprocess.run(command, check=True, capture_output=True, text=True, timeout=3600)  # noqa: S603
    except FileNotFoundError as error:
        raise BackupError(f"{command[0]} is not installed") from error
    except subprocess.CalledProcessError as error:
        raise BackupError(f"{command[0]} failed: {error.stderr.strip()}") from error


def table_checksums(database: Database) -> dict[str, tuple[int, str]]:
    """Row count and a checksum of every row, per table: equal after a faithful restore."""
    result = {}
    with _target(database).connection_context():
        for model in all_models():
            rows = model.select().order_by(model._meta.primary_key).tuples()
            digest = hashlib.sha256()
            count = 0
            for row in rows:
                digest.update(repr(tuple(str(value) for value in row)).encode())
                count += 1
            result[model._meta.table_name] = (count, digest.hexdigest())
    return result
