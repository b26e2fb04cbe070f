"""Delivery through a real SMTP server (aiosmtpd): content, language, .ics, retries,
refusals, catch-up, digest, skipped and cancelled reminders — read from what arrived."""
import email
from email import policy
from email.header import decode_header, make_header
from pathlib import Path

from icalendar import Calendar

from tests.registry.reminders.conftest import TODAY, file_plan, free_port, outbox, run, set_user


def officer(accounts, app, county="411081", email="officer.yuzhou@example.com", locale=None):
    user_id, name = accounts.make("officer", [county], email=email)
    if locale:
        set_user(app, user_id, locale=locale)
    return user_id, name


def test_mail_content_chinese_subject_and_calendar(app, smtp, accounts, admin_api, single_mails):
    plan = file_plan(admin_api, 1, "2023-09-13")  # review due 2026-09-13: 90 days from TODAY
    officer(accounts, app)
    accounts.make("officer", ["411025"], email="xiangcheng@example.com")  # another county
    summary = run(app)
    assert summary.line() == "due 2, sent 2, failed 0, skipped 0"
    assert smtp.recipients() == ["contact1@example.com", "officer.yuzhou@example.com"]
    (msg,) = smtp.to("officer.yuzhou@example.com")
    raw_subject = str(msg["Subject"])
    assert "【预案回顾性评估提醒】许昌市测试化工有限公司1号厂" in raw_subject
    assert plan["filing_number"] in raw_subject and "2026年9月13日" in raw_subject
    # On the wire the subject is RFC 2047 encoded; decoding it gives the Chinese back.
    wire = smtp.raw_subjects["officer.yuzhou@example.com"]
    assert "=?utf-8?" in wire.lower()
    decoded = "".join(part.decode(cs) if isinstance(part, bytes) else part
                      for part, cs in decode_header(wire))
    assert decoded.replace("\n", "").replace("\r", "") == raw_subject.replace("\n", "")
    # The sender carries the bureau's name (from the home city), the address as configured.
    # (decoded as RFC 2047 says: the stdlib's address parser puts a space between two
    # encoded words of one display name, mail clients do not)
    raw_from = email.message_from_bytes(msg.as_bytes(), policy=policy.compat32)["From"]
    assert str(make_header(decode_header(raw_from))) == (
        f"许昌市生态环境局 环境应急预案管理 <{app.config['MAIL_DEFAULT_SENDER']}>")
    text = msg.get_body(("plain",)).get_content()
    assert "回顾性评估到期日: 2026年9月13日" in text
    assert "20个工作日内" in text and "变更备案" in text
    assert f"http://127.0.0.1:5000/plans/{plan['id']}" in text
    html = msg.get_body(("html",)).get_content()
    assert f'href="http://127.0.0.1:5000/plans/{plan["id"]}"' in html and "查看预案备案信息" in html
    (ics,) = [p for p in msg.iter_attachments() if p.get_filename() == "reminder.ics"]
    assert ics.get_content_type() == "text/calendar"
    cal = Calendar.from_ical(ics.get_content())
    (event,) = cal.walk("VEVENT")
    assert str(event["DTSTART"].dt) == "2026-09-13"
    assert str(event["UID"]) == f"plan-review-{plan['id']}-2026-09-13@registry"
    assert "许昌市测试化工有限公司1号厂" in str(event["SUMMARY"])
    (alarm,) = event.walk("VALARM")  # a reminder the day before, in the calendar too
    assert str(alarm["ACTION"]) == "DISPLAY" and alarm["TRIGGER"].dt.total_seconds() < 0


def test_enterprise_contact_is_told_what_to_do_and_whom_to_contact(app, smtp, admin_api,
                                                                   single_mails):
    """The contact has no account: no link to the bureau's pages it cannot open; the
    county bureau to contact; the same mail whether single or digest."""
    plan = file_plan(admin_api, 1, "2023-09-13")
    run(app)
    (msg,) = smtp.to("contact1@example.com")
    assert str(msg["Subject"]).startswith("【预案回顾性评估提醒】许昌市测试化工有限公司1号厂")
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    assert "/plans/" not in text + html and "http://127.0.0.1:5000" not in text + html
    assert plan["filing_number"] in text and "2026-09-13" in text
    assert "禹州市生态环境分局" in text and "回顾性评估" in text and "变更备案" in text
    assert "尚未开通网上备案账号" in text


def test_enterprise_contact_with_an_online_filing_account_is_pointed_at_the_portal(
        app, smtp, admin_api, accounts):
    from registry.extensions import db
    from registry.models import User
    from registry.models.accounts import user_enterprises

    plan = file_plan(admin_api, 1, "2023-09-13")
    user_id, _name = accounts.make("viewer", ["411081"], email="login@example.com")
    with app.app_context():
        db.session.get(User, user_id).role = "enterprise"
        db.session.execute(user_enterprises.insert().values(user_id=user_id,
                                                            enterprise_id=plan["enterprise_id"]))
        db.session.commit()
    run(app)
    (msg,) = smtp.to("contact1@example.com")
    html = msg.get_body(("html",)).get_content()
    assert 'href="http://127.0.0.1:5000/portal"' in html and "登录企业网上备案" in html
    assert "/plans/" not in html


def test_english_for_recipients_who_chose_english(app, smtp, accounts, admin_api, single_mails):
    file_plan(admin_api, 1, "2023-09-13")
    officer(accounts, app, locale="en")
    run(app)
    (msg,) = smtp.to("officer.yuzhou@example.com")
    assert str(msg["Subject"]).startswith("[Plan review reminder]")
    assert "September 13, 2026" in msg.get_body(("plain",)).get_content()
    (zh,) = smtp.to("contact1@example.com")  # enterprise contacts: Chinese (the default)
    assert str(zh["Subject"]).startswith("【预案回顾性评估提醒】")


def test_smtp_down_keeps_reminders_pending_and_sends_them_once_later(app, smtp, accounts, admin_api):
    file_plan(admin_api, 1, "2023-09-13")
    officer(accounts, app)
    working_port = app.config["MAIL_PORT"]
    app.config["MAIL_PORT"] = free_port()  # nothing listens there
    assert run(app).line() == "due 2, sent 0, failed 2, skipped 0"
    rows = outbox(app)
    assert [(r.status, r.attempts) for r in rows] == [("pending", 1), ("pending", 1)]
    assert all("TransportDown" in r.last_error for r in rows)
    app.config["MAIL_PORT"] = working_port
    assert run(app).line() == "due 2, sent 2, failed 0, skipped 0"
    assert run(app).line() == "due 0, sent 0, failed 0, skipped 0"
    assert smtp.recipients() == ["contact1@example.com", "officer.yuzhou@example.com"]
    assert [(r.status, r.attempts, r.last_error) for r in outbox(app)] == [("sent", 2, None)] * 2


def test_refused_recipient_retried_until_max_attempts_others_sent(app, smtp, accounts, admin_api):
    file_plan(admin_api, 1, "2023-09-13")
    officer(accounts, app)
    app.config["REMINDERS_MAX_ATTEMPTS"] = 3
    smtp.refuse.add("contact1@example.com")
    assert run(app).line() == "due 2, sent 1, failed 1, skipped 0"
    assert smtp.recipients() == ["officer.yuzhou@example.com"]
    (refused,) = outbox(app, recipient="contact1@example.com")
    assert (refused.status, refused.attempts) == ("pending", 1) and "550" in refused.last_error
    assert run(app).line() == "due 1, sent 0, failed 1, skipped 0"
    assert run(app).line() == "due 1, sent 0, failed 1, skipped 0"
    (refused,) = outbox(app, recipient="contact1@example.com")
    assert (refused.status, refused.attempts) == ("failed", 3)
    assert run(app).line() == "due 0, sent 0, failed 0, skipped 0"  # failed is final
    assert smtp.recipients() == ["officer.yuzhou@example.com"]


def test_catch_up_after_downtime_sends_the_latest_milestone_only(app, smtp, admin_api):
    """(The contact's mail: its subject is the reminder's own when there is one item.)"""
    file_plan(admin_api, 1, "2023-06-20")  # due 2026-06-20
    assert run(app, "2026-06-15").line() == "due 1, sent 1, failed 0, skipped 0"  # 90 and 30 missed
    assert run(app, "2026-06-18").line() == "due 0, sent 0, failed 0, skipped 0"
    # Down from 2026-06-19 to 2026-07-01: on-day (06-20) and overdue-1 (06-27) were missed.
    assert run(app, "2026-07-01").line() == "due 1, sent 1, failed 0, skipped 0"
    assert [(r.milestone, str(r.milestone_on)) for r in outbox(app)] == [
        ("before-7", "2026-06-13"), ("overdue-1", "2026-06-27")]
    subjects = [str(m["Subject"]) for _r, m in smtp.messages]
    assert "预案回顾性评估提醒" in subjects[0] and "逾期" in subjects[1]


def test_recipients_without_email_are_skipped_once(app, smtp, accounts, admin_api):
    file_plan(admin_api, 1, "2023-09-13", contact_email=None)
    accounts.make("officer", ["411081"])  # no e-mail address
    assert run(app).line() == "due 2, sent 0, failed 0, skipped 2"
    assert {(r.recipient.split(":")[0], r.status) for r in outbox(app)} == {("enterprise", "skipped"),
                                                                         ("user", "skipped")}
    assert run(app).line() == "due 0, sent 0, failed 0, skipped 0"
    assert smtp.messages == []


def test_superseded_plan_cancels_its_pending_reminders(app, smtp, admin_api):
    plan = file_plan(admin_api, 1, "2023-09-13")
    smtp.refuse.add("contact1@example.com")
    assert run(app).line() == "due 1, sent 0, failed 1, skipped 0"
    r = admin_api.post(f"/plans/{plan['id']}/revisions",
                       json={"title": "应急预案（修订版）", "signed_on": "2026-06-10",
                             "filed_on": "2026-06-12", "risk_level": "general",
                             "documents": ["plan"], "reason": "环境风险发生重大变化"})
    assert r.status_code == 201, r.json
    assert run(app).line() == "due 1, sent 0, failed 0, skipped 1"
    (row,) = outbox(app)
    assert row.status == "cancelled"


def test_officer_digest_one_mail_for_everything_due(app, smtp, accounts, admin_api):
    from registry.extensions import db
    from registry.models import User
    from registry.reminders.service import set_digest

    p1 = file_plan(admin_api, 1, "2023-09-13")
    p2 = file_plan(admin_api, 2, "2023-06-20")
    user_id, _name = officer(accounts, app)
    with app.app_context():
        set_digest(db.session.get(User, user_id), True)
    assert run(app).line() == "due 4, sent 4, failed 0, skipped 0"
    (digest,) = smtp.to("officer.yuzhou@example.com")
    assert str(digest["Subject"]) == "【提醒汇总 2026/6/15】共2项待办，其中逾期0项"
    text = digest.get_body(("plain",)).get_content()
    assert p1["filing_number"] in text and p2["filing_number"] in text
    # Most urgent first: due in 5 days (7-day section) before due in 90 days.
    assert text.index("7日内到期") < text.index(p2["filing_number"]) < text.index("90日内到期")
    assert text.index("90日内到期") < text.index(p1["filing_number"])
    (ics,) = list(digest.iter_attachments())
    assert len(Calendar.from_ical(ics.get_content()).walk("VEVENT")) == 2
    rows = outbox(app, recipient="officer.yuzhou@example.com")
    assert {r.delivery for r in rows} == {"digest"} and len({r.message_id for r in rows}) == 1
    assert len(smtp.to("contact1@example.com")) == len(smtp.to("contact2@example.com")) == 1


def test_without_mail_server_mails_are_eml_files_and_listed(app, admin_api):
    assert not app.config.get("MAIL_SERVER")
    file_plan(admin_api, 1, "2023-09-13")
    assert run(app).line() == "due 1, sent 1, failed 0, skipped 0"
    files = list(Path(app.config["MAIL_OUTBOX_DIR"]).rglob("*.eml"))
    assert len(files) == 1
    msg = email.message_from_bytes(files[0].read_bytes(), policy=policy.default)
    assert msg["To"].addresses[0].addr_spec == "contact1@example.com"
    assert "【预案回顾性评估提醒】" in str(msg["Subject"])
    (row,) = outbox(app)
    assert row.status == "sent" and row.message_id == msg["Message-ID"]


def test_cli_summary_and_dry_run(app, runner, smtp, admin_api):
    file_plan(admin_api, 1, "2023-09-13")
    r = runner.invoke(args=["reminders", "run", "--today", TODAY, "--dry-run"])
    assert r.exit_code == 0, r.output
    assert "1 would be sent" in r.output
    assert r.output.strip().splitlines()[-1] == "due 1, sent 0, failed 0, skipped 0"
    assert outbox(app) == [] and smtp.messages == []
    r = runner.invoke(args=["reminders", "run", "--today", TODAY])
    assert r.exit_code == 0 and r.output.strip() == "due 1, sent 1, failed 0, skipped 0"
    r = runner.invoke(args=["reminders", "run", "--today", "2026-13-01"])
    assert r.exit_code == 2 and "2026-13-01" in r.output
