"""HTML form and query-string input for the drill pages, shaped for the schemas."""
from __future__ import annotations

import sqlalchemy as sa
from flask import request

from registry import permissions
from registry.errors import ValidationFailed
from registry.extensions import db
from registry.models import Enterprise
from registry.validation import form_data, validate


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
    """The page's filters from the query string; defaults for absent ones; bad ones dropped."""
    given = {k: v for k, v in request.args.items() if k in schema.model_fields}
    args = {k: v for k, v in {**defaults, **given}.items() if v != ""}
    try:
        return validate(schema, args)
    except ValidationFailed as exc:
        good = {k: v for k, v in args.items() if k not in exc.fields}
        return validate(schema, good)


def enterprise_choices(user) -> list[Enterprise]:
    """Enterprises the user may name in a drill (their counties; all for administrators)."""
    stmt = sa.select(Enterprise).order_by(Enterprise.county_code, Enterprise.name)
    return list(db.session.scalars(permissions.scope(stmt, user, Enterprise.county_code)))
