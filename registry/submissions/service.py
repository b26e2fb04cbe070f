"""Submissions (备案申请) and their state machine; every query scoped to the caller.

States (issue #19): ``draft`` → ``submitted`` → (``returned`` → ``submitted`` …) →
``accepted``; ``withdrawn`` by the enterprise before acceptance. The transitions are the
table ``TRANSITIONS``: who may take each, and from which states; anything else is refused
(``IllegalTransition``, 409) and every transition is audited.

The filing fields are checked by the officer filing's own rules (``registry.plans.filing``),
the uploads by the plan documents' checks (``registry.plans.documents.check_upload``), the
reply clock by the working-day calendar (``registry.rules.workdays``), and acceptance files
the plan through ``registry.plans.service`` exactly as an officer filing does.
"""
from __future__ import annotations

import secrets
import shutil
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry import audit, permissions
from registry.unit_of_work import marks_demo, unit_of_work
from registry.clock import today as local_today
from registry.errors import Conflict, NotFound, ValidationFailed
from registry.extensions import db
from registry.models import Enterprise, Plan, PlanDocument, Submission, SubmissionDocument
from registry.models.base import utcnow
from registry.plans import filing
from registry.plans.documents import CONTENT_TYPES, check_upload, read_upload, store_upload, upload_root
from registry.rules.plan_status import DOCUMENTS
from registry.rules.workdays import add_working_days
from registry.submissions.schemas import ReturnIn, SubmissionIn

REPLY_WORKING_DAYS = 5  # 环发〔2015〕4号: the county checks within 5 working days

STATUS_LABELS = {"draft": _l("Draft"), "submitted": _l("Submitted"),
                 "returned": _l("Returned for correction"), "accepted": _l("Filed"),
                 "withdrawn": _l("Withdrawn")}
KIND_LABELS = {"new": _l("First filing"), "revision": _l("Major revision"),
               "change_notice": _l("Minor change notice")}


class IllegalTransition(Conflict):
    """A transition the state machine does not allow from the submission's state."""


@dataclass(frozen=True)
class Transition:
    name: str
    sources: tuple[str, ...]
    target: str
    by: str  # "enterprise" (its own users, or an officer of its county) or "officer"


TRANSITIONS = {
    "submit": Transition("submit", ("draft", "returned"), "submitted", "enterprise"),
    "withdraw": Transition("withdraw", ("draft", "submitted", "returned"), "withdrawn",
                           "enterprise"),
    "return": Transition("return", ("submitted",), "returned", "officer"),
    "accept": Transition("accept", ("submitted",), "accepted", "officer"),
}
EDITABLE = ("draft", "returned")  # documents can be uploaded or replaced


# Scoping -------------------------------------------------------------------------------

def my_enterprises(actor) -> list[Enterprise]:
    """The enterprises an enterprise user acts for (its portal's 我的企业)."""
    ids = permissions.own_enterprise_ids(actor)
    if not ids:
        return []
    return list(db.session.scalars(sa.select(Enterprise).where(Enterprise.id.in_(sorted(ids)))
                                   .order_by(Enterprise.name, Enterprise.id)))


def get_enterprise_for(actor, enterprise_id: int) -> Enterprise:
    """An enterprise the caller may see: its own (enterprise user) or of its counties.
    Another enterprise's id is a 404, never a 403 (its existence is not disclosed)."""
    enterprise = db.session.get(Enterprise, enterprise_id)
    if enterprise is None or not permissions.can_see_enterprise(actor, enterprise):
        raise NotFound(_("No enterprise with id %(id)s.", id=enterprise_id))
    return enterprise


def _scoped(stmt, actor):
    if permissions.is_enterprise_user(actor):
        return stmt.where(Submission.enterprise_id.in_(sorted(permissions.own_enterprise_ids(actor))
                                                       or [-1]))
    return permissions.scope(stmt.join(Enterprise, Enterprise.id == Submission.enterprise_id),
                             actor, Enterprise.county_code)


def list_submissions(actor, status: str | None = None, enterprise_id: int | None = None
                     ) -> list[Submission]:
    """An enterprise user's own submissions; an officer's those of its counties, the
    review queue's order (reply due first)."""
    stmt = _scoped(sa.select(Submission), actor)
    if status:
        stmt = stmt.where(Submission.status == status)
    if enterprise_id is not None:
        stmt = stmt.where(Submission.enterprise_id == enterprise_id)
    stmt = stmt.order_by(Submission.reply_due_on.is_(None), Submission.reply_due_on,
                         Submission.id)
    return list(db.session.scalars(stmt).unique())


def review_queue(actor) -> list[Submission]:
    """受理台账: submissions waiting for the county's reply, the earliest due first."""
    permissions.require(not permissions.is_enterprise_user(actor)
                        and permissions.visible_county_codes(actor) != set(), actor)
    return list_submissions(actor, status="submitted")


def get_submission(actor, submission_id: int) -> Submission:
    """One submission the caller may see; anybody else's is a 404."""
    sub = db.session.get(Submission, submission_id)
    if sub is None or not permissions.can_see_enterprise(actor, sub.enterprise):
        raise NotFound(_("No submission with id %(id)s.", id=submission_id))
    return sub


def is_overdue(sub: Submission, today: date | None = None) -> bool:
    return (sub.status == "submitted" and sub.reply_due_on is not None
            and (today or local_today()) > sub.reply_due_on)


# The state machine ---------------------------------------------------------------------

def _may(actor, transition: Transition, sub: Submission) -> bool:
    if transition.by == "officer":
        return (not permissions.is_enterprise_user(actor)
                and permissions.can_write_county(actor, sub.enterprise.county_code))
    return permissions.can_act_for_enterprise(actor, sub.enterprise)


def allowed_actions(actor, sub: Submission) -> set[str]:
    """What ``actor`` may do to ``sub`` now: the transitions open from its status to this
    caller, and ``upload`` while its documents can change. Pages offer exactly these."""
    actions = {name for name, t in TRANSITIONS.items()
               if sub.status in t.sources and _may(actor, t, sub)}
    if sub.status in EDITABLE and permissions.can_act_for_enterprise(actor, sub.enterprise):
        actions.add("upload")
    return actions


def _transition(actor, sub: Submission, name: str, extra: dict | None = None) -> None:
    transition = TRANSITIONS[name]
    permissions.require(_may(actor, transition, sub), actor)
    if sub.status not in transition.sources:
        raise IllegalTransition(_(
            "A submission that is “%(status)s” cannot be %(action)s.",
            status=STATUS_LABELS[sub.status], action=ACTION_LABELS[name]))
    before = sub.status
    sub.status = transition.target
    db.session.flush()
    audit.record(actor, f"submission.{name}", "submission", sub.id, {"status": before},
                 {"status": sub.status, **(extra or {})})


# What each of the five documents must be (环发〔2015〕4号), shown beside the upload.
DOCUMENT_GUIDANCE = {
    "filing_form": _l("The filing form of an enterprise's environmental emergency plan, signed "
                      "by the person in charge and stamped with the unit's seal."),
    "plan": _l("The environmental emergency plan and its drafting note: how it was drafted, "
               "its key contents, the opinions sought and how they were taken, the review."),
    "risk_assessment": _l("The environmental risk assessment report, grading the risk by HJ "
                          "941-2018."),
    "resource_survey": _l("The emergency resource survey: materials, equipment and teams, "
                          "with quantities, where they are kept and whom to call."),
    "expert_review": _l("The review opinion on the plan, signed by the reviewing experts."),
}

ACTION_LABELS = {"submit": _l("submitted"), "withdraw": _l("withdrawn"),
                 "return": _l("returned"), "accept": _l("accepted")}


def create_submission(actor, data: SubmissionIn) -> Submission:
    """A draft for one of the caller's enterprises, the filing fields checked by the
    officer filing's rules. Raises NotFound, PermissionDenied, ValidationFailed."""
    enterprise = get_enterprise_for(actor, data.enterprise_id)
    permissions.require(permissions.can_act_for_enterprise(actor, enterprise), actor)
    filing.check_dates(data.signed_on, local_today())
    level, notation, _breakdown = filing.grade(data)
    plan_id = None
    if data.kind == "new":
        if data.plan_id is not None:
            raise ValidationFailed({"plan_id": [_("A first filing revises no plan.")]})
        if db.session.scalar(sa.select(Plan.id).where(Plan.enterprise_id == enterprise.id,
                                                      Plan.is_current)) is not None:
            raise ValidationFailed({"kind": [_(
                "This enterprise already has a current plan; apply for a revision or a "
                "change notice instead.")]})
    else:
        plan = db.session.get(Plan, data.plan_id) if data.plan_id else None
        if plan is None or plan.enterprise_id != enterprise.id or not plan.is_current:
            raise ValidationFailed({"plan_id": [_(
                "Name the enterprise's current plan that this revises or changes.")]})
        if data.kind == "revision":
            filing.check_revision(plan, data.signed_on)
        plan_id = plan.id
    if data.kind == "change_notice":
        from registry.plans.service import change_date_errors

        errors = change_date_errors(plan, data.changed_on, local_today())
        if errors:
            raise ValidationFailed(errors)
    elif data.changed_on is not None:
        raise ValidationFailed({"changed_on": [_(
            "Only a change notice carries the date of a change.")]})
    sub = Submission(enterprise_id=enterprise.id, kind=data.kind, status="draft",
                     title=data.title, signed_on=data.signed_on, risk_level=level,
                     risk_notation=notation, plan_id=plan_id, reason=data.reason,
                     changed_on=data.changed_on, created_by_id=getattr(actor, "id", None), is_demo=marks_demo())
    db.session.add(sub)
    db.session.flush()
    audit.record(actor, "submission.create", "submission", sub.id, None,
                 {"enterprise_id": enterprise.id, "kind": sub.kind, "title": sub.title,
                  "status": sub.status})
    db.session.commit()
    return sub


def attach(actor, submission_id: int, kind: str, filename: str, stream) -> SubmissionDocument:
    """Upload (or replace) one of the five documents of a draft or returned submission,
    with the same checks as a plan's documents; the earlier file stays in the history."""
    from registry.hardening.text import clean_filename

    sub = get_submission(actor, submission_id)
    permissions.require(permissions.can_act_for_enterprise(actor, sub.enterprise), actor)
    if kind not in DOCUMENTS:
        raise ValidationFailed({"kind": [_("Unknown filing document “%(value)s”.", value=kind)]})
    if sub.status not in EDITABLE:
        raise IllegalTransition(_("Documents can only be changed while the submission is a "
                                  "draft or returned for correction."))
    data = read_upload(stream)
    filename = clean_filename(filename)
    ext = check_upload(filename, data[:16], len(data))
    stored = store_upload("submissions", sub.id, data, ext)
    doc = SubmissionDocument(kind=kind, stored_name=stored, original_name=filename,
                             content_type=CONTENT_TYPES[ext], size=len(data))
    sub.documents.append(doc)
    db.session.flush()
    audit.record(actor, "submission.upload", "submission", sub.id, None,
                 {"document": kind, "file": filename, "size": len(data)})
    db.session.commit()
    return doc


def set_inventory(actor, submission_id: int, data) -> Submission:
    """Record the application's risk inventory (``registry.substances.schemas.InventoryIn``)
    and grade it by HJ 941-2018 with the same computation as the enterprise's own; a draft
    or returned submission only. A grade that differs from the declared level is shown to
    the enterprise and the officer, not refused. Raises ValidationFailed (nothing written)."""
    from registry.substances.inventory import compute

    sub = get_submission(actor, submission_id)
    permissions.require(permissions.can_act_for_enterprise(actor, sub.enterprise), actor)
    if sub.status not in EDITABLE:
        raise IllegalTransition(_("The risk inventory can only be changed while the "
                                  "submission is a draft or returned for correction."))
    try:
        result = compute(sub.enterprise, data)
    except ValidationFailed as exc:
        raise ValidationFailed({f"inventory.{k}": v for k, v in exc.fields.items()}) from None
    before = _graded(sub) if sub.grading else None
    sub.inventory = data.model_dump(mode="json", exclude_none=True)
    sub.grading = result
    after = _graded(sub)
    old, new = audit.diff(before, after) if before else (None, after)
    if new:
        audit.record(actor, "submission.inventory", "submission", sub.id, old, new)
    db.session.commit()
    return sub


def _graded(sub: Submission) -> dict:
    """The inventory as the change record shows it: substances by name, and the grade."""
    return {"substances": [f"{line['name']} {line['max_quantity_t']:g} t"
                           for line in inventory_lines(sub)],
            "level": sub.grading["level"], "notation": sub.grading["notation"]}


def inventory_lines(sub: Submission) -> list[dict]:
    """The application's substances with their names and critical quantities (Q)."""
    from registry.substances.service import by_ids

    lines = (sub.inventory or {}).get("substances", [])
    found = by_ids(line["substance_id"] for line in lines)
    return [{"name": found[line["substance_id"]].name if line["substance_id"] in found
             else str(line["substance_id"]),
             "critical_quantity_t": found[line["substance_id"]].critical_quantity_t
             if line["substance_id"] in found else None,
             "max_quantity_t": line["max_quantity_t"], "storage": line.get("storage")}
            for line in lines]


def change_notice_clock(sub: Submission, today: date | None = None) -> dict | None:
    """A change notice's 20-working-day clock: the deadline, whether it is approximate and
    whether the notice is (or, not yet submitted, would be today) late."""
    if sub.kind != "change_notice" or sub.changed_on is None:
        return None
    from registry.plans.service import change_notice_deadline

    notify_by, approximate = change_notice_deadline(sub.changed_on)
    told = sub.first_received_on or today or local_today()
    return {"changed_on": sub.changed_on, "notify_by": notify_by,
            "approximate": approximate, "late": told > notify_by}


def document_path(actor, submission_id: int, document_id: int):
    sub = get_submission(actor, submission_id)
    doc = next((d for d in sub.documents if d.id == document_id), None)
    if doc is None:
        raise NotFound(_("No uploaded file for this document."))
    return upload_root() / "submissions" / str(sub.id) / doc.stored_name, doc


def missing_documents(sub: Submission) -> list[str]:
    present = sub.current_documents
    return [k for k in DOCUMENTS if k not in present]


def submit(actor, submission_id: int, today: date | None = None) -> Submission:
    """Submit (or resubmit after a return): all five documents are needed; the reply is
    due on the 5th working day after receipt."""
    from registry.web.labels import DOCUMENTS as DOCUMENT_LABELS

    sub = get_submission(actor, submission_id)
    missing = missing_documents(sub)
    if missing and _may(actor, TRANSITIONS["submit"], sub) and sub.status in EDITABLE:
        raise ValidationFailed({"documents": [
            _("Missing: %(document)s (%(kind)s).", document=DOCUMENT_LABELS[k], kind=k)
            for k in missing]})
    received = today or local_today()
    _transition(actor, sub, "submit")
    sub.received_on = received
    if sub.first_received_on is None:
        sub.first_received_on = received
    sub.reply_due_on, _approx = add_working_days(received, REPLY_WORKING_DAYS)
    audit.record(actor, "submission.clock", "submission", sub.id, None,
                 {"received_on": received.isoformat(),
                  "reply_due_on": sub.reply_due_on.isoformat()})
    db.session.commit()
    return sub


def withdraw(actor, submission_id: int) -> Submission:
    sub = get_submission(actor, submission_id)
    _transition(actor, sub, "withdraw")
    db.session.commit()
    return sub


def return_submission(actor, submission_id: int, data: ReturnIn,
                      today: date | None = None) -> Submission:
    """退回补正: one notice listing every reason (per document or for the whole) and the
    date by which to submit again."""
    sub = get_submission(actor, submission_id)
    if data.resubmit_by <= (today or local_today()):
        permissions.require(_may(actor, TRANSITIONS["return"], sub), actor)
        raise ValidationFailed({"resubmit_by": [_("The resubmission date must be after today.")]})
    reasons = [r.model_dump() for r in data.reasons]
    _transition(actor, sub, "return", {  # plain strings: the history lists them as they are
        "reasons": [f"{r['document'] or '*'}: {r['reason']}" for r in reasons],
        "resubmit_by": data.resubmit_by.isoformat()})
    sub.return_reasons = reasons
    sub.resubmit_by = data.resubmit_by
    sub.decided_on, sub.notice_seq = today or local_today(), sub.notice_seq + 1
    db.session.commit()
    return sub


def _late(sub: Submission, deadline: date) -> bool:
    """``filed_late``: judged by the first submission against the filing deadline; a
    resubmission after ``resubmit_by`` counts as late."""
    if sub.first_received_on is None or sub.first_received_on > deadline:
        return True
    return sub.resubmit_by is not None and sub.received_on > sub.resubmit_by


def accept(actor, submission_id: int, today: date | None = None) -> Submission:
    """予以备案: file the plan exactly as an officer filing does (the number taken now, in
    the county's gapless serial), keep the documents with the plan, issue a verify code.
    Only an officer of the enterprise's county or an administrator."""
    from registry.plans import service as plans
    from registry.plans.schemas import CorrectionIn, PlanIn, RevisionIn

    sub = get_submission(actor, submission_id)
    with unit_of_work(demo=sub.is_demo):  # the plan, its documents and inventory, or nothing
        _transition(actor, sub, "accept")
        fields = dict(title=sub.title, signed_on=sub.signed_on, filed_on=today or local_today(),
                      risk_level=sub.risk_level, risk_notation=sub.risk_notation,
                      documents=list(DOCUMENTS))
        if sub.kind == "new":
            plan = plans.file_plan(actor, PlanIn(enterprise_id=sub.enterprise_id, **fields))
        elif sub.kind == "revision":
            plan = plans.revise_plan(actor, sub.plan_id, RevisionIn(reason=sub.reason, **fields))
        else:  # change_notice: a correction keeping number and clock, and the change's notice
            # (told on the first submission: late after the 20th working day of the change)
            notice = ({"changed_on": sub.changed_on, "notified_on": sub.first_received_on}
                      if sub.changed_on else {})
            plan = plans.correct_plan(actor, sub.plan_id, CorrectionIn(
                title=sub.title, documents=list(DOCUMENTS), note=sub.reason, **notice))
        if sub.kind != "change_notice":
            plan.filed_late = _late(sub, plan.filing_deadline)
        _store_documents(sub, plan)
        if sub.inventory is not None:  # the application's inventory becomes the enterprise's
            from registry.substances.inventory import put_inventory
            from registry.substances.schemas import InventoryIn

            put_inventory(actor, sub.enterprise_id, InventoryIn.model_validate(sub.inventory))
        sub.accepted_plan_id = plan.id
        sub.verify_code = secrets.token_hex(16)  # 128 bits
        sub.decided_on, sub.notice_seq = today or local_today(), sub.notice_seq + 1
        db.session.flush()
        audit.record(actor, "submission.filed", "submission", sub.id, None,
                     {"plan_id": plan.id, "filing_number": plan.filing_number})
    return sub


def _store_documents(sub: Submission, plan: Plan) -> None:
    """Copy the submission's current files to the plan's documents."""
    source = upload_root() / "submissions" / str(sub.id)
    target = upload_root() / "plans" / str(plan.id)
    target.mkdir(parents=True, exist_ok=True)
    by_kind = {d.kind: d for d in plan.documents}
    for kind, doc in sub.current_documents.items():
        shutil.copyfile(source / doc.stored_name, target / doc.stored_name)
        pdoc = by_kind.get(kind)
        if pdoc is None:
            pdoc = PlanDocument(kind=kind)
            plan.documents.append(pdoc)
        pdoc.stored_name, pdoc.original_name = doc.stored_name, doc.original_name
        pdoc.content_type, pdoc.size, pdoc.uploaded_at = doc.content_type, doc.size, utcnow()


def filing_number(sub: Submission) -> str | None:
    if sub.accepted_plan_id is None:
        return None
    return db.session.scalar(sa.select(Plan.filing_number).where(Plan.id == sub.accepted_plan_id))


def to_dict(sub: Submission, today: date | None = None) -> dict:
    current = sub.current_documents
    return {
        "id": sub.id, "enterprise_id": sub.enterprise_id, "enterprise_name": sub.enterprise.name,
        "kind": sub.kind, "status": sub.status, "title": sub.title,
        "signed_on": sub.signed_on.isoformat(), "risk_level": sub.risk_level,
        "risk_notation": sub.risk_notation, "plan_id": sub.plan_id, "reason": sub.reason,
        "received_on": sub.received_on.isoformat() if sub.received_on else None,
        "reply_due_on": sub.reply_due_on.isoformat() if sub.reply_due_on else None,
        "overdue": is_overdue(sub, today),
        "resubmit_by": sub.resubmit_by.isoformat() if sub.resubmit_by else None,
        "return_reasons": sub.return_reasons or [],
        "documents": {k: {"id": d.id, "file": d.original_name, "size": d.size}
                      for k, d in current.items()},
        "missing_documents": [k for k in DOCUMENTS if k not in current],
        "changed_on": sub.changed_on.isoformat() if sub.changed_on else None,
        "change_notice": _clock_out(change_notice_clock(sub, today)),
        "inventory": sub.inventory,
        "grading": ({"level": sub.grading["level"], "notation": sub.grading["notation"],
                     "agrees": sub.grading["level"] == sub.risk_level}
                    if sub.grading else None),
        "accepted_plan_id": sub.accepted_plan_id, "filing_number": filing_number(sub),
        "verify_code": sub.verify_code,
        "verify_url": url_for("verify.verify", code=sub.verify_code, _external=True)
        if sub.verify_code else None,
    }


def _clock_out(clock: dict | None) -> dict | None:
    if clock is None:
        return None
    return {"notify_by": clock["notify_by"].isoformat(), "approximate": clock["approximate"],
            "late": clock["late"]}
