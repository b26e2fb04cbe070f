"""Spatial analysis: points in counties, and (re-exported from ``rivers``) the river network.

GeoDataFrames in, values out; no paths, no database, no Flask. CRS rules live in
``geodata.crs``: a frame without CRS or a mixture of CRSs raises ``CRSMismatch``, and
distances are measured in a projected CRS (EPSG:4547 by default).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import geopandas as gpd
import pandas as pd
from shapely.geometry import Point

from geodata.crs import DEFAULT_METRIC_CRS, WGS84, CRSMismatch, crs_of, require_same_crs, transformer
from geodata.rivers import (DEFAULT_SPEED_MPS, Hit, RiverNetwork, Trace, river_topology_problems,
                            upstream_points)

__all__ = ["DEFAULT_METRIC_CRS", "DEFAULT_SPEED_MPS", "CRSMismatch", "Hit", "LEGACY_COUNTY_CODES",
           "RiverNetwork", "Trace", "county_at", "points_frame", "points_outside_counties",
           "require_same_crs", "river_topology_problems", "upstream_points"]

# Old filings keep the pre-2016 code of 许昌县 (now 建安区).
LEGACY_COUNTY_CODES = {"411023": "411003"}


def points_frame(records: Iterable[Mapping], *, lon: str = "lon", lat: str = "lat") -> gpd.GeoDataFrame:
    """Turn records with WGS-84 ``lon``/``lat`` into a point GeoDataFrame (EPSG:4326).

    The other keys become columns. Raises ``ValueError`` naming the first record whose
    coordinates are missing, not numbers, or outside -180..180 / -90..90.
    """
    records = list(records)
    frame = pd.DataFrame(records)
    if frame.empty:
        return gpd.GeoDataFrame(frame, geometry=gpd.GeoSeries([], crs=WGS84), crs=WGS84)
    for column in (lon, lat):
        if column not in frame.columns:
            raise ValueError(f"records need a {column!r} key")
    xs = pd.to_numeric(frame[lon], errors="coerce")
    ys = pd.to_numeric(frame[lat], errors="coerce")
    bad = frame.index[xs.isna() | ys.isna() | ~xs.between(-180, 180) | ~ys.between(-90, 90)]
    if len(bad):
        row = records[int(bad[0])]
        who = f"id {row['id']!r}" if "id" in row else f"record {int(bad[0])}"
        raise ValueError(f"{who}: lon/lat ({row.get(lon)!r}, {row.get(lat)!r}) must be WGS-84 degrees")
    return gpd.GeoDataFrame(frame, geometry=gpd.points_from_xy(xs, ys), crs=WGS84)


def points_outside_counties(points: gpd.GeoDataFrame, counties: gpd.GeoDataFrame, *,
                            code_column: str = "county_code",
                            aliases: Mapping[str, str] = LEGACY_COUNTY_CODES) -> pd.DataFrame:
    """List points that do not lie in the county they declare.

    Args:
        points: needs ``id`` and ``code_column`` (the declared GB/T 2260 code).
        counties: the counties layer (``code``).
        aliases: old codes accepted as another code (411023 → 411003).

    Returns:
        DataFrame with columns ``id``, ``declared_code``, ``actual_code`` (``None`` when
        the point lies in no county of the layer), in the order of ``points``.

    Raises:
        CRSMismatch: the frames' CRSs differ or one has none.
        ValueError: a required column is missing.
    """
    require_same_crs(points=points, counties=counties)
    for column in ("id", code_column):
        if column not in points.columns:
            raise ValueError(f"points need a {column!r} column")
    joined = gpd.sjoin(points[["id", code_column, "geometry"]],
                       counties[["code", "geometry"]], how="left", predicate="within")
    joined = joined[~joined.index.duplicated(keep="first")]
    declared = joined[code_column].astype("string").map(lambda c: aliases.get(c, c) if isinstance(c, str) else c)
    actual = joined["code"].astype("string")
    wrong = joined[(declared != actual).fillna(True)]
    out = pd.DataFrame({
        "id": pd.Series(wrong["id"].to_list(), dtype=object),
        "declared_code": pd.Series([c if isinstance(c, str) else None for c in wrong[code_column].to_list()],
                                   dtype=object),
        "actual_code": pd.Series([c if isinstance(c, str) else None for c in wrong["code"].to_list()],
                                 dtype=object),
    })
    return out


def county_at(lon: float, lat: float, counties: gpd.GeoDataFrame) -> dict | None:
    """The county containing a WGS-84 point: ``{"code", "name", "city"}``, or ``None``.

    Raises:
        CRSMismatch: ``counties`` has no CRS.
    """
    crs = crs_of(counties, "counties")
    x, y = transformer(WGS84, crs.to_string()).transform(lon, lat)
    idx = counties.sindex.query(Point(x, y), predicate="within")
    if len(idx) == 0:
        return None
    row = counties.iloc[int(idx[0])]
    return {"code": str(row["code"]), "name": str(row["name"]), "city": str(row.get("city", ""))}
