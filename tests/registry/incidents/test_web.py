"""The incident pages as a duty officer uses them (forms with CSRF, both databases)."""
from __future__ import annotations

import io

from tests.conftest import csrf_token
from tests.registry.incidents.conftest import XIANGCHENG, YUZHOU, incident_payload


def _login(client, accounts, role="officer", counties=(YUZHOU,)):
    _id, name = accounts.make(role, list(counties))
    accounts.login(client, name)
    return name


def _form(client, path, **data):
    return client.post(path, data={**data, "csrf_token": csrf_token(client, "/incidents")})


def test_report_by_coordinates_then_notify_log_report_and_close(client, accounts, luohe_agreement,
                                                                 smtp):
    _login(client, accounts)
    page = client.get("/incidents/new")
    assert page.status_code == 200 and 'id="picker"' in page.get_data(as_text=True)
    data = {k: v for k, v in incident_payload().items() if k != "reported_at"}
    data["reported_at"] = "2026-01-01T08:00"  # local time, long before: everything late
    r = _form(client, "/incidents/new", **{k: str(v) for k, v in data.items()})
    assert r.status_code == 302, r.get_data(as_text=True)
    show = r.headers["Location"]
    html = client.get(show).get_data(as_text=True)
    for fact in ("漯河市", "李建国", "0395-3100110", "禹州市颍河饮用水源取水口（示例）", "初报"):
        assert fact in html, fact
    incident_id = int(show.rsplit("/", 1)[1])
    r = _form(client, f"/incidents/{incident_id}/notifications", city="漯河市", channel="email")
    assert r.status_code == 302 and smtp.recipients() == ["lhjc@example.com", "lhyj@example.com"]
    r = _form(client, f"/incidents/{incident_id}/notifications", city="漯河市", channel="phone",
              contact="李建国", note="值班电话已通知")
    assert r.status_code == 302
    r = _form(client, f"/incidents/{incident_id}/entries", text="关闭褚河闸")
    assert r.status_code == 302
    html = client.get(show).get_data(as_text=True)
    assert "关闭褚河闸" in html and "已超过时限" in html
    form = client.get(f"/incidents/{incident_id}/report?stage=initial").get_data(as_text=True)
    assert "柴油" in form
    r = _form(client, f"/incidents/{incident_id}/report", stage="initial", time="8时接报",
              source="罐车侧翻（已核实）", pollutant="柴油约3.5吨")
    assert r.status_code == 200 and r.mimetype.endswith("wordprocessingml.document")
    from docx import Document

    assert "罐车侧翻（已核实）" in "\n".join(p.text for p in Document(io.BytesIO(r.data)).paragraphs)
    pdf = client.get(f"/incidents/{incident_id}/sheet?city=漯河市")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    r = _form(client, f"/incidents/{incident_id}/close", **{
        "findings-0-description": "拦截物资调运慢", "findings-0-category": "equipment"})
    assert r.status_code == 302
    html = client.get(show).get_data(as_text=True)
    assert "拦截物资调运慢" in html and "entry-form" not in html


def test_form_errors_are_shown_and_nothing_is_saved(client, accounts):
    _login(client, accounts)
    r = _form(client, "/incidents/new", reported_at="2026-01-01T08:00", medium="water",
              substance="", summary="")
    assert r.status_code == 422
    assert client.get("/incidents").get_data(as_text=True).count("/incidents/1") == 0


def test_duty_roster_admin_only_and_shown(client, accounts):
    _login(client, accounts, "admin", ())
    r = _form(client, "/incidents/duty", on_date="2026-06-15", officer="王值班", phone="0374-2966110")
    assert r.status_code == 302
    assert "王值班" in client.get("/incidents/duty").get_data(as_text=True)
    other = client.application.test_client()
    _login(other, accounts)
    r = other.post("/incidents/duty", data={"on_date": "2026-06-16", "officer": "x", "phone": "123",
                                            "csrf_token": csrf_token(other, "/incidents")})
    assert r.status_code == 403


def test_resources_page(client, accounts):
    _login(client, accounts)
    r = _form(client, "/resources", name="吸附棉", kind="material", quantity="500", unit="卷",
              owner="禹州市生态环境分局", longitude="113.47", latitude="34.16")
    assert r.status_code == 302
    assert "吸附棉" in client.get("/resources").get_data(as_text=True)
    r = _form(client, "/resources", name="", kind="rocket", quantity="x", unit="卷", owner="y",
              longitude="1", latitude="2")
    assert r.status_code == 422


def test_resources_export_as_excel(client, accounts, admin_api):
    import openpyxl

    admin_api.post("/resources", json={"name": "围油栏", "kind": "material", "quantity": 800,
                                       "unit": "米", "owner": "禹州市生态环境分局",
                                       "longitude": 113.49, "latitude": 34.15})
    _login(client, accounts, "viewer")
    r = client.get("/export/resources.xlsx")
    assert r.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(r.data)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "类别")
    assert rows[header][:5] == ["类别", "名称", "数量", "单位", "所属单位"]
    assert rows[header + 1][:5] == ["物资", "围油栏", 800, "米", "禹州市生态环境分局"]
    geo = client.get("/export/resources.geojson").json
    assert geo["features"][0]["geometry"]["coordinates"] == [113.49, 34.15]


def test_plan_page_names_the_incident_that_flagged_it(client, accounts, admin_api):
    from tests.conftest import enterprise_payload, plan_payload

    e = admin_api.post("/enterprises", json=enterprise_payload(9, county=YUZHOU)).json
    plan = admin_api.post("/plans", json=plan_payload(e["id"])).json
    incident = admin_api.post("/incidents", json=incident_payload(
        longitude=None, latitude=None, enterprise_id=e["id"])).json
    r = admin_api.post(f"/incidents/{incident['id']}/close", json={"findings": [
        {"description": "预案未载明下游通报电话", "category": "plan", "plan_needs_revision": True}]})
    assert r.status_code == 200, r.json
    _login(client, accounts, "viewer")
    html = client.get(f"/plans/{plan['id']}").get_data(as_text=True)
    assert "发现于突发环境事件" in html and f"/incidents/{incident['id']}" in html


def test_intercepts_list_the_resources_nearest_each(client, accounts, admin_api, officer_api):
    """Issue #21: for each intercept point on the path, the nearest materials, equipment and
    teams (an expert is not brought to a sluice), nearest first."""
    from tests.registry.incidents.conftest import incident_payload

    incident = officer_api.post("/incidents", json=incident_payload()).json
    sluice = next(p for p in incident["intercepts"] if p["name"] == "颍河建安区出境前拦截闸（示例）")
    for name, kind, dlon in (("围油栏", "material", 0.01), ("吸附棉", "material", 0.2),
                             ("水污染处置专家", "expert", 0.0)):
        r = admin_api.post("/resources", json={
            "name": name, "kind": kind, "quantity": 100, "unit": "米", "owner": "建安区应急物资库",
            "longitude": round(sluice["lon"] + dlon, 5), "latitude": round(sluice["lat"], 5)})
        assert r.status_code == 201, r.json
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    page = client.get(f"/incidents/{incident['id']}").get_data(as_text=True)
    # The incident's own words, not the drills' 演练地点 or a meeting's 会议纪要.
    assert "事发地点" in page and "事件概要" in page
    assert "演练地点" not in page and "会议纪要" not in page
    item = page[page.index("颍河建安区出境前拦截闸（示例）"):]
    item = item[:item.index("</li>")]
    assert "附近应急资源" in item and "水污染处置专家" not in item
    assert item.index("围油栏") < item.index("吸附棉") and "（建安区应急物资库，0.9" in item


def test_incident_findings_are_on_the_improvement_plan_and_its_export(client, accounts, officer_api):
    """Issue #21: a finding of a closed incident is 整改 like a drill's — on /actions and in its
    export, for the incident county's officers only."""
    import csv

    incident = officer_api.post("/incidents", json=incident_payload()).json
    r = officer_api.post(f"/incidents/{incident['id']}/close", json={"findings": [
        {"description": "拦截物资调运慢，需前置围油栏", "category": "equipment",
         "owner_name": "王敏", "owner_unit": "禹州市生态环境分局", "due_on": "2026-07-31"}]})
    assert r.status_code == 200, r.json
    _id, ours = accounts.make("officer", [YUZHOU])
    accounts.login(client, ours)
    page = client.get("/actions?view=all").get_data(as_text=True)
    assert "拦截物资调运慢，需前置围油栏" in page and f"/incidents/{incident['id']}#actions" in page
    export = client.get("/export/actions.csv?view=all").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(export)))
    row = next(r for r in rows if r["问题及整改措施"] == "拦截物资调运慢，需前置围油栏")
    assert row["所在县（市、区）"] == "禹州市" and "柴油" in row["演练或事件"]
    other = client.application.test_client()
    _id, theirs = accounts.make("officer", ["411025"])
    accounts.login(other, theirs)
    assert "拦截物资调运慢" not in other.get("/actions?view=all").get_data(as_text=True)


def test_risk_map_shows_the_resources_and_the_open_incidents(client, accounts, admin_api,
                                                             officer_api):
    admin_api.post("/resources", json={"name": "围油栏（禹州库）", "kind": "material",
                                       "quantity": 800, "unit": "米", "owner": "禹州市生态环境分局",
                                       "longitude": 113.49, "latitude": 34.15,
                                       "contact": "0374-8881234"})
    incident = officer_api.post("/incidents", json=incident_payload(place="颍河禹州段")).json
    elsewhere = admin_api.post("/incidents", json=incident_payload(
        longitude=113.85, latitude=34.03, place="襄城县城区", substance="氯气",
        medium="air")).json
    assert elsewhere["county_code"] != YUZHOU
    _login(client, accounts, "viewer")
    html = client.get("/map/frame").get_data(as_text=True)
    for fact in ("围油栏（禹州库）", "800 米", "0374-8881234", "未结束的突发环境事件",
                 f"/incidents/{incident['id']}", "颍河禹州段 柴油"):
        assert fact in html, fact
    # Only the caller's counties' incidents; a closed one leaves the layer.
    assert f"/incidents/{elsewhere['id']}" not in html
    admin_api.post(f"/incidents/{incident['id']}/close", json={"findings": []})
    assert f"/incidents/{incident['id']}" not in client.get("/map/frame").get_data(as_text=True)


def test_an_enterprise_incident_offers_and_shows_what_it_holds(client, accounts, admin_api):
    """The report form offers the enterprise's declared substances (its risk inventory);
    the incident page lists them with the reported one marked."""
    from tests.conftest import enterprise_payload
    from tests.registry.substances.conftest import AIRY, CHLORINE, WATERY, put

    ids = {body["name"]: admin_api.post("/substances", json=body).json["id"]
           for body in (CHLORINE, WATERY, AIRY)}
    e = admin_api.post("/enterprises", json=enterprise_payload(
        21, YUZHOU, longitude=113.47, latitude=34.15)).json
    r = put(admin_api, f"/enterprises/{e['id']}/risk-inventory", {
        "substances": [{"substance_id": ids[WATERY["name"]], "max_quantity_t": 2,
                        "storage": "1号储罐区"},
                       {"substance_id": ids[CHLORINE["name"]], "max_quantity_t": 3}],
        "air": {"process_units": {"listed": 0, "other": 0}, "control_score": 0, "e": "E3"},
        "water": {"process_units": {"listed": 0, "other": 0}, "control_score": 0}})
    assert r.status_code == 200, r.json
    _login(client, accounts)
    held = client.get(f"/enterprises/{e['id']}/risk-inventory/substances")
    assert held.status_code == 200
    # Largest share of its critical quantity first: 3/1 before 2/5.
    assert [(i["name"], i["max_quantity_t"], i["storage"]) for i in held.json["items"]] == [
        (CHLORINE["name"], 3, None), (WATERY["name"], 2, "1号储罐区")]
    assert held.json["items"][0]["media"] == ["air", "water"]
    other = admin_api.post("/enterprises", json=enterprise_payload(22, XIANGCHENG)).json
    assert client.get(f"/enterprises/{other['id']}/risk-inventory/substances").status_code == 403
    page = client.get("/incidents/new").get_data(as_text=True)
    assert 'list=substance-options' in page and "/enterprises/0/risk-inventory/substances" in page
    incident = admin_api.post("/incidents", json=incident_payload(
        longitude=None, latitude=None, enterprise_id=e["id"], substance=WATERY["name"])).json
    html = client.get(f"/incidents/{incident['id']}").get_data(as_text=True)
    assert "企业申报的环境风险物质" in html and "1号储罐区" in html
    assert html.count("本次接报物质") == 1


def test_an_enterprises_resource_survey_as_rows(client, accounts, admin_api):
    """Issue #21: the enterprise's 应急资源调查 entered as rows on its page — owned by it,
    at its location, in the register and nearest to an incident at its gate."""
    from tests.conftest import enterprise_payload

    e = admin_api.post("/enterprises", json=enterprise_payload(
        23, YUZHOU, longitude=113.47, latitude=34.15)).json
    _login(client, accounts)
    path = f"/enterprises/{e['id']}/resources"
    r = client.post(path, data={"csrf_token": csrf_token(client, f"/enterprises/{e['id']}"),
                                "kind": "material", "name": "应急沙袋", "quantity": "200",
                                "unit": "袋", "contact": "张安全 13700000000"})
    assert r.status_code == 302
    page = client.get(f"/enterprises/{e['id']}").get_data(as_text=True)
    assert "应急资源调查（逐项登记）" in page and "应急沙袋" in page and "200 袋" in page
    (row,) = [i for i in admin_api.get("/resources").json["items"] if i["name"] == "应急沙袋"]
    assert (row["owner"], row["enterprise_id"], row["longitude"]) == (e["name"], e["id"], 113.47)
    near = admin_api.get("/resources/nearest", query_string={"longitude": 113.4701,
                                                             "latitude": 34.1501}).json
    assert near["items"][0]["name"] == "应急沙袋"
    # A bad row names the field; nothing is saved.
    r = client.post(path, data={"csrf_token": csrf_token(client, f"/enterprises/{e['id']}"),
                                "kind": "material", "name": "", "quantity": "很多", "unit": "袋"},
                    follow_redirects=True)
    html = r.get_data(as_text=True)
    assert "名称：此项为必填项" in html and "数量：须为数字" in html and "应急资源未保存" in html
    r = client.post(path, data={"csrf_token": csrf_token(client, f"/enterprises/{e['id']}"),
                                "kind": "material", "name": "沙袋", "quantity": "", "unit": ""},
                    follow_redirects=True)
    html = r.get_data(as_text=True)  # blank fields are named as required, not "must be text"
    assert "数量：此项为必填项" in html and "单位：此项为必填项" in html and "须为文本" not in html
    assert len([i for i in admin_api.get("/resources").json["items"] if i["enterprise_id"]]) == 1
    # Another county's officer may neither add nor remove; a viewer sees no form.
    _login(client, accounts, "officer", (XIANGCHENG,))
    assert client.post(path, data={"csrf_token": csrf_token(client, "/incidents"), "kind": "team",
                                   "name": "x", "quantity": "1", "unit": "人"}).status_code == 403
    assert client.post(f"{path}/{row['id']}/delete",
                       data={"csrf_token": csrf_token(client, "/incidents")}).status_code == 403
    _login(client, accounts, "viewer")
    assert 'id="resource-survey-form"' not in client.get(f"/enterprises/{e['id']}").get_data(as_text=True)
    _login(client, accounts)
    r = client.post(f"{path}/{row['id']}/delete",
                    data={"csrf_token": csrf_token(client, f"/enterprises/{e['id']}")})
    assert r.status_code == 302
    assert "尚未登记该企业的应急资源" in client.get(f"/enterprises/{e['id']}").get_data(as_text=True)
