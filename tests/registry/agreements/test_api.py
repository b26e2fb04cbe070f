"""Agreements through the JSON API: roles, every validation rule (422 naming the field,
nothing written), statuses, stale contacts, verify, amend/renew with history."""
import pytest

from tests.registry.agreements.payloads import XUCHANG_COUNTIES, luohe, zhoukou


@pytest.fixture
def city_api(client, accounts):
    return accounts.api(client, "officer", XUCHANG_COUNTIES)


@pytest.fixture
def county_api(client, accounts):
    return accounts.api(client, "officer", ["411081"])


def _count(api):
    return api.get("/agreements").json["total"]


def test_admin_registers_and_term_sets_expiry(admin_api):
    r = admin_api.post("/agreements", json=luohe())
    assert r.status_code == 201, r.json
    a = r.json
    assert a["expires_on"] == "2029-03-17"          # 5 years from 2024-03-18, less a day
    assert a["status"] == "active"
    assert a["parties"][0]["city_name"] == "漯河市"
    assert a["parties"][0]["river_roles"][0] == {"river": "颍河", "role": "downstream"}
    assert [s["monitored_by"] for s in a["sections"]] == ["joint", "home"]
    assert admin_api.get(f"/agreements/{a['id']}").json == a


def test_city_officer_writes_county_officer_and_viewer_read_only(client, accounts, admin_api,
                                                                 city_api, county_api):
    created = city_api.post("/agreements", json=luohe())
    assert created.status_code == 201
    path = f"/agreements/{created.json['id']}"  # not /agreements/1: ids are the database's
    assert county_api.post("/agreements", json=zhoukou()).status_code == 403
    viewer = accounts.api(client, "viewer", XUCHANG_COUNTIES)
    assert viewer.post("/agreements", json=zhoukou()).status_code == 403
    assert client.post("/api/v1/agreements", json=zhoukou()).status_code == 401
    assert county_api.get("/agreements").json["total"] == 1
    assert viewer.get(path).status_code == 200
    assert county_api.patch(path, json={"title": "改"}).status_code == 403
    assert city_api.patch(path, json={"title": "许昌—漯河协议（修订）"}).status_code == 200


def test_officer_missing_one_county_cannot_write(client, accounts):
    five = accounts.api(client, "officer", XUCHANG_COUNTIES[:-1])
    assert five.post("/agreements", json=luohe()).status_code == 403


@pytest.mark.parametrize("change, field, words", [
    ({"expires_on": "2024-03-18", "term_years": None}, "expires_on", "after the signing date"),
    ({"expires_on": "2023-01-01"}, "expires_on", "after the signing date"),
    ({"term_years": None}, "expires_on", "term"),
    ({"renewal_on": "2024-01-01"}, "renewal_on", "after the signing date"),
    ({"signed_on": "2026-07-01"}, "signed_on", "future"),
    ({"rivers": ["颍河", "颍河"]}, "rivers", "twice"),
    ({"notification_limit_hours": 0}, "notification_limit_hours", "more than 0"),
    ({"parties": []}, "parties", None),
])
def test_agreement_rules(admin_api, change, field, words, app):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    r = admin_api.post("/agreements", json=luohe(**change))
    assert r.status_code == 422
    fields = r.json["error"]["fields"]
    assert field in fields, fields
    if words:
        assert words in " ".join(fields[field])
    assert _count(admin_api) == 0


def _party(**overrides):
    party = luohe()["parties"][0]
    party.update(overrides)
    return party


def _contact(**overrides):
    contact = {"name": "李建国", "role": "科长", "duty_phone": "0395-3100110"}
    contact.update(overrides)
    return contact


@pytest.mark.parametrize("parties, field, words", [
    ([_party(city_name="许昌市")], "parties.0.city_name", "home city"),
    ([_party(city_code="411000", city_name="许昌")], "parties.0.city_name", "home city"),
    ([_party(), _party()], "parties.1.city_name", "twice"),
    ([_party(river_roles=[{"river": "沙河", "role": "downstream"}])], "parties.0.river_roles.0.river",
     "not among the rivers"),
    ([_party(river_roles=[{"river": "颍河", "role": "sideways"}])], "parties.0.river_roles.0.role", None),
    ([_party(contacts=[_contact(mobile="2380395010")])], "parties.0.contacts.0.mobile", "11 digits"),
    ([_party(contacts=[_contact(mobile="0395-3100110")])], "parties.0.contacts.0.mobile", "start with 1"),
    ([_party(contacts=[_contact(duty_phone="3100110")])], "parties.0.contacts.0.duty_phone", "area code"),
    ([_party(contacts=[_contact(office_phone="0374-12")])], "parties.0.contacts.0.office_phone", "area code"),
    ([_party(contacts=[_contact(email="lhyj@example")])], "parties.0.contacts.0.email", "e-mail"),
    ([_party(contacts=[_contact(duty_phone=None)])], "parties.0.contacts.0", "at least one telephone"),
])
def test_party_and_contact_rules(admin_api, app, parties, field, words):
    app.config["BABEL_DEFAULT_LOCALE"] = "en"
    r = admin_api.post("/agreements", json=luohe(parties=parties))
    assert r.status_code == 422, r.json
    fields = r.json["error"]["fields"]
    assert field in fields, fields
    if words:
        assert words in " ".join(fields[field])
    assert _count(admin_api) == 0


def test_phone_formats_accepted_and_normalised(admin_api):
    contact = _contact(office_phone="０３７４－１２３４５６７", duty_phone="(0374) 12345678",
                       mobile="+86 138 0374 0000")
    r = admin_api.post("/agreements", json=luohe(parties=[_party(contacts=[contact])]))
    assert r.status_code == 201, r.json
    saved = r.json["parties"][0]["contacts"][0]
    assert (saved["office_phone"], saved["duty_phone"], saved["mobile"]) == \
        ("0374-1234567", "037412345678", "13803740000")


@pytest.mark.parametrize("section, field", [
    ({"river": "沙河"}, "sections.0.river"),
    ({"counterpart_city": "周口市"}, "sections.0.counterpart_city"),
    ({"longitude": 200}, "sections.0.longitude"),
    ({"monitored_by": "nobody"}, "sections.0.monitored_by"),
])
def test_section_rules(admin_api, section, field):
    sections = luohe()["sections"]
    sections[0].update(section)
    r = admin_api.post("/agreements", json=luohe(sections=sections))
    assert r.status_code == 422 and field in r.json["error"]["fields"], r.json


@pytest.mark.parametrize("expires_on, status", [
    ("2026-06-14", "expired"), ("2026-06-15", "expiring"), ("2026-08-14", "expiring"),
    ("2026-08-15", "active"),
])
def test_status_boundaries(admin_api, expires_on, status):
    r = admin_api.post("/agreements", json=luohe(term_years=None, expires_on=expires_on))
    assert r.json["status"] == status
    listed = admin_api.get(f"/agreements?status={status}").json
    assert [a["id"] for a in listed["items"]] == [r.json["id"]]
    assert listed["by_status"][status] == 1


def test_expiring_window_configurable(admin_api, app):
    app.config["AGREEMENT_EXPIRING_DAYS"] = 90
    r = admin_api.post("/agreements", json=luohe(term_years=None, expires_on="2026-09-01"))
    assert r.json["status"] == "expiring"


def test_list_by_city(admin_api):
    admin_api.post("/agreements", json=luohe())
    admin_api.post("/agreements", json=zhoukou())
    items = admin_api.get("/agreements?city=周口市").json["items"]
    assert [a["title"] for a in items] == [zhoukou()["title"]]


@pytest.mark.parametrize("verified_on, stale", [
    (None, True), ("2025-12-15", True), ("2025-12-16", False), ("2026-06-15", False)])
def test_contact_stale_after_six_months(admin_api, verified_on, stale):
    party = _party(contacts=[_contact(verified_on=verified_on)])
    r = admin_api.post("/agreements", json=luohe(parties=[party]))
    assert r.json["parties"][0]["contacts"][0]["stale"] is stale


def test_stale_months_configurable(admin_api, app):
    app.config["CONTACT_STALE_MONTHS"] = 12
    party = _party(contacts=[_contact(verified_on="2025-10-01")])
    r = admin_api.post("/agreements", json=luohe(parties=[party]))
    assert r.json["parties"][0]["contacts"][0]["stale"] is False


def test_verify_contact(admin_api, city_api, county_api):
    a = admin_api.post("/agreements", json=luohe()).json
    zhao = a["parties"][0]["contacts"][1]
    assert zhao["stale"] is True
    path = f"/agreements/{a['id']}/contacts/{zhao['id']}/verify"
    assert county_api.post(path).status_code == 403
    r = city_api.post(path)
    assert r.status_code == 200
    assert r.json["verified_on"] == "2026-06-15" and r.json["stale"] is False
    other = admin_api.post("/agreements", json=zhoukou()).json
    assert admin_api.post(f"/agreements/{other['id']}/contacts/{zhao['id']}/verify").status_code == 404
    assert admin_api.post(f"/agreements/{a['id']}/contacts/999/verify").status_code == 404
    assert admin_api.get("/agreements/999").status_code == 404


def test_amend_and_renew_keep_history(admin_api, app):
    from registry import audit

    a = admin_api.post("/agreements", json=luohe()).json
    r = admin_api.patch(f"/agreements/{a['id']}", json={"notification_limit_hours": 2,
                                                          "note": "联席会议商定放宽时限"})
    assert r.status_code == 200 and r.json["notification_limit_hours"] == 2
    r = admin_api.patch(f"/agreements/{a['id']}", json={"term_years": 10})
    assert r.json["expires_on"] == "2034-03-17"
    with app.app_context():
        actions = [(e.action, e.after) for e in audit.history("agreement", [a["id"]])]
    assert [x for x, _ in actions] == ["agreement.renew", "agreement.amend", "agreement.create"]
    assert actions[0][1]["expires_on"] == "2034-03-17"
    assert actions[1][1] == {"notification_limit_hours": 2.0, "note": "联席会议商定放宽时限"}


def test_patch_rejects_bad_result_and_writes_nothing(admin_api):
    a = admin_api.post("/agreements", json=luohe()).json
    r = admin_api.patch(f"/agreements/{a['id']}", json={"expires_on": "2020-01-01"})
    assert r.status_code == 422 and "expires_on" in r.json["error"]["fields"]
    r = admin_api.patch(f"/agreements/{a['id']}", json={"rivers": ["颍河"]})
    assert r.status_code == 422
    assert "parties.0.river_roles.1.river" in r.json["error"]["fields"]
    assert "sections.1.river" in r.json["error"]["fields"]
    assert admin_api.get(f"/agreements/{a['id']}").json == a


def test_patch_parties_keeps_contacts_and_ids(admin_api):
    a = admin_api.post("/agreements", json=luohe()).json
    party = {k: v for k, v in a["parties"][0].items() if k != "contacts"}
    party["water_department"] = "漯河市水利局（河长办）"
    second = {"city_name": "周口市", "environment_department": "周口市生态环境局",
              "river_roles": [{"river": "颍河", "role": "downstream"}]}
    r = admin_api.patch(f"/agreements/{a['id']}", json={"parties": [party, second]})
    assert r.status_code == 200, r.json
    parties = r.json["parties"]
    assert parties[0]["id"] == a["parties"][0]["id"]
    assert [c["id"] for c in parties[0]["contacts"]] == [c["id"] for c in a["parties"][0]["contacts"]]
    assert parties[1]["city_name"] == "周口市" and parties[1]["contacts"] == []
    # Dropping a party that sections still point at is refused.
    r = admin_api.patch(f"/agreements/{a['id']}", json={"parties": [second]})
    assert r.status_code == 422 and "sections.0.counterpart_city" in r.json["error"]["fields"]


def test_patch_replaces_roster_by_id(admin_api):
    a = admin_api.post("/agreements", json=luohe()).json
    li = dict(a["parties"][0]["contacts"][0], mobile="13803950999")
    for key in ("stale", "is_demo"):
        li.pop(key)
    party = {k: v for k, v in a["parties"][0].items()}
    party["contacts"] = [li]
    r = admin_api.patch(f"/agreements/{a['id']}", json={"parties": [party]})
    assert r.status_code == 200, r.json
    contacts = r.json["parties"][0]["contacts"]
    assert [(c["id"], c["mobile"]) for c in contacts] == [(li["id"], "13803950999")]


def test_unknown_field_refused(admin_api):
    r = admin_api.post("/agreements", json=luohe(colour="red"))
    assert r.status_code == 422 and "colour" in r.json["error"]["fields"]


def test_openapi_lists_the_operations(client):
    paths = client.get("/api/v1/openapi.json").json["paths"]
    assert set(paths["/agreements"]) == {"get", "post"}
    assert set(paths["/agreements/{agreement_id}"]) == {"get", "patch"}
    assert "post" in paths["/agreements/{agreement_id}/contacts/{contact_id}/verify"]
    assert "get" in paths["/notification-sheet"]
