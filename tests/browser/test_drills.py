"""Drill pages in a real browser at 1366x768: the form with its offline map picker, a
drill with its improvement plan, the overdue lists. No console errors, nothing foreign."""
from selenium.webdriver.common.by import By

from tests.browser.test_pages import XSS, assert_no_dialog
from tests.conftest import enterprise_payload, plan_payload
from tests.registry.drills.conftest import action_payload, drill_payload


def test_drill_pages(browser, accounts, admin_api):
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411081")).json
    plan = admin_api.post("/plans", json=plan_payload(e["id"], signed_on="2024-03-04",
                                                      filed_on="2024-03-12")).json
    late = admin_api.post("/enterprises", json=enterprise_payload(2, county="411081",
                                                                  name="许昌瑞丰陶瓷有限公司")).json
    admin_api.post("/plans", json=plan_payload(late["id"], signed_on="2023-05-04",
                                               filed_on="2023-05-12", risk_level="serious"))
    drill = admin_api.post("/drills", json=drill_payload(
        enterprise_ids=[e["id"]], title="禹州市硫酸泄漏水污染应急演练" + XSS)).json
    admin_api.post(f"/drills/{drill['id']}/actions", json=action_payload(
        category="plan", description="预案未明确雨水排口封堵责任人", plan_needs_revision=True))
    admin_api.post(f"/drills/{drill['id']}/actions", json=action_payload(due_on="2026-05-31"))
    admin_api.post(f"/drills/{drill['id']}/actions", json=action_payload(
        category="training", description="岗位人员报告程序不熟悉", owner_name=None))
    _id, name = accounts.make("officer", ["411081"])
    browser.login(name, accounts.password)
    pages = {"drill-form": "/drills/new", "drill": f"/drills/{drill['id']}",
             "drills": "/drills", "actions-overdue": "/actions?view=overdue",
             "actions": "/actions", "schedule-overdue": "/drills/schedule?overdue=true",
             "plan-revision": f"/plans/{plan['id']}"}
    for label, path in pages.items():
        browser.get(path)
        assert browser.driver.find_element(By.TAG_NAME, "h1").text, path
        assert_no_dialog(browser.driver)
        browser.screenshot(f"drills-{label}.png")
        width = browser.driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 1366, f"{path} is {width}px wide"
    assert browser.console_errors() == []
    assert browser.foreign_requests() == []
    # The map picker fills the coordinates.
    browser.get("/drills/new")
    browser.driver.find_element(By.ID, "picker").click()
    lon = browser.driver.find_element(By.ID, "f-longitude").get_attribute("value")
    assert lon and 113 < float(lon) < 115
