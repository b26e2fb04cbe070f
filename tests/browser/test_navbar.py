"""The header fits one line at 1366×768 for the role with the most entries (an
administrator, here a demo account: its badge takes room too), in Chinese and in English
(issue #16 §5)."""
import pytest
from selenium.webdriver.common.by import By

pytestmark = pytest.mark.browser

LINES = """
var links = Array.from(document.querySelectorAll('nav .nav-link'));
var tops = new Set(links.map(function (a) { return Math.round(a.getBoundingClientRect().top); }));
var nav = document.querySelector('nav').getBoundingClientRect();
return [tops.size, nav.height, links.length, document.documentElement.scrollWidth];"""


def test_the_header_fits_one_line_in_both_languages(app, browser, accounts):
    from registry.extensions import db
    from registry.models import User

    user_id, name = accounts.make("admin")
    with app.test_request_context(method="POST"):
        db.session.get(User, user_id).is_demo = True
        db.session.commit()
    browser.login(name, accounts.password)
    browser.driver.set_window_size(1366, 768)
    for language in ("zh", "en"):
        browser.get("/")
        lines, height, links, width = browser.driver.execute_script(LINES)
        browser.screenshot(f"navbar-{language}.png")
        assert links >= 12 and lines == 1 and height < 70 and width <= 1366, (language, lines, height, width)
        browser.driver.find_element(By.CSS_SELECTOR, "form[action$='/lang/en'] button").click()
