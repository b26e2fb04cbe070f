"""Demo drills: 2023 reproduces the seed report's 41 drills with findings; later years
fewer; the current year is not empty; everything marked as demo."""
import sqlalchemy as sa


def test_demo_drills(demo, app):
    assert demo.exit_code == 0, demo.output
    with app.app_context():
        from registry.drills.service import drill_stats
        from registry.extensions import db
        from registry.models import CorrectiveAction, Drill, Plan
        from registry.permissions import SYSTEM

        counts = {y: drill_stats(SYSTEM, y)["total"] for y in range(2023, 2027)}
        assert counts[2023] == 41
        assert counts[2023] > counts[2024] > counts[2025] > counts[2026] > 0
        stats = drill_stats(SYSTEM, 2023)
        assert {"environmental", "counter_terrorism"} <= set(stats["by_theme"])
        drills = db.session.scalars(sa.select(Drill)).all()
        assert all(d.is_demo and "演示" in d.title for d in drills)
        actions = db.session.scalars(sa.select(CorrectiveAction)).all()
        assert all(a.is_demo for a in actions)
        in_2023 = [a for a in actions if a.drill.held_on.year == 2023]
        assert in_2023 and {a.status for a in actions} == {"open", "in_progress", "done",
                                                           "verified"}
        assert any(d.status == "closed" for d in drills)
        flagged = db.session.scalars(sa.select(Plan).where(Plan.revision_required)).all()
        assert flagged and all(p.is_current for p in flagged)
        # Nobody verified their own action.
        assert all(a.verified_by_name != a.owner_name for a in actions if a.verified_on)
