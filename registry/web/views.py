from flask import Blueprint
from flask_login import login_required

bp = Blueprint("web", __name__)


@bp.get("/")
@login_required
def index():
    """The home page is the dashboard (registry.workflows)."""
    from registry.workflows.home_views import render_dashboard

    return render_dashboard()
