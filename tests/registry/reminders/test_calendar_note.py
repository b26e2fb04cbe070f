"""The December note to the administrators when next year's official working-day calendar
is still unknown (issue #22 point 1). chinesecalendar 1.11.0 knows 2026, not 2027."""
from tests.registry.reminders.conftest import outbox, run


def test_administrators_are_told_each_december_while_next_year_is_unknown(
        app, smtp, accounts, admin_api, single_mails):
    accounts.make("admin", username="chief", email="chief@example.com")
    accounts.make("officer", ["411081"], email="yuzhou@example.com")
    run(app, "2026-11-30")
    assert outbox(app, rule="calendar_unknown") == []
    run(app, "2026-12-01")
    (row,) = outbox(app, rule="calendar_unknown", recipient="chief@example.com")
    assert (row.subject_type, row.subject_id, row.milestone) == ("calendar", 2027, "on-day")
    (mail,) = [m for m in smtp.to("chief@example.com") if "2027" in str(m["Subject"])]
    assert "工作日" in str(mail["Subject"])
    assert smtp.to("yuzhou@example.com") == []  # administrators only
    run(app, "2026-12-20")  # once a year
    assert len(outbox(app, rule="calendar_unknown", recipient="chief@example.com")) == 1


def test_no_note_when_next_years_calendar_is_known(app, smtp, accounts):
    accounts.make("admin", username="chief", email="chief@example.com")
    run(app, "2025-12-01")  # 2026 is in chinesecalendar 1.11.0
    assert outbox(app, rule="calendar_unknown") == []
