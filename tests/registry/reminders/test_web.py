"""The outbox page, resend, preview and the digest switch through HTTP, with roles:
officers see and resend in their counties only; viewers read and resend nothing."""
from tests.conftest import csrf_token
from tests.registry.reminders.conftest import file_plan, outbox, run


def _setup(app, accounts, admin_api):
    file_plan(admin_api, 1, "2023-09-13", county="411081")
    file_plan(admin_api, 2, "2023-09-13", county="411025")
    run(app)
    _id, yuzhou = accounts.make("officer", ["411081"], email="yuzhou@example.com")
    return yuzhou


def test_outbox_lists_reminders_of_the_officers_counties_only(app, smtp, client, accounts, admin_api):
    yuzhou = _setup(app, accounts, admin_api)
    accounts.login(client, yuzhou)
    page = client.get("/reminders").get_data(as_text=True)
    assert "提醒发件箱" in page and "contact1@example.com" in page
    assert "contact2@example.com" not in page  # 襄城县: not theirs
    assert "预案回顾性评估" in page and "到期前90天" in page and "已发送" in page
    assert "contact1@example.com" not in client.get("/reminders?status=failed").get_data(as_text=True)
    assert "contact1@example.com" in client.get("/reminders?q=contact1").get_data(as_text=True)
    assert "contact1@example.com" not in client.get("/reminders?q=nobody").get_data(as_text=True)


def test_resend_allowed_in_own_county_denied_elsewhere_and_for_viewers(app, smtp, client, accounts,
                                                                      admin_api):
    yuzhou = _setup(app, accounts, admin_api)
    (own,) = outbox(app, recipient="contact1@example.com")
    (other,) = outbox(app, recipient="contact2@example.com")
    accounts.login(client, yuzhou)
    token = csrf_token(client, "/reminders")
    r = client.post(f"/reminders/{other.id}/resend", data={"csrf_token": token})
    assert r.status_code == 403
    assert len(smtp.to("contact2@example.com")) == 1
    r = client.post(f"/reminders/{own.id}/resend", data={"csrf_token": token, "next": "/reminders"})
    assert r.status_code == 302
    assert len(smtp.to("contact1@example.com")) == 2
    (own,) = outbox(app, recipient="contact1@example.com")
    assert (own.status, own.attempts) == ("sent", 2)
    assert "已向 contact1@example.com 重新发送提醒" in client.get("/reminders").get_data(as_text=True)

    viewer_client = app.test_client()
    _id, viewer = accounts.make("viewer", ["411081"])
    accounts.login(viewer_client, viewer)
    assert "contact1@example.com" in viewer_client.get("/reminders").get_data(as_text=True)
    r = viewer_client.post(f"/reminders/{own.id}/resend",
                           data={"csrf_token": csrf_token(viewer_client, "/reminders")})
    assert r.status_code == 403
    assert len(smtp.to("contact1@example.com")) == 2


def test_resend_of_a_failed_reminder_starts_a_fresh_count(app, smtp, client, accounts, admin_api):
    app.config["REMINDERS_MAX_ATTEMPTS"] = 1
    smtp.refuse.add("contact1@example.com")
    file_plan(admin_api, 1, "2023-09-13")
    run(app)
    (row,) = outbox(app)
    assert row.status == "failed"
    smtp.refuse.clear()
    _id, admin = accounts.make("admin")
    accounts.login(client, admin)
    r = client.post(f"/reminders/{row.id}/resend", data={"csrf_token": csrf_token(client, "/reminders")})
    assert r.status_code == 302
    (row,) = outbox(app)
    assert (row.status, row.attempts) == ("sent", 1)
    assert smtp.recipients() == ["contact1@example.com"]


def test_preview_shows_the_next_90_days(app, client, accounts, admin_api):
    file_plan(admin_api, 1, "2023-09-13", county="411081")  # due 2026-09-13
    file_plan(admin_api, 2, "2023-08-01", county="411025")
    _id, yuzhou = accounts.make("officer", ["411081"], email="yuzhou@example.com")
    accounts.login(client, yuzhou)
    page = client.get("/reminders/preview").get_data(as_text=True)
    assert "未来90天将发送的提醒" in page
    for day, label in (("2026-08-14", "到期前30天"), ("2026-09-06", "到期前7天"), ("2026-09-13", "到期当日")):
        assert day in page and label in page
    assert "到期前90天" not in page  # that one is today's, not the future's
    assert "许昌市测试化工有限公司2号厂" not in page  # another county
    assert outbox(app) == []  # a preview records nothing
    # Paged, not cut: a page of one shows the total and a way on.
    page = client.get("/reminders/preview?per_page=1&page=2").get_data(as_text=True)
    by_day, table = page.split('id="preview-by-day"')[1].split('id="preview"')
    assert all(f'data-day="{d}"' in by_day for d in ("2026-08-14", "2026-09-06", "2026-09-13"))
    assert table.count("<tr") == 2 and ">2026-09-06</td>" in table  # header and one row
    assert ">2026-08-14</td>" not in table  # page 1's (due 09-13 is every row's due date)


def test_digest_switch_for_officers_not_viewers(app, client, accounts):
    from registry.extensions import db
    from registry.models import ReminderPreference

    _id, name = accounts.make("officer", ["411081"])
    accounts.login(client, name)
    r = client.post("/reminders/preferences", data={"csrf_token": csrf_token(client, "/reminders"),
                                                    "digest": "1"})
    assert r.status_code == 302
    assert "checked" in client.get("/reminders").get_data(as_text=True).split('id="f-digest"')[1][:80]
    with app.app_context():
        assert db.session.get(ReminderPreference, _id).digest is True
    viewer_client = app.test_client()
    vid, viewer = accounts.make("viewer", ["411081"])
    accounts.login(viewer_client, viewer)
    r = viewer_client.post("/reminders/preferences",
                           data={"csrf_token": csrf_token(viewer_client, "/reminders"), "digest": "1"})
    assert r.status_code == 403
    with app.app_context():
        assert db.session.get(ReminderPreference, vid) is None


def test_outbox_needs_login(client):
    r = client.get("/reminders")
    assert r.status_code == 302 and "/login" in r.headers["Location"]
