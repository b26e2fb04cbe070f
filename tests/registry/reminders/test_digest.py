"""One mail per recipient per run (issue #16 §1), read from a real SMTP server (aiosmtpd):
the demo's first run, the digest's sections and calendar, the single-mail preference,
the sender's name. Every rule is on here (drills too)."""
from collections import Counter
from datetime import date

import sqlalchemy as sa
from icalendar import Calendar

from tests.registry.reminders.conftest import TODAY, file_plan, outbox, run


def _no_drill_reminders(app, monkeypatch):
    monkeypatch.setitem(app.config, "REMINDERS_DRILL_DAYS_BEFORE", "off")
    monkeypatch.setitem(app.config, "REMINDERS_DRILL_OVERDUE_EVERY_DAYS", 0)


def _ics_events(msg):
    files = [p for p in msg.iter_attachments() if p.get_filename() == "reminder.ics"]
    return [e for f in files for e in Calendar.from_ical(f.get_content()).walk("VEVENT")]


def test_demo_first_run_sends_one_mail_per_recipient(demo, app, smtp):
    """Before: xuchang_city got ~530 separate mails on the demo's first run. Now each
    account and each enterprise contact gets one mail listing everything due."""
    from registry.extensions import db
    from registry.models import Reminder

    assert demo.exit_code == 0, demo.output
    with app.app_context():  # the demo ran into the file outbox: run its first run again
        db.session.execute(sa.delete(Reminder))
        db.session.commit()
    summary = run(app)
    assert summary.failed == 0 and summary.sent > 500
    # The demo's filing decisions (退回补正, 予以备案) are formal notices, each a mail of its
    # own; everything else a person is due comes in one mail.
    notices = {r.message_id for r in outbox(app, rule="submission_notice")}
    assert notices, "the demo has returned and accepted applications"
    per_person = Counter(r for rcpts, m in smtp.messages if m["Message-ID"] not in notices
                         for r in rcpts)
    assert per_person and set(per_person.values()) == {1}, per_person.most_common(3)
    assert summary.mails == len(per_person) + len(notices)
    city = outbox(app, recipient="xuchang_city@example.com")
    assert len(city) > 100 and {r.status for r in city} == {"sent"}
    (mail,) = smtp.to("xuchang_city@example.com")
    text = mail.get_body(("plain",)).get_content()
    assert f"共{len(city)}项待办" in str(mail["Subject"])
    assert text.count("在系统中查看: http://127.0.0.1:5000/") == len(city)  # every item listed
    # Sections most urgent first (overdue plan reviews, then the 7/30/90-day ones …).
    heads = [line for line in text.splitlines() if line.startswith("== ")]
    order = ["已逾期", "7日内", "30日内", "90日内", "整改措施", "应急演练", "联防联控协议"]
    ranks = [next(i for i, word in enumerate(order) if word in h) for h in heads
             if any(word in h for word in order)]
    assert ranks == sorted(ranks) and len(ranks) >= 3
    # Its calendar: only the next few due dates, none past, each with an alarm.
    events = _ics_events(mail)
    assert 0 < len(events) <= app.config["REMINDERS_DIGEST_CALENDAR_EVENTS"]
    days = [e["DTSTART"].dt for e in events]
    assert days == sorted(days) and min(days) >= date.fromisoformat(TODAY)
    assert all(e.walk("VALARM") for e in events)
    # No overdue count of mails never sent ("逾期第178次提醒").
    assert "次提醒" not in text
    # Enterprise contacts: no link into the bureau's pages.
    contact = next(a for a in per_person if a.startswith("demo") and len(smtp.to(a)) == 1)
    (to_enterprise,) = smtp.to(contact)
    body = to_enterprise.get_body(("html",)).get_content()
    assert "/plans/" not in body and "/enterprises/" not in body and "生态环境分局" in body
    assert run(app).line() == "due 0, sent 0, failed 0, skipped 0"  # each item once


def test_digest_sections_and_calendar_hold_the_next_due_dates_only(app, smtp, accounts,
                                                                    admin_api, monkeypatch):
    _no_drill_reminders(app, monkeypatch)
    signed = ["2023-05-01", "2023-06-01", "2023-06-18", "2023-06-20", "2023-07-01",
              "2023-07-10", "2023-08-01", "2023-09-01", "2023-09-13"]
    plans = [file_plan(admin_api, n, day) for n, day in enumerate(signed, start=1)]
    accounts.make("officer", ["411081"], email="officer@example.com")
    assert run(app).failed == 0
    (mail,) = smtp.to("officer@example.com")
    text = mail.get_body(("plain",)).get_content()
    assert all(p["filing_number"] in text for p in plans)
    overdue, soon = plans[0], plans[3]  # due 2026-05-01 (past), 2026-06-20 (in 5 days)
    assert text.index("已逾期") < text.index(overdue["filing_number"]) < text.index("7日内")
    assert "已逾期45天" in text and "还有5天" in text
    assert text.index("7日内") < text.index(soon["filing_number"]) < text.index("30日内")
    assert str(mail["Subject"]) == "【提醒汇总 2026/6/15】共9项待办，其中逾期2项"
    events = _ics_events(mail)
    assert [str(e["DTSTART"].dt) for e in events] == [
        "2026-06-18", "2026-06-20", "2026-07-01", "2026-07-10", "2026-08-01"]


def test_single_mails_stay_available_as_a_preference(app, smtp, accounts, admin_api, client,
                                                     monkeypatch):
    _no_drill_reminders(app, monkeypatch)
    from tests.conftest import csrf_token

    for n in (1, 2, 3):
        file_plan(admin_api, n, "2023-09-13")
    _id, name = accounts.make("officer", ["411081"], email="officer@example.com")
    accounts.login(client, name)
    page = client.get("/reminders").get_data(as_text=True)
    assert 'id="f-digest"' in page and "checked" in page.split('id="f-digest"')[1][:80]
    r = client.post("/reminders/preferences", data={"csrf_token": csrf_token(client, "/reminders")})
    assert r.status_code == 302
    run(app)
    assert len(smtp.to("officer@example.com")) == 3
    assert {r.delivery for r in outbox(app, recipient="officer@example.com")} == {"single"}


def test_sender_display_name():
    from registry.reminders.mail import sender

    assert sender({"MAIL_DEFAULT_SENDER": "noreply@hb.example.cn"}, "许昌市") == (
        "=?utf-8?b?6K645piM5biC55Sf5oCB546v5aKD5bGAIOeOr+Wig+W6lOaApemihOahiOeuoeeQhg==?= "
        "<noreply@hb.example.cn>")
    given = "许昌市生态环境局 <noreply@hb.example.cn>"
    assert "noreply@hb.example.cn" in sender({"MAIL_DEFAULT_SENDER": given}, "别的市")
    from email.header import decode_header, make_header
    assert str(make_header(decode_header(sender({"MAIL_DEFAULT_SENDER": given}, "别的市")))) \
        == given
