"""The databases the suite runs against: SQLite always, PostgreSQL when it is there.

Each engine is migrated once per test session (through the real migrations),
then every test gets a clean copy: a fresh file for SQLite, truncated tables
for PostgreSQL (TRUNCATE does not fire the audit log's row triggers).
"""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import psycopg2
from psycopg2 import sql

from portal.database import open_database
from portal.migrate import upgrade

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
IN_CI = os.environ.get("CI", "").lower() == "true"


def postgres_admin_url() -> str:
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


def postgres_problem() -> str | None:
    """Why PostgreSQL cannot be used, or None if it can."""
    try:
        psycopg2.connect(postgres_admin_url(), connect_timeout=3).close()
    except psycopg2.Error as error:
        return f"PostgreSQL at {postgres_admin_url()} is not reachable: {error}".strip()
    return None


class SqliteTemplate:
    engine = "sqlite"

    def __init__(self, folder: Path):
        self.folder = folder
        self.template = folder / "template.db"
        database = open_database(f"sqlite:///{self.template}")
        upgrade(database)
        database.close()

    def fresh_url(self, tmp_path: Path) -> str:
        target = tmp_path / "portal.db"
        shutil.copyfile(self.template, target)
        return f"sqlite:///{target}"

    def close(self) -> None:
        pass


class PostgresTemplate:
    engine = "postgresql"

    def __init__(self):
        self.name = f"portal_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
        admin = urlparse(postgres_admin_url())
        self.url = urlunparse(admin._replace(path=f"/{self.name}"))
        self._admin_query(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))
        database = open_database(self.url)
        upgrade(database)
        with database.connection_context():
            self.tables = [
                row[0]
                for row in database.execute_sql(
                    "SELECT tablename FROM pg_tables "
                    "WHERE schemaname = 'public' AND tablename <> 'schema_migration'"
                ).fetchall()
            ]
        database.close()

    def _admin_query(self, statement) -> None:
        connection = psycopg2.connect(postgres_admin_url())
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    def fresh_url(self, tmp_path: Path) -> str:
        connection = psycopg2.connect(self.url)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(
                    sql.SQL("TRUNCATE {} RESTART IDENTITY CASCADE").format(
                        sql.SQL(", ").join(sql.Identifier(t) for t in self.tables)
                    )
                )
        finally:
            connection.close()
        return self.url

    def close(self) -> None:
        self._admin_query(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
        )
