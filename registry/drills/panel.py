"""The dashboard's drill and corrective-action panel (``registry.workflows.dashboard``)."""
from __future__ import annotations

from datetime import date

from registry.drills.actions import list_actions
from registry.drills.schemas import ActionQuery
from registry.drills.service import drill_stats
from registry.workflows.dashboard import Panel


def _count(actor, today: date, **filters) -> int:
    return list_actions(actor, ActionQuery(per_page=1, **filters), today)[1]


def context(actor, today: date) -> dict:
    return {"drills": drill_stats(actor, today.year),
            "actions": {"open": _count(actor, today, status="open")
                        + _count(actor, today, status="in_progress"),
                        "overdue": _count(actor, today, overdue=True),
                        "closed": _count(actor, today, closed_year=today.year)}}


PANEL = Panel(key="drills", template="drills/_dashboard_panel.html", context=context, order=10,
              width="col-lg-6")
