"""drill_points: the map layer's data, scoped like every list, coloured by verification."""
from tests.registry.drills.conftest import action_payload, drill_payload


def test_drill_points(app, client, accounts, admin_api):
    done = admin_api.post("/drills", json=drill_payload(held_on="2025-04-01")).json
    open_ = admin_api.post("/drills", json=drill_payload(county_code="411025",
                                                         longitude=113.48, latitude=33.85)).json
    admin_api.post(f"/drills/{open_['id']}/actions", json=action_payload())
    officer_id, _name = accounts.make("officer", ["411081"])
    with app.app_context():
        from registry.drills.map import drill_points
        from registry.extensions import db
        from registry.models import User
        from registry.permissions import SYSTEM

        points = drill_points(SYSTEM)
        assert [(p["id"], p["all_actions_verified"]) for p in points] == [
            (done["id"], True), (open_["id"], False)]
        assert points[1] == {"id": open_["id"], "title": "禹州市突发环境事件应急演练",
                             "date": "2026-05-20", "lon": 113.48, "lat": 33.85,
                             "all_actions_verified": False}
        assert [p["id"] for p in drill_points(SYSTEM, year=2025)] == [done["id"]]
        officer = db.session.get(User, officer_id)
        assert [p["id"] for p in drill_points(officer)] == [done["id"]]
