"""The dashboard's figures, and the registry of its panels.

Plans come from the plans service. Other areas (drills, corrective actions, agreements)
declare a :class:`Panel` in their ``Area(dashboard_panels=...)``: a template under
templates/<area>/ and a function ``(actor, today) -> dict`` giving its context.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from collections.abc import Callable

from registry.clock import today as local_today
from registry.areas import registry
from registry.plans.schemas import PlanQuery
from registry.plans.service import list_plans, plan_stats

DUE_WINDOWS = (30, 90)


@dataclass(frozen=True)
class Panel:
    key: str                                # unique, e.g. "drills"
    template: str                           # included in the dashboard's panel grid
    context: Callable[[object, date], dict]  # (actor, today) -> the template's variables
    order: int = 100                        # lower comes first
    width: str = "col-lg-4"                 # Bootstrap column class


def plan_figures(actor, today: date | None = None) -> dict:
    """Current plans by level, county and status; reviews due in the next 30/90 days
    (counts and the first few), all within the caller's jurisdiction."""
    today = today or local_today()
    figures = {"stats": plan_stats(actor, today), "due": {}}
    for days in DUE_WINDOWS:
        rows, total = list_plans(actor, PlanQuery(due_within_days=days, per_page=8), today)
        figures["due"][days] = {"total": total,
                                "rows": sorted(rows, key=lambda r: r[0].review_due_on)}
    return figures


def panels(actor, today: date | None = None) -> list[tuple[Panel, dict]]:
    """The areas' panels in order, each with its context."""
    today = today or local_today()
    return [(p, p.context(actor, today))
            for p in sorted(registry().dashboard_panels.values(), key=lambda p: p.order)]
