"""Adding and changing partnerships and agencies, with each write audited."""

from __future__ import annotations

from peewee import IntegrityError

from portal.audit.service import record
from portal.database import changed_fields
from portal.extensions import db
from portal.organisations.models import Agency, Partnership


class DuplicateNameError(ValueError):
    pass


def create_partnership(values: dict, actor) -> Partnership:
    try:
        with db.database.atomic():
            partnership = Partnership.create(**values)
            record("partnership_created", actor=actor, obj=partnership)
    except IntegrityError as error:
        raise DuplicateNameError("A partnership with this name already exists") from error
    return partnership


def update_partnership(partnership: Partnership, expected_version: int, values: dict, actor) -> Partnership:
    changed = changed_fields(partnership, values)
    try:
        with db.database.atomic():
            partnership.save_changes(expected_version, **values)
            record("partnership_updated", actor=actor, obj=partnership, changed=changed)
    except IntegrityError as error:
        raise DuplicateNameError("A partnership with this name already exists") from error
    return partnership


def create_agency(values: dict, actor) -> Agency:
    try:
        with db.database.atomic():
            agency = Agency.create(**values)
            record("agency_created", actor=actor, obj=agency, sector=str(agency.sector))
    except IntegrityError as error:
        raise DuplicateNameError("An agency with this name already exists") from error
    return agency


def update_agency(agency: Agency, expected_version: int, values: dict, actor) -> Agency:
    changed = changed_fields(agency, values)
    try:
        with db.database.atomic():
            agency.save_changes(expected_version, **values)
            record("agency_updated", actor=actor, obj=agency, changed=changed)
    except IntegrityError as error:
        raise DuplicateNameError("An agency with this name already exists") from error
    return agency
