"""The demo holds online filing in every state (issue #19), marked as demo, reviewed by the
Yuzhou demo officer and reachable by the two demo enterprise accounts."""
import sqlalchemy as sa

from registry.extensions import db
from registry.models import Submission, User


def test_demo_has_applications_in_every_state(app, demo):
    assert demo.exit_code == 0, demo.output
    assert "qiye_demo " in demo.output and "qiye_demo2" in demo.output
    with app.app_context():
        subs = db.session.scalars(sa.select(Submission).order_by(Submission.id)).all()
        assert {s.status for s in subs} == {"draft", "submitted", "returned", "accepted",
                                            "withdrawn"}
        assert all(s.is_demo for s in subs)
        assert {s.enterprise.county_code for s in subs} == {"411081"}
        accepted = next(s for s in subs if s.status == "accepted")
        assert accepted.verify_code and accepted.accepted_plan_id
        returned = next(s for s in subs if s.status == "returned")
        assert len(returned.return_reasons) == 3 and returned.resubmit_by
        group = db.session.scalar(sa.select(User).where(User.username == "qiye_demo"))
        assert group.role == "enterprise" and group.is_demo and len(group.enterprise_ids) == 3
        # One is past its reply date, one is not: the queue shows both kinds.
        from registry.submissions.service import is_overdue

        waiting = [s for s in subs if s.status == "submitted"]
        assert sorted(is_overdue(s) for s in waiting) == [False, True]


def test_demo_enterprise_sees_only_its_own(app, demo, client):
    from registry.submissions.service import list_submissions

    with app.app_context():
        group = db.session.scalar(sa.select(User).where(User.username == "qiye_demo"))
        single = db.session.scalar(sa.select(User).where(User.username == "qiye_demo2"))
        mine = {s.id for s in list_submissions(group)}
        theirs = {s.id for s in list_submissions(single)}
        assert mine and theirs and not mine & theirs
        assert len(mine | theirs) == db.session.scalar(sa.select(sa.func.count(Submission.id)))
