"""The substance table and the risk inventory through the JSON API."""
from __future__ import annotations

import pytest

from tests.conftest import enterprise_payload
from tests.registry.substances.conftest import CHLORINE, put

# On 颍河 at 禹州: the 禹州 intake is 5.1 km downstream; from 113.40, 34.17 it is 10.9 km.
NEAR_INTAKE = (113.47, 34.15)
FAR_FROM_INTAKE = (113.40, 34.17)


def test_create_and_search_substances(admin_api, substances, accounts, client):
    both = substances["both"]
    assert both["id"] > 0 and both["media"] == ["air", "water"]
    assert both["aliases"] == ["甲物质", "物质A"] and both["cas"] == "7782-50-5"
    viewer = accounts.api(client, "viewer", ["411081"])
    for q, expected in (("测试物质甲", [both["id"]]), ("物质A", [both["id"]]),
                        ("7782-50", [both["id"]]), ("乙", [substances["water"]["id"]]),
                        ("无此物质", [])):
        r = viewer.get("/substances", query_string={"q": q})
        assert r.status_code == 200
        assert [i["id"] for i in r.json["items"]] == expected, q
    assert len(viewer.get("/substances").json["items"]) == 3


def test_create_substance_rules(admin_api, accounts, client, substances):
    r = admin_api.post("/substances", json={**CHLORINE, "name": "另一种", "cas": "7782-50-4"})
    assert r.status_code == 422 and "校验位" in " ".join(r.json["error"]["fields"]["cas"])
    r = admin_api.post("/substances", json={"name": "x", "critical_quantity_t": 0, "media": []})
    fields = r.json["error"]["fields"]
    assert r.status_code == 422 and {"critical_quantity_t", "media"} <= set(fields)
    assert admin_api.post("/substances", json=CHLORINE).status_code == 409
    r = admin_api.post("/substances", json={"name": "z", "critical_quantity_t": 1,
                                            "media": ["air"], "part": 4})
    assert r.status_code == 422 and "7.1" in " ".join(r.json["error"]["fields"]["__root__"])
    officer = accounts.api(client, "officer", ["411081"])
    assert officer.post("/substances", json={**CHLORINE, "name": "y"}).status_code == 403


def _enterprise(api, n=1, point=NEAR_INTAKE, **extra):
    return api.post("/enterprises", json=enterprise_payload(
        n, "411081", longitude=point[0], latitude=point[1], **extra)).json


def _body(substances, **overrides):
    body = {"substances": [{"substance_id": substances["both"]["id"], "max_quantity_t": 2},
                           {"substance_id": substances["water"]["id"], "max_quantity_t": 15}],
            "air": {"process_units": {"listed": 1, "other": 1}, "control_score": 20,
                    "population_5km": 12_000, "population_500m": 100},
            "water": {"process_units": {"listed": 2, "other": 0}, "control_score": 30},
            "penalised": False}
    body.update(overrides)
    return body


def test_put_and_get_risk_inventory(admin_api, substances):
    e = _enterprise(admin_api)
    r = put(admin_api, f"/enterprises/{e['id']}/risk-inventory", _body(substances))
    assert r.status_code == 200, r.json
    body = r.json
    # air: 2/1 = 2 → Q1; M = 10 + 5 + 20 = 35 → M2; 12 000 within 5 km → E2 → major.
    assert {k: body["air"][k] for k in ("q", "q_class", "m", "m_class", "e", "level")} == \
        {"q": 2.0, "q_class": "Q1", "m": 35, "m_class": "M2", "e": "E2", "level": "major"}
    assert body["air"]["e_suggested"] == "E2"
    # water: 2/1 + 15/5 = 5 → Q1; M = 20 + 30 = 50 → M3; intake 5.1 km downstream → E1.
    assert {k: body["water"][k] for k in ("q", "q_class", "m", "m_class", "e", "level")} == \
        {"q": 5.0, "q_class": "Q1", "m": 50, "m_class": "M3", "e": "E1", "level": "serious"}
    assert body["water"]["e_reasons"][0]["rule"] == "intake_within_10km"
    assert body["level"] == "serious"
    assert body["notation"] == "重大[较大-大气(Q1-M2-E2)+重大-水(Q1-M3-E1)]"
    got = admin_api.get(f"/enterprises/{e['id']}/risk-inventory")
    assert got.status_code == 200
    assert {k: got.json[k] for k in ("air", "water", "level", "notation")} == \
        {k: body[k] for k in ("air", "water", "level", "notation")}
    assert got.json["inputs"]["substances"][1] == {
        "substance_id": substances["water"]["id"], "max_quantity_t": 15, "storage": None}
    assert got.json["inputs"]["air"]["population_5km"] == 12_000


def test_single_medium_and_penalty(admin_api, substances):
    e = _enterprise(admin_api, point=FAR_FROM_INTAKE)  # intake 10.9 km downstream: E3
    r = put(admin_api, f"/enterprises/{e['id']}/risk-inventory", {
        "substances": [{"substance_id": substances["water"]["id"], "max_quantity_t": 12.5}],
        "water": {"process_units": {"listed": 1}, "control_score": 10}})
    assert r.status_code == 200, r.json
    assert (r.json["water"]["q"], r.json["water"]["e"]) == (2.5, "E3")
    assert r.json["notation"] == "一般[一般-水(Q1-M1-E3)]"
    r = put(admin_api, f"/enterprises/{e['id']}/risk-inventory", {
        "substances": [{"substance_id": substances["water"]["id"], "max_quantity_t": 12.5}],
        "water": {"process_units": {"listed": 1}, "control_score": 10}, "penalised": True})
    assert (r.json["level"], r.json["notation"]) == ("major", "较大[一般-水(Q1-M1-E3)]")


def test_override_needs_a_reason_and_is_kept(admin_api, substances):
    e = _enterprise(admin_api)
    body = _body(substances)
    body["water"]["e"] = "E2"
    r = put(admin_api, f"/enterprises/{e['id']}/risk-inventory", body)
    assert r.status_code == 422 and "water.e_reason" in r.json["error"]["fields"]
    assert admin_api.get(f"/enterprises/{e['id']}/risk-inventory").status_code == 404
    body["water"]["e_reason"] = "取水口已于2025年停用（县水利局函）"
    r = put(admin_api, f"/enterprises/{e['id']}/risk-inventory", body)
    assert r.status_code == 200
    assert (r.json["water"]["e"], r.json["water"]["e_suggested"]) == ("E2", "E1")
    assert r.json["inputs"]["water"]["e_reason"].startswith("取水口")


@pytest.mark.parametrize("change, field", [
    (lambda b: b["substances"].append(dict(b["substances"][0])), "substances.2.substance_id"),
    (lambda b: b["substances"].append({"substance_id": 99999, "max_quantity_t": 1}),
     "substances.2.substance_id"),
    (lambda b: b["substances"][0].update(max_quantity_t=-1), "substances.0.max_quantity_t"),
    (lambda b: b["air"].update(control_score=71), "air.control_score"),
    (lambda b: b["air"].update(control_items=[{"item": "截流", "score": 5}]), "air"),
    (lambda b: b["water"].update(e="E4"), "water.e"),
])
def test_bad_inventory_names_the_field(admin_api, substances, change, field):
    e = _enterprise(admin_api)
    body = _body(substances)
    change(body)
    r = put(admin_api, f"/enterprises/{e['id']}/risk-inventory", body)
    assert r.status_code == 422
    assert field in r.json["error"]["fields"], r.json


def test_q1_without_e_is_422(admin_api, substances):
    e = _enterprise(admin_api)
    body = _body(substances)
    del body["air"]["population_5km"], body["air"]["population_500m"]
    r = put(admin_api, f"/enterprises/{e['id']}/risk-inventory", body)
    assert r.status_code == 422 and "air.e" in r.json["error"]["fields"]


def test_control_items_are_summed(admin_api, substances):
    e = _enterprise(admin_api)
    body = _body(substances)
    del body["water"]["control_score"]
    body["water"]["control_items"] = [{"item": "截流措施", "score": 8}, {"item": "事故排水收集", "score": 12}]
    r = put(admin_api, f"/enterprises/{e['id']}/risk-inventory", body)
    assert r.status_code == 200 and (r.json["water"]["m"], r.json["water"]["m_class"]) == (40, "M2")


def test_inventory_access(admin_api, substances, accounts, client):
    e = _enterprise(admin_api)
    path = f"/enterprises/{e['id']}/risk-inventory"
    assert put(admin_api, path, _body(substances)).status_code == 200
    officer_a = accounts.api(client, "officer", ["411081"])
    officer_b = accounts.api(client, "officer", ["411025"])
    viewer = accounts.api(client, "viewer", ["411081"])
    assert put(officer_a, path, _body(substances)).status_code == 200
    assert put(officer_b, path, _body(substances)).status_code == 403
    assert put(viewer, path, _body(substances)).status_code == 403
    assert viewer.get(path).status_code == 200
    assert officer_b.get(path).status_code == 403


def test_every_save_is_audited(app, admin_api, substances):
    from registry import audit

    e = _enterprise(admin_api)
    put(admin_api, f"/enterprises/{e['id']}/risk-inventory", _body(substances))
    put(admin_api, f"/enterprises/{e['id']}/risk-inventory", _body(substances, penalised=True))
    with app.app_context():
        entries = [x for x in audit.history("enterprise", [e["id"]])
                   if x.action.startswith("risk_inventory")]
        assert [x.action for x in entries] == ["risk_inventory.update", "risk_inventory.create"]
        # Only what changed: serious stays serious (the raise is capped).
        assert (entries[0].before, entries[0].after) == ({"penalised": False}, {"penalised": True})
        assert entries[1].after["notation"] == "重大[较大-大气(Q1-M2-E2)+重大-水(Q1-M3-E1)]"


def test_enterprise_list_filters_by_substance_held(admin_api, substances, accounts, client):
    holder = _enterprise(admin_api, 1)
    _enterprise(admin_api, 2)  # holds nothing
    other = _enterprise(admin_api, 3)
    sid = substances["water"]["id"]
    query = {"substance_id": sid}
    assert admin_api.get("/enterprises", query_string=query).json["items"] == []
    put(admin_api, f"/enterprises/{holder['id']}/risk-inventory", {
        "substances": [{"substance_id": sid, "max_quantity_t": 1}]})
    put(admin_api, f"/enterprises/{other['id']}/risk-inventory", {
        "substances": [{"substance_id": substances["air"]["id"], "max_quantity_t": 1}]})
    # the list is kept per data version: the inventory's change moved the token
    r = admin_api.get("/enterprises", query_string=query)
    assert [i["id"] for i in r.json["items"]] == [holder["id"]] and r.json["total"] == 1
    assert admin_api.get("/enterprises").json["total"] == 3
    r = admin_api.get("/enterprises", query_string={"substance_id": sid, "q": "3号厂"})
    assert r.json["items"] == []
    put(admin_api, f"/enterprises/{holder['id']}/risk-inventory", {"substances": []})
    assert admin_api.get("/enterprises", query_string=query).json["items"] == []
    outside = accounts.api(client, "officer", ["411025"])
    assert outside.get("/enterprises", query_string=query).json["items"] == []
    assert admin_api.get("/enterprises", query_string={"substance_id": "x"}).status_code == 422


def test_upstream_of_an_intake_by_substance_sums_the_quantities(admin_api, substances, client,
                                                                accounts):
    from tests.conftest import plan_payload

    sid = substances["both"]["id"]
    # Three enterprises with a current plan upstream of the 禹州 intake on 颍河 (about 11,
    # 21 and 5 km of river above it); the first two hold the substance.
    up1 = _enterprise(admin_api, 1, point=(113.40, 34.17))
    up2 = _enterprise(admin_api, 2, point=(113.30, 34.20))
    up3 = _enterprise(admin_api, 3, point=(113.47, 34.15))
    for e in (up1, up2, up3):
        admin_api.post("/plans", json=plan_payload(e["id"]))
    for e, q in ((up1, 2.5), (up2, 4)):
        assert put(admin_api, f"/enterprises/{e['id']}/risk-inventory", {
            "substances": [{"substance_id": sid, "max_quantity_t": q}],
            "air": {"e": "E3"}, "water": {"e": "E3", "e_reason": "测试"}}).status_code == 200
    intake = next(f for f in admin_api.get("/layers/receptors.geojson").json["features"]
                  if f["properties"]["name"].startswith("禹州市颍河"))
    lon, lat = intake["geometry"]["coordinates"]
    everyone = admin_api.get(f"/upstream?lon={lon}&lat={lat}&km=30").json
    assert {i["id"] for i in everyone["items"]} == {up1["id"], up2["id"], up3["id"]}
    assert "total_t" not in everyone or everyone["total_t"] is None
    r = admin_api.get(f"/upstream?lon={lon}&lat={lat}&km=30&substance_id={sid}").json
    assert {i["id"]: i["quantity_t"] for i in r["items"]} == {up1["id"]: 2.5, up2["id"]: 4}
    assert r["total_t"] == 6.5
    # within 12 km only the nearer holder
    near = admin_api.get(f"/upstream?lon={lon}&lat={lat}&km=12&substance_id={sid}").json
    assert ([i["id"] for i in near["items"]], near["total_t"]) == ([up1["id"]], 2.5)
    accounts.make("admin", username="boss")
    accounts.login(client, "boss")
    page = client.get("/map/upstream", query_string={
        "target": intake["properties"]["name"], "km": 30, "substance_id": sid})
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "6.5" in html and substances["both"]["name"] in html


def test_map_points_filter_by_substance(admin_api, substances, client, accounts):
    from tests.conftest import plan_payload

    holder, other = _enterprise(admin_api, 1), _enterprise(admin_api, 2)
    for e in (holder, other):
        admin_api.post("/plans", json=plan_payload(e["id"]))
    sid = substances["water"]["id"]
    put(admin_api, f"/enterprises/{holder['id']}/risk-inventory", {
        "substances": [{"substance_id": sid, "max_quantity_t": 1}]})
    ids = lambda r: [f["id"] for f in r.json["features"]]  # noqa: E731
    assert ids(admin_api.get("/map/enterprises.geojson")) == [holder["id"], other["id"]]
    assert ids(admin_api.get(f"/map/enterprises.geojson?substance_id={sid}")) == [holder["id"]]
    accounts.make("admin", username="boss")
    accounts.login(client, "boss")
    page = client.get("/map", query_string={"substance_id": sid}).get_data(as_text=True)
    assert f'value="{sid}" selected' in page and f"substance_id={sid}" in page
