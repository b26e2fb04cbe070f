"""A corrective action's field change and its status move are two services (issue #15 §3):
the edit form cannot move the status, a move records one ``action.status`` change with its
evidence, and the API's PATCH still does both at once."""
import pytest
import sqlalchemy as sa

from tests.registry.drills.conftest import action_payload, drill_payload


@pytest.fixture
def action_id(admin_api):
    drill = admin_api.post("/drills", json=drill_payload()).json
    return admin_api.post(f"/drills/{drill['id']}/actions", json=action_payload()).json["id"]


def test_change_and_move_are_separate(app, admin_api, action_id):
    from registry.drills import actions
    from registry.drills.schemas import ActionPatch
    from registry.errors import ValidationFailed
    from registry.extensions import db
    from registry.models import AuditEntry
    from registry.permissions import SYSTEM

    with app.test_request_context(method="POST"):  # writes: not a read-only GET
        with pytest.raises(ValidationFailed) as refused:
            actions.change_action(SYSTEM, action_id, ActionPatch(status="in_progress"))
        assert set(refused.value.fields) == {"status"}
        actions.change_action(SYSTEM, action_id, ActionPatch(owner_name="王敏"))
        with pytest.raises(ValidationFailed) as no_evidence:
            actions.move_action(SYSTEM, action_id, "done")
        assert set(no_evidence.value.fields) == {"status"}  # open → done skips a step
        actions.move_action(SYSTEM, action_id, "in_progress")
        moved = actions.move_action(SYSTEM, action_id, "done", "已扩建应急池，见验收记录")
        assert (moved.status, moved.evidence, moved.owner_name) == ("done", "已扩建应急池，见验收记录", "王敏")
        records = db.session.execute(sa.select(AuditEntry.action, AuditEntry.after)
                                     .where(AuditEntry.entity_type == "action",
                                            AuditEntry.entity_id == action_id)
                                     .order_by(AuditEntry.id)).all()
    names = [name for name, _new in records]
    assert names == ["action.create", "action.update", "action.status", "action.update"]
    assert records[-1][1]["status"] == "done" and records[-1][1]["evidence"].startswith("已扩建")
    # The API's PATCH moves and edits in one request, as before.
    r = admin_api.patch(f"/actions/{action_id}", json={"status": "in_progress", "evidence": "补充验收记录"})
    assert r.status_code == 200 and r.json["status"] == "in_progress" and r.json["evidence"] == "补充验收记录"
