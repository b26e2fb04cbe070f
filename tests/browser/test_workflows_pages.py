"""Dashboard, import and annual pages in a real browser: charts drawn by the vendored
Chart.js, no console errors, nothing fetched from outside, fits 1366x768."""
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.registry.workflows.helpers import row, write_xlsx


def _fits(browser, path):
    width = browser.driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= 1366, f"{path} is {width}px wide"


def test_dashboard_import_report_and_annual(demo, browser, accounts, tmp_path):
    assert demo.exit_code == 0
    _id, name = accounts.make("officer", ["411081", "411082", "411002", "411003", "411024", "411025"])
    browser.login(name, accounts.password)

    browser.get("/")
    figure = browser.driver.find_element(By.CSS_SELECTOR, '[data-figure="total"]')
    assert figure.text == "527"
    # Chart.js drew on each canvas (a drawn canvas has a Chart instance attached).
    drawn = browser.driver.execute_script(
        "return ['chart-level','chart-county','chart-status'].map("
        "id => !!Chart.getChart(document.getElementById(id)))")
    assert drawn == [True, True, True]
    panel_charts = browser.driver.execute_script(
        "return Array.from(document.querySelectorAll('canvas[data-chart]')).map("
        "c => !!Chart.getChart(c))")
    assert panel_charts == [True, True]  # drills by theme, agreements by status
    _fits(browser, "/")
    browser.screenshot("workflows-dashboard.png")

    bad = write_xlsx(tmp_path / "登记表.xlsx", [
        row(1), row(2, 统一社会信用代码="91411081MA0000002X"), row(3, 签署发布日期="2023-02-30"),
        row(4, 环境风险等级="很高"), row(5, **{"所在县（市、区）": "洛阳市"})])
    browser.get("/import")
    browser.driver.find_element(By.ID, "f-file").send_keys(str(bad))
    browser.driver.find_element(By.CSS_SELECTOR, "main form button").click()
    WebDriverWait(browser.driver, 20).until(lambda d: d.find_elements(By.ID, "import-errors"))
    rows = browser.driver.find_elements(By.CSS_SELECTOR, "#import-errors tbody tr")
    assert len(rows) == 4
    _fits(browser, "/import/<token>")
    browser.screenshot("workflows-import-report.png")

    good = write_xlsx(tmp_path / "good.xlsx", [row(1), row(2)])
    browser.get("/import")
    browser.driver.find_element(By.ID, "f-file").send_keys(str(good))
    browser.driver.find_element(By.CSS_SELECTOR, "main form button").click()
    WebDriverWait(browser.driver, 20).until(lambda d: d.find_elements(By.ID, "import-preview"))
    browser.screenshot("workflows-import-preview.png")

    browser.get("/annual?year=2023")
    paragraph = browser.driver.find_element(By.ID, "annual-paragraph").text
    assert "环境风险企业预案备案" in paragraph and "等各类演练41次" in paragraph
    assert "与漯河、周口、平顶山等市生态环境部门签订" in paragraph
    _fits(browser, "/annual")
    browser.screenshot("workflows-annual.png")

    # The area lists' export buttons keep the page's filter and fit beside the title.
    for path, expected in (("/drills?year=2023&theme=counter_terrorism", "theme=counter_terrorism"),
                           ("/actions?view=overdue", "view=overdue"),
                           ("/agreements?status=expired", "status=expired")):
        browser.get(path)
        links = browser.driver.find_elements(By.CSS_SELECTOR, ".export-links a")
        assert [a.text for a in links] == ["Excel", "CSV"], path
        assert all(expected in a.get_attribute("href") for a in links), path
        assert all(a.is_displayed() for a in links), path
        _fits(browser, path)
        browser.screenshot(f"workflows-export-{path[1:path.index('?')]}.png")

    browser.get("/enterprises?county_code=411081")
    link = browser.driver.find_element(By.CSS_SELECTOR, ".export-links a").get_attribute("href")
    assert "county_code=411081" in link
    assert browser.console_errors() == []
    assert browser.foreign_requests() == []
