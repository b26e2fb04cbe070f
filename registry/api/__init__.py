"""JSON API under /api/v1: bearer tokens, one error shape, an OpenAPI document
generated from the same pydantic schemas that validate the requests."""
from flask import Blueprint

from registry.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated; session cookies are never accepted here

from registry.api import enterprises, map, plans, routing, stats  # noqa: E402,F401
from registry.drills import api as drills_api  # noqa: E402,F401
from registry.agreements import api as _agreements_api  # noqa: E402,F401
from registry.reminders import api as _reminders_api  # noqa: E402,F401
