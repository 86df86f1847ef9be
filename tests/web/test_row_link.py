"""RowLink: a table's per-row link built once, the same as url_for would build for each row."""

from flask import url_for

from portal.web.context import RowLink


def test_each_row_gets_the_url_url_for_would_build(app):
    with app.test_request_context():
        dashboard = RowLink("trawls.dashboard", "review_id")
        entry_history = RowLink("family_contact.entry_history", "entry_id", review_id=7)
        for row_id in (1, 42, 987654321, 1234567890):
            assert dashboard(row_id) == url_for("trawls.dashboard", review_id=row_id)
            assert entry_history(row_id) == url_for(
                "family_contact.entry_history", review_id=7, entry_id=row_id
            )


def test_a_fixed_value_that_looks_like_the_placeholder_still_gives_the_right_url(app):
    with app.test_request_context():
        history = RowLink("family_contact.entry_history", "entry_id", review_id=987654321)
        assert history(5) == url_for("family_contact.entry_history", review_id=987654321, entry_id=5)
