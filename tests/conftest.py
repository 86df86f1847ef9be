"""Fixtures: `app` (one per engine), `client`, `ctx` and `mailbox`."""

from __future__ import annotations

import pytest

from tests.databases import IN_CI, PostgresTemplate, SqliteTemplate, postgres_problem

ENGINES = ("sqlite", "postgresql")
TEST_SECRET = "test-secret-key-that-is-long-enough-for-the-checks"


@pytest.fixture(scope="session")
def database_templates(tmp_path_factory):
    templates = {}
    yield templates
    for template in templates.values():
        template.close()


def _template(engine: str, templates: dict, tmp_path_factory):
    if engine not in templates:
        if engine == "sqlite":
            templates[engine] = SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))
        else:
            problem = postgres_problem()
            if problem:
                if IN_CI:
                    pytest.fail(f"{problem} (PostgreSQL is required in CI)")
                pytest.skip(f"{problem}: PostgreSQL tests skipped outside CI")
            templates[engine] = PostgresTemplate()
    return templates[engine]


@pytest.fixture(params=ENGINES)
def engine(request):
    return request.param


@pytest.fixture
def app(engine, database_templates, tmp_path_factory, tmp_path, monkeypatch):
    from portal import create_app
    from portal.database import close_pool
    from portal.extensions import db

    template = _template(engine, database_templates, tmp_path_factory)
    monkeypatch.setenv("PORTAL_ENV", "test")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app(
        {
            "DATABASE_URL": template.fresh_url(tmp_path),
            "SECRET_KEY": TEST_SECRET,
            "MAIL_BACKEND": "file",
            "MAIL_FILE_DIR": str(tmp_path / "mail"),
            "BASE_URL": "https://portal.test",
            "TESTING": True,
        }
    )
    yield app
    if not db.database.is_closed():
        db.database.close()
    close_pool(app.config["DATABASE"])


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    """A request context for calling services directly (peewee connects on first use).

    Not for tests that also use `client`: requests made inside it would share
    its `g` (Flask-Login's cached user, Flask-WTF's cached token). Factories
    need no context at all.
    """
    with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"}):
        yield app


@pytest.fixture
def mailbox(app):
    from tests.helpers import FileMailbox

    return FileMailbox(app.config["MAIL_FILE_DIR"])
