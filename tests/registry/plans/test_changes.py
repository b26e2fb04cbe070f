"""Minor changes notified within 20 working days (issue #22 point 6): a correction records
the change date, its notification deadline and whether the notice was late."""
from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import enterprise_payload, plan_payload


@pytest.fixture
def plan(admin_api):
    enterprise = admin_api.post("/enterprises", json=enterprise_payload(1)).json
    return admin_api.post("/plans", json=plan_payload(enterprise["id"])).json  # signed 2026-03-02


@pytest.mark.parametrize("notified_on, late", [("2026-03-30", False), ("2026-03-31", True)])
def test_a_correction_records_the_change_and_its_deadline(app, admin_api, plan, notified_on,
                                                          late):
    # March 2026 has no holiday: the 20th working day after Monday 2026-03-02 is 2026-03-30.
    r = admin_api.patch(f"/plans/{plan['id']}", json={
        "changed_on": "2026-03-02", "notified_on": notified_on, "note": "应急联系人变更"})
    assert r.status_code == 200, r.json
    assert r.json["filing_number"] == plan["filing_number"]  # still a minor correction
    (change,) = admin_api.get(f"/plans/{plan['id']}/changes").json["items"]
    assert change | {"id": 0} == {
        "id": 0, "changed_on": "2026-03-02", "notify_by": "2026-03-30",
        "notify_by_approximate": False, "notified_on": notified_on, "notified_late": late,
        "summary": "应急联系人变更"}
    with app.app_context():
        from registry.audit import history

        (entry, _filed) = history("plan", [plan["id"]])
    assert entry.action == "plan.correct"
    assert entry.after["notify_by"] == "2026-03-30" and entry.after["notified_late"] is late


def test_the_notice_defaults_to_today(admin_api, plan):
    admin_api.patch(f"/plans/{plan['id']}", json={"changed_on": "2026-06-01"})
    (change,) = admin_api.get(f"/plans/{plan['id']}/changes").json["items"]
    assert change["notified_on"] == "2026-06-15"  # the tests' pinned today


@pytest.mark.parametrize("body, field", [
    ({"changed_on": "2026-06-16"}, "changed_on"),                          # future
    ({"changed_on": "2026-03-01"}, "changed_on"),                          # before signing
    ({"notified_on": "2026-04-01"}, "changed_on"),                         # no change date
    ({"changed_on": "2026-04-02", "notified_on": "2026-04-01"}, "notified_on"),
    ({"changed_on": "2026-04-02", "notified_on": "2026-06-16"}, "notified_on"),
    ({"changed_on": "2026-02-30"}, "changed_on"),
])
def test_bad_dates_are_refused_naming_the_field(app, admin_api, plan, body, field):
    r = admin_api.patch(f"/plans/{plan['id']}", json=body)
    assert r.status_code == 422, r.json
    assert list(r.json["error"]["fields"]) == [field]
    assert admin_api.get(f"/plans/{plan['id']}/changes").json["items"] == []


def test_changes_are_scoped_like_the_plan(client, accounts, plan):
    other = accounts.api(client, "officer", ["411025"])
    assert other.get(f"/plans/{plan['id']}/changes").status_code == 403


def test_recompute_covers_change_deadlines(app, admin_api, runner):
    from registry.extensions import db
    from registry.models import PlanChange

    app.config["TODAY"] = "2027-01-20"
    enterprise = admin_api.post("/enterprises", json=enterprise_payload(1)).json
    plan = admin_api.post("/plans", json=plan_payload(
        enterprise["id"], signed_on="2026-12-01", filed_on="2026-12-02")).json
    admin_api.patch(f"/plans/{plan['id']}", json={"changed_on": "2026-12-04",
                                                  "notified_on": "2027-01-04"})
    (change,) = admin_api.get(f"/plans/{plan['id']}/changes").json["items"]
    # Dec 7–31 hold 19 working days; 2027-01-01 is 元旦: the 20th is 2027-01-04.
    assert (change["notify_by"], change["notify_by_approximate"],
            change["notified_late"]) == ("2027-01-04", True, False)
    with app.app_context():  # as the Monday–Friday fallback had it
        db.session.execute(sa.update(PlanChange).values(notify_by=date(2027, 1, 1),
                                                        notified_late=True))
        db.session.commit()
    r = runner.invoke(args=["recompute-deadlines"])
    assert "1 change notification deadlines changed" in r.output, r.output
    (change,) = admin_api.get(f"/plans/{plan['id']}/changes").json["items"]
    assert (change["notify_by"], change["notified_late"]) == ("2027-01-04", False)


def test_the_correction_form_records_the_change(client, accounts, admin_api, plan):
    from tests.conftest import csrf_token

    _id, name = accounts.make("officer", ["411002"])
    accounts.login(client, name)
    token = csrf_token(client, f"/plans/{plan['id']}/correct")
    r = client.post(f"/plans/{plan['id']}/correct", data={
        "csrf_token": token, "title": plan["title"], "filed_on": "2026-03-20",
        "note": "联系电话变更", "changed_on": "2026-03-02", "notified_on": ""})
    assert r.status_code == 302, r.get_data(as_text=True)[:2000]
    (change,) = admin_api.get(f"/plans/{plan['id']}/changes").json["items"]
    assert (change["notify_by"], change["notified_on"], change["notified_late"]) == (
        "2026-03-30", "2026-06-15", True)
    page = client.post(f"/plans/{plan['id']}/correct", data={
        "csrf_token": token, "changed_on": "2026-07-01"}).get_data(as_text=True)
    assert "变更日期不能晚于今天" in page


def test_the_plan_page_lists_the_changes(client, accounts, admin_api, plan):
    admin_api.patch(f"/plans/{plan['id']}", json={"changed_on": "2026-03-02",
                                                  "notified_on": "2026-03-31", "note": "地址变更"})
    _id, name = accounts.make("viewer", ["411002"])
    accounts.login(client, name)
    page = client.get(f"/plans/{plan['id']}").get_data(as_text=True)
    assert "一般变更告知记录" in page and "2026-03-30" in page and "逾期告知" in page
