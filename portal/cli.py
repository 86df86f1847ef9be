"""Command-line tools: `flask --app portal db upgrade`, `demo load`, `users create-admin`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from portal.extensions import db

db_cli = AppGroup("db", help="Database schema.")
demo_cli = AppGroup("demo", help="Fictional demonstration data.")
users_cli = AppGroup("users", help="Accounts.")


@db_cli.command("upgrade")
def db_upgrade():
    """Apply every pending migration in migrations/ (keeps existing data)."""
    from portal.migrate import upgrade

    applied = upgrade(db.database)
    click.echo(
        f"Applied {len(applied)} migration(s): {', '.join(applied)}" if applied else "Database is up to date."
    )


@db_cli.command("status")
def db_status():
    """List migrations and whether each has been applied."""
    from portal.migrate import runner

    with db.database.connection_context():
        for migration in runner(db.database).status():
            state = "applied" if migration.applied else "pending"
            click.echo(f"{migration.name}: {state}")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Do nothing if the database already has users.")
def demo_load(if_empty: bool):
    """Load a fictional council: partnerships, agencies and one user per role."""
    from portal.demo.data import DemoRefused, load_demo_data

    try:
        with db.database.connection_context():
            result = load_demo_data(current_app.config, only_if_empty=if_empty)
    except DemoRefused as error:
        raise click.ClickException(str(error)) from error
    click.echo(result)


@users_cli.command("create-admin")
@click.option("--email", required=True)
@click.option("--name", "full_name", required=True)
def create_admin(email: str, full_name: str):
    """Create the first admin and print their set-password link."""
    from portal.accounts.models import Role
    from portal.accounts.service import AccountRuleError, create_user
    from portal.notifications.mail import absolute_url

    with current_app.test_request_context(), db.database.connection_context():
        try:
            user, token = create_user(
                {
                    "email": email,
                    "full_name": full_name,
                    "role": Role.ADMIN.value,
                    "agency": None,
                    "partnership": None,
                },
                created_by=None,
            )
        except AccountRuleError as error:
            raise click.ClickException(error.message) from error
        from flask import url_for

        click.echo(
            f"Created {user.email}. Set a password at: "
            f"{absolute_url(url_for('accounts.set_password', token=token))}"
        )


@click.command("backup")
@click.argument("destination", type=click.Path(dir_okay=False))
def backup_command(destination: str):
    """Back up the database to a file (SQLite online backup, or pg_dump custom format)."""
    from portal.backup import BackupError, backup

    try:
        path = backup(db.database, current_app.config["DATABASE_URL"], destination)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Backed up to {path}")


@click.command("restore")
@click.argument("source", type=click.Path(exists=True, dir_okay=False))
@click.option("--yes", is_flag=True, help="Do not ask: the database's contents are replaced.")
def restore_command(source: str, yes: bool):
    """Replace the database's contents with a backup made by `backup`."""
    from portal.backup import BackupError, restore

    if not yes:
        click.confirm(
            f"Replace everything in {current_app.config['DATABASE_URL']} with {source}?", abort=True
        )
    try:
        restore(db.database, current_app.config["DATABASE_URL"], source)
    except BackupError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"Restored from {source}")


def register_commands(app: Flask) -> None:
    from portal.jobs.cli import jobs_cli, scheduler_cli

    for group in (db_cli, demo_cli, users_cli, jobs_cli, scheduler_cli, backup_command, restore_command):
        app.cli.add_command(group)
