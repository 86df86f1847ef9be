from portal.accounts.models import Role, SetPasswordToken, User
from portal.audit.models import AuditEvent
from tests.factories import make_agency, make_partnership, make_user
from tests.helpers import error_summary, field_error, get_page, parse, post_form, send_queued_mail, sign_in


def admin_client(client):
    admin = make_user(Role.ADMIN)
    sign_in(client, admin)
    return admin


def test_add_an_agency_lead_sends_a_set_password_link(app, client, mailbox):
    admin = admin_client(client)
    agency = make_agency(name="Northvale Test Police")
    response = post_form(
        client,
        "/admin/users/new",
        {
            "full_name": "Quinn Example",
            "email": "Quinn@Agency.Example",
            "role": "agency_lead",
            "agency": agency.id,
        },
    )
    assert response.status_code == 200
    soup = parse(response)
    link = soup.select_one("#set-password-link").get_text()
    assert link.startswith("https://portal.test/set-password/")

    user = User.get(User.email == "quinn@agency.example")
    assert (user.role, user.agency_id, user.partnership_id, user.has_password) == (
        Role.AGENCY_LEAD,
        agency.id,
        None,
        False,
    )
    assert mailbox.messages() == []  # queued, not sent, until the sender runs
    assert send_queued_mail(app)["sent"] == 1
    [message] = mailbox.messages()
    assert message["To"] == "quinn@agency.example"
    assert link in message.get_body(("plain",)).get_content()
    assert link in message.get_body(("html",)).get_content()
    event = AuditEvent.get(AuditEvent.action == "user_created")
    assert (event.actor_id, event.object_type, event.object_id) == (admin.id, "user", str(user.id))


def test_validation_errors_keep_what_was_typed(client):
    admin_client(client)
    response = post_form(
        client, "/admin/users/new", {"full_name": "Kept Name", "email": "not-an-email", "role": ""}
    )
    soup = parse(response)
    assert error_summary(soup) == [
        "Enter an email address in the correct format, like name@example.org",
        "Select a role",
    ]
    assert soup.select_one("#full_name")["value"] == "Kept Name"
    assert soup.select_one("#email")["value"] == "not-an-email"
    assert User.select().count() == 1


def test_agency_lead_needs_an_agency_and_csp_team_a_partnership(client):
    admin_client(client)
    soup = parse(
        post_form(
            client, "/admin/users/new", {"full_name": "A B", "email": "ab@x.example", "role": "agency_lead"}
        )
    )
    assert field_error(soup, "agency") == "Select the agency this lead answers for"
    soup = parse(
        post_form(
            client, "/admin/users/new", {"full_name": "A B", "email": "ab@x.example", "role": "csp_team"}
        )
    )
    assert field_error(soup, "partnership") == "Select the partnership this person works for"


def test_email_must_be_unique_whatever_its_case(client):
    admin_client(client)
    make_user(email="taken@portal.example")
    soup = parse(
        post_form(
            client, "/admin/users/new", {"full_name": "A B", "email": "TAKEN@portal.example", "role": "admin"}
        )
    )
    assert field_error(soup, "email") == "An account with this email address already exists"


def test_edit_changes_role_and_ends_their_sessions(app, client):
    admin_client(client)
    partnership = make_partnership()
    user = make_user(Role.REVIEW_OFFICER)
    their_client = app.test_client()
    sign_in(their_client, user)
    response = post_form(
        client,
        f"/admin/users/{user.id}",
        {
            "full_name": user.full_name,
            "email": user.email,
            "role": "csp_team",
            "partnership": partnership.id,
            "agency": "",
            "version": user.version,
        },
    )
    assert response.status_code == 302
    user = User.get_by_id(user.id)
    assert (user.role, user.partnership_id, user.version) == (Role.CSP_TEAM, partnership.id, 2)
    assert AuditEvent.get(AuditEvent.action == "user_updated").detail == {"changed": ["partnership", "role"]}
    assert their_client.get("/").status_code == 302


def test_a_stale_edit_is_a_conflict_not_an_overwrite(client):
    admin_client(client)
    user = make_user(full_name="Original Name")
    stale = user.version
    form = {"email": user.email, "role": "review_officer", "version": stale}
    assert (
        post_form(client, f"/admin/users/{user.id}", {**form, "full_name": "First Save"}).status_code == 302
    )
    response = post_form(client, f"/admin/users/{user.id}", {**form, "full_name": "Second Save"})
    assert response.status_code == 409
    soup = parse(response)
    assert "This record has changed" in soup.select_one(".govuk-error-summary").get_text()
    assert soup.select_one("#full_name")["value"] == "Second Save"  # their input is kept
    assert User.get_by_id(user.id).full_name == "First Save"


def test_deactivate_and_reactivate(client):
    admin_client(client)
    user = make_user()
    post_form(client, f"/admin/users/{user.id}/deactivate", {"version": user.version})
    assert User.get_by_id(user.id).active is False
    post_form(client, f"/admin/users/{user.id}/reactivate", {"version": user.version + 1})
    assert User.get_by_id(user.id).active is True
    actions = [
        e.action
        for e in AuditEvent.select().where(
            AuditEvent.object_type == "user", AuditEvent.object_id == str(user.id)
        )
    ]
    assert actions == ["user_deactivated", "user_reactivated"]


def test_admin_cannot_deactivate_themselves(client):
    admin = admin_client(client)
    post_form(client, f"/admin/users/{admin.id}/deactivate", {"version": admin.version})
    assert User.get_by_id(admin.id).active is True


def test_reset_access_sends_a_new_single_use_link(app, client, mailbox):
    admin_client(client)
    user = make_user()
    soup = parse(post_form(client, f"/admin/users/{user.id}/reset-access", {"version": user.version}))
    assert soup.select_one("#set-password-link")
    assert (
        SetPasswordToken.select()
        .where(SetPasswordToken.user == user, SetPasswordToken.used_at.is_null())
        .count()
        == 1
    )
    send_queued_mail(app)
    assert len(mailbox.messages()) == 1


def test_users_list_searches_with_htmx_fragment(client):
    admin_client(client)
    make_user(full_name="Findable Person")
    make_user(full_name="Someone Else")
    response = client.get("/admin/users?q=Findable", headers={"HX-Request": "true"})
    assert "HX-Request" in response.headers["Vary"]
    soup = parse(response)
    assert soup.select_one("#users-table") and not soup.select_one("html")
    names = [a.get_text() for a in soup.select("tbody a")]
    assert names == ["Findable Person"]
    full = get_page(client, "/admin/users?q=Findable", title="Users")
    assert [a.get_text() for a in full.select("#users-table tbody a")] == ["Findable Person"]


def test_tampered_choices_get_clear_errors_not_a_crash(client):
    admin_client(client)
    soup = parse(
        post_form(
            client,
            "/admin/users/new",
            {
                "full_name": "A B",
                "email": "ab@x.example",
                "role": "superuser",
                "agency": "abc",
                "partnership": "-1",
            },
        )
    )
    assert error_summary(soup) == [
        "Select a role",
        "Select an agency from the list",
        "Select a partnership from the list",
    ]
