from portal.organisations.models import Agency, Partnership, Sector


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
