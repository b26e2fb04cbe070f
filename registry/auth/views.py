from urllib.parse import urlsplit

from flask import Blueprint, flash, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from registry import permissions
from registry.auth import service
from registry.auth.session import GENERATION_KEY
from registry.errors import Conflict, NotFound, Unauthorized, ValidationFailed
from registry.extensions import db
from registry.jurisdictions.service import list_counties
from registry.models import User
from registry.models.base import utcnow

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
            if user.must_change_password:
                flash(_("Your password was reset: choose a new one now."), "warning")
                return redirect(url_for("auth.change_password"))
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
                           form=form, counties=list_counties(),
                           default_role=LEAST_PRIVILEGED_ROLE), 422 if errors else 200


# The role the new-user form offers first: the one with the fewest rights.
LEAST_PRIVILEGED_ROLE = "viewer"


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    errors = {}
    if request.method == "POST":
        try:
            generation = service.change_password(current_user, request.form.get("current_password", ""),
                                                 request.form.get("new_password", ""))
        except ValidationFailed as exc:
            errors = exc.fields
        else:
            session[GENERATION_KEY] = generation  # this session goes on; the others end
            flash(_("Password changed. Your other sessions have ended."), "success")
            return redirect(url_for("web.index"))
    return render_template("auth/password.html", errors=errors), 422 if errors else 200


@bp.route("/account/setup/<token>", methods=["GET", "POST"])
def setup_account(token):
    """Choose the password of an account made for you, from the link mailed to you."""
    from registry.auth import links

    user = links.account_for(token)  # NotFound: used, expired or never issued
    errors = {}
    if request.method == "POST":
        try:
            links.redeem(token, request.form.get("password", ""), request.form.get("confirm", ""))
        except ValidationFailed as exc:
            errors = exc.fields
        else:
            if current_user.is_authenticated:
                logout_user()
            flash(_("Password set. Log in with your user name %(name)s.", name=user.username),
                  "success")
            return redirect(url_for("auth.login"))
    response = make_response(render_template("auth/setup.html", user=user, errors=errors),
                             422 if errors else 200)
    response.headers["Referrer-Policy"] = "no-referrer"  # the link never leaves the page
    return response


def _admin_act(user_id: int, act):
    permissions.require(permissions.can_manage_users(current_user), current_user)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such record."))
    try:
        return user, act(current_user, user.username)
    except Conflict as exc:
        flash(exc.message, "danger")
        return user, None


@bp.route("/users/<int:user_id>/edit", methods=["GET", "POST"])
@login_required
def edit_user(user_id):
    permissions.require(permissions.can_manage_users(current_user), current_user)
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such record."))
    errors, form = {}, {"role": user.role, "county": sorted(user.county_codes)}
    if request.method == "POST":
        form = {"role": request.form.get("role", ""), "county": request.form.getlist("county")}
        try:
            service.update_user(current_user, user.username, form["role"], form["county"])
        except ValidationFailed as exc:
            errors = exc.fields
        else:
            flash(_("%(name)s updated.", name=user.username), "success")
            return redirect(url_for("auth.users"))
    return render_template("auth/user_edit.html", user=user, form=form, errors=errors,
                           counties=list_counties()), 422 if errors else 200


@bp.post("/users/<int:user_id>/deactivate")
@login_required
def deactivate(user_id):
    user, done = _admin_act(user_id, service.deactivate_user)
    if done:
        flash(_("%(name)s deactivated: sessions ended, API tokens revoked.", name=user.username),
              "success")
    return redirect(url_for("auth.users"))


@bp.post("/users/<int:user_id>/activate")
@login_required
def activate(user_id):
    user, _done = _admin_act(user_id, service.activate_user)
    flash(_("%(name)s reactivated.", name=user.username), "success")
    return redirect(url_for("auth.users"))


@bp.post("/users/<int:user_id>/reset-password")
@login_required
def reset_password(user_id):
    user, temporary = _admin_act(user_id, service.reset_password)
    flash(_("Temporary password for %(name)s (shown once; it must be changed at the next "
            "log-in): %(password)s", name=user.username, password=temporary), "warning")
    return redirect(url_for("auth.users"))


@bp.route("/users/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    permissions.require(permissions.can_manage_users(current_user), current_user)
    new_token, errors, form = None, {}, {}
    if request.method == "POST" and request.form.get("action") == "create":
        form = request.form
        days = form.get("expires_days", "").strip()
        try:
            new_token = service.create_token(
                form.get("username", ""), name=form.get("name", "").strip() or None,
                expires_days=int(days) if days.isdigit() and len(days) < 6 else
                (None if not days else -1), actor=current_user)
        except ValidationFailed as exc:
            errors = exc.fields
        except NotFound as exc:
            errors = {"username": [exc.message]}
    elif request.method == "POST":
        count = service.revoke_tokens(current_user, request.form.get("token_id", ""))
        flash(_("%(n)s token(s) revoked.", n=count), "success")
        return redirect(url_for("auth.tokens"))
    # A new token is shown in this answer only (never in a flash: the session is a cookie).
    return render_template("auth/tokens.html", tokens=service.list_tokens(current_user),
                           now=utcnow(), new_token=new_token, errors=errors, form=form,
                           users=service.list_users()), 422 if errors else 200
