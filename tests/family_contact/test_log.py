"""The family page: members and log entries inline, validation, history and "entered in error"."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from playhouse.test_utils import count_queries
from werkzeug.datastructures import MultiDict

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.family_contact.forms import ContactEntryForm, parse_time
from portal.family_contact.models import (
    ContactPurpose,
    FamilyContactEntry,
    FamilyContactEntryVersion,
    FamilyMember,
    Participation,
)
from tests.factories import make_user
from tests.family_contact.builders import make_entry, make_member
from tests.helpers import error_summary, field_error, get_page, parse, post_form, sign_in
from tests.trawls.builders import make_review

HTMX = {"HX-Request": "true"}
LAST_WEEK = dt.date.today() - dt.timedelta(days=7)


def date_parts(day: dt.date | None) -> list[str]:
    return [str(day.day), str(day.month), str(day.year)] if day else ["", "", ""]


def entry_form(members, day: dt.date = LAST_WEEK, **overrides) -> dict:
    values = {
        "members": [m.id for m in members],
        "contact_date": date_parts(day),
        "contact_time": "10:30",
        "made_by": "The independent chair",
        "contact_made": "yes",
        "route": "flo",
        "method": "in_person",
        "purpose": "first_contact",
        "summary": "Met at the family home; the leaflet was given and explained.",
        "outcome": "",
        "next_contact_due": ["", "", ""],
    }
    values.update(overrides)
    return values


MEMBER = {
    "referred_to_as": "Ada Penrow",
    "initials": "",
    "relationship": "Sister",
    "participation": "engaged",
    "preferred_route": "flo",
    "route_details": "DC Example, family liaison officer",
    "language": "",
    "notes": "",
}


@pytest.fixture
def officer_review(client):
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer)
    sign_in(client, officer)
    return officer, review


def milestone_states(soup) -> dict[str, bool]:
    return {
        item.select_one(".govuk-task-list__name-and-hint div").get_text(strip=True): "app-milestone--done"
        in item["class"]
        for item in soup.select("#family-milestones li")
    }


def test_add_a_member_and_two_entries_inline(client, officer_review):
    _, review = officer_review
    base = f"/reviews/{review.id}/family"
    opened = parse(client.get(f"{base}/members/new", headers=HTMX))
    assert opened.select_one("div#family-contact form.app-family-form") and not opened.select_one("html")

    added = post_form(client, f"{base}/members/new", MEMBER, headers=HTMX)
    assert added.status_code == 200
    assert parse(added).select_one("#family-contact")["data-app-announce"] == "Person added"
    member = FamilyMember.get()
    assert (member.initials, member.participation) == ("A.P.", Participation.ENGAGED)

    first = post_form(client, f"{base}/entries/new", entry_form([member]), headers=HTMX)
    assert first.status_code == 200
    states = milestone_states(parse(first))
    assert states["First contact made and the Home Office leaflet given"] is True
    assert states["Draft report shared with the family before Home Office submission"] is False

    draft = entry_form([member], purpose="draft_report_shared", contact_time="2:15pm")
    soup = parse(post_form(client, f"{base}/entries/new", draft, headers=HTMX))
    assert milestone_states(soup)["Draft report shared with the family before Home Office submission"]
    assert soup.select_one("#family-contact")["data-app-announce"] == "Contact added to the log"
    entries = list(FamilyContactEntry.select().order_by(FamilyContactEntry.contacted_at))
    assert [e.purpose for e in entries] == [ContactPurpose.FIRST_CONTACT, ContactPurpose.DRAFT_REPORT_SHARED]
    # Typed as London time, stored as UTC.
    assert entries[1].contacted_at.minute == 15 and entries[0].recorded_by_id == review.review_officer_id
    assert [
        e.detail for e in AuditEvent.select().where(AuditEvent.action == "family_contact_entry_added")
    ] == [
        {"review_id": review.id, "purpose": "first_contact"},
        {"review_id": review.id, "purpose": "draft_report_shared"},
    ]


def test_forms_work_without_javascript(client, officer_review):
    _, review = officer_review
    member = make_member(review)
    page = get_page(client, f"/reviews/{review.id}/family/entries/new", title="Family contact")
    legends = [legend.get_text(strip=True) for legend in page.select("#entry-new legend")]
    assert legends == [
        "Who the contact was with",
        "Date of contact",
        "Was contact made?",
        "Route",
        "Next contact due (optional)",
    ]
    response = post_form(client, f"/reviews/{review.id}/family/entries/new", entry_form([member]))
    assert response.status_code == 302 and response.headers["Location"] == f"/reviews/{review.id}/family"
    page = get_page(client, f"/reviews/{review.id}/family")
    assert "The contact has been added to the log" in page.select_one(".govuk-notification-banner").get_text()


def test_entry_errors_are_422_with_govuk_messages_and_input_kept(client, officer_review):
    _, review = officer_review
    member = make_member(review)
    bad = entry_form(
        [],
        day=dt.date.today() + dt.timedelta(days=1),
        contact_time="",
        purpose="",
        summary="",
        outcome="Kept outcome",
    )
    response = post_form(client, f"/reviews/{review.id}/family/entries/new", bad, headers=HTMX)
    assert response.status_code == 422
    soup = parse(response)
    assert error_summary(soup) == [
        "Select who the contact was with",
        "Date of the contact must be today or in the past",
        "Enter the time of the contact",
        "Select the purpose of the contact",
        "Enter a summary of the contact",
    ]
    assert soup.select_one("#outcome").get_text() == "Kept outcome"
    same_day = entry_form([member], next_contact_due=date_parts(LAST_WEEK), contact_time="25:00")
    soup = parse(post_form(client, f"/reviews/{review.id}/family/entries/new", same_day, headers=HTMX))
    assert (
        field_error(soup, "contact_time") == "Time of the contact must be a real time, like 14:30 or 2:30pm"
    )
    assert field_error(soup, "next_contact_due") == "Next contact due must be after the date of the contact"
    # Without JavaScript: the whole page, one error summary (the page's), and "Error:" in the title.
    page = parse(post_form(client, f"/reviews/{review.id}/family/entries/new", same_day))
    assert page.title.get_text().startswith("Error: ") and len(page.select(".govuk-error-summary")) == 1
    assert not FamilyContactEntry.select().exists()


@pytest.mark.parametrize(
    ("text", "expected"),
    [("14:30", dt.time(14, 30)), ("9.05", dt.time(9, 5)), ("2:30pm", dt.time(14, 30)), ("12am", dt.time(0, 0)),
     ("9 AM", dt.time(9, 0)), ("14", None), ("13pm", None), ("24:00", None), ("10:60", None), ("noon", None)],
)  # fmt: skip
def test_parse_time(text, expected):
    assert parse_time(text) == expected


def _validate(app, data: dict) -> ContactEntryForm:
    with app.test_request_context(method="POST", data=MultiDict(data)):
        form = ContactEntryForm(meta={"csrf": False})
        form.members.choices = [(1, "Ada Penrow")]
        form.validate()
        return form


def test_contact_cannot_be_later_today_and_next_contact_must_follow_it(app):
    london_noon = dt.datetime(2026, 6, 10, 11, 0, tzinfo=dt.UTC)  # 12:00 in London (BST)
    today = dt.date(2026, 6, 10)
    base = {**entry_form([], day=today), "members": ["1"]}
    with time_machine.travel(london_noon, tick=False):
        assert _validate(app, {**base, "contact_time": "11:59"}).errors == {}
        later = _validate(app, {**base, "contact_time": "12:30"})
        assert later.errors == {"contact_time": ["Time of the contact must be in the past"]}
        due_next_day = _validate(app, {**base, "next_contact_due": date_parts(dt.date(2026, 6, 11))})
        assert due_next_day.errors == {}
        due_before = _validate(app, {**base, "next_contact_due": date_parts(dt.date(2026, 6, 9))})
        assert due_before.errors == {
            "next_contact_due": ["Next contact due must be after the date of the contact"]
        }


def test_an_edit_keeps_the_previous_values_and_who_changed_them(client, officer_review):
    officer, review = officer_review
    ada, ben = make_member(review), make_member(review, "Ben Penrow", relationship="Brother")
    entry = make_entry(review, [ada], contacted_at=dt.datetime(2026, 3, 10, 11, 0))
    url = f"/reviews/{review.id}/family/entries/{entry.id}/edit"
    form = parse(client.get(url, headers=HTMX))
    assert form.select_one("#contact_time")["value"] == "11:00"  # 11:00 UTC is 11:00 GMT in March

    changed = entry_form(
        [ada, ben], day=dt.date(2026, 3, 10), contact_time="11:00", purpose="process_explained", version=1
    )
    changed["summary"] = "Explained the review process to both."
    assert post_form(client, url, changed, headers=HTMX).status_code == 200
    version = FamilyContactEntryVersion.get()
    assert (version.version, version.changed_by_id) == (1, officer.id)
    assert version.changed == ["members", "purpose", "summary"]
    assert version.values["purpose"] == "first_contact" and version.values["summary"].startswith("Met at")
    assert [m["referred_to_as"] for m in version.values["members"]] == ["Ada Penrow"]
    assert FamilyContactEntry.get_by_id(entry.id).version == 2

    stale = post_form(client, url, {**changed, "summary": "A stale edit"}, headers=HTMX)
    assert stale.status_code == 409
    assert parse(stale).select_one("#summary").get_text() == "A stale edit"
    assert FamilyContactEntry.get_by_id(entry.id).summary == "Explained the review process to both."

    history = get_page(client, f"/reviews/{review.id}/family/entries/{entry.id}/history", title="Changes")
    card = history.select_one("#version-1")
    assert officer.full_name in card.select_one("h3").get_text()
    assert [dt_.get_text(strip=True) for dt_ in card.select("dt")] == ["With", "Purpose", "Summary"]
    assert "First contact and Home Office leaflet given" in card.get_text()
    audit = AuditEvent.get(AuditEvent.action == "family_contact_entry_updated")
    assert audit.detail == {"review_id": review.id, "changed": ["members", "purpose", "summary"]}


def test_saving_without_changes_adds_no_history(client, officer_review):
    _, review = officer_review
    ada = make_member(review)
    entry = make_entry(review, [ada], contacted_at=dt.datetime(2026, 3, 10, 11, 0))
    same = entry_form([ada], day=dt.date(2026, 3, 10), contact_time="11:00", version=1)
    same["summary"] = entry.summary
    url = f"/reviews/{review.id}/family/entries/{entry.id}/edit"
    assert post_form(client, url, same, headers=HTMX).status_code == 200
    assert not FamilyContactEntryVersion.select().exists()
    assert FamilyContactEntry.get_by_id(entry.id).version == 1


def test_an_entry_entered_in_error_is_kept_struck_through_and_not_counted(client, officer_review):
    _, review = officer_review
    ada = make_member(review)
    entry = make_entry(review, [ada])
    url = f"/reviews/{review.id}/family/entries/{entry.id}/entered-in-error"
    page = get_page(client, f"/reviews/{review.id}/family")
    assert milestone_states(page)["First contact made and the Home Office leaflet given"]

    empty = post_form(client, url, {"version": 1, "reason": " "}, headers=HTMX)
    assert empty.status_code == 422
    assert error_summary(parse(empty)) == ["Enter why the entry was entered in error"]

    response = post_form(
        client, url, {"version": 1, "reason": "Logged against the wrong review."}, headers=HTMX
    )
    assert response.status_code == 200
    soup = parse(response)
    card = soup.select_one(f"#entry-{entry.id}")
    assert "app-entry--in-error" in card["class"] and card.select("del")
    assert "Logged against the wrong review." in card.get_text()
    assert not card.select(".govuk-summary-card__actions a[href$='/edit']")
    assert not milestone_states(soup)["First contact made and the Home Office leaflet given"]

    kept = FamilyContactEntry.get_by_id(entry.id)
    assert kept.entered_in_error and kept.error_marked_by_id == review.review_officer_id
    assert kept.summary.startswith("Met at")  # never deleted, never changed
    edit = post_form(
        client, f"/reviews/{review.id}/family/entries/{entry.id}/edit", entry_form([ada], version=2)
    )
    assert edit.status_code == 409
    assert post_form(client, url, {"version": 2, "reason": "Again"}).status_code == 409
    assert AuditEvent.get(AuditEvent.action == "family_contact_entry_marked_in_error").detail == {
        "review_id": review.id
    }


def test_free_text_is_escaped_with_paragraphs_kept(client, officer_review):
    _, review = officer_review
    ada = make_member(review, notes="<b>bold</b>")
    make_entry(review, [ada], summary="<script>alert('x')</script>\n\nSecond paragraph")
    response = client.get(f"/reviews/{review.id}/family")
    assert b"<script>alert" not in response.data and b"<b>bold</b>" not in response.data
    summary = parse(response).select_one(".app-entry dd p.govuk-body")
    assert summary.get_text() == "<script>alert('x')</script>"


def test_member_validation_conflicts_and_safety_warning(client, officer_review):
    _, review = officer_review
    base = f"/reviews/{review.id}/family/members"
    unsafe = {
        **MEMBER,
        "route_details": "",
        "safety_concern": "y",
        "referred_to_as": "",
        "participation": "maybe",
    }
    response = post_form(client, f"{base}/new", unsafe, headers=HTMX)
    assert response.status_code == 422
    assert error_summary(parse(response)) == [
        "Enter how the person is referred to in the log",
        "Enter their initials for the overview report",
        "Select whether they are taking part in the review",
        "Enter the named contact route: there is a safety concern",
    ]
    member = make_member(review, safety_concern=True, route_details="Northvale advocacy service")
    page = get_page(client, f"/reviews/{review.id}/family")
    assert (
        "contact only by the named route"
        in page.select_one(f"#member-{member.id} .govuk-warning-text").get_text()
    )
    # The same warning beside their name wherever a contact with them is logged.
    entry_form_page = parse(client.get(f"/reviews/{review.id}/family/entries/new", headers=HTMX))
    assert entry_form_page.select_one("#entry-new .govuk-checkboxes__hint").get_text(strip=True) == (
        "Safety concern: contact only by the named route "
        "(Through the police family liaison officer: Northvale advocacy service)"
    )

    changed = {**MEMBER, "participation": "declined", "version": 1}
    assert post_form(client, f"{base}/{member.id}/edit", changed, headers=HTMX).status_code == 200
    stale = post_form(client, f"{base}/{member.id}/edit", {**changed, "relationship": "Cousin"}, headers=HTMX)
    assert stale.status_code == 409 and parse(stale).select_one("#relationship")["value"] == "Cousin"
    assert FamilyMember.get_by_id(member.id).participation is Participation.DECLINED
    assert AuditEvent.get(AuditEvent.action == "family_member_updated").detail["changed"] == [
        "participation",
        "route_details",
        "safety_concern",
    ]


def test_the_page_takes_the_same_queries_however_long_the_log(client, officer_review):
    _, review = officer_review
    ada, ben = make_member(review), make_member(review, "Ben Penrow")
    make_entry(review, [ada])
    with count_queries() as few:
        client.get(f"/reviews/{review.id}/family")
    for number in range(10):
        make_entry(review, [ada, ben], purpose=ContactPurpose.PROGRESS_UPDATE, summary=f"Update {number}")
    with count_queries() as many:
        response = client.get(f"/reviews/{review.id}/family")
    assert len(parse(response).select(".app-entry")) == 11
    assert few.count == many.count


def test_the_page_reads_members_and_log_together_as_the_separate_reads_give_them(app):
    """members_and_log() (the family page: who each entry was with comes with the members) gives what
    members_of() and entries_of() give: every member once, in order, also one in no entry; every entry
    newest first, entries in error included, each with its people in the members' order."""
    from portal.family_contact import queries

    review, other = make_review(), make_review()
    ada, ben, cal = make_member(review), make_member(review, "Ben Penrow"), make_member(review, "Cal Penrow")
    make_member(other, "Dee Other")
    make_entry(review, [ben, ada], contacted_at=dt.datetime(2026, 3, 1, 10))
    make_entry(review, [ada], entered_in_error=True, contacted_at=dt.datetime(2026, 3, 2, 10))
    make_entry(
        review, [ben], purpose=ContactPurpose.PROGRESS_UPDATE, contacted_at=dt.datetime(2026, 3, 3, 10)
    )

    members, entries = queries.members_and_log(review)
    assert [m.id for m in members] == [m.id for m in queries.members_of(review)] == [ada.id, ben.id, cal.id]
    separate = queries.entries_of(review)
    assert [e.id for e in entries] == [e.id for e in separate] and len(entries) == 3
    assert [[m.id for m in e.members] for e in entries] == [[m.id for m in e.members] for e in separate]
    assert [[m.referred_to_as for m in e.members] for e in entries] == [
        ["Ben Penrow"],
        ["Ada Penrow"],
        ["Ada Penrow", "Ben Penrow"],
    ]
    assert queries.members_and_log(make_review()) == ([], [])
