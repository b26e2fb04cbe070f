"""Flask-Login wiring: session users for the web UI (the API uses bearer tokens)."""
from flask import Flask, redirect, request, session, url_for
from flask_login import current_user
from flask_babel import lazy_gettext as _l
from sqlalchemy import orm

from registry.extensions import db, login_manager
from registry.models import User


GENERATION_KEY = "_gen"


def init_app(app: Flask) -> None:
    require_new_password(app)
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


# Pages a user whose password was reset may open before choosing a new one.
_WHILE_RESET = frozenset({"auth.change_password", "auth.logout", "auth.set_language", "static",
                          "web.healthz", "web.healthz_db"})


def require_new_password(app: Flask) -> None:
    @app.before_request
    def _must_change_password():
        if request.path.startswith("/api/") or request.endpoint in _WHILE_RESET:
            return None
        if getattr(current_user, "must_change_password", False):
            return redirect(url_for("auth.change_password"))
        return None
