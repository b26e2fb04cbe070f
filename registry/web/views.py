from flask import Blueprint
from flask_login import login_required

bp = Blueprint("web", __name__)


@bp.get("/")
@login_required
def index():
    """The home page is the dashboard (registry.workflows)."""
    from registry.workflows.home_views import render_dashboard

    return render_dashboard()


@bp.get("/healthz")
def healthz():
    """Liveness for a load balancer or monitor: the process answers. Touches nothing, so it
    is also the floor the load benchmark (bench/load.py) measures the app against."""
    return {"status": "ok"}


@bp.get("/healthz/db")
def healthz_db():
    """Readiness: the database answers a trivial query (503 through the error handler
    when it does not). Public and cheap: it says nothing about the data."""
    import sqlalchemy as sa

    from registry.extensions import db

    db.session.execute(sa.text("SELECT 1"))
    return {"status": "ok", "database": "ok"}
