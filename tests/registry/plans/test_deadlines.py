"""Filing deadlines: the calendar API and ``recompute-deadlines`` (issue #22 point 1).

Expected dates are counted by hand on the published calendars (2025 National Day
arrangement; 2027's statutory holidays), not taken from the code."""
from datetime import date

import pytest
import sqlalchemy as sa

from tests.conftest import enterprise_payload, plan_payload


@pytest.mark.parametrize("role", ["admin", "officer", "viewer"])
def test_any_signed_in_role_gets_the_deadline(client, accounts, role):
    api = accounts.api(client, role, counties=() if role == "admin" else ("411002",))
    r = api.get("/calendar/filing-deadline?signed_on=2025-09-26")
    assert r.status_code == 200, r.json
    # domain.md: National Day week plus the Sept 28 / Oct 11 调休 Saturdays.
    assert r.json == {"signed_on": "2025-09-26", "deadline": "2025-10-30",
                      "approximate": False, "working_days": 20}


def test_a_year_without_calendar_skips_statutory_holidays_and_says_so(admin_api):
    # Dec 7–31 2026 hold 19 working days; 2027-01-01 is 元旦, so the 20th is Monday Jan 4.
    r = admin_api.get("/calendar/filing-deadline?signed_on=2026-12-04")
    assert r.json["deadline"] == "2027-01-04"
    assert r.json["approximate"] is True


@pytest.mark.parametrize("query", ["", "?signed_on=2026-02-30", "?signed_on=yesterday",
                                   "?signed_on=9999-12-31", "?signed_on=2026-1-4"])
def test_bad_signing_dates_are_refused_naming_the_field(admin_api, query):
    r = admin_api.get("/calendar/filing-deadline" + query)
    assert r.status_code == 422, r.json
    assert list(r.json["error"]["fields"]) == ["signed_on"]


def test_the_deadline_needs_a_token(client):
    assert client.get("/api/v1/calendar/filing-deadline?signed_on=2026-03-02").status_code == 401


def test_the_operation_is_documented(admin_api):
    paths = admin_api.get("/openapi.json").json["paths"]
    assert "get" in paths["/calendar/filing-deadline"]


def _stored(app, plan_id):
    from registry.extensions import db
    from registry.models import Plan

    with app.app_context():
        plan = db.session.get(Plan, plan_id)
        return plan.filing_deadline, plan.deadline_approximate, plan.filed_late


def test_recompute_fixes_approximate_deadlines_and_rejudges_lateness(app, admin_api, runner):
    from registry.extensions import db
    from registry.models import AuditEntry, Plan

    app.config["TODAY"] = "2027-01-20"
    enterprise = admin_api.post("/enterprises", json=enterprise_payload(1)).json
    other = admin_api.post("/enterprises", json=enterprise_payload(2)).json
    approx = admin_api.post("/plans", json=plan_payload(
        enterprise["id"], signed_on="2026-12-04", filed_on="2027-01-04")).json
    exact = admin_api.post("/plans", json=plan_payload(other["id"])).json
    assert (approx["filing_deadline"], approx["deadline_approximate"],
            approx["filed_late"]) == ("2027-01-04", True, False)
    # As stored by the Monday–Friday fallback before this rule: 2027-01-01, so filed late.
    # The exact one is wrong on purpose too: recompute must leave exact deadlines alone.
    with app.app_context():
        db.session.execute(sa.update(Plan).where(Plan.id == approx["id"]).values(
            filing_deadline=date(2027, 1, 1), filed_late=True))
        db.session.execute(sa.update(Plan).where(Plan.id == exact["id"]).values(
            filing_deadline=date(2026, 3, 3)))
        db.session.commit()

    r = runner.invoke(args=["recompute-deadlines"])
    assert r.exit_code == 0, r.output
    assert "1 approximate checked, 1 changed, 1 still approximate" in r.output
    assert "0 now late, 1 no longer late" in r.output
    assert _stored(app, approx["id"]) == (date(2027, 1, 4), True, False)
    assert _stored(app, exact["id"]) == (date(2026, 3, 3), False, False)
    with app.app_context():
        entries = db.session.scalars(sa.select(AuditEntry).where(
            AuditEntry.action == "recompute_deadline")).all()
        assert [(e.entity_id, e.actor_name, e.before, e.after) for e in entries] == [
            (approx["id"], "recompute-deadlines",
             {"filing_deadline": "2027-01-01", "filed_late": True},
             {"filing_deadline": "2027-01-04", "filed_late": False})]

    # Nothing left to change: a second run records nothing.
    r = runner.invoke(args=["recompute-deadlines"])
    assert "1 approximate checked, 0 changed" in r.output


def test_only_an_administrator_recomputes(app, accounts):
    from registry.errors import PermissionDenied
    from registry.extensions import db
    from registry.models import User
    from registry.plans.deadlines import recompute_deadlines

    user_id, _name = accounts.make("officer", ("411002",))
    with app.app_context(), pytest.raises(PermissionDenied):
        recompute_deadlines(db.session.get(User, user_id))


@pytest.mark.parametrize("today, warn", [(date(2026, 12, 1), True), (date(2026, 11, 30), False),
                                         (date(2025, 12, 15), False)])
def test_december_warning_when_next_years_calendar_is_unknown(today, warn):
    from registry.plans.deadlines import next_year_unknown

    # chinesecalendar 1.11.0 knows 2026 but not 2027.
    assert next_year_unknown(today) is warn


def test_the_configured_working_days_apply(app, admin_api):
    app.config["FILING_DEADLINE_WORKING_DAYS"] = 5
    # 2025-09-26 (Fri): Sept 28 (Sun, 调休) and Sept 29, 30 are days 1–3; Oct 1–8 off;
    # Oct 9, 10 are days 4–5.
    r = admin_api.get("/calendar/filing-deadline?signed_on=2025-09-26")
    assert (r.json["deadline"], r.json["working_days"]) == ("2025-10-10", 5)
