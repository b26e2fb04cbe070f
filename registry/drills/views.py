"""Drill pages: list and yearly figures, form, drill with its improvement plan, the
improvement plan across drills (整改), and the drill schedule with the overdue list."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, send_file, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry import audit
from registry.clock import today
from registry.drills import actions, attachments, schedule, serialise, service
from registry.drills import permissions as drill_permissions
from registry.drills.forms import (action_form_data, action_list_query, action_view,
                                   drill_form_data, drill_list_query, enterprise_choices, query)
from registry.drills.schemas import (ActionIn, ActionPatch, DrillIn, DrillPatch, DrillQuery,
                                     ScheduleQuery)
from registry.errors import Conflict, ValidationFailed
from registry.jurisdictions.service import counties_in_view, list_counties
from registry.validation import validate

bp = Blueprint("drills", __name__)


def enterprise_drills(enterprise_id: int):
    """For the enterprise page: every drill exercising the enterprise that the user may
    read, newest first (the drill list's own query, all years)."""
    return service.all_drills(current_user, DrillQuery(enterprise_id=enterprise_id))


@bp.get("/drills")
@login_required
def index():
    q = drill_list_query(request.args)
    rows, total = service.list_drills(current_user, q)
    return render_template("drills/index.html", rows=rows, total=total, query=q,
                           stats=service.drill_stats(current_user, q.year),
                           counties=counties_in_view(current_user))


def _form(drill=None, errors=None, data=None, status=200):
    return render_template("drills/form.html", drill=drill, errors=errors or {}, data=data or {},
                           counties=list_counties(),
                           enterprises=enterprise_choices(current_user)), status


@bp.route("/drills/new", methods=["GET", "POST"])
@login_required
def create():
    if request.method == "GET":
        return _form(data={"held_on": today().isoformat()})
    data = drill_form_data(request.form)
    try:
        drill = service.create_drill(current_user, validate(DrillIn, data))
    except ValidationFailed as exc:
        return _form(errors=exc.fields, data=data, status=422)
    flash(_("Drill recorded."), "success")
    return redirect(url_for("drills.show", drill_id=drill.id))


@bp.route("/drills/<int:drill_id>/edit", methods=["GET", "POST"])
@login_required
def edit(drill_id):
    drill = service.get_drill(current_user, drill_id)
    drill_permissions.require_write_drill(current_user, drill)
    if request.method == "GET":
        data = serialise.drill_to_dict(drill)
        data["enterprise_ids"] = [e["id"] for e in data["enterprises"]]
        return _form(drill, data=data)
    data = drill_form_data(request.form)
    try:
        service.update_drill(current_user, drill_id, validate(DrillPatch, data))
    except ValidationFailed as exc:
        return _form(drill, errors=exc.fields, data=data, status=422)
    flash(_("Changes saved."), "success")
    return redirect(url_for("drills.show", drill_id=drill_id))


def _show(drill_id, action_errors=None, action_data=None, status=200):
    drill = service.get_drill(current_user, drill_id)
    writable = drill_permissions.can_write_drill(
        current_user, drill.organiser_level, drill.county_code,
        {e.county_code for e in drill.enterprises})
    return render_template(
        "drills/show.html", drill=drill, today=today(), can_write=writable,
        incomplete=service.incomplete_actions(drill), is_owner=actions.is_owner,
        action_errors=action_errors or {}, action_data=action_data or {},
        audit_entries=audit.history("drill", [drill.id])
        + audit.history("action", [a.id for a in drill.actions])), status


@bp.get("/drills/<int:drill_id>")
@login_required
def show(drill_id):
    return _show(drill_id)


@bp.post("/drills/<int:drill_id>/status")
@login_required
def set_status(drill_id):
    try:
        service.update_drill(current_user, drill_id,
                             validate(DrillPatch, {"status": request.form.get("status")}))
    except ValidationFailed as exc:
        flash(" ".join(m for msgs in exc.fields.values() for m in msgs), "danger")
    else:
        flash(_("Drill closed.") if request.form.get("status") == "closed"
              else _("Drill reopened."), "success")
    return redirect(url_for("drills.show", drill_id=drill_id))


@bp.post("/drills/<int:drill_id>/actions")
@login_required
def add_action(drill_id):
    data = action_form_data(request.form)
    try:
        actions.add_action(current_user, drill_id, validate(ActionIn, data))
    except (ValidationFailed, Conflict) as exc:
        return _show(drill_id, exc.fields, data, 422)
    flash(_("Corrective action recorded."), "success")
    return redirect(url_for("drills.show", drill_id=drill_id, _anchor="actions"))


@bp.route("/actions/<int:action_id>/edit", methods=["GET", "POST"])
@login_required
def edit_action(action_id):
    action = actions.get_action(current_user, action_id)
    drill_permissions.require_write_drill(current_user, action.drill)
    data, errors, status = serialise.action_to_dict(action), {}, 200
    if request.method == "POST":
        data = action_form_data(request.form)
        try:
            actions.change_action(current_user, action_id, validate(ActionPatch, data))
        except (ValidationFailed, Conflict) as exc:
            errors, status = exc.fields, 422
        else:
            flash(_("Changes saved."), "success")
            return redirect(url_for("drills.show", drill_id=action.drill_id, _anchor="actions"))
    return render_template("drills/action_form.html", action=action, data=data,
                           errors=errors), status


@bp.post("/actions/<int:action_id>/status")
@login_required
def move_action(action_id):
    action = actions.get_action(current_user, action_id)
    body = {"status": request.form.get("status")}
    if request.form.get("evidence", "").strip():
        body["evidence"] = request.form["evidence"].strip()
    try:
        move = validate(ActionPatch, body)
        actions.move_action(current_user, action_id, move.status, move.evidence)
    except (ValidationFailed, Conflict) as exc:
        flash(" ".join(m for msgs in exc.fields.values()
                       for m in msgs), "danger")
    else:
        flash(_("Status changed."), "success")
    return redirect(_local_path(request.form.get("next")) or
                    url_for("drills.show", drill_id=action.drill_id, _anchor="actions"))


def _local_path(target: str | None) -> str | None:
    """``target`` if it is a path on this site; never another site (no open redirect)."""
    if (target and target.startswith("/") and not target.startswith(("//", "/\\"))
            and not urlsplit(target).netloc):
        return target
    return None


@bp.post("/drills/<int:drill_id>/files")
@bp.post("/drills/<int:drill_id>/actions/<int:action_id>/files")
@login_required
def upload(drill_id, action_id=None):
    upload = request.files.get("file")
    try:
        if upload is None or not upload.filename:
            raise ValidationFailed({"file": [_("Choose a file to upload.")]})
        attachments.attach_file(current_user, drill_id, request.form.get("kind", "other"),
                                upload.filename, upload.stream, action_id=action_id)
    except ValidationFailed as exc:
        flash("; ".join(m for msgs in exc.fields.values() for m in msgs), "danger")
    else:
        flash(_("File uploaded."), "success")
    return redirect(url_for("drills.show", drill_id=drill_id))


@bp.get("/drills/files/<int:attachment_id>")
@login_required
def download(attachment_id):
    path, attachment = attachments.attachment_file(current_user, attachment_id)
    return send_file(path, mimetype=attachment.content_type, as_attachment=True,
                     download_name=attachment.original_name)


@bp.get("/actions")
@login_required
def improvement_plan():
    view, q = action_view(request.args), action_list_query(request.args)
    rows, total = actions.list_actions(current_user, q)
    owners = actions.open_by_owner(current_user, q) if view == "open" else []
    return render_template("drills/actions.html", rows=rows, total=total, query=q, view=view,
                           owners=owners, counties=counties_in_view(current_user), today=today())


@bp.get("/drills/schedule")
@login_required
def schedule_view():
    q = query(ScheduleQuery)
    rows, total = schedule.drill_schedule(current_user, q)
    return render_template("drills/schedule.html", rows=rows, total=total, query=q,
                           counties=counties_in_view(current_user))



