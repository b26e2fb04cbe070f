"""The risk inventory in a real browser (issue #20): an officer fills the form, the page
shows the computed grade; the pages fit 1366 px and log no console errors."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.conftest import enterprise_payload
from tests.registry.substances.conftest import CHLORINE, WATERY


def test_officer_grades_an_enterprise_from_its_inventory(browser, accounts, admin_api):
    both = admin_api.post("/substances", json=CHLORINE).json
    admin_api.post("/substances", json=WATERY)
    # 113.40, 34.17 on 颍河: the 禹州 intake is 10.9 km downstream, so water E is E3.
    e = admin_api.post("/enterprises", json=enterprise_payload(
        1, "411081", longitude=113.40, latitude=34.17)).json
    _id, name = accounts.make("officer", ["411081"])
    browser.login(name, accounts.password)
    driver = browser.driver
    browser.get(f"/enterprises/{e['id']}/risk-inventory")
    Select(driver.find_element(By.ID, "f-sub-1")).select_by_value(str(both["id"]))
    driver.find_element(By.ID, "f-qty-1").send_keys("3")
    for field, value in (("air-listed", "1"), ("air-control_score", "10"),
                         ("air-population_5km", "8000"), ("air-population_500m", "300"),
                         ("water-control_score", "10")):
        driver.find_element(By.ID, f"f-{field}").send_keys(value)
    button = driver.find_element(By.CSS_SELECTOR, "main form button.btn-primary")
    # the form is taller than the window: submit it as its button would
    driver.execute_script("arguments[0].form.requestSubmit(arguments[0])", button)
    WebDriverWait(driver, 20).until(
        lambda d: d.find_elements(By.ID, "grading-figures") or d.find_elements(By.CLASS_NAME, "alert-danger"))
    assert not driver.find_elements(By.CLASS_NAME, "alert-danger"), \
        driver.find_element(By.CLASS_NAME, "alert-danger").text
    figures = driver.find_element(By.ID, "grading-figures").text
    # air: 3/1 → Q1, M 20 → M1, 8 000 / 300 people → E3 → 一般; water the same.
    assert "一般[一般-大气(Q1-M1-E3)+一般-水(Q1-M1-E3)]" in driver.page_source
    assert "Q1" in figures and "M1" in figures
    for path in ("/substances", f"/enterprises/{e['id']}/risk-inventory", "/grading-check"):
        browser.get(path)
        width = driver.execute_script("return document.documentElement.scrollWidth")
        assert width <= 1366, f"{path} is {width}px wide"
    assert browser.console_errors() == []
    assert browser.foreign_requests() == []
