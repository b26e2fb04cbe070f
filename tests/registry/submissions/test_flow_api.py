"""The submission's states through the API: draft → submitted → returned → submitted →
accepted, the refusals, the reply clock and the filing it produces (today 2026-06-15,
a Monday; 19 June 2026 is the Dragon Boat Festival holiday)."""
import sqlalchemy as sa

from registry.extensions import db
from registry.models import AuditEntry, Plan
from tests.registry.submissions.conftest import KINDS, submission_payload, submitted, upload


def test_a_draft_carries_the_filing_fields_checked_by_the_filing_rules(world):
    r = world.ours_api.post("/submissions", json=submission_payload(world.ours["id"]))
    assert r.status_code == 201, r.json
    assert r.json["status"] == "draft" and r.json["missing_documents"] == KINDS
    # Same rules as an officer filing: a future signing date, a notation disagreeing
    # with the level, no level at all.
    r = world.ours_api.post("/submissions", json=submission_payload(
        world.ours["id"], signed_on="2026-07-01"))
    assert r.status_code == 422 and "signed_on" in r.json["error"]["fields"]
    r = world.ours_api.post("/submissions", json=submission_payload(
        world.ours["id"], risk_level="general", risk_notation="较大[较大-大气(Q1-M2-E1)+一般-水(Q0)]"))
    assert r.status_code == 422 and "risk_level" in r.json["error"]["fields"], r.json
    r = world.ours_api.post("/submissions", json=submission_payload(
        world.ours["id"], risk_level=None))
    assert r.status_code == 422
    r = world.ours_api.post("/submissions", json=submission_payload(
        world.ours["id"], kind="revision"))
    assert r.status_code == 422 and "plan_id" in r.json["error"]["fields"]


def test_submitting_without_all_five_names_each_missing_document(world):
    sid = world.ours_api.post("/submissions", json=submission_payload(world.ours["id"])).json["id"]
    assert upload(world.ours_api, sid, "plan").status_code == 201
    r = world.ours_api.post(f"/submissions/{sid}/submit")
    assert r.status_code == 422
    messages = " ".join(r.json["error"]["fields"]["documents"])
    for kind in ("filing_form", "risk_assessment", "resource_survey", "expert_review"):
        assert kind in messages
    assert "(plan)" not in messages
    assert world.ours_api.get(f"/submissions/{sid}").json["status"] == "draft"


def test_uploads_are_checked_like_plan_documents(world):
    sid = world.ours_api.post("/submissions", json=submission_payload(world.ours["id"])).json["id"]
    r = upload(world.ours_api, sid, "plan", data=b"just text, not a PDF", name="预案.pdf")
    assert r.status_code == 422 and "file" in r.json["error"]["fields"]
    r = upload(world.ours_api, sid, "contract")
    assert r.status_code == 422 and "kind" in r.json["error"]["fields"]


def test_submit_starts_the_five_working_day_clock(world):
    sid = submitted(world)
    sub = world.officer_api.get(f"/submissions/{sid}").json
    assert sub["status"] == "submitted"
    assert sub["received_on"] == "2026-06-15"
    assert sub["reply_due_on"] == "2026-06-23"  # 16, 17, 18, (19 holiday), 22, 23
    assert sub["overdue"] is False
    queue = world.officer_api.get("/submissions?status=submitted").json["items"]
    assert [s["id"] for s in queue] == [sid]


def test_return_resubmit_accept(app, world):
    sid = submitted(world)
    reasons = [{"document": "risk_assessment", "reason": "风险评估报告未附环境风险物质清单"},
               {"reason": "备案表未加盖单位公章"}]
    # The enterprise cannot return or accept; the other county cannot either.
    assert world.ours_api.post(f"/submissions/{sid}/accept").status_code == 403
    assert world.ours_api.post(f"/submissions/{sid}/return", json={
        "reasons": reasons, "resubmit_by": "2026-06-30"}).status_code == 403
    assert world.other_officer_api.post(f"/submissions/{sid}/accept").status_code == 404
    r = world.officer_api.post(f"/submissions/{sid}/return",
                               json={"reasons": [], "resubmit_by": "2026-06-30"})
    assert r.status_code == 422 and "reasons" in r.json["error"]["fields"]
    r = world.officer_api.post(f"/submissions/{sid}/return",
                               json={"reasons": reasons, "resubmit_by": "2026-06-10"})
    assert r.status_code == 422 and "resubmit_by" in r.json["error"]["fields"]
    r = world.officer_api.post(f"/submissions/{sid}/return",
                               json={"reasons": reasons, "resubmit_by": "2026-06-30"})
    assert r.status_code == 200 and r.json["status"] == "returned"
    mine = world.ours_api.get(f"/submissions/{sid}").json
    assert mine["return_reasons"] == [{"document": "risk_assessment",
                                       "reason": "风险评估报告未附环境风险物质清单"},
                                      {"document": None, "reason": "备案表未加盖单位公章"}]
    assert mine["resubmit_by"] == "2026-06-30"
    # A returned submission cannot be accepted or returned again.
    assert world.officer_api.post(f"/submissions/{sid}/accept").status_code == 409
    # The enterprise replaces the document named and submits again.
    assert upload(world.ours_api, sid, "risk_assessment", name="风险评估报告（修改稿）.pdf"
                  ).status_code == 201
    r = world.ours_api.post(f"/submissions/{sid}/submit")
    assert r.status_code == 200 and r.json["status"] == "submitted"
    assert r.json["documents"]["risk_assessment"]["file"] == "风险评估报告（修改稿）.pdf"
    r = world.officer_api.post(f"/submissions/{sid}/accept")
    assert r.status_code == 200, r.json
    out = r.json
    assert out["status"] == "accepted" and out["filing_number"] == "411002-2026-001-L"
    assert len(out["verify_code"]) == 32  # 128 bits, hex
    # Filed exactly as an officer filing: the plan, its number, its documents.
    plan = world.officer_api.get(f"/plans/{out['plan_id']}").json
    assert plan["filing_number"] == "411002-2026-001-L" and plan["filed_on"] == "2026-06-15"
    assert plan["filed_late"] is False and plan["missing_documents"] == []
    with app.app_context():
        stored = db.session.get(Plan, out["plan_id"])
        assert {d.kind for d in stored.documents if d.stored_name} == set(KINDS)
        actions = db.session.scalars(sa.select(AuditEntry.action).where(
            AuditEntry.entity_type == "submission", AuditEntry.entity_id == sid)
            .order_by(AuditEntry.id)).all()
    assert actions[0] == "submission.create"
    assert [a for a in actions if a in ("submission.submit", "submission.return",
                                        "submission.accept")] == [
        "submission.submit", "submission.return", "submission.submit", "submission.accept"]
    # Accepted is final: no withdrawal, no upload.
    assert world.ours_api.post(f"/submissions/{sid}/withdraw").status_code == 409
    assert upload(world.ours_api, sid, "plan").status_code == 409


def test_withdraw_before_acceptance(world):
    sid = submitted(world)
    r = world.ours_api.post(f"/submissions/{sid}/withdraw")
    assert r.status_code == 200 and r.json["status"] == "withdrawn"
    assert world.officer_api.post(f"/submissions/{sid}/accept").status_code == 409
    assert world.ours_api.post(f"/submissions/{sid}/submit").status_code == 409


def test_late_first_submission_makes_the_filing_late(world):
    sid = world.ours_api.post("/submissions", json=submission_payload(
        world.ours["id"], signed_on="2026-04-01")).json["id"]
    for kind in KINDS:
        upload(world.ours_api, sid, kind)
    world.ours_api.post(f"/submissions/{sid}/submit")
    out = world.officer_api.post(f"/submissions/{sid}/accept").json
    assert world.officer_api.get(f"/plans/{out['plan_id']}").json["filed_late"] is True


def test_a_revision_files_a_new_version(world):
    first = submitted(world)
    old_plan = world.officer_api.post(f"/submissions/{first}/accept").json["plan_id"]
    sid = world.ours_api.post("/submissions", json=submission_payload(
        world.ours["id"], kind="revision", plan_id=old_plan, signed_on="2026-06-10",
        reason="生产工艺调整，环境风险物质变化")).json["id"]
    for kind in KINDS:
        upload(world.ours_api, sid, kind)
    assert world.ours_api.post(f"/submissions/{sid}/submit").status_code == 200
    out = world.officer_api.post(f"/submissions/{sid}/accept").json
    assert out["filing_number"] == "411002-2026-002-L" and out["plan_id"] != old_plan
    # With a current plan, a second first filing is refused when it is started.
    r = world.ours_api.post("/submissions", json=submission_payload(world.ours["id"]))
    assert r.status_code == 422 and "kind" in r.json["error"]["fields"]
    assert world.officer_api.get(f"/plans/{old_plan}").json["is_current"] is False
