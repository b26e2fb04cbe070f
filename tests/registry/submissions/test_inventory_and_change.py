"""An application carries the risk inventory (graded by HJ 941-2018, filed with the plan)
and a change notice its date of change, judged against the 20-working-day notice period
(环发〔2015〕4号; issue #19, issue #22 point 6). Today is pinned to 2026-06-15."""
from datetime import date, timedelta

import chinese_calendar
import pytest

from tests.conftest import csrf_token
from tests.registry.submissions.conftest import KINDS, submission_payload, upload
from tests.registry.substances.conftest import CHLORINE, put


@pytest.fixture
def substances(admin_api):
    return {"both": admin_api.post("/substances", json=CHLORINE).json}


def _twentieth_working_day_after(day: date) -> date:
    """Counted here with chinese_calendar's own day flags, not the app's function."""
    count = 0
    while count < 20:
        day += timedelta(days=1)
        count += chinese_calendar.is_workday(day)
    return day


def _inventory(substances):
    # air: 2 t of a 1 t substance → Q1; M = 10 + 5 + 20 = 35 → M2; 12 000 people within
    # 5 km → E2: 较大 (HJ 941-2018 table 4), whatever water's E turns out to be.
    return {"substances": [{"substance_id": substances["both"]["id"], "max_quantity_t": 2,
                            "storage": "液氯钢瓶库"}],
            "air": {"process_units": {"listed": 1, "other": 1}, "control_score": 20,
                    "population_5km": 12_000, "population_500m": 100},
            "water": {"process_units": {"listed": 0, "other": 0}, "control_score": 0}}


def test_the_inventory_is_graded_shown_beside_the_declared_level_and_filed(world, substances):
    sid = world.ours_api.post("/submissions", json=submission_payload(world.ours["id"])).json["id"]
    r = put(world.ours_api, f"/submissions/{sid}/inventory", _inventory(substances))
    assert r.status_code == 200, r.json
    assert r.json["grading"]["level"] == "major" and r.json["grading"]["agrees"] is False
    assert r.json["grading"]["notation"].startswith("较大[较大-大气(Q1-M2-E2)")
    assert r.json["inventory"]["substances"][0]["max_quantity_t"] == 2
    # Another enterprise cannot reach it; a bad line is named, nothing written.
    assert put(world.theirs_api, f"/submissions/{sid}/inventory",
               _inventory(substances)).status_code == 404
    bad = _inventory(substances)
    bad["substances"][0]["max_quantity_t"] = -1
    r = put(world.ours_api, f"/submissions/{sid}/inventory", bad)
    assert r.status_code == 422 and "substances.0.max_quantity_t" in r.json["error"]["fields"]
    bad = _inventory(substances)
    bad["substances"][0]["substance_id"] = 999_999
    r = put(world.ours_api, f"/submissions/{sid}/inventory", bad)
    assert r.status_code == 422
    assert any(k.startswith("inventory.") for k in r.json["error"]["fields"]), r.json
    assert world.ours_api.get(f"/submissions/{sid}").json["inventory"]["substances"][0][
        "substance_id"] == substances["both"]["id"]
    # The officer sees the same grade; once submitted the inventory is frozen.
    for kind in KINDS:
        assert upload(world.ours_api, sid, kind).status_code == 201
    assert world.ours_api.post(f"/submissions/{sid}/submit").status_code == 200
    assert world.officer_api.get(f"/submissions/{sid}").json["grading"]["level"] == "major"
    assert put(world.ours_api, f"/submissions/{sid}/inventory",
               _inventory(substances)).status_code == 409
    # Accepted: the inventory becomes the enterprise's, graded again the same way.
    assert world.officer_api.post(f"/submissions/{sid}/accept").status_code == 200
    inv = world.officer_api.get(f"/enterprises/{world.ours['id']}/risk-inventory")
    assert inv.status_code == 200 and inv.json["level"] == "major"
    assert inv.json["inputs"]["substances"] == [{"substance_id": substances["both"]["id"],
                                                 "max_quantity_t": 2, "storage": "液氯钢瓶库"}]


def test_enterprises_read_the_substance_table_to_pick_from(world, substances):
    r = world.ours_api.get("/substances?q=测试")
    assert r.status_code == 200 and [s["name"] for s in r.json["items"]] == [CHLORINE["name"]]


def _accepted_plan(world, signed_on="2026-04-20") -> int:
    sid = world.ours_api.post("/submissions", json=submission_payload(
        world.ours["id"], signed_on=signed_on)).json["id"]
    for kind in KINDS:
        assert upload(world.ours_api, sid, kind).status_code == 201
    assert world.ours_api.post(f"/submissions/{sid}/submit").status_code == 200
    return world.officer_api.post(f"/submissions/{sid}/accept").json["plan_id"]


def _change_notice(world, plan_id, **fields):
    return world.ours_api.post("/submissions", json=submission_payload(
        world.ours["id"], kind="change_notice", plan_id=plan_id, reason="应急联系人变更",
        **fields))


def test_a_change_notice_is_judged_against_twenty_working_days_and_recorded(world):
    plan_id = _accepted_plan(world)
    changed = date(2026, 5, 6)
    expected = _twentieth_working_day_after(changed)
    r = _change_notice(world, plan_id, changed_on=changed.isoformat())
    assert r.status_code == 201, r.json
    assert r.json["changed_on"] == "2026-05-06"
    assert r.json["change_notice"] == {"notify_by": expected.isoformat(), "approximate": False,
                                       "late": True}  # a draft: late if submitted today
    sid = r.json["id"]
    for kind in KINDS:
        upload(world.ours_api, sid, kind)
    assert world.ours_api.post(f"/submissions/{sid}/submit").status_code == 200
    assert world.officer_api.post(f"/submissions/{sid}/accept").status_code == 200
    changes = world.officer_api.get(f"/plans/{plan_id}/changes").json
    items = changes["items"] if isinstance(changes, dict) else changes
    assert [(c["changed_on"], c["notify_by"], c["notified_on"], c["notified_late"])
            for c in items] == [("2026-05-06", expected.isoformat(), "2026-06-15", True)]


def test_a_change_notice_in_time_is_not_late(world):
    plan_id = _accepted_plan(world)
    r = _change_notice(world, plan_id, changed_on="2026-06-01")
    assert r.status_code == 201, r.json
    assert r.json["change_notice"]["late"] is False
    assert r.json["change_notice"]["notify_by"] == _twentieth_working_day_after(
        date(2026, 6, 1)).isoformat()


def test_the_date_of_change_is_checked_and_only_a_change_notice_has_one(world):
    plan_id = _accepted_plan(world)
    for fields in ({}, {"changed_on": "2026-06-20"}, {"changed_on": "2026-04-01"}):
        r = _change_notice(world, plan_id, **fields)  # missing, future, before signing
        assert r.status_code == 422 and list(r.json["error"]["fields"]) == ["changed_on"], r.json
    r = world.ours_api.post("/submissions", json=submission_payload(
        world.ours["id"], kind="revision", plan_id=plan_id, signed_on="2026-06-10",
        reason="工艺调整", changed_on="2026-06-01"))
    assert r.status_code == 422 and list(r.json["error"]["fields"]) == ["changed_on"]


def test_the_portal_takes_the_inventory_and_the_date_of_change(client, accounts, world,
                                                               substances):
    plan_id = _accepted_plan(world)
    accounts.login(client, world.ours_user)
    token = csrf_token(client, f"/portal/enterprises/{world.ours['id']}/submissions/new")
    r = client.post(f"/portal/enterprises/{world.ours['id']}/submissions/new", data={
        "csrf_token": token, "kind": "change_notice", "title": "突发环境事件应急预案（2026年版）",
        "signed_on": "2026-06-01", "risk_level": "general", "plan_id": str(plan_id),
        "reason": "应急联系人变更", "changed_on": ""})
    assert r.status_code == 422 and "请填写变更日期。" in r.get_data(as_text=True)
    r = client.post(f"/portal/enterprises/{world.ours['id']}/submissions/new", data={
        "csrf_token": token, "kind": "change_notice", "title": "突发环境事件应急预案（2026年版）",
        "signed_on": "2026-06-01", "risk_level": "general", "plan_id": str(plan_id),
        "reason": "应急联系人变更", "changed_on": "2026-05-06"})
    assert r.status_code == 302, r.get_data(as_text=True)
    page = client.get(r.headers["Location"]).get_data(as_text=True)
    notify_by = _twentieth_working_day_after(date(2026, 5, 6)).isoformat()
    assert 'id="change-notice"' in page and notify_by in page
    sid = int(r.headers["Location"].rstrip("/").split("/")[-1])
    # The inventory page: the substance table to pick from, a refusal naming the line.
    page = client.get(f"/portal/submissions/{sid}/inventory").get_data(as_text=True)
    assert "测试物质甲（气、水）" in page
    form = {"csrf_token": token, "substance_id": [str(substances["both"]["id"])],
            "max_quantity_t": ["abc"], "storage": [""], "air-listed": "1", "air-other": "1",
            "air-control_score": "20", "air-population_5km": "12000",
            "air-population_500m": "100", "water-listed": "0", "water-other": "0",
            "water-control_score": "0"}
    r = client.post(f"/portal/submissions/{sid}/inventory", data=form)
    # The refusal names the line and the field as the form does, not the schema's path.
    assert r.status_code == 422 and "第1行物质 · 厂内最大存在量（t）：" in r.get_data(as_text=True)
    form["max_quantity_t"] = ["2"]
    r = client.post(f"/portal/submissions/{sid}/inventory", data=form)
    assert r.status_code == 302
    page = client.get(f"/portal/submissions/{sid}").get_data(as_text=True)
    assert 'id="grading"' in page and "较大" in page and "与申报等级不一致" in page
    # Submitted, the page says why it cannot be changed and shows what was declared.
    for kind in KINDS:
        assert upload(world.ours_api, sid, kind).status_code == 201
    assert world.ours_api.post(f"/submissions/{sid}/submit").status_code == 200
    page = client.get(f"/portal/submissions/{sid}/inventory").get_data(as_text=True)
    assert 'id="inventory-read-only"' in page and "正在审核，风险物质清单不能再修改" in page
    assert 'name="substance_id"' not in page and "测试物质甲" in page
    assert client.post(f"/portal/submissions/{sid}/inventory", data=form).status_code == 409
