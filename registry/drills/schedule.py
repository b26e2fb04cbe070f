"""Drill schedule per enterprise: last drill, next due by the configured frequency,
overdue list (domain.md §5 [assumed, configurable]: every 12 months for every filed plan,
every 6 months for serious-risk enterprises)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import current_app

from registry import permissions
from registry.clock import today as local_today
from registry.drills.rules import next_drill_due
from registry.drills.schemas import ScheduleQuery
from registry.enterprises.service import get_enterprise
from registry.extensions import db
from registry.models import County, Drill, Enterprise, Plan
from registry.models.drills import drill_enterprises


def interval_months(risk_level: str) -> int:
    """Months between drills for an enterprise of ``risk_level`` (settings
    DRILL_INTERVAL_MONTHS_GENERAL / _MAJOR / _SERIOUS)."""
    return int(current_app.config[f"DRILL_INTERVAL_MONTHS_{risk_level.upper()}"])


def last_drills(today: date):
    return (sa.select(drill_enterprises.c.enterprise_id.label("enterprise_id"),
                      sa.func.max(Drill.held_on).label("last_on"))
            .join(Drill, Drill.id == drill_enterprises.c.drill_id)
            .where(Drill.held_on <= today)
            .group_by(drill_enterprises.c.enterprise_id).subquery())


def first_filings():
    return (sa.select(Plan.enterprise_id.label("enterprise_id"),
                      sa.func.min(Plan.filed_on).label("first_on"))
            .group_by(Plan.enterprise_id).subquery())


@dataclass(frozen=True)
class _County:
    name: str


@dataclass(frozen=True)
class ScheduleEnterprise:
    """What a schedule line shows of an enterprise (plain columns, no ORM object)."""

    id: int
    name: str
    county_code: str
    county: _County


def _row(enterprise, risk_level: str, last_on, first_on, today: date) -> dict:
    months = interval_months(risk_level)
    due = next_drill_due(last_on, first_on, months)
    return {"enterprise": enterprise, "risk_level": risk_level,
            "interval_months": months, "last_drill_on": last_on, "next_due_on": due,
            "overdue": due < today, "never_drilled": last_on is None}


def drill_schedule(actor, query: ScheduleQuery, today: date | None = None):
    """Every enterprise with a current plan in the caller's view, with its last drill and
    next due date; overdue first (most overdue on top). Returns (page of rows, total).

    Set-based (issue #18.3): one query of plain columns for the whole set (the last drill
    and the first filing grouped in the database), the due date by the pure rule per row
    (``next_drill_due``: month arithmetic the databases do differently), sorted and paged
    in memory; no ORM object is built."""
    today = today or local_today()
    last, first = last_drills(today), first_filings()
    stmt = (sa.select(Enterprise.id, Enterprise.name, Enterprise.county_code,
                      sa.func.coalesce(County.name, Enterprise.county_code).label("county"),
                      Plan.risk_level, last.c.last_on, first.c.first_on)
            .join(Plan, sa.and_(Plan.enterprise_id == Enterprise.id, Plan.is_current))
            .join(first, first.c.enterprise_id == Enterprise.id)
            .outerjoin(last, last.c.enterprise_id == Enterprise.id)
            .outerjoin(County, County.code == Enterprise.county_code))
    stmt = permissions.scope(stmt, actor, Enterprise.county_code)
    if query.county_code:
        stmt = stmt.where(Enterprise.county_code == query.county_code)
    rows = [_row(ScheduleEnterprise(r.id, r.name, r.county_code, _County(r.county)),
                 r.risk_level, r.last_on, r.first_on, today) for r in db.session.execute(stmt)]
    if query.overdue is not None:
        rows = [r for r in rows if r["overdue"] == query.overdue]
    rows.sort(key=lambda r: (not r["overdue"], r["next_due_on"], r["enterprise"].name))
    start = (query.page - 1) * query.per_page
    return rows[start:start + query.per_page], len(rows)


def enterprise_drill_status(actor, enterprise_id: int, today: date | None = None) -> dict:
    """One enterprise's drill status. Raises NotFound, PermissionDenied."""
    today = today or local_today()
    enterprise = get_enterprise(actor, enterprise_id)
    drills = list(db.session.scalars(
        sa.select(Drill).join(drill_enterprises, drill_enterprises.c.drill_id == Drill.id)
        .where(drill_enterprises.c.enterprise_id == enterprise.id, Drill.held_on <= today)
        .order_by(Drill.held_on.desc(), Drill.id.desc())))
    plan = db.session.scalar(sa.select(Plan).where(Plan.enterprise_id == enterprise.id,
                                                   Plan.is_current))
    result = {"enterprise_id": enterprise.id, "enterprise_name": enterprise.name,
              "drill_count": len(drills),
              "last_drill": None if not drills else {
                  "id": drills[0].id, "title": drills[0].title,
                  "held_on": drills[0].held_on.isoformat()},
              "risk_level": None, "interval_months": None, "next_due_on": None,
              "overdue": False, "has_current_plan": plan is not None}
    if plan is not None:
        first_on = db.session.scalar(sa.select(sa.func.min(Plan.filed_on))
                                     .where(Plan.enterprise_id == enterprise.id))
        row = _row(enterprise, plan.risk_level, drills[0].held_on if drills else None,
                   first_on, today)
        result.update(risk_level=plan.risk_level, interval_months=row["interval_months"],
                      next_due_on=row["next_due_on"].isoformat(), overdue=row["overdue"])
    return result
