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
