"""Online filing in a real browser (issue #19, "Done when"): an officer makes an enterprise
account from the enterprise page; its owner, who has never seen the app, sets the password
from the mailed link (a real SMTP server), files a plan with its five documents, gets it
returned, fixes it, and downloads the 备案表; the officer reviews it in the queue. Every
page fits 1366 px."""
import re

import pytest
from selenium.common.exceptions import (ElementClickInterceptedException,
                                        StaleElementReferenceException)
from selenium.webdriver.common.by import By
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import enterprise_payload

pytestmark = pytest.mark.browser

PASSWORD = "Anquan-huanbao-2026"


def _pdf(path, title):
    from registry.submissions.demo import demo_pdf

    path.write_bytes(demo_pdf(title, "许昌市示例化工有限公司"))
    return str(path)


def _click(driver, css, text=None):
    """Press the first ``css`` element showing ``text``, waiting for it to appear."""
    def press(d):
        for el in d.find_elements(By.CSS_SELECTOR, css):
            if text is None or text in el.text:
                d.execute_script("arguments[0].scrollIntoView({block: 'center'})", el)
                try:
                    el.click()
                except ElementClickInterceptedException:  # a header over it: press it anyway
                    d.execute_script("arguments[0].click()", el)
                return True
        return False
    WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,)).until(press)


def _wait_text(driver, text, timeout=20):
    # The page may be replaced between finding <main> and reading it: try again then.
    WebDriverWait(driver, timeout, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: text in d.find_element(By.TAG_NAME, "main").text)


def _fits(browser):
    width = browser.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 1366, f"{browser.driver.current_url} is {width}px wide"


def _set(driver, element_id, value):
    el = driver.find_element(By.ID, element_id)
    if el.get_attribute("type") == "date":
        driver.execute_script("arguments[0].value = arguments[1]", el, value)
    else:
        el.clear()
        el.send_keys(value)


def _log_out(browser):
    button = browser.driver.find_element(By.CSS_SELECTOR, "form[action$='/logout'] button")
    browser.driver.execute_script("arguments[0].click()", button)
    WebDriverWait(browser.driver, 20).until(lambda d: "/login" in d.current_url)


def test_enterprise_files_online_and_the_county_reviews(app, browser, accounts, admin_api,
                                                       smtp, tmp_path):
    driver = browser.driver
    ent = admin_api.post("/enterprises", json=enterprise_payload(1, "411002")).json
    _uid, officer = accounts.make("officer", ["411002"])

    # The officer makes the account from the enterprise page.
    browser.login(officer, accounts.password)
    browser.get(f"/enterprises/{ent['id']}")
    _fits(browser)
    _set(driver, "acc-username", "anquan_zhang")
    _set(driver, "acc-email", "anquan@example.com")
    _click(driver, "button", "创建并发送链接")
    _wait_text(driver, "等待设置密码")
    _log_out(browser)

    # The owner opens the mailed link and sets the password.
    (mail,) = smtp.to("anquan@example.com")
    link = re.search(r"http://\S+/account/setup/\S+", mail.get_body(("plain",)).get_content())
    driver.get(link.group(0))
    _set(driver, "f-password", PASSWORD)
    _set(driver, "f-confirm", PASSWORD)
    _click(driver, "main form button")
    WebDriverWait(driver, 20).until(lambda d: "/login" in d.current_url)
    browser.login("anquan_zhang", PASSWORD)
    assert "/portal" in driver.current_url
    browser.screenshot("filing-portal.png")
    _fits(browser)

    # 新建备案申请: the plan data, then the five documents, then submit.
    _click(driver, "main a", ent["name"])
    _wait_text(driver, "我的预案")
    _click(driver, "main a", "新建备案申请")
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "f-title"))
    _set(driver, "f-title", "许昌市示例化工有限公司突发环境事件应急预案（2026年版）")
    _set(driver, "f-signed_on", "2026-06-01")
    from selenium.webdriver.support.ui import Select

    Select(driver.find_element(By.ID, "f-risk_level")).select_by_value("general")
    _click(driver, "main form button", "保存草稿")
    _wait_text(driver, "尚缺")
    _fits(browser)
    for kind in ("filing_form", "plan", "risk_assessment", "resource_survey", "expert_review"):
        Select(driver.find_element(By.ID, "f-kind")).select_by_value(kind)
        driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(
            _pdf(tmp_path / f"{kind}.pdf", kind))
        old = driver.find_element(By.TAG_NAME, "main")
        _click(driver, "main form button", "上传")
        # "已上传" is on the page from the first upload on: wait for the next page itself.
        WebDriverWait(driver, 20).until(staleness_of(old))
        _wait_text(driver, "已上传")
    _click(driver, "main form button", "提交")
    _wait_text(driver, "5个工作日")
    browser.screenshot("filing-submitted.png")
    _log_out(browser)

    # The officer returns it: the expert review lacks signatures.
    browser.login(officer, accounts.password)
    browser.get("/submissions")
    _fits(browser)
    _click(driver, "main table a", "2026年版")
    _fits(browser)
    browser.screenshot("filing-review.png")
    _set(driver, "f-reason_expert_review", "评审意见缺少评审专家签字")
    _set(driver, "f-resubmit_by", "2026-06-30")
    _click(driver, "main form button", "退回补正")
    _wait_text(driver, "已退回")
    _log_out(browser)

    # The enterprise sees the reason beside the document, replaces it and submits again.
    browser.login("anquan_zhang", PASSWORD)
    _click(driver, "main a", "2026年版")
    _wait_text(driver, "评审意见缺少评审专家签字")
    browser.screenshot("filing-returned.png")
    Select(driver.find_element(By.ID, "f-kind")).select_by_value("expert_review")
    driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(
        _pdf(tmp_path / "expert_review_signed.pdf", "expert_review"))
    _click(driver, "main form button", "上传")
    _wait_text(driver, "已上传")
    _click(driver, "main form button", "提交")
    _wait_text(driver, "5个工作日")
    _log_out(browser)

    # The officer accepts: the filing number is taken now.
    browser.login(officer, accounts.password)
    browser.get("/submissions")
    _click(driver, "main table a", "2026年版")
    _click(driver, "main form button", "予以备案")
    _wait_text(driver, "411002-2026-")
    _log_out(browser)

    # The enterprise downloads its 备案表 (fetched in the page's own session).
    browser.login("anquan_zhang", PASSWORD)
    _click(driver, "main a", "2026年版")
    href = driver.find_element(By.CSS_SELECTOR, "a[href$='receipt.pdf']").get_attribute("href")
    head = driver.execute_async_script("""
        const done = arguments[arguments.length - 1];
        fetch(arguments[0]).then(r => r.arrayBuffer().then(b => done(
            [r.headers.get('content-type'), String.fromCharCode(...new Uint8Array(b.slice(0, 5)))])));
    """, href)
    assert head == ["application/pdf", "%PDF-"]
    assert browser.console_errors() == []
