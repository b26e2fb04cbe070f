"""Enterprises through the JSON API, as an integrator would call it."""
from tests.conftest import credit_code, enterprise_payload


def test_register_returns_record_with_id(admin_api):
    r = admin_api.post("/enterprises", json=enterprise_payload(1))
    assert r.status_code == 201, r.json
    body = r.json
    assert body["id"] > 0
    assert body["name"] == "许昌市测试化工有限公司1号厂"
    assert body["county_name"] == "魏都区"
    assert admin_api.get(f"/enterprises/{body['id']}").json["credit_code"] == credit_code(1)


def test_duplicate_credit_code_is_409(admin_api):
    assert admin_api.post("/enterprises", json=enterprise_payload(1)).status_code == 201
    r = admin_api.post("/enterprises", json=enterprise_payload(1, name="另一家企业"))
    assert r.status_code == 409
    assert r.json["error"]["code"] == "conflict"


def test_bad_credit_code_names_the_rule(admin_api):
    from registry.rules.credit_code import make_credit_code

    good = credit_code(7)
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    cases = {
        "91411002MA0000": "18",          # length
        good[:5] + "I" + good[6:]: "I",  # forbidden character
        wrong_check: good[-1],           # check character: names the expected one
        # GB 32100 structure: 99 is no authority/type pair; 9–17 failing GB 11714.
        make_credit_code("99411002MA0000007"): "1–2",
        make_credit_code("91411002MA0000001"): "GB 11714",
    }
    for code, expected in cases.items():
        r = admin_api.post("/enterprises", json=enterprise_payload(2, credit_code=code))
        assert r.status_code == 422, code
        assert r.json["error"]["code"] == "validation_failed"
        messages = " ".join(r.json["error"]["fields"]["credit_code"])
        assert expected in messages, (code, messages)


def test_validation_errors_name_each_field_and_write_nothing(admin_api):
    r = admin_api.post("/enterprises", json=enterprise_payload(
        3, county_code="999999", longitude=200, contact_phone="12345", contact_email="nope",
        name=""))
    assert r.status_code in (422,)
    fields = r.json["error"]["fields"]
    assert {"longitude", "contact_phone", "contact_email", "name"} <= set(fields)
    assert admin_api.get("/enterprises").json["total"] == 0


def test_unknown_and_retired_county(admin_api):
    r = admin_api.post("/enterprises", json=enterprise_payload(4, county="999999"))
    assert r.status_code == 422 and "county_code" in r.json["error"]["fields"]
    r = admin_api.post("/enterprises", json=enterprise_payload(4, county_code="411023"))
    assert r.status_code == 422
    assert "411003" in " ".join(r.json["error"]["fields"]["county_code"])


def test_full_width_and_spaces_are_normalised(admin_api):
    code = credit_code(5)
    fullwidth = "".join(chr(ord(c) + 0xFEE0) if c.isalnum() else c for c in code)
    r = admin_api.post("/enterprises", json=enterprise_payload(
        5, credit_code=f" {fullwidth} ", contact_phone="0374 - 1234567".replace(" ", "")))
    assert r.status_code == 201, r.json
    assert r.json["credit_code"] == code


def test_officer_writes_only_own_counties(client, accounts):
    officer = accounts.api(client, "officer", ["411081"])
    assert officer.post("/enterprises", json=enterprise_payload(1, county="411081")).status_code == 201
    r = officer.post("/enterprises", json=enterprise_payload(2, county="411025"))
    assert r.status_code == 403 and r.json["error"]["code"] == "forbidden"


def test_viewer_reads_but_cannot_write(client, accounts, admin_api):
    created = admin_api.post("/enterprises", json=enterprise_payload(1, county="411024")).json
    viewer = accounts.api(client, "viewer", ["411024"])
    assert viewer.get(f"/enterprises/{created['id']}").status_code == 200
    assert viewer.post("/enterprises", json=enterprise_payload(2, county="411024")).status_code == 403
    assert viewer.patch(f"/enterprises/{created['id']}", json={"address": "x"}).status_code == 403


def test_other_county_is_invisible(client, accounts, admin_api):
    created = admin_api.post("/enterprises", json=enterprise_payload(1, county="411024")).json
    other = accounts.api(client, "officer", ["411082"])
    assert other.get(f"/enterprises/{created['id']}").status_code == 403
    assert other.get("/enterprises").json["total"] == 0
    assert admin_api.get("/enterprises/999999").status_code == 404


def test_list_search_filter_paginate(admin_api):
    for n in range(1, 8):
        county = "411081" if n % 2 else "411082"
        admin_api.post("/enterprises", json=enterprise_payload(n, county=county,
                                                              name=f"禹州钧瓷{n}厂" if n == 3 else f"企业{n}"))
    page = admin_api.get("/enterprises?per_page=3&page=2").json
    assert page["total"] == 7 and len(page["items"]) == 3 and page["page"] == 2
    past_end = admin_api.get("/enterprises?per_page=3&page=4").json  # no row carries the count
    assert past_end["total"] == 7 and past_end["items"] == []
    assert admin_api.get("/enterprises?county_code=411082&per_page=3&page=2").json["total"] == 3
    assert admin_api.get("/enterprises?county_code=411081").json["total"] == 4
    found = admin_api.get("/enterprises?q=钧瓷").json
    assert [i["name"] for i in found["items"]] == ["禹州钧瓷3厂"]
    assert admin_api.get(f"/enterprises?q={credit_code(5, '411081')}").json["total"] == 1
    assert admin_api.get("/enterprises?q=100%25").json["total"] == 0
    r = admin_api.get("/enterprises?risk_level=huge")
    assert r.status_code == 422 and "risk_level" in r.json["error"]["fields"]


def test_patch_changes_and_audits(admin_api, app):
    created = admin_api.post("/enterprises", json=enterprise_payload(1)).json
    r = admin_api.patch(f"/enterprises/{created['id']}", json={"contact_phone": "0374-6543210"})
    assert r.status_code == 200 and r.json["contact_phone"] == "0374-6543210"
    with app.app_context():
        from registry.audit import history

        entries = history("enterprise", [created["id"]])
        assert [e.action for e in entries] == ["enterprise.update", "enterprise.create"]
        assert entries[0].before == {"contact_phone": "13812345678"}
        assert entries[0].after == {"contact_phone": "0374-6543210"}
    r = admin_api.patch(f"/enterprises/{created['id']}", json={"name": None})
    assert r.status_code == 422


def test_api_requires_token(client):
    r = client.get("/api/v1/enterprises")
    assert r.status_code == 401 and r.json["error"]["code"] == "unauthorized"
    r = client.get("/api/v1/enterprises", headers={"Authorization": "Bearer nonsense"})
    assert r.status_code == 401


def test_non_json_body_is_422_not_500(admin_api):
    r = admin_api.client.post("/api/v1/enterprises", data="<xml/>", headers=admin_api.headers,
                              content_type="text/plain")
    assert r.status_code == 422
    r = admin_api.post("/enterprises", json=[1, 2])
    assert r.status_code == 422


def test_saved_but_doubtful_fields_come_back_as_warnings(admin_api):
    """Issue #22 §2: positions 3–8 no GB/T 2260 division (99 is no province) and a point
    outside the county given are saved, and the answer says so, naming field and rule."""
    from registry.rules.credit_code import build_credit_code

    doubtful = build_credit_code("91", "991081", "MA000042")
    r = admin_api.post("/enterprises", json=enterprise_payload(
        1, county_code="411002", credit_code=doubtful, longitude=113.47, latitude=34.14))
    assert r.status_code == 201, r.json
    warnings = {w["field"]: w for w in r.json["warnings"]}
    assert set(warnings) == {"credit_code", "longitude"}
    assert warnings["credit_code"]["rule"] == "credit_code.division"
    assert "991081" in warnings["credit_code"]["message"]
    assert warnings["longitude"]["rule"] == "location.outside_county"
    assert "禹州市" in warnings["longitude"]["message"]  # where 113.47, 34.14 lies
    eid = r.json["id"]
    assert admin_api.get(f"/enterprises/{eid}").json["warnings"] == r.json["warnings"]
    # Corrected: no warning is left.
    r = admin_api.patch(f"/enterprises/{eid}", json={
        "credit_code": build_credit_code("91", "411002", "MA000042"),
        "longitude": 113.83, "latitude": 34.03})
    assert r.status_code == 200, r.json
    assert r.json["warnings"] == []
    # A real code and a point in its county: none (the list, as always, carries none).
    r = admin_api.post("/enterprises", json=enterprise_payload(2))
    assert r.status_code == 201 and r.json["warnings"] == []
    assert "warnings" not in admin_api.get("/enterprises").json["items"][0]
