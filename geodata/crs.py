"""CRS discipline shared by the analysis modules: require a CRS, refuse mixtures.

Every input frame must carry a CRS, frames that are combined must share it
(``CRSMismatch`` otherwise), and distances are measured in a projected metric CRS —
by default EPSG:4547, CGCS2000 / 3-degree Gauss-Krüger CM 114E, which suits Xuchang.
"""

from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
from pyproj import CRS, Transformer

DEFAULT_METRIC_CRS = "EPSG:4547"
WGS84 = "EPSG:4326"


class CRSMismatch(ValueError):
    """Frames that are combined do not share a CRS, or one has none."""


def crs_of(gdf: gpd.GeoDataFrame, what: str) -> CRS:
    if gdf.crs is None:
        raise CRSMismatch(f"{what} has no CRS; set one (EPSG:4326 for stored layers)")
    return gdf.crs


def require_same_crs(**frames: gpd.GeoDataFrame | None) -> CRS:
    """Return the CRS shared by all given frames (``None`` entries are skipped).

    Raises:
        CRSMismatch: a frame has no CRS, or two frames differ.
    """
    found: tuple[str, CRS] | None = None
    for what, gdf in frames.items():
        if gdf is None:
            continue
        crs = crs_of(gdf, what)
        if found is None:
            found = (what, crs)
        elif not crs.equals(found[1]):
            raise CRSMismatch(f"{what} is in {crs.to_string()} but {found[0]} is in "
                              f"{found[1].to_string()}; reproject one of them first")
    if found is None:
        raise ValueError("no frame given")
    return found[1]


def projected(metric_crs: str | CRS) -> CRS:
    crs = CRS.from_user_input(metric_crs)
    if not crs.is_projected:
        raise ValueError(f"metric_crs {crs.to_string()} is not a projected CRS; distances need metres")
    return crs


@lru_cache(maxsize=32)
def transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(CRS.from_user_input(source), CRS.from_user_input(target), always_xy=True)
