"""The core pages in a real browser: they render, log no console errors, load nothing
from outside the app, and fit a 1366x768 office screen."""
from selenium.webdriver.common.by import By

from tests.conftest import enterprise_payload, plan_payload

XSS = "<img src=x onerror=alert(1)>`${alert(1)}`"


def assert_no_dialog(driver):
    """A stored script in a name must show as text, never run (no alert dialog)."""
    from selenium.common.exceptions import NoAlertPresentException

    try:
        text = driver.switch_to.alert.text
    except NoAlertPresentException:
        return
    raise AssertionError(f"a dialog opened: {text!r}")


def test_core_pages_offline_and_clean(browser, accounts, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081", name=XSS + "化工厂")).json
    plan = admin_api.post("/plans", json=plan_payload(e["id"], signed_on="2023-08-01",
                                                      filed_on="2023-08-10")).json
    _id, name = accounts.make("officer", ["411081"])
    browser.login(name, accounts.password)
    pages = {"index": "/", "enterprises": "/enterprises", "enterprise": f"/enterprises/{e['id']}",
             "plan": f"/plans/{plan['id']}", "plan-form": f"/enterprises/{e['id']}/plans/new",
             "enterprise-form": "/enterprises/new"}
    for label, path in pages.items():
        browser.get(path)
        assert browser.driver.find_element(By.TAG_NAME, "h1").text, path
        assert_no_dialog(browser.driver)
        browser.screenshot(f"core-{label}.png")
        width = browser.driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 1366, f"{path} is {width}px wide"
    assert browser.console_errors() == []
    assert browser.foreign_requests() == []
    browser.get(f"/enterprises/{e['id']}")
    assert XSS in browser.driver.find_element(By.TAG_NAME, "h1").text
