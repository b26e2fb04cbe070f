from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry import audit, permissions
from registry.enterprises import service
from registry.enterprises.schemas import EnterpriseIn, EnterprisePatch, EnterpriseQuery
from registry.errors import Conflict, ValidationFailed
from registry.jurisdictions.service import counties_in_view, counties_writable
from registry.plans.service import history
from registry.rules.credit_code import division_warning
from registry.validation import form_data, rule_message, validate
from registry.web.queries import read_query

bp = Blueprint("enterprises", __name__)


@bp.get("/enterprises")
@login_required
def index():
    query = read_query(EnterpriseQuery, request.args)
    rows, total = service.list_enterprises(current_user, query)
    return render_template("enterprises/index.html", rows=rows, total=total, query=query,
                           counties=counties_in_view(current_user))


def _form(enterprise=None, errors=None, data=None, status=200):
    return render_template("enterprises/form.html", enterprise=enterprise, errors=errors or {},
                           data=data or {}, counties=counties_writable(current_user)), status


def _warn_location(enterprise) -> None:
    """A point outside the county given: saved, with a warning (issue #16 §2.5)."""
    from registry.map.service import location_warning

    warning = location_warning(enterprise.county_code, enterprise.longitude, enterprise.latitude)
    if warning is not None:
        flash(warning, "warning")


def _warn_division(credit_code: str) -> None:
    """Positions 3–8 no known division code: saved, with a warning (GB/T 2260 changes)."""
    warning = division_warning(credit_code)
    if warning is not None:
        flash(rule_message(warning), "warning")


@bp.route("/enterprises/new", methods=["GET", "POST"])
@login_required
def create():
    permissions.require(permissions.can_register_enterprise(current_user), current_user)
    if request.method == "GET":
        return _form()
    data = form_data(request.form, booleans=("cross_region",))
    try:
        enterprise = service.create_enterprise(current_user, validate(EnterpriseIn, data))
    except ValidationFailed as exc:
        return _form(errors=exc.fields, data=data, status=422)
    except Conflict as exc:
        return _form(errors={"credit_code": [exc.message]}, data=data, status=409)
    flash(_("Enterprise registered."), "success")
    _warn_division(enterprise.credit_code)
    _warn_location(enterprise)
    return redirect(url_for("enterprises.show", enterprise_id=enterprise.id))


@bp.route("/enterprises/<int:enterprise_id>/edit", methods=["GET", "POST"])
@login_required
def edit(enterprise_id):
    enterprise = service.get_enterprise(current_user, enterprise_id)
    permissions.require_write_county(current_user, enterprise.county_code)
    if request.method == "GET":
        return _form(enterprise, data=service.to_dict(enterprise))
    data = form_data(request.form, booleans=("cross_region",))
    try:
        changes = validate(EnterprisePatch, data)
        enterprise = service.update_enterprise(current_user, enterprise_id, changes)
    except ValidationFailed as exc:
        return _form(enterprise, errors=exc.fields, data=data, status=422)
    except Conflict as exc:
        return _form(enterprise, errors={"credit_code": [exc.message]}, data=data, status=409)
    flash(_("Changes saved."), "success")
    if changes.credit_code:
        _warn_division(changes.credit_code)
    _warn_location(enterprise)
    return redirect(url_for("enterprises.show", enterprise_id=enterprise_id))


@bp.get("/enterprises/<int:enterprise_id>")
@login_required
def show(enterprise_id):
    enterprise = service.get_enterprise(current_user, enterprise_id)
    plans = history(current_user, enterprise_id)
    entries = audit.history("enterprise", [enterprise.id]) + audit.history("plan", [p.id for p in plans])
    entries.sort(key=lambda e: (e.at, e.id), reverse=True)
    return render_template("enterprises/show.html", enterprise=enterprise, plans=plans,
                           audit_entries=entries,
                           can_write=permissions.can_write_county(current_user, enterprise.county_code))
