"""The strict content security policy in a real Chromium: every page of the app, and the
risk map's interactions, run without one violation (no inline script or style outside the
map document's nonce), and the violation detector itself notices a refused script or
style in a page and in the map frame.

The browser fixture already fails any browser test that caused a violation; this file
makes sure every page is visited at least once, on the demo data, and runs axe-core on
each (WCAG 2.1 AA: no serious or critical violation, tests/browser/axe.py)."""
from __future__ import annotations

import json
import re
import time
from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.browser import axe
from tests.registry.workflows.helpers import row, write_xlsx

# GET routes that serve files or JSON, not pages (their answers carry the policy too,
# see tests/registry/hardening/test_headers.py), and the map document, which the
# map pages embed.
NOT_PAGES = {"static", "plans.earlier_file", "agreements.download", "annual.download",
             "annual.download_xlsx", "drills.download", "plans.download", "workflows.export", "workflows.import_report",
             "workflows.import_template", "map.details", "map.frame",
             "portal.receipt_pdf", "submissions.officer_receipt_pdf",
             "incidents.sheet", "substances.held_substances"}
# Pages worth a second visit with a query: results, filters, the printable sheet.
WITH_QUERY = ("/map?risk_level=major", "/annual?year=2025", "/enterprises?q=化工",
              "/drills?year=2025", "/notification-sheet?enterprise_id={enterprise_id}")

INJECT = """
var doc = arguments[0] ? document.getElementById('risk-map-frame').contentDocument : document;
var s = doc.createElement('script'); s.textContent = 'window.__inline = 1;'; doc.body.appendChild(s);
doc.body.setAttribute('style', 'outline: 1px solid red');
"""

UNCOVERED_CLUSTER = """
return Array.from(document.querySelectorAll('.rm-cluster')).find(function (c) {
  var r = c.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
  return x > 0 && y > 0 && x < innerWidth && y < innerHeight && c.contains(document.elementFromPoint(x, y));
});"""


def _submission(app, runner, accounts, admin_token: str) -> dict:
    """An accepted online revision of a demo enterprise's plan (the demo has none), made as
    an enterprise user and an administrator would: its ids and verification code."""
    import io

    import sqlalchemy as sa

    from registry.extensions import db
    from registry.models import Enterprise, Plan, User
    from registry.models.submissions import Submission
    from tests.registry.submissions.conftest import KINDS, PDF, submission_payload

    with app.app_context():
        plan = db.session.scalars(sa.select(Plan).where(Plan.is_current).order_by(Plan.id)).first()
        credit_code = db.session.get(Enterprise, plan.enterprise_id).credit_code
        plan_id, enterprise_id = plan.id, plan.enterprise_id
    assert runner.invoke(args=["create-user", "qiye_csp", "--role", "enterprise", "--enterprise",
                               credit_code, "--password", accounts.password]).exit_code == 0
    client = app.test_client()
    ours = {"Authorization": f"Bearer {accounts.token('qiye_csp')}"}
    body = submission_payload(enterprise_id, kind="revision", plan_id=plan_id, signed_on="2026-06-01",
                              reason="回顾性评估后修订")
    r = client.post("/api/v1/submissions", json=body, headers=ours)
    assert r.status_code == 201, r.json
    sid = r.json["id"]
    for kind in KINDS:
        r = client.post(f"/api/v1/submissions/{sid}/documents/{kind}", headers=ours,
                        data={"file": (io.BytesIO(PDF), "材料.pdf")}, content_type="multipart/form-data")
        assert r.status_code == 201, r.json
    assert client.post(f"/api/v1/submissions/{sid}/submit", headers=ours).status_code == 200
    r = client.post(f"/api/v1/submissions/{sid}/accept", headers={"Authorization": f"Bearer {admin_token}"})
    assert r.status_code == 200, r.json
    with app.test_request_context(method="POST"):
        from registry.auth import links
        from registry.permissions import SYSTEM

        sub = db.session.get(Submission, sid)
        user = db.session.scalar(sa.select(User).where(User.username == "qiye_csp"))
        token = links.issue(SYSTEM, user)  # its set-password page
        records = {"submission_id": sid, "document_id": sub.documents[0].id,
                   "code": sub.verify_code, "user_id": user.id, "token": token}
        db.session.commit()
        return records


def _records(app) -> dict:
    import sqlalchemy as sa

    from registry.extensions import db
    from registry.models.agreements import AgreementContact, AgreementParty
    from registry.models.drills import CorrectiveAction, Drill
    from registry.models.plans import Plan

    def first(*columns):
        return db.session.execute(sa.select(*columns).order_by(columns[0]).limit(1)).one()

    with app.app_context():
        plan_id, enterprise_id = first(Plan.id, Plan.enterprise_id)
        substance_id = _substance_and_inventory(enterprise_id)
        contact_id, agreement_id = db.session.execute(
            sa.select(AgreementContact.id, AgreementParty.agreement_id).join(AgreementParty)
            .order_by(AgreementContact.id).limit(1)).one()
        from registry.models import Incident  # the demo's incident (registry/incidents/demo.py)

        return {"incident_id": first(Incident.id)[0],
                "enterprise_id": enterprise_id, "plan_id": plan_id,
                "drill_id": first(Drill.id)[0], "action_id": first(CorrectiveAction.id)[0],
                "agreement_id": agreement_id, "contact_id": contact_id,
                "substance_id": substance_id}


def _substance_and_inventory(enterprise_id: int) -> int:
    """A risk substance (the demo has none) and the enterprise's inventory holding it, so
    the substance form and the inventory page with its figures are walked (issue #20)."""
    from registry.permissions import SYSTEM
    from registry.substances import inventory, service
    from registry.substances.schemas import InventoryIn, SubstanceIn

    substance = service.create_substance(SYSTEM, SubstanceIn(
        name="测试物质（浏览器）", critical_quantity_t=5, media=["water"]))
    inventory.put_inventory(SYSTEM, enterprise_id, InventoryIn(
        substances=[{"substance_id": substance.id, "max_quantity_t": 10}],
        water={"control_score": 10, "e": "E3", "e_reason": "测试"}))
    return substance.id


def _pages(app, records) -> list[str]:
    """Every GET page route of the web app, its path filled from the demo records. A new
    page whose parameters cannot be filled fails here: add the parameter to _records."""
    paths, unfilled = [], []
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.endpoint in NOT_PAGES or rule.rule.startswith("/api"):
            continue
        if rule.endpoint in ("workflows.import_preview", "workflows.import_status"):
            continue  # reached by uploading a file, below
        missing = rule.arguments - records.keys()
        if missing:
            unfilled.append(f"{rule.rule} needs {sorted(missing)}")
            continue
        paths.append(re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(records[m.group(1)]), rule.rule))
    assert not unfilled, f"pages this test cannot reach: {unfilled}"
    return sorted(paths) + [q.format(**records) for q in WITH_QUERY]


_wait_for_maps = axe.wait_for_maps


@pytest.fixture
def demo_browser(runner, browser, accounts):
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    _id, name = accounts.make("admin")
    browser.login(name, accounts.password)
    browser.admin_name = name
    return browser


def test_the_detector_sees_refused_inline_code(demo_browser):
    """Without this the other checks could pass by seeing nothing."""
    browser = demo_browser
    browser.get("/")
    browser.driver.execute_script(INJECT, False)
    browser.get("/map")
    _wait_for_maps(browser.driver)
    browser.driver.execute_script(INJECT, True)
    WebDriverWait(browser.driver, 10).until(lambda d: len(browser.csp_violations()) >= 4)
    found = browser.csp_violations(clear=True)
    reports = [v for v in found if "directive" in v]
    assert {(v["page"].split("?")[0].removeprefix(browser.base_url), v["directive"]) for v in reports} == {
        ("/", "script-src-elem"), ("/", "style-src-attr"),
        ("/map/frame", "script-src-elem"), ("/map/frame", "style-src-attr")}
    # The frame's own inline code ran: it carries the nonce. The injected copy did not.
    assert browser.driver.execute_script(
        "return document.getElementById('risk-map-frame').contentWindow.__inline") is None
    assert browser.csp_violations() == []


def test_every_page_runs_under_the_strict_policy(app, demo_browser, runner, accounts, tmp_path):
    browser, driver = demo_browser, demo_browser.driver
    records = {**_records(app), **_submission(app, runner, accounts, accounts.token(browser.admin_name))}
    pages = _pages(app, records)
    assert len(pages) >= 35
    inaccessible = {}
    for path in pages:
        browser.get(path)
        assert path == "/login" or "/login" not in driver.current_url, path  # still logged in
        _wait_for_maps(driver)
        assert browser.csp_violations() == [], path
        # WCAG 2.1 AA on the same page (issue #16 §5): no serious or critical axe finding.
        if found := axe.violations(driver):
            inaccessible[path] = found
    assert not inaccessible, json.dumps(inaccessible, ensure_ascii=False, indent=1)

    # The import preview, reached by uploading a register (row 2's credit code names no
    # known division: the preview shows its warning table too).
    from registry.rules.credit_code import build_credit_code

    doubtful = build_credit_code("91", "991081", "MA000042")
    browser.get("/import")
    driver.find_element(By.ID, "f-file").send_keys(str(write_xlsx(
        tmp_path / "登记表.xlsx", [row(1), row(2, 统一社会信用代码=doubtful)])))
    driver.find_element(By.CSS_SELECTOR, "main form button").click()
    WebDriverWait(driver, 20).until(lambda d: d.find_elements(By.ID, "import-preview"))
    assert browser.csp_violations() == [], "/import/<token>"
    assert driver.find_elements(By.ID, "import-warnings")
    assert not axe.violations(driver), "/import/<token>"
    # The status page of a check under way, in the state its worker writes (a file of a
    # county's size is checked before the page could be seen).
    token = re.search(r"/import/([0-9a-f]{32})", driver.current_url).group(1)
    job_file = Path(app.config["UPLOAD_DIR"]) / "imports" / f"{token}.job.json"
    job = json.loads(job_file.read_text("utf-8"))
    job_file.write_text(json.dumps({**job, "state": "running", "finished_at": None,
                                    "heartbeat": time.time() + 600, "rows_done": 1200,
                                    "rows_total": 3000}), "utf-8")
    app.config["IMPORT_STATUS_REFRESH_S"] = 600  # no reload while axe looks
    browser.get(f"/import/{token}/status")
    assert driver.find_elements(By.ID, "import-progress")
    assert browser.csp_violations() == [], "/import/<token>/status"
    assert not axe.violations(driver), "/import/<token>/status"
    # The page follows its job: paused, it stays; resumed, it goes to the preview once the
    # job has finished (the script fetches the page again and follows the redirect).
    app.config["IMPORT_STATUS_REFRESH_S"] = 1
    browser.get(f"/import/{token}/status")
    driver.find_element(By.ID, "import-pause").click()
    job_file.write_text(json.dumps(job), "utf-8")
    time.sleep(2.5)
    assert driver.current_url.endswith("/status") and driver.find_elements(By.ID, "import-progress")
    driver.find_element(By.ID, "import-pause").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "import-preview"))
    assert not driver.current_url.endswith("/status")
    app.config["IMPORT_STATUS_REFRESH_S"] = 2

    # The dashboard's charts drew (Chart.js sets its canvas sizes through CSSOM only).
    browser.get("/")
    assert driver.execute_script("return ['chart-level','chart-county','chart-status'].map("
                                 "id => !!Chart.getChart(document.getElementById(id)))") == [True] * 3
    # The drill form's place picker works from its static script.
    browser.get("/drills/new")
    driver.find_element(By.ID, "picker").click()
    assert driver.find_element(By.ID, "f-longitude").get_attribute("value")
    assert driver.find_elements(By.CSS_SELECTOR, "#picker .leaflet-marker-icon")
    assert browser.csp_violations() == []


def test_risk_map_interactions_under_the_strict_policy(app, demo_browser):
    browser, driver = demo_browser, demo_browser.driver
    browser.get("/map")
    _wait_for_maps(driver)
    driver.switch_to.frame(driver.find_element(By.ID, "risk-map-frame"))
    # Layer switch: the level swatches keep their colours (SVG fill, not style="").
    fills = driver.execute_script(
        "return Array.from(document.querySelectorAll('.leaflet-control-layers-overlays svg.rm-swatch rect'))"
        ".map(r => getComputedStyle(r).fill)")
    assert fills[:3] == ["rgb(214, 39, 40)", "rgb(255, 127, 14)", "rgb(31, 119, 180)"]
    # The river flow arrows are rotated (set through CSSOM).
    transforms = driver.execute_script(
        "return Array.from(document.querySelectorAll('.rm-arrow span')).map(s => getComputedStyle(s).transform)")
    assert transforms and all(t.startswith("matrix(") for t in transforms)
    # Every overlay switched off and on again (the switch redraws its labels each time).
    count = driver.execute_script(
        "var boxes = document.querySelectorAll('.leaflet-control-layers-overlays input');"
        "boxes.forEach(b => { b.click(); b.click(); }); return boxes.length")
    assert count >= 9  # 3 levels, counties, rivers, sections, receptors, intercepts, drills, agreements
    # A cluster clicked where nothing covers it: the map zooms in.
    zoom = driver.execute_script("return window.riskMap.map.getZoom()")
    driver.execute_script(UNCOVERED_CLUSTER).click()
    WebDriverWait(driver, 10).until(lambda d: d.execute_script("return window.riskMap.map.getZoom()") > zoom)
    # The drills and agreements overlays: on, with a popup each.
    for overlay in ("drills", "agreements"):
        driver.execute_script(
            f"var l = window.riskMap.layers.{overlay}; l.addTo(window.riskMap.map);"
            " l.getLayers()[0].openPopup();")
        WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".leaflet-popup-content"))
    # The search box: type, pick, popup.
    search = driver.find_element(By.CSS_SELECTOR, ".rm-search input")
    name = driver.execute_script("return window.riskMap.items[0].name")
    search.send_keys(name[:4])
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".rm-search-results li[data-id]"))
    driver.find_element(By.CSS_SELECTOR, ".rm-search-results li[data-id]").click()
    WebDriverWait(driver, 20, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: name[:4] in d.find_element(By.CSS_SELECTOR, ".leaflet-popup-content").text)
    assert driver.execute_script("return window.riskMap.setLevels(['serious'])") > 0
    driver.switch_to.default_content()
    browser.screenshot("csp-map-interactions.png")
    assert browser.csp_violations() == []

    # The enterprise page's small map (highlighted) and the downstream trace.
    records = _records(app)
    for path in (f"/enterprises/{records['enterprise_id']}", f"/enterprises/{records['enterprise_id']}/downstream"):
        browser.get(path)
        _wait_for_maps(driver)
        driver.switch_to.frame(driver.find_element(By.CSS_SELECTOR, "iframe.map-frame"))
        layer = "highlight" if "downstream" not in path else "trace"
        assert driver.execute_script(f"return !!window.riskMap.layers.{layer}"), path
        driver.switch_to.default_content()
        assert browser.csp_violations() == [], path
