"""The plan status as a SQL expression, mirroring ``registry.rules.plan_status``
so lists, filters and statistics are computed by the database."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from registry.clock import today as local_today
from registry.models import Plan
from registry.rules.plan_status import plan_status, review_overdue


def status_expression(today: date | None = None):
    today = today or local_today()
    return status_case(today, due_soon_until(today))


def due_soon_until(today: date) -> date:
    """The last review date that counts as due soon on ``today``."""
    return today + timedelta(days=current_app.config["DUE_SOON_DAYS"])


def status_case(today, soon):
    """The status ``CASE``, with ``today`` and ``soon`` (``due_soon_until``) as dates or
    as bound parameters (a statement built once and run with new dates each day)."""
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


def overdue_of(plan: Plan, today: date | None = None) -> bool:
    """Past the review date (current versions only), whatever the revision flag says."""
    return review_overdue(plan.review_due_on, today or local_today(), superseded=not plan.is_current)


def overdue_expression(today: date | None = None):
    """SQL twin of :func:`overdue_of`."""
    return sa.and_(Plan.is_current.is_(True), Plan.review_due_on < (today or local_today()))
