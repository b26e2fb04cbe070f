"""The notification sheet: matching downstream hits to agreements (hits built in code),
the adapter from geodata's trace, the map layer, and the sheet through HTTP."""
import sys

import pytest

from registry.agreements.sheet import DownstreamHit, hits_from_trace
from tests.conftest import enterprise_payload
from tests.registry.agreements.payloads import luohe, zhoukou

# What a spill in 建安区 on 清潩河 reaches (shape of geodata's trace, figures rounded).
HITS = [
    DownstreamHit("周口市", None, 56850.0, 47.54, "颍河"),
    DownstreamHit("漯河市", "颍河建安区—临颍县出境断面（示例）", 10402.5, 9.63, "清潩河"),
    DownstreamHit("漯河市", None, 10450.0, 9.68, "清潩河"),
    DownstreamHit("许昌市", None, 0.0, 0.0, "清潩河"),
    DownstreamHit("开封市", None, 90000.0, 80.0, "贾鲁河"),
]


@pytest.fixture
def registered(admin_api):
    return admin_api.post("/agreements", json=luohe()).json, admin_api.post("/agreements", json=zhoukou()).json


def _sheet(app, hits=HITS, user=None):
    from registry.agreements.sheet import build_sheet
    from registry.permissions import SystemActor

    with app.test_request_context():
        return build_sheet(user or SystemActor("test"), hits, {"kind": "point", "lon": 113.83, "lat": 34.0})


def test_destinations_in_order_of_arrival_with_agreement_and_calls(app, registered):
    sheet = _sheet(app)
    assert sheet["home_city"] == "许昌市"
    assert [d["city"] for d in sheet["destinations"]] == ["漯河市", "周口市", "开封市"]
    luohe_row = sheet["destinations"][0]
    assert luohe_row["arrival_hours"] == 9.63 and luohe_row["distance_m"] == 10402.5
    assert luohe_row["agreement"]["id"] == registered[0]["id"]
    assert luohe_row["limit_hours"] == 1.0
    assert luohe_row["departments"] == ["漯河市生态环境局", "漯河市水利局"]
    # Duty phones first, then mobiles, then offices.
    assert [(c["name"], c["kind"]) for c in luohe_row["calls"]] == [
        ("李建国", "duty_phone"), ("李建国", "mobile"), ("赵红", "mobile"),
        ("李建国", "office_phone"), ("赵红", "office_phone")]
    assert [c["stale"] for c in luohe_row["calls"]] == [False, False, True, False, True]
    section = luohe_row["sections"][0]
    assert section["in_agreement"] is True and section["monitored_by"] == "joint"
    assert section["agreement_name"] == "颍河许昌—漯河交界断面"
    assert any("6" in w for w in luohe_row["warnings"])   # a stale contact is flagged


def test_no_time_limit_and_no_duty_phone_are_said(app, registered, admin_api):
    sheet = _sheet(app)
    zk = sheet["destinations"][1]
    assert zk["limit_hours"] is None
    assert [c["kind"] for c in zk["calls"]] == ["duty_phone", "mobile"]
    assert zk["calls"][0]["name"] == "孙敏"
    pid = registered[0]["parties"][0]
    admin_api.patch(f"/agreements/{registered[0]['id']}", json={"parties": [dict(
        {k: v for k, v in pid.items() if k != "contacts"},
        contacts=[{"name": "赵红", "role": "监测站站长", "mobile": "13903950102"}])]})
    row = _sheet(app)["destinations"][0]
    assert any("24" in w for w in row["warnings"])


def test_city_without_agreement_is_flagged(app, registered):
    kaifeng = _sheet(app)["destinations"][2]
    assert kaifeng["agreement"] is None and kaifeng["calls"] == []
    assert kaifeng["warnings"]


def test_active_agreement_beats_expired_and_expired_still_listed(app, admin_api):
    old = admin_api.post("/agreements", json=luohe(title="旧协议", signed_on="2019-01-01",
                                                     term_years=3)).json
    sheet = _sheet(app)
    assert sheet["destinations"][0]["agreement"]["id"] == old["id"]
    assert sheet["destinations"][0]["agreement"]["status"] == "expired"
    assert any("2021-12-31" in w for w in sheet["destinations"][0]["warnings"])
    new = admin_api.post("/agreements", json=luohe(title="新协议")).json
    assert _sheet(app)["destinations"][0]["agreement"]["id"] == new["id"]


def test_agreement_with_the_section_beats_one_without(app, admin_api):
    plain = luohe(title="仅颍河协议", sections=[])
    admin_api.post("/agreements", json=plain)
    with_section = admin_api.post("/agreements", json=luohe(title="含断面协议")).json
    assert _sheet(app)["destinations"][0]["agreement"]["id"] == with_section["id"]


def test_home_city_only_gives_empty_sheet(app, registered):
    assert _sheet(app, [DownstreamHit("许昌市", None, 10.0, 0.1, "清潩河")])["destinations"] == []


def test_sheet_needs_a_login(app, registered):
    from registry.errors import Unauthorized

    with pytest.raises(Unauthorized):
        _sheet(app, user=object())


def test_hits_from_geodata_trace_shape():
    trace_hits = [
        {"name": "建安区", "kind": "county", "distance_along_river_m": 2850.0, "arrival_hours": 2.64,
         "river": "清潩河", "lon": 113.8, "lat": 34.0, "attrs": {"city": "许昌市"}},
        {"name": "清潩河长葛市—新郑市入境断面（示例）", "kind": "section", "distance_along_river_m": 3000.0,
         "arrival_hours": 3.0, "river": "清潩河", "lon": 113.7, "lat": 34.3,
         "attrs": {"to_city": "许昌市", "neighbour_city": "郑州市", "direction": "incoming"}},
        {"name": "清潩河建安区—临颍县出境断面（示例）", "kind": "section", "distance_along_river_m": 10402.5,
         "arrival_hours": 9.63, "river": "清潩河", "lon": 113.87, "lat": 33.95,
         "attrs": {"to_city": "漯河市", "neighbour_city": "漯河市", "direction": "outgoing"}},
        {"name": "漯河市", "kind": "city", "distance_along_river_m": 10450.0, "arrival_hours": 9.68,
         "river": "清潩河", "lon": 113.87, "lat": 33.95, "attrs": {"code": "411100"}},
        {"name": "颍河", "kind": "confluence", "distance_along_river_m": 43095.0, "arrival_hours": 39.9,
         "river": "清潩河", "lon": 113.9, "lat": 33.8, "attrs": {}},
        {"name": "周口市沙颍河饮用水源取水口（示例）", "kind": "drinking_water_intake",
         "distance_along_river_m": 130800.0, "arrival_hours": 90.8, "river": "沙颍河", "lon": 114.6,
         "lat": 33.6, "attrs": {}},
    ]
    assert hits_from_trace(trace_hits, "许昌市") == [
        DownstreamHit("漯河市", "清潩河建安区—临颍县出境断面（示例）", 10402.5, 9.63, "清潩河"),
        DownstreamHit("漯河市", None, 10450.0, 9.68, "清潩河")]


def test_map_layer_is_plain_geojson_without_app():
    from registry.agreements.maplayer import layer_features

    agreement = dict(luohe(), id=7)
    layer = layer_features([agreement], {7: "active"})
    kinds = [(f["properties"]["kind"], f["properties"]["name"]) for f in layer["features"]]
    assert kinds == [("section", "颍河许昌—漯河交界断面"), ("section", "清潩河许昌—漯河交界断面"),
                     ("city", "漯河市")]
    section = layer["features"][0]
    assert section["geometry"] == {"type": "Point", "coordinates": [113.761324, 33.873972]}
    assert section["properties"]["status"] == "active"
    assert section["properties"]["duty_phones"] == [
        {"name": "李建国", "role": "应急管理科科长", "phone": "0395-3100110", "duty": True},
        {"name": "赵红", "role": "监测站站长", "phone": "13903950102", "duty": False}]
    assert layer_features([dict(agreement, parties=[dict(agreement["parties"][0], city_name="某市")],
                                sections=[])])["features"] == []


def test_map_layer_from_register(app, registered):
    from registry.agreements.maplayer import agreement_layer
    from registry.permissions import SystemActor

    with app.app_context():
        layer = agreement_layer(SystemActor("test"))
    cities = [f["properties"]["name"] for f in layer["features"] if f["properties"]["kind"] == "city"]
    assert cities == ["漯河市", "周口市"]


# --- through HTTP -------------------------------------------------------------------------

def test_sheet_query_names_missing_field(admin_api):
    r = admin_api.get("/notification-sheet?lon=113.8")
    assert r.status_code == 422 and set(r.json["error"]["fields"]) == {"lat"}
    r = admin_api.get("/notification-sheet")
    assert set(r.json["error"]["fields"]) == {"lon", "lat"}
    r = admin_api.get("/notification-sheet?enterprise_id=1&lon=113.8&lat=34")
    assert set(r.json["error"]["fields"]) == {"enterprise_id"}
    r = admin_api.get("/notification-sheet?lon=abc&lat=34")
    assert "lon" in r.json["error"]["fields"]


def test_sheet_for_other_county_enterprise_refused(client, accounts, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411025")).json
    officer = accounts.api(client, "officer", ["411081"])
    assert officer.get(f"/notification-sheet?enterprise_id={e['id']}").status_code == 403
    assert officer.get("/notification-sheet?enterprise_id=999").status_code == 404


@pytest.fixture
def without_geodata(monkeypatch):
    """This server without the risk map: importing geodata fails as it would if absent."""
    for name in ("geodata", "geodata.analysis", "geodata.layers", "registry.map.service"):
        monkeypatch.setitem(sys.modules, name, None)


def test_sheet_unavailable_without_geodata_is_503(admin_api, client, accounts, without_geodata):
    r = admin_api.get("/notification-sheet?lon=113.83&lat=34.0")
    assert r.status_code == 503
    assert r.json["error"]["code"] == "service_unavailable"
    assert "geodata" in r.json["error"]["message"]
    _id, name = accounts.make("viewer", ["411002"])
    accounts.login(client, name)
    page = client.get("/notification-sheet?lon=113.83&lat=34.0")
    assert page.status_code == 503 and "geodata" in page.get_data(as_text=True)


def test_sheet_from_real_trace(admin_api, registered, client, accounts):
    pytest.importorskip("geodata.analysis")
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411002")).json
    r = admin_api.get(f"/notification-sheet?enterprise_id={e['id']}")
    assert r.status_code == 200, r.json
    sheet = r.json
    assert sheet["origin"]["enterprise_id"] == e["id"]
    cities = [d["city"] for d in sheet["destinations"]]
    assert cities[:2] == ["漯河市", "周口市"]
    assert sheet["destinations"][0]["agreement"]["title"] == luohe()["title"]
    assert sheet["destinations"][0]["calls"][0]["number"] == "0395-3100110"
    _id, name = accounts.make("officer", ["411002"])
    accounts.login(client, name)
    page = client.get(f"/notification-sheet?enterprise_id={e['id']}").get_data(as_text=True)
    assert "0395-3100110" in page and "漯河市" in page


def test_trace_extension_for_the_risk_map(app, registered):
    from registry.agreements.sheet import trace_extension

    trace = {"hits": [
        {"name": "漯河市", "kind": "city", "distance_along_river_m": 10450.0, "arrival_hours": 9.68,
         "river": "清潩河", "attrs": {}},
        {"name": "周口市", "kind": "city", "distance_along_river_m": 56850.0, "arrival_hours": 47.5,
         "river": "颍河", "attrs": {}},
        {"name": "开封市", "kind": "city", "distance_along_river_m": 90000.0, "arrival_hours": 80.0,
         "river": "贾鲁河", "attrs": {}}]}
    with app.test_request_context():
        extra = trace_extension(trace)
    assert [(a["city"], a["url"]) for a in extra["agreements"]] == [
        ("漯河市", f"/agreements/{registered[0]['id']}"), ("周口市", f"/agreements/{registered[1]['id']}")]


def test_sheet_lists_own_intakes_and_rivers_travelled(admin_api, registered, client, accounts):
    """A spill on 颍河 at 禹州 reaches 禹州's own intake within hours: the sheet says so,
    apart from the cities to notify; a 清潩河 spill reaches 周口市 along 清潩河 then 颍河."""
    pytest.importorskip("geodata.analysis")
    e = admin_api.post("/enterprises", json=enterprise_payload(
        1, county="411081", longitude=113.47, latitude=34.15)).json
    sheet = admin_api.get(f"/notification-sheet?enterprise_id={e['id']}").json
    intakes = sheet["own_intakes"]
    assert [i["name"] for i in intakes] == ["禹州市颍河饮用水源取水口（示例）"]
    assert 1.0 < intakes[0]["arrival_hours"] < 4.0 and intakes[0]["river"] == "颍河"
    assert [d["city"] for d in sheet["destinations"]][:2] == ["漯河市", "周口市"]
    _id, name = accounts.make("admin")
    accounts.login(client, name)
    page = client.get(f"/notification-sheet?enterprise_id={e['id']}").get_data(as_text=True)
    assert 'id="own-intakes"' in page and "禹州市颍河饮用水源取水口（示例）" in page
    assert f"/enterprises/{e['id']}/downstream" in page
    # 清潩河 in 建安区 (the 颍河 joins at the confluence in 鄢陵): 周口 along both rivers.
    e2 = admin_api.post("/enterprises", json=enterprise_payload(
        2, county="411003", longitude=113.78, latitude=34.22)).json
    sheet = admin_api.get(f"/notification-sheet?enterprise_id={e2['id']}").json
    rivers = {d["city"]: d["rivers"] for d in sheet["destinations"]}
    assert rivers["漯河市"] == ["清潩河"] and rivers["周口市"] == ["清潩河", "颍河"]


def test_sheet_form_finds_enterprise_by_name(admin_api, client, accounts):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081",
                                                               name="禹州示例化工有限公司")).json
    _id, name = accounts.make("admin")
    accounts.login(client, name)
    page = client.get("/notification-sheet?name=示例化工").get_data(as_text=True)
    assert 'id="sheet-found"' in page and f"/notification-sheet?enterprise_id={e['id']}" in page
    none = client.get("/notification-sheet?name=不存在的厂").get_data(as_text=True)
    assert "没有与“不存在的厂”匹配的企业" in none
    # An officer of another county searches the same name and finds nothing of 禹州's.
    _id, other = accounts.make("officer", ["411002"])
    officer = client.application.test_client()
    accounts.login(officer, other)
    page = officer.get("/notification-sheet?name=示例化工").get_data(as_text=True)
    assert f"enterprise_id={e['id']}" not in page and "没有与“示例化工”匹配的企业" in page
    page = officer.get(f"/notification-sheet?name={e['credit_code']}").get_data(as_text=True)
    assert f"enterprise_id={e['id']}" not in page
