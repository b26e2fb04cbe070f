"""The dashboard's agreement panel (``registry.workflows.dashboard``)."""
from __future__ import annotations

from datetime import date

from registry.agreements.service import status_counts
from registry.workflows.dashboard import Panel


def context(actor, today: date) -> dict:
    return {"agreements": status_counts(actor, today)}


PANEL = Panel(key="agreements", template="agreements/_dashboard_panel.html", context=context,
              order=20, width="col-lg-6")
