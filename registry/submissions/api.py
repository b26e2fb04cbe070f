"""The submissions API (issue #19 contract), opened to enterprise users (``enterprise=True``);
every view's records are scoped by ``registry.submissions.service``."""
from __future__ import annotations

from flask import Response, request, url_for
from flask_babel import gettext as _
from pydantic import BaseModel

from registry.api import bp
from registry.api.routing import operation
from registry.errors import PermissionDenied, ValidationFailed
from registry.permissions import can_act_for_enterprise, is_enterprise_user, require
from registry.submissions import receipt, service
from registry.submissions.schemas import ReturnIn, SubmissionIn, SubmissionQuery
from registry.substances.schemas import InventoryIn


class ReturnReasonOut(BaseModel):
    document: str | None = None
    reason: str


class DocumentOut(BaseModel):
    id: int
    file: str
    size: int


class ChangeNoticeOut(BaseModel):
    notify_by: str  # the 20th working day after the change
    approximate: bool  # the calendar for that year is not yet official
    late: bool  # told (first submitted) after notify_by; for a draft: if submitted today


class GradingOut(BaseModel):
    level: str  # as computed from the inventory (HJ 941-2018)
    notation: str
    agrees: bool  # equals the declared risk_level


class SubmissionOut(BaseModel):
    id: int
    enterprise_id: int
    enterprise_name: str
    kind: str
    status: str
    title: str
    signed_on: str
    risk_level: str | None = None
    risk_notation: str | None = None
    plan_id: int | None = None
    reason: str | None = None
    received_on: str | None = None
    reply_due_on: str | None = None
    overdue: bool
    resubmit_by: str | None = None
    return_reasons: list[ReturnReasonOut]
    documents: dict[str, DocumentOut]
    missing_documents: list[str]
    changed_on: str | None = None  # change_notice: when the minor change happened
    change_notice: ChangeNoticeOut | None = None
    inventory: dict | None = None  # the risk inventory as given (InventoryIn)
    grading: GradingOut | None = None
    accepted_plan_id: int | None = None
    filing_number: str | None = None
    verify_code: str | None = None
    verify_url: str | None = None
    receipt_url: str | None = None  # the 备案表 PDF, once accepted


class SubmissionList(BaseModel):
    items: list[SubmissionOut]
    total: int


class AcceptedOut(SubmissionOut):
    """The accept answer (issue #19 contract): plan_id, filing_number, verify_code, receipt_url."""


def _out(sub) -> dict:
    out = service.to_dict(sub)
    out["receipt_url"] = receipt_url(sub.id) if sub.status == "accepted" else None
    return out


@operation(bp, "/submissions", "POST", "Start a filing application (draft)", "submissions",
           body=SubmissionIn, response=SubmissionOut, status=201,
           errors=(401, 403, 404, 422), enterprise=True)
def create_submission(user, body):
    return _out(service.create_submission(user, body))


@operation(bp, "/submissions", "GET", "Filing applications you may see", "submissions",
           query=SubmissionQuery, response=SubmissionList, errors=(401, 422), enterprise=True)
def list_submissions(user, query):
    rows = service.list_submissions(user, status=query.status)
    return {"items": [_out(s) for s in rows], "total": len(rows)}


@operation(bp, "/submissions/{submission_id}", "GET", "One filing application", "submissions",
           response=SubmissionOut, errors=(401, 404), enterprise=True)
def get_submission(user, submission_id):
    return _out(service.get_submission(user, submission_id))


@operation(bp, "/submissions/{submission_id}/documents/{kind}", "POST",
           "Upload one of the five documents (multipart, field file)", "submissions",
           response=SubmissionOut, status=201, errors=(401, 403, 404, 409, 422), enterprise=True)
def upload_document(user, submission_id, kind):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        sub = service.get_submission(user, submission_id)  # 404, 403 before saying what is missing
        require(can_act_for_enterprise(user, sub.enterprise), user)
        raise ValidationFailed({"file": [_("Send the document as multipart field “file”.")]})
    service.attach(user, submission_id, kind, upload.filename, upload.stream)
    return _out(service.get_submission(user, submission_id))


@operation(bp, "/submissions/{submission_id}/inventory", "PUT",
           "Give the application's risk inventory; it is graded by HJ 941-2018 (the grade "
           "is shown beside the declared level, and filed with the plan on acceptance)",
           "submissions", body=InventoryIn, response=SubmissionOut,
           errors=(401, 403, 404, 409, 422), enterprise=True)
def put_inventory(user, submission_id, body):
    return _out(service.set_inventory(user, submission_id, body))


@operation(bp, "/submissions/{submission_id}/submit", "POST",
           "Submit (or resubmit): all five documents are needed", "submissions",
           response=SubmissionOut, errors=(401, 403, 404, 409, 422), enterprise=True)
def submit(user, submission_id):
    return _out(service.submit(user, submission_id))


@operation(bp, "/submissions/{submission_id}/withdraw", "POST",
           "Withdraw before acceptance", "submissions",
           response=SubmissionOut, errors=(401, 403, 404, 409), enterprise=True)
def withdraw(user, submission_id):
    return _out(service.withdraw(user, submission_id))


@operation(bp, "/submissions/{submission_id}/return", "POST",
           "Return for correction (退回补正): every reason in one notice", "submissions",
           body=ReturnIn, response=SubmissionOut, errors=(401, 403, 404, 409, 422),
           enterprise=True)
def return_submission(user, submission_id, body):
    if is_enterprise_user(user):
        service.get_submission(user, submission_id)
        raise PermissionDenied(_("Only the county bureau returns a submission."))
    return _out(service.return_submission(user, submission_id, body))


@operation(bp, "/submissions/{submission_id}/accept", "POST",
           "Accept (予以备案): files the plan and takes the filing number", "submissions",
           response=AcceptedOut, errors=(401, 403, 404, 409, 422), enterprise=True)
def accept(user, submission_id):
    if is_enterprise_user(user):
        service.get_submission(user, submission_id)
        raise PermissionDenied(_("Only the county bureau accepts a submission."))
    out = _out(service.accept(user, submission_id))
    out["plan_id"] = out["accepted_plan_id"]
    return out


def receipt_url(submission_id: int) -> str:
    return url_for("api.get_receipt_pdf", submission_id=submission_id, _external=True)


@operation(bp, "/submissions/{submission_id}/receipt.pdf", "GET",
           "The 备案表 receipt (PDF) of an accepted submission", "submissions",
           errors=(401, 404), enterprise=True, media="application/pdf")
def receipt_pdf(user, submission_id):
    r = receipt.receipt_for(user, submission_id)
    return Response(r.pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="{r.filename}"'}), 200
