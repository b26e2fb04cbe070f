"""The risk map's incident-mode layers: the emergency resources register (off by default)
and the open incidents (on: a duty officer opening the map sees where something is
happening). Both read only the columns the popups show, in one query each."""
from __future__ import annotations

import sqlalchemy as sa

from registry import permissions
from registry.extensions import db
from registry.models import EmergencyResource, Incident

# One colour per kind, so the layer reads without opening popups (Bootstrap's palette).
KIND_COLORS = {"material": "#0d6efd", "equipment": "#6f42c1", "team": "#fd7e14",
               "expert": "#20c997"}


def _readers_only(actor) -> bool:
    return not permissions.is_enterprise_user(actor)


def resources_overlay(actor) -> dict:
    """物资/装备/队伍/专家 as points, coloured by kind; the popup names the quantity, the
    owning unit and the contact."""
    from flask import url_for
    from flask_babel import gettext as _

    from registry.incidents.labels import RESOURCE_KINDS

    points = []
    if _readers_only(actor):
        kind_label, quantity, owner, contact = (_("Kind (incident)"), _("Quantity"),
                                                _("Owning unit"), _("Contact details"))
        kinds = {code: str(label) for code, label in RESOURCE_KINDS.items()}
        link = url_for("incidents.resources_index")
        stmt = sa.select(EmergencyResource.name, EmergencyResource.kind,
                         EmergencyResource.quantity, EmergencyResource.unit,
                         EmergencyResource.owner, EmergencyResource.contact,
                         EmergencyResource.longitude, EmergencyResource.latitude
                         ).order_by(EmergencyResource.kind, EmergencyResource.id)
        for name, kind, qty, unit, own, phone, lon, lat in db.session.execute(stmt):
            lines = [[kind_label, kinds.get(kind, kind)], [quantity, f"{qty:g} {unit}"],
                     [owner, own]]
            if phone:
                lines.append([contact, phone])
            points.append({"lon": lon, "lat": lat, "title": name,
                           "color": KIND_COLORS.get(kind, "#0d6efd"), "lines": lines,
                           "url": link})
    return {"key": "resources", "label": _("Emergency resources"), "color": "#0d6efd",
            "on": False, "open": _("Open the resources register"), "points": points}


def incidents_overlay(actor) -> dict:
    """The open incidents the caller may read (their counties), red; exercise incidents
    (演练模式) orange and titled 【演练】."""
    from flask import url_for
    from flask_babel import gettext as _

    from registry.incidents.service import EXERCISE, local

    points = []
    if _readers_only(actor):
        reported, substance = _("Reported at"), _("Pollutant")
        link = url_for("incidents.show", incident_id=0)[:-1] + "{}"
        stmt = permissions.scope(
            sa.select(Incident.id, Incident.reported_at, Incident.substance, Incident.place,
                      Incident.drill_id, Incident.longitude, Incident.latitude)
            .where(Incident.status == "open"), actor, Incident.county_code)
        for i, at, what, place, drill_id, lon, lat in db.session.execute(
                stmt.order_by(Incident.reported_at)):
            title = f"{EXERCISE if drill_id else ''}{place or ''} {what}".strip()
            points.append({"lon": lon, "lat": lat, "title": title,
                           "color": "#fd7e14" if drill_id else "#dc3545",
                           "lines": [[reported, f"{local(at):%Y-%m-%d %H:%M}"], [substance, what]],
                           "url": link.format(i)})
    return {"key": "incidents", "label": _("Open incidents"), "color": "#dc3545",
            "on": bool(points), "open": _("Open the incident page"), "points": points}
