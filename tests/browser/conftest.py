"""A live server in a thread and a real headless Chromium (Debian chromium +
chromium-driver) driven by Selenium. Outside CI a missing browser skips these tests;
with REQUIRE_BROWSER=1 (set by .ci/run) it fails them.

Every browser test also fails (at teardown) if any page or frame it opened reported a
content security policy violation: a listener added to every document before its own
scripts run records each ``securitypolicyviolation`` event in the origin's localStorage,
which survives navigation and is shared with the same-origin map frame."""
from __future__ import annotations

import contextlib
import json
import os
import shutil
import threading
from urllib.parse import urlsplit

import pytest
from werkzeug.serving import make_server

from tests.registry.reminders.conftest import smtp  # noqa: F401 (a real SMTP server, for pages that mail)

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"


def _require_browser():
    if os.path.exists(CHROMIUM) and os.path.exists(CHROMEDRIVER):
        return
    if os.environ.get("REQUIRE_BROWSER") == "1" or os.environ.get("CI"):
        pytest.fail("headless Chromium is required (apt-get install chromium chromium-driver)")
    pytest.skip("chromium / chromedriver not installed")


def _closing(app):
    """``app`` with every response body closed once the server lets go of it. werkzeug's
    development server does not close it when the client drops the connection
    mid-response (a browser navigating away from a page still loading its assets): its
    clean-up reads the reset socket first, which raises. A file left open then warns when
    collected, and pytest.ini makes that warning fail whichever test is running
    (tests/browser/test_live_server.py). A generator is closed when collected, and its
    ``finally`` closes the body."""
    def wsgi(environ, start_response):
        body = app(environ, start_response)
        try:
            yield from body
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()
    return wsgi


@pytest.fixture
def live_server(app):
    server = make_server("127.0.0.1", 0, _closing(app), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(10)


CSP_KEY = "__cspViolations"
# Installed through DevTools (Page.addScriptToEvaluateOnNewDocument), so the page's own
# policy does not apply to it and it runs in every frame before the page's scripts.
CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", function (e) {
  var list = JSON.parse(localStorage.getItem("%s") || "[]");
  list.push({page: location.href, directive: e.effectiveDirective, blocked: e.blockedURI,
             sample: e.sample, at: e.sourceFile + ":" + e.lineNumber});
  localStorage.setItem("%s", JSON.stringify(list));
}, true);
""" % (CSP_KEY, CSP_KEY)  # noqa: UP031 (JavaScript braces would need doubling in a format string)


class Browser:
    def __init__(self, driver, base_url):
        self.driver, self.base_url = driver, base_url
        self._log: list[dict] = []

    def _browser_log(self) -> list[dict]:
        """Every console entry so far (chromedriver hands each entry out only once)."""
        self._log.extend(self.driver.get_log("browser"))
        return self._log

    def get(self, path):
        self.driver.get(self.base_url + path)

    def login(self, username, password):
        from selenium.webdriver.common.by import By

        self.get("/login")
        self.driver.find_element(By.ID, "username").send_keys(username)
        self.driver.find_element(By.ID, "password").send_keys(password)
        self.driver.find_element(By.CSS_SELECTOR, "main form button[type=submit], main form button").click()
        from selenium.webdriver.support.ui import WebDriverWait

        from selenium.common.exceptions import TimeoutException

        try:
            WebDriverWait(self.driver, 20).until(lambda d: "/login" not in d.current_url)
        except TimeoutException:
            body = self.driver.find_element(By.TAG_NAME, "main").text
            raise AssertionError(f"login as {username} failed: {body}") from None

    def console_errors(self):
        return [e for e in self._browser_log() if e["level"] == "SEVERE"]

    def csp_violations(self, clear: bool = False) -> list[dict]:
        """Violations reported by any page or frame of the app's origin so far, plus any
        console message about the policy (Chromium logs each refusal too). Leaves the
        driver on the top document (loading one of the origin if it was elsewhere)."""
        from selenium.common.exceptions import NoAlertPresentException

        with contextlib.suppress(NoAlertPresentException):
            self.driver.switch_to.alert.dismiss()  # a failed XSS test may leave one open
        self.driver.switch_to.default_content()
        if not self.driver.current_url.startswith(self.base_url + "/"):
            self.get("/static/app.css")  # any document of the origin can read its storage
        script = f"var v = localStorage.getItem('{CSP_KEY}');"
        if clear:
            script += f" localStorage.removeItem('{CSP_KEY}');"
        found = self.driver.execute_script(script + " return JSON.parse(v || '[]');")
        logged = [e for e in self._browser_log() if "Content Security Policy" in e["message"]]
        if clear:
            self._log = [e for e in self._log if e not in logged]
        return found + logged

    def requested_urls(self):
        urls = []
        for entry in self.driver.get_log("performance"):
            message = json.loads(entry["message"])["message"]
            if message["method"] == "Network.requestWillBeSent":
                urls.append(message["params"]["request"]["url"])
        return urls

    def foreign_requests(self):
        return [u for u in self.requested_urls()
                if urlsplit(u).scheme in ("http", "https", "ws", "wss")
                and urlsplit(u).hostname not in ("127.0.0.1", "localhost")]

    def screenshot(self, name):
        directory = os.environ.get("SCREENSHOT_DIR")
        if directory:
            os.makedirs(directory, exist_ok=True)
            self.driver.save_screenshot(os.path.join(directory, name))


@pytest.fixture
def browser(live_server):
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--disable-quic", "--window-size=1366,768", "--lang=zh-CN"):
        options.add_argument(arg)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    try:
        driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": CSP_LISTENER})
        browser = Browser(driver, live_server)
        yield browser
        violations = browser.csp_violations()
        assert violations == [], f"content security policy violations: {violations}"
    finally:
        driver.quit()
