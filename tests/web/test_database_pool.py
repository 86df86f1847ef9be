"""Pooled connections (DATABASE_POOL_SIZE, on outside the test suite): reused across requests, and a
connection the server has dropped is found out when it is taken from the pool (peewee's pool asks the
server first) and replaced, so the request it would have failed is served."""

from __future__ import annotations

import threading

import psycopg2
import pytest

from portal import create_app
from portal.database import close_pool, open_database
from portal.extensions import db
from tests.databases import postgres_admin_url


@pytest.fixture
def pooled_app(app):
    """The test's database, opened by an app with a pool of two connections."""
    pooled = create_app({**app.config, "DATABASE": None, "DATABASE_POOL_SIZE": 2})
    yield pooled
    close_pool(pooled.config["DATABASE"])


def _connection_in_a_request(app):
    """The connection a request gets (peewee connects at the start of each request)."""
    with app.test_request_context():
        app.preprocess_request()
        connection = db.database.connection()
        backend = db.database.execute_sql("SELECT 1").fetchone()
        db.database.close()
    assert backend == (1,)
    return connection


def test_requests_reuse_a_pooled_connection(pooled_app, app):
    first = _connection_in_a_request(pooled_app)
    second = _connection_in_a_request(pooled_app)
    assert first is second

    # The next request may come on another thread (the development server, the scheduler's jobs).
    on_another_thread = []
    thread = threading.Thread(target=lambda: on_another_thread.append(_connection_in_a_request(pooled_app)))
    thread.start()
    thread.join()
    assert on_another_thread == [first]

    unpooled = create_app({**app.config, "DATABASE": None, "DATABASE_POOL_SIZE": 0})
    assert _connection_in_a_request(unpooled) is not _connection_in_a_request(unpooled)


def _backend_pid(app) -> int:
    with app.app_context():
        db.database.connect(reuse_if_open=True)
        pid = db.database.execute_sql("SELECT pg_backend_pid()").fetchone()[0]
        db.database.close()
    return pid


def test_a_connection_the_server_dropped_is_replaced_not_used(pooled_app, engine):
    if engine != "postgresql":
        pytest.skip("only a server can drop a connection")
    client = pooled_app.test_client()
    assert client.get("/healthz").status_code == 200
    dropped = _backend_pid(pooled_app)
    assert _backend_pid(pooled_app) == dropped  # reused while it lives
    admin = psycopg2.connect(postgres_admin_url())
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", (dropped,))
    admin.close()

    assert client.get("/healthz").status_code == 200
    assert client.get("/accessibility").status_code == 200
    assert _backend_pid(pooled_app) != dropped


def _setting(database, name: str) -> str:
    database.connect(reuse_if_open=True)
    try:
        return database.execute_sql(f"SHOW {name}").fetchone()[0]
    finally:
        database.close()


def test_postgresql_connections_carry_the_portals_planner_settings(engine):
    """Generic plans for prepared statements (portal/database.py POSTGRES_SETTINGS) on every
    connection, pooled or
    not; a URL's own `options` add to them and win where they name the same setting."""
    if engine != "postgresql":
        pytest.skip("PostgreSQL settings")
    url = postgres_admin_url()
    for pool_size in (0, 2):
        database = open_database(url, pool_size=pool_size)
        assert _setting(database, "plan_cache_mode") == "force_generic_plan"
        close_pool(database)
    separator = "&" if "?" in url else "?"
    database = open_database(f"{url}{separator}options=-c%20plan_cache_mode%3Dauto%20-c%20work_mem%3D8MB")
    assert _setting(database, "plan_cache_mode") == "auto"
    assert _setting(database, "work_mem") == "8MB"
