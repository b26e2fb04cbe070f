"""Pages: the enterprise portal (blueprint ``portal``, enterprise users only) and the
county's review queue (blueprint ``submissions``, officers and administrators). Thin:
the rules are in ``registry.submissions.service``."""
from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry import audit, permissions
from registry.errors import Conflict, ValidationFailed
from registry.submissions import service
from registry.submissions.guard import enterprise_fence
from registry.submissions.schemas import ReturnIn, SubmissionIn
from registry.validation import form_data, validate

portal = Blueprint("portal", __name__, url_prefix="/portal")
bp = Blueprint("submissions", __name__)
bp.before_app_request(enterprise_fence)


@portal.before_request
@login_required
def _enterprise_users_only():
    permissions.require(permissions.is_enterprise_user(current_user), current_user)


@bp.before_request
@login_required
def _officers_only():
    permissions.require(not permissions.is_enterprise_user(current_user), current_user)


def _redirect_to(sub):
    if permissions.is_enterprise_user(current_user):
        return redirect(url_for("portal.submission", submission_id=sub.id))
    return redirect(url_for("submissions.show", submission_id=sub.id))


# The enterprise portal -----------------------------------------------------------------

@portal.get("/")
def index():
    enterprises = service.my_enterprises(current_user)
    return render_template("submissions/portal.html", enterprises=enterprises,
                           submissions=service.list_submissions(current_user))


@portal.get("/enterprises/<int:enterprise_id>")
def enterprise(enterprise_id):
    ent = service.get_enterprise_for(current_user, enterprise_id)
    from registry.plans.service import history

    return render_template("submissions/enterprise.html", enterprise=ent,
                           plans=history(permissions.SYSTEM, ent.id),
                           submissions=service.list_submissions(current_user,
                                                                enterprise_id=ent.id))


def _new_form(ent, errors=None, data=None, status=200):
    from registry.plans.service import history

    current = [p for p in history(permissions.SYSTEM, ent.id) if p.is_current]
    return render_template("submissions/new.html", enterprise=ent, errors=errors or {},
                           data=data or {}, current=current), status


@portal.route("/enterprises/<int:enterprise_id>/submissions/new", methods=["GET", "POST"])
def new(enterprise_id):
    ent = service.get_enterprise_for(current_user, enterprise_id)
    if request.method == "GET":
        return _new_form(ent)
    data = form_data(request.form)
    data["enterprise_id"] = ent.id
    if data.get("plan_id"):
        data["plan_id"] = int(data["plan_id"]) if str(data["plan_id"]).isdigit() else -1
    try:
        sub = service.create_submission(current_user, validate(SubmissionIn, data))
    except ValidationFailed as exc:
        return _new_form(ent, errors=exc.fields, data=data, status=422)
    flash(_("Draft saved. Now upload the five documents."), "success")
    return redirect(url_for("portal.submission", submission_id=sub.id))


def _show(template, sub, errors=None, status=200):
    return render_template(template, sub=sub, errors=errors or {},
                           missing=service.missing_documents(sub),
                           overdue=service.is_overdue(sub),
                           filing_number=service.filing_number(sub),
                           allowed=service.allowed_actions(current_user, sub),
                           clock=service.change_notice_clock(sub),
                           inventory_lines=service.inventory_lines(sub),
                           history=audit.history("submission", [sub.id])), status


@portal.get("/submissions/<int:submission_id>")
def submission(submission_id):
    return _show("submissions/portal_submission.html",
                 service.get_submission(current_user, submission_id))


@portal.post("/submissions/<int:submission_id>/documents")
def upload(submission_id):
    sub = service.get_submission(current_user, submission_id)
    upload_file = request.files.get("file")
    try:
        if upload_file is None or not upload_file.filename:
            raise ValidationFailed({"file": [_("Choose a file to upload.")]})
        service.attach(current_user, sub.id, request.form.get("kind", ""), upload_file.filename,
                       upload_file.stream)
    except ValidationFailed as exc:
        return _show("submissions/portal_submission.html", sub, errors=exc.fields, status=422)
    flash(_("Document uploaded."), "success")
    return redirect(url_for("portal.submission", submission_id=sub.id))


@portal.route("/submissions/<int:submission_id>/inventory", methods=["GET", "POST"])
def inventory(submission_id):
    """风险物质与分级: the application's risk inventory, graded as the bureau grades it."""
    from registry.substances.schemas import InventoryIn, SubstanceQuery
    from registry.substances.service import search
    from registry.substances.control_items import table
    from registry.substances.views import form_values, inventory_from_form

    sub = service.get_submission(current_user, submission_id)
    loaded = table()
    errors, status = {}, 200
    if request.method == "POST":
        try:
            service.set_inventory(current_user, sub.id,
                                  validate(InventoryIn, inventory_from_form(request.form, loaded)))
        except ValidationFailed as exc:
            errors = {k.removeprefix("inventory."): v for k, v in exc.fields.items()}
            status = 422
        else:
            flash(_("Risk inventory saved and graded."), "success")
            return redirect(url_for("portal.submission", submission_id=sub.id))
    values, lines = form_values(request.form if errors else None, sub.inventory, loaded)
    return render_template("submissions/portal_inventory.html", sub=sub, errors=errors,
                           control_table=loaded,
                           values=values, lines=lines + [{}] * 5,
                           editable=sub.status in service.EDITABLE,
                           declared=service.inventory_lines(sub),
                           substances=search(current_user, SubstanceQuery())), status


@portal.post("/submissions/<int:submission_id>/submit")
def submit(submission_id):
    sub = service.get_submission(current_user, submission_id)
    try:
        service.submit(current_user, sub.id)
    except ValidationFailed as exc:
        return _show("submissions/portal_submission.html", sub, errors=exc.fields, status=422)
    except Conflict as exc:
        flash(exc.message, "danger")
        return redirect(url_for("portal.submission", submission_id=sub.id)), 303
    flash(_("Submitted. The county bureau replies within 5 working days."), "success")
    return redirect(url_for("portal.submission", submission_id=sub.id))


@portal.post("/submissions/<int:submission_id>/withdraw")
def withdraw(submission_id):
    sub = service.withdraw(current_user, submission_id)
    flash(_("Submission withdrawn."), "success")
    return redirect(url_for("portal.submission", submission_id=sub.id))


@portal.get("/submissions/<int:submission_id>/documents/<int:document_id>")
def document(submission_id, document_id):
    path, doc = service.document_path(current_user, submission_id, document_id)
    return send_file(path, mimetype=doc.content_type, as_attachment=True,
                     download_name=doc.original_name)


@portal.get("/submissions/<int:submission_id>/receipt.pdf")
def receipt_pdf(submission_id):
    return _receipt(submission_id)


def _receipt(submission_id):
    from registry.submissions import receipt

    r = receipt.receipt_for(current_user, submission_id)
    return send_file(io.BytesIO(r.pdf), mimetype="application/pdf", as_attachment=True,
                     download_name=r.filename)


# The county's review queue -------------------------------------------------------------

@bp.get("/submissions")
def queue():
    status = request.args.get("status") or None
    if status not in (None, *service.STATUS_LABELS):
        status = None
    rows = (service.review_queue(current_user) if status in (None, "submitted")
            else service.list_submissions(current_user, status=status))
    return render_template("submissions/queue.html", rows=rows, status=status or "submitted",
                           is_overdue=service.is_overdue)


@bp.get("/submissions/<int:submission_id>")
def show(submission_id):
    sub = service.get_submission(current_user, submission_id)
    return _show("submissions/show.html", sub)


@bp.get("/submissions/<int:submission_id>/documents/<int:document_id>")
def officer_document(submission_id, document_id):
    path, doc = service.document_path(current_user, submission_id, document_id)
    inline = doc.content_type == "application/pdf"  # PDF preview in the page
    return send_file(path, mimetype=doc.content_type, as_attachment=not inline,
                     download_name=doc.original_name)


@bp.get("/submissions/<int:submission_id>/receipt.pdf")
def officer_receipt_pdf(submission_id):
    return _receipt(submission_id)


@bp.post("/submissions/<int:submission_id>/return")
def return_(submission_id):
    sub = service.get_submission(current_user, submission_id)
    reasons = []
    general = request.form.get("reason_general", "").strip()
    if general:
        reasons.append({"document": None, "reason": general})
    from registry.rules.plan_status import DOCUMENTS

    for kind in DOCUMENTS:
        text = request.form.get(f"reason_{kind}", "").strip()
        if text:
            reasons.append({"document": kind, "reason": text})
    data = {"reasons": reasons, "resubmit_by": request.form.get("resubmit_by") or None}
    try:
        service.return_submission(current_user, sub.id, validate(ReturnIn, data))
    except ValidationFailed as exc:
        return _show("submissions/show.html", sub, errors=exc.fields, status=422)
    except Conflict as exc:
        flash(exc.message, "danger")
        return redirect(url_for("submissions.show", submission_id=sub.id)), 303
    flash(_("Returned for correction; the enterprise has been notified."), "success")
    return redirect(url_for("submissions.show", submission_id=sub.id))


@bp.post("/submissions/<int:submission_id>/accept")
def accept(submission_id):
    sub = service.get_submission(current_user, submission_id)
    try:
        service.accept(current_user, sub.id)
    except ValidationFailed as exc:
        return _show("submissions/show.html", sub, errors=exc.fields, status=422)
    except Conflict as exc:
        flash(exc.message, "danger")
        return redirect(url_for("submissions.show", submission_id=sub.id)), 303
    flash(_("Filed: filing number %(number)s.", number=service.filing_number(sub)), "success")
    return redirect(url_for("submissions.show", submission_id=sub.id))
