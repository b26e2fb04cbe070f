"""HTML form and query-string input for the drill pages, shaped for the schemas."""
from __future__ import annotations

import sqlalchemy as sa
from flask import request

from registry import permissions
from registry.clock import today
from registry.drills.schemas import ActionQuery, DrillQuery
from registry.extensions import db
from registry.models import Enterprise
from registry.validation import form_data
from registry.web.queries import read_query


def drill_form_data(form) -> dict:
    data = form_data(form, lists=("enterprise_ids",))
    bodies = data.pop("participating_bodies", None) or ""
    data["participating_bodies"] = [line.strip() for line in bodies.splitlines() if line.strip()]
    data["enterprise_ids"] = [v for v in data["enterprise_ids"] if v]
    if data.get("type_scheme") == "legacy":
        data["content_type"] = data["form_type"] = None
    elif data.get("type_scheme") == "axes":
        data["legacy_type"] = None
    data.pop("type_scheme", None)
    return data


def action_form_data(form) -> dict:
    data = form_data(form, booleans=("plan_needs_revision",))
    data.pop("next", None)
    return data


def query(schema, **defaults):
    """The current page's filters from ``request.args`` (see ``read_query``)."""
    return read_query(schema, request.args, **defaults)


def drill_list_query(args) -> DrillQuery:
    """The drill list's filter: this year's drills unless a year is given (empty: all)."""
    return read_query(DrillQuery, args, year=today().year)


# The improvement plan's tabs, each a default filter.
ACTION_VIEWS = ("open", "overdue", "closed", "all")


def action_view(args) -> str:
    view = args.get("view") or "open"
    return view if view in ACTION_VIEWS else "open"


def action_list_query(args) -> ActionQuery:
    """The improvement plan's filter: the tab's default (overdue; verified this year) under
    the filters given."""
    defaults = {"overdue": {"overdue": True}, "closed": {"closed_year": today().year}}
    return read_query(ActionQuery, args, **defaults.get(action_view(args), {}))


def enterprise_choices(user) -> list[Enterprise]:
    """Enterprises the user may name in a drill (their counties; all for administrators)."""
    stmt = sa.select(Enterprise).order_by(Enterprise.county_code, Enterprise.name)
    return list(db.session.scalars(permissions.scope(stmt, user, Enterprise.county_code)))
