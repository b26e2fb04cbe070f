"""The reminders API: the outbox, one reminder, resend and the preview, with the same
county scoping as the outbox page (officers: their counties; viewers: read only)."""
from tests.registry.reminders.conftest import file_plan, outbox, run


def _setup(app, accounts, admin_api, client):
    file_plan(admin_api, 1, "2023-09-13", county="411081")   # 禹州市
    file_plan(admin_api, 2, "2023-09-13", county="411025")   # 襄城县
    run(app)
    return (accounts.api(client, "officer", ["411081"]),
            accounts.api(client, "viewer", ["411081"]))


def test_outbox_lists_only_the_callers_counties(app, smtp, client, accounts, admin_api):
    officer, _viewer = _setup(app, accounts, admin_api, client)
    r = officer.get("/reminders")
    assert r.status_code == 200, r.json
    recipients = {i["recipient"] for i in r.json["items"]}
    assert "contact1@example.com" in recipients and "contact2@example.com" not in recipients
    assert r.json["total"] == len(r.json["items"]) and r.json["by_status"]["sent"] == r.json["total"]
    item = next(i for i in r.json["items"] if i["recipient"] == "contact1@example.com")
    assert (item["rule"], item["milestone"], item["status"], item["county_code"]) == \
        ("plan_review", "before-90", "sent", "411081")
    assert item["due_on"] == "2026-09-13" and item["sent_at"]
    assert admin_api.get("/reminders?county_code=411025").json["total"] >= 1
    assert officer.get("/reminders?status=failed").json["items"] == []
    assert officer.get("/reminders?q=contact1").json["total"] == 1


def test_bad_filters_name_the_field(app, smtp, client, accounts, admin_api):
    officer, _viewer = _setup(app, accounts, admin_api, client)
    r = officer.get("/reminders?status=lost")
    assert r.status_code == 422 and "status" in r.json["error"]["fields"]
    r = officer.get("/reminders/preview?days=0")
    assert r.status_code == 422 and "days" in r.json["error"]["fields"]


def test_one_reminder_is_scoped_and_resend_needs_write_access(app, smtp, client, accounts, admin_api):
    officer, viewer = _setup(app, accounts, admin_api, client)
    (own,) = outbox(app, recipient="contact1@example.com")
    (other,) = outbox(app, recipient="contact2@example.com")
    assert officer.get(f"/reminders/{own.id}").json["recipient"] == "contact1@example.com"
    assert officer.get(f"/reminders/{other.id}").status_code == 403
    assert officer.get("/reminders/999999").status_code == 404

    assert viewer.post(f"/reminders/{own.id}/resend").status_code == 403
    assert officer.post(f"/reminders/{other.id}/resend").status_code == 403
    assert len(smtp.to("contact1@example.com")) == 1
    r = officer.post(f"/reminders/{own.id}/resend")
    assert r.status_code == 200, r.json
    assert (r.json["status"], r.json["attempts"]) == ("sent", 2)
    assert len(smtp.to("contact1@example.com")) == 2


def test_preview_lists_the_coming_milestones_with_recipients(app, smtp, client, accounts, admin_api):
    officer, _viewer = _setup(app, accounts, admin_api, client)
    r = officer.get("/reminders/preview?days=90")
    assert r.status_code == 200, r.json
    assert (r.json["today"], r.json["days"]) == ("2026-06-15", 90)
    mine = [i for i in r.json["items"] if i["rule"] == "plan_review"]
    # Due 2026-09-13: the 30-day (08-14), 7-day (09-06) and on-the-day milestones fall within
    # the 90 days after today (the last day counts); the 90-day one was today's, already sent.
    assert [(i["on"], i["milestone"]) for i in mine] == [("2026-08-14", "before-30"),
                                                          ("2026-09-06", "before-7"),
                                                          ("2026-09-13", "on-day")]
    assert all(i["county_code"] == "411081" for i in r.json["items"])
    assert "contact1@example.com" in {p["email"] for p in mine[0]["recipients"]}
    assert mine[0]["rule_label"]
    short = officer.get("/reminders/preview?days=30").json["items"]
    assert [i["milestone"] for i in short if i["rule"] == "plan_review"] == []


def test_preview_is_paged_over_the_whole_window(app, client, accounts, admin_api):
    """Not cut at the first N (issue #16 §1): every milestone of the 90 days is counted,
    per day too, and reachable page by page, in date order."""
    for n, signed in enumerate(("2023-07-01", "2023-08-01", "2023-09-01", "2023-09-13"), 1):
        file_plan(admin_api, n, signed)
    officer = accounts.api(client, "officer", ["411081"])
    whole = officer.get("/reminders/preview?per_page=500").json
    assert whole["total"] == len(whole["items"]) > 4
    assert sum(d["count"] for d in whole["by_day"]) == whole["total"]
    pages, page = [], 1
    while True:
        r = officer.get(f"/reminders/preview?per_page=3&page={page}")
        assert r.status_code == 200 and r.json["total"] == whole["total"]
        if not r.json["items"]:
            break
        pages += r.json["items"]
        page += 1
    assert pages == whole["items"] and page == -(-whole["total"] // 3) + 1
    days = [i["on"] for i in pages]
    assert days == sorted(days) and days[-1] <= "2026-09-13"
    r = officer.get("/reminders/preview?per_page=501")
    assert r.status_code == 422 and "per_page" in r.json["error"]["fields"]
