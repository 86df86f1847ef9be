import datetime as dt

from playhouse.test_utils import count_queries

from portal.accounts.models import Role
from portal.audit.models import AuditEvent
from portal.reviews.models import Review, ReviewKind, Subject
from tests.factories import make_partnership, make_user
from tests.helpers import error_summary, field_error, get_page, parse, post_form, sign_in
from tests.trawls.builders import make_review, make_subject

TODAY = dt.date.today()


def review_form(partnership, **overrides):
    values = {
        "kind": "dardr",
        "title": "A.B. 2026",
        "partnership": partnership.id,
        "review_officer": "",
        "date_of_death": ["3", "3", "2026"],
        "date_notified": ["10", "3", "2026"],
    }
    values.update(overrides)
    return values


def test_open_a_review_generates_the_reference(client):
    officer = make_user(Role.REVIEW_OFFICER)
    partnership = make_partnership()
    sign_in(client, officer)
    response = post_form(client, "/reviews/new", review_form(partnership, review_officer=officer.id))
    assert response.status_code == 302
    review = Review.get()
    assert (review.reference, review.kind, review.review_officer_id) == (
        "DARDR-2026-001",
        ReviewKind.DARDR,
        officer.id,
    )
    post_form(client, "/reviews/new", review_form(partnership, kind="dhr", title="C.D."))
    post_form(client, "/reviews/new", review_form(partnership, kind="joint_sar", title="E.F."))
    assert sorted(r.reference for r in Review.select()) == ["DARDR-2026-001", "DHR-2026-001", "DHR-2026-002"]
    assert AuditEvent.get(AuditEvent.action == "review_created").detail == {"kind": "dardr"}


def test_review_form_errors_keep_input(client):
    sign_in(client, make_user(Role.REVIEW_OFFICER))
    partnership = make_partnership()
    soup = parse(
        post_form(
            client,
            "/reviews/new",
            review_form(
                partnership,
                kind="",
                title="Kept title",
                date_of_death=["3", "", "2026"],
                date_notified=["", "", ""],
            ),
        )
    )
    assert error_summary(soup) == [
        "Select the type of review",
        "Date of death must include a month",
        "Enter the date the partnership was notified",
    ]
    assert soup.select_one("#title")["value"] == "Kept title"
    assert soup.select_one("#date_of_death-year")["value"] == "2026"
    soup = parse(
        post_form(
            client,
            "/reviews/new",
            review_form(partnership, date_of_death=["1", "1", "2099"], date_notified=["1", "1", "2020"]),
        )
    )
    assert field_error(soup, "date_of_death") == "Date of death must be today or in the past"
    soup = parse(
        post_form(
            client,
            "/reviews/new",
            review_form(partnership, date_of_death=["5", "3", "2026"], date_notified=["1", "3", "2026"]),
        )
    )
    assert error_summary(soup) == ["Date the partnership was notified must be on or after the date of death"]
    assert not Review.select().exists()


def test_edit_a_review_with_conflict_detection(client):
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer)
    sign_in(client, officer)
    values = review_form(review.partnership, title="New title", version=1)
    assert post_form(client, f"/reviews/{review.id}/edit", values).status_code == 302
    stale = post_form(client, f"/reviews/{review.id}/edit", {**values, "title": "Stale title"})
    assert stale.status_code == 409
    assert Review.get_by_id(review.id).title == "New title"


def test_list_search_with_htmx_and_constant_queries(client):
    officer = make_user(Role.REVIEW_OFFICER)
    for number in range(3):
        make_review(officer=officer, title=f"Title {number}")
    make_review(title="Findable")
    sign_in(client, officer)
    fragment = parse(client.get("/reviews?q=Findable", headers={"HX-Request": "true"}))
    assert [row.select("td")[1].get_text() for row in fragment.select("tbody tr")] == ["Findable"]
    mine = get_page(client, "/reviews?mine=1")
    assert len(mine.select("#reviews-table tbody tr")) == 3
    with count_queries() as few:
        client.get("/reviews")
    for number in range(20):
        make_review(title=f"More {number}")
    with count_queries() as many:
        client.get("/reviews")
    assert few.count == many.count


SUBJECT = {
    "role": "perpetrator",
    "full_name": "Sam Fictional",
    "aliases": "Sam Fictionall\nSammy F",
    "date_of_birth": ["14", "6", "1985"],
    "address_at_time": "1 Example Row, Northvale",
    "previous_addresses": "",
    "relationship_to_deceased": "Partner",
    "scope_from": ["1", "1", "2021"],
    "scope_to": ["1", "3", "2026"],
}


def test_add_a_subject_inline(client):
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer)
    sign_in(client, officer)
    opened = parse(client.get(f"/reviews/{review.id}/subjects/new", headers={"HX-Request": "true"}))
    assert opened.select_one("section#subjects form") and not opened.select_one("html")
    response = post_form(
        client, f"/reviews/{review.id}/subjects/new", SUBJECT, headers={"HX-Request": "true"}
    )
    assert response.status_code == 200
    soup = parse(response)
    assert soup.select_one("section#subjects")["data-app-announce"] == "Person added"
    assert "Sam Fictional" in soup.get_text() and not soup.select_one(
        "section#subjects form.app-subject-form"
    )
    subject = Subject.get()
    assert subject.aliases == "Sam Fictionall\nSammy F" and subject.date_of_birth == dt.date(1985, 6, 14)


def test_subject_validation_is_422_with_govuk_errors(client):
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer)
    sign_in(client, officer)
    bad = {
        **SUBJECT,
        "full_name": "",
        "date_of_birth": ["1", "1", "2099"],
        "scope_from": ["1", "1", "2026"],
        "scope_to": ["1", "1", "2020"],
    }
    response = post_form(client, f"/reviews/{review.id}/subjects/new", bad, headers={"HX-Request": "true"})
    assert response.status_code == 422
    soup = parse(response)
    assert error_summary(soup) == [
        "Enter the person's full name",
        "Date of birth must be today or in the past",
        "End of the scoping period must be on or after its start",
    ]
    assert soup.select_one("#aliases").get_text() == "Sam Fictionall\nSammy F"
    assert not Subject.select().exists()


def test_subject_forms_work_without_javascript(client):
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer)
    sign_in(client, officer)
    page = get_page(client, f"/reviews/{review.id}/subjects/new", title="People in")
    assert page.select_one("form.app-subject-form")
    response = post_form(client, f"/reviews/{review.id}/subjects/new", SUBJECT)
    assert response.status_code == 302 and response.headers["Location"].endswith("#subjects")


def test_edit_and_remove_a_subject(client):
    officer = make_user(Role.REVIEW_OFFICER)
    review = make_review(officer=officer)
    subject = make_subject(review)
    sign_in(client, officer)
    form = parse(
        client.get(f"/reviews/{review.id}/subjects/{subject.id}/edit", headers={"HX-Request": "true"})
    )
    assert form.select_one("#full_name")["value"] == subject.full_name
    response = post_form(
        client,
        f"/reviews/{review.id}/subjects/{subject.id}/edit",
        {**SUBJECT, "version": 1},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert Subject.get_by_id(subject.id).full_name == "Sam Fictional"
    stale = post_form(
        client,
        f"/reviews/{review.id}/subjects/{subject.id}/edit",
        {**SUBJECT, "full_name": "Stale", "version": 1},
        headers={"HX-Request": "true"},
    )
    assert stale.status_code == 409
    assert parse(stale).select_one("#full_name")["value"] == "Stale"
    post_form(client, f"/reviews/{review.id}/subjects/{subject.id}/remove", headers={"HX-Request": "true"})
    assert not Subject.select().exists()
    actions = [e.action for e in AuditEvent.select().where(AuditEvent.object_type == "subject")]
    assert actions == ["subject_updated", "subject_removed"]


def test_subject_of_another_review_is_404(client):
    officer = make_user(Role.REVIEW_OFFICER)
    review, other = make_review(officer=officer), make_review()
    subject = make_subject(other)
    sign_in(client, officer)
    assert client.get(f"/reviews/{review.id}/subjects/{subject.id}/edit").status_code == 404
    assert post_form(client, f"/reviews/{review.id}/subjects/{subject.id}/remove").status_code == 404
    assert Subject.select().count() == 1
