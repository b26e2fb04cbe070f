"""The command-line contract: create-user, create-token, load-demo."""
import sqlalchemy as sa


def test_create_user_and_token(runner, client):
    r = runner.invoke(args=["create-user", "changge", "--role", "officer", "--county", "411082",
                            "--password", "a-long-password", "--email", "changge@example.com"])
    assert r.exit_code == 0, r.output
    r = runner.invoke(args=["create-token", "changge"])
    assert r.exit_code == 0
    token = r.output.strip().splitlines()[-1]
    resp = client.get("/api/v1/enterprises", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200


def test_create_user_errors_are_clear(runner):
    r = runner.invoke(args=["create-user", "x", "--role", "officer", "--county", "999999",
                            "--password", "a-long-password"])
    assert r.exit_code != 0 and "999999" in r.output
    r = runner.invoke(args=["create-token", "nobody"])
    assert r.exit_code != 0 and "nobody" in r.output


def test_load_demo_reproduces_the_report_and_refuses_twice(demo, runner, app):
    assert demo.exit_code == 0, demo.output
    assert "admin" in demo.output
    with app.app_context():
        from registry.extensions import db
        from registry.models import Enterprise, Plan
        from registry.permissions import SYSTEM
        from registry.plans.service import plan_stats
        from registry.rules.credit_code import validate_credit_code

        stats = plan_stats(SYSTEM)
        assert stats["total"] == 527
        assert stats["by_risk_level"] == {"general": 494, "major": 26, "serious": 7}
        assert stats["by_status"]["overdue"] > 0 and stats["by_status"]["due_soon"] > 0
        # Like a real register: most plans current, a minority overdue.
        assert stats["by_status"]["overdue"] < 527 * 0.25
        from registry.map.service import misplaced

        assert misplaced(SYSTEM) == []  # every demo point lies inside its own county
        # Serials follow filing dates within each county and year.
        plans = db.session.scalars(sa.select(Plan).order_by(
            Plan.filing_county_code, Plan.filing_year, Plan.filing_serial)).all()
        for a, b in zip(plans, plans[1:]):
            if (a.filing_county_code, a.filing_year) == (b.filing_county_code, b.filing_year):
                assert a.filed_on <= b.filed_on, (a.filing_number, b.filing_number)
        enterprises = db.session.scalars(sa.select(Enterprise)).all()
        assert len(enterprises) == 527 and all(e.is_demo for e in enterprises)
        assert all(validate_credit_code(e.credit_code) == e.credit_code for e in enterprises)
        # Issue #22: the demo codes pass GB 11714 too, checked longhand here (base-36 values,
        # weights 3 7 9 10 5 8 4 2, c = 11 - sum mod 11; 10 -> X, 11 -> 0).
        for e in enterprises:
            org = e.credit_code[8:16]
            c = 11 - sum(int(ch, 36) * w for ch, w in zip(org, (3, 7, 9, 10, 5, 8, 4, 2))) % 11
            assert e.credit_code[16] == {10: "X", 11: "0"}.get(c, str(c)), e.credit_code
            assert e.credit_code[:2] == "91" and e.credit_code[2:8] == e.county_code
        assert all("演示" in e.name for e in enterprises)
        assert db.session.scalar(sa.select(sa.func.count()).where(Plan.is_current.is_(False))) > 0
        years = {p.signed_on.year for p in db.session.scalars(sa.select(Plan))}
        assert {2020, 2023, 2026} <= years
    r = runner.invoke(args=["load-demo"])
    assert r.exit_code != 0
    r = runner.invoke(args=["load-demo", "--if-empty"])
    assert r.exit_code == 0 and "nothing loaded" in r.output
