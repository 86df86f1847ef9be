"""Imports every model, so tools that need the whole schema can find it."""

from portal.accounts.models import SetPasswordToken, User, UserSession  # noqa: F401
from portal.audit.models import AuditEvent  # noqa: F401
from portal.jobs.models import JobLock, JobRun  # noqa: F401
from portal.lifecycle.models import HomeOfficeReturn, StageTransition, Suspension  # noqa: F401
from portal.notifications.models import OutboxMessage  # noqa: F401
from portal.organisations.models import Agency, Partnership  # noqa: F401
from portal.publication.models import PublishedDocument, RemovalCheck  # noqa: F401
from portal.reviews.models import Review, Subject  # noqa: F401
from portal.trawls.models import (  # noqa: F401
    ExtensionRequest,
    Trawl,
    TrawlReminder,
    TrawlRequest,
    TrawlReturn,
)
from portal.workdays.models import BankHoliday  # noqa: F401
