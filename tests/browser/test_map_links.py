"""In Chromium at 1366×768: the map's legend (overdue badge in Chinese, the other areas'
layers), the popup's links to 下游追踪 and 通报单, the trace table's headers on one line;
axe finds nothing serious or critical."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser.axe import violations, wait_for_maps
from tests.browser.test_map import _open_map
from tests.conftest import enterprise_payload, plan_payload

COVERED_BY_LABELS = """
var labels = Array.from(document.querySelectorAll('.rm-county-label')), overlaps = 0, covered = [];
document.querySelectorAll('.rm-cluster').forEach(function (c) {
  var r = c.getBoundingClientRect();
  labels.forEach(function (l) {
    var b = l.getBoundingClientRect();
    // The point of the label's box nearest the (round) cluster's centre, if inside the circle.
    var cx = r.left + r.width / 2, cy = r.top + r.height / 2;
    var x = Math.min(Math.max(cx, b.left + 1), b.right - 1), y = Math.min(Math.max(cy, b.top + 1), b.bottom - 1);
    if (Math.hypot(x - cx, y - cy) < r.width / 2 - 2) {
      overlaps += 1;
      // Labels take no pointer events (elementFromPoint looks through them): the panes'
      // stacking decides what is painted on top.
      var z = function (e) { return parseInt(getComputedStyle(e.closest('.leaflet-pane')).zIndex, 10); };
      if (z(l) >= z(c)) covered.push(l.textContent);
    }
  });
});
return [overlaps, covered];"""


def test_legend_popup_links_and_trace_headers(demo, browser, accounts, admin_api):
    assert demo.exit_code == 0
    e = admin_api.post("/enterprises", json=enterprise_payload(
        900, county="411081", longitude=113.47, latitude=34.15, name="禹州颍河示例厂")).json
    admin_api.post("/plans", json=plan_payload(e["id"], risk_level="serious"))
    _id, name = accounts.make("admin")
    browser.login(name, accounts.password)
    driver = _open_map(browser, "/map")
    legend = driver.find_element(By.ID, "risk-map-legend").text
    assert "已逾期企业数" in legend and "overdue" not in legend
    extras = driver.execute_script("return JSON.parse(document.getElementById("
                                   "'risk-map-config').textContent).extras.map(function (x) { return x.label; })")
    assert extras and all(label in legend for label in extras)
    badges = driver.execute_script("return Array.from(document.querySelectorAll("
                                   "'.rm-cluster .rm-cluster-badge')).map(function (b) { return b.title; })")
    assert badges and set(badges) == {"已逾期企业数"}
    # County names lie under the clusters: where a name and a cluster meet, the count is
    # painted on top.
    overlaps, covered = driver.execute_script(COVERED_BY_LABELS)
    assert overlaps and not covered, (overlaps, covered)
    index = driver.execute_script("return window.riskMap.items.findIndex(function (i)"
                                  " { return i.name === '禹州颍河示例厂'; })")
    driver.execute_script("window.riskMap.focus(arguments[0])", index)
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".rm-popup-sheet"))
    popup = driver.find_element(By.CSS_SELECTOR, ".leaflet-popup-content")
    assert popup.find_element(By.CSS_SELECTOR, ".rm-popup-trace").get_attribute("href").endswith(
        f"/enterprises/{e['id']}/downstream")
    assert popup.find_element(By.CSS_SELECTOR, ".rm-popup-sheet").get_attribute("href").endswith(
        f"/notification-sheet?enterprise_id={e['id']}")
    browser.screenshot("map-popup.png")
    driver.switch_to.default_content()
    assert violations(driver) == []

    browser.get(f"/enterprises/{e['id']}/downstream")
    wait_for_maps(browser.driver)
    heights = browser.driver.execute_script(
        "return Array.from(document.querySelectorAll('#downstream-hits th')).map("
        "function (th) { return [th.textContent, th.getClientRects()[0].height,"
        " parseFloat(getComputedStyle(th).lineHeight)]; })")
    assert "沿河距离（公里）" in [h[0] for h in heights]
    assert all(height < 2 * line for _text, height, line in heights), heights
    browser.screenshot("trace.png")
    assert violations(browser.driver) == []
    browser.get(f"/notification-sheet?enterprise_id={e['id']}")
    assert "禹州市颍河饮用水源取水口（示例）" in browser.driver.find_element(By.ID, "own-intakes").text
    browser.screenshot("sheet.png")
    assert violations(browser.driver) == []


def test_county_filter_zooms_to_the_county(app, browser, accounts):
    _id, name = accounts.make("admin")
    browser.login(name, accounts.password)
    driver = _open_map(browser, "/map?county_code=411081")
    inside, zoom = driver.execute_script(
        "var m = window.riskMap.map, c = m.getCenter(), found = null;"
        "window.riskMap.layers.counties.eachLayer(function (l) {"
        " if (l.feature.properties.code === '411081') found = l; });"
        "return [found.getBounds().contains(c), m.getZoom()];")
    whole = _open_map(browser, "/map").execute_script("return window.riskMap.map.getZoom()")
    assert inside and zoom > whole
    driver.switch_to.default_content()
