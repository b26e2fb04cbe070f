from urllib.parse import urlsplit

from flask import Blueprint, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from registry import permissions
from registry.auth import service
from registry.auth.session import GENERATION_KEY
from registry.errors import Conflict, Unauthorized, ValidationFailed
from registry.jurisdictions.service import list_counties

bp = Blueprint("auth", __name__)


def _safe_next(target: str | None) -> str:
    if target and urlsplit(target).netloc == "" and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("web.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    error = None
    if request.method == "POST":
        try:
            user = service.authenticate(request.form.get("username", ""),
                                        request.form.get("password", ""), request.remote_addr)
        except service.TooManyAttempts as exc:
            response = make_response(render_template("auth/login.html", error=exc.message), 429)
            response.headers["Retry-After"] = str(exc.retry_after)
            return response
        except Unauthorized as exc:
            error = exc.message
        else:
            # A fresh session: nothing from before the log-in (its CSRF token included,
            # issue #17.12) is carried over but the language chosen.
            lang = session.get("lang")
            session.clear()
            if lang:
                session["lang"] = lang
            session.permanent = True
            login_user(user)
            session[GENERATION_KEY] = user.session_generation
            if user.locale and "lang" not in session:
                session["lang"] = user.locale
            return redirect(_safe_next(request.args.get("next")))
    return render_template("auth/login.html", error=error), 401 if error else 200


@bp.post("/logout")
def logout():
    service.log_out(current_user)
    logout_user()
    return redirect(url_for("auth.login"))


@bp.post("/lang/<code>")
def set_language(code):
    session["lang"] = code
    service.set_locale(current_user, code)
    return redirect(_safe_next(request.form.get("next") or request.referrer and urlsplit(request.referrer).path))


@bp.route("/users", methods=["GET", "POST"])
@login_required
def users():
    permissions.require(permissions.can_manage_users(current_user), current_user)
    errors, form = {}, {}
    if request.method == "POST":
        form = request.form
        try:
            service.create_user(current_user, form.get("username", ""), form.get("role", ""),
                                form.get("password", ""), form.getlist("county"),
                                email=form.get("email") or None,
                                display_name=form.get("display_name") or None)
        except ValidationFailed as exc:
            errors = exc.fields
        except Conflict as exc:
            errors = {"username": [exc.message]}
        else:
            flash(_("User created."), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/users.html", users=service.list_users(), errors=errors,
                           form=form, counties=list_counties()), 422 if errors else 200
