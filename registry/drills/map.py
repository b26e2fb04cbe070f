"""Drill points for the risk map's optional drill layer (the map area wires it in)."""
from __future__ import annotations

import sqlalchemy as sa

from registry.drills.permissions import scope_drills
from registry.extensions import db
from registry.models import CorrectiveAction, Drill


def drill_points(actor, year: int | None = None) -> list[dict]:
    """Drills the caller may read as map points: ``id``, ``title``, ``date`` (ISO),
    ``lon``, ``lat`` (WGS-84), ``all_actions_verified`` (True also when a drill found
    nothing to correct) — the layer colours points by the last. ``year`` limits to drills
    held that year. Reads only; needs an app context."""
    unverified = (sa.select(sa.func.count(CorrectiveAction.id))
                  .where(CorrectiveAction.drill_id == Drill.id,
                         CorrectiveAction.status != "verified")
                  .correlate(Drill).scalar_subquery())
    stmt = sa.select(Drill.id, Drill.title, Drill.held_on, Drill.longitude, Drill.latitude,
                     unverified.label("unverified"))
    stmt = scope_drills(stmt, actor, Drill.county_code)
    if year:
        stmt = stmt.where(sa.extract("year", Drill.held_on) == year)
    return [{"id": i, "title": t, "date": d.isoformat(), "lon": lon, "lat": lat,
             "all_actions_verified": n == 0}
            for i, t, d, lon, lat, n in db.session.execute(stmt.order_by(Drill.held_on, Drill.id))]


def map_overlay(actor) -> dict:
    """The risk map's optional drill layer (see ``registry.map.service.MAP_OVERLAYS``):
    green when every corrective action is verified, red while any is open."""
    from flask import url_for
    from flask_babel import gettext as _

    # Labels and the link pattern once, not per drill: a province has thousands of drills
    # and the map is drawn often (issue #18).
    held_on, actions = _("Held on"), _("Corrective actions")
    verified, still_open = _("all verified"), _("open")
    link = url_for("drills.show", drill_id=0)[:-1] + "{}"
    points = []
    for d in drill_points(actor):
        if d["lon"] is None or d["lat"] is None:
            continue
        done = d["all_actions_verified"]
        points.append({
            "lon": d["lon"], "lat": d["lat"], "title": d["title"],
            "color": "#198754" if done else "#dc3545",
            "lines": [[held_on, d["date"]], [actions, verified if done else still_open]],
            "url": link.format(d["id"])})
    return {"key": "drills", "label": _("Drills"), "color": "#198754", "on": False,
            "open": _("Open drill page"), "points": points}
