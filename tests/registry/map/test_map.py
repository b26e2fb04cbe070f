"""The risk map through HTTP and the CLI: points, layers, downstream and upstream
analysis, location checks and layer import — on the shipped Xuchang layers."""
import json

import pytest

from tests.conftest import enterprise_payload, plan_payload

# On 颍河 near 禹州 (411081): downstream reaches 漯河市 then 周口市.
YINGHE_YUZHOU = (113.47, 34.15)
XSS = "<img src=x onerror=alert(1)>`${alert(1)}`"


def _enterprise(api, n, county, lon, lat, level="general", **extra):
    e = api.post("/enterprises", json=enterprise_payload(n, county=county, longitude=lon,
                                                         latitude=lat, **extra)).json
    plan = api.post("/plans", json=plan_payload(e["id"], risk_level=level)).json
    return e, plan


def test_enterprise_points_filtered_and_scoped(client, accounts, admin_api):
    _enterprise(admin_api, 1, "411081", *YINGHE_YUZHOU, level="serious", name=XSS + "厂")
    _enterprise(admin_api, 2, "411025", 113.48, 33.85, level="general")
    admin_api.post("/enterprises", json=enterprise_payload(3, county="411025"))  # no plan yet
    r = admin_api.get("/map/enterprises.geojson")
    assert r.status_code == 200 and r.json["type"] == "FeatureCollection"
    features = r.json["features"]
    assert len(features) == 2  # only enterprises with a current plan
    first = next(f for f in features if f["properties"]["risk_level"] == "serious")
    assert first["geometry"] == {"type": "Point", "coordinates": list(YINGHE_YUZHOU)}
    assert first["properties"]["name"] == XSS + "厂"  # stored and returned verbatim
    assert first["properties"]["filing_number"].startswith("411081-")
    assert len(admin_api.get("/map/enterprises.geojson?risk_level=serious").json["features"]) == 1
    assert len(admin_api.get("/map/enterprises.geojson?county_code=411025").json["features"]) == 1
    assert admin_api.get("/map/enterprises.geojson?risk_level=extreme").status_code == 422
    officer = accounts.api(client, "officer", ["411025"])
    codes = {f["properties"]["county_code"] for f in officer.get("/map/enterprises.geojson").json["features"]}
    assert codes == {"411025"}
    assert client.get("/api/v1/map/enterprises.geojson").status_code == 401


def test_cached_points_follow_every_change(app, admin_api):
    """The GeoJSON is cached per worker by data version: an API change, a plan filed, and
    a Core update whose time is older than the newest (a change committed after a later
    one) each show at once."""
    import sqlalchemy as sa

    from registry.extensions import db
    from registry.models import Enterprise

    def names():
        r = admin_api.get("/map/enterprises.geojson")
        assert r.status_code == 200 and r.mimetype == "application/json"
        return sorted(f["properties"]["name"] for f in r.json["features"])

    e1, _ = _enterprise(admin_api, 1, "411025", 113.48, 33.85, name="甲厂")
    assert names() == ["甲厂"] and names() == ["甲厂"]  # the second from the cache
    admin_api.patch(f"/enterprises/{e1['id']}", json={"name": "乙厂"})
    assert names() == ["乙厂"]
    _enterprise(admin_api, 2, "411025", 113.49, 33.86, name="丙厂")
    assert names() == ["丙厂", "乙厂"]
    with app.app_context():
        oldest = db.session.scalar(sa.select(sa.func.min(Enterprise.updated_at)))
        db.session.execute(sa.update(Enterprise).where(Enterprise.id == e1["id"])
                           .values(name="丁厂", updated_at=oldest.replace(year=oldest.year - 1)))
        db.session.commit()
    assert names() == ["丁厂", "丙厂"]


@pytest.mark.parametrize("layer", ["counties", "rivers", "sections", "receptors", "intercepts"])
def test_layers_carry_chinese_names(admin_api, layer):
    r = admin_api.get(f"/layers/{layer}.geojson")
    assert r.status_code == 200
    names = [f["properties"]["name"] for f in r.json["features"]]
    assert names and all(any("\u4e00" <= ch <= "\u9fff" for ch in n) for n in names)


def test_unknown_layer_is_a_validation_error(admin_api):
    r = admin_api.get("/layers/roads.geojson")
    assert r.status_code == 422 and "layer" in r.json["error"]["fields"]


def test_downstream_reaches_luohe_then_zhoukou(client, accounts, admin_api):
    e, _plan = _enterprise(admin_api, 1, "411081", *YINGHE_YUZHOU)
    r = admin_api.get(f"/enterprises/{e['id']}/downstream")
    assert r.status_code == 200, r.json
    trace = r.json
    assert trace["river"] == "颍河" and 0 < trace["distance_to_river_m"] < 2000
    cities = [h["name"] for h in trace["hits"] if h["kind"] == "city"]
    assert cities[:3] == ["漯河市", "许昌市", "周口市"]  # 临颍, back through 鄢陵, 西华
    distances = [h["distance_along_river_m"] for h in trace["hits"]]
    assert distances == sorted(distances)
    luohe = next(h for h in trace["hits"] if h["name"] == "漯河市")
    # Arrival time follows distance and the default 0.5 m/s flow speed.
    assert luohe["arrival_hours"] == pytest.approx(luohe["distance_along_river_m"] / 0.5 / 3600, rel=0.02)
    assert len(trace["path"]) > 10
    # Jurisdiction and existence are checked like everywhere else.
    officer = accounts.api(client, "officer", ["411025"])
    assert officer.get(f"/enterprises/{e['id']}/downstream").status_code == 403
    assert admin_api.get("/enterprises/99999/downstream").status_code == 404


def test_flow_speed_is_configurable(app, admin_api):
    e, _plan = _enterprise(admin_api, 1, "411081", *YINGHE_YUZHOU)
    slow = admin_api.get(f"/enterprises/{e['id']}/downstream").json
    app.config["RIVER_FLOW_SPEEDS"] = {"颍河": 1.0}
    fast = admin_api.get(f"/enterprises/{e['id']}/downstream").json
    hours = lambda t: next(h["arrival_hours"] for h in t["hits"] if h["name"] == "漯河市")  # noqa: E731
    assert hours(fast) == pytest.approx(hours(slow) / 2, rel=0.02)


def test_upstream_of_an_intake(client, admin_api, accounts):
    upstream_e, _ = _enterprise(admin_api, 1, "411081", 113.40, 34.17)
    _enterprise(admin_api, 2, "411024", 114.20, 34.10)  # on 双洎河, another river
    intake = next(f for f in admin_api.get("/layers/receptors.geojson").json["features"]
                  if f["properties"]["name"].startswith("禹州市颍河"))
    lon, lat = intake["geometry"]["coordinates"]
    r = admin_api.get(f"/upstream?lon={lon}&lat={lat}&km=30")
    assert r.status_code == 200
    assert [i["id"] for i in r.json["items"]] == [upstream_e["id"]]
    assert r.json["items"][0]["river"] == "颍河"
    assert admin_api.get(f"/upstream?lon={lon}&lat={lat}&km=-1").status_code == 422
    # The same search on the web page, by the intake's name.
    accounts.make("admin", username="boss")
    accounts.login(client, "boss")
    page = client.get("/map/upstream", query_string={"target": intake["properties"]["name"], "km": 30})
    assert page.status_code == 200 and enterprise_payload(1)["name"][:6] in page.get_data(as_text=True)


def test_points_outside_their_county_are_listed(client, accounts, admin_api):
    # Registered in 襄城县 but the point lies in 禹州市.
    wrong, _ = _enterprise(admin_api, 1, "411025", *YINGHE_YUZHOU)
    _enterprise(admin_api, 2, "411081", *YINGHE_YUZHOU)
    items = admin_api.get("/map/misplaced").json["items"]
    assert [(i["id"], i["declared_code"], i["actual_code"]) for i in items] == [
        (wrong["id"], "411025", "411081")]
    accounts.make("admin", username="boss")
    accounts.login(client, "boss")
    text = client.get("/map/checks").get_data(as_text=True)
    assert "禹州市" in text and f"/enterprises/{wrong['id']}/edit" in text


def test_map_pages(client, accounts, admin_api):
    e, _ = _enterprise(admin_api, 1, "411081", *YINGHE_YUZHOU, level="major")
    accounts.make("officer", ["411081"], username="yuzhou")
    accounts.login(client, "yuzhou")
    page = client.get("/map?risk_level=major&county_code=411081")
    assert page.status_code == 200
    assert 'src="/map/frame?county_code=411081&amp;risk_level=major"' in page.get_data(as_text=True)
    frame = client.get("/map/frame?risk_level=major")
    html = frame.get_data(as_text=True)
    assert frame.status_code == 200 and "frame-ancestors 'self'" in frame.headers["Content-Security-Policy"]
    assert "https://" not in html and "http://" not in html.replace("http://www.w3.org", "")
    assert "/static/vendor/leaflet/leaflet.js" in html
    show = client.get(f"/enterprises/{e['id']}").get_data(as_text=True)
    assert f"/map/frame?enterprise_id={e['id']}" in show
    down = client.get(f"/enterprises/{e['id']}/downstream").get_data(as_text=True)
    assert "漯河市" in down and "周口市" in down and "下游追踪" in down


def _write(path, features):
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features},
                               ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_geodata_import_refuses_a_bad_file_whole(runner, admin_api, tmp_path):
    before = admin_api.get("/layers/sections.geojson").json
    bad = _write(tmp_path / "sections.geojson", [
        {"type": "Feature", "properties": {"name": "颍河新断面"},
         "geometry": {"type": "Point", "coordinates": [113.9, 33.9]}},
        {"type": "Feature", "properties": {"name": "坏断面"},
         "geometry": {"type": "LineString", "coordinates": [[113.9, 33.9], [114.0, 33.8]]}},
    ])
    r = runner.invoke(args=["geodata", "import", bad, "--layer", "sections"])
    assert r.exit_code == 1
    assert "refused" in r.output and "nothing changed" in r.output
    assert admin_api.get("/layers/sections.geojson").json == before


def test_geodata_import_replaces_a_layer(runner, admin_api, tmp_path):
    sections = admin_api.get("/layers/sections.geojson").json["features"]
    official = [dict(f, properties=dict(f["properties"], name=f["properties"]["name"].replace("（示例）", "（正式）")))
                for f in sections[:3]]
    good = _write(tmp_path / "official-sections.geojson", official)
    r = runner.invoke(args=["geodata", "import", good, "--layer", "sections"])
    assert r.exit_code == 0, r.output
    names = [f["properties"]["name"] for f in admin_api.get("/layers/sections.geojson").json["features"]]
    assert len(names) == 3 and all(n.endswith("（正式）") for n in names)


def test_popup_details_for_large_maps(client, accounts, admin_api):
    e, plan = _enterprise(admin_api, 1, "411081", *YINGHE_YUZHOU)
    accounts.make("officer", ["411025"], username="xiangcheng")
    accounts.login(client, "xiangcheng")
    assert client.get(f"/map/details/{e['id']}").status_code == 403
    accounts.make("officer", ["411081"], username="yuzhou")
    accounts.login(client, "yuzhou")
    r = client.get(f"/map/details/{e['id']}")
    assert r.json == {"id": e["id"], "credit_code": e["credit_code"],
                      "filing_number": plan["filing_number"], "review_due_on": plan["review_due_on"]}


def test_downstream_names_the_agreements_covering_the_cities_reached(admin_api):
    from tests.registry.agreements.payloads import luohe

    e, _ = _enterprise(admin_api, 1, "411081", *YINGHE_YUZHOU)
    assert admin_api.get(f"/enterprises/{e['id']}/downstream").json["agreements"] == []
    agreement = admin_api.post("/agreements", json=luohe()).json
    found = admin_api.get(f"/enterprises/{e['id']}/downstream").json["agreements"]
    assert [(a["id"], a["city"]) for a in found] == [(agreement["id"], "漯河市")]


# Inside 鄢陵县, far from every shipped river (the nearest, 双洎河, is ~13.6 km away).
FAR_FROM_RIVERS = (114.1739, 34.0114)


def test_a_trace_does_not_snap_to_a_far_river(app, client, accounts, admin_api):
    import geopandas as gpd
    from shapely.geometry import Point

    from geodata.layers import DATA_DIR

    # The distance, measured independently in UTM zone 50N.
    rivers = gpd.read_file(DATA_DIR / "rivers.geojson").to_crs("EPSG:32650")
    origin = gpd.GeoSeries([Point(*FAR_FROM_RIVERS)], crs="EPSG:4326").to_crs("EPSG:32650")[0]
    nearest = min(zip(rivers.distance(origin), rivers["name"]))
    assert nearest[0] > 5000

    e, _plan = _enterprise(admin_api, 1, "411024", *FAR_FROM_RIVERS)
    trace = admin_api.get(f"/enterprises/{e['id']}/downstream").json
    assert trace["river_near"] is False and trace["max_snap_m"] == 5000
    assert trace["hits"] == [] and trace["rivers"] == []
    assert trace["river"] == nearest[1]
    assert trace["distance_to_river_m"] == pytest.approx(nearest[0], rel=0.01)
    officer_id, name = accounts.make("officer", ["411024"])
    accounts.login(client, name)
    page = client.get(f"/enterprises/{e['id']}/downstream").get_data(as_text=True)
    assert "5 公里范围内无河流" in page and nearest[1] in page

    app.config["TRACE_MAX_SNAP_KM"] = 20
    trace = admin_api.get(f"/enterprises/{e['id']}/downstream").json
    assert trace["river_near"] is True and trace["rivers"][0] == nearest[1]


def test_a_near_river_is_traced_and_says_so(admin_api):
    e, _plan = _enterprise(admin_api, 1, "411081", *YINGHE_YUZHOU)
    trace = admin_api.get(f"/enterprises/{e['id']}/downstream").json
    assert trace["river_near"] is True and trace["hits"]


def test_a_trace_starts_at_the_discharge_point_on_the_receiving_water(admin_api):
    # The enterprise sits far from every river; its discharge point (排放口) is on 颍河 at 禹州.
    e, _plan = _enterprise(admin_api, 1, "411024", *FAR_FROM_RIVERS)
    r = admin_api.patch(f"/enterprises/{e['id']}", json={
        "discharge_longitude": YINGHE_YUZHOU[0], "discharge_latitude": YINGHE_YUZHOU[1],
        "receiving_water": "颍河"})
    assert r.status_code == 200, r.json
    assert (r.json["discharge_longitude"], r.json["receiving_water"]) == (YINGHE_YUZHOU[0], "颍河")
    trace = admin_api.get(f"/enterprises/{e['id']}/downstream").json
    assert trace["river_near"] is True and trace["from_discharge_point"] is True
    assert trace["rivers"][0] == "颍河" and trace["origin"] == list(YINGHE_YUZHOU)
    cities = [h["name"] for h in trace["hits"] if h["kind"] == "city"]
    assert cities[:3] == ["漯河市", "许昌市", "周口市"]  # 临颍, back through 鄢陵, 西华


def test_the_receiving_water_is_traced_even_when_another_river_is_nearer(app, admin_api):
    # Near 禹州 on 颍河, but the enterprise declares 北汝河 (some 28 km away) as its receiving
    # water: beyond the 5 km cap nothing is traced, and the answer names 北汝河.
    e, _plan = _enterprise(admin_api, 1, "411081", *YINGHE_YUZHOU, receiving_water="北汝河")
    trace = admin_api.get(f"/enterprises/{e['id']}/downstream").json
    assert trace["river_near"] is False and trace["river"] == "北汝河"
    assert trace["distance_to_river_m"] > 20000
    app.config["TRACE_MAX_SNAP_KM"] = 50
    trace = admin_api.get(f"/enterprises/{e['id']}/downstream").json
    assert trace["rivers"][0] == "北汝河" and trace["river"] == "北汝河"


@pytest.mark.parametrize("body, field", [({"discharge_longitude": 113.5}, "discharge_latitude"),
                                         ({"discharge_latitude": 34.1}, "discharge_longitude")])
def test_a_discharge_point_needs_both_coordinates(admin_api, body, field):
    r = admin_api.post("/enterprises", json=enterprise_payload(5, **body))
    assert r.status_code == 422 and list(r.json["error"]["fields"]) == [field]
