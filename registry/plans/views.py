from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry import audit, permissions
from registry.enterprises.service import get_enterprise
from registry.errors import Conflict, StorageFull, ValidationFailed
from registry.plans import documents, service
from registry.plans.schemas import CorrectionIn, PlanIn, PlanQuery, RevisionIn, nested_form
from registry.plans.status import status_of
from registry.validation import form_data, validate
from registry.web.queries import read_query

bp = Blueprint("plans", __name__)


@bp.get("/plans")
@login_required
def index():
    query = read_query(PlanQuery, request.args)
    rows, total = service.list_plans(current_user, query)
    return render_template("plans/index.html", rows=rows, total=total, query=query)


def _plan_input(schema, extra=None):
    lists = ("documents", "carried_over") if schema is RevisionIn else ("documents",)
    data = nested_form(form_data(request.form, booleans=("penalised",), lists=lists))
    data.update(extra or {})
    return data, validate(schema, data)


def _form(enterprise, mode, plan=None, errors=None, data=None, status=200):
    return render_template("plans/form.html", enterprise=enterprise, mode=mode, plan=plan,
                           errors=errors or {}, data=data or {}), status


@bp.route("/enterprises/<int:enterprise_id>/plans/new", methods=["GET", "POST"])
@login_required
def create(enterprise_id):
    enterprise = get_enterprise(current_user, enterprise_id)
    permissions.require_write_county(current_user, enterprise.county_code)
    if request.method == "GET":
        return _form(enterprise, "file")
    data = {}
    try:
        data, body = _plan_input(PlanIn, {"enterprise_id": enterprise_id})
        plan = service.file_plan(current_user, body)
    except (ValidationFailed, Conflict) as exc:
        return _form(enterprise, "file", errors=exc.fields,
                     data=data or request.form, status=422)
    flash(_("Plan filed with number %(number)s.", number=plan.filing_number), "success")
    return redirect(url_for("plans.show", plan_id=plan.id))


@bp.route("/plans/<int:plan_id>/revise", methods=["GET", "POST"])
@login_required
def revise(plan_id):
    plan = service.get_plan(current_user, plan_id)
    permissions.require_write_county(current_user, plan.enterprise.county_code)
    if request.method == "GET":
        return _form(plan.enterprise, "revise", plan)
    data = {}
    try:
        data, body = _plan_input(RevisionIn)
        new = service.revise_plan(current_user, plan_id, body)
    except (ValidationFailed, Conflict) as exc:
        return _form(plan.enterprise, "revise", plan,
                     errors=exc.fields,
                     data=data or request.form, status=422)
    flash(_("Revision filed with number %(number)s.", number=new.filing_number), "success")
    return redirect(url_for("plans.show", plan_id=new.id))


@bp.route("/plans/<int:plan_id>/correct", methods=["GET", "POST"])
@login_required
def correct(plan_id):
    plan = service.get_plan(current_user, plan_id)
    permissions.require_write_county(current_user, plan.enterprise.county_code)
    if request.method == "GET":
        return _form(plan.enterprise, "correct", plan)
    data = form_data(request.form, lists=("documents",))
    try:
        service.correct_plan(current_user, plan_id, validate(CorrectionIn, data))
    except (ValidationFailed, Conflict) as exc:
        return _form(plan.enterprise, "correct", plan,
                     errors=exc.fields, data=data,
                     status=422)
    flash(_("Correction saved."), "success")
    return redirect(url_for("plans.show", plan_id=plan_id))


@bp.get("/plans/<int:plan_id>")
@login_required
def show(plan_id):
    plan = service.get_plan(current_user, plan_id)
    return render_template("plans/show.html", plan=plan, info=service.to_dict(plan),
                           inventory=service.inventory_version_of(plan),
                           status=status_of(plan), audit_entries=audit.history("plan", [plan.id]),
                           changes=service.plan_changes(current_user, plan.id),
                           earlier=documents.earlier_files(plan.id),
                           can_write=permissions.can_write_county(current_user,
                                                                  plan.enterprise.county_code))


@bp.post("/plans/<int:plan_id>/documents/<kind>")
@login_required
def upload(plan_id, kind):
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ValidationFailed({"file": [_("Choose a file to upload.")]})
        documents.attach_document(current_user, plan_id, kind, upload.filename, upload.stream,
                                  replace=request.form.get("replace") == "1")
    except ValidationFailed as exc:
        flash("; ".join(m for msgs in exc.fields.values() for m in msgs), "danger")
    except (documents.ReplaceUnconfirmed, StorageFull) as exc:
        flash(exc.message, "danger")
    else:
        flash(_("File uploaded."), "success")
    return redirect(url_for("plans.show", plan_id=plan_id))


@bp.get("/plans/<int:plan_id>/earlier-files/<int:file_id>")
@login_required
def earlier_file(plan_id, file_id):
    path, row = documents.earlier_file(current_user, plan_id, file_id)
    return send_file(path, mimetype=row.content_type, as_attachment=True,
                     download_name=row.original_name or path.name)


@bp.get("/plans/<int:plan_id>/documents/<kind>")
@login_required
def download(plan_id, kind):
    path, doc = documents.document_file(current_user, plan_id, kind)
    return send_file(path, mimetype=doc.content_type, as_attachment=True,
                     download_name=doc.original_name or path.name)
