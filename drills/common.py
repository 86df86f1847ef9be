"""Scratch databases and apps for drills, on SQLite or PostgreSQL."""

from __future__ import annotations

import argparse
import contextlib
import os
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg2
from psycopg2 import sql

POSTGRES_ADMIN_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")


def parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--engine", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="a smaller run, for CI")
    return parser


def engines(choice: str) -> list[str]:
    return ["sqlite", "postgresql"] if choice == "both" else [choice]


def _admin(statement, admin_url: str = POSTGRES_ADMIN_URL) -> None:
    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    try:
        with connection.cursor() as cursor:
            cursor.execute(statement)
    finally:
        connection.close()


@contextlib.contextmanager
def scratch_database(engine: str, admin_url: str = POSTGRES_ADMIN_URL) -> Iterator[str]:
    """A migrated, empty database; its URL. Dropped afterwards.

    `admin_url` is the PostgreSQL server's maintenance database (another server than
    the usual one for the restart drill)."""
    from portal.database import open_database
    from portal.migrate import upgrade

    if engine == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite:///{Path(folder) / 'drill.db'}"
            database = open_database(url)
            upgrade(database)
            database.close()
            yield url
        return
    name = f"portal_drill_{uuid.uuid4().hex[:8]}"
    _admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)), admin_url)
    url = urlunparse(urlparse(admin_url)._replace(path=f"/{name}"))
    try:
        database = open_database(url)
        upgrade(database)
        database.close()
        yield url
    finally:
        _admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)), admin_url)


def make_app(url: str, **overrides):
    from portal import create_app

    instance = tempfile.mkdtemp(prefix="drill-instance-")
    os.environ["PORTAL_ENV"] = "test"
    os.environ["PORTAL_INSTANCE_PATH"] = instance
    return create_app(
        {
            "DATABASE_URL": url,
            "SECRET_KEY": "d" * 40,
            "MAIL_BACKEND": "file",
            "MAIL_FILE_DIR": str(Path(instance) / "mail"),
            **overrides,
        }
    )


def report(name: str, figure: str, ok: bool) -> bool:
    print(f"{'PASS' if ok else 'FAIL'}  {name}: {figure}", flush=True)
    return ok
