"""WCAG 2.1 AA (issue #16 §5): axe-core finds no serious or critical violation on the pages
open to anybody, on the enterprise portal, and in English. Every page an administrator
reaches is checked by the strict-CSP walk (tests/browser/test_csp.py), which visits them
all anyway."""
import json

import pytest

from tests.browser.axe import walk

pytestmark = pytest.mark.browser


def test_no_serious_violation_on_public_pages_and_in_english(browser, accounts, admin_api):
    problems = walk(browser, ["/login", "/portal/register", "/public/filings", "/verify/" + "0" * 32])
    _id, name = accounts.make("officer", ["411002"])
    browser.login(name, accounts.password)
    browser.get("/")
    browser.driver.find_element("css selector", "form[action$='/lang/en'] button").click()
    problems.update({f"en {p}": v for p, v in walk(
        browser, ["/", "/enterprises", "/plans", "/map", "/submissions", "/reminders"]).items()})
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)


def test_no_serious_violation_in_the_enterprise_portal(app, runner, browser, accounts):
    assert runner.invoke(args=["load-demo"]).exit_code == 0
    import sqlalchemy as sa

    from registry.auth.service import set_password
    from registry.extensions import db
    from registry.models import Submission, User

    with app.test_request_context(method="POST"):
        user = db.session.scalar(sa.select(User).where(User.username == "qiye_demo"))
        set_password(user, accounts.password)
        db.session.commit()
        ids = sorted(user.enterprise_ids)
        subs = db.session.scalars(sa.select(Submission.id).where(
            Submission.enterprise_id.in_(ids))).all()
    browser.login("qiye_demo", accounts.password)
    paths = ["/portal/", f"/portal/enterprises/{ids[0]}",
             f"/portal/enterprises/{ids[0]}/submissions/new", "/account/password"]
    paths += [f"/portal/submissions/{s}" for s in subs] + [f"/portal/submissions/{subs[0]}/inventory"]
    problems = walk(browser, paths)
    assert not problems, json.dumps(problems, ensure_ascii=False, indent=1)
