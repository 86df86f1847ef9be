"""Imports every model, so tools that need the whole schema can find it."""

from portal.accounts.models import SetPasswordToken, User, UserSession  # noqa: F401
from portal.audit.models import AuditEvent  # noqa: F401
from portal.organisations.models import Agency, Partnership  # noqa: F401
