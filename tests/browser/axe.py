"""axe-core in the browser tests (issue #16 §5, WCAG 2.1 AA): tests/browser/vendor/axe.min.js
is axe-core 4.14.1 from npm (MPL-2.0), injected into each page through WebDriver (so the
page's content security policy does not apply to it)."""
from pathlib import Path

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

AXE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}).then(r => done(
  r.violations.filter(v => v.impact === 'serious' || v.impact === 'critical').map(v => ({
    id: v.id, impact: v.impact,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' | ' + (n.failureSummary || '')
                                     .replace(/\\s+/g, ' ').slice(0, 200))}))));
"""


def wait_for_maps(driver):
    """Wait until every risk map frame on the page has drawn."""
    for frame in driver.find_elements(By.CSS_SELECTOR, "iframe.map-frame"):
        driver.switch_to.frame(frame)
        WebDriverWait(driver, 30).until(
            lambda d: d.execute_script("return !!document.querySelector('[data-risk-map-ready]')"))
        driver.switch_to.default_content()


def violations(driver) -> list:
    """The serious and critical WCAG 2.1 A/AA violations of the loaded page and its map
    frames (none for a page that is not HTML)."""
    if driver.execute_script("return document.contentType") != "text/html":
        return []  # /healthz and the like answer JSON
    driver.set_script_timeout(60)
    found = []
    for frame in [None, *driver.find_elements(By.CSS_SELECTOR, "iframe.map-frame")]:
        if frame is not None:
            driver.switch_to.frame(frame)
        driver.execute_script(AXE)
        found += driver.execute_async_script(RUN)
        driver.switch_to.default_content()
    return found


def walk(browser, paths) -> dict:
    """{path: violations} for each of ``paths`` that has any."""
    found = {}
    for path in paths:
        browser.get(path)
        wait_for_maps(browser.driver)
        if problems := violations(browser.driver):
            found[path] = problems
    return found
