from flask import Blueprint, render_template
from flask_login import current_user, login_required

from registry.plans.schemas import PlanQuery
from registry.plans.service import list_plans, plan_stats
from registry.jurisdictions.service import county_names

bp = Blueprint("web", __name__)


@bp.get("/")
@login_required
def index():
    due_soon, _n = list_plans(current_user, PlanQuery(status="due_soon", per_page=10))
    overdue, n_overdue = list_plans(current_user, PlanQuery(status="overdue", per_page=10))
    return render_template("index.html", stats=plan_stats(current_user), due_soon=due_soon,
                           overdue=overdue, n_overdue=n_overdue, county_names=county_names())
