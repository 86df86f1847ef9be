"""Extensions, created unbound here and bound to the app in create_app()."""

from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from govuk_frontend_wtf.main import WTFormsHelpers
from htmx_flask import Htmx
from playhouse.flask_utils import FlaskDB


class PortalDB(FlaskDB):
    """FlaskDB that connects lazily: peewee opens the connection on the first query.

    Pages that need no data (static files, the accessibility statement, the
    error page for an outage) then work while the database is down, and a
    connection a command or test opened earlier on this thread is reused.
    The connection is still closed at the end of every request.
    """

    def connect_db(self):
        return None


db = PortalDB()
login_manager = LoginManager()
csrf = CSRFProtect()
htmx = Htmx()
wtforms_helpers = WTFormsHelpers()
