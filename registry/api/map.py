"""Risk map API: enterprise points as GeoJSON, the reference layers, downstream and
upstream analysis, and the data-error check."""
from flask import Response, current_app

from registry.api import bp
from registry.api.routing import operation
from registry.api.schemas import DownstreamOut, EnterprisePoints, Layer, MisplacedOut, UpstreamOut
from registry.map import service
from registry.map.schemas import DownstreamQuery, MapQuery, UpstreamQuery


@operation(bp, "/map/enterprises.geojson", "GET",
           "Enterprises with a current plan as a GeoJSON FeatureCollection", "map",
           query=MapQuery, response=EnterprisePoints, errors=(401, 422))
def map_enterprises(user, query):
    body = service.points_geojson_body(user, query)
    return Response(body, mimetype=current_app.json.mimetype), 200


@operation(bp, "/layers/{layer}.geojson", "GET",
           "A reference layer (counties, rivers, sections, receptors, intercepts)", "map",
           response=Layer, errors=(401, 422))
def layer(user, layer):
    return service.layer_geojson(layer)


@operation(bp, "/enterprises/{enterprise_id}/downstream", "GET",
           "What a spill at this enterprise reaches downstream, with distances and arrival times",
           "map", query=DownstreamQuery, response=DownstreamOut, errors=(401, 403, 404, 422))
def downstream(user, enterprise_id, query):
    return service.downstream(user, enterprise_id, query.max_km)


@operation(bp, "/upstream", "GET",
           "Enterprises within km upstream of a point (an intake or a boundary section)", "map",
           query=UpstreamQuery, response=UpstreamOut, errors=(401, 422))
def upstream(user, query):
    items = service.upstream(user, query.lon, query.lat, query.km, query.substance_id)
    answer = {"items": items, "lon": query.lon, "lat": query.lat, "km": query.km}
    if query.substance_id is not None:
        answer |= {"substance_id": query.substance_id,
                   "total_t": round(sum(i["quantity_t"] for i in items), 6)}
    return answer


@operation(bp, "/map/misplaced", "GET",
           "Enterprises whose point lies outside their declared county", "map", response=MisplacedOut, errors=(401,))
def misplaced(user):
    return {"items": service.misplaced(user)}
