from flask import request
from flask_babel import gettext as _

from registry.api import bp
from registry.api.routing import operation
from registry.api.schemas import DeadlineOut, PlanChangeOut, PlanOut, PlanPage
from registry.errors import ValidationFailed
from registry.plans import deadlines, documents, service
from registry.plans.schemas import CorrectionIn, DeadlineQuery, PlanIn, PlanQuery, RevisionIn


@operation(bp, "/plans", "POST", "File a plan (first version) for an enterprise", "plans",
           body=PlanIn, response=PlanOut, status=201, errors=(401, 403, 404, 409, 422))
def file_plan(user, body):
    return service.to_dict(service.file_plan(user, body))


@operation(bp, "/plans", "GET", "List plans in your jurisdiction", "plans",
           query=PlanQuery, response=PlanPage, errors=(401, 422))
def list_plans(user, query):
    rows, total = service.list_plans(user, query)
    levels = service.inventory_levels(p for p, _status in rows)
    return {"items": [service.to_dict(p, levels=levels) for p, _status in rows], "total": total,
            "page": query.page, "per_page": query.per_page}


@operation(bp, "/plans/{plan_id}", "GET", "One plan version", "plans",
           response=PlanOut, errors=(401, 403, 404))
def get_plan(user, plan_id):
    return service.to_dict(service.get_plan(user, plan_id))


@operation(bp, "/plans/{plan_id}/revisions", "POST",
           "Major revision: new version, new filing number, new 3-year clock", "plans",
           body=RevisionIn, response=PlanOut, status=201, errors=(401, 403, 404, 409, 422))
def revise_plan(user, plan_id, body):
    return service.to_dict(service.revise_plan(user, plan_id, body))


@operation(bp, "/plans/{plan_id}", "PATCH", "Minor correction: same number and clock", "plans",
           body=CorrectionIn, response=PlanOut, errors=(401, 403, 404, 409, 422))
def correct_plan(user, plan_id, body):
    return service.to_dict(service.correct_plan(user, plan_id, body))


@operation(bp, "/plans/{plan_id}/documents/{kind}", "POST",
           "Upload one of the five filing documents (multipart, field `file`; replaces an earlier "
           "upload, which stays in the change record)", "plans",
           response=PlanOut, status=201, errors=(401, 403, 404, 413, 422), upload="file")
def upload_plan_document(user, plan_id, kind):
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        raise ValidationFailed({"file": [_("Choose a file to upload.")]})
    documents.attach_document(user, plan_id, kind, upload.filename, upload.stream)
    return service.to_dict(service.get_plan(user, plan_id))


@operation(bp, "/plans/{plan_id}/changes", "GET",
           "Minor changes notified for a plan version (change date, 20-working-day deadline)",
           "plans", response=PlanChangeOut, errors=(401, 403, 404))
def plan_changes(user, plan_id):
    return {"items": service.plan_changes(user, plan_id)}


@operation(bp, "/calendar/filing-deadline", "GET",
           "Filing deadline: the 20th working day after signed_on (PRC calendar)", "plans",
           query=DeadlineQuery, response=DeadlineOut, errors=(401, 422))
def filing_deadline(user, query):
    return deadlines.deadline_for(user, query.signed_on)
