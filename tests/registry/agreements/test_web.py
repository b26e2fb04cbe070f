"""Agreement pages driven through their HTML forms (CSRF), in Chinese."""
import io

import pytest

from tests.conftest import csrf_token
from tests.registry.agreements.payloads import XUCHANG_COUNTIES, luohe

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def city_officer(client, accounts):
    _id, name = accounts.make("officer", XUCHANG_COUNTIES)
    accounts.login(client, name)
    return client


@pytest.fixture
def county_officer(client, accounts):
    _id, name = accounts.make("officer", ["411025"])
    accounts.login(client, name)
    return client


@pytest.fixture
def agreement(admin_api):
    return admin_api.post("/agreements", json=luohe()).json


def _form():
    return {
        "title": "许昌市—周口市上下游突发水污染事件联防联控协议", "rivers": "颍河、双洎河",
        "signed_on": "2025-01-10", "term_years": "5", "expires_on": "", "renewal_on": "",
        "notification_triggers": "发生或可能发生跨界突发水污染事件", "notification_channel": "电话通报",
        "notification_limit_hours": "2", "joint_monitoring": "", "meeting_cadence": "每半年一次",
        "parties-0-city_name": "周口市", "parties-0-environment_department": "周口市生态环境局",
        "parties-0-water_department": "周口市水利局",
        "parties-0-river_roles-0-river": "颍河", "parties-0-river_roles-0-role": "downstream",
        "parties-0-river_roles-1-river": "双洎河", "parties-0-river_roles-1-role": "downstream",
        "parties-1-city_name": "", "parties-1-environment_department": "", "parties-1-water_department": "",
        "parties-1-river_roles-0-river": "", "parties-1-river_roles-0-role": "",
        "sections-0-name": "双洎河鄢陵—扶沟交界断面", "sections-0-river": "双洎河",
        "sections-0-counterpart_city": "周口市", "sections-0-longitude": "114.269032",
        "sections-0-latitude": "34.11255", "sections-0-monitored_by": "joint",
        "sections-0-layer_key": "双洎河鄢陵县—扶沟县出境断面（示例）",
        "sections-1-name": "", "sections-1-river": "", "sections-1-counterpart_city": "",
        "sections-1-longitude": "", "sections-1-latitude": "", "sections-1-monitored_by": "",
        "sections-1-layer_key": "",
    }


def test_nav_and_list_by_status(city_officer, agreement, admin_api):
    admin_api.post("/agreements", json=luohe(title="已过期的旧协议", signed_on="2019-01-01", term_years=3))
    page = city_officer.get("/agreements").get_data(as_text=True)
    assert "联防联控协议" in page                       # the nav entry
    assert luohe()["title"] in page and "已过期的旧协议" in page
    assert "有效" in page and "已到期" in page
    expired = city_officer.get("/agreements?status=expired").get_data(as_text=True)
    assert "已过期的旧协议" in expired and luohe()["title"] not in expired


def test_register_through_form(city_officer, admin_api):
    data = _form()
    data["csrf_token"] = csrf_token(city_officer, "/agreements/new")
    r = city_officer.post("/agreements/new", data=data)
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    page = city_officer.get(r.headers["Location"]).get_data(as_text=True)
    assert "周口市（颍河下游、双洎河下游）周口市生态环境局、周口市水利局" in page
    assert "2030-01-09" in page                         # expiry from the 5-year term
    assert "2 小时内" in page
    saved = admin_api.get("/agreements").json["items"][0]
    assert saved["sections"][0]["layer_key"] == "双洎河鄢陵县—扶沟县出境断面（示例）"
    assert len(saved["parties"]) == 1                   # the blank spare party was ignored


def test_form_errors_name_fields_and_save_nothing(city_officer, admin_api):
    data = _form() | {"expires_on": "2024-01-01", "term_years": "",
                      "parties-1-city_name": "许昌市", "parties-1-environment_department": "许昌市生态环境局",
                      "parties-1-river_roles-0-river": "颍河", "parties-1-river_roles-0-role": "upstream",
                      "sections-0-river": "沙河"}
    data["csrf_token"] = csrf_token(city_officer, "/agreements/new")
    r = city_officer.post("/agreements/new", data=data)
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "未保存" in page
    assert "到期日期应晚于签订日期" in page
    assert "许昌市 为本市" in page
    assert "“沙河”不在本协议涉及的河流中" in page
    assert 'value="许昌市—周口市上下游突发水污染事件联防联控协议"' in page   # typed values kept
    assert admin_api.get("/agreements").json["total"] == 0


def test_county_officer_reads_but_cannot_write(county_officer, agreement):
    assert county_officer.get("/agreements").status_code == 200
    page = county_officer.get(f"/agreements/{agreement['id']}").get_data(as_text=True)
    assert "李建国" in page and "今日已核实" not in page and "修订或续签" not in page
    assert county_officer.get("/agreements/new").status_code == 403
    assert county_officer.get(f"/agreements/{agreement['id']}/edit").status_code == 403
    contact = agreement["parties"][0]["contacts"][1]
    token = csrf_token(county_officer, f"/agreements/{agreement['id']}")
    r = county_officer.post(f"/agreements/{agreement['id']}/contacts/{contact['id']}/verify",
                            data={"csrf_token": token})
    assert r.status_code == 403


def test_one_click_verified_today(city_officer, agreement, admin_api):
    path = f"/agreements/{agreement['id']}"
    page = city_officer.get(path).get_data(as_text=True)
    assert "待核实" in page                               # 赵红, verified 2025-10-01
    contact = agreement["parties"][0]["contacts"][1]
    r = city_officer.post(f"{path}/contacts/{contact['id']}/verify",
                          data={"csrf_token": csrf_token(city_officer, path)}, follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "已将 赵红 标记为今日核实" in page and "2026-06-15" in page
    assert "联络人已核实" in page                          # in the history
    assert admin_api.get(path.replace("/agreements", "/agreements")).json["parties"][0]["contacts"][1]["stale"] is False


def test_add_and_edit_contact_with_phone_rules(city_officer, agreement, admin_api):
    path = f"/agreements/{agreement['id']}"
    party = agreement["parties"][0]["id"]
    bad = {"csrf_token": csrf_token(city_officer, path), "name": "周强", "role": "值班员",
           "duty_phone": "3100199", "mobile": "1380395", "email": "zq@"}
    r = city_officer.post(f"{path}/parties/{party}/contacts", data=bad)
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "0374-1234567" in page                          # landline rule, named
    assert "以 1 开头的 11 位数字" in page                   # mobile rule, named
    assert "“zq@”不是有效的电子邮箱地址" in page
    assert len(admin_api.get(path).json["parties"][0]["contacts"]) == 2
    good = dict(bad, duty_phone="0395-3100199", mobile="13803950199", email="zq@example.com")
    r = city_officer.post(f"{path}/parties/{party}/contacts", data=good)
    assert r.status_code == 302
    contacts = admin_api.get(path).json["parties"][0]["contacts"]
    new = contacts[-1]
    assert new["name"] == "周强" and new["stale"] is True   # never verified
    edit = f"{path}/contacts/{new['id']}/edit"
    r = city_officer.post(edit, data={"csrf_token": csrf_token(city_officer, edit), "name": "周强",
                                      "role": "值班长", "duty_phone": "0395-3100199",
                                      "verified_on": "2026-06-01"})
    assert r.status_code == 302
    changed = admin_api.get(path).json["parties"][0]["contacts"][-1]
    assert changed["role"] == "值班长" and changed["mobile"] is None and changed["stale"] is False
    remove = f"{path}/contacts/{new['id']}/remove"
    city_officer.post(remove, data={"csrf_token": csrf_token(city_officer, edit)})
    assert len(admin_api.get(path).json["parties"][0]["contacts"]) == 2
    history = city_officer.get(path).get_data(as_text=True)
    assert "新增联络人" in history and "联络人信息变更" in history and "联络人已移除" in history


def test_meeting_recorded_and_future_date_refused(city_officer, agreement, admin_api):
    path = f"/agreements/{agreement['id']}"
    data = {"csrf_token": csrf_token(city_officer, path), "held_on": "2026-07-01",
            "place": "漯河市生态环境局", "participants": "许昌市生态环境局、漯河市生态环境局",
            "summary": "通报断面水质，商定联合演练"}
    r = city_officer.post(f"{path}/meetings", data=data)
    assert r.status_code == 422 and "不得晚于今日" in r.get_data(as_text=True)
    r = city_officer.post(f"{path}/meetings", data=dict(data, held_on="2026-05-20"), follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "会议已记录" in page and "商定联合演练" in page and "已记录联席会议" in page
    assert admin_api.get(path).json["meetings"][0]["held_on"] == "2026-05-20"


def test_amend_through_form_keeps_roster(city_officer, agreement, admin_api):
    path = f"/agreements/{agreement['id']}/edit"
    page = city_officer.get(path).get_data(as_text=True)
    assert 'value="漯河市生态环境局"' in page and 'value="2029-03-17"' in page
    a = agreement
    data = {"csrf_token": csrf_token(city_officer, path), "title": a["title"], "rivers": "颍河、清潩河",
            "signed_on": a["signed_on"], "term_years": "", "expires_on": "2031-12-31",
            "renewal_on": "", "notification_triggers": a["notification_triggers"],
            "notification_channel": a["notification_channel"], "notification_limit_hours": "1",
            "joint_monitoring": "", "meeting_cadence": "", "note": "续签至2031年底"}
    p = a["parties"][0]
    data.update({"parties-0-id": str(p["id"]), "parties-0-city_name": p["city_name"],
                 "parties-0-environment_department": p["environment_department"],
                 "parties-0-water_department": p["water_department"],
                 "parties-0-river_roles-0-river": "颍河", "parties-0-river_roles-0-role": "downstream",
                 "parties-0-river_roles-1-river": "清潩河", "parties-0-river_roles-1-role": "downstream"})
    for i, s in enumerate(a["sections"]):
        for key in ("id", "name", "river", "counterpart_city", "longitude", "latitude", "monitored_by",
                    "layer_key"):
            data[f"sections-{i}-{key}"] = "" if s[key] is None else str(s[key])
    r = city_officer.post(path, data=data)
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    after = admin_api.get(f"/agreements/{a['id']}").json
    assert after["expires_on"] == "2031-12-31" and after["term_years"] is None
    assert [c["id"] for c in after["parties"][0]["contacts"]] == [c["id"] for c in p["contacts"]]
    assert [s["id"] for s in after["sections"]] == [s["id"] for s in a["sections"]]
    page = city_officer.get(f"/agreements/{a['id']}").get_data(as_text=True)
    assert "协议已续签" in page and "续签至2031年底" in page


def test_signed_document_upload_and_download(city_officer, agreement, client, accounts):
    path = f"/agreements/{agreement['id']}"
    r = city_officer.post(f"{path}/document", data={"csrf_token": csrf_token(city_officer, path),
                                                    "file": (io.BytesIO(b"MZ\x90"), "协议.exe")},
                          content_type="multipart/form-data", follow_redirects=True)
    assert "只能上传" in r.get_data(as_text=True)
    r = city_officer.post(f"{path}/document", data={"csrf_token": csrf_token(city_officer, path),
                                                    "file": (io.BytesIO(PDF), "许昌漯河协议.pdf")},
                          content_type="multipart/form-data", follow_redirects=True)
    page = r.get_data(as_text=True)
    assert "文件已上传" in page and "许昌漯河协议.pdf" in page and "已上传协议签署文本" in page
    r = city_officer.get(f"{path}/document")
    assert r.status_code == 200 and r.data == PDF
    r.close()
    reader = client.application.test_client()
    _id, name = accounts.make("viewer", ["411025"])
    accounts.login(reader, name)
    r = reader.get(f"{path}/document")
    assert r.status_code == 200
    r.close()
    token = csrf_token(reader, path)
    r = reader.post(f"{path}/document", data={"csrf_token": token, "file": (io.BytesIO(PDF), "x.pdf")},
                    content_type="multipart/form-data")
    assert r.status_code == 403
    assert client.application.test_client().get(f"{path}/document").status_code == 302


def test_sheet_form_names_missing_fields(city_officer):
    assert "生成通报单" in city_officer.get("/notification-sheet").get_data(as_text=True)
    r = city_officer.get("/notification-sheet?lon=113.8")
    assert r.status_code == 422 and "同时填写事发位置的经度和纬度" in r.get_data(as_text=True)


def test_english_labels(city_officer, agreement):
    city_officer.post("/lang/en", data={"csrf_token": csrf_token(city_officer, "/")})
    page = city_officer.get(f"/agreements/{agreement['id']}").get_data(as_text=True)
    assert "24-hour duty phone" in page and "Verified today" in page
