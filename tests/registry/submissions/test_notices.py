"""Return and acceptance notices go through the reminders' outbox and SMTP, exactly once,
to the enterprise's contact and its enterprise users."""
from tests.registry.reminders.conftest import outbox, run
from tests.registry.submissions.conftest import submitted, upload


def test_return_and_acceptance_notices_are_mailed_once(app, smtp, world):
    sid = submitted(world)
    reasons = [{"document": "expert_review", "reason": "评审意见缺少专家签字"},
               {"reason": "备案表未加盖单位公章"}]
    assert world.officer_api.post(f"/submissions/{sid}/return", json={
        "reasons": reasons, "resubmit_by": "2026-06-30"}).status_code == 200
    run(app, "2026-06-15")
    contact, user = world.ours["contact_email"], "qiye_ours@example.com"
    assert sorted(r.recipient for r in outbox(app, rule="submission_notice")) == sorted(
        [contact, user])
    (mail,) = smtp.to(contact)
    body = mail.get_body(("plain",)).get_content()
    assert "退回补正" in str(mail["Subject"])
    assert "评审意见缺少专家签字" in body and "备案表未加盖单位公章" in body
    assert "2026年6月30日" in body
    assert smtp.to("qiye_theirs@example.com") == [] and smtp.to(world.theirs["contact_email"]) == []
    run(app, "2026-06-15")  # exactly once
    assert len(smtp.to(contact)) == 1
    # Fixed and accepted: one more notice, with the number and the verification link.
    assert upload(world.ours_api, sid, "expert_review").status_code == 201
    assert world.ours_api.post(f"/submissions/{sid}/submit").status_code == 200
    out = world.officer_api.post(f"/submissions/{sid}/accept").json
    run(app, "2026-06-16")
    mails = smtp.to(user)
    assert len(mails) == 2
    body = mails[1].get_body(("plain",)).get_content()
    assert "411002-2026-001-L" in str(mails[1]["Subject"]) and out["verify_code"] in body
    run(app, "2026-06-17")
    assert len(smtp.to(user)) == 2


def test_officers_of_the_county_hear_of_a_new_application_and_its_reply_date(app, smtp, world,
                                                                           accounts):
    accounts.make("officer", ["411002"], email="weidu@example.com")
    accounts.make("officer", ["411003"], email="jian@example.com")
    sid = submitted(world)  # received 2026-06-15, reply due 2026-06-23
    run(app, "2026-06-15")
    (mail,) = smtp.to("weidu@example.com")  # a line of the officer's digest (the default)
    text = mail.get_body(("plain",)).get_content()
    assert world.ours["name"] in text and "2026年6月23日" in text and "待答复的备案申请" in text
    assert smtp.to("jian@example.com") == []
    run(app, "2026-06-16")  # exactly once
    assert len(smtp.to("weidu@example.com")) == 1
    run(app, "2026-06-22")  # the day before the reply is due
    assert len(smtp.to("weidu@example.com")) == 2
    # Returned, then resubmitted on 24 June: a new receipt, so a new first mail.
    world.officer_api.post(f"/submissions/{sid}/return", json={
        "reasons": [{"reason": "请补充应急物资清单"}], "resubmit_by": "2026-06-30"})
    app.config["TODAY"] = "2026-06-24"
    r = world.ours_api.post(f"/submissions/{sid}/submit")
    assert r.status_code == 200 and r.json["reply_due_on"] == "2026-07-01"
    run(app, "2026-06-24")
    assert len(smtp.to("weidu@example.com")) == 3
    rows = [r for r in outbox(app, rule="submission_reply_due") if r.recipient == "weidu@example.com"]
    assert [r.milestone for r in rows] == ["before-15-2026-06-15", "before-1-2026-06-15",
                                           "before-15-2026-06-24"]
