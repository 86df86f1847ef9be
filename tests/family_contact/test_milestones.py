"""Milestones the family must hear about, checked against the log."""

from __future__ import annotations

import datetime as dt

import pytest

from portal.family_contact import queries
from portal.family_contact.models import ContactPurpose, Participation
from portal.family_contact.queries import missing_milestones
from tests.family_contact.builders import make_entry, make_member
from tests.trawls.builders import make_review

FIRST = "First contact made and the Home Office leaflet given"
DRAFT = "Draft report shared with the family before Home Office submission"
PUBLICATION = "Family told the publication date and about possible media interest"


def milestone_status(review):
    """The milestones as the review page works them out (reading the log itself), from the log as the
    printable record reads it (members_of, entries_of), and as the family page passes its own: they
    must agree."""
    asked = queries.milestone_status(review)
    from_the_log = queries.milestone_status(review, queries.members_of(review), queries.entries_of(review))
    assert from_the_log == asked
    assert (
        queries.milestone_status(review, *queries.members_and_log(review)) == asked
    )  # the family page's way
    return asked


def status(review) -> dict[str, tuple[bool, dt.date | None]]:
    return {m.name: (m.done, m.date) for m in milestone_status(review)}


def test_with_nothing_logged_every_milestone_is_missing(app):
    review = make_review()
    assert status(review) == {FIRST: (False, None), DRAFT: (False, None), PUBLICATION: (False, None)}
    assert missing_milestones(review, "submission") == [FIRST, DRAFT]
    assert missing_milestones(review, "publication") == [FIRST, DRAFT, PUBLICATION]


def test_only_contact_made_counts_and_never_an_entry_in_error(app):
    review = make_review()
    ada = make_member(review)
    make_entry(review, [ada], contact_made=False, contacted_at=dt.datetime(2026, 3, 1, 10, 0))
    make_entry(review, [ada], entered_in_error=True, contacted_at=dt.datetime(2026, 3, 2, 10, 0))
    assert status(review)[FIRST] == (False, None)
    # 23:30 UTC on 4 April is 00:30 on 5 April in London (BST): the milestone shows the London date.
    make_entry(review, [ada], contacted_at=dt.datetime(2026, 4, 4, 23, 30))
    make_entry(review, [ada], contacted_at=dt.datetime(2026, 4, 20, 10, 0))
    assert status(review)[FIRST] == (True, dt.date(2026, 4, 5))
    assert missing_milestones(review, "submission") == [DRAFT]


def test_draft_shared_counts_the_disagreements_recorded(app):
    review = make_review()
    ada = make_member(review)
    make_entry(review, [ada])
    make_entry(review, [ada], ContactPurpose.DRAFT_REPORT_SHARED, contacted_at=dt.datetime(2026, 5, 1, 10))
    draft = next(m for m in milestone_status(review) if m.key == "draft_report_shared")
    assert (draft.done, draft.detail) == (True, "No disagreement recorded")
    for day in (3, 4):
        make_entry(
            review, [ada], ContactPurpose.DISAGREEMENT_RECORDED, contacted_at=dt.datetime(2026, 5, day)
        )
    draft = next(m for m in milestone_status(review) if m.key == "draft_report_shared")
    assert draft.detail == "2 disagreements recorded"
    assert missing_milestones(review, "submission") == []
    assert missing_milestones(review, "publication") == [PUBLICATION]


def test_a_member_who_declined_is_still_told_of_completion_and_publication(app):
    review = make_review()
    ada = make_member(review, participation=Participation.ENGAGED)
    ben = make_member(review, "Ben Orrin", relationship="Brother", participation=Participation.DECLINED)
    make_member(review, "Cy Orrin", participation=Participation.WITHDRAWN)  # owed nothing more
    declined = "B.O., who declined to take part, told the review is complete and when it will be published"
    make_entry(review, [ada, ben])
    make_entry(review, [ada], ContactPurpose.DRAFT_REPORT_SHARED)
    assert missing_milestones(review, "submission") == []
    assert missing_milestones(review, "publication") == [PUBLICATION, declined]

    # A notice to the brother alone does not tell the family still taking part.
    make_entry(review, [ben], ContactPurpose.PUBLICATION_NOTICE, contacted_at=dt.datetime(2026, 6, 1, 9))
    assert missing_milestones(review, "publication") == [PUBLICATION]
    make_entry(review, [ada], ContactPurpose.PUBLICATION_NOTICE, contacted_at=dt.datetime(2026, 6, 2, 9))
    assert missing_milestones(review, "publication") == []
    assert status(review)[declined] == (True, dt.date(2026, 6, 1))


def test_when_everyone_declined_only_first_contact_and_the_notices_are_owed(app):
    review = make_review()
    ada = make_member(review, participation=Participation.DECLINED)
    make_entry(review, [ada])
    names = [m.name for m in milestone_status(review)]
    assert names == [
        FIRST,
        "A.P., who declined to take part, told the review is complete and when it will be published",
    ]
    assert missing_milestones(review, "submission") == []
    make_entry(review, [ada], ContactPurpose.PUBLICATION_NOTICE, contacted_at=dt.datetime(2026, 6, 2, 9))
    assert missing_milestones(review, "publication") == []


def test_another_reviews_log_does_not_count(app):
    review, other = make_review(), make_review()
    make_entry(other, [make_member(other)])
    assert missing_milestones(review, "submission") == [FIRST, DRAFT]


def test_before_must_be_submission_or_publication(app):
    with pytest.raises(ValueError, match="submission"):
        missing_milestones(make_review(), "clearance")
