"""The enterprise's own 应急资源调查 in its portal: an enterprise user enters and removes the
rows of its own enterprises (the services scope them; another enterprise's id is a 404).
A blueprint of its own under /portal, opened to enterprise users by the fence
(``submissions.guard.OPEN_BLUEPRINTS``) and closed to everybody else here."""
from __future__ import annotations

from flask import Blueprint, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry import permissions
from registry.incidents import views

bp = Blueprint("portal_resources", __name__, url_prefix="/portal")


@bp.before_request
@login_required
def _enterprise_users_only():
    permissions.require(permissions.is_enterprise_user(current_user), current_user)


def _back(enterprise_id):
    return redirect(url_for("portal.enterprise", enterprise_id=enterprise_id, _anchor="resource-survey"))


@bp.post("/enterprises/<int:enterprise_id>/resources")
def add_row(enterprise_id):
    views.save_survey_row(enterprise_id)
    return _back(enterprise_id)


@bp.post("/enterprises/<int:enterprise_id>/resources/<int:resource_id>/delete")
def remove_row(enterprise_id, resource_id):
    from registry.incidents import resources

    resources.remove_survey_row(current_user, enterprise_id, resource_id)
    flash(_("Resource removed."), "success")
    return _back(enterprise_id)
