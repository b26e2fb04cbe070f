"""The home page: the dashboard (served at ``/`` by ``web.index``)."""
from __future__ import annotations

from flask import render_template, url_for
from flask_login import current_user

from registry.jurisdictions.service import county_names
from registry.web.labels import LEVELS, STATUSES
from registry.workflows import dashboard
from registry.workflows.permissions import can_import


def _chart(labels, values, links) -> dict:
    return {"labels": [str(x) for x in labels], "values": list(values), "links": links}


def chart_data(stats: dict, names: dict) -> dict:
    """Series for the charts; a click on a bar or slice opens the filtered list."""
    levels, counties, statuses = stats["by_risk_level"], stats["by_county"], stats["by_status"]
    return {
        "level": _chart([LEVELS[k] for k in levels], levels.values(),
                        [url_for("plans.index", current=1, risk_level=k) for k in levels]),
        "county": _chart([names.get(k, k) for k in counties], counties.values(),
                         [url_for("plans.index", current=1, county_code=k) for k in counties]),
        "status": _chart([STATUSES[k] for k in statuses], statuses.values(),
                         [url_for("plans.index", status=k) for k in statuses]),
    }


def render_dashboard():
    figures = dashboard.plan_figures(current_user)
    names = county_names()
    return render_template("workflows/dashboard.html", figures=figures,
                           charts=chart_data(figures["stats"], names),
                           panels=dashboard.panels(current_user), county_names=names,
                           can_import=can_import(current_user))
