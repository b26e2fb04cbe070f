"""The outbox, the preview and a received reminder mail, looked at in a real browser."""
from selenium.webdriver.common.by import By

from tests.registry.reminders.conftest import file_plan, outbox, run


def test_outbox_preview_and_mail_in_browser(browser, app, accounts, admin_api, tmp_path):
    import email
    from email import policy
    from pathlib import Path

    file_plan(admin_api, 1, "2023-09-13", county="411081")
    file_plan(admin_api, 2, "2023-06-20", county="411081")
    file_plan(admin_api, 3, "2023-05-01", county="411081", contact_email=None)
    _id, name = accounts.make("officer", ["411081"], email="yuzhou@example.com")
    run(app)
    assert {r.status for r in outbox(app)} == {"sent", "skipped"}
    browser.login(name, accounts.password)
    for label, path in (("outbox", "/reminders"), ("preview", "/reminders/preview")):
        browser.get(path)
        assert browser.driver.find_element(By.TAG_NAME, "h1").text
        browser.screenshot(f"reminders-{label}.png")
        width = browser.driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 1366, f"{path} is {width}px wide"
    rows = browser.driver.find_elements(By.CSS_SELECTOR, "#preview tbody tr")
    assert len(rows) >= 3
    assert browser.console_errors() == []
    assert browser.foreign_requests() == []
    # A received mail as a person reads it: the HTML part rendered by Chromium.
    (eml,) = [p for p in Path(app.config["MAIL_OUTBOX_DIR"]).rglob("*.eml")
              if "contact1@example.com" in p.read_text(errors="ignore")]
    msg = email.message_from_bytes(eml.read_bytes(), policy=policy.default)
    page = tmp_path / "mail.html"
    page.write_text(msg.get_body(("html",)).get_content(), encoding="utf-8")
    browser.driver.get(page.as_uri())
    heading = browser.driver.find_element(By.TAG_NAME, "h2").text
    assert heading.startswith("【预案回顾性评估提醒】许昌市测试化工有限公司1号厂")
    assert "2026年9月13日" in browser.driver.find_element(By.TAG_NAME, "table").text
    browser.screenshot("reminders-mail.png")
