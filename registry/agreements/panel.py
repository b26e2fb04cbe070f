"""The dashboard's agreement panel (``registry.workflows.dashboard``)."""
from __future__ import annotations

from datetime import date

from flask import url_for

from registry.agreements.labels import STATUSES
from registry.agreements.service import status_counts
from registry.workflows.dashboard import Panel


STATUS_COLOURS = {"active": "#198754", "expiring": "#ffc107", "expired": "#6c757d"}


def status_chart(counts: dict[str, int]) -> dict:
    """Agreements by status as a doughnut, each slice opening the filtered list."""
    return {"type": "doughnut", "labels": [str(STATUSES[s]) for s in counts],
            "values": list(counts.values()), "colours": [STATUS_COLOURS[s] for s in counts],
            "links": [url_for("agreements.index", status=s) for s in counts]}


def context(actor, today: date) -> dict:
    counts = status_counts(actor, today)
    return {"agreements": counts, "status_chart": status_chart(counts)}


PANEL = Panel(key="agreements", template="agreements/_dashboard_panel.html", context=context,
              order=20, width="col-lg-6")
