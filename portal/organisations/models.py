from enum import StrEnum

from peewee import BooleanField, CharField, DateTimeField
from playhouse.fields import EnumField

from portal.clock import utcnow
from portal.database import VersionedModel


class Sector(StrEnum):
    POLICE = "police"
    HEALTH = "health"
    PROBATION = "probation"
    LOCAL_AUTHORITY = "local_authority"
    HOUSING = "housing"
    VOLUNTARY = "voluntary"
    EDUCATION = "education"
    OTHER = "other"

    @property
    def label(self) -> str:
        return SECTOR_LABELS[self]


SECTOR_LABELS = {
    Sector.POLICE: "Police",
    Sector.HEALTH: "Health",
    Sector.PROBATION: "Probation",
    Sector.LOCAL_AUTHORITY: "Local authority",
    Sector.HOUSING: "Housing",
    Sector.VOLUNTARY: "Voluntary and specialist services",
    Sector.EDUCATION: "Education",
    Sector.OTHER: "Other",
}


class Partnership(VersionedModel):
    """A community safety partnership (CSP): the statutory owner of its reviews."""

    name = CharField(max_length=120, unique=True)
    active = BooleanField(default=True)
    created_at = DateTimeField(default=utcnow)

    def __str__(self) -> str:
        return self.name


class Agency(VersionedModel):
    """An organisation asked to search its records when a trawl is issued."""

    name = CharField(max_length=160, unique=True)
    sector = EnumField(Sector, max_length=32, index=True)
    contact_email = CharField(max_length=254)
    active = BooleanField(default=True, index=True)
    created_at = DateTimeField(default=utcnow)

    def __str__(self) -> str:
        return self.name
