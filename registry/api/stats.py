from flask import current_app, jsonify

from registry.api import bp
from registry.api.openapi import build_spec
from registry.api.routing import operation
from registry.api.schemas import StatsOut, StatsQuery
from registry.drills.service import drill_stats
from registry.plans.service import plan_stats


@operation(bp, "/stats", "GET", "Figures for your jurisdiction", "stats",
           query=StatsQuery, response=StatsOut, errors=(401, 422))
def stats(user, query):
    return {"plans": plan_stats(user), "drills": drill_stats(user, query.year)}


@bp.get("/openapi.json")
def openapi():
    return jsonify(build_spec(current_app.config.get("BASE_URL", "")))
