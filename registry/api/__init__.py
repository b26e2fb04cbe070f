"""JSON API under /api/v1: bearer tokens, one error shape, an OpenAPI document
generated from the same pydantic schemas that validate the requests."""
from flask import Blueprint

from registry.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # token-authenticated; session cookies are never accepted here

# The core's operations; the areas' are in the modules their ``Area.api`` lists.
from registry.api import enterprises, map, plans, routing, stats  # noqa: E402,F401
