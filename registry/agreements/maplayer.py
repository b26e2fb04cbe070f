"""The agreements layer of the risk map: each agreement's boundary sections and its
counterpart cities, with the duty phones a popup lists.

``layer_features`` is pure (agreement objects or plain dicts in, GeoJSON-able dict out:
no database, no Flask); ``agreement_layer(actor)`` feeds it from the register."""
from __future__ import annotations

from datetime import date

# Approximate seats (WGS-84) of the cities around Xuchang (domain.md §7), for placing a
# counterpart city on the map; a city not listed gets no city point (its sections still show).
CITY_SEATS = {
    "郑州市": (113.625, 34.747), "开封市": (114.307, 34.797), "周口市": (114.697, 33.626),
    "漯河市": (114.017, 33.582), "平顶山市": (113.193, 33.766), "许昌市": (113.852, 34.036),
}


def _get(obj, key, default=None):
    """A field of a model object or a plain dict (optional keys may be left out)."""
    return obj.get(key, default) if isinstance(obj, dict) else getattr(obj, key, default)


def _duty_phones(party) -> list[dict]:
    """Duty phones first; contacts without one fall back to their mobile."""
    rows = []
    for contact in _get(party, "contacts") or []:
        number = _get(contact, "duty_phone") or _get(contact, "mobile") or _get(contact, "office_phone")
        if number:
            rows.append({"name": _get(contact, "name"), "role": _get(contact, "role"),
                         "phone": number, "duty": bool(_get(contact, "duty_phone"))})
    return sorted(rows, key=lambda r: not r["duty"])


def layer_features(agreements, statuses: dict[int, str] | None = None,
                   seats: dict[str, tuple[float, float]] = CITY_SEATS) -> dict:
    """A FeatureCollection: one Point per boundary section (``kind`` "section") and one per
    counterpart city and agreement (``kind`` "city"), properties ready for a popup.

    Args:
        agreements: objects or dicts with ``id``, ``title``, ``parties`` (``city_name``,
            ``river_roles``, ``contacts``) and ``sections`` (``name``, ``river``,
            ``counterpart_city``, ``longitude``, ``latitude``, ``monitored_by``).
        statuses: agreement id → active/expiring/expired, copied into the properties.
    """
    statuses = statuses or {}
    features = []
    for a in agreements:
        aid, title = _get(a, "id"), _get(a, "title")
        phones = {_get(p, "city_name"): _duty_phones(p) for p in _get(a, "parties")}
        base = {"agreement_id": aid, "agreement_title": title, "status": statuses.get(aid)}
        for s in _get(a, "sections"):
            city = _get(s, "counterpart_city")
            features.append({"type": "Feature", "geometry": {
                "type": "Point", "coordinates": [_get(s, "longitude"), _get(s, "latitude")]},
                "properties": base | {"kind": "section", "name": _get(s, "name"),
                                      "river": _get(s, "river"), "city": city,
                                      "monitored_by": _get(s, "monitored_by"),
                                      "duty_phones": phones.get(city, [])}})
        for p in _get(a, "parties"):
            city = _get(p, "city_name")
            if city not in seats:
                continue
            features.append({"type": "Feature", "geometry": {
                "type": "Point", "coordinates": list(seats[city])},
                "properties": base | {"kind": "city", "name": city, "city": city,
                                      "river_roles": [dict(r) for r in _get(p, "river_roles")],
                                      "duty_phones": phones[city]}})
    return {"type": "FeatureCollection", "features": features}


def agreement_layer(actor, today: date | None = None) -> dict:
    """The layer for every agreement in the register (any logged-in user may see it)."""
    from registry.agreements.schemas import AgreementQuery
    from registry.agreements.service import list_agreements

    rows = list_agreements(actor, AgreementQuery(), today)
    return layer_features([a for a, _s in rows], {a.id: s for a, s in rows})


def map_overlay(actor) -> dict:
    """The risk map's agreement layer (see ``registry.map.service.MAP_OVERLAYS``): boundary
    sections and counterpart cities, each popup listing the duty phones."""
    from flask import url_for
    from flask_babel import gettext as _

    points = []
    for f in agreement_layer(actor)["features"]:
        p = f["properties"]
        lon, lat = f["geometry"]["coordinates"]
        lines = [[_("Agreement"), p["agreement_title"]]]
        if p["kind"] == "section":
            lines.append([_("River"), p.get("river") or "—"])
        lines += [[f"{c['name']}（{c.get('role') or ''}）", c["phone"]] for c in p["duty_phones"]]
        points.append({"lon": lon, "lat": lat, "title": p["name"], "lines": lines,
                       "color": "#6f42c1" if p["kind"] == "section" else "#0dcaf0",
                       "url": url_for("agreements.show", agreement_id=p["agreement_id"])})
    return {"key": "agreements", "label": _("Joint prevention agreements"), "color": "#6f42c1",
            "on": False, "open": _("Open agreement"), "points": points}
