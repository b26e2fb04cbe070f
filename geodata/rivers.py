"""The river network: nearest river, downstream trace, upstream search, topology checks.

Rivers are LineStrings drawn upstream → downstream; a tributary's last vertex lies on
the river it joins. All measuring happens in a projected metric CRS (``geodata.crs``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry import LineString, Point
from shapely.ops import nearest_points, substring

from geodata.crs import DEFAULT_METRIC_CRS, WGS84, CRSMismatch, crs_of, projected, require_same_crs, transformer

DEFAULT_SPEED_MPS = 0.5  # [assumed] mean flow speed when a river has none


def _downstream_links(lines: Mapping[str, LineString], tolerance_m: float
                      ) -> tuple[dict[str, tuple[str, float] | None], list[str]]:
    """For each river, the river its mouth flows into (and where along it), and problems."""
    names = list(lines)
    tree = shapely.STRtree([lines[n] for n in names])
    links: dict[str, tuple[str, float] | None] = {}
    problems = []
    for name in names:
        mouth = Point(lines[name].coords[-1])
        into = []
        for i in tree.query(mouth, predicate="dwithin", distance=tolerance_m):
            other = names[int(i)]
            if other == name:
                continue
            along = lines[other].project(mouth)
            if along < lines[other].length - tolerance_m:  # a river ending there too is no outlet
                into.append((other, along))
        if len(into) > 1:
            problems.append(f"river {name!r} ends where several rivers continue "
                            f"({', '.join(o for o, _ in into)}); split them at the confluence")
        links[name] = into[0] if into else None
    for name in names:
        seen = [name]
        nxt = links[name]
        while nxt is not None:
            if nxt[0] in seen:
                problems.append(f"rivers form a cycle: {' → '.join(seen + [nxt[0]])}")
                break
            seen.append(nxt[0])
            nxt = links[nxt[0]]
    return links, problems


def river_topology_problems(rivers: gpd.GeoDataFrame, *, metric_crs: str = DEFAULT_METRIC_CRS,
                            snap_tolerance_m: float = 1.0, near_miss_m: float = 500.0) -> list[str]:
    """Check that rivers form a network a trace can follow.

    Each river is one LineString drawn upstream → downstream; a tributary's last vertex
    lies on the river it joins (within ``snap_tolerance_m``). Reported: degenerate lines,
    a mouth that stops short of another river by less than ``near_miss_m`` (an
    unsnapped confluence), a mouth shared by several continuing rivers, and cycles.
    """
    metric = rivers.to_crs(projected(metric_crs))
    lines = dict(zip(metric["name"].astype(str), metric.geometry))
    problems = [f"river {n!r} is shorter than 10 m" for n, g in lines.items() if g.length < 10]
    links, link_problems = _downstream_links(lines, snap_tolerance_m)
    problems += link_problems
    for name, link in links.items():
        if link is not None:
            continue
        mouth = Point(lines[name].coords[-1])
        for other, geom in lines.items():
            gap = geom.distance(mouth)
            if other != name and snap_tolerance_m < gap < near_miss_m and geom.project(mouth) < geom.length - 1:
                problems.append(f"river {name!r} ends {gap:.0f} m from river {other!r}: snap the "
                                f"confluence onto it (or check the line runs upstream → downstream)")
    return problems


@dataclass
class Hit:
    """Something a spill reaches: a receptor, section, county, city or confluence."""

    name: str
    kind: str
    distance_along_river_m: float
    arrival_hours: float
    river: str
    lon: float
    lat: float
    attrs: dict = field(default_factory=dict)


@dataclass
class Trace:
    """A downstream trace from one point; ``path`` is WGS-84 (lon, lat) for drawing."""

    origin: tuple[float, float]
    river: str
    distance_to_river_m: float
    start: tuple[float, float]
    rivers: list[str]
    path: list[tuple[float, float]]
    length_m: float
    hours: float
    hits: list[Hit]
    # False when the nearest river is farther than the trace's ``max_snap_m``: then nothing
    # is traced (``river`` and ``distance_to_river_m`` name the nearest one).
    river_near: bool = True
    max_snap_m: float | None = None

    def to_dict(self) -> dict:
        """Plain JSON-ready dict (tuples become lists)."""
        data = asdict(self)
        data["path"] = [list(p) for p in self.path]
        data["origin"], data["start"] = list(self.origin), list(self.start)
        return data


@dataclass
class _River:
    name: str
    line: LineString
    speed: float
    outlet: tuple[str, float] | None


class RiverNetwork:
    """Rivers as a directed network, with the features a trace reports.

    Build with ``RiverNetwork.from_layers``; then ``nearest_river`` and ``trace``.
    """

    def __init__(self, rivers: dict[str, _River], targets: list[dict], counties: list[dict],
                 crs: CRS, metric_crs: CRS, hit_tolerance_m: float, county_step_m: float):
        self.rivers = rivers
        self.crs = crs
        self.metric_crs = metric_crs
        self.hit_tolerance_m = hit_tolerance_m
        self.county_step_m = county_step_m
        self._names = list(rivers)
        self._river_tree = shapely.STRtree([rivers[n].line for n in self._names])
        self._targets = targets
        self._target_tree = shapely.STRtree([t["geometry"] for t in targets])
        self._counties = counties
        self._county_tree = shapely.STRtree([c["geometry"] for c in counties])
        self._to_metric = transformer(WGS84, metric_crs.to_string())
        self._to_wgs = transformer(metric_crs.to_string(), WGS84)

    @classmethod
    def from_layers(cls, rivers: gpd.GeoDataFrame, sections: gpd.GeoDataFrame | None = None,
                    receptors: gpd.GeoDataFrame | None = None, counties: gpd.GeoDataFrame | None = None,
                    metric_crs: str = DEFAULT_METRIC_CRS, default_speed_mps: float = DEFAULT_SPEED_MPS,
                    *, hit_tolerance_m: float = 500.0, snap_tolerance_m: float = 5.0,
                    county_step_m: float = 100.0) -> RiverNetwork:
        """Build the network from the layers.

        Args:
            rivers: LineStrings upstream → downstream, ``name``, optional ``flow_speed_mps``.
            sections, receptors: features reported when a trace passes within
                ``hit_tolerance_m`` (those with a ``river`` attribute only on that river).
            counties: polygons with ``code``, ``name``, ``city`` (optional ``neighbour``);
                a trace reports each county and city it enters, sampled every ``county_step_m``.
            metric_crs: projected CRS for distances.
            default_speed_mps: flow speed for rivers without one (must be > 0).

        Raises:
            CRSMismatch: the layers do not share one CRS, or one has none.
            ValueError: ``metric_crs`` is not projected, a speed is not positive, or the
                rivers form a cycle or an ambiguous confluence.
        """
        crs = require_same_crs(rivers=rivers, sections=sections, receptors=receptors, counties=counties)
        metric = projected(metric_crs)
        if not default_speed_mps > 0:
            raise ValueError(f"default_speed_mps must be > 0, got {default_speed_mps!r}")
        mrivers = rivers.to_crs(metric)
        lines = dict(zip(mrivers["name"].astype(str), mrivers.geometry))
        if len(lines) != len(mrivers):
            raise ValueError("river names must be unique (one line per river)")
        links, problems = _downstream_links(lines, snap_tolerance_m)
        if problems:
            raise ValueError("; ".join(problems))
        speeds = (pd.to_numeric(mrivers["flow_speed_mps"], errors="coerce")
                  if "flow_speed_mps" in mrivers.columns else pd.Series(np.nan, index=mrivers.index))
        network = {}
        for name, speed in zip(lines, speeds):
            speed = default_speed_mps if pd.isna(speed) else float(speed)
            if speed <= 0:
                raise ValueError(f"river {name!r}: flow_speed_mps must be > 0, got {speed}")
            network[name] = _River(name, lines[name], speed, links[name])
        targets = []
        for kind_default, layer in (("section", sections), ("receptor", receptors)):
            if layer is None:
                continue
            for row in layer.to_crs(metric).to_dict("records"):
                geom = row.pop("geometry")
                kind = kind_default if kind_default == "section" else str(row.get("kind") or "receptor")
                river = row.get("river")
                targets.append({"name": str(row["name"]), "kind": kind, "geometry": geom,
                                "river": river if isinstance(river, str) and river else None,
                                "attrs": _plain(row, exclude=("name", "kind"))})
        county_rows = []
        if counties is not None:
            for row in counties.to_crs(metric).to_dict("records"):
                geom = row.pop("geometry")
                county_rows.append({"geometry": geom, "name": str(row["name"]), "code": str(row["code"]),
                                    "city": str(row.get("city") or ""),
                                    "city_code": str(row.get("city_code") or ""),
                                    "neighbour": bool(row.get("neighbour") or False)})
        return cls(network, targets, county_rows, crs, metric, hit_tolerance_m, county_step_m)

    def _locate(self, lon: float, lat: float, river: str | None = None
                ) -> tuple[str, float, float, Point]:
        x, y = self._to_metric.transform(lon, lat)
        point = Point(x, y)
        # The receiving water when known and on the map, else the nearest river.
        name = river if river in self.rivers else self._names[int(self._river_tree.nearest(point))]
        line = self.rivers[name].line
        return name, line.distance(point), line.project(point), point

    def nearest_river(self, lon: float, lat: float) -> tuple[str, float]:
        """Name of the river nearest a WGS-84 point and the distance to it in metres."""
        name, distance, _, _ = self._locate(lon, lat)
        return name, round(distance, 1)

    def trace(self, lon: float, lat: float, max_km: float | None = None,
              max_snap_m: float | None = None, river: str | None = None) -> Trace:
        """Follow the network downstream from the river point nearest (lon, lat).

        Returns a ``Trace`` whose ``hits`` are ordered by distance along the rivers:
        receptors and sections on the path, counties and cities entered and confluences,
        each with the arrival time of a spill at the rivers' flow speeds. When the nearest
        river is farther than ``max_snap_m``, nothing is traced: ``river_near`` is False
        and ``river``/``distance_to_river_m`` name the nearest river. ``river`` (the
        receiving water, 受纳水体) starts the trace on that river instead of the nearest.
        """
        if max_km is not None and not max_km > 0:
            raise ValueError(f"max_km must be > 0, got {max_km!r}")
        name, distance, along, _ = self._locate(lon, lat, river)
        if max_snap_m is not None and distance > max_snap_m:
            return Trace(origin=(lon, lat), river=name, distance_to_river_m=round(distance, 1),
                         start=(lon, lat), rivers=[], path=[(lon, lat)], length_m=0.0,
                         hours=0.0, hits=[], river_near=False, max_snap_m=max_snap_m)
        limit = math.inf if max_km is None else max_km * 1000.0
        pieces, legs = self._walk(name, along, limit)
        coords = [pieces[0].coords[0]]
        for piece in pieces:
            coords.extend(piece.coords[1:])
        path = LineString(coords) if len(coords) > 1 else LineString([coords[0], coords[0]])
        length = sum(p.length for p in pieces)

        def hours(d: float) -> float:
            for start, end, t0, speed, _ in legs:
                if d <= end or (start, end) == legs[-1][:2]:
                    return t0 + max(d - start, 0.0) / speed / 3600.0
            return 0.0

        def river_at(d: float) -> str:
            return next((leg[4] for leg in legs if d <= leg[1]), legs[-1][4])

        raw = self._target_hits(path, {leg[4] for leg in legs})
        raw += self._county_hits(path, length)
        raw += [(leg[0], f"{leg[4]}", "confluence", {}) for leg in legs[1:]]
        xs, ys = zip(*coords)
        lons, lats = self._to_wgs.transform(np.asarray(xs), np.asarray(ys))
        hits = []
        for d, hit_name, kind, attrs in sorted(raw, key=lambda h: h[0]):
            kind, attrs = _crossing(kind, attrs, river_at(d))
            px, py = path.interpolate(d).coords[0]
            hlon, hlat = self._to_wgs.transform(px, py)
            hits.append(Hit(hit_name, kind, round(d, 1), round(hours(d), 2), river_at(d),
                            round(hlon, 6), round(hlat, 6), attrs))
        return Trace(origin=(lon, lat), river=name, distance_to_river_m=round(distance, 1),
                     start=(round(float(lons[0]), 6), round(float(lats[0]), 6)),
                     rivers=[leg[4] for leg in legs],
                     path=[(round(float(a), 6), round(float(b), 6)) for a, b in zip(lons, lats)],
                     length_m=round(length, 1), hours=round(hours(length), 2), hits=hits,
                     max_snap_m=max_snap_m)

    def _walk(self, name: str, along: float, limit: float):
        pieces, legs, seen = [], [], set()
        done, elapsed = 0.0, 0.0
        while name is not None and name not in seen and done < limit:
            seen.add(name)
            river = self.rivers[name]
            end = min(river.line.length, along + (limit - done))
            piece = substring(river.line, along, end)
            if piece.geom_type == "Point":  # started at the very mouth
                piece = LineString([piece.coords[0], piece.coords[0]])
            pieces.append(piece)
            legs.append((done, done + piece.length, elapsed, river.speed, name))
            done += piece.length
            elapsed += piece.length / river.speed / 3600.0
            if river.outlet is None or end < river.line.length:
                break
            name, along = river.outlet
        return pieces, legs

    def _target_hits(self, path: LineString, rivers: set[str]) -> list[tuple]:
        hits = []
        for i in self._target_tree.query(path, predicate="dwithin", distance=self.hit_tolerance_m):
            target = self._targets[int(i)]
            if target["river"] is not None and target["river"] not in rivers:
                continue
            geom = target["geometry"]
            if geom.geom_type == "Point":
                d = path.project(geom)
            else:
                crossing = path.intersection(geom)
                probe = crossing if not crossing.is_empty else nearest_points(path, geom)[0]
                d = min(path.project(Point(c)) for c in shapely.get_coordinates(probe))
            hits.append((d, target["name"], target["kind"], dict(target["attrs"])))
        return hits

    def _county_hits(self, path: LineString, length: float) -> list[tuple]:
        if not self._counties or length <= 0:
            return []
        steps = np.append(np.arange(0.0, length, self.county_step_m), length)
        # np.interp over cumulative vertex distances: linear in the path, unlike
        # shapely.line_interpolate_point, which walks the line for every sample.
        xy = shapely.get_coordinates(path)
        cumulative = np.concatenate([[0.0], np.cumsum(np.hypot(*np.diff(xy, axis=0).T))])
        samples = shapely.points(np.interp(steps, cumulative, xy[:, 0]), np.interp(steps, cumulative, xy[:, 1]))
        pairs = self._county_tree.query(samples, predicate="within")
        county = np.full(len(steps), -1)
        county[pairs[0]] = pairs[1]
        hits, current, city = [], None, None
        for k, c in enumerate(county):
            if c < 0 or c == current:
                continue
            row = self._counties[int(c)]
            d = 0.0 if k == 0 else (steps[k - 1] + steps[k]) / 2
            if current is not None:
                attrs = {"code": row["code"], "city": row["city"], "neighbour": row["neighbour"]}
                hits.append((d, row["name"], "county", attrs))
                if row["city"] and row["city"] != city:
                    hits.append((d, row["city"], "city", {"code": row["city_code"],
                                                          "neighbour": row["neighbour"]}))
            current, city = c, row["city"]
        return hits


def connected_rivers(value) -> frozenset[str] | None:
    """A receptor line's ``connected_rivers`` attribute: the rivers it is hydraulically
    connected to, separated by ``,``/``、``/``;`` (``""``: none). None when the layer does not
    say (then every crossing counts as reached, as before)."""
    if not isinstance(value, str):
        return None
    return frozenset(n.strip() for n in value.replace("、", ",").replace(";", ",").split(",")
                     if n.strip())


def _crossing(kind: str, attrs: dict, river: str) -> tuple[str, dict]:
    """A receptor line that crosses ``river`` without being hydraulically connected to it
    (an aqueduct, an inverted siphon: the 南水北调 canal) is a ``crossing``, never a hit;
    ``attrs["hydraulically_connected"]`` says which it is whenever the layer tells."""
    connected = connected_rivers(attrs.get("connected_rivers"))
    if connected is None:
        return kind, attrs
    attrs = {**attrs, "hydraulically_connected": river in connected}
    if river in connected:
        return kind, attrs
    return "crossing", {**attrs, "receptor_kind": kind}


def _plain(row: Mapping, exclude: tuple[str, ...]) -> dict:
    out = {}
    for key, value in row.items():
        if key in exclude:
            continue
        if isinstance(value, float) and math.isnan(value):
            value = None
        elif isinstance(value, np.generic):
            value = value.item()
        out[key] = value
    return out


def upstream_points(network: RiverNetwork, lon: float, lat: float, points: gpd.GeoDataFrame,
                    within_km: float, *, max_distance_to_river_m: float | None = None) -> list[dict]:
    """Points whose nearest river reaches (lon, lat) within ``within_km`` downstream.

    The target (an intake or section) snaps to its nearest river; the search walks
    upstream along it and every tributary joining within reach. A point belongs to the
    river nearest it (optionally only if closer than ``max_distance_to_river_m``).

    Returns:
        One dict per point found, nearest first: the point's columns (``id``, …) plus
        ``river``, ``distance_upstream_m`` and ``distance_to_river_m``.

    Raises:
        CRSMismatch: ``points`` is not in the CRS the network was built from.
        ValueError: ``within_km`` is not positive.
    """
    if not within_km > 0:
        raise ValueError(f"within_km must be > 0, got {within_km!r}")
    crs = crs_of(points, "points")
    if not crs.equals(network.crs):
        raise CRSMismatch(f"points are in {crs.to_string()} but the network was built from "
                          f"{network.crs.to_string()}")
    reach = within_km * 1000.0
    name, _, along, _ = network._locate(lon, lat)
    intervals: dict[str, list[tuple[float, float, float]]] = {}
    stack = [(name, along, 0.0)]
    while stack:
        river, top, base = stack.pop()
        low = max(0.0, top - (reach - base))
        intervals.setdefault(river, []).append((low, top, base))
        for other in network.rivers.values():
            if other.outlet and other.outlet[0] == river and low <= other.outlet[1] <= top:
                stack.append((other.name, other.line.length, base + top - other.outlet[1]))
    if points.empty:
        return []
    geoms = points.to_crs(network.metric_crs).geometry.values
    (src, idx), dist = network._river_tree.query_nearest(geoms, return_distance=True, all_matches=False)
    found = []
    records = points.drop(columns=points.geometry.name).to_dict("records")
    for s, i, d in zip(src, idx, dist):
        river = network._names[int(i)]
        if river not in intervals or (max_distance_to_river_m is not None and d > max_distance_to_river_m):
            continue
        pos = network.rivers[river].line.project(geoms[int(s)])
        for low, top, base in intervals[river]:
            if low <= pos <= top:
                row = _plain(records[int(s)], exclude=())
                row.update(river=river, distance_upstream_m=round(base + top - pos, 1),
                           distance_to_river_m=round(float(d), 1))
                found.append(row)
                break
    return sorted(found, key=lambda r: r["distance_upstream_m"])
