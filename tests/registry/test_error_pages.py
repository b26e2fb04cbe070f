"""Error pages in the interface language (#16 §5): no Werkzeug English on a Chinese page,
and a refusal for another county says it is outside the jurisdiction."""
from __future__ import annotations

from tests.conftest import enterprise_payload


def test_unknown_page_is_chinese(client, accounts):
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    r = client.get("/no-such-page")
    page = r.get_data(as_text=True)
    assert r.status_code == 404 and "您访问的页面或记录不存在" in page
    assert "requested URL was not found" not in page


def test_unknown_api_path_is_json_in_the_interface_language(admin_api):
    r = admin_api.get("/no-such-thing")
    assert r.status_code == 404 and r.json["error"]["code"] == "not_found"
    assert "不存在" in r.json["error"]["message"]


def test_other_county_says_outside_jurisdiction(client, accounts, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411025")).json
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    r = client.get(f"/enterprises/{e['id']}")
    page = r.get_data(as_text=True)
    assert r.status_code == 403 and "该记录属于襄城县，不在您的管辖范围内" in page
    api = accounts.api(client, "officer", ["411081"])
    r = api.get(f"/enterprises/{e['id']}")
    assert r.status_code == 403 and "不在您的管辖范围内" in r.json["error"]["message"]


def test_viewer_writing_in_own_county_is_simply_not_allowed(client, accounts, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    api = accounts.api(client, "viewer", ["411081"])
    r = api.patch(f"/enterprises/{e['id']}", json={"contact_name": "李娜"})
    assert r.status_code == 403 and r.json["error"]["message"] == "您无权执行此操作。"
