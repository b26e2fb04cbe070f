"""Filing deadlines (domain.md §2): asked for one signing date, and recomputed when the
official calendar of a year arrives (a newer ``chinesecalendar``).

A deadline reaching into a year the calendar does not know is approximate (statutory
holidays only, no 调休; ``registry/rules/workdays.py``). ``recompute_deadlines`` computes
every approximate deadline again, re-judges ``filed_late`` and records each change in the
audit trail; ``flask --app registry recompute-deadlines`` runs it (``make run`` after
``db upgrade``).
"""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import current_app

from registry import audit, permissions
from registry.extensions import db
from registry.models import Plan, PlanChange
from registry.rules.workdays import calendar_known, filing_deadline

FIELDS = ("filing_deadline", "deadline_approximate", "filed_late")


def deadline_for(actor, signed_on: date) -> dict:
    """The filing deadline of a plan signed on ``signed_on``: any signed-in role (the API
    has authenticated ``actor``; no jurisdiction is involved)."""
    days = _working_days()
    deadline, approximate = filing_deadline(signed_on, days)
    return {"signed_on": signed_on.isoformat(), "deadline": deadline.isoformat(),
            "approximate": approximate, "working_days": days}


def _working_days() -> int:
    return current_app.config["FILING_DEADLINE_WORKING_DAYS"]


def recompute_deadlines(actor) -> dict:
    """Recompute every approximate deadline; re-judge ``filed_late``; audited, one commit.

    Returns ``{"checked", "changed", "still_approximate", "now_late", "no_longer_late"}``.
    Administrators only (the CLI acts as ``SystemActor``)."""
    permissions.require(getattr(actor, "role", None) == "admin", actor)
    plans = db.session.scalars(sa.select(Plan).where(Plan.deadline_approximate.is_(True))
                               .order_by(Plan.id)).all()
    counts = dict(checked=len(plans), changed=0, still_approximate=0, now_late=0,
                  no_longer_late=0)
    days = _working_days()
    for plan in plans:
        before = audit.snapshot(plan, FIELDS)
        deadline, approximate = filing_deadline(plan.signed_on, days)
        late = plan.filed_on > deadline
        counts["still_approximate"] += approximate
        if (deadline, approximate, late) == (plan.filing_deadline, plan.deadline_approximate,
                                              plan.filed_late):
            continue
        counts["now_late"] += late and not plan.filed_late
        counts["no_longer_late"] += plan.filed_late and not late
        plan.filing_deadline, plan.deadline_approximate, plan.filed_late = (
            deadline, approximate, late)
        old, new = audit.diff(before, audit.snapshot(plan, FIELDS))
        audit.record(actor, "recompute_deadline", "plan", plan.id, old, new)
        counts["changed"] += 1
    counts["changes"] = _recompute_change_deadlines(actor, days)
    db.session.commit()
    return counts


def _recompute_change_deadlines(actor, days: int) -> int:
    """The same for minor changes' notification deadlines; returns how many changed."""
    changed = 0
    for change in db.session.scalars(sa.select(PlanChange).where(
            PlanChange.notify_by_approximate.is_(True)).order_by(PlanChange.id)):
        fields = ("notify_by", "notify_by_approximate", "notified_late")
        before = audit.snapshot(change, fields)
        notify_by, approximate = filing_deadline(change.changed_on, days)
        change.notify_by, change.notify_by_approximate = notify_by, approximate
        change.notified_late = change.notified_on > notify_by
        old, new = audit.diff(before, audit.snapshot(change, fields))
        if new:
            audit.record(actor, "recompute_deadline", "plan_change", change.id, old, new)
            changed += 1
    return changed


def next_year_unknown(today: date) -> bool:
    """In December: whether next year's official calendar is still unknown."""
    return today.month == 12 and not calendar_known(today.year + 1)
