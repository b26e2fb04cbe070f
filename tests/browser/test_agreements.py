"""Agreement pages and the printable notification sheet in a real browser: no console
errors, nothing fetched from outside, fit 1366x768; the sheet prints on one A4 page."""
import base64

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.conftest import enterprise_payload
from tests.registry.agreements.payloads import XUCHANG_COUNTIES, luohe, zhoukou


@pytest.fixture
def city_browser(browser, accounts, admin_api):
    admin_api.post("/agreements", json=luohe())
    admin_api.post("/agreements", json=zhoukou())
    admin_api.post("/agreements", json=luohe(title="许昌市—平顶山市北汝河联防联控协议", rivers=["北汝河"],
                                             signed_on="2022-01-05", term_years=3, sections=[],
                                             parties=[{"city_name": "平顶山市",
                                                       "environment_department": "平顶山市生态环境局",
                                                       "river_roles": [{"river": "北汝河", "role": "upstream"}],
                                                       "contacts": [{"name": "陈刚", "role": "科长",
                                                                     "duty_phone": "0375-2600110"}]}]))
    _id, name = accounts.make("officer", XUCHANG_COUNTIES)
    browser.login(name, accounts.password)
    return browser


def _fits(browser, path):
    width = browser.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 1366, f"{path} is {width}px wide"


def test_agreement_pages(city_browser):
    pages = {"list": "/agreements", "agreement": "/agreements/1", "form": "/agreements/new",
             "amend": "/agreements/1/edit", "sheet-form": "/notification-sheet"}
    for label, path in pages.items():
        city_browser.get(path)
        assert city_browser.driver.find_element(By.TAG_NAME, "h1").text, path
        city_browser.screenshot(f"agreements-{label}.png")
        _fits(city_browser, path)
    city_browser.get("/agreements/1")
    rows = city_browser.driver.find_elements(By.CSS_SELECTOR, "table.roster tr.table-warning")
    assert len(rows) == 1                                 # 赵红, stale
    rows[0].find_element(By.CSS_SELECTOR, "button.btn-outline-success").click()
    # The form posts and redirects back: wait for the new page, not the old one.
    # (The old page's <main> may go stale between finding it and reading it: retry then.)
    WebDriverWait(city_browser.driver, 30, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: "标记为今日核实" in d.find_element(By.TAG_NAME, "main").text)
    assert city_browser.driver.find_elements(By.CSS_SELECTOR, "table.roster tr.table-warning") == []
    assert city_browser.console_errors() == []
    assert city_browser.foreign_requests() == []


def test_printable_notification_sheet(city_browser, admin_api):
    pytest.importorskip("geodata.analysis")
    e = admin_api.post("/enterprises", json=enterprise_payload(1, county="411002")).json
    path = f"/notification-sheet?enterprise_id={e['id']}"
    city_browser.get(path)
    main = city_browser.driver.find_element(By.TAG_NAME, "main").text
    assert "漯河市" in main and "0395-3100110" in main and "1 小时内通报" in main
    city_browser.screenshot("agreements-sheet.png")
    _fits(city_browser, path)
    driver = city_browser.driver
    pdf = driver.execute_cdp_cmd("Page.printToPDF", {"paperWidth": 8.27, "paperHeight": 11.69,
                                                     "preferCSSPageSize": True, "printBackground": True})
    data = base64.b64decode(pdf["data"])
    pages = _pdf_pages(data)
    assert pages == 1, f"the sheet prints on {pages} A4 pages"
    # What the print looks like: print media at A4 width (210 mm at 96 dpi = 794 px).
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
    driver.set_window_size(794 + 16, 1123 + 120)
    city_browser.screenshot("agreements-sheet-a4-print.png")
    assert city_browser.console_errors() == []
    assert city_browser.foreign_requests() == []


def _pdf_pages(data: bytes) -> int:
    import re

    counts = [int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", data)]
    counts += [int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", data)]
    return max(counts) if counts else -1
