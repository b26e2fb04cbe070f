"""Drills and corrective actions through the JSON API (today pinned to 2026-06-15)."""
import pytest

from tests.conftest import Api
from tests.registry.drills.conftest import action_payload, drill_payload


@pytest.fixture
def officer(client, accounts):
    return accounts.api(client, "officer", ["411081"])


def test_record_drill_with_enterprise_and_default_plan(officer, filed):
    e, p = filed["411081"]
    r = officer.post("/drills", json=drill_payload(enterprise_ids=[e["id"]]))
    assert r.status_code == 201, r.json
    drill = r.json
    assert drill["county_code"] == "411081" and drill["type"] == "comprehensive_live"
    assert [x["id"] for x in drill["plans"]] == [p["id"]]
    assert drill["participating_bodies"] == ["禹州市应急管理局", "禹州市消防救援大队"]
    assert drill["status"] == "open" and drill["all_actions_verified"] is True
    assert officer.get(f"/drills/{drill['id']}").json["title"] == "禹州市突发环境事件应急演练"
    assert officer.get("/drills?year=2026").json["total"] == 1
    assert officer.get("/drills?year=2025").json["total"] == 0


def test_type_axes_or_legacy_label(officer):
    r = officer.post("/drills", json=drill_payload(form_type=None))
    assert r.status_code == 422
    assert "form_type" in r.json["error"]["fields"]
    assert "综合" in r.json["error"]["fields"]["form_type"][0]
    r = officer.post("/drills", json=drill_payload(content_type=None, form_type=None))
    assert "content_type" in r.json["error"]["fields"]
    r = officer.post("/drills", json=drill_payload(content_type=None, form_type=None,
                                                   legacy_type="functional"))
    assert r.status_code == 201 and r.json["type"] == "legacy_functional"
    assert officer.get("/drills").json["total"] == 1


def test_field_rules_are_named_and_nothing_saved(officer):
    r = officer.post("/drills", json=drill_payload(held_on="2026-07-01", longitude=200,
                                                   theme="fire", duration_hours=0))
    assert r.status_code == 422
    fields = r.json["error"]["fields"]
    assert {"longitude", "theme", "duration_hours"} <= set(fields)
    r = officer.post("/drills", json=drill_payload(held_on="2026-07-01"))
    assert "held_on" in r.json["error"]["fields"]
    r = officer.post("/drills", json=drill_payload(agreement_id=3))
    assert "agreement_id" in r.json["error"]["fields"]
    r = officer.post("/drills", json=drill_payload(organiser_level="enterprise", county_code=None))
    assert "enterprise_ids" in r.json["error"]["fields"]
    assert officer.get("/drills").json["total"] == 0


def test_jurisdiction_of_drills(client, accounts, officer, filed, admin_api):
    e_other, _p = filed["411025"]
    assert officer.post("/drills", json=drill_payload(county_code="411025")).status_code == 403
    r = officer.post("/drills", json=drill_payload(enterprise_ids=[e_other["id"]],
                                                   county_code=None))
    assert r.status_code == 403
    # City-level and joint drills: administrators and officers holding every county.
    city = drill_payload(organiser_level="city", county_code=None, title="许昌市重污染天气应急演练",
                         theme="heavy_pollution_weather")
    assert officer.post("/drills", json=city).status_code == 403
    all_counties = ["411002", "411003", "411024", "411025", "411081", "411082"]
    city_officer = accounts.api(client, "officer", all_counties)
    r = city_officer.post("/drills", json=city)
    assert r.status_code == 201, r.json
    assert r.json["county_code"] is None
    joint = drill_payload(organiser_level="joint", county_code=None, agreement_id=7,
                          title="许昌—漯河颍河跨界水污染联合演练")
    r = admin_api.post("/drills", json=joint)  # no agreement 7: named, nothing saved
    assert r.status_code == 422 and "agreement_id" in r.json["error"]["fields"]
    from tests.registry.agreements.payloads import luohe

    agreement = admin_api.post("/agreements", json=luohe()).json
    r = admin_api.post("/drills", json=dict(joint, agreement_id=agreement["id"]))
    assert r.status_code == 201 and r.json["agreement_id"] == agreement["id"]
    # The agreement page lists the joint drills held under it.
    accounts.make("admin", username="chief")
    accounts.login(client, "chief")
    page = client.get(f"/agreements/{agreement['id']}").get_data(as_text=True)
    assert "联合演练" in page and "许昌—漯河颍河跨界水污染联合演练" in page
    viewer = accounts.api(client, "viewer", ["411025"])
    assert viewer.post("/drills", json=drill_payload(county_code="411025")).status_code == 403
    # City-wide drills are visible to everyone; county drills only in their county.
    county_drill = admin_api.post("/drills", json=drill_payload(county_code="411025")).json
    assert viewer.get("/drills").json["total"] == 3
    assert officer.get("/drills").json["total"] == 2
    assert officer.get(f"/drills/{county_drill['id']}").status_code == 403


def test_action_lifecycle_and_verification_rules(client, accounts, officer, filed):
    e, _p = filed["411081"]
    drill = officer.post("/drills", json=drill_payload(enterprise_ids=[e["id"]])).json
    owner_id, owner_name = accounts.make("officer", ["411081"])
    owner = Api(client, accounts.token(owner_name))
    r = officer.post(f"/drills/{drill['id']}/actions",
                     json=action_payload(owner_user_id=owner_id))
    assert r.status_code == 201, r.json
    action = r.json
    assert action["status"] == "open"
    # Skipping a step is refused, naming the allowed next step.
    r = officer.patch(f"/actions/{action['id']}", json={"status": "done"})
    assert r.status_code == 422 and "下一步只能是：整改中" in r.json["error"]["fields"]["status"][0]
    assert owner.patch(f"/actions/{action['id']}", json={"status": "in_progress"}).status_code == 200
    # Done needs evidence.
    r = owner.patch(f"/actions/{action['id']}", json={"status": "done"})
    assert r.status_code == 422 and "evidence" in r.json["error"]["fields"]
    r = owner.patch(f"/actions/{action['id']}", json={"status": "done",
                                                      "evidence": "应急池已扩建，验收记录见附件"})
    assert r.status_code == 200 and r.json["done_on"] == "2026-06-15"
    # The owner cannot verify their own action; another officer can.
    r = owner.patch(f"/actions/{action['id']}", json={"status": "verified"})
    assert r.status_code == 403 and "责任人" in r.json["error"]["message"]
    r = officer.patch(f"/actions/{action['id']}", json={"status": "verified"})
    assert r.status_code == 200, r.json
    assert r.json["verified_on"] == "2026-06-15" and r.json["verified_by"]
    # Verified is final.
    r = officer.patch(f"/actions/{action['id']}", json={"status": "done"})
    assert r.status_code == 422
    assert officer.get(f"/drills/{drill['id']}").json["all_actions_verified"] is True


def test_owner_by_name_cannot_verify(client, accounts, filed, admin_api):
    _id, name = accounts.make("officer", ["411081"])
    named_owner = Api(client, accounts.token(name))
    drill = admin_api.post("/drills", json=drill_payload()).json
    action = admin_api.post(f"/drills/{drill['id']}/actions",
                            json=action_payload(owner_name=name, evidence="已整改")).json
    for status in ("in_progress", "done"):
        admin_api.patch(f"/actions/{action['id']}", json={"status": status})
    assert named_owner.patch(f"/actions/{action['id']}",
                             json={"status": "verified"}).status_code == 403


def test_owner_by_display_name_cannot_verify_through_the_api(client, accounts, app, filed,
                                                            admin_api):
    """An action's owner may be named by display name (王科长), and the API caller's
    display name counts too; the verifier is recorded by display name."""
    from registry.auth.service import create_user
    from registry.permissions import SystemActor

    with app.app_context():
        for username, display in (("wang", "王科长"), ("li", "李科长")):
            create_user(SystemActor("test"), username, "officer", accounts.password,
                        ["411081"], display_name=display)
    wang, li = Api(client, accounts.token("wang")), Api(client, accounts.token("li"))
    drill = admin_api.post("/drills", json=drill_payload()).json
    action = admin_api.post(f"/drills/{drill['id']}/actions",
                            json=action_payload(owner_name="王科长", evidence="已整改")).json
    for status in ("in_progress", "done"):
        assert admin_api.patch(f"/actions/{action['id']}", json={"status": status}).status_code == 200
    r = wang.patch(f"/actions/{action['id']}", json={"status": "verified"})
    assert r.status_code == 403 and "责任人" in r.json["error"]["message"]
    r = li.patch(f"/actions/{action['id']}", json={"status": "verified"})
    assert r.status_code == 200 and r.json["verified_by"] == "李科长"


def test_other_county_cannot_touch_actions(client, accounts, officer, admin_api):
    drill = officer.post("/drills", json=drill_payload()).json
    action = officer.post(f"/drills/{drill['id']}/actions", json=action_payload()).json
    other = accounts.api(client, "officer", ["411025"])
    assert other.post(f"/drills/{drill['id']}/actions", json=action_payload()).status_code == 403
    assert other.patch(f"/actions/{action['id']}", json={"status": "in_progress"}).status_code == 403
    assert other.get("/actions").json["total"] == 0
    assert officer.get("/actions").json["total"] == 1


def test_drill_cannot_close_while_action_lacks_owner_or_due_date(officer):
    drill = officer.post("/drills", json=drill_payload()).json
    a1 = officer.post(f"/drills/{drill['id']}/actions",
                      json=action_payload(owner_name=None)).json
    a2 = officer.post(f"/drills/{drill['id']}/actions", json=action_payload(due_on=None)).json
    r = officer.patch(f"/drills/{drill['id']}", json={"status": "closed"})
    assert r.status_code == 422
    message = r.json["error"]["fields"]["status"][0]
    assert f"#{a1['id']}" in message and f"#{a2['id']}" in message
    assert officer.get(f"/drills/{drill['id']}").json["status"] == "open"
    officer.patch(f"/actions/{a1['id']}", json={"owner_name": "赵磊"})
    officer.patch(f"/actions/{a2['id']}", json={"due_on": "2026-09-30"})
    r = officer.patch(f"/drills/{drill['id']}", json={"status": "closed"})
    assert r.status_code == 200 and r.json["closed_on"] == "2026-06-15"
    # A closed drill keeps its actions complete and takes no new ones until reopened.
    r = officer.patch(f"/actions/{a1['id']}", json={"due_on": None})
    assert r.status_code == 422 and "due_on" in r.json["error"]["fields"]
    assert officer.post(f"/drills/{drill['id']}/actions", json=action_payload()).status_code == 409
    assert officer.patch(f"/drills/{drill['id']}", json={"status": "open"}).json["status"] == "open"
    assert officer.post(f"/drills/{drill['id']}/actions", json=action_payload()).status_code == 201


def test_plan_revision_loop(officer, filed, admin_api):
    """Flag → plan revision_required (with the reason and the drill) → new version → cleared."""
    e, plan = filed["411081"]
    drill = officer.post("/drills", json=drill_payload(enterprise_ids=[e["id"]])).json
    r = officer.post(f"/drills/{drill['id']}/actions", json=action_payload(
        category="plan", description="预案未明确雨水排口封堵责任人", plan_needs_revision=True))
    assert r.status_code == 201, r.json
    assert r.json["plan_id"] == plan["id"]
    flagged = officer.get(f"/plans/{plan['id']}").json
    assert flagged["status"] == "revision_required" and flagged["revision_required"] is True
    assert "预案未明确雨水排口封堵责任人" in flagged["revision_reason"]
    assert "禹州市突发环境事件应急演练" in flagged["revision_reason"]
    assert officer.get("/plans?status=revision_required").json["total"] == 1
    assert officer.get("/stats").json["plans"]["by_status"]["revision_required"] == 1
    r = officer.post(f"/plans/{plan['id']}/revisions", json={
        "title": "突发环境事件应急预案（2026年修订版）", "signed_on": "2026-06-01",
        "filed_on": "2026-06-10", "risk_level": "general", "reason": "演练发现问题，修订预案"})
    assert r.status_code == 201, r.json
    new = r.json
    assert new["status"] == "filed" and new["revision_required"] is False
    old = officer.get(f"/plans/{plan['id']}").json
    assert old["status"] == "superseded" and old["revision_required"] is False
    assert officer.get("/plans?status=revision_required").json["total"] == 0
    # Flagging a superseded version is refused: the revision already answered it.
    r = officer.post(f"/drills/{drill['id']}/actions", json=action_payload(
        plan_needs_revision=True, plan_id=plan["id"]))
    assert r.status_code == 422 and "plan_id" in r.json["error"]["fields"]


def test_unflagging_clears_the_plan(officer, filed):
    e, plan = filed["411081"]
    drill = officer.post("/drills", json=drill_payload(enterprise_ids=[e["id"]])).json
    action = officer.post(f"/drills/{drill['id']}/actions",
                          json=action_payload(plan_needs_revision=True)).json
    assert officer.get(f"/plans/{plan['id']}").json["revision_required"] is True
    officer.patch(f"/actions/{action['id']}", json={"plan_needs_revision": False})
    assert officer.get(f"/plans/{plan['id']}").json["status"] == "filed"


def test_flag_needs_an_exercised_plan(officer):
    drill = officer.post("/drills", json=drill_payload()).json
    r = officer.post(f"/drills/{drill['id']}/actions", json=action_payload(plan_needs_revision=True))
    assert r.status_code == 422 and "plan_id" in r.json["error"]["fields"]


def test_action_lists_overdue_and_closed_this_year(officer, client, accounts):
    drill = officer.post("/drills", json=drill_payload(held_on="2025-11-05")).json
    late = officer.post(f"/drills/{drill['id']}/actions",
                        json=action_payload(due_on="2026-03-31")).json
    officer.post(f"/drills/{drill['id']}/actions",
                 json=action_payload(due_on="2026-12-31", category="training"))
    closed = officer.post(f"/drills/{drill['id']}/actions",
                          json=action_payload(due_on="2026-01-31", evidence="已完成培训",
                                              owner_name="周杰")).json
    for status in ("in_progress", "done"):
        assert officer.patch(f"/actions/{closed['id']}", json={"status": status}).status_code == 200
    verifier = accounts.api(client, "officer", ["411081"])
    assert verifier.patch(f"/actions/{closed['id']}", json={"status": "verified"}).status_code == 200
    r = officer.get("/actions?overdue=true")
    assert [a["id"] for a in r.json["items"]] == [late["id"]] and r.json["items"][0]["overdue"]
    assert officer.get("/actions?status=verified").json["total"] == 1
    assert officer.get("/actions?status=open&overdue=false").json["total"] == 1
    assert officer.get("/actions?category=training").json["total"] == 1
    assert officer.get("/actions?closed_year=2026").json["total"] == 1
    assert officer.get("/actions?county_code=411025").json["total"] == 0
    assert officer.get("/actions?status=nonsense").status_code == 422


def test_drill_status_and_frequency(officer, filed, admin_api, app):
    e, plan = filed["411081"]
    r = officer.get(f"/enterprises/{e['id']}/drill-status")
    # Never drilled: 12 months after the first filing (2025-03-10) — overdue on 2026-06-15.
    assert r.json["last_drill"] is None and r.json["next_due_on"] == "2026-03-10"
    assert r.json["overdue"] is True and r.json["interval_months"] == 12
    drill = officer.post("/drills", json=drill_payload(enterprise_ids=[e["id"]],
                                                       held_on="2025-12-20")).json
    r = officer.get(f"/enterprises/{e['id']}/drill-status").json
    assert r["last_drill"]["id"] == drill["id"] and r["next_due_on"] == "2026-12-20"
    assert r["overdue"] is False
    # Serious-risk enterprises drill every 6 months (configurable).
    admin_api.post(f"/plans/{plan['id']}/revisions", json={
        "title": "应急预案修订版", "signed_on": "2026-01-05", "filed_on": "2026-01-10",
        "risk_level": "serious"})
    r = officer.get(f"/enterprises/{e['id']}/drill-status").json
    assert r["interval_months"] == 6 and r["next_due_on"] == "2026-06-20" and not r["overdue"]
    app.config["DRILL_INTERVAL_MONTHS_SERIOUS"] = 3
    r = officer.get(f"/enterprises/{e['id']}/drill-status").json
    assert r["next_due_on"] == "2026-03-20" and r["overdue"] is True
    other, _p = filed["411025"]
    assert officer.get(f"/enterprises/{other['id']}/drill-status").status_code == 403


def test_stats_by_year_type_theme_organiser(officer, admin_api):
    officer.post("/drills", json=drill_payload())
    officer.post("/drills", json=drill_payload(content_type="single", form_type="tabletop",
                                               theme="counter_terrorism"))
    officer.post("/drills", json=drill_payload(held_on="2025-04-01"))
    admin_api.post("/drills", json=drill_payload(organiser_level="city", county_code=None,
                                                 content_type=None, form_type=None,
                                                 legacy_type="full_scale"))
    stats = officer.get("/stats?year=2026").json["drills"]
    assert stats == {"year": 2026, "total": 3,
                     "by_type": {"comprehensive_live": 1, "legacy_full_scale": 1,
                                 "single_tabletop": 1},
                     "by_theme": {"counter_terrorism": 1, "water_pollution": 2},
                     "by_organiser": {"city": 1, "county": 2}}
    assert officer.get("/stats?year=2025").json["drills"]["total"] == 1
    assert officer.get("/stats").json["drills"]["year"] == 2026
    assert officer.get("/stats?year=abc").status_code == 422


def test_patch_drill_rechecks_rules(officer, filed):
    drill = officer.post("/drills", json=drill_payload()).json
    r = officer.patch(f"/drills/{drill['id']}", json={"content_type": None})
    assert r.status_code == 422 and "content_type" in r.json["error"]["fields"]
    r = officer.patch(f"/drills/{drill['id']}", json={"county_code": "411025"})
    assert r.status_code == 403
    r = officer.patch(f"/drills/{drill['id']}", json={"headcount": 85, "title": "禹州演练（更正）"})
    assert r.status_code == 200 and r.json["headcount"] == 85
    assert officer.get(f"/drills/{drill['id']}").json["title"] == "禹州演练（更正）"


def test_who_marked_done_cannot_verify(client, accounts, filed, admin_api):
    """Four eyes (#16 §3): whoever marked an action done cannot verify it; both are recorded."""
    _id, name = accounts.make("officer", ["411081"])
    marker = Api(client, accounts.token(name))
    drill = admin_api.post("/drills", json=drill_payload()).json
    action = admin_api.post(f"/drills/{drill['id']}/actions",
                            json=action_payload(owner_name="赵主任", evidence="已整改")).json
    assert marker.patch(f"/actions/{action['id']}", json={"status": "in_progress"}).status_code == 200
    r = marker.patch(f"/actions/{action['id']}", json={"status": "done"})
    assert r.status_code == 200 and r.json["done_by"] == name
    r = marker.patch(f"/actions/{action['id']}", json={"status": "verified"})
    assert r.status_code == 403 and "他人验收" in r.json["error"]["message"]
    listed = {a["id"]: a for a in admin_api.get("/actions").json["items"]}
    assert listed[action["id"]]["status"] == "done"
    r = admin_api.patch(f"/actions/{action['id']}", json={"status": "verified"})
    assert r.status_code == 200 and r.json["done_by"] == name and r.json["verified_by"] != name
