import pytest

from portal import create_app
from portal.config import ConfigError, check_production_safety, load_settings


def settings(tmp_path, **environ):
    return load_settings(environ, tmp_path)


def test_production_is_the_default_and_needs_a_secret(tmp_path):
    config = settings(tmp_path)
    assert config["PORTAL_ENV"] == "production"
    with pytest.raises(ConfigError, match="SECRET_KEY is required"):
        check_production_safety(config)


@pytest.mark.parametrize("secret", ["short", "changeme", "x" * 31])
def test_production_refuses_short_or_known_secrets(tmp_path, secret):
    with pytest.raises(ConfigError, match="at least 32"):
        check_production_safety(settings(tmp_path, SECRET_KEY=secret))


def test_production_refuses_debug(tmp_path):
    config = settings(tmp_path, SECRET_KEY="s" * 40, FLASK_DEBUG="1")
    with pytest.raises(ConfigError, match="FLASK_DEBUG"):
        check_production_safety(config)


def test_production_settings_harden_the_cookie(tmp_path):
    config = settings(tmp_path, SECRET_KEY="s" * 40)
    check_production_safety(config)
    assert config["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert config["SESSION_COOKIE_SECURE"] is True
    assert config["SESSION_COOKIE_HTTPONLY"] is True
    assert config["SESSION_COOKIE_SAMESITE"] == "Lax"


def test_create_app_refuses_to_start_in_production_without_a_secret(tmp_path, monkeypatch):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("PORTAL_ENV", "production")
    monkeypatch.setenv("PORTAL_INSTANCE_PATH", str(tmp_path))
    with pytest.raises(ConfigError):
        create_app()


def test_development_generates_a_secret_once_and_keeps_it(tmp_path):
    first = settings(tmp_path, PORTAL_ENV="development")["SECRET_KEY"]
    second = settings(tmp_path, PORTAL_ENV="development")["SECRET_KEY"]
    assert len(first) >= 32 and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_defaults(tmp_path):
    config = settings(tmp_path, PORTAL_ENV="development")
    assert config["DATABASE_URL"] == f"sqlite:///{tmp_path / 'portal.db'}"
    assert config["TIMEZONE"] == "Europe/London"
    assert config["SESSION_IDLE_MINUTES"] == 30
    assert config["MAIL_BACKEND"] == "file"
    assert config["SESSION_COOKIE_SECURE"] is False
    assert config["DATABASE_PREPARE_ON_SERVER"] is True
    assert (
        settings(tmp_path, PORTAL_ENV="development", DATABASE_PREPARE_ON_SERVER="0")[
            "DATABASE_PREPARE_ON_SERVER"
        ]
        is False
    )


def test_bad_numbers_are_a_clear_error(tmp_path):
    with pytest.raises(ConfigError, match="SESSION_IDLE_MINUTES must be a whole number"):
        settings(tmp_path, PORTAL_ENV="development", SESSION_IDLE_MINUTES="half an hour")


def test_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="PORTAL_ENV"):
        settings(tmp_path, PORTAL_ENV="staging")
