"""Stored XSS: a corpus of payloads (HTML, attribute, JavaScript-string, template-literal)
stored through the API in every free-text field of enterprises and plans, drills and
corrective actions, agreements and their rosters and meetings, then every page that shows
them opened in headless Chromium. No dialog may open and no payload may run (each payload
would set ``window.__xss``); the text must show as typed."""
import os
from urllib.parse import quote

from selenium.webdriver.common.by import By

from tests.browser.test_pages import assert_no_dialog
from tests.conftest import enterprise_payload, plan_payload
from tests.registry.agreements.payloads import luohe
from tests.registry.drills.conftest import action_payload, drill_payload

# Each payload runs alert(N) and sets window.__xss if it ever executes.
RUN = "window.__xss=1,alert({n})"
CORPUS = [
    "<script>{run}</script>",                              # HTML element
    "<img src=x onerror=\"{run}\">",                      # HTML event handler
    "\"><svg onload=\"{run}\">",                          # break out of a double-quoted attribute
    "' autofocus onfocus='{run}' x='",                     # break out of a single-quoted attribute
    "';{run};//",                                          # JavaScript single-quoted string
    "\";{run};//",                                         # JavaScript double-quoted string
    "</script><script>{run}</script>",                     # close the surrounding <script>
    "`;{run};`${{{run}}}",                                 # template literal and ${} substitution
    "javascript:{run}",                                    # a URL scheme in a link
    "{{{{7*7}}}}<a href=x onclick=\"{run}\">x</a>",        # template syntax and a link handler
]
PAYLOADS = [p.format(run=RUN.format(n=i + 1)) for i, p in enumerate(CORPUS)]
ENTERPRISE_TEXT = ("name", "address", "industry", "contact_name")
PLAN_TEXT = ("title",)


def _store(api, n, payload):
    """An enterprise (county 411081, on 颍河) and a plan with ``payload`` in every free-text
    field, a revision with it as the reason and a correction with it as the note."""
    fields = {f: payload[:60] + f"（{n}）" for f in ENTERPRISE_TEXT}
    fields["name"] = payload + f"化工厂{n}"
    r = api.post("/enterprises", json=enterprise_payload(n, county="411081", longitude=113.40 + n / 1000,
                                                         latitude=34.17, **fields))
    assert r.status_code == 201, r.json
    e = r.json
    r = api.post("/plans", json=plan_payload(e["id"], title=payload, signed_on="2023-08-01",
                                             filed_on="2023-08-10", filing_number=payload[:64]))
    assert r.status_code == 201, r.json
    first = r.json
    r = api.post(f"/plans/{first['id']}/revisions",
                 json={"title": payload, "signed_on": "2026-03-02", "filed_on": "2026-03-20",
                       "risk_level": "general", "reason": payload})
    assert r.status_code == 201, r.json
    plan = r.json
    r = api.patch(f"/plans/{plan['id']}", json={"title": payload + "（更正）", "note": payload})
    assert r.status_code == 200, r.json
    # Misplaced on purpose: declared 襄城县, point in 禹州市 (shows on the checks page).
    wrong = api.post("/enterprises", json=enterprise_payload(n + 100, county="411025", longitude=113.40,
                                                             latitude=34.17, name=payload + "错位"))
    assert wrong.status_code == 201, wrong.json
    return e, first, plan


# Pages that list every record: opened once, they show all payloads together.
SHARED_PAGES = ["/", "/enterprises", "/plans", "/map", "/map/frame", "/map/checks",
                "/map/upstream?target=&km=30"]


def _pages(e, first, plan, payload):
    """The pages that show one record. HARDENING_FULL=1 (make hardening) opens all of
    them for every payload; the normal suite opens the ones with distinct templates."""
    pages = [f"/enterprises/{e['id']}", f"/enterprises/{e['id']}/edit",
             f"/plans/{first['id']}", f"/plans/{plan['id']}", f"/plans/{plan['id']}/correct",
             f"/map/frame?enterprise_id={e['id']}"]
    if os.environ.get("HARDENING_FULL"):
        pages += [f"/enterprises?q={quote(payload[:50])}", f"/enterprises/{e['id']}/plans/new",
                  f"/enterprises/{e['id']}/downstream", f"/plans/{plan['id']}/revise"]
    return pages


def _assert_clean(browser, path):
    assert_no_dialog(browser.driver)
    executed = browser.driver.execute_script(
        "return window.__xss || [...document.querySelectorAll('iframe')].some("
        "f => { try { return f.contentWindow.__xss } catch (e) { return false } })")
    assert not executed, f"a stored payload ran on {path}"


def test_stored_payloads_never_run(browser, accounts, admin_api):
    stored = [(_store(admin_api, n, payload), payload) for n, payload in enumerate(PAYLOADS, 1)]
    _id, name = accounts.make("admin", username="xss-admin")
    browser.login(name, accounts.password)
    opened = 0
    for path in SHARED_PAGES:
        browser.get(path)
        _assert_clean(browser, path)
        opened += 1
    for (e, first, plan), payload in stored:
        for path in _pages(e, first, plan, payload):
            browser.get(path)
            _assert_clean(browser, path)
            opened += 1
        # The enterprise page shows the name as text, exactly as typed.
        browser.get(f"/enterprises/{e['id']}")
        assert payload + "化工厂" in browser.driver.find_element(By.TAG_NAME, "h1").text
    browser.screenshot("xss-enterprise.png")
    # The map documents, with every point in them (popups are built in the browser).
    browser.get("/map/frame")
    browser.driver.execute_script(
        "document.querySelectorAll('.leaflet-marker-icon, .marker-cluster, path.leaflet-interactive')"
        ".forEach(m => m.dispatchEvent(new MouseEvent('click', {bubbles: true})))")
    _assert_clean(browser, "/map/frame (markers clicked)")
    browser.screenshot("xss-map.png")
    assert opened == len(SHARED_PAGES) + len(PAYLOADS) * len(_pages(e, first, plan, payload))
    # An injected <img src=x> or a blocked inline handler would log an error here.
    assert browser.console_errors() == []


# --- drills, corrective actions, agreements -----------------------------------------------

def _store_areas(api, n, payload, enterprise_id):
    """A county drill (exercising the enterprise, so its plan) and a corrective action, and
    an agreement with a Luohe contact and a meeting, with ``payload`` in their free text."""
    text = payload + f"（{n}）"
    r = api.post("/drills", json=drill_payload(
        title=text, evaluation=text, organiser=text, place=text, scenario_substance=text,
        participating_bodies=[text, "禹州市应急管理局"], enterprise_ids=[enterprise_id]))
    assert r.status_code == 201, r.json
    drill = r.json
    r = api.post(f"/drills/{drill['id']}/actions", json=action_payload(
        description=text, owner_name=payload[:60], owner_unit=text, evidence=text,
        due_on="2026-06-01"))  # overdue: listed on the improvement plan's overdue view too
    assert r.status_code == 201, r.json
    action = r.json
    agreement = luohe(title=text, notification_triggers=text, notification_channel=text,
                      joint_monitoring=text, meeting_cadence=text)
    party = agreement["parties"][0]
    party["environment_department"] = text
    party["contacts"][0].update(name=payload[:60], role=text)
    agreement["sections"][1]["name"] = text
    r = api.post("/agreements", json=agreement)
    assert r.status_code == 201, r.json
    agreement = r.json
    return drill, action, agreement


AREA_PAGES = ["/drills", "/actions", "/actions?view=overdue", "/drills/schedule", "/agreements",
              "/notification-sheet?lon=113.83&lat=34.0", "/map/frame",
              # The annual figures name the agreements signed in the year (payload titles)
              # and count the drills and actions of the year.
              "/annual?year=2024", "/annual?year=2026"]


def _area_pages(drill, action, agreement):
    contact = agreement["parties"][0]["contacts"][0]
    pages = [f"/drills/{drill['id']}", f"/actions/{action['id']}/edit",
             f"/agreements/{agreement['id']}",
             f"/agreements/{agreement['id']}/contacts/{contact['id']}/edit"]
    if os.environ.get("HARDENING_FULL"):
        pages += [f"/drills/{drill['id']}/edit", f"/agreements/{agreement['id']}/edit",
                  f"/enterprises/{drill['enterprises'][0]['id']}"]
    return pages


def test_stored_payloads_never_run_in_drills_and_agreements(app, browser, accounts, admin_api):
    from datetime import date

    from registry.agreements import roster
    from registry.agreements.schemas import MeetingIn
    from registry.permissions import SYSTEM

    stored = []
    for n, payload in enumerate(PAYLOADS, 1):
        e, _first, plan = _store(admin_api, n, payload)
        drill, action, agreement = _store_areas(admin_api, n, payload, e["id"])
        with app.test_request_context(method="POST"):  # writes: not a read-only GET
            roster.add_meeting(SYSTEM, agreement["id"], MeetingIn(
                held_on=date(2026, 5, 28), place=payload[:150], participants=payload,
                summary=payload))
        stored.append(((drill, action, agreement, plan), payload))
    _id, name = accounts.make("admin", username="xss-admin")
    browser.login(name, accounts.password)
    for path in AREA_PAGES:
        browser.get(path)
        _assert_clean(browser, path)
    for (drill, action, agreement, plan), payload in stored:
        for path in _area_pages(drill, action, agreement) + [f"/plans/{plan['id']}"]:
            browser.get(path)
            _assert_clean(browser, path)
        # Title and evaluation show as text, exactly as typed.
        browser.get(f"/drills/{drill['id']}")
        assert payload in browser.driver.find_element(By.TAG_NAME, "h1").text
        assert payload in browser.driver.find_element(By.TAG_NAME, "main").text
        browser.get(f"/agreements/{agreement['id']}")
        main = browser.driver.find_element(By.TAG_NAME, "main").text
        assert payload in main and payload[:60] in main
    browser.screenshot("xss-drill.png")
    browser.get("/annual?year=2024")
    annual = browser.driver.find_element(By.TAG_NAME, "main").text
    assert all(payload in annual for _records, payload in stored), "agreement titles shown as text"
    browser.get("/map/frame")
    browser.driver.execute_script(
        "document.querySelectorAll('.leaflet-marker-icon, .marker-cluster, path.leaflet-interactive')"
        ".forEach(m => m.dispatchEvent(new MouseEvent('click', {bubbles: true})))")
    _assert_clean(browser, "/map/frame (markers clicked)")
    assert browser.console_errors() == []


# --- import previews ----------------------------------------------------------------------

def test_uploaded_payloads_never_run_in_import_previews(browser, accounts, tmp_path):
    """A register whose every text cell is a payload, and one whose invalid cells are
    payloads (the error list shows the raw value back), uploaded through the import page:
    neither preview runs one, and the names show as typed."""
    from selenium.webdriver.support.ui import WebDriverWait

    from tests.registry.workflows.helpers import row, write_xlsx

    text_cells = ("详细地址", "行业类别", "联系人")
    good = [row(n, **{"企业名称": payload + f"化工厂{n}", "预案名称": payload,
                      **{c: payload[:60] for c in text_cells}})
            for n, payload in enumerate(PAYLOADS, 1)]
    bad = [row(100 + n, **{"环境风险等级": payload[:60], "经度": payload[:60],
                           "所在县（市、区）": payload[:30], "签署发布日期": payload[:30]})
           for n, payload in enumerate(PAYLOADS, 1)]
    _id, name = accounts.make("admin", username="xss-importer")
    browser.login(name, accounts.password)
    for rows, file_name, shown in ((good, "登记表.xlsx", "import-preview"),
                                   (bad, "错误登记表.xlsx", "import-errors")):
        browser.get("/import")
        browser.driver.find_element(By.ID, "f-file").send_keys(str(write_xlsx(tmp_path / file_name, rows)))
        browser.driver.find_element(By.CSS_SELECTOR, "main form button").click()
        WebDriverWait(browser.driver, 20).until(lambda d: d.find_elements(By.ID, shown))  # noqa: B023
        _assert_clean(browser, f"/import/<token> ({file_name})")
        text = browser.driver.find_element(By.ID, shown).text
        if shown == "import-preview":
            assert all(f"化工厂{n}" in text for n in range(1, len(PAYLOADS) + 1))
            assert "<script>window.__xss=1,alert(1)</script>化工厂1" in text
        else:
            assert "<img src=x onerror=" in text  # the refused value, shown back as text
    assert browser.console_errors() == []
