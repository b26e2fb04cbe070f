"""Risk map services: the points, the layers, the downstream trace, the checks.

The spatial work is done by the pure ``geodata`` package; this module brings the
registry's records to it (scoped to the actor's jurisdiction) and caches the layers
and the river network per layer version.
"""
from __future__ import annotations

import threading
from pathlib import Path

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from geodata import analysis, layers as geolayers
from geodata.maps import page_points
from registry import areas, data_version, permissions
from registry.clock import today as local_today
from registry.enterprises.schemas import EnterprisePatch, EnterpriseQuery
from registry.enterprises.service import filtered_columns, get_enterprise, update_enterprise
from registry.errors import ValidationFailed
from registry.extensions import db
from registry.jurisdictions.service import home_city_name
from registry.map import arrivals
from registry.map.schemas import MapQuery, PlaceIn
from registry.models import Enterprise, Plan

_lock = threading.Lock()
_cache: dict = {}

def map_overlays(actor) -> list[dict]:
    """The overlays the areas put on the risk map (``Area.map_overlays``), each a dict in
    the shape of ``geodata.maps.build_risk_map(extras=...)``."""
    return [overlay(actor) for overlay in areas.registry().map_overlays]


# --- layers -------------------------------------------------------------------------

def _override_dir() -> Path:
    return Path(current_app.config["GEODATA_DIR"])


def _override_files() -> dict[str, Path]:
    directory = _override_dir()
    return {name: directory / f"{name}.geojson" for name in geolayers.LAYER_NAMES
            if (directory / f"{name}.geojson").is_file()}


def _version() -> tuple:
    """Changes whenever an imported layer is written (the cache key)."""
    return tuple(sorted((name, p.stat().st_mtime_ns) for name, p in _override_files().items()))


def current_layers() -> dict:
    """The shipped layers, each replaced by an imported one where present."""
    key = ("layers", str(_override_dir()), _version())
    with _lock:
        if key not in _cache:
            result = dict(geolayers.load_layers())
            for name, path in _override_files().items():
                result[name] = geolayers.read_layer_file(path, name)
            _cache.clear()
            _cache[key] = result
        return _cache[key]


def network() -> analysis.RiverNetwork:
    speeds = current_app.config.get("RIVER_FLOW_SPEEDS") or {}
    key = ("network", str(_override_dir()), _version(), current_app.config["METRIC_CRS"],
           current_app.config["RIVER_FLOW_SPEED_MPS"], tuple(sorted(speeds.items())))
    layers = current_layers()
    with _lock:
        if key not in _cache:
            rivers = layers["rivers"]
            if speeds:
                rivers = rivers.copy()
                if "flow_speed_mps" not in rivers.columns:
                    rivers["flow_speed_mps"] = float("nan")
                for name, speed in speeds.items():
                    rivers.loc[rivers["name"] == name, "flow_speed_mps"] = speed
            _cache[key] = analysis.RiverNetwork.from_layers(
                rivers, layers.get("sections"), layers.get("receptors"),
                layers.get("counties"), metric_crs=current_app.config["METRIC_CRS"],
                default_speed_mps=current_app.config["RIVER_FLOW_SPEED_MPS"])
        return _cache[key]


def layer_geojson(name: str) -> dict:
    import json

    if name not in geolayers.LAYER_NAMES:
        raise ValidationFailed({"layer": [_("Unknown layer “%(name)s”; one of: %(names)s.",
                                            name=name, names=", ".join(geolayers.LAYER_NAMES))]})
    return json.loads(current_layers()[name].to_json(drop_id=True, ensure_ascii=False))


def import_layer(actor, path: str, name: str) -> dict:
    """Validate a GeoJSON/GeoPackage/shapefile and make it the ``name`` layer.

    All or nothing: a file with any problem raises ``geodata.layers.LayerError`` with
    the full list and the current layer stays as it was."""
    permissions.require(permissions.can_manage_jurisdictions(actor), actor)
    gdf = geolayers.read_layer_file(path, name)
    if name == "rivers":
        problems = analysis.river_topology_problems(gdf, metric_crs=current_app.config["METRIC_CRS"])
        if problems:
            raise geolayers.LayerError(name, problems)
    written = geolayers.write_layer(name, gdf, _override_dir())
    from registry.audit import record

    record(actor, "geodata.import", "layer", 0, None,
           {"layer": name, "features": int(len(gdf)), "file": Path(path).name})
    db.session.commit()
    return {"layer": name, "features": int(len(gdf)), "path": str(written)}


# --- points -------------------------------------------------------------------------

# Exactly what a point shows (geodata.maps.encode_points, the GeoJSON): plain columns,
# no ORM object and no plan documents (issue #18: the map used to load them all).
_POINT_COLUMNS = (
    Enterprise.id, Enterprise.name, Enterprise.credit_code, Enterprise.county_code,
    Plan.filing_number, Plan.id.label("plan_id"), Plan.risk_level,
    sa.func.coalesce(Plan.risk_notation, "").label("notation"), Plan.review_due_on,
    Enterprise.longitude.label("lon"), Enterprise.latitude.label("lat"))


def map_points(actor, query: MapQuery, today=None,
               near: tuple[float, float, float] | None = None) -> list[dict]:
    """Enterprises with a current plan in the actor's jurisdiction, as map points, in one
    query. ``near`` (lon, lat, degrees): only the points in that box around (lon, lat),
    asked of the database (index ``ix_enterprises_lon_lat``), not filtered afterwards."""
    stmt = points_statement(actor, query, today)
    if near is not None:
        lon, lat, deg = near
        stmt = stmt.where(Enterprise.longitude.between(lon - deg, lon + deg),
                          Enterprise.latitude.between(lat - deg, lat + deg))
    return [_point(row) for row in db.session.execute(stmt).mappings()]


def points_statement(actor, query: MapQuery, today=None):
    stmt = filtered_columns(actor, EnterpriseQuery(county_code=query.county_code,
                                                   risk_level=query.risk_level,
                                                   status=query.status,
                                                   substance_id=query.substance_id),
                            _POINT_COLUMNS, today)
    # An enterprise without coordinates (待定位) is off the map until placed.
    return (stmt.where(Plan.id.is_not(None), Enterprise.longitude.is_not(None),
                       Enterprise.latitude.is_not(None)).order_by(Enterprise.id))


def _point(row) -> dict:
    point = dict(row)
    point["review_due_on"] = point["review_due_on"].isoformat()
    return point


def _scope_key(actor, query: MapQuery, today) -> tuple:
    """What a point collection depends on besides the data token."""
    codes = permissions.visible_county_codes(actor)
    return (None if codes is None else tuple(sorted(codes)), query.county_code,
            query.risk_level, query.status, query.substance_id, today,
            current_app.config["DUE_SOON_DAYS"])


# Built point collections kept per worker (one per caller's scope and filter) while the
# data stand still (registry/data_version.py): ~360 bytes an enterprise.
POINTS_CACHE_BYTES = 64 * 2**20
# Past this many points a map leaves the popup details to /map/details/<id>.
EMBED_DETAILS_MAX = 10_000


def points_geojson_body(actor, query: MapQuery, today=None) -> bytes:
    """The JSON body of ``points_geojson(map_points(actor, query, today))``, served from
    a per-worker cache while the data token, the day and the caller's scope are the
    same: a one-row lookup instead of the points query and building ~100 ms of GeoJSON."""
    today = today or local_today()
    return data_version.cached(
        "map_points", _scope_key(actor, query, today), max_bytes=POINTS_CACHE_BYTES,
        build=lambda: current_app.json.response(
            points_geojson(map_points(actor, query, today))).get_data())


def frame_points(actor, query: MapQuery, *, details_url_template: str, shift_gcj02: bool,
                 today=None) -> bytes:
    """The points of a whole map (``geodata.maps.page_points``: details left to
    ``details_url_template`` past ``EMBED_DETAILS_MAX``), built once per data token,
    caller's scope, filter and day in each worker and reused: a map seen again costs a
    one-row lookup, not a query over every enterprise."""
    today = today or local_today()
    key = _scope_key(actor, query, today) + (details_url_template, shift_gcj02)
    return data_version.cached(
        "map_frame_points", key, max_bytes=POINTS_CACHE_BYTES,
        build=lambda: page_points(map_points(actor, query, today),
                                  details_url_template=details_url_template,
                                  embed_details_max=EMBED_DETAILS_MAX, shift_gcj02=shift_gcj02))


def popup_details(actor, enterprise_id: int) -> dict:
    """What a map popup shows beyond the embedded columns (large maps fetch it)."""
    enterprise = get_enterprise(actor, enterprise_id)
    plan = db.session.scalar(sa.select(Plan).where(Plan.enterprise_id == enterprise.id,
                                                   Plan.is_current))
    return {"id": enterprise.id, "credit_code": enterprise.credit_code,
            "filing_number": plan.filing_number if plan else None,
            "review_due_on": plan.review_due_on.isoformat() if plan else None}


def points_geojson(points: list[dict]) -> dict:
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": p["id"],
         "geometry": {"type": "Point", "coordinates": [p["lon"], p["lat"]]},
         "properties": {k: v for k, v in p.items() if k not in ("lon", "lat")}}
        for p in points]}


# --- analysis -----------------------------------------------------------------------

def downstream(actor, enterprise_id: int, max_km: float | None = None) -> dict:
    """What a spill at this enterprise reaches downstream, nearest first."""
    enterprise = get_enterprise(actor, enterprise_id)
    return downstream_of(*trace_origin(enterprise), max_km,
                         river=enterprise.receiving_water) | {
        "enterprise": {"id": enterprise.id, "name": enterprise.name,
                       "county_code": enterprise.county_code},
        "from_discharge_point": enterprise.discharge_longitude is not None,
        "receiving_water": enterprise.receiving_water}


def downstream_table(actor, enterprise_id: int) -> dict:
    """The 下游追踪 page's trace: ``downstream`` with ``rows``, each place once at its
    first arrival (``arrivals.first_arrivals``; re-entries into the home city marked)."""
    result = downstream(actor, enterprise_id)
    result["rows"] = arrivals.first_arrivals(result["hits"], home_city_name())
    return result


def trace_origin(enterprise) -> tuple[float, float]:
    """Where a spill at ``enterprise`` enters the water: its discharge point (排放口) when
    recorded, else its location."""
    if enterprise.discharge_longitude is not None and enterprise.discharge_latitude is not None:
        return enterprise.discharge_longitude, enterprise.discharge_latitude
    if enterprise.longitude is None or enterprise.latitude is None:
        raise ValidationFailed({"longitude": [_(
            "%(name)s has no coordinates yet: place it on 位置核查 first.", name=enterprise.name)]})
    return enterprise.longitude, enterprise.latitude


def max_snap_m() -> float:
    """How far from a river a point may lie and still be traced (``TRACE_MAX_SNAP_KM``)."""
    return float(current_app.config["TRACE_MAX_SNAP_KM"]) * 1000.0


def downstream_of(lon: float, lat: float, max_km: float | None = None,
                  river: str | None = None) -> dict:
    result = network().trace(lon, lat, max_km=max_km, max_snap_m=max_snap_m(),
                             river=river).to_dict()
    result["flow_speed_mps_default"] = current_app.config["RIVER_FLOW_SPEED_MPS"]
    for extension in areas.registry().downstream_extensions:  # Area.downstream_extensions
        result.update(extension(result))
    return result


def upstream(actor, lon: float, lat: float, within_km: float,
             substance_id: int | None = None) -> list[dict]:
    """Enterprises (with a current plan, in the actor's jurisdiction) within
    ``within_km`` upstream of a point (an intake or a section). With ``substance_id``
    only those whose risk inventory holds that substance, each with its ``quantity_t``
    (maximum on site)."""
    points = map_points(actor, MapQuery())
    if substance_id is not None:
        held = held_quantities(substance_id)
        points = [p for p in points if p["id"] in held]
    if not points:
        return []
    frame = analysis.points_frame(points)
    found = analysis.upstream_points(network(), lon, lat, frame, within_km)
    keep = ("id", "name", "credit_code", "county_code", "filing_number", "risk_level", "status",
            "river", "distance_upstream_m", "distance_to_river_m")
    rows = [{k: _plain(row.get(k)) for k in keep} for row in found]
    if substance_id is not None:
        for row in rows:
            row["quantity_t"] = held[row["id"]]
    return rows


def substance_choices() -> list:
    """(id, name) of every risk substance, by name: the upstream page's filter."""
    from registry.models import Substance

    return db.session.execute(sa.select(Substance.id, Substance.name)
                              .order_by(Substance.name)).all()


def held_quantities(substance_id: int) -> dict[int, float]:
    """enterprise id -> the maximum quantity on site (t) of one risk substance, from the
    enterprises' risk inventories (issue #20)."""
    from registry.models import RiskInventory, RiskInventoryItem

    stmt = (sa.select(RiskInventory.enterprise_id, sa.func.sum(RiskInventoryItem.max_quantity_t))
            .join(RiskInventoryItem, RiskInventoryItem.inventory_id == RiskInventory.id)
            .where(RiskInventoryItem.substance_id == substance_id)
            .group_by(RiskInventory.enterprise_id))
    return {e: float(q) for e, q in db.session.execute(stmt).all()}


def misplaced(actor) -> list[dict]:
    """Enterprises whose point lies outside the county they declare (data errors):
    worked out once per data token, caller's scope and layer version in each worker (the
    spatial test of every point takes seconds at province scale)."""
    import orjson

    codes = permissions.visible_county_codes(actor)
    key = (None if codes is None else tuple(sorted(codes)), str(_override_dir()), _version())
    return orjson.loads(data_version.cached(
        "map_checks", key, max_bytes=POINTS_CACHE_BYTES,
        build=lambda: orjson.dumps(_misplaced(actor))))


def _misplaced(actor) -> list[dict]:
    stmt = permissions.scope(
        sa.select(Enterprise.id, Enterprise.name, Enterprise.county_code,
                  Enterprise.longitude.label("lon"), Enterprise.latitude.label("lat")),
        actor, Enterprise.county_code).where(  # 待定位 ones are listed apart (unplaced)
        Enterprise.longitude.is_not(None), Enterprise.latitude.is_not(None))
    enterprises = {row.id: row for row in db.session.execute(stmt.order_by(Enterprise.id))}
    if not enterprises:
        return []
    frame = analysis.points_frame([{"id": e.id, "county_code": e.county_code, "lon": e.lon,
                                    "lat": e.lat} for e in enterprises.values()])
    wrong = analysis.points_outside_counties(frame, current_layers()["counties"])
    names = _county_names()
    return [{"id": int(row.id), "name": enterprises[int(row.id)].name,
             "declared_code": row.declared_code, "declared_name": names.get(row.declared_code),
             "actual_code": _plain(row.actual_code), "actual_name": names.get(_plain(row.actual_code)),
             "lon": enterprises[int(row.id)].lon, "lat": enterprises[int(row.id)].lat}
            for row in wrong.itertuples()]


def unplaced(actor) -> list[Enterprise]:
    """Enterprises in the actor's jurisdiction without coordinates (待定位): off the map
    until placed, by county and name."""
    stmt = permissions.scope(sa.select(Enterprise), actor, Enterprise.county_code).where(
        sa.or_(Enterprise.longitude.is_(None), Enterprise.latitude.is_(None)))
    return list(db.session.scalars(stmt.order_by(Enterprise.county_code, Enterprise.name,
                                                 Enterprise.id)))


def place_enterprise(actor, enterprise_id: int, data: PlaceIn) -> tuple[Enterprise, str | None]:
    """Set an enterprise's location (typed, or clicked on the map), as an audited change of
    the enterprise. Returns it and the warning when the point lies outside its county.
    Raises NotFound, PermissionDenied, ValidationFailed."""
    enterprise = update_enterprise(actor, enterprise_id, EnterprisePatch(
        longitude=data.longitude, latitude=data.latitude))
    return enterprise, location_warning(enterprise.county_code, enterprise.longitude,
                                        enterprise.latitude)


def points_outside_declared(records: list[dict]) -> dict:
    """Of ``records`` (``id``, ``county_code``, ``lon``, ``lat``), those whose point lies
    outside the county they declare, as id -> the county the point lies in (its name) or
    None (outside every county on the map). A county without a boundary on the map (a
    functional zone with a local code) is not judged. Retired codes count as their
    successor."""
    counties = current_layers()["counties"]
    mapped = set(counties["code"])
    judged = [r for r in records
              if analysis.LEGACY_COUNTY_CODES.get(r["county_code"], r["county_code"]) in mapped]
    if not judged:
        return {}
    wrong = analysis.points_outside_counties(analysis.points_frame(judged), counties)
    names = _county_names()
    return {row.id: names.get(_plain(row.actual_code)) for row in wrong.itertuples()}


def location_warning(county_code: str, lon, lat) -> str | None:
    """The warning for a point outside its declared county (the registration form saves
    it, but says so), or None."""
    if lon is None or lat is None:
        return None
    outside = points_outside_declared([{"id": 0, "county_code": county_code, "lon": lon,
                                        "lat": lat}])
    if 0 not in outside:
        return None
    return outside_message(county_code, lon, lat, outside[0])


def outside_message(county_code: str, lon, lat, actual: str | None) -> str:
    names = _county_names()
    declared = names.get(analysis.LEGACY_COUNTY_CODES.get(county_code, county_code), county_code)
    where = (_("it lies in %(county)s", county=actual) if actual
             else _("it lies outside every county on the map"))
    return _("The point (%(lon)s, %(lat)s) is not in %(county)s, the county given: %(where)s. "
             "Check the longitude and latitude, or the county.", lon=lon, lat=lat,
             county=declared, where=where)


def inside_county(code: str, lon: float, lat: float) -> bool:
    """Whether (lon, lat) lies in county ``code`` (retired codes count as their successor)."""
    found = analysis.county_at(lon, lat, current_layers()["counties"])
    code = analysis.LEGACY_COUNTY_CODES.get(code, code)
    return found is not None and found.get("code") == code


def _county_names() -> dict:
    counties = current_layers()["counties"]
    return dict(zip(counties["code"], counties["name"]))


def _plain(value):
    """numpy scalars and NaN to JSON-ready Python values."""
    import math

    if value is None:
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
