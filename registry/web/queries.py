"""A list page's filters from its query string, the same way on every list page.

A filter the page's schema refuses (``?page=0``, ``?risk_level=很高`` in a hand-edited or
old address) is dropped, the others still apply, and the page says which it ignored and
why, naming the filter as the page labels it.
"""
from __future__ import annotations

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.errors import ValidationFailed
from registry.validation import validate

FILTER_LABELS = {
    "page": _l("Page"), "per_page": _l("Rows per page"), "q": _l("Search"),
    "county_code": _l("County"), "risk_level": _l("Risk level"), "status": _l("Status"),
    "year": _l("Year"),
}


def read_query(schema, args, *, report: bool = True, **defaults):
    """The filters in ``args`` (a query string) as ``schema``: ``defaults`` for absent ones,
    a filter given empty means "any" (and overrides its default). A refused filter is
    dropped and, with ``report``, flashed with its rule."""
    given = {k: v for k, v in args.items() if k in schema.model_fields}
    values = {k: v for k, v in {**defaults, **given}.items() if v != ""}
    try:
        return validate(schema, values)
    except ValidationFailed as exc:
        if report:
            for field, messages in exc.fields.items():
                flash(_("Filter “%(filter)s” ignored: %(rule)s",
                        filter=FILTER_LABELS.get(field, field), rule=" ".join(messages)),
                      "warning")
        return validate(schema, {k: v for k, v in values.items() if k not in exc.fields})
