"""Drill pages through their HTML forms (CSRF, Chinese), uploads, and the plan page link."""
import io

import pytest

from tests.conftest import csrf_token
from tests.registry.drills.conftest import action_payload, drill_payload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def officer(client, accounts):
    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    return client


def _form(payload: dict) -> dict:
    data = {k: v for k, v in payload.items() if v is not None and k != "participating_bodies"}
    data["participating_bodies"] = "\n".join(payload.get("participating_bodies", []))
    data["type_scheme"] = "axes" if payload.get("content_type") else "legacy"
    return data


def test_record_drill_through_form(officer, filed):
    e, plan = filed["411081"]
    data = _form(drill_payload(enterprise_ids=[str(e["id"])]))
    data["csrf_token"] = csrf_token(officer, "/drills/new")
    r = officer.post("/drills/new", data=data)
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    page = officer.get(r.headers["Location"]).get_data(as_text=True)
    assert "禹州市突发环境事件应急演练" in page and "综合·实战" in page
    assert "禹州市应急管理局、禹州市消防救援大队" in page
    assert plan["filing_number"] in page
    assert "整改" in page


def test_form_errors_named_and_nothing_saved(officer):
    data = _form(drill_payload(longitude="东经113"))
    data["csrf_token"] = csrf_token(officer, "/drills/new")
    r = officer.post("/drills/new", data=data)
    assert r.status_code == 422
    page = r.get_data(as_text=True)
    assert "未保存" in page and "须为数字" in page
    assert 'value="禹州市突发环境事件应急演练"' in page  # the form keeps what was typed
    data = _form(drill_payload(form_type=None))
    data.update(type_scheme="axes", csrf_token=csrf_token(officer, "/drills/new"))
    r = officer.post("/drills/new", data=data)
    assert r.status_code == 422 and "综合/单项" in r.get_data(as_text=True)
    listing = officer.get("/drills?year=2026").get_data(as_text=True)
    assert "禹州市突发环境事件应急演练" not in listing


def test_improvement_plan_on_the_drill_page(officer, accounts, admin_api):
    drill = admin_api.post("/drills", json=drill_payload()).json
    path = f"/drills/{drill['id']}"
    token = csrf_token(officer, path)
    r = officer.post(f"{path}/actions", data={"csrf_token": token, **action_payload(owner_name="")})
    assert r.status_code == 302
    page = officer.get(path).get_data(as_text=True)
    assert "应急池容量不足" in page and "不能关闭" in page
    # Closing is refused while the action has no owner.
    r = officer.post(f"{path}/status", data={"csrf_token": token, "status": "closed"},
                     follow_redirects=True)
    assert "责任人" in r.get_data(as_text=True)
    assert admin_api.get(path).json["status"] == "open"
    # A bad action form is re-rendered with the field named; nothing saved.
    r = officer.post(f"{path}/actions", data={"csrf_token": token, "description": "",
                                              "category": "weather"})
    assert r.status_code == 422 and "未保存" in r.get_data(as_text=True)
    assert len(admin_api.get(path).json["actions"]) == 1
    action_id = admin_api.get(path).json["actions"][0]["id"]
    r = officer.post(f"/actions/{action_id}/edit", data={
        "csrf_token": token, **action_payload(owner_name="王磊")})
    assert r.status_code == 302
    r = officer.post(f"/actions/{action_id}/status", data={"csrf_token": token,
                                                         "status": "in_progress"})
    r = officer.post(f"/actions/{action_id}/status", data={"csrf_token": token, "status": "done",
                                                         "evidence": "已扩建应急池"})
    assert admin_api.get(path).json["actions"][0]["status"] == "done"
    r = officer.post(f"{path}/status", data={"csrf_token": token, "status": "closed"},
                     follow_redirects=True)
    assert admin_api.get(path).json["status"] == "closed"


def test_attachments_checked_and_permissioned(officer, client, accounts, admin_api):
    token = csrf_token(officer, "/drills/new")
    data = _form(drill_payload())
    data["csrf_token"] = token
    drill_id = int(officer.post("/drills/new", data=data).headers["Location"].rsplit("/", 1)[1])
    path = f"/drills/{drill_id}"

    def upload(kind, name, content, action_id=None):
        url = f"{path}/actions/{action_id}/files" if action_id else f"{path}/files"
        return officer.post(url, data={"csrf_token": token, "kind": kind,
                                       "file": (io.BytesIO(content), name)},
                            content_type="multipart/form-data", follow_redirects=True)

    assert "文件已上传" in upload("report", "演练评估报告.pdf", PDF).get_data(as_text=True)
    assert "不是 PDF" in upload("report", "fake.pdf", b"MZ\x90").get_data(as_text=True)
    assert "JPEG" in upload("photo", "scene.pdf", PDF).get_data(as_text=True)
    assert "文件已上传" in upload("photo", "现场.png", PNG).get_data(as_text=True)
    action = admin_api.post(f"/drills/{drill_id}/actions", json=action_payload()).json
    assert "文件已上传" in upload("evidence", "验收记录.pdf", PDF, action["id"]).get_data(as_text=True)
    body = admin_api.get(path).json
    assert [a["kind"] for a in body["attachments"]] == ["report", "photo"]
    evidence = admin_api.get(path).json["actions"][0]["evidence_files"]
    assert [f["name"] for f in evidence] == ["验收记录.pdf"]
    # Evidence files count as evidence for "done".
    admin_api.patch(f"/actions/{action['id']}", json={"status": "in_progress"})
    assert admin_api.patch(f"/actions/{action['id']}", json={"status": "done"}).status_code == 200
    file_id = body["attachments"][0]["id"]
    r = officer.get(f"/drills/files/{file_id}")
    assert r.status_code == 200 and r.data == PDF
    r.close()
    other = client.application.test_client()
    _id, name = accounts.make("officer", ["411025"])
    accounts.login(other, name)
    assert other.get(f"/drills/files/{file_id}").status_code == 403
    other_token = csrf_token(other, "/drills")
    r = other.post(f"{path}/files", data={"csrf_token": other_token, "kind": "report",
                                          "file": (io.BytesIO(PDF), "x.pdf")},
                   content_type="multipart/form-data")
    assert r.status_code == 403


def test_plan_page_says_why_and_links_the_drill(officer, filed, admin_api):
    e, plan = filed["411081"]
    drill = admin_api.post("/drills", json=drill_payload(enterprise_ids=[e["id"]])).json
    action = admin_api.post(f"/drills/{drill['id']}/actions", json=action_payload(
        description="预案未明确雨水排口封堵责任人", plan_needs_revision=True)).json
    page = officer.get(f"/plans/{plan['id']}").get_data(as_text=True)
    assert "需修订" in page and "预案未明确雨水排口封堵责任人" in page
    assert f'href="/drills/{drill["id"]}#action-{action["id"]}"' in page
    drill_page = officer.get(f"/drills/{drill['id']}").get_data(as_text=True)
    assert "预案需修订" in drill_page


def test_improvement_plan_and_overdue_lists(officer, filed, admin_api):
    e, _plan = filed["411081"]
    drill = admin_api.post("/drills", json=drill_payload(held_on="2025-10-10")).json
    admin_api.post(f"/drills/{drill['id']}/actions", json=action_payload(due_on="2026-02-28"))
    admin_api.post(f"/drills/{drill['id']}/actions",
                   json=action_payload(description="加强培训", category="training",
                                       owner_unit="禹州市生态环境分局", due_on="2026-12-31"))
    page = officer.get("/actions").get_data(as_text=True)
    assert "许昌华通化工有限公司" in page and "禹州市生态环境分局" in page
    page = officer.get("/actions?view=overdue").get_data(as_text=True)
    assert "应急池容量不足" in page and "加强培训" not in page and "逾期" in page
    page = officer.get("/actions?view=open&category=training").get_data(as_text=True)
    assert "加强培训" in page and "应急池容量不足" not in page
    page = officer.get("/drills/schedule?overdue=true").get_data(as_text=True)
    assert e["name"] in page and "逾期未演练" in page
    other = filed["411025"][0]["name"]
    assert other not in page  # not in the officer's county


def test_viewer_sees_but_cannot_record(client, accounts, admin_api):
    drill = admin_api.post("/drills", json=drill_payload()).json
    _id, name = accounts.make("viewer", ["411081"])
    accounts.login(client, name)
    page = client.get(f"/drills/{drill['id']}").get_data(as_text=True)
    assert "禹州市突发环境事件应急演练" in page and "关闭演练" not in page
    assert client.get(f"/drills/{drill['id']}/edit").status_code == 403
    token = csrf_token(client, "/drills/new")
    data = _form(drill_payload())
    data["csrf_token"] = token
    assert client.post("/drills/new", data=data).status_code == 403


def test_english_labels(officer):
    officer.post("/lang/en", data={"csrf_token": csrf_token(officer, "/")})
    page = officer.get("/drills/new").get_data(as_text=True)
    assert "Record a drill" in page and "Organiser level" in page


def test_action_status_returns_only_to_a_page_of_this_site(officer, admin_api):
    """``next`` after moving an action is followed only to a local path: a forged form
    cannot bounce the officer to another site (open redirect)."""
    drill = admin_api.post("/drills", json=drill_payload()).json
    action = admin_api.post(f"/drills/{drill['id']}/actions", json=action_payload()).json
    token = csrf_token(officer, f"/drills/{drill['id']}")
    steps = [("in_progress", "https://evil.example/phish"), ("open", "//evil.example/phish"),
             ("in_progress", "/\\evil.example/phish")]
    for status, target in steps:
        r = officer.post(f"/actions/{action['id']}/status",
                         data={"csrf_token": token, "status": status, "next": target})
        assert r.status_code == 302
        assert r.headers["Location"].endswith(f"/drills/{drill['id']}#actions"), r.headers["Location"]
    r = officer.post(f"/actions/{action['id']}/status",
                     data={"csrf_token": token, "status": "open", "next": "/actions?view=overdue"})
    assert r.headers["Location"].endswith("/actions?view=overdue")
    assert admin_api.get(f"/drills/{drill['id']}").json["actions"][0]["status"] == "open"


def test_enterprise_drill_history_and_change_records_show_labels(officer, admin_api, filed):
    e, _plan = filed["411081"]
    drill = admin_api.post("/drills", json=drill_payload(enterprise_ids=[e["id"]])).json
    admin_api.post(f"/drills/{drill['id']}/actions", json=action_payload())
    page = officer.get(f"/enterprises/{e['id']}").get_data(as_text=True)
    history = page[page.index('id="drill-history"'):page.index("</table>", page.index('id="drill-history"'))]
    assert "禹州市突发环境事件应急演练" in history
    for label in ("县（市、区）级", "综合·实战", "水污染", "装备物资"):
        assert label in history, label
    for code in ("county", "comprehensive", "water_pollution", "equipment"):
        assert f">{code}<" not in history and f" {code}" not in history, code
    other = filed["411025"][0]
    page = officer.get(f"/enterprises/{filed['411081'][0]['id']}").get_data(as_text=True)
    assert other["name"] not in page
    # The drill's change record: labels, not codes.
    record = officer.get(f"/drills/{drill['id']}").get_data(as_text=True)
    record = record[record.rindex("<table"):]
    assert "组织层级:</span> 县（市、区）级" in record and "问题类别:</span> 装备物资" in record
    assert "状态:</span> 待整改" in record
    assert ":</span> county<" not in record and ":</span> equipment<" not in record
