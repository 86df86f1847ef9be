"""The review portal: create_app() is the only way in; importing opens nothing."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

ROOT = Path(__file__).resolve().parent.parent


def create_app(overrides: dict | None = None) -> Flask:
    from portal.config import check_production_safety, load_settings

    instance_path = Path(os.environ.get("PORTAL_INSTANCE_PATH", ROOT / "instance"))
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.update(load_settings(os.environ, instance_path))
    app.config.update(overrides or {})
    check_production_safety(app.config)

    proxies = int(os.environ.get("TRUSTED_PROXY_COUNT", "0") or 0)
    if proxies:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    _init_extensions(app)
    _register_blueprints(app)

    from portal.cli import register_commands

    register_commands(app)

    # Only with SCHEDULER_IN_PROCESS, only in a web server, never in tests or commands.
    from portal.jobs.scheduler import start_in_process

    start_in_process(app)

    return app


def _init_extensions(app: Flask) -> None:
    from portal.accounts.views import init_login
    from portal.database import open_database
    from portal.extensions import csrf, db, htmx, wtforms_helpers
    from portal.web.access import enforce_access_rules
    from portal.web.context import init_context
    from portal.web.errors import init_errors
    from portal.web.filters import init_filters
    from portal.web.security import init_security

    app.config["DATABASE"] = open_database(
        app.config["DATABASE_URL"],
        app.config["DATABASE_POOL_SIZE"],
        prepare_on_server=app.config["DATABASE_PREPARE_ON_SERVER"],
    )
    # The health check opens its own connection so it can report a failure.
    app.config["FLASKDB_EXCLUDED_ROUTES"] = ("static", "pages.healthz")
    db.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    wtforms_helpers.init_app(app)
    init_login(app)
    init_security(app)
    app.before_request(enforce_access_rules)
    init_errors(app)
    init_filters(app)
    init_context(app)


def _register_blueprints(app: Flask) -> None:
    from portal.accounts.views import bp as accounts
    from portal.admin.views import bp as admin
    from portal.audit.views import bp as audit
    from portal.lifecycle.views import bp as lifecycle
    from portal.pages.views import bp as pages
    from portal.reviews.views import bp as reviews
    from portal.trawls.inbox import bp as inbox
    from portal.trawls.views import bp as trawls
    from portal.workdays.views import bp as workdays

    for blueprint in (pages, accounts, admin, audit, reviews, trawls, inbox, workdays, lifecycle):
        app.register_blueprint(blueprint)

    from portal.jobs.views import bp as jobs
    from portal.notifications.views import bp as outbox

    for blueprint in (outbox, jobs):
        app.register_blueprint(blueprint)

    # Publication: also registers its precondition on the lifecycle's move to "published".
    from portal.publication.views import bp as publication

    app.register_blueprint(publication)

    from portal.media_inquiries.admin_views import bp as media_routing
    from portal.media_inquiries.views import bp as media_inquiries

    for blueprint in (media_inquiries, media_routing):
        app.register_blueprint(blueprint)

    from portal.family_contact.views import bp as family_contact

    app.register_blueprint(family_contact)

    from portal.subject_access.views import bp as subject_access

    app.register_blueprint(subject_access)

    from portal.retention.views import bp as retention

    app.register_blueprint(retention)
