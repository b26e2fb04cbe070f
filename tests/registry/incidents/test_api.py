"""The incident API contract (issue #21) on both databases, with a real SMTP server."""
from __future__ import annotations

import io
from datetime import datetime

from tests.registry.incidents.conftest import XIANGCHENG, YUZHOU, ago, incident_payload


def test_create_traces_downstream_and_owes_luohe(officer_api, luohe_agreement):
    r = officer_api.post("/incidents", json=incident_payload())
    assert r.status_code == 201, r.json
    body = r.json
    assert body["status"] == "open" and body["county_code"] == YUZHOU
    kinds = [(h["kind"], h["name"]) for h in body["trace"]["hits"]]
    assert ("drinking_water_intake", "禹州市颍河饮用水源取水口（示例）") in kinds
    cities = [n["city"] for n in body["notifications_due"]]
    assert cities[0] == "漯河市" and "周口市" in cities
    luohe = body["notifications_due"][0]
    assert luohe["agreement_id"] == luohe_agreement["id"]
    # The agreement's time limit (1 h) from reported_at.
    reported = datetime.fromisoformat(body["reported_at"])
    assert (datetime.fromisoformat(luohe["due_by"]) - reported).total_seconds() == 3600
    # 24-hour duty phones first, with the contract's keys.
    assert luohe["contacts"][0] == {"name": "李建国", "role": "应急管理科科长",
                                    "duty_phone": "0395-3100110", "phone": "13803950101",
                                    "email": "lhyj@example.com"}
    assert luohe["contacts"][1]["duty_phone"] is None
    assert luohe["remaining_seconds"] > 0 and luohe["late"] is False
    # No agreement with Zhoukou registered: the default (1 h) applies.
    zhoukou = next(n for n in body["notifications_due"] if n["city"] == "周口市")
    assert zhoukou["agreement_id"] is None and zhoukou["contacts"] == []
    # The sluice before 颍河 leaves the city: on the path, after 禹州's intake (5 km down).
    sluice = next(p for p in body["intercepts"] if p["name"] == "颍河建安区出境前拦截闸（示例）")
    assert 40_000 < sluice["distance_along_path_m"] < 48_000
    assert sluice["before_first_intake"] is False and 20 < sluice["arrival_hours"] < 27
    assert "白沙水库大坝（示例位置）" not in {p["name"] for p in body["intercepts"]}  # upstream
    initial = body["reports_due"][0]
    assert initial["stage"] == "initial" and initial["hours"] == 4
    assert body["timeline"][0]["kind"] == "report"


def test_report_clock_is_two_hours_for_major_events(officer_api):
    r = officer_api.post("/incidents", json=incident_payload(level="serious"))
    assert r.status_code == 201, r.json
    assert r.json["reports_due"][0]["hours"] == 2


def test_hours_are_configurable(app, officer_api):
    app.config["INCIDENT_INITIAL_REPORT_HOURS"] = {"general": 6}
    app.config["INCIDENT_NOTIFY_DEFAULT_HOURS"] = 3
    body = officer_api.post("/incidents", json=incident_payload()).json
    assert body["reports_due"][0]["hours"] == 6
    zhoukou = next(n for n in body["notifications_due"] if n["city"] == "周口市")
    assert zhoukou["limit_hours"] == 3


def test_bad_input_names_the_field(officer_api):
    r = officer_api.post("/incidents", json=incident_payload(longitude=None, latitude=None))
    assert r.status_code == 422
    assert set(r.json["error"]["fields"]) == {"longitude", "latitude"}
    r = officer_api.post("/incidents", json=incident_payload(medium="fire"))
    assert r.status_code == 422 and "medium" in r.json["error"]["fields"]
    r = officer_api.post("/incidents", json=incident_payload(reported_at="2099-01-01T00:00:00+08:00"))
    assert r.status_code == 422 and "reported_at" in r.json["error"]["fields"]
    # Outside the jurisdiction (临颍县, Luohe).
    r = officer_api.post("/incidents", json=incident_payload(longitude=113.93, latitude=33.81))
    assert r.status_code == 422 and "longitude" in r.json["error"]["fields"]


def test_county_scoping(client, accounts, officer_api):
    other = accounts.api(client, "officer", [XIANGCHENG])
    assert other.post("/incidents", json=incident_payload()).status_code == 403
    viewer = accounts.api(client, "viewer", [YUZHOU])
    assert viewer.post("/incidents", json=incident_payload()).status_code == 403
    incident_id = officer_api.post("/incidents", json=incident_payload()).json["id"]
    assert viewer.get(f"/incidents/{incident_id}").status_code == 200
    assert other.get(f"/incidents/{incident_id}").status_code == 403
    assert other.get("/incidents").json["total"] == 0
    assert viewer.get("/incidents").json["total"] == 1
    assert viewer.post(f"/incidents/{incident_id}/notifications",
                       json={"city": "漯河", "channel": "phone", "contact": "李建国"}).status_code == 403


def test_email_notification_reaches_the_contacts_with_the_sheet(officer_api, luohe_agreement, smtp):
    from pypdf import PdfReader

    incident_id = officer_api.post("/incidents", json=incident_payload()).json["id"]
    r = officer_api.post(f"/incidents/{incident_id}/notifications",
                         json={"city": "漯河", "channel": "email"})
    assert r.status_code == 201, r.json
    assert r.json["recipients"] == ["lhyj@example.com", "lhjc@example.com"]
    assert r.json["late"] is False and r.json["sent_at"]
    assert smtp.recipients() == ["lhjc@example.com", "lhyj@example.com"]
    msg = smtp.to("lhyj@example.com")[0]
    assert "柴油" in msg["Subject"]
    text = msg.get_body(("plain",)).get_content()
    for fact in ("罐车侧翻", "柴油，约3.5吨", "预计到达", "漯河市", "回复联系"):
        assert fact in text, fact
    pdf = next(p for p in msg.iter_attachments() if p.get_content_type() == "application/pdf")
    sheet = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.get_content())).pages)
    assert "突发水污染事件上下游通报单" in sheet and "柴油" in sheet
    body = officer_api.get(f"/incidents/{incident_id}").json
    assert [(n["city"], n["channel"], n["late"]) for n in body["notifications"]] == [
        ("漯河市", "email", False)]
    owed = body["notifications_due"][0]
    assert owed["notified_at"] and owed["remaining_seconds"] is None
    assert body["timeline"][-1]["kind"] == "notification"


def test_late_phone_call_is_marked_late(officer_api, luohe_agreement):
    incident_id = officer_api.post("/incidents", json=incident_payload(
        reported_at=ago(hours=3))).json["id"]
    body = officer_api.get(f"/incidents/{incident_id}").json
    assert body["notifications_due"][0]["remaining_seconds"] < 0  # overdue, still owed
    r = officer_api.post(f"/incidents/{incident_id}/notifications",
                         json={"city": "漯河市", "channel": "phone", "contact": "李建国",
                               "note": "值班电话已通知"})
    assert r.status_code == 201, r.json
    assert r.json["late"] is True and r.json["recipients"] == []
    body = officer_api.get(f"/incidents/{incident_id}").json
    assert body["notifications"] == [{**body["notifications"][0], "city": "漯河市",
                                      "channel": "phone", "late": True}]
    assert "已超过时限" in body["timeline"][-1]["text"]


def test_notification_errors(officer_api, luohe_agreement):
    incident_id = officer_api.post("/incidents", json=incident_payload()).json["id"]
    r = officer_api.post(f"/incidents/{incident_id}/notifications",
                         json={"city": "郑州", "channel": "phone", "contact": "某人"})
    assert r.status_code == 422 and "city" in r.json["error"]["fields"]
    r = officer_api.post(f"/incidents/{incident_id}/notifications",
                         json={"city": "漯河", "channel": "phone"})
    assert r.status_code == 422 and "contact" in r.json["error"]["fields"]
    # 周口: no agreement, so no address to mail.
    r = officer_api.post(f"/incidents/{incident_id}/notifications",
                         json={"city": "周口", "channel": "email"})
    assert r.status_code == 422 and "city" in r.json["error"]["fields"]
    assert officer_api.get(f"/incidents/{incident_id}").json["notifications"] == []


def test_entries_and_level_change_move_the_clock(officer_api):
    incident_id = officer_api.post("/incidents", json=incident_payload()).json["id"]
    r = officer_api.post(f"/incidents/{incident_id}/entries", json={"text": "关闭褚河闸"})
    assert r.status_code == 201, r.json
    r = officer_api.post(f"/incidents/{incident_id}/entries", json={"level": "serious"})
    assert r.json["level"] == "serious" and r.json["reports_due"][0]["hours"] == 2
    assert [e["kind"] for e in r.json["timeline"]] == ["report", "measure", "level"]
    r = officer_api.post(f"/incidents/{incident_id}/entries", json={})
    assert r.status_code == 422 and "text" in r.json["error"]["fields"]


def test_report_docx(officer_api):
    from docx import Document

    incident_id = officer_api.post("/incidents", json=incident_payload()).json["id"]
    for stage, name in (("initial", "初报"), ("followup", "续报"), ("final", "处理结果报告")):
        r = officer_api.get(f"/incidents/{incident_id}/report.docx", query_string={"stage": stage})
        assert r.status_code == 200
        doc = Document(io.BytesIO(r.data))
        text = "\n".join(p.text for p in doc.paragraphs)
        assert name in text and "柴油" in text and "颍河" in text
        assert round(doc.sections[0].page_width.mm) == 210
    assert officer_api.get(f"/incidents/{incident_id}/report.docx",
                           query_string={"stage": "draft"}).status_code == 422


def test_close_turns_findings_into_actions_and_flags_the_plan(app, admin_api, officer_api):
    from tests.conftest import enterprise_payload, plan_payload

    e = admin_api.post("/enterprises", json=enterprise_payload(7, county=YUZHOU)).json
    plan = admin_api.post("/plans", json=plan_payload(e["id"])).json
    incident_id = officer_api.post("/incidents", json=incident_payload(
        longitude=None, latitude=None, enterprise_id=e["id"])).json["id"]
    r = officer_api.post(f"/incidents/{incident_id}/close", json={"findings": [
        {"description": "围堰未及时封堵雨水排口", "category": "equipment"},
        {"description": "预案未载明下游漯河通报电话", "category": "plan", "plan_needs_revision": True}]})
    assert r.status_code == 200, r.json
    assert r.json["status"] == "closed" and len(r.json["action_ids"]) == 2
    actions = officer_api.get("/actions").json  # the 整改 list holds the incident's too
    listed = {a["id"]: a for a in actions["items"]}
    assert all(listed[i]["incident_id"] == incident_id and listed[i]["drill_id"] is None
               for i in r.json["action_ids"])
    p = admin_api.get(f"/plans/{plan['id']}").json
    assert p["revision_required"] is True and "突发环境事件" in p["revision_reason"]
    # The drills' machinery moves the action along.
    r = officer_api.patch(f"/actions/{r.json['action_ids'][0]}", json={"status": "in_progress"})
    assert r.status_code == 200, r.json
    assert r.json["incident_id"] == incident_id and r.json["drill_id"] is None
    again = officer_api.post(f"/incidents/{incident_id}/close", json={"findings": []})
    assert again.status_code == 409


def test_close_is_all_or_nothing(officer_api):
    incident_id = officer_api.post("/incidents", json=incident_payload()).json["id"]
    r = officer_api.post(f"/incidents/{incident_id}/close", json={"findings": [
        {"description": "一", "category": "plan"},
        {"description": "二", "category": "plan", "plan_needs_revision": True}]})
    assert r.status_code == 422 and "findings.1.plan_needs_revision" in r.json["error"]["fields"]
    body = officer_api.get(f"/incidents/{incident_id}").json
    assert body["status"] == "open" and body["action_ids"] == []


def test_resources_nearest_first(officer_api, client, accounts):
    for name, lon, lat in (("禹州市应急物资库", 113.49, 34.15), ("许昌市应急物资储备库", 113.83, 34.02),
                           ("襄城县吸附棉仓库", 113.48, 33.85)):
        r = officer_api.post("/resources", json={
            "name": name, "kind": "material", "quantity": 200, "unit": "卷", "owner": "许昌市生态环境局",
            "longitude": lon, "latitude": lat, "contact": "0374-1234567"})
        assert r.status_code == 201, r.json
    officer_api.post("/resources", json={"name": "应急监测车", "kind": "equipment", "quantity": 1,
                                         "unit": "辆", "owner": "禹州分局", "longitude": 113.47,
                                         "latitude": 34.16})
    r = officer_api.get("/resources/nearest", query_string={"longitude": 113.46778,
                                                           "latitude": 34.1575, "kind": "material"})
    assert r.status_code == 200
    items = r.json["items"]
    assert [i["name"] for i in items] == ["禹州市应急物资库", "襄城县吸附棉仓库", "许昌市应急物资储备库"]
    assert 2.0 < items[0]["distance_km"] < 2.5  # ~2.2 km in EPSG:4547
    assert officer_api.get("/resources/nearest", query_string={"longitude": 113.4}).status_code == 422
    viewer = accounts.api(client, "viewer", [YUZHOU])
    assert viewer.post("/resources", json={"name": "x", "kind": "team", "quantity": 1, "unit": "支",
                                           "owner": "y", "longitude": 113.5,
                                           "latitude": 34.1}).status_code == 403


def test_exercise_mode_marks_the_mail(officer_api, luohe_agreement, smtp):
    from tests.registry.drills.conftest import drill_payload

    drill = officer_api.post("/drills", json=drill_payload())
    assert drill.status_code == 201, drill.json
    r = officer_api.post("/incidents", json=incident_payload(drill_id=drill.json["id"]))
    assert r.status_code == 201 and r.json["exercise"] is True
    officer_api.post(f"/incidents/{r.json['id']}/notifications", json={"city": "漯河", "channel": "email"})
    assert smtp.to("lhyj@example.com")[0]["Subject"].startswith("【演练】")


def test_implausible_times_are_refused_not_overflowed(officer_api):
    r = officer_api.post("/incidents", json=incident_payload(reported_at="0001-01-01T00:00:00"))
    assert r.status_code == 422 and "reported_at" in r.json["error"]["fields"]


def test_closing_stops_the_clocks(officer_api, luohe_agreement, client, accounts):
    """A closed incident owes nothing more: a city never told stays on record as missed,
    and no clock counts down on its page or in the API (closing before the due time is
    not late)."""
    incident = officer_api.post("/incidents", json=incident_payload(reported_at=ago(minutes=5))).json
    r = officer_api.post(f"/incidents/{incident['id']}/notifications",
                         json={"city": "漯河市", "channel": "phone", "contact": "李建国", "note": "已通知"})
    assert r.status_code == 201, r.json
    assert officer_api.post(f"/incidents/{incident['id']}/close", json={"findings": []}).status_code == 200
    body = officer_api.get(f"/incidents/{incident['id']}").json
    clocks = {n["city"]: n for n in body["notifications_due"]}
    assert clocks["漯河市"]["missed"] is False and clocks["漯河市"]["notified_at"]
    zhoukou = clocks["周口市"]
    assert zhoukou["missed"] is True and zhoukou["remaining_seconds"] is None
    assert zhoukou["late"] is False  # closed within the hour it was owed in
    initial = body["reports_due"][0]
    assert initial["missed"] is True and initial["remaining_seconds"] is None
    assert all(r["remaining_seconds"] is None for r in body["reports_due"])
    _id, name = accounts.make("viewer", [YUZHOU])
    accounts.login(client, name)
    html = client.get(f"/incidents/{incident['id']}").get_data(as_text=True)
    assert "事件关闭前未通报" in html and "事件关闭前未报送" in html and "剩余" not in html


def test_the_api_cannot_mark_an_incident_as_demo(officer_api):
    """Demo marks come from the demo loader only (registry.unit_of_work.marks_demo): a
    caller saying is_demo is refused, naming the field."""
    r = officer_api.post("/incidents", json=incident_payload(is_demo=True))
    assert r.status_code == 422 and "is_demo" in r.json["error"]["fields"]
    assert officer_api.post("/incidents", json=incident_payload()).json["is_demo"] is False
