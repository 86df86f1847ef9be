"""The search itself (service.search), on both engines: what it finds, and what it must not."""

from __future__ import annotations

import datetime as dt

import pytest
from playhouse.test_utils import count_queries

from portal.subject_access.matching import Strength
from portal.subject_access.records import Criteria, RecordKind
from portal.subject_access.service import search
from tests.factories import make_agency
from tests.subject_access.builders import make_world
from tests.trawls.builders import issue, make_review, make_subject


def found(results, kind: RecordKind) -> dict[int, Strength]:
    return {hit.record_id: hit.strength for hit in results.hits[kind]}


@pytest.fixture
def world(app):
    return make_world(app)


def test_finds_the_person_in_every_kind_of_record_and_nobody_else(ctx, world):
    results = search(Criteria("Rowan Testcase"))
    assert found(results, RecordKind.SUBJECT) == {world.subject.id: Strength.WHOLE_NAME}
    trawls = results.hits[RecordKind.TRAWL_SUBJECT]
    assert [hit.review_reference for hit in trawls] == [world.review.reference]
    assert dict(trawls[0].details)["Agencies asked"] == "2"
    assert found(results, RecordKind.AGENCY_RETURN) == {world.agency_return.id: Strength.MENTIONED}
    assert found(results, RecordKind.FAMILY_MEMBER) == {world.member.id: Strength.INITIALS}
    assert found(results, RecordKind.FAMILY_CONTACT_ENTRY) == {
        world.entry_with_member.id: Strength.INITIALS,  # with the member found by initials
        world.entry_mentioning.id: Strength.MENTIONED,
    }
    # The inquiry naming the person, and the one from a journalist using a name recorded for them.
    assert found(results, RecordKind.MEDIA_INQUIRY) == {
        world.inquiry_about.id: Strength.MENTIONED,
        world.inquiry_by_alias.id: Strength.WHOLE_NAME,
    }
    assert [v.text for v in results.stored_aliases] == ["Rowan Testkase", "Ro Tesco"]


@pytest.mark.parametrize(
    "typed", ["rowan testcase", "  ROWAN    testCASE  ", "Testcase, Rowan", "rowan-testcase"]
)
def test_case_spacing_punctuation_and_order_do_not_matter(ctx, world, typed):
    subjects = search(Criteria(typed)).hits[RecordKind.SUBJECT]
    assert [hit.record_id for hit in subjects] == [world.subject.id]


def test_a_typed_alternative_spelling_finds_the_person(ctx, world):
    results = search(Criteria("Nobody Recorded", alternatives=("ROWAN  testcase",)))
    assert found(results, RecordKind.SUBJECT) == {world.subject.id: Strength.WHOLE_NAME}
    assert found(results, RecordKind.AGENCY_RETURN) == {world.agency_return.id: Strength.MENTIONED}


def test_the_aliases_stored_on_a_subject_are_searched(ctx, world):
    results = search(Criteria("Ro Tesco"))
    [hit] = results.hits[RecordKind.SUBJECT]
    assert hit.record_id == world.subject.id
    assert hit.matches[0].field == "Alternative spelling or alias"
    # ... and then its full name, which finds the return that uses it.
    assert "Rowan Testcase" in [v.text for v in results.stored_aliases]
    assert found(results, RecordKind.AGENCY_RETURN) == {world.agency_return.id: Strength.MENTIONED}


def test_partial_words_find_names_but_not_free_text(ctx, world):
    results = search(Criteria("Row Testc"))
    assert found(results, RecordKind.SUBJECT) == {world.subject.id: Strength.PARTIAL}
    assert not results.stored_aliases  # only a whole name brings in a subject's other names
    assert not results.hits[RecordKind.AGENCY_RETURN]
    # Free text needs the words together: "Rowan's neighbour ... Testcase unknown" is not a mention.
    assert world.other_entry.id not in found(
        search(Criteria("Rowan Testcase")), RecordKind.FAMILY_CONTACT_ENTRY
    )


def test_the_date_of_birth_marks_but_does_not_hide(ctx, world):
    [same] = search(Criteria("Rowan Testcase", date_of_birth=dt.date(1980, 5, 17))).hits[RecordKind.SUBJECT]
    assert same.note == "Date of birth matches"
    [other] = search(Criteria("Rowan Testcase", date_of_birth=dt.date(1981, 1, 1))).hits[RecordKind.SUBJECT]
    assert other.note.startswith("Different date of birth (1980-05-17)")


def test_percent_and_underscore_are_not_wildcards(ctx, world):
    for typed in ("R%n Testcase", "Rowa_ Testcase", "%", "_owan Testcase", "Rowan Test%"):
        results = search(Criteria(typed))
        # Only the family member recorded as "R.T." (initials match whatever the words are).
        assert {h.strength for hits in results.hits.values() for h in hits} <= {Strength.INITIALS}, typed
    subject = make_subject(make_review(), full_name="Al_x 100% Stone", aliases="")
    assert [h.record_id for h in search(Criteria("al_x stone")).hits[RecordKind.SUBJECT]] == [subject.id]
    assert [h.record_id for h in search(Criteria("100%")).hits[RecordKind.SUBJECT]] == [subject.id]
    assert not search(Criteria("alex stone")).hits[RecordKind.SUBJECT]


def test_letters_outside_ascii_match_in_any_case_on_both_engines(app, ctx, world):
    review = make_review()
    subject = make_subject(review, full_name="ŁUCJA Żółć-Ébène", aliases="ΝΊΚΟΣ")
    issue(app, review, [make_agency()])  # the snapshot is JSON: SQLite writes these letters as escapes
    results = search(Criteria("łucja żółć ébène"))
    assert found(results, RecordKind.SUBJECT) == {subject.id: Strength.WHOLE_NAME}
    assert [hit.review_reference for hit in results.hits[RecordKind.TRAWL_SUBJECT]] == [review.reference]
    greek = search(Criteria("νίκος"))
    assert found(greek, RecordKind.SUBJECT) == {subject.id: Strength.WHOLE_NAME}
    assert len(greek.hits[RecordKind.TRAWL_SUBJECT]) == 1
    assert not search(Criteria("Lucja Zolc")).hits[RecordKind.SUBJECT]  # no accent folding


def test_the_number_of_queries_does_not_grow_with_the_data(app, ctx, world):
    with count_queries() as few:
        search(Criteria("Rowan Testcase", alternatives=("Rowan Testkase",)))
    for number in range(5):
        review = make_review()
        make_subject(review, full_name=f"Rowan Testcase {number}", aliases=f"R. Testcase {number}")
    with count_queries() as many:
        results = search(Criteria("Rowan Testcase", alternatives=("Rowan Testkase",)))
    assert len(results.hits[RecordKind.SUBJECT]) == 6
    assert many.count == few.count <= 10
