import pytest

from tests.smtp import smtp_server  # noqa: F401 - the fixture, for the two-scheduler test


@pytest.fixture
def family_told(monkeypatch):
    """The family has been told everything (the family-contact log is tested on its own)."""
    from portal.lifecycle import service

    monkeypatch.setattr(service, "missing_family_milestones", lambda review, target: [])
