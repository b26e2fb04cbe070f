"""The dashboard's panel (``registry.workflows.dashboard``): applications waiting for the
county's reply (待受理) and those past the 5-working-day reply date (超期未办理)."""
from __future__ import annotations

from datetime import date

from registry.submissions.service import is_overdue, list_submissions
from registry.workflows.dashboard import Panel


def context(actor, today: date) -> dict:
    waiting = list_submissions(actor, status="submitted")
    return {"waiting": len(waiting), "overdue": sum(is_overdue(s, today) for s in waiting)}


PANEL = Panel(key="submissions", template="submissions/_dashboard_panel.html", context=context,
              order=5, width="col-lg-4")
