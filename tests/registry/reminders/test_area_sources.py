"""Corrective-action and agreement reminders through the same sweep, outbox and SMTP as
the plan reminders: the owner and county officers a week before an action is due, weekly
while overdue; the administrators 60 and 30 days before an agreement expires."""
import pytest

from tests.registry.drills.conftest import action_payload, drill_payload
from tests.registry.agreements.payloads import luohe
from tests.registry.reminders.conftest import outbox, run


pytestmark = pytest.mark.usefixtures("single_mails")  # each rule's own mail


def _subject(message) -> str:
    return str(message["Subject"])


def test_corrective_action_reminders(app, smtp, client, accounts, admin_api):
    _id, officer = accounts.make("officer", ["411081"], email="yuzhou@example.com")
    accounts.make("officer", ["411025"], email="xiangcheng@example.com")
    drill = admin_api.post("/drills", json=drill_payload()).json
    action = admin_api.post(f"/drills/{drill['id']}/actions",
                            json=action_payload(due_on="2026-06-20")).json
    done = admin_api.post(f"/drills/{drill['id']}/actions",
                          json=action_payload(due_on="2026-06-18", description="已完成的整改")).json
    admin_api.patch(f"/actions/{done['id']}", json={"status": "in_progress"})
    admin_api.patch(f"/actions/{done['id']}", json={"status": "done", "evidence": "扩建完成"})

    run(app, "2026-06-12")  # 8 days before: nothing yet
    assert outbox(app, rule="action_due") == []
    summary = run(app, "2026-06-13")  # 7 days before
    rows = outbox(app, rule="action_due")
    assert {(r.subject_id, r.milestone, r.recipient) for r in rows} == {
        (action["id"], "before-7", "yuzhou@example.com")}  # not the other county, not a done action
    assert summary.failed == 0
    (mail,) = smtp.to("yuzhou@example.com")
    assert "整改提醒" in _subject(mail) and drill["title"] in _subject(mail)
    run(app, "2026-06-13")  # exactly once
    assert len(smtp.to("yuzhou@example.com")) == 1
    run(app, "2026-06-28")  # overdue by 8 days: the first weekly overdue reminder
    assert [r.milestone for r in outbox(app, rule="action_due")] == ["before-7", "overdue-1"]
    # Done actions are not chased further.
    admin_api.patch(f"/actions/{action['id']}", json={"status": "in_progress"})
    admin_api.patch(f"/actions/{action['id']}", json={"status": "done", "evidence": "已扩建"})
    run(app, "2026-07-10")
    assert len(outbox(app, rule="action_due")) == 2


def test_agreement_renewal_reminders_go_to_admins(app, smtp, accounts, admin_api):
    accounts.make("admin", username="chief", email="chief@example.com")
    accounts.make("officer", ["411081"], email="yuzhou@example.com")
    agreement = admin_api.post("/agreements", json=luohe(expires_on="2026-08-14")).json
    run(app, "2026-06-14")  # 61 days before
    assert outbox(app, rule="agreement_renewal") == []
    run(app, "2026-06-15")  # 60 days before
    rows = outbox(app, rule="agreement_renewal", recipient="chief@example.com")
    assert [(r.subject_id, r.milestone) for r in rows] == [(agreement["id"], "before-60")]
    # The admin behind admin_api has no e-mail address: recorded once as skipped.
    assert {r.status for r in outbox(app, rule="agreement_renewal")} == {"sent", "skipped"}
    (mail,) = [m for m in smtp.to("chief@example.com") if "续签" in _subject(m)]
    assert "协议" in _subject(mail)
    assert smtp.to("yuzhou@example.com") == []
    run(app, "2026-07-20")  # after the 30-day milestone: caught up once
    assert [r.milestone for r in outbox(app, rule="agreement_renewal",
                                        recipient="chief@example.com")] == ["before-60", "before-30"]


def test_drill_reminders_follow_each_drill_cycle(app, smtp, accounts, admin_api):
    from tests.registry.reminders.conftest import file_plan

    accounts.make("officer", ["411081"], email="yuzhou@example.com")
    plan = file_plan(admin_api, 1, "2025-06-10")  # filed 2025-06-10: first drill due 2026-06-10
    run(app, "2026-05-10")  # 31 days before
    assert outbox(app, rule="drill_due") == []
    run(app, "2026-05-11")  # 30 days before
    (row,) = outbox(app, rule="drill_due", recipient="yuzhou@example.com")
    assert row.milestone == "2026-06-10/before-30"
    assert "演练" in str(smtp.to("yuzhou@example.com")[0]["Subject"])
    # A drill on 2026-06-01 restarts the clock: the next cycle is due 2027-06-01.
    drill = drill_payload(held_on="2026-06-01", enterprise_ids=[plan["enterprise_id"]])
    assert admin_api.post("/drills", json=drill).status_code == 201
    run(app, "2026-07-15")
    assert len(outbox(app, rule="drill_due", recipient="yuzhou@example.com")) == 1
    run(app, "2027-05-02")
    milestones = [r.milestone for r in outbox(app, rule="drill_due", recipient="yuzhou@example.com")]
    assert milestones == ["2026-06-10/before-30", "2027-06-01/before-30"]


def test_monthly_note_of_stale_contacts_to_admins(app, smtp, accounts, admin_api):
    accounts.make("admin", username="chief", email="chief@example.com")
    agreement = admin_api.post("/agreements", json=luohe()).json
    run(app, "2026-06-15")
    (row,) = outbox(app, rule="agreement_stale_contacts", recipient="chief@example.com")
    assert (row.subject_id, row.milestone) == (202606, "on-day")
    mail = smtp.to("chief@example.com")[-1]
    assert "联络人核实" in str(mail["Subject"])
    run(app, "2026-06-20")  # once a month
    assert len(outbox(app, rule="agreement_stale_contacts", recipient="chief@example.com")) == 1
    # Everyone verified today: July brings no note.
    for party in admin_api.get(f"/agreements/{agreement['id']}").json["parties"]:
        for contact in party["contacts"]:
            admin_api.post(f"/agreements/{agreement['id']}/contacts/{contact['id']}/verify")
    run(app, "2026-07-02")
    assert len(outbox(app, rule="agreement_stale_contacts", recipient="chief@example.com")) == 1


def test_an_incidents_corrective_action_is_chased_like_a_drills(app, smtp, accounts, admin_api):
    """A finding of a closed incident (issue #21) is an action like a drill's: its county's
    officers hear of it a week before it is due, the mail naming the incident and linking
    to its page."""
    from tests.registry.incidents.conftest import incident_payload

    accounts.make("officer", ["411081"], email="yuzhou@example.com")
    accounts.make("officer", ["411025"], email="xiangcheng@example.com")
    incident = admin_api.post("/incidents", json=incident_payload(place="颍河禹州段")).json
    r = admin_api.post(f"/incidents/{incident['id']}/close", json={"findings": [
        {"description": "下游拦截闸启闭不及时", "category": "equipment", "due_on": "2027-01-20",
         "owner_unit": "禹州市水利局"}]})
    assert r.status_code == 200, r.json
    (action_id,) = r.json["action_ids"]
    run(app, "2027-01-12")
    assert outbox(app, rule="action_due") == []
    run(app, "2027-01-13")
    assert {(o.subject_id, o.milestone, o.recipient) for o in outbox(app, rule="action_due")} == {
        (action_id, "before-7", "yuzhou@example.com")}
    (mail,) = smtp.to("yuzhou@example.com")
    assert "整改提醒" in _subject(mail) and "颍河禹州段" in _subject(mail)
    body = mail.get_body(("plain",)).get_content()
    assert f"/incidents/{incident['id']}#actions" in body and "下游拦截闸启闭不及时" in body
    assert "突发环境事件" in body and "查看演练记录" not in body
