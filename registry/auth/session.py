"""Flask-Login wiring: session users for the web UI (the API uses bearer tokens)."""
from flask import Flask, session
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from registry.extensions import db, login_manager
from registry.models import User


GENERATION_KEY = "_gen"


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Please log in.")
    login_manager.login_message_category = "warning"

    @login_manager.user_loader
    def load_user(user_id: str):
        # One round trip: the user and their counties (for scoping) joined.
        user = (db.session.get(User, int(user_id), options=[orm.joinedload(User.counties)])
                if user_id.isdigit() else None)
        if user is None or not user.active:
            return None
        # The cookie was made in an earlier generation: the user logged out, changed or had
        # reset their password, or was deactivated since (issue #17.3).
        if session.get(GENERATION_KEY) != user.session_generation:
            return None
        return user
