"""Imports every model, so tools that need the whole schema can find it."""

from portal.accounts.models import (  # noqa: F401
    RecoveryCode,
    SetPasswordToken,
    SignInAttempt,
    User,
    UserSession,
)
from portal.audit.models import AuditEvent  # noqa: F401
from portal.family_contact.models import (  # noqa: F401
    FamilyContactEntry,
    FamilyContactEntryMember,
    FamilyContactEntryVersion,
    FamilyContactReminder,
    FamilyMember,
)
from portal.jobs.models import JobLock, JobRun  # noqa: F401
from portal.lifecycle.models import HomeOfficeReturn, StageTransition, Suspension  # noqa: F401
from portal.media_inquiries.models import (  # noqa: F401
    DeadlineReminder,
    InquiryEvent,
    InquiryRecipient,
    MediaInquiry,
    ReviewMediaContact,
    RoutingRule,
)
from portal.notifications.models import OutboxMessage  # noqa: F401
from portal.organisations.models import Agency, Partnership  # noqa: F401
from portal.publication.models import PublishedDocument, RemovalCheck  # noqa: F401
from portal.retention.models import LegalHold  # noqa: F401
from portal.reviews.models import Review, Subject  # noqa: F401
from portal.trawls.models import (  # noqa: F401
    ExtensionRequest,
    Trawl,
    TrawlReminder,
    TrawlRequest,
    TrawlReturn,
)
from portal.workdays.models import BankHoliday  # noqa: F401
