"""The layers shipped in geodata/data."""

import pytest

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
    assert cities[:2] == ["漯河市", "周口市"]
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
