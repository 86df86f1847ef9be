"""The schema comes from migrations/, and the migrated schema equals the models."""

import pytest
from peewee import IntegrityError, InternalError, OperationalError

from portal.audit.models import AuditEvent
from portal.audit.service import record
from portal.extensions import db
from portal.migrate import pending, schema_differences, upgrade
from portal.organisations.models import Partnership


def test_migrated_schema_equals_the_models(app):
    diff = schema_differences(db.database)
    assert not diff, f"models and migrations differ; write a migration:\n{diff}"
    assert pending(db.database) == []


def test_upgrade_again_keeps_data_and_applies_nothing(app):
    Partnership.create(name="Kept Partnership")
    assert upgrade(db.database) == []
    assert Partnership.get(Partnership.name == "Kept Partnership")


@pytest.mark.parametrize("statement", ["update", "delete"])
def test_the_audit_log_is_append_only_in_the_database(ctx, statement):
    event = record("demo_data_loaded", counts={})
    query = (AuditEvent.update(action="tampered") if statement == "update" else AuditEvent.delete()).where(
        AuditEvent.id == event.id
    )
    refused = pytest.raises((IntegrityError, InternalError, OperationalError), match="append-only")
    with refused, db.database.atomic():
        query.execute()
    assert AuditEvent.get_by_id(event.id).action == "demo_data_loaded"
