"""Settings, read once from the environment by the app factory.

Every setting is documented in README.md ("Configuration"). Defaults are safe:
without PORTAL_ENV the portal assumes production and refuses to start unless
it has a real secret key.
"""

from __future__ import annotations

import secrets
from pathlib import Path

ENVIRONMENTS = ("development", "test", "production")
MIN_SECRET_LENGTH = 32
# Values people paste from tutorials; refusing them is cheaper than an incident.
KNOWN_BAD_SECRETS = {"dev", "secret", "changeme", "change-me", "development", "please-change-me"}


class ConfigError(RuntimeError):
    """The settings would make the portal unsafe or unable to run."""


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _int(environ, name: str, default: int) -> int:
    raw = environ.get(name)
    if raw in (None, ""):
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ConfigError(f"{name} must be a whole number, not {raw!r}") from error


def _development_secret(instance_path: Path) -> str:
    """A secret generated once per checkout, so dev sessions survive restarts."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(48))
        path.chmod(0o600)
    return path.read_text().strip()


def load_settings(environ: dict[str, str], instance_path: Path) -> dict:
    env = environ.get("PORTAL_ENV", "production").strip().lower()
    if env not in ENVIRONMENTS:
        raise ConfigError(f"PORTAL_ENV must be one of {', '.join(ENVIRONMENTS)}, not {env!r}")
    production = env == "production"
    debug = _flag(environ.get("FLASK_DEBUG"), default=False)

    secret = environ.get("SECRET_KEY", "")
    if not secret and not production:
        secret = _development_secret(instance_path)

    database_url = environ.get("DATABASE_URL") or f"sqlite:///{instance_path / 'portal.db'}"
    trusted_hosts = [h.strip() for h in environ.get("TRUSTED_HOSTS", "").split(",") if h.strip()]

    settings = {
        "PORTAL_ENV": env,
        "DEBUG": debug,
        "SECRET_KEY": secret,
        "DATABASE_URL": database_url,
        # Connections kept open and reused per process (README: Performance); 0: one per request.
        # The test suite opens a database per test, so it connects per request.
        "DATABASE_POOL_SIZE": _int(environ, "DATABASE_POOL_SIZE", 0 if env == "test" else 8),
        # PostgreSQL: prepared queries are also prepared on the server, once per connection
        # (portal/prepared_queries.py). Off behind a pooler that shares server sessions between
        # clients (pgbouncer in transaction mode), where a session's statements are not its own.
        "DATABASE_PREPARE_ON_SERVER": _flag(environ.get("DATABASE_PREPARE_ON_SERVER"), default=True),
        "COUNCIL_NAME": environ.get("COUNCIL_NAME", "Northvale County Council"),
        "SERVICE_NAME": environ.get("SERVICE_NAME", "Review portal"),
        # Emailed links are built from this, never from the request's Host header.
        "BASE_URL": environ.get("BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
        "TRUSTED_HOSTS": trusted_hosts or None,
        "TIMEZONE": environ.get("PORTAL_TIMEZONE", "Europe/London"),
        "SCHEDULER_IN_PROCESS": _flag(environ.get("SCHEDULER_IN_PROCESS"), default=False),
        "SESSION_IDLE_MINUTES": _int(environ, "SESSION_IDLE_MINUTES", 30),
        "DASHBOARD_REFRESH_SECONDS": _int(environ, "DASHBOARD_REFRESH_SECONDS", 20),
        # Off: a review officer sees family contact only for their own reviews (admins: all).
        "FAMILY_CONTACT_ALL_OFFICERS": _flag(environ.get("FAMILY_CONTACT_ALL_OFFICERS"), default=False),
        "PUBLICATION_DAYS": _int(environ, "PUBLICATION_DAYS", 365),
        "PUBLICATION_REMINDER_DAYS": _int(environ, "PUBLICATION_REMINDER_DAYS", 30),
        # Published reports (portal/publication): the largest PDF accepted, and where files live.
        "MAX_PUBLICATION_BYTES": _int(environ, "MAX_PUBLICATION_BYTES", 10 * 1024 * 1024),
        "DOCUMENTS_DIR": environ.get("DOCUMENTS_DIR") or str(instance_path / "documents"),
        "HOME_OFFICE_NOTICE_WORKING_DAYS": _int(environ, "HOME_OFFICE_NOTICE_WORKING_DAYS", 3),
        "DEADLINE_DUE_SOON_DAYS": _int(environ, "DEADLINE_DUE_SOON_DAYS", 14),
        "REMINDER_DAYS_BEFORE_DUE": _int(environ, "REMINDER_DAYS_BEFORE_DUE", 2),
        "REMINDER_OVERDUE_EVERY_DAYS": _int(environ, "REMINDER_OVERDUE_EVERY_DAYS", 3),
        "ESCALATION_DAYS_OVERDUE": _int(environ, "ESCALATION_DAYS_OVERDUE", 5),
        "SESSION_MAX_HOURS": _int(environ, "SESSION_MAX_HOURS", 12),
        "LOCKOUT_ATTEMPTS": _int(environ, "LOCKOUT_ATTEMPTS", 5),
        "LOCKOUT_MINUTES": _int(environ, "LOCKOUT_MINUTES", 15),
        # The hard cap on guesses (passwords and codes) per email address, across workers.
        "THROTTLE_ATTEMPTS": _int(environ, "THROTTLE_ATTEMPTS", 10),
        "THROTTLE_MINUTES": _int(environ, "THROTTLE_MINUTES", 5),
        # How long the second-factor step stays open after a correct password.
        "SECOND_FACTOR_MINUTES": _int(environ, "SECOND_FACTOR_MINUTES", 15),
        "SET_PASSWORD_LINK_HOURS": _int(environ, "SET_PASSWORD_LINK_HOURS", 48),
        "MAIL_BACKEND": environ.get("MAIL_BACKEND", "file" if not production else "smtp"),
        "MAIL_FILE_DIR": environ.get("MAIL_FILE_DIR", str(instance_path / "mail")),
        "MAIL_FROM": environ.get("MAIL_FROM", "review-portal@northvale.example"),
        "SMTP_HOST": environ.get("SMTP_HOST", "localhost"),
        "SMTP_PORT": _int(environ, "SMTP_PORT", 587),
        "SMTP_STARTTLS": _flag(environ.get("SMTP_STARTTLS"), default=True),
        "SMTP_USERNAME": environ.get("SMTP_USERNAME", ""),
        "SMTP_PASSWORD": environ.get("SMTP_PASSWORD", ""),
        "SMTP_TIMEOUT_SECONDS": _int(environ, "SMTP_TIMEOUT_SECONDS", 10),
        # The outbox and the scheduler (README: "Notifications and scheduled jobs").
        "OUTBOX_INTERVAL_SECONDS": _int(environ, "OUTBOX_INTERVAL_SECONDS", 60),
        "OUTBOX_RETRY_BASE_SECONDS": _int(environ, "OUTBOX_RETRY_BASE_SECONDS", 60),
        "OUTBOX_MAX_ATTEMPTS": _int(environ, "OUTBOX_MAX_ATTEMPTS", 10),
        "OUTBOX_SENDING_LEASE_SECONDS": _int(environ, "OUTBOX_SENDING_LEASE_SECONDS", 600),
        "JOB_LOCK_LEASE_SECONDS": _int(environ, "JOB_LOCK_LEASE_SECONDS", 600),
        # Media inquiries (README: "Media inquiries"). Fictional mailboxes outside production only.
        "BUSINESS_OFFICE_EMAIL": environ.get(
            "BUSINESS_OFFICE_EMAIL", "" if production else "business.office@northvale.example"
        ).strip(),
        "MEDIA_CONTACT_EMAIL": environ.get(
            "MEDIA_CONTACT_EMAIL", "" if production else "media@northvale.example"
        ).strip(),
        "MEDIA_URGENT_HOURS": _int(environ, "MEDIA_URGENT_HOURS", 24),
        "MEDIA_REMINDER_HOURS": _int(environ, "MEDIA_REMINDER_HOURS", 24),
        "MEDIA_REMINDER_INTERVAL_SECONDS": _int(environ, "MEDIA_REMINDER_INTERVAL_SECONDS", 300),
        # Retention (portal/retention): how long each class of record is kept before the
        # retention job deletes it, unless a legal hold stands. Counted from the review's
        # closure, the inquiry's close, or the session's end.
        "RETENTION_REVIEW_PERSONAL_DATA_YEARS": _int(environ, "RETENTION_REVIEW_PERSONAL_DATA_YEARS", 6),
        "RETENTION_PUBLISHED_REPORT_YEARS": _int(environ, "RETENTION_PUBLISHED_REPORT_YEARS", 20),
        "RETENTION_MEDIA_INQUIRY_YEARS": _int(environ, "RETENTION_MEDIA_INQUIRY_YEARS", 2),
        "RETENTION_SIGN_IN_RECORDS_DAYS": _int(environ, "RETENTION_SIGN_IN_RECORDS_DAYS", 90),
        # Cookie hardening: the __Host- prefix needs Secure, so only outside development.
        "SESSION_COOKIE_NAME": "__Host-portal-session" if production else "portal-session",
        "SESSION_COOKIE_SECURE": production,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "WTF_CSRF_TIME_LIMIT": None,  # tied to the session instead: idle pages still save
        "WTF_CSRF_SSL_STRICT": production,
        "MAX_CONTENT_LENGTH": _int(environ, "MAX_UPLOAD_BYTES", 20 * 1024 * 1024),
    }
    return settings


def check_production_safety(settings: dict) -> None:
    """Refuse to run in production with settings that would expose data."""
    if settings["PORTAL_ENV"] != "production":
        return
    secret = settings["SECRET_KEY"]
    if not secret:
        raise ConfigError("SECRET_KEY is required in production (see README: Configuration)")
    if len(secret) < MIN_SECRET_LENGTH or secret.lower() in KNOWN_BAD_SECRETS:
        raise ConfigError(f"SECRET_KEY must be a random value of at least {MIN_SECRET_LENGTH} characters")
    if settings["DEBUG"]:
        raise ConfigError("FLASK_DEBUG must be off in production")
