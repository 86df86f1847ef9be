"""Extensions, created unbound here and bound to the app in create_app()."""

from flask import request
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from htmx_flask import Htmx
from playhouse.flask_utils import FlaskDB


class PortalDB(FlaskDB):
    """FlaskDB that reuses a connection already open on this thread.

    Commands and tests may have opened one before a request starts; the
    request still closes it at teardown, and peewee reopens on next use.
    """

    def connect_db(self):
        if self._excluded_routes and request.endpoint in self._excluded_routes:
            return
        self.database.connect(reuse_if_open=True)


db = PortalDB()
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = Htmx()
wtforms_helpers = WTFormsHelpers()
