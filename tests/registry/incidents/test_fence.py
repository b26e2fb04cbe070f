"""Enterprise accounts are fenced out of incident mode, even for an incident at their own
enterprise (issue #19's fence, issue #21's routes)."""
from __future__ import annotations

from tests.conftest import enterprise_payload
from tests.registry.incidents.conftest import YUZHOU, incident_payload
from tests.registry.submissions.conftest import make_enterprise_user


def test_enterprise_user_sees_no_incident_of_its_own_enterprise(client, accounts, admin_api,
                                                                runner):
    from tests.conftest import Api

    ours = admin_api.post("/enterprises", json=enterprise_payload(3, YUZHOU)).json
    make_enterprise_user(runner, accounts, "qiye_inc", ours["credit_code"])
    incident = admin_api.post("/incidents", json=incident_payload(
        longitude=None, latitude=None, enterprise_id=ours["id"]))
    assert incident.status_code == 201, incident.json
    incident_id = incident.json["id"]
    api = Api(client, accounts.token("qiye_inc"))
    for method, path, body in (
            ("GET", "/incidents", None), ("GET", f"/incidents/{incident_id}", None),
            ("POST", "/incidents", incident_payload()),
            ("POST", f"/incidents/{incident_id}/entries", {"text": "x"}),
            ("GET", f"/incidents/{incident_id}/report.docx", None),
            ("POST", f"/incidents/{incident_id}/close", {"findings": []}),
            ("GET", "/resources", None),
            ("GET", "/resources/nearest?longitude=113.47&latitude=34.16", None)):
        r = client.open("/api/v1" + path, method=method, headers=api.headers, json=body)
        assert r.status_code == 403, (method, path, r.status_code)
    accounts.login(client, "qiye_inc")
    for path in ("/incidents", f"/incidents/{incident_id}", "/incidents/new",
                 f"/incidents/{incident_id}/sheet?city=漯河市", "/incidents/duty", "/resources",
                 f"/enterprises/{ours['id']}/risk-inventory/substances"):
        assert client.get(path).status_code == 403, path
    assert "柴油" not in client.get("/portal/").get_data(as_text=True)
    from tests.conftest import csrf_token

    r = client.post(f"/enterprises/{ours['id']}/resources", data={
        "csrf_token": csrf_token(client, "/portal/"), "kind": "team", "name": "x", "quantity": "1",
        "unit": "人"})
    assert r.status_code == 403


def test_enterprise_enters_its_own_resource_survey_in_the_portal(client, accounts, admin_api,
                                                                 runner):
    """Its own enterprise's rows only: another enterprise is a 404, its rows unseen; an
    officer is refused the portal's route (the enterprise page has its own)."""
    from tests.conftest import csrf_token

    ours = admin_api.post("/enterprises", json=enterprise_payload(
        4, YUZHOU, longitude=113.47, latitude=34.15)).json
    theirs = admin_api.post("/enterprises", json=enterprise_payload(5, YUZHOU)).json
    make_enterprise_user(runner, accounts, "qiye_res", ours["credit_code"])
    accounts.login(client, "qiye_res")
    page = f"/portal/enterprises/{ours['id']}"
    assert 'id="resource-survey-form"' in client.get(page).get_data(as_text=True)
    row = {"kind": "equipment", "name": "潜水泵", "quantity": "2", "unit": "台"}
    r = client.post(f"{page}/resources", data={**row, "csrf_token": csrf_token(client, page)})
    assert r.status_code == 302
    html = client.get(page).get_data(as_text=True)
    assert "潜水泵" in html and "应急资源已登记" in html
    (item,) = [i for i in admin_api.get("/resources").json["items"] if i["name"] == "潜水泵"]
    assert item["enterprise_id"] == ours["id"] and item["owner"] == ours["name"]
    other = f"/portal/enterprises/{theirs['id']}/resources"
    assert client.post(other, data={**row, "csrf_token": csrf_token(client, page)}).status_code == 404
    assert client.post(f"{other}/{item['id']}/delete",
                       data={"csrf_token": csrf_token(client, page)}).status_code == 404
    r = client.post(f"{page}/resources/{item['id']}/delete", data={"csrf_token": csrf_token(client, page)})
    assert r.status_code == 302 and "潜水泵" not in client.get(page).get_data(as_text=True)
    _id, officer = accounts.make("officer", [YUZHOU])
    accounts.login(client, officer)
    assert client.post(f"{page}/resources", data={
        **row, "csrf_token": csrf_token(client, "/incidents")}).status_code == 403
