"""Web pages of incident mode: list, report (map click / enterprise / coordinates), the
incident page (trace, clocks, timeline, notifications, resources, duty officer), the
editable reports, closing, the duty roster and the resources register. Thin."""
from __future__ import annotations

import io

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _, lazy_gettext as _l
from flask_login import current_user, login_required

from registry.errors import ValidationFailed
from registry.incidents import (closing, duty, notify, permissions, reports, resources,
                                resources_import, service)
from registry.incidents.schemas import (CloseIn, DutyIn, EntryIn, IncidentIn, IncidentQuery,
                                        NearestQuery, NotificationIn, ReportIn, ResourceIn,
                                        SurveyResourceIn)
from registry.jurisdictions.service import list_counties
from registry.map.service import layer_geojson
from registry.validation import form_data, validate
from registry.web.errors import error_json, wants_json
from registry.web.queries import read_query

bp = Blueprint("incidents", __name__)


@bp.app_errorhandler(notify.MailNotSent)
def _mail_not_sent(exc):
    if wants_json():
        return error_json(503, exc.code, exc.message)
    return render_template("error.html", status=503, message=exc.message), 503


@bp.get("/incidents")
@login_required
def index():
    query = read_query(IncidentQuery, request.args)
    rows, total = service.list_incidents(current_user, query)
    return render_template("incidents/index.html", rows=rows, total=total, query=query,
                           can_report=permissions.can_report_incident(current_user))


def _new_form(data=None, errors=None, status=200):
    from registry.drills.forms import enterprise_choices

    return render_template("incidents/new.html", data=data or {}, errors=errors or {},
                           counties=list_counties(), rivers=layer_geojson("rivers"),
                           enterprises=enterprise_choices(current_user)), status


@bp.route("/incidents/new", methods=["GET", "POST"])
@login_required
def create():
    from registry import permissions as core

    core.require(permissions.can_report_incident(current_user), current_user)
    if request.method == "GET":
        return _new_form({"reported_at": service.local(service.now_utc()).strftime("%Y-%m-%dT%H:%M")})
    data = form_data(request.form)
    try:
        incident = service.create_incident(current_user, validate(IncidentIn, data))
    except ValidationFailed as exc:
        return _new_form(data, exc.fields, 422)
    flash(_("Incident recorded; the downstream trace and the clocks are below."), "success")
    return redirect(url_for("incidents.show", incident_id=incident.id))


@bp.get("/incidents/<int:incident_id>")
@login_required
def show(incident_id, errors=None, status=200):
    incident = service.get_incident(current_user, incident_id)
    now = service.now_utc()
    nearby = resources.nearest(current_user, NearestQuery(longitude=incident.longitude,
                                                          latitude=incident.latitude, limit=5))
    return render_template(
        "incidents/show.html", incident=incident, rivers=layer_geojson("rivers"), title=service.title(incident),
        notices=service.notification_clocks(incident, now),
        report_clocks=service.report_clocks(incident, now), timeline=service.timeline(incident),
        intercepts=resources.at_intercepts(current_user, service.intercepts(incident)),
        nearby=nearby, duty=service.duty_today(), held=service.held_at(current_user, incident),
        actions=service.incident_actions(incident), errors=errors or {},
        can_write=permissions.can_write_incident(current_user, incident)), status


def _back(incident_id, anchor=None):
    return redirect(url_for("incidents.show", incident_id=incident_id, _anchor=anchor))


@bp.post("/incidents/<int:incident_id>/notifications")
@login_required
def notify_city(incident_id):
    try:
        row = notify.notify(current_user, incident_id, validate(NotificationIn, form_data(request.form)))
    except ValidationFailed as exc:
        return show(incident_id, errors=exc.fields, status=422)
    flash(_("%(city)s notified (%(how)s).", city=row.city, how=row.channel)
          + (" " + _("Late: after the due time.") if row.late else ""),
          "warning" if row.late else "success")
    return _back(incident_id, "notifications")


@bp.post("/incidents/<int:incident_id>/entries")
@login_required
def add_entry(incident_id):
    try:
        service.add_entry(current_user, incident_id, validate(EntryIn, form_data(request.form)))
    except ValidationFailed as exc:
        return show(incident_id, errors=exc.fields, status=422)
    return _back(incident_id, "timeline")


@bp.get("/incidents/<int:incident_id>/sheet")
@login_required
def sheet(incident_id):
    incident = service.get_incident(current_user, incident_id)
    owed = notify.owed_for(incident, request.args.get("city", ""))
    return send_file(io.BytesIO(notify.sheet_pdf(incident, owed)), mimetype="application/pdf",
                     download_name=f"通报单-{owed['city']}.pdf")


@bp.route("/incidents/<int:incident_id>/report", methods=["GET", "POST"])
@login_required
def report(incident_id):
    incident = service.get_incident(current_user, incident_id)
    permissions.require_write(current_user, incident)
    if request.method == "GET":
        stage = request.args.get("stage") if request.args.get("stage") in service.STAGE_NAMES else "initial"
        return render_template("incidents/report.html", incident=incident,
                               data=reports.prefill(incident, stage), errors={})
    data = form_data(request.form)
    try:
        content, name = reports.issue_report(current_user, incident_id, validate(ReportIn, data))
    except ValidationFailed as exc:
        return render_template("incidents/report.html", incident=incident, data=data,
                               errors=exc.fields), 422
    return send_file(io.BytesIO(content), as_attachment=True, download_name=name,
                     mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")


def _findings(form) -> dict:
    """The close form: rows findings-N-description/category/plan_needs_revision."""
    rows = []
    for i in range(10):
        description = form.get(f"findings-{i}-description", "").strip()
        if not description:
            continue
        rows.append({"description": description,
                     "category": form.get(f"findings-{i}-category") or None,
                     "plan_needs_revision": bool(form.get(f"findings-{i}-plan_needs_revision")),
                     "owner_unit": form.get(f"findings-{i}-owner_unit", "").strip() or None,
                     "due_on": form.get(f"findings-{i}-due_on") or None})
    return {"findings": rows, "summary": form.get("summary", "").strip() or None}


@bp.route("/incidents/<int:incident_id>/close", methods=["GET", "POST"])
@login_required
def close(incident_id):
    incident = service.get_for_write(current_user, incident_id)
    if request.method == "GET":
        return render_template("incidents/close.html", incident=incident, data={}, errors={})
    data = _findings(request.form)
    try:
        _incident, actions = closing.close_incident(current_user, incident_id, validate(CloseIn, data))
    except ValidationFailed as exc:
        return render_template("incidents/close.html", incident=incident, data=data,
                               errors=exc.fields), 422
    flash(_("Incident closed; %(n)s corrective action(s) recorded.", n=len(actions)), "success")
    return _back(incident_id, "actions")


@bp.route("/incidents/duty", methods=["GET", "POST"])
@login_required
def duty_roster():
    errors, data, status = {}, {}, 200
    if request.method == "POST":
        data = form_data(request.form)
        try:
            duty.set_shift(current_user, validate(DutyIn, data))
            flash(_("Duty roster saved."), "success")
            return redirect(url_for("incidents.duty_roster"))
        except ValidationFailed as exc:
            errors, status = exc.fields, 422
    return render_template("incidents/duty.html", shifts=duty.upcoming(current_user),
                           today=service.duty_today(), data=data, errors=errors,
                           can_edit=permissions.can_edit_roster(current_user)), status


@bp.route("/resources", methods=["GET", "POST"])
@login_required
def resources_index():
    errors, data, status = {}, {}, 200
    if request.method == "POST":
        data = form_data(request.form)
        try:
            resources.add_resource(current_user, validate(ResourceIn, data))
            flash(_("Resource registered."), "success")
            return redirect(url_for("incidents.resources_index"))
        except ValidationFailed as exc:
            errors, status = exc.fields, 422
    return _resources_page(data, errors, status)


def _resources_page(data=None, errors=None, status=200, import_errors=()):
    return render_template("incidents/resources.html", rows=resources.list_resources(current_user),
                           data=data or {}, errors=errors or {}, import_errors=import_errors,
                           can_write=permissions.can_write_resources(current_user)), status


@bp.post("/resources/import")
@login_required
def resources_import_upload():
    """Load resources from a workbook: all or nothing, every error listed on the page."""
    upload = request.files.get("file")
    try:
        counts = resources_import.import_upload(
            current_user, upload.stream if upload else io.BytesIO(), upload.filename if upload else None)
    except ValidationFailed as exc:
        return _resources_page(import_errors=exc.fields.get("file", []), status=422)
    flash(_("Resources imported: %(added)s added, %(updated)s updated, %(unchanged)s unchanged.",
            **counts), "success")
    return redirect(url_for("incidents.resources_index"))


def enterprise_resources(enterprise_id: int):
    """For the enterprise page: the rows of its 应急资源调查."""
    return resources.enterprise_resources(current_user, enterprise_id)


# The survey form's fields, as its labels name them in an error.
_SURVEY_LABELS = {"name": _l("Name"), "kind": _l("Kind (incident)"), "quantity": _l("Quantity"),
                  "unit": _l("Unit"), "longitude": _l("Longitude"), "latitude": _l("Latitude"),
                  "contact": _l("Contact details"), "last_checked_on": _l("Last checked on")}


@bp.post("/enterprises/<int:enterprise_id>/resources")
@login_required
def add_survey_row(enterprise_id):
    save_survey_row(enterprise_id)
    return redirect(url_for("enterprises.show", enterprise_id=enterprise_id, _anchor="resource-survey"))


def save_survey_row(enterprise_id) -> None:
    """A row of the enterprise's resource survey from the form (the enterprise page's or
    the portal's); errors flashed named by field, nothing saved."""
    try:
        resources.add_survey_row(current_user, enterprise_id,
                                 validate(SurveyResourceIn, form_data(request.form)))
    except ValidationFailed as exc:
        for field, messages in exc.fields.items():
            for message in messages:
                flash(f"{_SURVEY_LABELS.get(field, field)}：{message}", "danger")
        flash(_("The resource was not saved."), "danger")
    else:
        flash(_("Resource registered."), "success")


@bp.post("/enterprises/<int:enterprise_id>/resources/<int:resource_id>/delete")
@login_required
def remove_survey_row(enterprise_id, resource_id):
    resources.remove_survey_row(current_user, enterprise_id, resource_id)
    flash(_("Resource removed."), "success")
    return redirect(url_for("enterprises.show", enterprise_id=enterprise_id, _anchor="resource-survey"))
