from __future__ import annotations

from flask import Blueprint, jsonify, render_template

from portal.extensions import db
from portal.web.access import SIGNED_IN, allow, public

bp = Blueprint("pages", __name__)


@bp.route("/")
@allow(*SIGNED_IN)
def home():
    return render_template("pages/home.html")


@bp.route("/accessibility")
@public
def accessibility():
    return render_template("pages/accessibility.html")


@bp.route("/healthz")
@public
def healthz():
    """For load balancers: 200 when the database answers, 503 when it does not."""
    database = db.database
    try:
        database.connect(reuse_if_open=True)
        database.execute_sql("SELECT 1").fetchone()
    except Exception:  # noqa: BLE001 - any failure means "unavailable"
        return jsonify(status="unavailable", database="unavailable"), 503
    finally:
        if not database.is_closed():
            database.close()
    return jsonify(status="ok", database="ok")
