"""Admin: the media routing rules (which kinds of people are told about each topic)."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from portal.accounts.models import Role
from portal.database import StaleRecordError
from portal.media_inquiries import queries, service
from portal.media_inquiries.forms import RoutingRuleForm
from portal.media_inquiries.models import RULE_RECIPIENTS, Topic
from portal.media_inquiries.routing import rule_for
from portal.media_inquiries.workflow import MediaRuleError
from portal.web.access import allow
from portal.web.forms import CONFLICT_MESSAGE

bp = Blueprint("media_routing", __name__, url_prefix="/admin/media-routing")


@bp.route("")
@allow(Role.ADMIN)
def rules():
    return render_template("media_inquiries/routing_rules.html", rules=queries.routing_rules())


@bp.route("/<topic>", methods=["GET", "POST"])  # e.g. review-in-progress
@allow(Role.ADMIN)
def edit_rule(topic: str):
    found = next((t for t in Topic if t.slug == topic), None)
    if found is None:
        abort(404)
    rule = rule_for(found)
    form = RoutingRuleForm()
    if request.method == "GET":
        form.version.data = str(rule.version)
        form.recipients.data = [kind.value for kind in rule.recipient_kinds if kind in RULE_RECIPIENTS]
    conflict, status = False, 200
    if form.validate_on_submit():
        try:
            service.update_rule(rule, form.version_number(), form.recipients.data, current_user)
        except MediaRuleError as error:
            form.recipients.errors.append(error.message)
        except StaleRecordError:
            conflict, status = True, 409
            form.version.data = str(rule_for(rule.topic).version)
        else:
            flash(f"Who is told about {rule.topic.label.lower()} has been saved", "success")
            return redirect(url_for("media_routing.rules"))
    if form.errors:
        status = 422
    return render_template(
        "media_inquiries/routing_rule_form.html",
        form=form,
        rule=rule,
        conflict=conflict,
        conflict_message=CONFLICT_MESSAGE,
    ), status
