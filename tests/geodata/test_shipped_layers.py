"""The layers shipped in geodata/data."""

import pytest
import shapely

from geodata.analysis import RiverNetwork, river_topology_problems
from geodata.layers import LAYER_NAMES, load_layers, validate_layer

XUCHANG = {"411002", "411003", "411024", "411025", "411081", "411082"}
NEIGHBOURS = {"410100": "郑州市", "410200": "开封市", "410400": "平顶山市", "411100": "漯河市", "411600": "周口市"}


@pytest.fixture(scope="module")
def layers():
    return load_layers()


@pytest.fixture(scope="module")
def network(layers):
    return RiverNetwork.from_layers(layers["rivers"], layers["sections"], layers["receptors"], layers["counties"])


@pytest.mark.parametrize("name", LAYER_NAMES)
def test_layers_are_valid(layers, name):
    assert layers[name].crs.to_epsg() == 4326
    assert validate_layer(name, layers[name]) == []
    assert layers[name]["name"].str.len().gt(0).all()


def test_all_counties_present(layers):
    counties = layers["counties"]
    own = counties[~counties["neighbour"]]
    assert set(own["code"]) == XUCHANG
    assert set(own["city"]) == {"许昌市"}
    neighbours = counties[counties["neighbour"]]
    assert dict(zip(neighbours["city_code"], neighbours["city"])) == NEIGHBOURS
    assert len(neighbours) == 46


def test_rivers_form_one_connected_network(layers, network):
    assert {"颍河", "北汝河", "清潩河", "双洎河", "沙河"} <= set(layers["rivers"]["name"])
    assert river_topology_problems(layers["rivers"]) == []
    outlets = set()
    for name in network.rivers:
        while network.rivers[name].outlet is not None:
            name = network.rivers[name].outlet[0]
        outlets.add(name)
    assert outlets == {"沙颍河"}


def test_demo_features_are_marked(layers):
    for name in ("sections", "receptors", "intercepts"):
        assert layers[name]["demo"].all()
    assert {"漯河市", "周口市", "平顶山市", "郑州市"} <= set(layers["sections"]["neighbour_city"])
    assert "water_transfer_canal" in set(layers["receptors"]["kind"])


def test_trace_from_yuzhou_reaches_luohe_and_zhoukou(network):
    trace = network.trace(113.47, 34.14)  # near 禹州, on 颍河
    assert trace.river == "颍河"
    cities = [h.name for h in trace.hits if h.kind == "city"]
    # Out through 临颍 (漯河), back through southern 鄢陵 (许昌), on into 西华 (周口).
    assert cities[:3] == ["漯河市", "许昌市", "周口市"]
    sections = [h for h in trace.hits if h.kind == "section"]
    assert sections[0].attrs["neighbour_city"] == "漯河市"
    assert sections[0].arrival_hours == pytest.approx(sections[0].distance_along_river_m / 0.5 / 3600, rel=0.01)
    distances = [h.distance_along_river_m for h in trace.hits]
    assert distances == sorted(distances)


def test_trace_from_changge_on_qingyi_reaches_ying(network):
    trace = network.trace(113.78, 34.20)
    assert trace.rivers[:2] == ["清潩河", "颍河"]


def test_the_canal_crossing_ying_by_aqueduct_is_no_hit(network):
    # Issue #22 point 4: the 南水北调 middle route crosses 颍河 near 禹州 (about 113.48, 34.16)
    # by aqueduct; a spill upstream of it passes under, it never reaches the canal.
    trace = network.trace(113.45, 34.17)
    assert trace.river == "颍河"
    assert "water_transfer_canal" not in [h.kind for h in trace.hits]
    (crossing,) = [h for h in trace.hits if h.kind == "crossing"]
    assert crossing.name == "南水北调中线总干渠（示意）"
    assert crossing.attrs["hydraulically_connected"] is False
    assert crossing.attrs["receptor_kind"] == "water_transfer_canal"


def _counties_along(layers, river: str, min_km: float = 1.0) -> list[str]:
    """The counties a river runs through, in its order (stretches under min_km ignored)."""
    line = layers["rivers"].to_crs("EPSG:4547").set_index("name").geometry[river]
    stretches = []
    for county in layers["counties"].to_crs("EPSG:4547").itertuples():
        part = line.intersection(county.geometry)
        for piece in getattr(part, "geoms", [part]):
            if not piece.is_empty and piece.length > min_km * 1000:
                stretches.append((line.project(piece.interpolate(0)), county.name))
    names = [name for _along, name in sorted(stretches)]
    return [n for i, n in enumerate(names) if i == 0 or names[i - 1] != n]


def _in_order(sequence: list[str], expected: list[str]) -> bool:
    it = iter(sequence)
    return all(name in it for name in expected)


def test_qingyi_runs_from_changge_through_xuchang_and_linying_into_yanling(layers):
    """Issue #22 point 3. 《清潩河史话》 (路志纯, from the second national place-name survey
    of 长葛): 长葛 → 许昌 → 临颍 → 鄢陵, into 颍河 2 km below 赵庄闸 in southern 鄢陵. The old
    line ran south through 临颍 into 郾城区 and never came back to 鄢陵."""
    along = _counties_along(layers, "清潩河")
    assert _in_order(along, ["长葛市", "魏都区", "临颍县", "鄢陵县"]), along
    assert along[-1] == "鄢陵县" and "郾城区" not in along
    counties = layers["counties"].set_index("name").geometry
    rivers = layers["rivers"].set_index("name").geometry
    mouth = shapely.Point(rivers["清潩河"].coords[-1])
    assert counties["鄢陵县"].contains(mouth)
    assert mouth.y < counties["鄢陵县"].centroid.y  # southern 鄢陵
    assert rivers["颍河"].distance(mouth) < 1e-5  # on 颍河 (about 1 m)


def test_ying_runs_north_of_linying_through_southern_yanling_not_yancheng(layers):
    """颍河 past 禹州, 襄城, 临颍 and on to 周口 (许昌日报, 颍川行, 2025); below 临颍 it passes
    陶城 in southern 鄢陵 and 逍遥 in 西华 (水经注's 溵强). WDB-II's line bent ~25 km
    through 郾城区 instead."""
    along = _counties_along(layers, "颍河")
    assert _in_order(along, ["禹州市", "襄城县", "临颍县", "鄢陵县", "西华县", "川汇区"]), along
    assert "郾城区" not in _counties_along(layers, "颍河", min_km=0.1)


def test_a_spill_in_changge_is_owed_to_luohe_then_zhoukou(network):
    """The electroplating belt of 长葛 drains into 清潩河: 临颍 (漯河市) first, then back into
    鄢陵 and, on 颍河, 西华 (周口市) — not 郾城区."""
    trace = network.trace(113.78, 34.20)
    counties = [h.name for h in trace.hits if h.kind == "county"]
    assert _in_order(counties, ["临颍县", "鄢陵县", "西华县"]) and "郾城区" not in counties
    outgoing = [h.attrs["neighbour_city"] for h in trace.hits
                if h.kind == "section" and "出境" in h.name]
    assert outgoing[:2] == ["漯河市", "周口市"]
