from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry import permissions
from registry.errors import Conflict, ValidationFailed
from registry.jurisdictions import service

bp = Blueprint("jurisdictions", __name__)


@bp.route("/jurisdictions", methods=["GET", "POST"])
@login_required
def index():
    errors = {}
    if request.method == "POST":
        try:
            service.add_zone(current_user, request.form.get("code", ""), request.form.get("name", ""))
        except ValidationFailed as exc:
            errors = exc.fields
        except Conflict as exc:
            errors = {"code": [exc.message]}
        else:
            flash(_("Functional zone added."), "success")
            return redirect(url_for("jurisdictions.index"))
    return render_template("jurisdictions/index.html",
                           counties=service.list_counties(include_retired=True), errors=errors,
                           form=request.form,
                           can_manage=permissions.can_manage_jurisdictions(current_user)), \
        422 if errors else 200
