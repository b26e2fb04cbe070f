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
    # Received mails as people read them: the HTML parts rendered by Chromium.
    def mail_to(address):
        (eml,) = [p for p in Path(app.config["MAIL_OUTBOX_DIR"]).rglob("*.eml")
                  if address in p.read_text(errors="ignore")]
        return email.message_from_bytes(eml.read_bytes(), policy=policy.default)

    digest = mail_to("yuzhou@example.com")  # the officer's one mail: a digest (the default)
    page = tmp_path / "digest.html"
    page.write_text(digest.get_body(("html",)).get_content(), encoding="utf-8")
    browser.driver.get(page.as_uri())
    assert browser.driver.find_element(By.TAG_NAME, "h2").text.startswith("提醒汇总")
    tables = " ".join(t.text for t in browser.driver.find_elements(By.TAG_NAME, "table"))
    assert "2026-09-13" in tables and "2026-06-20" in tables and "在系统中查看" in tables
    width = browser.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 1366
    browser.screenshot("reminders-digest.png")
    contact = mail_to("contact1@example.com")  # the enterprise: what to do, whom to ask
    page = tmp_path / "mail.html"
    page.write_text(contact.get_body(("html",)).get_content(), encoding="utf-8")
    browser.driver.get(page.as_uri())
    item = browser.driver.find_element(By.CSS_SELECTOR, "ol li strong").text
    assert item.startswith("【预案回顾性评估提醒】许昌市测试化工有限公司1号厂")
    body = browser.driver.find_element(By.TAG_NAME, "body").text
    assert "2026-09-13" in body and "禹州市生态环境分局" in body
    assert browser.driver.find_elements(By.CSS_SELECTOR, "a[href*='/plans/']") == []
    browser.screenshot("reminders-mail.png")
