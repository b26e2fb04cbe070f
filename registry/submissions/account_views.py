"""Pages for enterprise accounts (issue #19): the accounts box of the enterprise page and
its actions, the county's queue of self-registration requests (officers), and the public
request form (``enrol``, no log-in). Thin: the rules are in
``registry.submissions.accounts``."""
from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry import permissions
from registry.auth.service import TooManyAttempts
from registry.errors import Conflict, ValidationFailed
from registry.jurisdictions.service import list_counties
from registry.reminders.mail import RecipientRefused, TransportDown
from registry.submissions import accounts
from registry.validation import form_data, validate

bp = Blueprint("accounts", __name__)
enrol = Blueprint("enrol", __name__)

MAIL_FAILED = (TransportDown, RecipientRefused, OSError)


@bp.before_request
@login_required
def _officers_only():
    permissions.require(not permissions.is_enterprise_user(current_user), current_user)


def _filled(form) -> dict:
    """The form's fields left blank are left out, so a required one is named as required
    ("此项为必填项"), not as "须为文本" (a blank reads as None)."""
    return {k: v for k, v in form_data(form).items() if v is not None}


def enterprise_accounts(enterprise_id: int) -> list[dict]:
    """For the enterprise page (a template global): its accounts."""
    return accounts.accounts_of(current_user, enterprise_id)


def enterprise_submissions(enterprise_id: int):
    """For the enterprise page (a template global): its online filing applications."""
    from registry.submissions import service

    return service.list_submissions(current_user, enterprise_id=enterprise_id)


def may_manage_accounts(county_code: str) -> bool:
    return accounts.can_manage_accounts(current_user, county_code)


def _back(enterprise_id: int):
    return redirect(url_for("enterprises.show", enterprise_id=enterprise_id) + "#accounts", 303)


def _mail_failed(exc) -> None:
    flash(_("The e-mail could not be sent (%(error)s); nothing was saved. Check the address, "
            "or try again later.", error=str(exc)[:200]), "danger")


@bp.post("/enterprises/<int:enterprise_id>/accounts")
def create(enterprise_id):
    try:
        user = accounts.create_account(current_user, enterprise_id,
                                       validate(accounts.AccountIn, _filled(request.form)))
    except ValidationFailed as exc:
        for field, messages in exc.fields.items():
            flash(f"{accounts.FIELD_LABELS.get(field, field)}：{'；'.join(messages)}", "danger")
    except MAIL_FAILED as exc:
        _mail_failed(exc)
    else:
        flash(_("Account %(name)s created; the link to set its password was sent to %(email)s.",
                name=user.username, email=user.email), "success")
    return _back(enterprise_id)


@bp.post("/enterprises/<int:enterprise_id>/accounts/<int:user_id>/link")
def resend(enterprise_id, user_id):
    try:
        user = accounts.resend_link(current_user, enterprise_id, user_id)
    except Conflict as exc:
        flash(exc.message, "danger")
    except MAIL_FAILED as exc:
        _mail_failed(exc)
    else:
        flash(_("A new link was sent to %(email)s; the earlier one no longer works.",
                email=user.email), "success")
    return _back(enterprise_id)


@bp.post("/enterprises/<int:enterprise_id>/accounts/<int:user_id>/deactivate")
def deactivate(enterprise_id, user_id):
    user = accounts.set_active(current_user, enterprise_id, user_id, False)
    flash(_("%(name)s deactivated: sessions ended, API tokens revoked.", name=user.username),
          "success")
    return _back(enterprise_id)


@bp.post("/enterprises/<int:enterprise_id>/accounts/<int:user_id>/activate")
def activate(enterprise_id, user_id):
    user = accounts.set_active(current_user, enterprise_id, user_id, True)
    flash(_("%(name)s reactivated.", name=user.username), "success")
    return _back(enterprise_id)


@bp.get("/submissions/enrolments")
def requests():
    status = request.args.get("status", "pending")
    if status not in accounts.ENROLMENT_STATUS_LABELS:
        status = "pending"
    rows = accounts.list_requests(current_user, status)
    return render_template("submissions/enrolments.html", rows=rows, status=status,
                           may_decide=may_manage_accounts,
                           matches={r.id: accounts.match(r) for r in rows},
                           county_names={c.code: c.name for c in list_counties()})


@bp.post("/submissions/enrolments/<int:request_id>/approve")
def approve(request_id):
    try:
        user = accounts.approve(current_user, request_id)
    except (Conflict, ValidationFailed) as exc:
        flash(exc.message or "；".join(m for ms in exc.fields.values() for m in ms), "danger")
    except MAIL_FAILED as exc:
        _mail_failed(exc)
    else:
        flash(_("Approved: account %(name)s created; the link to set its password was sent to "
                "%(email)s.", name=user.username, email=user.email), "success")
    return redirect(url_for("accounts.requests"), 303)


@bp.post("/submissions/enrolments/<int:request_id>/refuse")
def refuse(request_id):
    try:
        accounts.refuse(current_user, request_id,
                        validate(accounts.DecisionIn, _filled(request.form)))
    except ValidationFailed:
        flash(_("Give the reason for refusing; it is sent to the requester."), "danger")
    except Conflict as exc:
        flash(exc.message, "danger")
    except MAIL_FAILED as exc:
        _mail_failed(exc)
    else:
        flash(_("Refused; the requester has been told why."), "success")
    return redirect(url_for("accounts.requests"), 303)


# The public request form -------------------------------------------------------------------

@enrol.route("/portal/register", methods=["GET", "POST"])
def register():
    if not current_app.config.get("ENROLMENT_OPEN", True):
        abort(404)
    errors, data, status = {}, {}, 200
    if request.method == "POST":
        data = _filled(request.form)
        try:
            accounts.request_enrolment(validate(accounts.EnrolmentIn, data), request.remote_addr)
        except ValidationFailed as exc:
            errors, status = exc.fields, 422
        except TooManyAttempts as exc:
            errors, status = {"_": [exc.message]}, 429
        else:
            return render_template("submissions/enrol_done.html")
    return render_template("submissions/enrol.html", errors=errors, data=data,
                           counties=list_counties()), status
