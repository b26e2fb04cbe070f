"""Risk map pages. The map itself is a self-contained folium document served by
``/map/frame`` and shown in an iframe, so the page around it keeps the app's layout."""
from __future__ import annotations

import secrets

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from geodata.maps import build_risk_map
from registry.enterprises.service import get_enterprise
from registry.errors import NotFound, ValidationFailed
from registry.fields import MAX_ID
from registry.jurisdictions.service import counties_in_view, home_city_name
from registry.map import arrivals, service
from registry.map.labels import map_labels
from registry import permissions
from registry.map.schemas import MapQuery, PlaceIn, UpstreamQuery
from registry.validation import form_data, validate
from registry.web.headers import content_security_policy

bp = Blueprint("map", __name__)

# Around an enterprise, the small map shows the points within this many degrees.
NEARBY_DEG = 0.08


def _query() -> tuple[MapQuery, dict]:
    args = {k: v for k, v in request.args.items() if v != "" and k in MapQuery.model_fields}
    try:
        return validate(MapQuery, args), {}
    except ValidationFailed as exc:
        return MapQuery(), exc.fields


@bp.get("/map")
@login_required
def index():
    query, errors = _query()
    frame = url_for("map.frame", **query.model_dump(exclude_none=True))
    return render_template("map/index.html", query=query, errors=errors, frame_url=frame,
                           counties=counties_in_view(current_user),
                           substances=service.substance_choices())


def _tiles():
    url = current_app.config.get("MAP_TILES_URL")
    if not url:
        return None
    return {"url": url, "attribution": current_app.config.get("MAP_TILES_ATTRIBUTION", ""),
            "gcj02": current_app.config.get("MAP_TILES_GCJ02", False)}


@bp.get("/map/frame")
@login_required
def frame():
    """The map document: all points (filtered), or the surroundings of one enterprise
    (``enterprise_id``), optionally with its downstream trace (``trace=1``).

    A whole map's points come from the per-worker cache (``service.frame_points``); the
    small map asks the database for the points around the enterprise only."""
    query, _errors = _query()
    enterprise_id = request.args.get("enterprise_id", type=int)
    if enterprise_id is not None and not 0 <= enterprise_id <= MAX_ID:
        raise NotFound(_("No such record."))
    tiles = _tiles()
    details_url = "/map/details/{id}"
    points, encoded, options = [], None, {}
    if enterprise_id is not None:
        enterprise = get_enterprise(current_user, enterprise_id)
    placed = enterprise_id is not None and enterprise.longitude is not None \
        and enterprise.latitude is not None  # 待定位: no small map around it (the whole one)
    if placed and not request.args.get("trace"):
        options.update(small=True, center=(enterprise.longitude, enterprise.latitude),
                       highlight=(enterprise.longitude, enterprise.latitude))
        points = service.map_points(current_user, query, near=(
            enterprise.longitude, enterprise.latitude, NEARBY_DEG))
    else:
        encoded = service.frame_points(current_user, query, details_url_template=details_url,
                                       shift_gcj02=bool(tiles and tiles["gcj02"]))
        if enterprise_id is None:
            options["extras"] = service.map_overlays(current_user)
        elif request.args.get("trace"):
            trace = service.downstream_of(*service.trace_origin(enterprise),
                                          river=enterprise.receiving_water)
            # The map's trace panel lists what the page's table lists: each place once.
            options["trace"] = dict(trace, hits=arrivals.first_arrivals(trace["hits"],
                                                                        home_city_name()))
    # folium writes its set-up as inline <script>/<style>: each gets this response's nonce.
    nonce = secrets.token_urlsafe(16)
    html = build_risk_map(points, service.current_layers(),
                          asset_base=url_for("static", filename="vendor").rstrip("/"),
                          labels=map_labels(), url_template="/enterprises/{id}", tiles=tiles,
                          details_url_template=details_url, nonce=nonce,
                          embed_details_max=service.EMBED_DETAILS_MAX, encoded_points=encoded,
                          trace_url_template="/enterprises/{id}/downstream",
                          sheet_url_template="/notification-sheet?enterprise_id={id}",
                          focus_county=query.county_code, **options)
    response = current_app.response_class(html, mimetype="text/html")
    # Shown in an iframe of our own pages only; tiles only from the configured server.
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    response.headers["Content-Security-Policy"] = content_security_policy(
        nonce=nonce, frame_ancestors="'self'", img_origins=current_app.extensions["csp_tile_origins"])
    return response


@bp.get("/map/details/<int:enterprise_id>")
@login_required
def details(enterprise_id):
    """Popup details fetched by large maps (more points than are embedded)."""
    return service.popup_details(current_user, enterprise_id)


@bp.get("/enterprises/<int:enterprise_id>/downstream")
@login_required
def downstream(enterprise_id):
    result = service.downstream_table(current_user, enterprise_id)
    enterprise = get_enterprise(current_user, enterprise_id)
    return render_template("map/downstream.html", enterprise=enterprise, trace=result,
                           KINDS=map_labels()["kinds"],
                           frame_url=url_for("map.frame", enterprise_id=enterprise_id, trace=1))


@bp.get("/map/upstream")
@login_required
def upstream():
    """Which enterprises lie within N km upstream of an intake or a boundary section."""
    targets = _targets()
    chosen = request.args.get("target", "")
    args = {"km": request.args.get("km") or 10}
    if request.args.get("substance_id"):
        args["substance_id"] = request.args["substance_id"]
    if chosen in targets:
        args["lon"], args["lat"] = targets[chosen]
    results, errors, query = None, {}, None
    if chosen:
        try:
            query = validate(UpstreamQuery, args)
        except ValidationFailed as exc:
            errors = exc.fields
        else:
            results = service.upstream(current_user, query.lon, query.lat, query.km,
                                       query.substance_id)
    elif request.args:
        errors = {"target": [_("Choose an intake or a boundary section.")]}
    return render_template("map/upstream.html", targets=targets, chosen=chosen, km=args["km"],
                           results=results, errors=errors,
                           substances=service.substance_choices(),
                           substance_id=query.substance_id if query else None)


def _targets() -> dict[str, tuple[float, float]]:
    """Receptor and section points by label, for the upstream search form."""
    layers = service.current_layers()
    targets = {}
    for name in ("receptors", "sections"):
        frame = layers.get(name)
        if frame is None:
            continue
        for row in frame.itertuples():
            if row.geometry is not None and row.geometry.geom_type == "Point":
                targets[f"{row.name}"] = (row.geometry.x, row.geometry.y)
    return targets


@bp.get("/map/checks")
@login_required
def checks():
    unplaced = service.unplaced(current_user)
    placeable = {e.id for e in unplaced
                 if permissions.can_write_county(current_user, e.county_code)}
    return render_template("map/checks.html", rows=service.misplaced(current_user),
                           unplaced=unplaced, placeable=placeable)


@bp.route("/map/checks/<int:enterprise_id>/place", methods=["GET", "POST"])
@login_required
def place(enterprise_id):
    """Place an enterprise (待定位) or move it: click on the map or type the coordinates."""
    enterprise = get_enterprise(current_user, enterprise_id)
    permissions.require_write_county(current_user, enterprise.county_code)
    data = {"longitude": enterprise.longitude, "latitude": enterprise.latitude}
    if request.method == "POST":
        data = form_data(request.form)
        try:
            _e, warning = service.place_enterprise(current_user, enterprise_id,
                                                   validate(PlaceIn, data))
        except ValidationFailed as exc:
            return render_template("map/place.html", enterprise=enterprise, data=data,
                                   errors=exc.fields, counties=counties_in_view(current_user)), 422
        flash(_("Location saved: %(name)s is on the map.", name=enterprise.name), "success")
        if warning:
            flash(warning, "warning")
        return redirect(url_for("map.checks"))
    return render_template("map/place.html", enterprise=enterprise, data=data, errors={},
                           counties=counties_in_view(current_user))
