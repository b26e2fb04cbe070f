"""The workflows blueprint: import, export, dashboard (the home page), annual figures.
Each page group lives in its own module and adds its routes to ``bp``."""
from flask import Blueprint
from flask_babel import lazy_gettext as _l

bp = Blueprint("workflows", __name__)

IMPORT_OUTCOMES = {"created": _l("New"), "updated": _l("Updated"), "unchanged": _l("Unchanged"),
                   "filed": _l("Filed (new)"), "revised": _l("Revised (new version)"),
                   "corrected": _l("Corrected")}

# Imported for their routes (they add themselves to bp).
from registry.workflows import export_views, import_views  # noqa: E402,F401
