"""The notification sheet (突发水污染事件上下游通报单): from an incident location or an
enterprise, which downstream cities the water reaches, through which boundary sections,
under which agreement, whom to call (24-hour duty phones first) and within what time.

The matching (``build_sheet``) takes plain downstream hits, so it does not depend on the
risk map; ``downstream_hits`` adapts the risk map's trace (``geodata.analysis``) to them.
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

from registry.agreements import permissions
from registry.agreements.schemas import SheetQuery
from registry.agreements.service import contact_stale, status_of
from registry.clock import today as local_today
from registry.jurisdictions.service import home_city_name
from registry.enterprises.service import get_enterprise
from registry.errors import DomainError, ValidationFailed
from registry.extensions import db
from registry.models import Agreement, AgreementContact


class TraceUnavailable(DomainError):
    """The downstream trace cannot be computed here (answered with 503)."""

    code = "service_unavailable"


@dataclass(frozen=True)
class DownstreamHit:
    """A place downstream a spill reaches: a city (``section`` None: where the river enters
    it) or a boundary section towards that city, with distance along the river and arrival."""

    city: str
    section: str | None
    distance_m: float
    arrival_hours: float
    river: str | None = None
    # The rivers the water has travelled from the spill to here, in order (empty: unknown,
    # then the rivers of the city's hits are named).
    rivers: tuple[str, ...] = field(default=(), compare=False)


@dataclass(frozen=True)
class OwnIntake:
    """A drinking-water intake of the home city the spill reaches (取水口): not a city to
    notify, but the first thing the home city's own emergency plan protects."""

    name: str
    river: str | None
    distance_m: float
    arrival_hours: float
    is_demo: bool = False


# --- the adapter to the risk map's trace -------------------------------------------------

_networks: dict = {}


def _network():
    """The river network: the risk map's (imported layers, configured speeds) when the app
    has it, else one built from geodata's shipped layers. Raises TraceUnavailable."""
    try:
        from registry.map.service import network
    except ImportError:
        network = None
    if network is not None:
        return network()
    try:
        from geodata import analysis, layers
    except ImportError:
        raise TraceUnavailable(_("The downstream trace is not available on this server (the "
                                 "risk-map package geodata is not installed); use the agreements "
                                 "list and call the downstream cities directly.")) from None
    frames = layers.load_layers()
    key = id(frames["rivers"])
    if key not in _networks:
        _networks.clear()
        _networks[key] = analysis.RiverNetwork.from_layers(
            frames["rivers"], frames.get("sections"), frames.get("receptors"), frames.get("counties"))
    return _networks[key]


def _plain_hits(trace_hits) -> list[dict]:
    return [dataclasses.asdict(raw) if dataclasses.is_dataclass(raw) else dict(raw)
            for raw in trace_hits]


def _travelled(hits: list[dict]) -> list[tuple[str, ...]]:
    """For each hit (in order along the river), the rivers travelled to reach it: the
    river it lies on and every river before it, a confluence (汇入) adding the river joined."""
    rivers, result = [], []
    for hit in hits:
        if hit.get("river") and hit["river"] not in rivers:
            rivers.append(hit["river"])
        result.append(tuple(rivers))
        if hit["kind"] == "confluence" and hit["name"] not in rivers:
            rivers.append(hit["name"])
    return result


def hits_from_trace(trace_hits, home_city: str) -> list[DownstreamHit]:
    """geodata ``Hit``s (or their dicts), in order along the river → the cities and
    outgoing sections beyond the home city, each with the rivers travelled to it. A section
    counts towards its ``to_city`` (else ``neighbour_city``); sections into the home city
    and everything inside it are left out."""
    plain = _plain_hits(trace_hits)
    hits = []
    for hit, travelled in zip(plain, _travelled(plain)):
        attrs = hit.get("attrs") or {}
        city, section = None, None
        if hit["kind"] == "section":
            city, section = attrs.get("to_city") or attrs.get("neighbour_city"), hit["name"]
        elif hit["kind"] == "city":
            city = hit["name"]
        if not city or city == home_city:
            continue
        hits.append(DownstreamHit(city, section, float(hit["distance_along_river_m"]),
                                  float(hit["arrival_hours"]), hit.get("river"), travelled))
    return hits


def own_intakes_from_trace(trace_hits, home_city: str) -> list[OwnIntake]:
    """The drinking-water intakes a trace reaches while the water is in the home city.

    Args:
        trace_hits: geodata ``Hit``s (or their dicts) in order along the river, from a
            spill in the home city.
        home_city: its name (许昌市).

    Returns the intakes before the water first leaves the home city or after it comes
    back (a county or city hit says which city the water is in), in order of arrival."""
    inside, intakes = True, []
    for hit in _plain_hits(trace_hits):
        attrs = hit.get("attrs") or {}
        if hit["kind"] == "city":
            inside = hit["name"] == home_city
        elif hit["kind"] == "county" and attrs.get("city"):
            inside = attrs["city"] == home_city
        elif hit["kind"] == "drinking_water_intake" and inside:
            intakes.append(OwnIntake(hit["name"], hit.get("river"),
                                     float(hit["distance_along_river_m"]),
                                     float(hit["arrival_hours"]), bool(attrs.get("demo"))))
    return intakes


def trace_hits(lon: float, lat: float) -> list:
    """The risk map's trace of a spill at (lon, lat): geodata ``Hit``s in order along the
    river. Raises TraceUnavailable without the geodata package."""
    network = _network()
    from registry.map.service import max_snap_m

    return network.trace(lon, lat, max_snap_m=max_snap_m()).hits


def downstream_hits(lon: float, lat: float) -> list[DownstreamHit]:
    """Trace a spill at (lon, lat) downstream with the risk map and return the hits beyond
    the home city. Raises TraceUnavailable without the geodata package."""
    return hits_from_trace(trace_hits(lon, lat), home_city_name())


def trace_extension(trace: dict) -> dict:
    """For ``registry.map.service.DOWNSTREAM_EXTENSIONS``: the agreements covering the
    cities a trace reaches, as ``{"agreements": [{"id", "title", "city", "url"}]}``."""
    from flask import url_for

    sheet = build_sheet(None, hits_from_trace(trace.get("hits", []), home_city_name()),
                        {"kind": "trace"}, check_access=False)
    return {"agreements": [
        {"id": d["agreement"]["id"], "title": d["agreement"]["title"], "city": d["city"],
         "url": url_for("agreements.show", agreement_id=d["agreement"]["id"])}
        for d in sheet["destinations"] if d["agreement"]]}


# --- matching ------------------------------------------------------------------------------

def _rank(agreement: Agreement, city: str, sections: set[str], rivers: set[str], today: date):
    matched = sum(1 for s in agreement.sections if s.counterpart_city == city
                  and (s.layer_key in sections or s.name in sections))
    return (status_of(agreement, today) != "expired", matched,
            len(rivers & set(agreement.rivers)), agreement.expires_on, agreement.id)


def _calls(contacts: list[AgreementContact], today: date) -> list[dict]:
    """Every number to try, 24-hour duty phones first, then mobiles, then offices."""
    calls = []
    for kind in ("duty_phone", "mobile", "office_phone"):
        for c in contacts:
            if getattr(c, kind):
                calls.append({"name": c.name, "role": c.role, "kind": kind, "number": getattr(c, kind),
                              "stale": contact_stale(c, today), "is_demo": c.is_demo})
    return calls


def _destination(city: str, entry: dict, agreements: list[Agreement], today: date) -> dict:
    names = {s["name"] for s in entry["sections"]}
    candidates = [a for a in agreements if any(p.city_name == city for p in a.parties)]
    agreement = max(candidates, key=lambda a: _rank(a, city, names, set(entry["rivers"]), today),
                    default=None)
    warnings, calls, out = [], [], dict(entry, city=city, agreement=None, calls=[],
                                        limit_hours=None)
    if agreement is None:
        warnings.append(_("No agreement with %(city)s is registered: notify it through the "
                          "provincial department and by the fastest means.", city=city))
        out["warnings"] = warnings
        return out
    party = next(p for p in agreement.parties if p.city_name == city)
    status = status_of(agreement, today)
    by_key = {}
    for s in agreement.sections:
        by_key.setdefault(s.layer_key or s.name, s)
        by_key.setdefault(s.name, s)
    for row in out["sections"]:
        found = by_key.get(row["name"])
        row["in_agreement"] = found is not None
        row["monitored_by"] = found.monitored_by if found else None
        row["agreement_name"] = found.name if found else None
    calls = _calls(party.contacts, today)
    if status == "expired":
        warnings.append(_("The agreement expired on %(date)s; notify all the same.",
                          date=agreement.expires_on.isoformat()))
    if not any(c["kind"] == "duty_phone" for c in calls):
        warnings.append(_("No 24-hour duty phone is on the roster of %(city)s.", city=city))
    if any(c["stale"] for c in calls):
        warnings.append(_("Some contacts have not been verified for %(n)s months.",
                          n=_stale_months()))
    out.update(agreement={"id": agreement.id, "title": agreement.title, "status": status,
                          "expires_on": agreement.expires_on.isoformat(),
                          "triggers": agreement.notification_triggers,
                          "channel": agreement.notification_channel, "is_demo": agreement.is_demo},
               departments=[d for d in (party.environment_department, party.water_department) if d],
               roles=party.river_roles, calls=calls,
               limit_hours=agreement.notification_limit_hours, warnings=warnings)
    return out


def _stale_months() -> int:
    from flask import current_app

    return current_app.config["CONTACT_STALE_MONTHS"]


def build_sheet(actor, hits: list[DownstreamHit], origin: dict, today: date | None = None, *,
                check_access: bool = True) -> dict:
    """Match downstream hits to agreements.

    Args:
        hits: places beyond the home city, any order (sorted here by arrival).
        origin: what the sheet is for (enterprise or point), copied into the result.

    Returns a JSON-ready dict: ``destinations`` in order of arrival, each with the city,
    first ``arrival_hours``/``distance_m``, ``rivers``, ``sections`` (each ``in_agreement``,
    ``monitored_by``), the ``agreement`` applied (active beats expired, then the most
    matching sections and rivers), its ``departments``, ``calls`` (duty phones first),
    ``limit_hours`` (None: no time limit set) and ``warnings``.
    """
    if check_access:
        permissions.require_read(actor)
    today = today or local_today()
    home = home_city_name()
    entries: dict[str, dict] = {}
    for hit in sorted(hits, key=lambda h: (h.arrival_hours, h.distance_m)):
        if hit.city == home:
            continue
        entry = entries.setdefault(hit.city, {"arrival_hours": hit.arrival_hours,
                                              "distance_m": hit.distance_m, "rivers": [],
                                              "sections": []})
        if hit.rivers and not entry["rivers"]:  # the rivers travelled to the first arrival
            entry["rivers"].extend(hit.rivers)
        elif not hit.rivers and hit.river and hit.river not in entry["rivers"]:
            entry["rivers"].append(hit.river)
        if hit.section and hit.section not in {s["name"] for s in entry["sections"]}:
            entry["sections"].append({"name": hit.section, "river": hit.river,
                                      "distance_m": hit.distance_m, "arrival_hours": hit.arrival_hours})
    agreements = list(db.session.scalars(db.select(Agreement).order_by(Agreement.id)))
    return {"origin": origin, "home_city": home, "generated_on": today.isoformat(),
            "destinations": [_destination(city, entry, agreements, today)
                             for city, entry in entries.items()]}


def incident(actor, query: SheetQuery) -> dict:
    """The incident's place from the query: an enterprise the caller may read, or a point.
    Raises ValidationFailed naming the missing or conflicting field, NotFound, PermissionDenied."""
    if query.enterprise_id is not None:
        if query.lon is not None or query.lat is not None:
            raise ValidationFailed({"enterprise_id": [_("Give enterprise_id or lon/lat, not both.")]})
        e = get_enterprise(actor, query.enterprise_id)
        # A recorded discharge point (排放口) is where a spill enters the water.
        discharge = e.discharge_longitude is not None and e.discharge_latitude is not None
        if not discharge and e.longitude is None:  # 待定位: nowhere to trace from yet
            raise ValidationFailed({"enterprise_id": [_(
                "%(name)s has no coordinates yet: place it on 位置核查 first.", name=e.name)]})
        return {"kind": "enterprise", "enterprise_id": e.id, "name": e.name, "address": e.address,
                "lon": e.discharge_longitude if discharge else e.longitude,
                "lat": e.discharge_latitude if discharge else e.latitude}
    missing = {k: [_("Give enterprise_id, or both lon and lat of the incident.")]
               for k in ("lon", "lat") if getattr(query, k) is None}
    if missing:
        raise ValidationFailed(missing)
    return {"kind": "point", "lon": query.lon, "lat": query.lat}


# The sheet form lists at most this many enterprises found by name.
FIND_LIMIT = 20


def find_enterprises(actor, name: str) -> list:
    """Enterprises in the caller's jurisdiction whose name (or credit code) matches
    ``name``, for the sheet form's search: list rows (id, name, county_name, address…),
    at most ``FIND_LIMIT``, in the enterprise list's order."""
    from registry.enterprises.schemas import EnterpriseQuery
    from registry.enterprises.service import list_enterprises

    rows, _total = list_enterprises(actor, EnterpriseQuery(q=name, per_page=FIND_LIMIT))
    return rows


def notification_sheet(actor, query: SheetQuery, trace=trace_hits) -> dict:
    """The sheet for an enterprise or a point: ``build_sheet``'s cities to notify, and
    ``own_intakes`` (``own_intakes_from_trace`` as dicts: name, river, distance_m,
    arrival_hours, is_demo). ``trace(lon, lat)`` gives the trace's hits (the risk map's by
    default). Raises TraceUnavailable when it cannot be computed."""
    permissions.require_read(actor)
    origin = incident(actor, query)
    hits = trace(origin["lon"], origin["lat"])
    home = home_city_name()
    result = build_sheet(actor, hits_from_trace(hits, home), origin)
    result["own_intakes"] = [dataclasses.asdict(i) for i in own_intakes_from_trace(hits, home)]
    return result
