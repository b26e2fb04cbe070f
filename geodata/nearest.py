"""Distances for incident mode, measured in a projected metric CRS: points along a traced
path (intercept points), and the nearest records to a point (emergency resources)."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import geopandas as gpd
from shapely.geometry import LineString, Point

from geodata.crs import WGS84, crs_of, projected, transformer


def points_along(path: Sequence[Sequence[float]], points: gpd.GeoDataFrame, metric_crs: str,
                 tolerance_m: float = 500.0) -> list[dict]:
    """The features of ``points`` within ``tolerance_m`` of a WGS-84 ``path`` (lon, lat
    pairs, upstream → downstream), in order along it, each with ``name``, ``kind``,
    ``river``, ``lon``, ``lat``, ``distance_along_path_m`` and ``distance_to_path_m``.

    Raises:
        CRSMismatch: ``points`` has no CRS. ValueError: ``metric_crs`` is not projected.
    """
    if len(path) < 2 or points.empty:
        return []
    crs_of(points, "points")
    metric = projected(metric_crs).to_string()
    to_metric = transformer(WGS84, metric)
    line = LineString([to_metric.transform(lon, lat) for lon, lat in path])
    found = []
    wgs = points.to_crs(WGS84)
    for row, geom in zip(wgs.drop(columns="geometry").to_dict("records"), wgs.geometry):
        point = Point(to_metric.transform(geom.x, geom.y))
        off = line.distance(point)
        if off <= tolerance_m:
            river = row.get("river")
            found.append({"name": str(row.get("name")), "kind": str(row.get("kind") or ""),
                          "river": river if isinstance(river, str) else None,
                          "lon": geom.x, "lat": geom.y,
                          "distance_along_path_m": round(line.project(point), 1),
                          "distance_to_path_m": round(off, 1)})
    return sorted(found, key=lambda f: f["distance_along_path_m"])


def nearest(lon: float, lat: float, records: Iterable[Mapping], metric_crs: str,
            limit: int = 10) -> list[dict]:
    """``records`` (with WGS-84 ``longitude``/``latitude``) nearest first, each a copy with
    ``distance_km``: the straight-line distance in ``metric_crs``.

    Raises ValueError: ``metric_crs`` is not projected."""
    to_metric = transformer(WGS84, projected(metric_crs).to_string())
    origin = Point(to_metric.transform(lon, lat))
    out = [dict(r, distance_km=round(origin.distance(
        Point(to_metric.transform(r["longitude"], r["latitude"]))) / 1000, 3)) for r in records]
    return sorted(out, key=lambda r: r["distance_km"])[:limit]
