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


def test_register_sheet_import_and_inventory_versions(browser, accounts, admin_api, tmp_path):
    """An officer imports a register with its 风险物质 sheet (a wrong row first), then sees
    the inventory's earlier version and the superseded plan checked against it."""
    from tests.browser.axe import violations
    from tests.registry.substances.test_api import _body
    from tests.registry.substances.test_register_sheet import _workbook
    from tests.conftest import plan_payload

    both = admin_api.post("/substances", json=CHLORINE).json
    water = admin_api.post("/substances", json=WATERY).json
    substances = {"both": both, "water": water}
    e = admin_api.post("/enterprises", json=enterprise_payload(
        5, "411081", longitude=113.47, latitude=34.15)).json
    first = admin_api.post("/plans", json=plan_payload(e["id"])).json
    admin_api.client.put(f"/api/v1/enterprises/{e['id']}/risk-inventory",
                         json=_body(substances), headers=admin_api.headers)
    body = {k: v for k, v in plan_payload(e["id"]).items() if k != "enterprise_id"}
    body.update(signed_on="2026-05-06", filed_on="2026-05-20", risk_level="serious",
                reason="风险物质存量增加")
    assert admin_api.post(f"/plans/{first['id']}/revisions", json=body).status_code == 201
    _id, name = accounts.make("officer", ["411081"])
    browser.login(name, accounts.password)
    driver = browser.driver

    bad = _workbook(tmp_path / "bad.xlsx", [], [
        (e["credit_code"], e["name"], "液氯（未入表）", None, 0.5, "1号罐区")])
    browser.get("/import")
    driver.find_element(By.ID, "f-file").send_keys(str(bad))
    driver.find_element(By.CSS_SELECTOR, "main form button").click()
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "import-errors"))
    table = driver.find_element(By.ID, "import-errors").text
    assert "工作表" in table and "风险物质" in table and "液氯（未入表）" in table
    assert violations(driver) == []
    browser.screenshot("substances-import-sheet-errors.png")

    good = _workbook(tmp_path / "good.xlsx", [], [
        (e["credit_code"], e["name"], None, "7782-50-5", 0.5, "1号罐区")])
    browser.get("/import")
    driver.find_element(By.ID, "f-file").send_keys(str(good))
    driver.find_element(By.CSS_SELECTOR, "main form button").click()
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "import-sheets"))
    assert driver.find_element(
        By.CSS_SELECTOR, '[data-kind="risk_substances_updated"]').text == "1"
    browser.screenshot("substances-import-sheet-preview.png")
    driver.find_element(By.CSS_SELECTOR, "form[action$='/confirm'] button").click()
    WebDriverWait(driver, 20).until(lambda d: "/import/" not in d.current_url
                                    or d.find_elements(By.CSS_SELECTOR, ".alert-success"))

    browser.get(f"/enterprises/{e['id']}/risk-inventory")
    driver.find_element(By.CSS_SELECTOR, "#inventory-versions summary").click()
    versions = driver.find_element(By.ID, "inventory-versions").text
    assert "重大[较大-大气" in versions and "测试物质乙（水） 15 t" in versions
    assert violations(driver) == []
    browser.screenshot("substances-inventory-versions.png")
    browser.get(f"/plans/{first['id']}")
    check = driver.find_element(By.ID, "grading-check").text
    assert "与计算结果不一致" in check
    assert driver.find_element(By.ID, "grading-check-version").is_displayed()
    assert violations(driver) == []
    browser.screenshot("substances-superseded-plan-check.png")


def test_control_items_on_the_inventory_form(browser, accounts, admin_api, app, tmp_path):
    """With the standard's items loaded, the form lists them: a score each, summed."""
    from registry.permissions import SystemActor
    from registry.substances.control_items import import_file
    from tests.browser.axe import violations
    from tests.registry.substances.test_control_items import ITEMS, _csv

    with app.app_context():
        import_file(SystemActor("test"), _csv(tmp_path / "items.csv", ITEMS))
    water = admin_api.post("/substances", json=WATERY).json
    e = admin_api.post("/enterprises", json=enterprise_payload(
        3, "411081", longitude=113.40, latitude=34.17)).json
    _id, name = accounts.make("officer", ["411081"])
    browser.login(name, accounts.password)
    driver = browser.driver
    browser.get(f"/enterprises/{e['id']}/risk-inventory")
    Select(driver.find_element(By.ID, "f-sub-1")).select_by_value(str(water["id"]))
    driver.find_element(By.ID, "f-qty-1").send_keys("15")
    inputs = driver.find_elements(By.CSS_SELECTOR, "#control-items-water input")
    assert len(inputs) == 2
    inputs[0].send_keys("9")  # over its 8 points: refused, named, nothing saved
    inputs[1].send_keys("12")
    driver.find_element(By.ID, "f-water-listed").send_keys("1")
    button = driver.find_element(By.CSS_SELECTOR, "main form button.btn-primary")
    driver.execute_script("arguments[0].form.requestSubmit(arguments[0])", button)
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.CLASS_NAME, "alert-danger"))
    alert = driver.find_element(By.CLASS_NAME, "alert-danger").text
    assert "水 · 风险防控措施评分项第1项：测试项一（截流）最多8分。" in alert
    assert violations(driver) == []
    browser.screenshot("substances-control-items-refused.png")
    inputs = driver.find_elements(By.CSS_SELECTOR, "#control-items-water input")
    inputs[0].clear()
    inputs[0].send_keys("8")
    assert violations(driver) == []
    driver.execute_script("document.getElementById('control-items-water').scrollIntoView()")
    browser.screenshot("substances-control-items-form.png")
    button = driver.find_element(By.CSS_SELECTOR, "main form button.btn-primary")
    driver.execute_script("arguments[0].form.requestSubmit(arguments[0])", button)
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "grading-figures"))
    assert "10 + 20.0 = 30.0" in driver.find_element(By.ID, "grading-figures").text
