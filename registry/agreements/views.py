"""Web pages: the register, one agreement (roster, meetings, history), the form, and the
printable notification sheet. Thin: parse → service → render."""
from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry import audit
from registry.agreements import documents, labels, permissions, roster, service, sheet
from registry.agreements.forms import flat_errors, list_query, nested
from registry.agreements.schemas import (AgreementIn, AgreementPatch, ContactIn, MeetingIn,
                                         SheetQuery)
from registry.drills.service import drills_for_agreement
from registry.errors import ValidationFailed
from registry.validation import form_data, validate
from registry.web.errors import error_json, wants_json

bp = Blueprint("agreements", __name__)
bp.context_processor(labels.context)


@bp.app_errorhandler(sheet.TraceUnavailable)
def _trace_unavailable(exc):
    if wants_json():
        return error_json(503, exc.code, exc.message)
    return render_template("error.html", status=503, message=exc.message), 503


@bp.get("/agreements")
@login_required
def index():
    query = list_query(request.args)
    rows = service.list_agreements(current_user, query)
    return render_template("agreements/index.html", query=query, rows=rows,
                           stale_counts={a.id: service.stale_count(a) for a, _s in rows},
                           counts=service.status_counts(current_user),
                           can_write=permissions.can_write_agreements(current_user))


def _form(agreement=None, data=None, errors=None, status=200):
    return render_template("agreements/form.html", agreement=agreement, data=data or {},
                           errors=flat_errors(errors or {})), status


@bp.route("/agreements/new", methods=["GET", "POST"])
@login_required
def create():
    permissions.require_write(current_user)
    if request.method == "GET":
        return _form()
    data = nested(request.form, lists_of_text=("rivers",))
    try:
        agreement = service.create_agreement(current_user, validate(AgreementIn, data))
    except ValidationFailed as exc:
        return _form(data=data, errors=exc.fields, status=422)
    flash(_("Agreement registered."), "success")
    return redirect(url_for("agreements.show", agreement_id=agreement.id))


@bp.route("/agreements/<int:agreement_id>/edit", methods=["GET", "POST"])
@login_required
def edit(agreement_id):
    agreement = service.get_agreement(current_user, agreement_id)
    permissions.require_write(current_user)
    if request.method == "GET":
        return _form(agreement, service.as_input(agreement))
    data = nested(request.form, lists_of_text=("rivers",))
    data.setdefault("sections", [])
    try:
        service.update_agreement(current_user, agreement_id, validate(AgreementPatch, data))
    except ValidationFailed as exc:
        return _form(agreement, data, exc.fields, status=422)
    flash(_("Agreement amended."), "success")
    return redirect(url_for("agreements.show", agreement_id=agreement_id))


@bp.get("/agreements/<int:agreement_id>")
@login_required
def show(agreement_id, contact_errors=None, meeting_errors=None, status=200):
    agreement = service.get_agreement(current_user, agreement_id)
    return render_template(
        "agreements/show.html", agreement=agreement, status=service.status_of(agreement),
        stale=service.contact_stale, party_line=service.party_line,
        can_write=permissions.can_write_agreements(current_user),
        history=audit.history("agreement", [agreement.id]),
        joint_drills=drills_for_agreement(current_user, agreement.id),
        elements=service.elements_of(agreement),
        contact_errors=contact_errors or {}, meeting_errors=meeting_errors or {},
        form=request.form if status != 200 else {}), status


@bp.post("/agreements/<int:agreement_id>/parties/<int:party_id>/contacts")
@login_required
def add_contact(agreement_id, party_id):
    try:
        roster.add_contact(current_user, agreement_id, party_id,
                           validate(ContactIn, form_data(request.form)))
    except ValidationFailed as exc:
        return show(agreement_id, contact_errors={party_id: exc.fields}, status=422)
    flash(_("Contact added."), "success")
    return redirect(url_for("agreements.show", agreement_id=agreement_id, _anchor="roster"))


@bp.route("/agreements/<int:agreement_id>/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
@login_required
def edit_contact(agreement_id, contact_id):
    contact = roster.get_contact(current_user, agreement_id, contact_id)
    permissions.require_write(current_user)
    if request.method == "GET":
        data = service.contact_dict(contact)
        return render_template("agreements/contact.html", contact=contact, data=data, errors={})
    data = form_data(request.form)
    try:
        roster.update_contact(current_user, agreement_id, contact_id, validate(ContactIn, data))
    except ValidationFailed as exc:
        return render_template("agreements/contact.html", contact=contact, data=data,
                               errors=exc.fields), 422
    flash(_("Contact updated."), "success")
    return redirect(url_for("agreements.show", agreement_id=agreement_id, _anchor="roster"))


@bp.post("/agreements/<int:agreement_id>/contacts/<int:contact_id>/verify")
@login_required
def verify_contact(agreement_id, contact_id):
    contact = roster.verify_contact(current_user, agreement_id, contact_id)
    flash(_("%(name)s marked as verified today.", name=contact.name), "success")
    return redirect(url_for("agreements.show", agreement_id=agreement_id, _anchor="roster"))


@bp.post("/agreements/<int:agreement_id>/contacts/<int:contact_id>/remove")
@login_required
def remove_contact(agreement_id, contact_id):
    roster.remove_contact(current_user, agreement_id, contact_id)
    flash(_("Contact removed from the roster."), "success")
    return redirect(url_for("agreements.show", agreement_id=agreement_id, _anchor="roster"))


@bp.post("/agreements/<int:agreement_id>/meetings")
@login_required
def add_meeting(agreement_id):
    try:
        roster.add_meeting(current_user, agreement_id, validate(MeetingIn, form_data(request.form)))
    except ValidationFailed as exc:
        return show(agreement_id, meeting_errors=exc.fields, status=422)
    flash(_("Meeting recorded."), "success")
    return redirect(url_for("agreements.show", agreement_id=agreement_id, _anchor="meetings"))


@bp.post("/agreements/<int:agreement_id>/document")
@login_required
def upload(agreement_id):
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ValidationFailed({"file": [_("Choose a file to upload.")]})
        documents.attach_document(current_user, agreement_id, upload.filename, upload.stream)
    except ValidationFailed as exc:
        flash("; ".join(m for msgs in exc.fields.values() for m in msgs), "danger")
    else:
        flash(_("File uploaded."), "success")
    return redirect(url_for("agreements.show", agreement_id=agreement_id))


@bp.get("/agreements/<int:agreement_id>/document")
@login_required
def download(agreement_id):
    path, agreement = documents.document_file(current_user, agreement_id)
    return send_file(path, mimetype=agreement.document_content_type, as_attachment=True,
                     download_name=agreement.document_original_name or path.name)


@bp.get("/notification-sheet")
@login_required
def notification_sheet():
    args = {k: v for k, v in request.args.items() if v != ""}
    name = args.pop("name", "").strip()[:100]
    if name or not args:  # the form, with the enterprises found by name
        found = sheet.find_enterprises(current_user, name) if name else None
        return render_template("agreements/sheet_form.html", errors={}, data={"name": name},
                               found=found)
    try:
        result = sheet.notification_sheet(current_user, validate(SheetQuery, args))
    except ValidationFailed as exc:
        return render_template("agreements/sheet_form.html", errors=exc.fields, data=args,
                               found=None), 422
    return render_template("agreements/sheet.html", sheet=result)
