"""The dashboard's drill and corrective-action panel (``registry.workflows.dashboard``)."""
from __future__ import annotations

from datetime import date

from flask import url_for

from registry.drills.actions import list_actions
from registry.drills.labels import THEMES
from registry.drills.schemas import ActionQuery
from registry.drills.service import drill_stats
from registry.workflows.dashboard import Panel


def _count(actor, today: date, **filters) -> int:
    return list_actions(actor, ActionQuery(per_page=1, **filters), today)[1]


def theme_chart(stats: dict) -> dict:
    """The year's drills by theme as a horizontal bar chart, each bar opening the list."""
    themes = stats["by_theme"]
    return {"type": "bar", "horizontal": True,
            "labels": [str(THEMES.get(key, key)) for key in themes],
            "values": list(themes.values()),
            "links": [url_for("drills.index", year=stats["year"], theme=key) for key in themes]}


def context(actor, today: date) -> dict:
    stats = drill_stats(actor, today.year)
    return {"drills": stats, "theme_chart": theme_chart(stats),
            "actions": {"open": _count(actor, today, status="open")
                        + _count(actor, today, status="in_progress"),
                        "overdue": _count(actor, today, overdue=True),
                        "closed": _count(actor, today, closed_year=today.year)}}


PANEL = Panel(key="drills", template="drills/_dashboard_panel.html", context=context, order=10,
              width="col-lg-6")
