"""Issue #21, "Done when": a duty officer reports an incident by clicking the map on 颍河
at 禹州, sees the trace and the clocks, notifies 漯河 by e-mail (a real SMTP server receives
it) and by a logged call, downloads the 初报, and closes the incident with a finding that
becomes a corrective action. No console errors, nothing fetched from outside."""
from __future__ import annotations

import time

from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.common.exceptions import ElementClickInterceptedException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from tests.registry.agreements.payloads import luohe
from tests.registry.incidents.conftest import YINGHE_AT_YUZHOU, YUZHOU

STALE = (StaleElementReferenceException,)


def _wait_text(driver, text, timeout=30):
    WebDriverWait(driver, timeout, ignored_exceptions=STALE).until(
        lambda d: text in d.find_element(By.TAG_NAME, "main").text)


def _click(driver, element):
    """Scroll the element to the middle of the window (clear of the fixed banner), click."""
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    try:
        element.click()
    except ElementClickInterceptedException:  # at the foot of a page that cannot scroll it up
        driver.execute_script("arguments[0].click()", element)


def _notice(driver, city="漯河市"):
    return driver.find_element(By.CSS_SELECTOR, f'.notice[data-city="{city}"]')


def test_duty_officer_plays_an_incident(app, browser, accounts, admin_api, smtp, tmp_path):
    import sqlalchemy as sa
    from docx import Document

    assert admin_api.post("/agreements", json=luohe()).status_code == 201
    _id, name = accounts.make("officer", [YUZHOU])
    browser.login(name, accounts.password)
    driver = browser.driver
    driver.execute_cdp_cmd("Browser.setDownloadBehavior",
                           {"behavior": "allow", "downloadPath": str(tmp_path)})

    # Report: a click on the map where 颍河 runs through 禹州.
    browser.get("/incidents/new")
    box = driver.find_element(By.ID, "picker")
    lon, lat = YINGHE_AT_YUZHOU
    x, y, w, h = driver.execute_script(
        "var b = arguments[0], p = b.leafletMap.latLngToContainerPoint([arguments[2], arguments[1]]);"
        "return [p.x, p.y, b.clientWidth, b.clientHeight];", box, lon, lat)
    ActionChains(driver).move_to_element_with_offset(box, int(x - w / 2), int(y - h / 2)).click().perform()
    picked = float(driver.find_element(By.ID, "f-longitude").get_attribute("value"))
    assert abs(picked - lon) < 0.01
    assert abs(float(driver.find_element(By.ID, "f-latitude").get_attribute("value")) - lat) < 0.01
    driver.find_element(By.ID, "f-substance").send_keys("柴油")
    driver.find_element(By.ID, "f-quantity_t").send_keys("3.5")
    driver.find_element(By.ID, "f-summary").send_keys("罐车侧翻，柴油泄漏入颍河")
    _click(driver, driver.find_element(By.ID, "incident-submit"))

    # The trace and the clocks.
    WebDriverWait(driver, 60, ignored_exceptions=STALE).until(
        lambda d: d.find_elements(By.ID, "trace-hits"))
    main = driver.find_element(By.TAG_NAME, "main").text
    for fact in ("禹州市颍河饮用水源取水口（示例）", "漯河市", "李建国", "0395-3100110", "初报"):
        assert fact in main, fact
    assert "剩余" in _notice(driver).find_element(By.CSS_SELECTOR, ".clock-state").text
    assert "剩余" in driver.find_element(By.ID, "report-clocks").text
    assert driver.execute_script(
        "return document.querySelectorAll('#incident-map path.leaflet-interactive').length") > 1
    url = driver.current_url
    # A boom stored by the sluice below 禹州: the page names it under that intercept point.
    incident_id = int(url.rstrip("/").split("/")[-1])
    sluice = next(p for p in admin_api.get(f"/incidents/{incident_id}").json["intercepts"]
                  if p["name"] == "颍河建安区出境前拦截闸（示例）")
    assert admin_api.post("/resources", json={
        "name": "围油栏", "kind": "material", "quantity": 800, "unit": "米", "owner": "建安区应急物资库",
        "longitude": round(sluice["lon"] + 0.01, 5), "latitude": round(sluice["lat"], 5)}).status_code == 201
    browser.get(url.replace(browser.base_url, ""))
    WebDriverWait(driver, 60, ignored_exceptions=STALE).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#intercepts .intercept-resources"))
    assert "围油栏 800" in driver.find_element(By.ID, "intercepts").text
    browser.screenshot("incident-intercepts.png")

    # 漯河 by e-mail: the SMTP server receives it, with the sheet attached.
    _click(driver, _notice(driver).find_element(By.CSS_SELECTOR, "button.notify-email"))
    _wait_text(driver, "已通报漯河市")
    assert smtp.recipients() == ["lhjc@example.com", "lhyj@example.com"]
    mail = smtp.to("lhyj@example.com")[0]
    assert "柴油" in mail["Subject"]
    assert any(p.get_content_type() == "application/pdf" for p in mail.iter_attachments())
    assert "已通报" in _notice(driver).find_element(By.CSS_SELECTOR, ".clock-state").text

    # ... and by a logged call.
    form = _notice(driver).find_element(By.CSS_SELECTOR, "form.phone-form")
    Select(form.find_element(By.NAME, "channel")).select_by_value("phone")
    form.find_element(By.NAME, "contact").send_keys("李建国")
    form.find_element(By.NAME, "note").send_keys("值班电话已通知")
    _click(driver, form.find_element(By.CSS_SELECTOR, "button"))
    _wait_text(driver, "以电话通报漯河市（李建国）")

    # The 初报, edited and downloaded.
    _click(driver, driver.find_element(By.CSS_SELECTOR, 'a.report-link[data-stage="initial"]'))
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "report-form"))
    trend = driver.find_element(By.ID, "f-trend")
    trend.clear()
    trend.send_keys("油膜向下游漂移，已在褚河闸拦截")
    _click(driver, driver.find_element(By.ID, "report-download"))
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob("*.docx")) and time.monotonic() < deadline:
        time.sleep(0.2)
    files = list(tmp_path.glob("*.docx"))
    assert files, "the 初报 did not download"
    time.sleep(0.5)  # the file is renamed from .crdownload once complete
    text = "\n".join(p.text for p in Document(str(files[0])).paragraphs)
    assert "初报" in text and "油膜向下游漂移，已在褚河闸拦截" in text

    # Close with a finding: it becomes a corrective action.
    browser.get(url.replace(browser.base_url, ""))
    _click(driver, driver.find_element(By.ID, "close-link"))
    WebDriverWait(driver, 30).until(lambda d: d.find_elements(By.ID, "close-form"))
    driver.find_element(By.ID, "f-findings-0-description").send_keys("拦截物资调运慢")
    Select(driver.find_element(By.ID, "f-findings-0-category")).select_by_value("equipment")
    _click(driver, driver.find_element(By.ID, "close-submit"))
    WebDriverWait(driver, 30, ignored_exceptions=STALE).until(
        lambda d: "拦截物资调运慢" in d.find_element(By.ID, "action-list").text)
    assert "已关闭" in driver.find_element(By.ID, "incident-status").text

    from registry.extensions import db
    from registry.models import CorrectiveAction

    with app.app_context():
        actions = db.session.execute(sa.select(CorrectiveAction.description,
                                               CorrectiveAction.incident_id,
                                               CorrectiveAction.drill_id)).all()
    assert [(a.description, a.drill_id) for a in actions] == [("拦截物资调运慢", None)]
    assert actions[0].incident_id is not None
    assert browser.console_errors() == []
    assert browser.foreign_requests() == []


def test_report_form_offers_what_the_enterprise_holds(app, browser, accounts, admin_api):
    """Choosing the enterprise fills the pollutant's choices from its risk inventory (the
    page's script asks the enterprise's risk-inventory/substances); the resources page and the enterprise's
    survey rows pass axe."""
    from selenium.webdriver.support.ui import Select

    from tests.browser.axe import violations
    from tests.conftest import enterprise_payload
    from tests.registry.substances.conftest import CHLORINE, WATERY, put

    ids = [admin_api.post("/substances", json=body).json["id"] for body in (CHLORINE, WATERY)]
    e = admin_api.post("/enterprises", json=enterprise_payload(
        31, YUZHOU, longitude=113.47, latitude=34.15)).json
    r = put(admin_api, f"/enterprises/{e['id']}/risk-inventory", {
        "substances": [{"substance_id": ids[0], "max_quantity_t": 3},
                       {"substance_id": ids[1], "max_quantity_t": 2, "storage": "1号储罐区"}],
        "air": {"process_units": {"listed": 0, "other": 0}, "control_score": 0, "e": "E3"},
        "water": {"process_units": {"listed": 0, "other": 0}, "control_score": 0}})
    assert r.status_code == 200, r.json
    _id, name = accounts.make("officer", [YUZHOU])
    browser.login(name, accounts.password)
    driver = browser.driver
    browser.get("/incidents/new")
    Select(driver.find_element(By.ID, "f-enterprise_id")).select_by_value(str(e["id"]))
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "held-hint").is_displayed())
    assert CHLORINE["name"] in driver.find_element(By.ID, "held-hint").text
    options = [o.get_attribute("value") for o in
               driver.find_elements(By.CSS_SELECTOR, "#substance-options option")]
    assert options == [CHLORINE["name"], WATERY["name"]]
    Select(driver.find_element(By.ID, "f-enterprise_id")).select_by_value("")
    WebDriverWait(driver, 10).until(lambda d: not d.find_element(By.ID, "held-hint").is_displayed())
    browser.screenshot("incident-new-held.png")
    # The drill form, with several enterprises to choose: the same offer for the scenario.
    browser.get("/drills/new")
    Select(driver.find_element(By.ID, "f-enterprise_ids")).select_by_value(str(e["id"]))
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "held-hint").is_displayed())
    assert [o.get_attribute("value") for o in driver.find_elements(
        By.CSS_SELECTOR, "#substance-options option")] == [CHLORINE["name"], WATERY["name"]]
    assert driver.find_element(By.ID, "f-scenario_substance").get_attribute("list") == "substance-options"
    for path, shot in (("/resources", "resources.png"),
                       (f"/enterprises/{e['id']}#resource-survey", "enterprise-resources.png")):
        browser.get(path)
        assert violations(driver) == [], path
        browser.screenshot(shot)
    assert browser.console_errors() == []
