"""The eight elements of 环应急〔2020〕5号 (issue #22 point 5): each agreement says which it
covers, by its text or its structured parts (notification triggers, sections, joint drills)."""
from datetime import date

from tests.registry.agreements.payloads import luohe
from tests.registry.drills.conftest import drill_payload

# 环应急〔2020〕5号, 《关于推进流域上下游突发水污染事件联防联控机制建设的指导意见》: the eight.
EIGHT = ["cooperation", "risk_warning", "interception", "notification", "joint_monitoring",
         "joint_response", "dispute_resolution", "support"]


def _covered(agreement) -> set[str]:
    return {k for k, v in agreement["elements"].items() if v["covered"]}


def test_every_agreement_has_the_eight_elements(admin_api):
    body = luohe(joint_monitoring=None, sections=[])
    agreement = admin_api.post("/agreements", json=body).json
    assert list(agreement["elements"]) == EIGHT
    # Only the notification (triggers are required) is covered by the structured fields.
    assert _covered(agreement) == {"notification"}
    notification = agreement["elements"]["notification"]
    assert notification["triggers"] == body["notification_triggers"]
    assert notification["channel"] == body["notification_channel"]


def test_texts_and_parts_cover_the_elements(admin_api):
    texts = {"cooperation": "两市生态环境部门建立联防联控工作组，每年轮值牵头。",
             "dispute_resolution": "争议由双方协商解决；协商不成的，报省生态环境厅协调。",
             "joint_response": ""}
    agreement = admin_api.post("/agreements", json=luohe(elements=texts)).json
    assert agreement["element_texts"] == {k: v for k, v in texts.items() if v}
    assert agreement["elements"]["cooperation"]["text"] == texts["cooperation"]
    covered = _covered(agreement)
    assert {"cooperation", "dispute_resolution", "notification", "interception",
            "joint_monitoring"} <= covered
    assert "joint_response" not in covered and "support" not in covered
    assert agreement["elements"]["interception"]["sections"]  # the payload's sections
    # A joint drill under the agreement covers 应急保障/联合演练 (support).
    drill = admin_api.post("/drills", json=drill_payload(
        organiser_level="joint", county_code=None, agreement_id=agreement["id"],
        title="许昌—漯河颍河跨界水污染联合演练"))
    assert drill.status_code == 201, drill.json
    again = admin_api.get(f"/agreements/{agreement['id']}").json
    assert "support" in _covered(again)
    assert again["elements"]["support"]["drills"][0]["id"] == drill.json["id"]


def test_an_amendment_keeps_or_replaces_the_texts(admin_api):
    agreement = admin_api.post("/agreements", json=luohe(
        elements={"risk_warning": "上游发现异常即会商研判。"})).json
    r = admin_api.patch(f"/agreements/{agreement['id']}", json={"title": "新标题"})
    assert r.json["element_texts"] == {"risk_warning": "上游发现异常即会商研判。"}
    r = admin_api.patch(f"/agreements/{agreement['id']}",
                        json={"elements": {"joint_response": "联合处置，统一指挥。"}})
    assert r.status_code == 200, r.json
    assert r.json["element_texts"] == {"joint_response": "联合处置，统一指挥。"}
    r = admin_api.patch(f"/agreements/{agreement['id']}", json={"elements": {"bogus": "x"}})
    assert r.status_code == 422 and "elements.bogus" in r.json["error"]["fields"]


def test_the_page_and_the_annual_report_say_which_elements_are_covered(app, client, accounts,
                                                                       admin_api):
    agreement = admin_api.post("/agreements", json=luohe(
        elements={"cooperation": "建立联防联控工作组。"})).json
    _id, name = accounts.make("viewer", ["411081"])
    accounts.login(client, name)
    page = client.get(f"/agreements/{agreement['id']}").get_data(as_text=True)
    assert "涵盖要素" in page and "协作机制：建立联防联控工作组。" in page
    assert "8 项中涵盖 4 项" in page  # cooperation, notification, interception, monitoring
    from registry.agreements.annual import agreement_section
    from registry.extensions import db
    from registry.models import User

    with app.app_context():
        result = agreement_section(db.session.get(User, _id), 2026, date(2026, 6, 15))
    (table,) = result.tables
    assert table.headers[-1] == "涵盖要素"
    assert table.rows[0][-1] == "4/8，缺：研判预警、协同处置、纠纷调处、应急保障"


def test_the_form_takes_the_element_texts(client, accounts, admin_api):
    from tests.conftest import csrf_token
    from tests.registry.hardening.test_access_matrix import _agreement_form

    _id, name = accounts.make("admin", username="chief")
    accounts.login(client, name)
    page = client.get("/agreements/new").get_data(as_text=True)
    assert 'name="elements-dispute_resolution"' in page and "协议八项要素" in page
    form = _agreement_form(1, {}, elements={"dispute_resolution": "协商解决。", "support": ""})
    form["csrf_token"] = csrf_token(client, "/agreements/new")
    r = client.post("/agreements/new", data=form)
    assert r.status_code == 302, r.get_data(as_text=True)[:3000]
    agreement_id = int(r.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    agreement = admin_api.get(f"/agreements/{agreement_id}").json
    assert agreement["element_texts"] == {"dispute_resolution": "协商解决。"}
    page = client.get(f"/agreements/{agreement_id}/edit").get_data(as_text=True)
    assert "协商解决。" in page  # the edit form shows the stored text
