"""The outbox page for admins: what has been sent, what is waiting, what went wrong."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user
from playhouse.flask_utils import get_object_or_404

from portal.accounts.models import Role
from portal.notifications import queries
from portal.notifications.forms import OutboxFilterForm, RetryForm
from portal.notifications.models import RETRYABLE, OutboxMessage
from portal.notifications.outbox import NotRetryable, retry_message
from portal.web.access import allow
from portal.web.htmx import render_page_or_fragment
from portal.web.pagination import paginate

bp = Blueprint("outbox", __name__, url_prefix="/admin/outbox")


@bp.route("")
@allow(Role.ADMIN)
def messages():
    form = OutboxFilterForm(request.args)
    counts = queries.status_counts()
    form.status.choices = [("", f"Any status ({sum(counts.values())})")] + [
        (status.value, f"{status.label} ({count})") for status, count in counts.items()
    ]
    status = form.chosen_status() if form.validate() else None
    page = paginate(queries.outbox_messages(status), size=50)
    return render_page_or_fragment(
        "notifications/outbox.html",
        "notifications/partials/outbox_table.html",
        page=page,
        status_filter=status,
        filter_form=form,
        retryable=RETRYABLE,
    )


@bp.route("/<int:message_id>/retry", methods=["POST"])
@allow(Role.ADMIN)
def retry(message_id: int):
    message = get_object_or_404(OutboxMessage.select(*queries.LIST_COLUMNS), OutboxMessage.id == message_id)
    form = RetryForm()
    back = url_for("outbox.messages", status=form.return_status())
    if not form.validate_on_submit():
        flash("The request could not be completed. Try again.", "error")
        return redirect(back)
    try:
        retry_message(message.id, current_user)
    except NotRetryable:
        flash(
            f"The message to {message.recipient} was not queued again: it is no longer "
            "failed or unknown. Someone may have just retried it.",
            "error",
        )
    else:
        flash(f"The message to {message.recipient} is queued and will be sent shortly", "success")
    return redirect(back)
