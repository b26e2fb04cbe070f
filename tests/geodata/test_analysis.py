import geopandas as gpd
import pytest
from shapely.geometry import LineString

from geodata.analysis import (CRSMismatch, RiverNetwork, county_at, points_frame, points_outside_counties,
                              river_topology_problems, upstream_points)
from tests.geodata import factories as f


@pytest.fixture
def network():
    return RiverNetwork.from_layers(f.rivers(), f.sections(), f.receptors(), f.counties())


def metres(line_coords, crs="EPSG:4547"):
    return gpd.GeoSeries([LineString(line_coords)], crs="EPSG:4326").to_crs(crs).length.iloc[0]


# --- points and counties ---

def test_points_frame_builds_wgs84_points():
    gdf = points_frame([{"id": 1, "lon": 113.6, "lat": 34.1}, {"id": 2, "lon": "113.7", "lat": 33.8}])
    assert gdf.crs.to_epsg() == 4326
    assert list(gdf["id"]) == [1, 2]
    assert gdf.geometry.iloc[1].x == pytest.approx(113.7)


@pytest.mark.parametrize("bad", [{"id": 7, "lon": None, "lat": 34}, {"id": 7, "lon": 200, "lat": 34},
                                 {"id": 7, "lon": "east", "lat": 34}])
def test_points_frame_names_the_bad_record(bad):
    with pytest.raises(ValueError, match="id 7"):
        points_frame([{"id": 1, "lon": 113.6, "lat": 34.1}, bad])


def test_county_at_finds_the_county_or_none():
    assert county_at(113.6, 34.1, f.counties()) == {"code": "411081", "name": "禹州市", "city": "许昌市"}
    assert county_at(113.6, 33.8, f.counties())["code"] == "411122"
    assert county_at(110.0, 30.0, f.counties()) is None


def test_county_at_works_with_a_projected_layer():
    assert county_at(113.6, 34.1, f.counties("EPSG:4547"))["code"] == "411081"


def test_points_outside_counties_lists_wrong_and_missing_counties():
    pts = points_frame([
        {"id": 1, "county_code": "411081", "lon": 113.6, "lat": 34.1},   # right
        {"id": 2, "county_code": "411081", "lon": 113.6, "lat": 33.8},   # in 临颍县
        {"id": 3, "county_code": "411081", "lon": 110.0, "lat": 30.0},   # nowhere
        {"id": 4, "county_code": "411023", "lon": 113.6, "lat": 34.1},   # legacy code, wrong county
    ])
    counties = f.counties()
    counties.loc[0, "code"] = "411003"  # 禹州 box stands in for 建安区 to test the alias
    result = points_outside_counties(pts, counties)
    assert list(result["id"]) == [1, 2, 3]
    assert result.to_dict("records")[1:] == [
        {"id": 2, "declared_code": "411081", "actual_code": "411122"},
        {"id": 3, "declared_code": "411081", "actual_code": None}]


def test_points_outside_counties_refuses_mixed_crs():
    pts = points_frame([{"id": 1, "county_code": "411081", "lon": 113.6, "lat": 34.1}])
    with pytest.raises(CRSMismatch, match="EPSG:4547"):
        points_outside_counties(pts, f.counties("EPSG:4547"))


def test_frame_without_crs_raises():
    counties = f.counties().set_crs(None, allow_override=True)
    with pytest.raises(CRSMismatch, match="no CRS"):
        county_at(113.6, 34.1, counties)


# --- river network ---

def test_nearest_river_and_distance(network):
    name, distance = network.nearest_river(113.55, 34.16)
    assert name == "甲河"
    assert 500 < distance < 3000
    assert network.nearest_river(113.85, 34.18)[0] == "乙河"


def test_trace_follows_the_confluence_and_orders_hits(network):
    trace = network.trace(113.50, 34.20)
    assert trace.river == "甲河"
    assert trace.rivers == ["甲河", "乙河"]
    kinds = [(h.kind, h.name) for h in trace.hits]
    assert kinds == [("water_transfer_canal", "调水干渠"), ("confluence", "乙河"), ("county", "临颍县"),
                     ("city", "漯河市"), ("section", "乙河出境断面"), ("drinking_water_intake", "乙河取水口")]
    # the intake on 丙河 is 100 m away but on another river: not reached
    assert "别的河取水口" not in [h.name for h in trace.hits]
    hits = {h.name: h for h in trace.hits}
    trib = metres([(113.50, 34.20), (113.60, 34.10), f.CONFLUENCE])
    assert hits["乙河"].distance_along_river_m == pytest.approx(trib, rel=1e-3)
    to_section = metres([f.CONFLUENCE, (113.70, 33.90)])
    assert hits["乙河出境断面"].distance_along_river_m == pytest.approx(trib + to_section, rel=1e-3)
    # 1.0 m/s on 甲河, then 0.5 m/s on 乙河
    expected = (trib / 1.0 + to_section / 0.5) / 3600
    assert hits["乙河出境断面"].arrival_hours == pytest.approx(expected, abs=0.01)
    assert hits["临颍县"].distance_along_river_m == pytest.approx(trib + to_section, abs=100)
    assert hits["临颍县"].attrs == {"code": "411122", "city": "漯河市", "neighbour": True}
    assert trace.path[0] == pytest.approx((113.50, 34.20), abs=1e-6)
    assert trace.path[-1] == pytest.approx((113.70, 33.80), abs=1e-6)


def test_trace_max_km_cuts_the_path(network):
    trace = network.trace(113.50, 34.20, max_km=5)
    assert trace.length_m == pytest.approx(5000, abs=1)
    assert trace.rivers == ["甲河"]
    assert all(h.distance_along_river_m <= 5000 for h in trace.hits)


def test_trace_to_dict_is_plain(network):
    data = network.trace(113.85, 34.18).to_dict()
    assert data["river"] == "乙河"
    assert isinstance(data["path"][0], list)
    assert {"name", "kind", "distance_along_river_m", "arrival_hours"} <= set(data["hits"][0])


def test_network_refuses_layers_in_different_crs():
    with pytest.raises(CRSMismatch):
        RiverNetwork.from_layers(f.rivers(), f.sections("EPSG:3857"), f.receptors(), f.counties())


def test_network_refuses_a_geographic_metric_crs():
    with pytest.raises(ValueError, match="not a projected CRS"):
        RiverNetwork.from_layers(f.rivers(), metric_crs="EPSG:4326")


def test_network_accepts_another_metric_crs():
    net = RiverNetwork.from_layers(f.rivers(), metric_crs="EPSG:32649")
    assert net.trace(113.50, 34.20).rivers == ["甲河", "乙河"]


def test_upstream_points_walks_up_tributaries():
    net = RiverNetwork.from_layers(f.rivers(), f.sections(), f.receptors(), f.counties())
    pts = points_frame([
        {"id": "on-trib", "lon": 113.55, "lat": 34.15},
        {"id": "on-main", "lon": 113.80, "lat": 34.10},
        {"id": "downstream", "lon": 113.70, "lat": 33.82},
    ])
    found = upstream_points(net, 113.70, 33.85, pts, within_km=60)
    assert [p["id"] for p in found] == ["on-main", "on-trib"]  # ~31 km and ~38 km upstream
    assert {p["river"] for p in found} == {"甲河", "乙河"}
    near = upstream_points(net, 113.70, 33.85, pts, within_km=35)
    assert [p["id"] for p in near] == ["on-main"]
    assert 25000 < near[0]["distance_upstream_m"] < 35000


def test_upstream_points_refuses_points_in_another_crs():
    net = RiverNetwork.from_layers(f.rivers())
    pts = points_frame([{"id": 1, "lon": 113.55, "lat": 34.15}]).to_crs("EPSG:3857")
    with pytest.raises(CRSMismatch):
        upstream_points(net, 113.70, 33.85, pts, within_km=10)


# --- topology ---

def test_topology_accepts_a_snapped_network():
    assert river_topology_problems(f.rivers()) == []


def test_topology_reports_an_unsnapped_confluence():
    rivers = f.rivers()
    rivers.loc[0, "geometry"] = LineString([(113.50, 34.20), (113.60, 34.10), (113.699, 34.001)])
    problems = river_topology_problems(rivers)
    assert any("甲河" in p and "snap" in p for p in problems)


def test_topology_reports_a_cycle():
    rivers = gpd.GeoDataFrame({"name": ["a", "b"]}, geometry=[
        LineString([(113.5, 34.0), (113.6, 34.0), (113.7, 34.0)]),
        LineString([(113.7, 34.0), (113.7, 34.1), (113.6, 34.0)])], crs="EPSG:4326")
    assert any("cycle" in p for p in river_topology_problems(rivers))


@pytest.mark.parametrize("connected, kind, flag", [
    ("", "crossing", False),              # connected to no river: an aqueduct over 甲河
    ("乙河", "crossing", False),          # connected to another river only
    ("甲河、乙河", "water_transfer_canal", True),
    (None, "water_transfer_canal", None),  # the layer does not say: reached, as before
])
def test_a_receptor_line_not_connected_to_the_river_is_a_crossing(connected, kind, flag):
    receptors = f.receptors()
    receptors["connected_rivers"] = [None, connected, None]
    network = RiverNetwork.from_layers(f.rivers(), f.sections(), receptors, f.counties())
    (hit,) = [h for h in network.trace(113.50, 34.20).hits if h.name == "调水干渠"]
    assert hit.kind == kind
    assert hit.attrs.get("hydraulically_connected") is flag
