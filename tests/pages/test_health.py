from portal import create_app


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
