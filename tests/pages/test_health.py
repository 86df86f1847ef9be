import pytest

from portal import create_app
from tests.databases import postgres_admin_url


def test_healthz_reports_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_healthz_is_503_when_the_database_is_unreachable(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTAL_ENV", "test")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    app = create_app(
        {
            # A port nothing listens on: the connection is refused at once.
            "DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none?connect_timeout=2",
            "SECRET_KEY": "k" * 40,
        }
    )
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unavailable"}

    page = app.test_client().get("/accessibility")
    assert page.status_code == 200  # pages without data still work

    signed_in_page = app.test_client().get("/sign-in", method="POST")
    assert signed_in_page.status_code in (200, 400)

    home = app.test_client().get("/")
    assert home.status_code == 302  # not signed in: no database needed to say so


def test_a_signed_in_visitor_gets_the_outage_page_not_an_error_while_the_database_is_down(
    tmp_path, monkeypatch
):
    # The user is loaded from the database before the page and again for the error
    # page's template; neither may turn the outage into a 500 (drill 3 found this).
    monkeypatch.setenv("PORTAL_ENV", "test")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    app = create_app(
        {"DATABASE_URL": "postgresql://nobody@127.0.0.1:9/none?connect_timeout=2", "SECRET_KEY": "k" * 40}
    )
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = "a-session-key"
    page = client.get("/reviews")
    assert page.status_code == 503
    assert "Sorry, the service is unavailable" in page.text
    assert page.mimetype == "text/html" and "<html" in page.text  # the real page, not the fallback
    assert "Sign out" not in page.text
    fragment = client.get("/reviews", headers={"HX-Request": "true"})
    assert fragment.status_code == 503
    assert "<html" not in fragment.text


def test_only_connection_failures_count_as_an_outage():
    import psycopg2
    from peewee import InterfaceError, OperationalError, PostgresqlDatabase, ProgrammingError

    from portal.web.errors import lost_connection

    refused = PostgresqlDatabase("none", host="127.0.0.1", port=9, user="nobody", connect_timeout=2)
    with pytest.raises(OperationalError) as connecting:
        refused.connect()
    assert lost_connection(connecting.value)
    assert lost_connection(InterfaceError("connection already closed"))
    # A query on a closed connection connects first, inside peewee's own error wrapping:
    # the driver's error arrives wrapped twice (drill 3 found this as a 500 mid-restart).
    with pytest.raises(OperationalError) as autoconnecting:
        refused.execute_sql("SELECT 1")
    assert isinstance(autoconnecting.value.__context__, OperationalError)
    assert lost_connection(autoconnecting.value)

    connection = psycopg2.connect(postgres_admin_url())
    try:
        with pytest.raises(psycopg2.Error) as statement:
            connection.cursor().execute("SELECT * FROM no_such_table")
    finally:
        connection.close()
    assert not lost_connection(ProgrammingError(statement.value))  # as peewee wraps it
