"""The risk map in a real headless Chromium, on the Xuchang demo data: offline, drawn,
clustered, filterable, and immune to a script in an enterprise name."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.test_pages import XSS, assert_no_dialog
from tests.conftest import enterprise_payload, plan_payload

CLUSTERED = """
var n = 0;
window.riskMap.cluster._featureGroup.eachLayer(function (l) {
  n += l.getChildCount ? l.getChildCount() : 1; });
return n;"""


def _open_map(browser, path):
    browser.get(path)
    frame = browser.driver.find_element(By.ID, "risk-map-frame")
    browser.driver.switch_to.frame(frame)
    WebDriverWait(browser.driver, 30).until(
        lambda d: d.execute_script("return !!document.querySelector('[data-risk-map-ready]')"))
    return browser.driver


def test_risk_map_on_demo_data(demo, browser, accounts, admin_api):
    assert demo.exit_code == 0
    e = admin_api.post("/enterprises", json=enterprise_payload(900, county="411081", name=XSS)).json
    admin_api.post("/plans", json=plan_payload(e["id"], risk_level="serious"))
    _id, name = accounts.make("admin")
    browser.login(name, accounts.password)

    driver = _open_map(browser, "/map")
    total = driver.execute_script("return window.riskMap.total")
    assert total == 528  # 527 demo plans + the one above
    # County polygons and river lines are on the map and drawn (SVG or canvas renderer).
    for layer, least in (("counties", 6), ("rivers", 4)):
        assert driver.execute_script(
            f"var l = window.riskMap.layers.{layer}; return window.riskMap.map.hasLayer(l)"
            " ? l.getLayers().length : 0") >= least
    assert driver.find_elements(By.CSS_SELECTOR, "path.leaflet-interactive, canvas.leaflet-zoom-animated")
    # The optional overlays of the other areas: the demo's drills and agreements.
    for overlay in ("drills", "agreements"):
        assert driver.execute_script(f"return window.riskMap.layers.{overlay}.getLayers().length") > 0
    # Every point is in a cluster or shown alone: the counts add up, and the map element
    # says when (bench/map_browser.py times it; with few points in the script's own run).
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return !!document.querySelector('[data-clustered-ms]')"))
    ready, clustered = driver.execute_script(
        "var e = document.querySelector('[data-clustered-ms]'); return "
        "[Number(e.getAttribute('data-ready-ms')), Number(e.getAttribute('data-clustered-ms'))]")
    assert ready > 0 and clustered > 0
    assert driver.execute_script(CLUSTERED) == total
    # The level switch changes what is shown, and the clusters follow.
    assert driver.execute_script("return window.riskMap.setLevels(['serious'])") == 8
    assert driver.execute_script(CLUSTERED) == 8
    # The stored script in a name shows as text in its popup and never runs.
    index = driver.execute_script(
        "var n = arguments[0]; return window.riskMap.items.findIndex(function (i)"
        " { return i.name === n; });", XSS)
    assert index >= 0
    driver.execute_script("window.riskMap.focus(arguments[0])", index)
    # The popup fades in (its text reads empty while transparent): wait for the words.
    WebDriverWait(driver, 10).until(
        lambda d: XSS in "".join(el.text for el in d.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content")))
    assert_no_dialog(driver)
    browser.screenshot("map-city.png")
    driver.switch_to.default_content()

    # A filtered map (the URL keeps the filter): only the major-risk plans.
    driver = _open_map(browser, "/map?risk_level=major")
    assert driver.execute_script("return window.riskMap.total") == 26
    assert driver.execute_script(CLUSTERED) == 26
    driver.switch_to.default_content()

    # The downstream trace page draws the path and lists what it reaches.
    browser.get(f"/enterprises/{e['id']}/downstream")
    assert "漯河市" in browser.driver.find_element(By.ID, "downstream-hits").text
    browser.screenshot("map-downstream.png")

    assert browser.console_errors() == []
    assert browser.foreign_requests() == []
