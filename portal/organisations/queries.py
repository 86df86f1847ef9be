from portal.organisations.models import Agency, Partnership, Sector
from portal.prepared_queries import prepared


def partnerships(active_only: bool = False):
    query = Partnership.select().order_by(Partnership.name)
    return query.where(Partnership.active) if active_only else query


def agencies(*, sector: Sector | None = None, search: str | None = None, active_only: bool = False):
    query = Agency.select().order_by(Agency.name)
    if sector:
        query = query.where(Agency.sector == sector)
    if search:
        query = query.where(Agency.name.contains(search))
    if active_only:
        query = query.where(Agency.active)
    return query


# A signed-in lead's or CSP officer's page is captioned with their organisation's name: looked up
# by itself (prepared) rather than by loading the whole record through current_user.


@prepared
def _agency_name(agency):
    return Agency.select(Agency.name).where(Agency.id == agency).tuples()


@prepared
def _partnership_name(partnership):
    return Partnership.select(Partnership.name).where(Partnership.id == partnership).tuples()


def agency_name(agency_id: int) -> str | None:
    return _agency_name().scalar(agency=agency_id)


def partnership_name(partnership_id: int) -> str | None:
    return _partnership_name().scalar(partnership=partnership_id)
