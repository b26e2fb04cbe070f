"""The plan status as a SQL expression, mirroring ``registry.rules.plan_status``
so lists, filters and statistics are computed by the database."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from registry.clock import today as local_today
from registry.models import Plan
from registry.rules.plan_status import plan_status


def status_expression(today: date | None = None):
    today = today or local_today()
    soon = today + timedelta(days=current_app.config["DUE_SOON_DAYS"])
    return sa.case(
        (Plan.is_current.is_(False), "superseded"),
        (Plan.revision_required.is_(True), "revision_required"),
        (Plan.review_due_on < today, "overdue"),
        (Plan.review_due_on <= soon, "due_soon"),
        else_="filed",
    )


def status_of(plan: Plan, today: date | None = None) -> str:
    return plan_status(plan.review_due_on, today or local_today(), superseded=not plan.is_current,
                       revision_required=plan.revision_required,
                       due_soon_days=current_app.config["DUE_SOON_DAYS"])
