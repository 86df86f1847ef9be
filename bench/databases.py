"""Scratch databases for the benchmark: a file for SQLite, a database of its own on PostgreSQL."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse, urlunparse

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str:
    """The same server the test suite uses (README: Tests)."""
    return os.environ.get("TEST_POSTGRES_URL", DEFAULT_POSTGRES_URL)


@contextmanager
def scratch_database(engine: str, folder: Path, tag: str) -> Iterator[str]:
    """The URL of an empty database that is removed afterwards."""
    if engine == "sqlite":
        yield f"sqlite:///{folder / f'bench-{tag}.db'}"
        return
    import psycopg2
    from psycopg2 import sql

    name = f"portal_bench_{os.getpid()}_{tag}_{uuid.uuid4().hex[:6]}"
    admin_url = postgres_admin_url()

    def admin(statement) -> None:
        connection = psycopg2.connect(admin_url, connect_timeout=5)
        connection.autocommit = True  # CREATE and DROP DATABASE refuse to run in a transaction
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    admin(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield urlunparse(urlparse(admin_url)._replace(path=f"/{name}"))
    finally:
        admin(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
