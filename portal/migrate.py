"""Schema changes: numbered files in migrations/, applied in order, recorded in a table.

Each migration freezes the models it needs (it never imports portal), so old
migrations keep working however the code changes later.
"""

from __future__ import annotations

from pathlib import Path

from peewee import Database
from playhouse.migrations import Runner
from playhouse.schema_diff import diff_models

from portal import ROOT

MIGRATIONS_DIR = ROOT / "migrations"


def runner(database: Database, directory: Path = MIGRATIONS_DIR) -> Runner:
    database = getattr(database, "obj", database)  # FlaskDB hands out a Proxy
    return Runner(database, str(directory))


def upgrade(database: Database) -> list[str]:
    with database.connection_context():
        return runner(database).up()


def pending(database: Database) -> list[str]:
    with database.connection_context():
        return [m.name for m in runner(database).status() if not m.applied and m.path]


def all_models() -> list:
    """Every table the application defines, in dependency order."""
    from peewee import sort_models

    from portal.database import BaseModel, VersionedModel

    def walk(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    import portal.models  # noqa: F401 - registers every model

    abstract = {VersionedModel}
    return sort_models({m for m in walk(BaseModel) if m not in abstract})


def schema_differences(database: Database):
    with database.connection_context():
        return diff_models(database, all_models())
