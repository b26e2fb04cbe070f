"""Read, write and validate the five map layers.

A layer is a GeoDataFrame in EPSG:4326 with a Chinese ``name`` on every feature.
The shipped layers live in ``geodata/data/<name>.geojson``; ``read_layer_file``
accepts official replacements as GeoJSON, GeoPackage or shapefile.
"""

from __future__ import annotations

import os
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd

DATA_DIR = Path(__file__).resolve().parent / "data"
STORAGE_CRS = "EPSG:4326"
LAYER_NAMES = ("counties", "rivers", "sections", "receptors", "intercepts")


@dataclass(frozen=True)
class LayerSpec:
    geometry_types: tuple[str, ...]
    required: tuple[str, ...]


SPECS = {
    "counties": LayerSpec(("Polygon", "MultiPolygon"), ("name", "code", "city")),
    "rivers": LayerSpec(("LineString",), ("name",)),
    "sections": LayerSpec(("Point",), ("name", "river")),
    "receptors": LayerSpec(("Point", "LineString"), ("name", "kind")),
    "intercepts": LayerSpec(("Point",), ("name", "kind")),
}
_CODE = re.compile(r"^\d{6}$")
_MAX_LISTED = 10  # rows named per problem before "and N more"


class LayerError(ValueError):
    """A layer file was refused; ``problems`` lists every rule it broke."""

    def __init__(self, name: str, problems: list[str]):
        self.layer = name
        self.problems = list(problems)
        super().__init__(f"layer {name!r} refused: " + "; ".join(self.problems))


def _rows(index) -> str:
    shown = ", ".join(str(i) for i in list(index)[:_MAX_LISTED])
    extra = len(index) - _MAX_LISTED
    return shown + (f" and {extra} more" if extra > 0 else "")


def _check_name(name: str) -> None:
    if name not in SPECS:
        raise ValueError(f"layer name {name!r} is not one of {', '.join(LAYER_NAMES)}")


def validate_layer(name: str, gdf: gpd.GeoDataFrame) -> list[str]:
    """Check a layer against its rules.

    Args:
        name: one of ``LAYER_NAMES``.
        gdf: the candidate layer.

    Returns:
        Human-readable problems (empty when the layer is acceptable): CRS other than
        EPSG:4326, no features, missing/invalid geometries or wrong geometry types,
        missing or empty required attributes, malformed or duplicate county codes,
        duplicate river names, bad flow speeds and river topology (see
        ``analysis.river_topology_problems``).

    Raises:
        ValueError: ``name`` is not a layer name.
    """
    _check_name(name)
    spec = SPECS[name]
    problems: list[str] = []
    if not isinstance(gdf, gpd.GeoDataFrame):
        return [f"expected a GeoDataFrame, got {type(gdf).__name__}"]
    if gdf.crs is None:
        problems.append("the layer has no CRS")
    elif not gdf.crs.equals(STORAGE_CRS):
        problems.append(f"CRS is {gdf.crs.to_string()}, expected {STORAGE_CRS}")
    if len(gdf) == 0:
        return problems + ["the layer has no features"]

    geoms = gdf.geometry
    missing = gdf.index[geoms.isna() | geoms.is_empty]
    if len(missing):
        problems.append(f"rows {_rows(missing)}: geometry is missing or empty")
    present = geoms[~(geoms.isna() | geoms.is_empty)]
    wrong = present.index[~present.geom_type.isin(spec.geometry_types)]
    if len(wrong):
        found = sorted(set(present.loc[wrong].geom_type))
        problems.append(f"rows {_rows(wrong)}: geometry type {', '.join(found)} not allowed, "
                        f"expected {' or '.join(spec.geometry_types)}")
    invalid = present.index[~present.is_valid]
    if len(invalid):
        problems.append(f"rows {_rows(invalid)}: geometry is not valid")

    for column in spec.required:
        if column not in gdf.columns:
            problems.append(f"required attribute {column!r} is missing")
            continue
        values = gdf[column]
        blank = gdf.index[values.isna() | (values.astype(str).str.strip() == "")]
        if len(blank):
            problems.append(f"rows {_rows(blank)}: attribute {column!r} is empty")
    problems += _layer_specific(name, gdf)
    return problems


def _layer_specific(name: str, gdf: gpd.GeoDataFrame) -> list[str]:
    problems = []
    if name == "counties" and "code" in gdf.columns:
        codes = gdf["code"].astype(str)
        bad = gdf.index[~codes.str.match(_CODE)]
        if len(bad):
            problems.append(f"rows {_rows(bad)}: attribute 'code' must be 6 digits (GB/T 2260)")
        dup = sorted(set(codes[codes.duplicated()]))
        if dup:
            problems.append(f"attribute 'code' repeats: {', '.join(dup)}")
    if name == "rivers" and "name" in gdf.columns:
        dup = sorted(set(gdf["name"][gdf["name"].duplicated()].astype(str)))
        if dup:
            problems.append(f"river names must be unique (one line per river): {', '.join(dup)}")
        if "flow_speed_mps" in gdf.columns:
            speed = pd.to_numeric(gdf["flow_speed_mps"], errors="coerce")
            bad = gdf.index[gdf["flow_speed_mps"].notna() & ~(speed > 0)]
            if len(bad):
                problems.append(f"rows {_rows(bad)}: 'flow_speed_mps' must be a number > 0")
        if not problems and gdf.crs is not None and gdf.geom_type.eq("LineString").all():
            from geodata.rivers import river_topology_problems

            problems += river_topology_problems(gdf)
    return problems


def read_layer_file(path: str | os.PathLike, name: str) -> gpd.GeoDataFrame:
    """Read a layer from GeoJSON, GeoPackage or shapefile and reproject it to EPSG:4326.

    Args:
        path: the file (``.geojson``/``.json``, ``.gpkg``, ``.shp`` or a zipped shapefile).
        name: the layer it is meant to replace, one of ``LAYER_NAMES``.

    Returns:
        The validated layer in EPSG:4326.

    Raises:
        LayerError: the file cannot be read, has no CRS, or breaks any rule of
            ``validate_layer``; ``problems`` lists them all.
        ValueError: ``name`` is not a layer name.
    """
    _check_name(name)
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types; report them as one
        raise LayerError(name, [f"cannot read {os.fspath(path)!r}: {exc}"]) from exc
    if gdf.crs is None:
        raise LayerError(name, ["the file declares no CRS; add a .prj or a crs member"])
    gdf = gdf.to_crs(STORAGE_CRS)
    problems = validate_layer(name, gdf)
    if problems:
        raise LayerError(name, problems)
    return gdf


def write_layer(name: str, gdf: gpd.GeoDataFrame, directory: str | os.PathLike | None = None) -> Path:
    """Validate a layer and write it to ``<directory>/<name>.geojson`` atomically.

    Raises:
        LayerError: the layer breaks a rule of ``validate_layer``.
    """
    problems = validate_layer(name, gdf)
    if problems:
        raise LayerError(name, problems)
    folder = Path(directory) if directory is not None else DATA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / f"{name}.geojson"
    fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".geojson", dir=folder)
    os.close(fd)
    try:
        Path(tmp).write_text(gdf.to_json(drop_id=True, ensure_ascii=False), encoding="utf-8")
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target


_cache: dict[tuple, dict[str, gpd.GeoDataFrame]] = {}


def load_layers(directory: str | os.PathLike | None = None) -> dict[str, gpd.GeoDataFrame]:
    """Load the five layers from ``directory`` (default: the shipped ``geodata/data``).

    Cached per directory and file modification times, so a replaced file is re-read.
    Treat the returned frames as read-only: they are shared between callers.

    Raises:
        LayerError: a layer file is missing or breaks a rule.
    """
    folder = Path(directory).resolve() if directory is not None else DATA_DIR
    paths = {name: folder / f"{name}.geojson" for name in LAYER_NAMES}
    stamps = tuple(p.stat().st_mtime_ns if p.exists() else None for p in paths.values())
    key = (str(folder), stamps)
    if key not in _cache:
        layers = {}
        for name, path in paths.items():
            if not path.exists():
                raise LayerError(name, [f"file {str(path)!r} does not exist"])
            layers[name] = read_layer_file(path, name)
        for old in [k for k in _cache if k[0] == key[0]]:
            del _cache[old]
        _cache[key] = layers
    return _cache[key]
